"""The zh-CN edition: a twin for every notebook with the same code, Chinese prose built like the English,
and helpers that print and draw in Chinese after set_language("zh-CN")."""

import ast
import re
import sys
import warnings

import matplotlib.pyplot as plt
import pytest
import torch
from conftest import REPO  # noqa: E402  (one definition, in conftest.py)
from test_notebooks import NOTEBOOKS, WITHOUT_OUTPUTS, code_cells, load, source, unbacked_figures

import helpers
from helpers.course import i18n

sys.path.insert(0, str(REPO / "scripts"))
import zh_twins  # noqa: E402

CJK = re.compile(r"[\u4e00-\u9fff]")
TWINS = [zh_twins.twin_path(p) for p in NOTEBOOKS]


@pytest.fixture
def chinese():
    helpers.set_language("zh-CN")
    yield
    helpers.set_language("en")


def test_every_notebook_has_a_twin():
    assert [p for p in TWINS if not p.exists()] == []


def test_each_edition_has_a_folder_of_its_own_with_the_same_code_around_the_data():
    """JupyterLab opened on an edition's folder lists that edition's notebooks only, and every notebook finds the
    data by looking upwards for the series' folder, never through a path relative to where it sits."""
    folders = {p.name for p in (REPO / "notebooks").iterdir() if p.is_dir() and not p.name.startswith(".")}
    assert folders == {"en", "zh-CN"} and not list((REPO / "notebooks").glob("*.ipynb"))
    english = [p.name for p in (REPO / "notebooks" / "en").glob("*.ipynb")]
    chinese = [p.name for p in (REPO / "notebooks" / "zh-CN").glob("*.ipynb")]
    assert english and not [n for n in english if ".zh-CN" in n]
    assert sorted(chinese) == sorted(n.replace(".ipynb", ".zh-CN.ipynb") for n in english)
    for path in NOTEBOOKS + TWINS:
        code = "\n".join(source(c) for c in code_cells(load(path)))
        assert "../" not in code and '"..' not in code, f"{path.name} reaches the data through a relative path"
        assert 'SERIES / "data"' in code or 'series_folder() / "data"' in code, \
            f"{path.name} does not find the data through the series' folder"


def test_a_notebook_finds_the_series_folder_from_wherever_it_sits(tmp_path, monkeypatch):
    (tmp_path / "series" / "data").mkdir(parents=True)
    deep = tmp_path / "series" / "learner" / "zh-CN"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert helpers.series_folder() == (tmp_path / "series").resolve()
    (deep / "helpers").mkdir()  # the first folder upwards that qualifies wins
    assert helpers.series_folder() == deep.resolve()


