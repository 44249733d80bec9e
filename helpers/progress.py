"""Which exercises pass: each notebook re-run as the learner saved it, up to its last check.

``python -m helpers progress`` (or ``show_progress()`` in a notebook) runs every notebook's cells in a fresh
kernel, the learner's own answers included, stopping after the last cell that calls a ``check_...``
function, and lists what each check said: passes, not yet, not attempted, or an error in that cell.
``python -m helpers progress 01 02 03`` checks those notebooks only.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .i18n import language, tr

CHECK_CALL = re.compile(r"^[^#\n]*?\b(check_\w+)\(", re.M)
_MARK = "__helpers_progress__"
STATUSES = ("passes", "not yet", "not attempted", "error", "not run", "only where the panel trained")
# A cell tagged so is not re-run: one the exercises do not need and that costs minutes (14's download and training,
# 15's launches of torchrun, 16's sweep).
SKIP_TAG = "progress-skip"
# These judge the runs a learner made with the panel's buttons, which a fresh kernel has not seen: only the
# learner's own kernel can pass them, so in a re-run they are reported as such rather than as not attempted.
PANEL_CHECKS = ("check_fast_run", "check_learning_rate_limit")


@dataclass
class Exercise:
    check: str
    status: str
    cell: int


class Report(list):
    """The notebooks' progress, a list of NotebookProgress; shows nothing in a notebook, where it was printed."""

    def _ipython_display_(self) -> None:
        pass


@dataclass
class NotebookProgress:
    notebook: str
    exercises: list[Exercise] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> int:
        return sum(e.status == "passes" for e in self.exercises)


def checks_in(nb) -> list[tuple[int, str]]:
    """(cell index, check name) for each check a notebook's code calls, in order."""
    return [(i, name) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
            for name in CHECK_CALL.findall(cell.source)]


def notebooks_in(folder: Path, edition: str = "en") -> list[Path]:
    twins = sorted(folder.glob("[0-9][0-9]_*.zh-CN.ipynb"))
    if edition == "zh-CN":
        return twins
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb") if p not in twins)


def check_notebook(path: Path, timeout: int = 900, kernel_name: str = "python3") -> NotebookProgress:
    """Re-run a notebook's cells up to its last check in a fresh kernel and collect each check's verdict."""
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    calls = checks_in(nb)
    result = NotebookProgress(path.name)
    if not calls:
        return result
    last = max(i for i, _ in calls)
    for cell in nb.cells:
        if SKIP_TAG in cell.metadata.get("tags", []):
            cell.source = ""
    nb.cells = nb.cells[: last + 1] + [nbformat.v4.new_code_cell(
        f"import json as _json, helpers.exercises as _exercises\nprint({_MARK!r} + _json.dumps(_exercises.verdicts()))")]
    started = time.perf_counter()
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel_name, allow_errors=True,
                            resources={"metadata": {"path": str(path.parent.resolve())}})
    client.execute(stderr=subprocess.DEVNULL)  # the kernel's own start-up chatter; cells' output still comes
    result.seconds = time.perf_counter() - started
    said = [line for out in nb.cells[-1].get("outputs", []) if out.get("output_type") == "stream"
            for line in out["text"].splitlines() if line.startswith(_MARK)]
    verdicts = [tuple(v) for v in json.loads(said[-1][len(_MARK):])] if said else []
    for index, name in calls:
        errored = any(o.get("output_type") == "error" for o in nb.cells[index].get("outputs", []))
        mine = [status for check, status in verdicts if check == name]
        if errored:
            status = "error"
        elif mine:
            status = mine.pop(0)
            verdicts.remove((name, status))
        else:
            status = "not run"
        if name in PANEL_CHECKS and status != "passes":
            status = "only where the panel trained"
        result.exercises.append(Exercise(name, status, index))
    return result


def _default_folder() -> Path:
    """The current folder if it holds the notebooks, else its notebooks folder."""
    return next((p for p in (Path.cwd(), Path.cwd() / "notebooks") if any(p.glob("[0-9][0-9]_*.ipynb"))), Path.cwd())


def _line(text: str, width: int) -> str:
    return text + " " * max(1, width - len(text))


def show_progress(notebooks: list[Path] | None = None, folder: Path | str | None = None,
                  out=print) -> Report:
    """Re-run each notebook up to its last check and print, per notebook, which exercises pass.

    By default the notebooks are those of the current language (``set_language``) in ``folder``: the
    notebooks folder next to this one or below the current directory."""
    if notebooks is None:
        here = Path(folder) if folder is not None else _default_folder()
        notebooks = notebooks_in(here, language())
    if not notebooks:
        raise FileNotFoundError(tr("No notebooks (NN_topic.ipynb) in {folder}: run this from the course folder "
                                   "or its notebooks folder, or name the notebooks.", folder=Path(folder or Path.cwd())))
    results = Report()
    for path in notebooks:
        if not Path(path).exists():
            raise FileNotFoundError(tr("No such notebook: {path}", path=path))
        progress = check_notebook(Path(path))
        results.append(progress)
        if not progress.exercises:
            out(_line(progress.notebook, 30) + tr("no exercises"))
            continue
        out(_line(progress.notebook, 30) + tr("{passed} of {total} pass ({seconds:.0f} s)", passed=progress.passed,
                                              total=len(progress.exercises), seconds=progress.seconds))
        for exercise in progress.exercises:
            mark = "✓" if exercise.status == "passes" else "·"
            out(f"  {mark} " + _line(exercise.check, 28) + tr(exercise.status))
    done = sum(r.passed for r in results)
    total = sum(len(r.exercises) for r in results)
    out(tr("In all: {passed} of {total} exercises pass.", passed=done, total=total))
    return results


def main(argv: list[str]) -> int:
    """``python -m helpers progress [--zh-CN] [NN ... | notebook ... | folder]``"""
    from .i18n import set_language

    if "--zh-CN" in argv:
        set_language("zh-CN")
        argv = [a for a in argv if a != "--zh-CN"]
    if any(a.startswith("-") for a in argv):
        print(main.__doc__.strip("`"), file=sys.stderr)
        return 2
    numbers = [a for a in argv if re.fullmatch(r"\d\d", a)]
    if numbers:  # python -m helpers progress 01 02 03: those notebooks of the folder here
        here = _default_folder()
        chosen = [p for p in notebooks_in(here, language()) if p.name[:2] in numbers]
        argv = [a for a in argv if a not in numbers] + [str(p) for p in chosen]
        if not chosen:
            print(tr("No notebooks (NN_topic.ipynb) in {folder}: run this from the course folder "
                     "or its notebooks folder, or name the notebooks.", folder=here), file=sys.stderr)
            return 1
    paths = [Path(a) for a in argv]
    folders = [p for p in paths if p.is_dir()]
    try:
        if folders and len(paths) == 1:
            show_progress(folder=folders[0])
        else:
            show_progress(paths or None)
    except FileNotFoundError as err:
        print(err, file=sys.stderr)
        return 1
    return 0
