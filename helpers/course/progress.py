"""Which exercises pass: what each check said in the learner's saved notebooks, or said again in a re-run.

``python -m helpers progress --saved`` (or ``show_progress(saved=True)`` in a notebook) reads the verdict each
check printed in the notebooks as the learner last saved them: passes, not yet, not attempted, or an error in
that cell. It runs nothing, so it takes a moment. ``--json`` prints the same as one line to paste into the
room's shared form, and ``python -m helpers room FOLDER`` turns a folder of such lines into one table.

``python -m helpers progress`` (without ``--saved``) re-runs every notebook's cells in a fresh kernel instead,
the learner's own answers included, stopping after the last cell that calls a ``check_...`` function: slower,
and it proves the answers still pass from a clean start. ``python -m helpers progress 01 02 03`` checks those
notebooks only.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .i18n import N_, language, tr, translated

CHECK_CALL = re.compile(r"^[^#\n]*?\b(check_\w+)\(", re.M)
_MARK = "__helpers_progress__"
STATUSES = (N_("passes"), N_("not yet"), N_("not attempted"), N_("error"), N_("not run"),
            N_("only where the panel trained"))
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
    """The edition's notebooks in ``folder``: the edition's own folder (notebooks/en, notebooks/zh-CN), or
    notebooks/ or the series' folder above it."""
    for place in (folder, folder / edition, folder / "notebooks" / edition):
        found = [p for p in sorted(place.glob("[0-9][0-9]_*.ipynb")) if p.stem.endswith(".zh-CN") == (edition == "zh-CN")]
        if found:
            return found
    return []


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
        f"import json as _json, helpers.course.exercises as _exercises\nprint({_MARK!r} + _json.dumps(_exercises.verdicts()))")]
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


def _verdict_prefixes() -> list[tuple[str, str]]:
    """The start of each line a check prints, in both languages, and the verdict it stands for."""
    english = {"Correct! ": "passes", "Not yet. Hint: ": "not yet",
               "Not attempted yet: {todo}, then run this cell again.": "not attempted"}
    prefixes = []
    for message, status in english.items():
        for text in (message, translated(message, "zh-CN")):
            prefixes.append((text.split("{", 1)[0], status))
    return prefixes


def saved_notebook(path: Path) -> NotebookProgress:
    """Each check's verdict as the notebook was last saved: read from the line the check printed, nothing run.

    A check cell saved without output was not run (or its outputs were cleared); one that ended in an error
    is an error, whatever it printed before."""
    started = time.perf_counter()
    path = Path(path)
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = [dict(c, source="".join(c["source"])) if isinstance(c["source"], list) else c for c in nb["cells"]]
    result = NotebookProgress(path.name)
    prefixes = _verdict_prefixes()
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        names = CHECK_CALL.findall(cell["source"])
        if not names:
            continue
        outputs = cell.get("outputs", [])
        said = [status for out in outputs if out.get("output_type") == "stream"
                for line in "".join(out.get("text", "")).splitlines()
                for prefix, status in prefixes if line.startswith(prefix)]
        errored = any(o.get("output_type") == "error" for o in outputs)
        for name in names:
            status = "error" if errored else (said.pop(0) if said else "not run")
            result.exercises.append(Exercise(name, status, index))
    result.seconds = time.perf_counter() - started
    return result


def as_json(results: list[NotebookProgress], name: str = "", edition: str = "en") -> str:
    """One line for the room's shared form: who, which edition, and each check's verdict by notebook."""
    checks = [[r.notebook[:2], e.check, e.status] for r in results for e in r.exercises]
    return json.dumps({"learner": name, "edition": edition, "passed": sum(r.passed for r in results),
                       "total": len(checks), "checks": checks}, ensure_ascii=False)


def _default_folder() -> Path:
    """The current folder: an edition's folder, notebooks/ or the series' folder (notebooks_in looks below it)."""
    return Path.cwd()