@pytest.mark.parametrize("english", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_twin_has_the_same_code_but_for_the_language_line(english):
    en, zh = load(english), load(zh_twins.twin_path(english))
    assert [c["cell_type"] for c in zh["cells"]] == [c["cell_type"] for c in en["cells"]], \
        "the twin's cells no longer line up with the English notebook's"
    want = zh_twins.twin_code([source(c) for c in en["cells"] if c["cell_type"] == "code"])
    got = [source(c) for c in zh["cells"] if c["cell_type"] == "code"]
    drifted = [i for i, (a, b) in enumerate(zip(got, want)) if zh_twins.code_shape(a) != zh_twins.code_shape(b)]
    assert not drifted, f"code cell(s) {drifted} differ from the English notebook's: run scripts/zh_twins.py sync"


def test_the_code_check_can_fail():
    sources = ["import torch\n", "print(1)\n"]
    twin = zh_twins.twin_code(sources)
    assert twin[0].startswith(zh_twins.LANGUAGE_LINE) and twin[1] == sources[1]
    assert zh_twins.twin_code(["import torch\n", "print(2)\n"]) != twin
    # a twin may translate its strings and comments, and nothing else
    shape = zh_twins.code_shape
    assert shape('print(f"loss {x:.3f}")  # the loss') == shape('print(f"损失 {x:.3f}")  # 损失')
    assert shape('ax.set(title="Five optimizers")') == shape('ax.set(title="五个优化器")')
    assert shape('print(f"loss {x:.3f}")') != shape('print(f"loss {y:.3f}")')
    assert shape("lr = 0.1") != shape("lr = 0.01") and shape('d["a"]') != shape("d[a]")


def test_the_set_up_check_speaks_chinese_once_helpers_is_importable():
    sources = ['import sys\nsys.path.insert(0, "..")\nfrom helpers.course.doctor import doctor\n', "import torch\n"]
    twin = zh_twins.twin_code(sources)
    assert twin[0] == ('import sys\nsys.path.insert(0, "..")\n' + zh_twins.LANGUAGE_LINE
                       + "from helpers.course.doctor import doctor\n") and twin[1] == sources[1]
    assert zh_twins.twin_code(["import torch\n"]) == [zh_twins.LANGUAGE_LINE + "import torch\n"]


@pytest.mark.parametrize("twin", TWINS, ids=lambda p: p.stem)
def test_the_prose_is_chinese_and_built_like_the_english(twin):
    cells = load(twin)["cells"]
    markdown = [source(c) for c in cells if c["cell_type"] == "markdown"]
    assert all(CJK.search(m) for m in markdown), "a markdown cell has no Chinese in it"
    text = "\n".join(markdown)
    for marker in ("**你将做什么：**", "**你将学到：**", "**你需要：**"):
        assert marker in markdown[0]
    assert "## 小结" in text and "## 练习" in text and "## 延伸阅读" in text
    prompts = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and "**先预测：**" in source(c)]
    assert prompts
    for i in prompts:
        assert source(cells[i]).rstrip().rpartition("**先预测：**")[2].count("\n\n") == 0
        assert cells[i + 1]["cell_type"] == "code"
    exercises = re.findall(r"\*\*练习 \d\.\*\*", text)
    solutions = re.findall(r"<details><summary>查看参考答案</summary>(.*?)</details>", text, re.S)
    assert len(exercises) >= 2 and len(solutions) == len(exercises)
    reading = text.split("## 延伸阅读", 1)[1].split("\n## ", 1)[0]
    assert len(re.findall(r"^- \[[^\]]+\]\(https://[^)\s]+\): \S", reading, re.M)) >= 2


@pytest.mark.parametrize("twin", TWINS, ids=lambda p: p.stem)
def test_the_twin_is_saved_like_its_english_notebook(twin):
    nb = load(twin)
    counts = [c["execution_count"] for c in code_cells(nb)]
    if twin.stem.removesuffix(".zh-CN") in WITHOUT_OUTPUTS:
        assert all(n is None for n in counts)
        return
    assert counts == list(range(1, len(counts) + 1)), "Restart Kernel and Run All, then save"
    assert not [o for c in code_cells(nb) for o in c["outputs"] if o["output_type"] == "error"]
    assert "widgets" not in nb["metadata"]
    assert not unbacked_figures(nb), "the prose states figures that no output or setting shows"


# Three English words in a row: a sentence, a label or a column header that a Chinese reader would need translated.
ENGLISH_WORDS = re.compile(r"\b[A-Za-z][a-z]+[ ,;:]+[a-z]+[ ,;:]+[a-z]+\b")
# What may stay English in a twin's output because it is code or data, not text for the reader:
NOT_PROSE = (
    re.compile(r"^\s*\d+ {2}"),  # a numbered listing of a script's source (15 shows train_ddp.py's lines)
    re.compile(r"^\{'"),  # a record printed as a dict: its keys are the names the code looks up (07's runs_table row)
)


