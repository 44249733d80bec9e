"""`python -m helpers progress --saved`, `--json` and `python -m helpers room`: the verdicts the checks printed in
the saved notebooks, read without running anything, and the room's pasted lines as one table."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import nbformat
from conftest import REPO  # noqa: E402  (one definition, in conftest.py)

from helpers.course import exercises, progress
from helpers.course.i18n import set_language


def _printed(check, *args) -> str:
    """What a real check prints for these arguments (so the test follows the checks' own wording)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        check(*args)
    return out.getvalue()


def _good_step(params, lr):
    for p in params:
        p.data -= lr * p.grad


def _wrong_step(params, lr):
    for p in params:
        p.data += lr * p.grad


def _notebook(path: Path, cells: list[tuple[str, list]]) -> Path:
    nb = nbformat.v4.new_notebook()
    for source, outputs in cells:
        cell = nbformat.v4.new_code_cell(source)
        cell.outputs = outputs
        nb.cells.append(cell)
    nbformat.write(nb, path)
    return path


def _stream(text: str):
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def _a_learners_notebooks(folder: Path, language: str = "en") -> Path:
    folder.mkdir(parents=True)
    set_language(language)
    try:
        passes = _printed(exercises.check_sgd_step, _good_step)
        wrong = _printed(exercises.check_sgd_step, _wrong_step)
        unwritten = _printed(exercises.check_accuracy, None)
    finally:
        set_language("en")
    suffix = ".zh-CN" if language == "zh-CN" else ""
    _notebook(folder / f"04_optimizer{suffix}.ipynb", [
        ("print('a lesson cell')", [_stream("a lesson cell\n")]),
        ("check_sgd_step(sgd_step)", [_stream(passes)]),
        ("check_momentum_step(momentum_step)", [_stream(wrong)]),
    ])
    _notebook(folder / f"03_loss{suffix}.ipynb", [
        ("check_cross_entropy(cross_entropy)", [nbformat.v4.new_output(
            "error", ename="NameError", evalue="name 'cross_entropy' is not defined", traceback=[])]),
        ("check_accuracy(accuracy)", [_stream(unwritten)]),
        ("# both in one cell\ncheck_sgd_step(a)\ncheck_sgd_step(b)", [_stream(passes), _stream(wrong)]),
        ("check_sgd_step(never_run)", []),
    ])
    return folder


def test_each_verdict_is_read_as_the_check_printed_it_in_both_languages(tmp_path):
    for language in ("en", "zh-CN"):
        folder = _a_learners_notebooks(tmp_path / language, language)
        found = {p.notebook[:2]: [(e.check, e.status) for e in p.exercises]
                 for p in map(progress.saved_notebook, sorted(folder.glob("*.ipynb")))}
        assert found["04"] == [("check_sgd_step", "passes"), ("check_momentum_step", "not yet")]
        assert found["03"] == [("check_cross_entropy", "error"), ("check_accuracy", "not attempted"),
                               ("check_sgd_step", "passes"), ("check_sgd_step", "not yet"),
                               ("check_sgd_step", "not run")]


def test_the_saved_series_is_read_whole_unattempted_without_running_a_cell():
    results = [progress.saved_notebook(p) for p in progress.notebooks_in(REPO / "notebooks")]
    with_outputs = [r for r in results if r.notebook != "14_cifar10.ipynb"]  # 14 is saved without outputs
    assert len(results) >= 16 and all(r.exercises for r in with_outputs)
    assert {e.status for r in with_outputs for e in r.exercises} == {"not attempted"}
    assert all(len(r.exercises) == len(progress.checks_in(nbformat.read(REPO / "notebooks" / "en" / r.notebook, 4)))
               for r in results)


def test_the_json_line_a_learner_pastes_and_the_rooms_table(tmp_path, capsys):
    ada = _a_learners_notebooks(tmp_path / "ada")
    assert progress.main(["--saved", "--json", "--name", "Ada", str(ada)]) == 0
    line = capsys.readouterr().out.strip()
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["learner"] == "Ada" and entry["passed"] == 2 and entry["total"] == 7
    assert entry["checks"][0] == ["03", "check_cross_entropy", "error"]

    shutil.copytree(ada, tmp_path / "bo")
    (tmp_path / "bo" / "03_loss.ipynb").unlink()
    assert progress.main(["--saved", "--json", "--name", "Bo", str(tmp_path / "bo")]) == 0
    bo = capsys.readouterr().out.strip()
    pasted = tmp_path / "pasted"
    pasted.mkdir()
    (pasted / "shared-pad.txt").write_text(f"Ada: {line}\nsome chatter\n{bo}\n", encoding="utf-8")
    (pasted / "noise.txt").write_text("{not json}\n", encoding="utf-8")
    learners = progress.read_room([pasted])
    assert [e["learner"] for e in learners] == ["Ada", "Bo"]

    assert progress.room_main([str(pasted)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["learner", "03a", "03b", "03c", "03d", "03e", "04a", "04b", "passes"]
    assert table[1].split() == ["Ada", "!", "✓", "·", "✓", "·", "2/7"]
    assert table[2].split() == ["Bo", "✓", "·", "1/7"]
    assert table[3].split() == ["passes", "0", "0", "1", "0", "0", "2", "0"]
    assert "03a check_cross_entropy" in table[-1] and "04b check_momentum_step" in table[-1]

    assert progress.room_main(["--markdown", str(pasted)]) == 0
    assert capsys.readouterr().out.startswith("| learner | 03a |")

    assert progress.room_main([str(pasted), "04"]) == 0  # the notebooks taught today only
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["learner", "04a", "04b", "passes"]
    assert table[1].split() == ["Ada", "✓", "·", "1/2"] and table[2].split() == ["Bo", "✓", "·", "1/2"]


def test_a_folder_and_notebook_numbers_together(tmp_path, capsys):
    ada = _a_learners_notebooks(tmp_path / "ada")
    assert progress.main(["--saved", "--json", str(ada), "04"]) == 0
    entry = json.loads(capsys.readouterr().out)
    assert [c[0] for c in entry["checks"]] == ["04", "04"] and entry["passed"] == 1


def test_the_room_names_the_fix_when_there_is_nothing_to_read(tmp_path, capsys):
    assert progress.room_main([str(tmp_path / "nowhere")]) == 1
    assert "No such file or folder" in capsys.readouterr().err
    assert progress.room_main([str(tmp_path)]) == 1
    assert "progress --saved --json" in capsys.readouterr().err
    assert progress.room_main([]) == 2
