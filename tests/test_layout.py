"""helpers has two rooms: the lesson's modules a learner reads, and the course's machinery in helpers/course.

Imports run one way. The machinery may import the lesson's modules; a lesson module imports from the
machinery only the translation call and the data's offline entry point, and those two import nothing
from the lesson, so no import climbs back up and no circle is possible.
"""

import ast
from pathlib import Path

import pytest
from conftest import REPO  # noqa: E402  (one definition, in conftest.py)

HELPERS = REPO / "helpers"

# what a lesson module may take from helpers.course: module -> names
SEAM = {"course.i18n": {"tr", "trn", "N_"}, "course.offline": {"DataError", "prepare_fashion_mnist", "prepare_cifar10"}}
# the package's front door and its command line dispatch to both rooms by design
DISPATCHERS = {"__init__.py", "__main__.py"}


def relative_imports(path: Path) -> list[tuple[int, str, set[str]]]:
    """(level, module, names) of every relative import in ``path``, including those inside functions."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            found.append((node.level, node.module or "", {a.name for a in node.names}))
    return found


def lesson_modules() -> list[Path]:
    return sorted(p for p in HELPERS.glob("*.py") if p.name not in DISPATCHERS)


def test_the_two_rooms_exist():
    course = HELPERS / "course"
    machinery = {p.stem for p in course.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
    assert {"exercises", "progress", "doctor", "offline", "i18n"} <= machinery
    assert not {"exercises", "progress", "doctor", "i18n", "offline"} & {p.stem for p in lesson_modules()}
    assert (HELPERS / "course" / "locale" / "zh_CN" / "LC_MESSAGES" / "helpers.po").exists()


def test_each_notebooks_checks_live_in_a_module_named_after_it():
    """helpers/course/exercises/ holds one module per notebook with exercises (optimizer.py for 04_optimizer),
    and every check a notebook calls is defined in its own notebook's module."""
    import re

    from helpers.course import exercises

    topics = {p.stem.split("_", 1)[1] for p in (REPO / "notebooks" / "en").glob("[0-9][0-9]_*.ipynb")}
    modules = {p.stem for p in (HELPERS / "course" / "exercises").glob("*.py")} - {"__init__", "checking"}
    assert modules <= topics, f"modules named after no notebook: {sorted(modules - topics)}"
    for path in (REPO / "notebooks").glob("*/[0-9][0-9]_*.ipynb"):
        topic = path.stem.removesuffix(".zh-CN").split("_", 1)[1]
        for name in set(re.findall(r"\b(check_[a-z_]+)\(", path.read_text(encoding="utf-8"))):
            defined = getattr(exercises, name).__module__
            assert defined == f"helpers.course.exercises.{topic}", f"{path.name} calls {name}, defined in {defined}"


def test_a_lesson_module_takes_from_the_machinery_only_the_seam():
    for path in lesson_modules():
        for level, module, names in relative_imports(path):
            assert level == 1, f"{path.name} imports from outside helpers: level {level}"
            if module == "course" or module.startswith("course."):
                allowed = SEAM.get(module, set())
                assert names <= allowed, (f"{path.name} imports {sorted(names - allowed)} from helpers.{module}; "
                                          f"a lesson module may take only {SEAM}")


def test_the_seam_imports_nothing_from_the_lesson():
    for stem in ("i18n", "offline"):
        for level, module, names in relative_imports(HELPERS / "course" / f"{stem}.py"):
            assert level == 1 and module.split(".")[0] in {"i18n", "offline"}, \
                f"course/{stem}.py imports {names} from {'.' * level}{module}: the seam must not climb back up"


@pytest.mark.slow  # a fresh Python that imports torch: seconds, not milliseconds
def test_a_lesson_module_imports_without_the_machinery_beyond_the_seam():
    """Importing every lesson module loads from helpers.course only the seam's modules."""
    import subprocess
    import sys

    code = ("import importlib, pathlib, sys\n"
            f"for p in sorted(pathlib.Path({str(HELPERS)!r}).glob('*.py')):\n"
            f"    if p.name not in {sorted(DISPATCHERS)!r}: importlib.import_module('helpers.' + p.stem)\n"
            "print(sorted(m for m in sys.modules if m.startswith('helpers.course.')))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    loaded = set(eval(done.stdout.strip().splitlines()[-1]))
    assert loaded <= {"helpers.course.i18n", "helpers.course.offline"}, loaded