def english_lines(nb) -> list[tuple[int, str]]:
    """(cell index, line) for each line of the saved outputs that reads as English text and is not code or data."""
    found = []
    for index, cell in enumerate(nb["cells"]):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            text = "".join(output.get("text", "")) if output["output_type"] == "stream" else \
                "" if "image/png" in data else "".join(data.get("text/plain", ""))
            found += [(index, line) for line in text.splitlines() if ENGLISH_WORDS.search(line)
                      and not CJK.search(line) and not any(p.search(line) for p in NOT_PROSE)]
    return found


@pytest.mark.parametrize("twin", [t for t in TWINS if t.stem.removesuffix(".zh-CN") not in WITHOUT_OUTPUTS],
                         ids=lambda p: p.stem)
def test_what_a_twins_code_prints_is_chinese(twin):
    """Every line a twin's cells print is Chinese (helpers' messages through the catalog, the notebook's own text
    through its translated string literals), except code and data: numbers, names, a source listing, a record."""
    english = english_lines(load(twin))
    assert not english, f"English lines in the saved outputs (cell, line): {english[:5]}"


def test_the_english_line_check_can_fail():
    nb = {"cells": [{"cell_type": "code", "outputs": [
        {"output_type": "stream", "text": ["lowest validation loss at epoch 12\n", "验证损失 0.57\n", "{'run': 1}\n",
                                           " 174  dist.all_reduce(t)  # sum over processes\n", "lr 0.1 -> 0.67\n"]},
        {"output_type": "execute_result", "data": {"text/plain": ["'the best so far'"]}}]}]}
    assert english_lines(nb) == [(0, "lowest validation loss at epoch 12"), (0, "'the best so far'")]


# --- helpers in Chinese ---------------------------------------------------------------------------------

import catalog  # noqa: E402  (scripts/catalog.py: extract, check, update and compile the PO catalogs)


def test_the_chinese_catalog_is_complete_translated_and_compiled():
    """Every message in helpers' code has a Chinese entry with the same fields, none fuzzy, and the MO file
    Python reads is compiled from the PO file a translator edits."""
    assert len(catalog.extract()) > 250
    assert catalog.problems("zh_CN") == []
    chinese = catalog.read("zh_CN")
    for message in chinese:
        english = message.id if isinstance(message.id, str) else message.id[0]
        if message.id and re.search(r"[A-Za-z]{2}", re.sub(r"\{[^}]*\}", "", english)):  # words, not only fields
            for text in (message.string if isinstance(message.string, (list, tuple)) else [message.string]):
                assert CJK.search(text), message.id


def test_the_catalog_check_finds_what_a_translator_left(tmp_path, monkeypatch):
    """An untranslated, a fuzzy and a field-mismatched entry, a message new in the code, and a stale MO file:
    each is named."""
    from babel.messages.pofile import read_po, write_po

    po = catalog.po_path("zh_CN")
    copy = tmp_path / "zh_CN" / "LC_MESSAGES" / po.name
    copy.parent.mkdir(parents=True)
    with open(po, "rb") as f:
        broken = read_po(f, locale="zh_CN")
    entries = [m for m in broken if m.id and isinstance(m.id, str) and "{" in m.id]
    entries[0].string = ""
    entries[1].flags.add("fuzzy")
    entries[2].string = entries[2].string.replace("{", "{x", 1)
    with open(copy, "wb") as f:
        write_po(f, broken)
    copy.with_suffix(".mo").write_bytes(po.with_suffix(".mo").read_bytes())
    monkeypatch.setattr(catalog, "LOCALE", tmp_path)
    found = catalog.extract()
    monkeypatch.setattr(catalog, "extract", lambda: {**found, "A message new in the code": ["helpers/x.py:1"]})
    said = "\n".join(catalog.problems("zh_CN"))
    assert f"untranslated: {entries[0].id!r}" in said
    assert f"fuzzy (check the translation, then remove the flag): {entries[1].id!r}" in said
    assert f"fields differ: {entries[2].id!r}" in said
    assert "missing: 'A message new in the code'" in said and "is not compiled from the PO file" in said