def _line(text: str, width: int) -> str:
    return text + " " * max(1, width - len(text))


def show_progress(notebooks: list[Path] | None = None, folder: Path | str | None = None,
                  out=print, saved: bool = False) -> Report:
    """Print, per notebook, which exercises pass: re-run up to its last check, or as saved (``saved=True``).

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
        progress = saved_notebook(Path(path)) if saved else check_notebook(Path(path))
        results.append(progress)
        if not progress.exercises:
            out(_line(progress.notebook, 30) + tr("no exercises"))
            continue
        if saved:
            out(_line(progress.notebook, 30) + tr("{passed} of {total} pass (as saved)", passed=progress.passed,
                                                  total=len(progress.exercises)))
        else:
            out(_line(progress.notebook, 30) + tr("{passed} of {total} pass ({seconds:.0f} s)",
                                                  passed=progress.passed, total=len(progress.exercises),
                                                  seconds=progress.seconds))
        for exercise in progress.exercises:
            mark = "✓" if exercise.status == "passes" else "·"
            out(f"  {mark} " + _line(exercise.check, 28) + tr(exercise.status))
    done = sum(r.passed for r in results)
    total = sum(len(r.exercises) for r in results)
    out(tr("In all: {passed} of {total} exercises pass.", passed=done, total=total))
    return results


def main(argv: list[str]) -> int:
    """``python -m helpers progress [--saved] [--json] [--name NAME] [--zh-CN] [NN ... | notebook ... | folder]``"""
    from .i18n import set_language

    flags = {"--saved", "--json", "--zh-CN"}
    name = ""
    if "--name" in argv:
        at = argv.index("--name")
        if at + 1 >= len(argv):
            print(main.__doc__.strip("`"), file=sys.stderr)
            return 2
        name, argv = argv[at + 1], argv[:at] + argv[at + 2:]
    options, argv = {a for a in argv if a in flags}, [a for a in argv if a not in flags]
    if "--zh-CN" in options:
        set_language("zh-CN")
    if any(a.startswith("-") for a in argv):
        print(main.__doc__.strip("`"), file=sys.stderr)
        return 2
    numbers = [a for a in argv if re.fullmatch(r"\d\d", a)]
    if numbers:  # python -m helpers progress [folder] 01 02 03: those notebooks of the folder (default: here)
        named = [Path(a) for a in argv if a not in numbers and Path(a).is_dir()]
        here = named[0] if len(named) == 1 else _default_folder()
        chosen = [p for p in notebooks_in(here, language()) if p.name[:2] in numbers]
        argv = [a for a in argv if a not in numbers and Path(a) != here] + [str(p) for p in chosen]
        if not chosen:
            print(tr("No notebooks (NN_topic.ipynb) in {folder}: run this from the course folder "
                     "or its notebooks folder, or name the notebooks.", folder=here), file=sys.stderr)
            return 1
    paths = [Path(a) for a in argv]
    folders = [p for p in paths if p.is_dir()]
    lines: list[str] = []
    out = lines.append if "--json" in options else print
    try:
        if folders and len(paths) == 1:
            results = show_progress(folder=folders[0], out=out, saved="--saved" in options)
        else:
            results = show_progress(paths or None, out=out, saved="--saved" in options)
    except FileNotFoundError as err:
        print(err, file=sys.stderr)
        return 1
    if "--json" in options:
        print(as_json(results, name, language()))
    return 0


# --- the room at a glance --------------------------------------------------------------------------------------

MARKS = {"passes": "✓", "not yet": "·", "error": "!", "not attempted": " ", "not run": " ",
         "only where the panel trained": " "}


def read_room(paths: list[Path]) -> list[dict]:
    """Every learner's line (``progress --json``) found in these files or folders, one per learner.

    A file may hold one line or many (a shared document saved as text), with other text around them; a
    learner without a name is called after the file. A later line from the same learner replaces an earlier."""
    files = [f for p in paths for f in (sorted(p.iterdir()) if p.is_dir() else [p]) if f.is_file()]
    learners: dict[str, dict] = {}
    for file in files:
        for number, line in enumerate(file.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            start, end = line.find("{"), line.rfind("}")
            if start < 0 or end < start:
                continue
            try:
                entry = json.loads(line[start:end + 1])
            except json.JSONDecodeError:
                continue
            if not isinstance(entry, dict) or not isinstance(entry.get("checks"), list):
                continue
            entry["learner"] = entry.get("learner") or f"{file.stem}:{number}"
            learners[entry["learner"]] = entry
    return list(learners.values())


def room_table(learners: list[dict], markdown: bool = False, notebooks: list[str] | None = None) -> str:
    """One row per learner, one column per exercise (01a, 01b, 02a, ...), and how many pass each.

    ``notebooks``: the numbers of the notebooks to show ("01", "02", ...); by default every one met."""
    columns: list[tuple[str, str, int]] = []  # (notebook, check, its n-th call of that check in the notebook)
    rows = []
    for entry in learners:
        seen: dict[tuple[str, str], int] = {}
        row = {}
        for notebook, check, status in entry["checks"]:
            if notebooks and notebook not in notebooks:
                continue
            nth = seen[(notebook, check)] = seen.get((notebook, check), 0) + 1
            key = (notebook, check, nth)
            if key not in columns:
                columns.append(key)
            row[key] = status
        rows.append((entry["learner"], row))
    columns.sort(key=lambda k: k[0])  # by notebook; a notebook's checks keep the order they were met in
    labels, per_notebook = [], {}
    for notebook, _, _ in columns:
        per_notebook[notebook] = per_notebook.get(notebook, 0) + 1
        labels.append(f"{notebook}{'abcdefghij'[per_notebook[notebook] - 1]}")
    passes = [sum(row.get(k) == "passes" for _, row in rows) for k in columns]
    width = max([len(tr("learner")), len(tr("passes"))] + [len(name) for name, _ in rows])
    header = [tr("learner")] + labels + [tr("passes")]
    body = [[name] + [MARKS.get(row.get(k, "not run"), "?") for k in columns]
            + [f"{sum(row.get(k) == 'passes' for k in columns)}/{len(columns)}"] for name, row in rows]
    body.append([tr("passes")] + [str(n) for n in passes] + [""])
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(cells) + " |" for cells in body]
    else:
        def fmt(cells):
            return " ".join([cells[0].ljust(width)] + [c.center(3) for c in cells[1:-1]] + [cells[-1]]).rstrip()
        lines = [fmt(header)] + [fmt(cells) for cells in body]
    legend = "  ".join(f"{label} {check}" for label, (_, check, _) in zip(labels, columns))
    lines += ["", tr("✓ passes   · not yet   ! error   blank: not attempted or not run"), legend]
    return "\n".join(lines)


def room_main(argv: list[str]) -> int:
    """``python -m helpers room [--markdown] FOLDER_OR_FILE ... [NN ...]``: the learners' pasted lines as one table
    (only notebooks NN, if given)"""
    markdown = "--markdown" in argv
    numbers = [a for a in argv if re.fullmatch(r"\d\d", a)]
    argv = [a for a in argv if a != "--markdown" and a not in numbers]
    if not argv or any(a.startswith("-") for a in argv):
        print(room_main.__doc__.strip("`"), file=sys.stderr)
        return 2
    missing = [a for a in argv if not Path(a).exists()]
    if missing:
        print(tr("No such file or folder: {path}", path=missing[0]), file=sys.stderr)
        return 1
    learners = read_room([Path(a) for a in argv])
    if not learners:
        print(tr("No progress lines in {paths}: each learner runs `python -m helpers progress --saved --json` "
                 "and pastes the line it prints.", paths=", ".join(argv)), file=sys.stderr)
        return 1
    print(room_table(learners, markdown, numbers or None))
    return 0
