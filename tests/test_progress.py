"""`python -m helpers progress`: each notebook re-run as saved, up to its last check, and what each check said."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from helpers.course import exercises
from helpers.course.progress import check_notebook, checks_in, notebooks_in, show_progress

pytestmark = pytest.mark.slow  # each starts a kernel

from conftest import REPO  # noqa: E402  (one definition, in conftest.py)


def _notebook(path: Path, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def _solution(markdown: str) -> str:
    return re.search(r"```python\n(.*?)```", markdown, re.S).group(1)


def test_the_saved_notebook_has_every_exercise_unattempted_and_a_learners_answers_are_judged(tmp_path):
    saved = REPO / "notebooks" / "en" / "03_loss.ipynb"
    assert [e.status for e in check_notebook(saved).exercises] == ["not attempted", "not attempted"]

    nb = nbformat.read(saved, as_version=4)
    calls = checks_in(nb)
    assert [name for _, name in calls] == ["check_cross_entropy", "check_accuracy"]
    (first, _), (second, _) = calls
    nb.cells[first].source = nb.cells[first].source.replace(  # exercise 1: the folded solution, pasted in
        "def cross_entropy(logits, y):\n    ...  # your code\n",
        _solution(next(c.source for c in nb.cells[first:] if "<details>" in c.source)))
    nb.cells[second].source = nb.cells[second].source.replace(  # exercise 2: a wrong answer
        "    ...  # your code", "    return 0.5")
    edited = tmp_path / "03_loss.ipynb"
    nbformat.write(nb, edited)
    progress = check_notebook(edited)
    assert [(e.check, e.status) for e in progress.exercises] == [("check_cross_entropy", "passes"),
                                                                  ("check_accuracy", "not yet")]
    assert progress.passed == 1


def test_errors_are_named_per_check_and_nothing_after_the_last_check_runs(tmp_path):
    after = tmp_path / "ran-after-the-last-check"
    nb = _notebook(
        tmp_path / "01_x.ipynb",
        "from helpers.course.exercises import check_sgd_step, check_cross_entropy, check_accuracy",
        "1 / 0  # an earlier cell that fails does not stop the rest",
        "def sgd_step(params, lr):\n    for p in params:\n        p.data -= lr * p.grad\n\ncheck_sgd_step(sgd_step)",
        "check_cross_entropy(undefined_name)",
        "check_accuracy(None)",
        f"open({str(after)!r}, 'w').close()",
    )
    progress = check_notebook(nb)
    assert [(e.check, e.status) for e in progress.exercises] == [
        ("check_sgd_step", "passes"), ("check_cross_entropy", "error"), ("check_accuracy", "not attempted")]
    assert not after.exists()


def test_a_notebook_without_checks_is_not_run_and_the_listing_counts(tmp_path, capsys):
    _notebook(tmp_path / "01_a.ipynb", "raise SystemExit('must not run')")
    _notebook(tmp_path / "02_b.ipynb", "from helpers.course.exercises import check_accuracy\ncheck_accuracy(None)")
    _notebook(tmp_path / "02_b.zh-CN.ipynb", "from helpers.course.exercises import check_accuracy\ncheck_accuracy(None)")
    assert [p.name for p in notebooks_in(tmp_path)] == ["01_a.ipynb", "02_b.ipynb"]
    assert [p.name for p in notebooks_in(tmp_path, "zh-CN")] == ["02_b.zh-CN.ipynb"]
    lines = []
    results = show_progress(folder=tmp_path, out=lines.append)
    assert [r.exercises == [] for r in results] == [True, False]
    assert lines[0].split() == ["01_a.ipynb", "no", "exercises"]
    assert lines[-1] == "In all: 0 of 1 exercises pass."


def test_the_command_line_names_the_fix(tmp_path):
    run = subprocess.run([sys.executable, "-m", "helpers", "progress", str(tmp_path)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 1 and "No notebooks (NN_topic.ipynb)" in run.stderr
    run = subprocess.run([sys.executable, "-m", "helpers", "progress", "--zh-CN", str(tmp_path / "99_none.ipynb")],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 1 and "没有这个笔记本" in run.stderr


def test_checks_record_what_they_said():
    before = len(exercises.verdicts())
    exercises.check_accuracy(None)
    exercises.check_accuracy(lambda logits, targets: 0.5)
    assert exercises.verdicts()[before:] == [("check_accuracy", "not attempted"), ("check_accuracy", "not yet")]


def test_a_tagged_cell_is_not_rerun_and_panel_checks_say_where_they_pass(tmp_path):
    nb = nbformat.v4.new_notebook()
    skipped = tmp_path / "ran-a-skipped-cell"
    nb.cells = [nbformat.v4.new_code_cell(f"open({str(skipped)!r}, 'w').close()  # minutes of training, say"),
                nbformat.v4.new_code_cell("from types import SimpleNamespace\n"
                                          "from helpers.course.exercises import check_fast_run, check_accuracy\n"
                                          "check_fast_run(SimpleNamespace(runs=[]))\ncheck_accuracy(None)")]
    nb.cells[0].metadata["tags"] = ["progress-skip"]
    nbformat.write(nb, tmp_path / "07_x.ipynb")
    progress = check_notebook(tmp_path / "07_x.ipynb")
    assert [(e.check, e.status) for e in progress.exercises] == [
        ("check_fast_run", "only where the panel trained"), ("check_accuracy", "not attempted")]
    assert not skipped.exists()


def test_notebooks_are_chosen_by_number(tmp_path):
    for name in ("01_a.ipynb", "02_b.ipynb", "03_c.ipynb"):
        _notebook(tmp_path / name, "from helpers.course.exercises import check_accuracy\ncheck_accuracy(None)")
    run = subprocess.run([sys.executable, "-m", "helpers", "progress", "01", "03"],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert [line.split()[0] for line in run.stdout.splitlines() if line.endswith(" s)")] == ["01_a.ipynb", "03_c.ipynb"]
    assert run.stdout.splitlines()[-1] == "In all: 0 of 2 exercises pass."