def test_a_count_gets_its_plural_in_english_and_its_one_form_in_chinese():
    one = ("Stopped after {n} finished epoch; the curves so far are kept.",
           "Stopped after {n} finished epochs; the curves so far are kept.")
    assert i18n.trn(*one, 1, n=1) == "Stopped after 1 finished epoch; the curves so far are kept."
    assert i18n.trn(*one, 3, n=3) == "Stopped after 3 finished epochs; the curves so far are kept."
    helpers.set_language("zh-CN")
    try:
        assert i18n.trn(*one, 1, n=1) == i18n.trn(*one, 3, n=1) == "完成 1 轮后已停止；目前为止的曲线都保留着。"
    finally:
        helpers.set_language("en")


def test_values_chosen_at_run_time_are_in_the_catalog():
    """A status, a column or a rule is shown through tr(value): each such value is marked N_ and so extracted."""
    from helpers import mistakes
    from helpers.runs import COLUMNS
    from helpers.training import STATUSES

    found = set(catalog.extract())
    assert set(COLUMNS) | set(STATUSES) | set(mistakes.MISTAKES) | {r.looks_for for r in mistakes.RULES} <= found


def test_english_stays_the_default_and_a_wrong_language_is_refused():
    assert helpers.language() == "en" and i18n.tr("Train") == "Train"
    with pytest.raises(ValueError, match="zh-CN"):
        helpers.set_language("zh")


