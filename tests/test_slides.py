"""Workshop decks from the notebooks themselves: each core notebook's slide metadata gives a reveal.js deck
with a title slide, at most about 25 slides, none taller than a screen, speaker notes, and nothing fetched
from the internet. (The browser test opens one deck in Chromium and measures every slide as drawn.)"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import REPO  # noqa: E402  (one definition, in conftest.py)

sys.path.insert(0, str(REPO / "scripts"))

import slides  # noqa: E402

DECKS = slides.core_notebooks() + slides.core_notebooks("zh-CN")


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if shutil.which("npm") is None and not (slides.ASSETS / "reveal.js").exists():
        message = "npm is not installed: sudo apt-get install npm (or run `make test`, which installs it)."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    out = tmp_path_factory.mktemp("slides")
    return {path: html.read_text(encoding="utf-8") for path, html in zip(DECKS, slides.build(DECKS, out=out))}


@pytest.mark.slow
@pytest.mark.parametrize("notebook", DECKS, ids=lambda p: p.stem)
def test_each_deck_has_a_title_slide_fits_the_screen_and_carries_the_notes(notebook, built):
    nb = load(notebook)
    deck = slides.deck(nb)
    html = built[notebook]
    title = nb["cells"][deck[0]["first"]]
    assert deck[0]["kind"] == "slide" and title["cell_type"] == "markdown" and "".join(title["source"]).startswith("# ")
    assert 5 <= len(deck) <= slides.MAX_SLIDES
    tallest = max(deck, key=lambda s: s["lines"])
    assert tallest["lines"] <= slides.SCREEN_LINES, f"the slide at cell {tallest['first']} is {tallest['lines']} lines"
    # nbconvert made the slides the metadata says: one <section> per slide, inside one per horizontal slide
    assert len(re.findall(r"<section\b", html)) == len(deck) + sum(s["kind"] == "slide" for s in deck)
    notes = [c for c in nb["cells"] if slides.slide_type(c) == "notes"]
    assert len(notes) >= 5 and len(re.findall(r'<aside class="notes">', html)) == len(notes)
    assert all(c["metadata"]["jupyter"]["source_hidden"] for c in notes), "notes stay folded for learners"
    external = re.findall(r'<(?:script|link)\b[^>]*(?:src|href)="(https?://[^"]+)"', html)
    assert external == [], "a deck must open in a room without internet"
    assert "_assets/reveal.js/dist/reveal.js" in html


@pytest.mark.parametrize("english", slides.core_notebooks(), ids=lambda p: p.stem)
def test_the_chinese_deck_has_the_english_slides(english):
    twin = english.parent.parent / "zh-CN" / (english.stem + ".zh-CN.ipynb")
    types = [[slides.slide_type(c) for c in load(p)["cells"]] for p in (english, twin)]
    assert types[0] == types[1]
    notes = [c for c in load(twin)["cells"] if slides.slide_type(c) == "notes"]
    assert all("".join(c["source"]).startswith("**讲者备注：**") for c in notes)


@pytest.mark.parametrize("english", slides.core_notebooks(), ids=lambda p: p.stem)
def test_notes_speak_to_the_instructor_and_prompts_are_answered_on_a_click(english):
    nb = load(english)
    for i, cell in enumerate(nb["cells"]):
        source = "".join(cell["source"])
        if slides.slide_type(cell) == "notes":
            assert source.startswith("**Notes.**") and len(source.splitlines()) <= 6
        if cell["cell_type"] == "markdown" and "**Predict first:**" in source:
            assert slides.slide_type(cell) in ("slide", "subslide"), f"cell {i}: a prediction starts its own slide"
            assert slides.slide_type(nb["cells"][i + 1]) in ("fragment", "subslide"), f"cell {i + 1}: the answer waits"


def _synthetic(*cells) -> dict:
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return json.loads(nbformat.writes(nb))


def test_the_line_count_sees_a_slide_too_tall_and_assign_splits_it():
    code = "\n".join(f"x{i} = {i}" for i in range(60))
    nb = _synthetic(nbformat.v4.new_markdown_cell("# Title"), nbformat.v4.new_code_cell(code))
    assert max(s["lines"] for s in slides.deck(nb)) > slides.SCREEN_LINES  # everything on one slide: too tall
    short = "\n".join(f"y{i} = {i}" for i in range(15))
    nb = _synthetic(nbformat.v4.new_markdown_cell("# Title\n\nIntro."),
                    *[nbformat.v4.new_code_cell(short) for _ in range(4)],
                    nbformat.v4.new_markdown_cell("## Next\n\n**Predict first:** what?"),
                    nbformat.v4.new_code_cell("print(1)"))
    slides.assign(nb)
    kinds = [slides.slide_type(c) for c in nb["cells"]]
    assert kinds == ["slide", "-", "-", "subslide", "-", "slide", "fragment"]  # 4 + 16 + 16 lines, then a new one
    assert all(s["lines"] <= slides.SCREEN_LINES for s in slides.deck(nb))


def test_a_wide_chinese_line_counts_double():
    assert slides._text_lines("字" * 60) == 2 and slides._text_lines("a" * 60) == 1


# --- INSTRUCTORS.md states what the decks and the plans hold ------------------------------------------------

INSTRUCTORS = (REPO / "INSTRUCTORS.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    return INSTRUCTORS.split(f"## {title}", 1)[1].split("\n## ", 1)[0]


@pytest.mark.docs
def test_the_deck_table_and_the_plans_give_the_decks_real_sizes():
    for english in slides.core_notebooks():
        nb = load(english)
        count = len(slides.deck(nb))
        notes = sum(slides.slide_type(c) == "notes" for c in nb["cells"])
        number = english.stem[:2]
        rows = re.findall(rf"^ *\| {number} · [^|]+\| (\d+) \| (\d+) \|$", INSTRUCTORS, re.M)
        assert rows == [(str(count), str(notes))], english.stem
        stated = re.findall(rf"^\| [\d:]+ \| {number} · [^|]+\| (\d+) slides", INSTRUCTORS, re.M)
        assert stated and set(stated) == {str(count)}, english.stem


# A plan's row: | 0:00 | notebook | on screen | learners | minutes |
PLAN_ROW = re.compile(r"^\| (\d):(\d\d) \| ([^|]*?) \|.*\| (\d+) \|$", re.M)


@pytest.mark.parametrize(("title", "minutes"), [("The 90-minute workshop", 90), ("The 3-hour workshop", 180)])
@pytest.mark.docs
def test_each_plan_fills_its_time_keeps_a_tenth_spare_and_says_what_to_cut(title, minutes):
    section = _section(title)
    rows = PLAN_ROW.findall(section)
    assert rows, f"no plan table under {title}"
    clock = 0
    for hours, mins, _, length in rows:
        assert int(hours) * 60 + int(mins) == clock, f"{hours}:{mins} should be {clock // 60}:{clock % 60:02d}"
        clock += int(length)
    assert clock == minutes, f"the rows add up to {clock} minutes, not {minutes}"
    assert "welcome" in rows[0][2].lower(), "the plan starts with a welcome and set-up row at 0:00"
    notebooks = [notebook.strip().lower() for _, _, notebook, _ in rows]
    assert "buffer" in notebooks, "a row whose notebook column is 'buffer'"
    slack = sum(int(length) for _, _, notebook, length in rows if notebook.strip().lower().startswith("buffer"))
    assert slack * 10 >= minutes, f"{slack} minutes of buffer is less than a tenth of {minutes}"
    cut = re.search(r"^\*\*Cut list for a late room\.?\*\*(.*?)(?=^\*\*|\Z)", section, re.M | re.S)
    assert cut, f"no **Cut list for a late room** under {title}"
    items = re.findall(r"^\d+\. .*?(?=^\d+\. |\Z)", cut.group(1), re.M | re.S)
    assert len(items) >= 3 and all(re.search(r"\d+ min", item) for item in items), "each cut frees stated minutes"
    assert re.search(r"^\*\*For a fast room\.?\*\*", section, re.M), f"no **For a fast room** under {title}"


# --- the learner's handout and the glossary ------------------------------------------------------------------

@pytest.mark.docs
def test_the_handout_fits_a_page_and_the_glossary_cites_real_notebooks():
    handout = (REPO / "HANDOUT.md").read_text(encoding="utf-8")
    assert len(handout.splitlines()) <= 70
    glossary = (REPO / "GLOSSARY.md").read_text(encoding="utf-8")
    entries = [line for line in glossary.splitlines()
               if line.startswith("| ") and not line.startswith(("| term ", "| ---"))]
    assert len(entries) >= 30
    for entry in entries:
        cited = re.findall(r"\]\((notebooks/[^)]+\.ipynb)\)", entry.rsplit("|", 2)[1])
        assert cited, f"no notebook cited: {entry[:60]}"
        for path in cited:
            assert (REPO / path).exists(), path
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in ("HANDOUT.md", "GLOSSARY.md"):
        assert f"({name})" in INSTRUCTORS and f"({name})" in readme, name


# --- INSTRUCTORS.zh-CN.md follows INSTRUCTORS.md ---------------------------------------------------------------

def _guide_outline(text: str) -> tuple[list[str], list[int], list[str]]:
    """A guide's heading levels (## and ###), the row count of each table, and each fenced code block, in order."""
    levels: list[str] = []
    tables: list[int] = []
    blocks: list[str] = []
    block: list[str] | None = None
    rows = 0
    for line in text.splitlines():
        if re.match(r"^ *```", line):
            if block is None:
                block = [line]
            else:
                blocks.append("\n".join(block + [line]))
                block = None
            continue
        if block is not None:
            block.append(line)
            continue
        if line.lstrip().startswith("|"):
            rows += 1
            continue
        if rows:
            tables.append(rows)
            rows = 0
        if line.startswith(("## ", "### ")):
            levels.append(line.split(" ", 1)[0])
    if rows:
        tables.append(rows)
    return levels, tables, blocks


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped (Chinese characters kept), spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.docs
def test_the_chinese_instructors_guide_has_the_english_sections():
    chinese = (REPO / "INSTRUCTORS.zh-CN.md").read_text(encoding="utf-8")
    en_levels, en_tables, en_blocks = _guide_outline(INSTRUCTORS)
    zh_levels, zh_tables, zh_blocks = _guide_outline(chinese)
    assert en_levels.count("##") == zh_levels.count("##") and en_levels.count("###") == zh_levels.count("###")
    assert zh_levels == en_levels, "the ## and ### headings come in the same order of levels"
    assert zh_tables == en_tables, "every table keeps the English table's rows"
    assert len(zh_blocks) == len(en_blocks), "the same fenced code blocks"
    for en, zh in zip(en_blocks, zh_blocks):
        assert zh.replace(" --zh-CN", "") == en, f"a code block differs from the English beyond --zh-CN:\n{zh}"
    outside_code = re.sub(r"^ *```.*?^ *```", "", chinese, flags=re.M | re.S)
    anchors = {_anchor(h) for h in re.findall(r"^#{1,6} (.*)$", outside_code, re.M)}
    links = re.findall(r"\]\(#([^)]+)\)", chinese)
    assert links and set(links) <= anchors, f"links to no heading: {sorted(set(links) - anchors)}"
