"""Which exercises pass: each notebook re-run as the learner saved it, up to its last check.

``python -m helpers progress`` (or ``show_progress()`` in a notebook) runs every notebook's cells in a fresh
kernel, the learner's own answers included, stopping after the last cell that calls a ``check_...``
function, and lists what each check said: passes, not yet, not attempted, or an error in that cell.
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
STATUSES = ("passes", "not yet", "not attempted", "error", "not run")


@dataclass
class Exercise:
    check: str
    status: str
    cell: int


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
        result.exercises.append(Exercise(name, status, index))
    return result


def _line(text: str, width: int) -> str:
    return text + " " * max(1, width - len(text))


def show_progress(notebooks: list[Path] | None = None, folder: Path | str | None = None,
                  out=print) -> list[NotebookProgress]:
    """Re-run each notebook up to its last check and print, per notebook, which exercises pass.

    By default the notebooks are those of the current language (``set_language``) in ``folder``: the
    notebooks folder next to this one or below the current directory."""
    if notebooks is None:
        here = Path(folder) if folder is not None else next(
            (p for p in (Path.cwd(), Path.cwd() / "notebooks") if any(p.glob("[0-9][0-9]_*.ipynb"))), Path.cwd())
        notebooks = notebooks_in(here, language())
    if not notebooks:
        raise FileNotFoundError(tr("No notebooks (NN_topic.ipynb) in {folder}: run this from the course folder "
                                   "or its notebooks folder, or name the notebooks.", folder=Path(folder or Path.cwd())))
    results = []
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
    """``python -m helpers progress [--zh-CN] [notebook or folder ...]``"""
    from .i18n import set_language

    if "--zh-CN" in argv:
        set_language("zh-CN")
        argv = [a for a in argv if a != "--zh-CN"]
    if any(a.startswith("-") for a in argv):
        print(main.__doc__.strip("`"), file=sys.stderr)
        return 2
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