def test_messages_verdicts_and_errors_are_chinese(chinese, capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("CIFAR10_DIR", raising=False)
    from helpers.course.exercises import check_epoch_mean
    from helpers.guards import require_learning_rate
    from helpers.training import Diverged

    assert CJK.search(str(Diverged(float("nan"), 3, 10, 0.5, epoch=2)))
    with pytest.raises(ValueError) as caught:
        require_learning_rate(-1.0)
    assert CJK.search(str(caught.value))
    from helpers.cifar import load_cifar10
    from helpers.course.offline import how_to_get_the_data

    assert "获取 FashionMNIST" in how_to_get_the_data(tmp_path)
    with pytest.raises(helpers.DataError) as caught:
        load_cifar10(tmp_path, download=False)
    assert "获取 CIFAR-10" in str(caught.value) and "里没有 CIFAR-10" in str(caught.value)

    # the errors a learner meets most: a model fed the wrong shape, a missing or damaged checkpoint, a damaged file
    with pytest.raises(ValueError) as caught:
        helpers.NeuralNetwork()(torch.zeros(28, 28))
    assert "单张图像需要在最前面加一个批量维度" in str(caught.value)
    with pytest.raises(helpers.CheckpointError) as caught:
        helpers.load_checkpoint(tmp_path / "none.pt", helpers.NeuralNetwork())
    assert "处没有检查点" in str(caught.value)
    (tmp_path / "bad.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(helpers.CheckpointError) as caught:
        helpers.load_checkpoint(tmp_path / "bad.pt", helpers.NeuralNetwork())
    assert "已损坏或不是检查点" in str(caught.value)
    from helpers.course.offline import require_idx_file

    short = tmp_path / "t10k-labels-idx1-ubyte"
    short.write_bytes(b"\x00" * 100)
    with pytest.raises(helpers.DataError) as caught:
        require_idx_file(short)
    assert "不完整" in str(caught.value) and "删除" in str(caught.value)

    def unwritten(batch_means, batch_sizes):
        ...

    check_epoch_mean(unwritten)
    assert capsys.readouterr().out.startswith("尚未作答")
    check_epoch_mean(lambda means, sizes: sum(means) / len(means))
    assert capsys.readouterr().out.startswith("还不对。提示：")


def test_the_panel_speaks_chinese(chinese, fashion_like):
    from helpers.panel import TrainingPanel

    small = helpers.InMemoryDataset(fashion_like.train.images[:256], fashion_like.train.targets[:256])
    panel = TrainingPanel(small, small)
    assert panel.train_button.description == "训练" and panel.lr.description == "学习率"
    assert CJK.search(panel.status.value)


def test_plots_draw_chinese_without_missing_glyphs(chinese):
    assert i18n.cjk_font() is not None, "no CJK font installed: sudo apt-get install fonts-noto-cjk"
    h = helpers.History(epoch=[1, 2], train_loss=[1.0, 0.8], train_acc=[0.6, 0.7], val_loss=[0.9, 0.85],
                        val_acc=[0.65, 0.7])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)" for each box it draws
        fig = helpers.plot_history(h, title="中文标题：训练与验证")
        fig.canvas.draw()
    assert fig.axes[0].get_title() == "损失（越低越好）"
    plt.close(fig)


def test_image_grids_name_the_classes_in_chinese(chinese):
    images = torch.zeros(3, 1, 28, 28)
    fig = helpers.plot_images(images, [0, 9, 5], helpers.CLASSES, predictions=[0, 7, 5], ncols=3)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["T恤/上衣", "运动鞋\n（实为 踝靴）", "凉鞋"]
    plt.close(fig)
    from helpers import cifar

    assert [i18n.translated(name, "zh-CN") for name in cifar.CLASSES[:3]] == ["飞机", "汽车", "鸟"]


def test_the_glyph_check_can_fail():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure()
    FigureCanvasAgg(fig)
    fig.suptitle("中文", fontfamily="DejaVu Sans")  # a font without Chinese glyphs
    with pytest.warns(UserWarning, match="missing from (current )?font"):  # matplotlib 3.8 says "current font"
        fig.canvas.draw()


@pytest.mark.docs
def test_the_chinese_readme_maps_every_twin_and_keeps_the_glossary():
    readme = (REPO / "README.zh-CN.md").read_text(encoding="utf-8")
    for twin in TWINS:
        assert f"`{twin.name}`" in readme, f"README.zh-CN.md does not list {twin.name}"
    assert "jupyterlab-language-pack-zh-CN" in readme and "fonts-noto-cjk" in readme
    glossary = readme.split("## 术语表", 1)[1]
    for term in ("学习率", "超参数", "损失函数", "优化器", "动量", "过拟合", "验证集"):
        assert term in glossary


# the sections only the Chinese README has: setting up in mainland China, and the glossary
CHINESE_ONLY = ("## 在中国大陆安装", "## 术语表")


@pytest.mark.docs
def test_the_chinese_readme_has_the_english_sections_in_order_and_every_command():
    def headings(text):
        inside, found = False, []
        for line in text.splitlines():
            if line.lstrip().startswith("```"):
                inside = not inside
            elif not inside and re.match(r"#{1,3} ", line):
                found.append(line)
        return found

    english = (REPO / "README.md").read_text(encoding="utf-8")
    chinese = (REPO / "README.zh-CN.md").read_text(encoding="utf-8")
    zh = headings(chinese)
    assert all(h in zh for h in CHINESE_ONLY)
    zh = [h for h in zh if h not in CHINESE_ONLY]
    en = headings(english)
    assert [h.split()[0] for h in zh] == [h.split()[0] for h in en], list(zip(en, zh))
    assert all(CJK.search(h) for h in zh), [h for h in zh if not CJK.search(h)]
    for block in re.findall(r"```[a-z]*\n(.*?)```", english, re.S):
        assert block.strip() in chinese, f"a command block of README.md is missing from README.zh-CN.md:\n{block}"


def _panel_labels() -> set[str]:
    """The English names of the playground's controls: each widget's description=tr("...")."""
    tree = ast.parse((REPO / "helpers" / "panel.py").read_text(encoding="utf-8"))
    return {k.value.args[0].value for node in ast.walk(tree) if isinstance(node, ast.Call) for k in node.keywords
            if k.arg == "description" and isinstance(k.value, ast.Call) and getattr(k.value.func, "id", "") == "tr"}


@pytest.mark.parametrize("english", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_control_named_in_a_twin_is_named_as_the_chinese_panel_shows_it(english):
    """Where the English prose names a button or slider in bold (**Train**), the twin names it as the Chinese
    panel labels it (**训练**), from the catalog, and never by its English name."""
    labels = _panel_labels()
    assert {"Train", "Stop", "Find lr", "Clear runs", "learning rate"} <= labels

    def bold(path):
        cells = load(path)["cells"]
        return re.findall(r"\*\*([^*\n]+)\*\*", "\n".join(source(c) for c in cells if c["cell_type"] == "markdown"))

    named = [b for b in bold(english) if b in labels]
    in_twin = bold(zh_twins.twin_path(english))
    assert not [b for b in in_twin if b in labels], "the twin names a control in English"
    for label in named:
        assert i18n.translated(label, "zh-CN") in in_twin, f"the twin should name **{i18n.translated(label, 'zh-CN')}**"


def _glossary_rows() -> list[dict[str, str]]:
    readme = (REPO / "README.zh-CN.md").read_text(encoding="utf-8")
    table = [line for line in readme.split("## 术语表", 1)[1].splitlines() if line.startswith("|")]
    head = [c.strip() for c in table[0].strip("|").split("|")]
    return [dict(zip(head, (c.strip() for c in row.strip("|").split("|")))) for row in table[2:]]


@pytest.mark.docs
def test_no_twin_guide_or_message_uses_a_rendering_the_glossary_avoids():
    rows = _glossary_rows()
    assert {"本系列", "d2l-zh", "English", "不用"} <= set(rows[0])
    d2l = {r["d2l-zh"] for r in rows}
    assert {"迭代周期", "暂退法", "批量规范化", "独热编码"} <= d2l
    assert {"rank / world size", "all-reduce", "rendezvous"} <= {r["English"] for r in rows}
    avoid = {word for r in rows for word in r["不用"].split("、") if word}
    assert avoid
    readme = (REPO / "README.zh-CN.md").read_text(encoding="utf-8").split("## 术语表", 1)[0]
    texts = {"README.zh-CN.md": readme,
             "INSTRUCTORS.zh-CN.md": (REPO / "INSTRUCTORS.zh-CN.md").read_text(encoding="utf-8"),
             "helpers.po": "\n".join(m.string if isinstance(m.string, str) else " ".join(m.string)
                                     for m in catalog.read("zh_CN") if m.id)}
    texts.update({twin.name: "\n".join(source(c) for c in load(twin)["cells"]) for twin in TWINS})
    found = [(name, word) for name, text in texts.items() for word in avoid if word in text]
    assert not found, f"renderings the glossary avoids: {found}"


# 16's sweeps on Ray Tune have no counterpart in d2l-zh; its English readings stand
WITHOUT_A_CHINESE_READING = {"16_sweeps.zh-CN"}


@pytest.mark.docs
@pytest.mark.parametrize("twin", TWINS, ids=lambda p: p.stem)
def test_the_further_reading_offers_a_reading_in_chinese(twin):
    text = "\n".join(source(c) for c in load(twin)["cells"] if c["cell_type"] == "markdown")
    reading = text.split("## 延伸阅读", 1)[1].split("\n## ", 1)[0]
    chinese = re.findall(r"^- \[([^\]]*[\u4e00-\u9fff][^\]]*)\]\(https://zh\.d2l\.ai/chapter_[a-z-]+/[a-z0-9-]+\.html\): \S",
                         reading, re.M)
    if twin.stem in WITHOUT_A_CHINESE_READING:
        assert not chinese
    else:
        assert chinese, "add a Chinese reading (a chapter of d2l-zh) to 延伸阅读"
