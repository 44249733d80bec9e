"""The committed notebooks: saved after a clean run, built the way the series promises."""

import ast
import json
import re
import sys
from pathlib import Path

import pytest
from conftest import REPO  # noqa: E402  (one definition, in conftest.py)

NOTEBOOKS = sorted((REPO / "notebooks" / "en").glob("[0-9][0-9]_*.ipynb"))  # the English edition; zh-CN/ holds the twins
CORE = ["01_data", "02_model", "03_loss", "04_optimizer", "05_full_loop", "06_plotting"]
# Saved without outputs: no machine that builds the series has its data (tests/test_cifar10.py runs it).
WITHOUT_OUTPUTS = {"14_cifar10"}
SAVED_RUN = [p for p in NOTEBOOKS if p.stem not in WITHOUT_OUTPUTS]


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell) -> str:
    return "".join(cell["source"])


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code" and source(c).strip()]


def test_the_series_is_all_there():
    names = [p.stem for p in NOTEBOOKS]
    assert names[:6] == CORE and "07_playground" in names


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.stem in WITHOUT_OUTPUTS], ids=lambda p: p.stem)
def test_saved_without_outputs_says_why(path):
    nb = load(path)
    assert all(not c["outputs"] and c["execution_count"] is None for c in code_cells(nb))
    # nbval would compare a checked cell with its missing output on a machine that has the data
    assert not [c for c in code_cells(nb) if "nbval-check-output" in c.get("metadata", {}).get("tags", [])]
    assert "widgets" not in nb["metadata"]
    assert any("saved without its outputs" in source(c) for c in nb["cells"] if c["cell_type"] == "markdown")


@pytest.mark.parametrize("path", SAVED_RUN, ids=lambda p: p.stem)
def test_saved_after_restart_and_run_all(path):
    nb = load(path)
    counts = [c["execution_count"] for c in code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1)), "Restart Kernel and Run All, then save"
    errors = [o for c in code_cells(nb) for o in c["outputs"] if o["output_type"] == "error"]
    assert not errors, errors[0]["evalue"] if errors else ""
    assert "widgets" not in nb["metadata"], "widget state is stored"
    assert all("execution" not in c.get("metadata", {}) for c in nb["cells"]), "timing metadata is stored"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
@pytest.mark.docs
def test_opens_with_what_you_will_do_learn_and_need(path):
    first = source(load(path)["cells"][0])
    for line in ("**What you'll do:**", "**What you'll learn:**", "**What you'll need:**"):
        assert line in first


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_asks_for_a_prediction_before_a_cell_that_answers_it(path):
    cells = load(path)["cells"]
    prompts = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and "**Predict first:**" in source(c)]
    assert prompts, "no 'Predict first:' prompt"
    for i in prompts:  # the prompt ends its cell, and the next cell is the run that answers it
        assert source(cells[i]).rstrip().rpartition("**Predict first:**")[2].count("\n\n") == 0, source(cells[i])
        assert i + 1 < len(cells) and cells[i + 1]["cell_type"] == "code", source(cells[i])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
@pytest.mark.docs
def test_points_to_further_reading(path):
    text = "\n".join(source(c) for c in load(path)["cells"] if c["cell_type"] == "markdown")
    assert "## Further reading" in text
    section = text.split("## Further reading", 1)[1].split("\n## ", 1)[0]
    assert len(re.findall(r"^- \[[^\]]+\]\(https://[^)\s]+\): \S", section, re.M)) >= 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_ends_with_a_summary_and_exercises_with_checks_and_hidden_solutions(path):
    cells = load(path)["cells"]
    text = "\n".join(source(c) for c in cells if c["cell_type"] == "markdown")
    assert "## Summary" in text and "## Exercises" in text
    exercises = re.findall(r"\*\*Exercise \d\.\*\*", text)
    assert len(exercises) >= 2
    checks = [c for c in code_cells({"cells": cells}) if re.search(r"\bcheck_\w+\(", source(c))]
    assert len(checks) >= len(exercises)
    solutions = re.findall(r"<details><summary>Show a solution</summary>(.*?)</details>", text, re.S)
    assert len(solutions) == len(exercises)
    for block in solutions:
        for snippet in re.findall(r"```python\n(.*?)```", block, re.S):
            compile(snippet, f"{path.stem} solution", "exec")


def tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.stem in CORE], ids=lambda p: p.stem)
def test_at_least_three_checked_cells(path):
    # a cell nbval compares with its saved output, or a folded cell of asserts
    checked = [c for c in code_cells(load(path)) if {"nbval-check-output", "test-only"} & set(tags(c))]
    assert len(checked) >= 3
    compared = [c for c in checked if "nbval-check-output" in tags(c)]
    if path.stem not in WITHOUT_OUTPUTS:
        assert all(c["outputs"] for c in compared), "a compared cell with no output checks nothing"


def all_output_text(nb) -> str:
    parts = []
    for c in code_cells(nb):
        for o in c["outputs"]:
            parts.append(o.get("text", "") if o["output_type"] == "stream" else o.get("data", {}).get("text/plain", ""))
    return "\n".join("".join(p) if isinstance(p, list) else p for p in parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_accuracy_above_100_percent_except_the_demonstrated_bug(path):
    for line in all_output_text(load(path)).splitlines():
        if "careless" in line or "'accuracy'" in line or "more matches than there are images" in line:
            continue  # the broken figures the notebooks show on purpose, marked as such
        for value in re.findall(r"(\d+(?:\.\d+)?)%", line):
            assert float(value) <= 100, line


@pytest.mark.docs
def test_readme_maps_every_notebook():
    readme = (REPO / "README.md").read_text()
    for path in NOTEBOOKS:
        assert f"`{path.name}`" in readme, f"README does not list {path.name}"


# --- figures in the prose are figures the notebook prints ---------------------------------------

# A percentage or a number with a decimal point, in the prose (not in code, links or versions).
PROSE_FIGURE = re.compile(r"(?<![\w.,/-])(\d+(?:,\d{3})*(?:\.\d+)?%|\d+(?:,\d{3})*\.\d+)(?![\w.]*\d)")
VERSION = re.compile(r"(?:PyTorch|Python|torch|torchvision|JupyterLab|ipywidgets|version|versions)\s*$", re.I)
# A decimal that follows the name of a setting is a setting, not a result ("SGD at learning rate 0.5, then
# 1.0"), unless a result's name stands between them ("SGD's loss fell to 0.61").
# The zh-CN twins name them in Chinese, where words are not separated by spaces.
SETTING = re.compile(r"\b(?:learning rates?|lr|rates?|momentum|beta|gamma|SGD|Adam|RMSprop)\b|学习率|动量", re.I)
RESULT = re.compile(r"\b(?:loss|losses|accuracy|accuracies|distance|probability|seconds?|minimum)\b"
                    r"|损失|准确率|距离|概率|秒|最小值", re.I)


def names_a_setting(before: str) -> bool:
    window = before[-40:]
    setting = [m.end() for m in SETTING.finditer(window)]
    result = [m.end() for m in RESULT.finditer(window)]
    return bool(setting) and (not result or setting[-1] > result[-1])
PRINTED_NUMBER = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?(?:e[-+]?\d+)?%?")


def prose_figures(markdown: str) -> list[str]:
    """Return the percentages and decimals a markdown cell states, outside code, links and version numbers."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)|https?://\S+", " ", text)
    found = []
    for m in PROSE_FIGURE.finditer(text):
        before = text[: m.start()]
        if VERSION.search(before) or (not m.group(1).endswith("%") and names_a_setting(before)):
            continue
        found.append(m.group(1))
    return found


def printed_numbers(nb) -> list[tuple[float, bool]]:
    """Return every number the notebook's outputs print, and every number its code sets, as (value, is_percent).

    A fraction set in code also stands for its percentage (``target=0.87`` backs "87%").
    """
    found = []
    for token in PRINTED_NUMBER.findall(all_output_text(nb)):
        found.append((float(token.rstrip("%").replace(",", "")), token.endswith("%")))
    for token in PRINTED_NUMBER.findall("\n".join(source(c) for c in code_cells(nb))):
        value = float(token.rstrip("%").replace(",", ""))
        found.append((value, token.endswith("%")))
        if 0 < value < 1:
            found.append((100 * value, True))
    return found


def unbacked_figures(nb) -> list[str]:
    printed = printed_numbers(nb)
    missing = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for figure in prose_figures(source(cell)):
            percent = figure.endswith("%")
            value = float(figure.rstrip("%").replace(",", ""))
            decimals = len(figure.rstrip("%").partition(".")[2])
            tolerance = 0.5 * 10 ** -decimals + 1e-9  # "about 71%" stands for anything printed from 70.5 to 71.5
            if not any(p == percent and abs(v - value) <= tolerance for v, p in printed):
                missing.append(figure)
    return missing


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
@pytest.mark.docs
def test_every_figure_in_the_prose_is_printed_by_the_notebook(path):
    missing = unbacked_figures(load(path))
    assert not missing, f"the prose states {missing} but no output or setting of the notebook shows it"


@pytest.mark.docs
def test_the_prose_check_can_fail():
    nb = {"cells": [
        {"cell_type": "markdown", "source": ["It reaches 87.5% (see `lr=0.25`) with PyTorch 2.0 at learning rate 0.3, "
                                             "loss 0.61, about 71%, 80% of the target 0.8, and 0.9."]},
        {"cell_type": "code", "source": ["lr, target = 0.25, 0.8\n"], "outputs": [
            {"output_type": "stream", "name": "stdout", "text": ["test accuracy 71.3%, loss 0.614\n"]}]},
    ]}
    assert prose_figures(source(nb["cells"][0])) == ["87.5%", "0.61", "71%", "80%", "0.8", "0.9"]
    assert unbacked_figures(nb) == ["87.5%", "0.9"]


@pytest.mark.parametrize("path", SAVED_RUN, ids=lambda p: p.stem)
def test_exercises_are_saved_unattempted_without_their_hints(path):
    checks = [c for c in code_cells(load(path)) if re.search(r"^(\w+ = )?check_\w+\(", source(c), re.M)]
    assert checks, "no exercise checks"
    for cell in checks:
        said = "".join("".join(o.get("text", "")) for o in cell["outputs"] if o["output_type"] == "stream")
        lines = said.strip().splitlines()
        assert lines and all(line.startswith("Not attempted yet") for line in lines), said


# --- the learner sees the lesson, not the test suite --------------------------------------------

ALL_NOTEBOOKS = sorted((REPO / "notebooks").glob("*/[0-9][0-9]_*.ipynb"), key=lambda p: p.name)
# The notebooks a learner reads first: no cell of theirs shows only the notebook's own checks.
LEARNER_FIRST = ["01_data", "02_model", "03_loss", "04_optimizer", "05_full_loop", "06_plotting", "07_playground",
                 "08_craft", "09_capstone"]
NBVAL_TAGS = {"nbval-check-output", "nbval-ignore-output", "nbval-skip", "raises-exception"}
CLAIM = re.compile(r":\s*(True|False)\s*$")


def folded(cell, what: str) -> bool:
    return bool(cell.get("metadata", {}).get("jupyter", {}).get(what))


def shows_only_claims(cell) -> bool:
    said = [line for o in cell["outputs"] if o["output_type"] == "stream" for line in "".join(o["text"]).splitlines()]
    said = [line for line in said if line.strip()]
    return bool(said) and all(CLAIM.search(line) for line in said)


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.stem)
def test_test_markers_are_tags_not_text(path):
    # nbval reads its markers from cell tags; a comment in the code would be the learner's to read
    for cell in load(path)["cells"]:
        assert "NBVAL" not in source(cell), source(cell)[:80]
        unknown = {t for t in tags(cell) if t.startswith("nbval")} - NBVAL_TAGS
        assert not unknown, f"{unknown}: nbval does not know this tag"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.stem)
def test_the_checks_are_folded_asserts_that_print_nothing(path):
    for cell in code_cells(load(path)):
        if "test-only" in tags(cell):
            assert folded(cell, "source_hidden") and cell["metadata"]["slideshow"]["slide_type"] == "skip"
            assert "assert " in source(cell) and not cell["outputs"], source(cell)[:80]


@pytest.mark.parametrize("path", [p for p in ALL_NOTEBOOKS if p.stem.split(".")[0] in LEARNER_FIRST],
                         ids=lambda p: p.stem)
def test_no_visible_cell_shows_only_test_claims(path):
    bad = [source(c)[:60] for c in code_cells(load(path)) if not folded(c, "source_hidden") and shows_only_claims(c)]
    assert not bad, f"cells that print nothing but 'claim: True': {bad}"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.stem)
def test_no_prediction_is_answered_on_screen(path):
    cells = load(path)["cells"]
    for i, cell in enumerate(cells):
        if cell["cell_type"] == "markdown" and ("**Predict first:**" in source(cell) or "**先预测：**" in source(cell)):
            answer = next(c for c in cells[i + 1:] if c["cell_type"] == "code")
            assert not answer["outputs"] or folded(answer, "outputs_hidden"), source(cell)[-120:]


def test_the_claim_rule_can_fail():
    said = {"cell_type": "code", "metadata": {}, "source": ["print('x')"], "outputs": [
        {"output_type": "stream", "name": "stdout", "text": ["the loss fell: True\n", "and stays: False\n"]}]}
    assert shows_only_claims(said)
    said["outputs"][0]["text"].append("test accuracy 81.2%\n")
    assert not shows_only_claims(said)


def _names(tree) -> tuple[set[str], set[str]]:
    """Names a cell binds, and names it reads at its top level (not inside its functions)."""
    stores, loads = set(), set()

    def visit(node, top=True):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            stores.add(node.name)
            top = False
        elif isinstance(node, ast.Lambda):
            top = False
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            visit(node.generators[0].iter, top)  # the one part evaluated in the cell's scope
            top = False
        if isinstance(node, ast.Name) and top:
            (stores if isinstance(node.ctx, ast.Store) else loads).add(node.id)
        for child in ast.iter_child_nodes(node):
            visit(child, top)

    visit(tree)
    return stores, loads


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.stem)
def test_the_lesson_needs_nothing_from_a_test_only_cell(path):
    # the learners' copy leaves the test-only cells out, so the lesson's cells must not depend on them
    from_checks, bad = set(), []
    for cell in code_cells(load(path)):
        try:
            stores, loads = _names(ast.parse(source(cell)))
        except SyntaxError:
            continue
        if "test-only" in tags(cell):
            from_checks |= stores
        else:
            bad += sorted((loads - stores) & from_checks)
            from_checks -= stores
    assert not bad, f"visible cells read {bad}, which only a folded test-only cell sets"


# --- the learners' copy -----------------------------------------------------------------------------

sys.path.insert(0, str(REPO / "scripts"))
import learner_copy  # noqa: E402


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.stem)
def test_the_learners_copy_has_the_lesson_only(path):
    nb = load(path)
    copy = learner_copy.learner_notebook(nb)
    cells = copy["cells"]
    assert not [c for c in cells if learner_copy.is_notes(c) or "test-only" in tags(c)]
    assert not [t for c in cells for t in tags(c) if t.startswith("nbval") or t == "raises-exception"]
    assert not [c for c in cells if "Show a solution" in source(c) or "查看参考答案" in source(c)]
    for i, cell in enumerate(cells):
        if cell["cell_type"] == "markdown" and any(p in source(cell) for p in learner_copy.PROMPTS):
            answer = next(c for c in cells[i + 1:] if c["cell_type"] == "code")
            assert not answer["outputs"], source(cell)[-100:]
    lesson = [source(c) for c in nb["cells"] if not learner_copy.is_notes(c) and "test-only" not in tags(c)
              and c["cell_type"] == "code"]
    assert [source(c) for c in cells if c["cell_type"] == "code"] == lesson, "every cell of the lesson is kept"
    assert len(nb["cells"]) == len(load(path)["cells"]), "the instructor's notebook is left alone"


def test_writing_the_learners_copy_again_keeps_a_learners_work(tmp_path):
    english, chinese = REPO / "notebooks" / "en" / "02_model.ipynb", REPO / "notebooks" / "zh-CN" / "02_model.zh-CN.ipynb"
    first = learner_copy.write(tmp_path, [english, chinese])
    assert first == [tmp_path / "en" / english.name, tmp_path / "zh-CN" / chinese.name]
    first[0].write_text(first[0].read_text(encoding="utf-8").replace("nn.Module", "my answer"), encoding="utf-8")
    assert learner_copy.write(tmp_path, [english, chinese], replace=False) == []  # make learner-copy, again
    assert "my answer" in first[0].read_text(encoding="utf-8")
    assert learner_copy.write(tmp_path, [english], replace=True) == [first[0]]  # --replace: afresh, on purpose
    assert "my answer" not in first[0].read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_learners_copy_runs():
    import nbformat
    from nbclient import NotebookClient

    out = REPO / "learner"  # as make learner-copy writes it, in learner/en: the data is found by looking upwards
    written = learner_copy.write(out, [REPO / "notebooks" / "en" / "02_model.ipynb"])
    assert written[0].parent == out / "en"
    nb = nbformat.read(written[0], as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(written[0].parent)}}).execute()
    said = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "669,706" in said and "Not attempted yet" in said
