"""Build and keep in step the Simplified Chinese twins of the notebooks.

A twin, ``notebooks/zh-CN/NN_topic.zh-CN.ipynb``, is the English ``notebooks/en/NN_topic.ipynb`` in the
edition's own folder (scripts/editions.py). Its code cells are the English ones but for their string literals
and comments (what the code prints or draws is translated) and the line that picks the language, at the top of
the first code cell (in 01, after the set-up check's import of helpers); its markdown cells are its own, one for
each English one. ``sync`` copies an English code cell whose code changed into the twin (its strings then want
translating again) and leaves a cell that differs only in its strings.

    python scripts/zh_twins.py sync [notebooks/en/NN_topic.ipynb ...]     copy the English code into each twin
    python scripts/zh_twins.py new notebooks/en/NN_topic.ipynb cells.json   make a twin from translated markdown

``cells.json`` maps each markdown cell's index (as a string) to its Chinese text. After either, run
``scripts/refresh_notebooks.py`` on the twins to save them executed. tests/test_zh_cn.py fails when a
twin's code has drifted from its English notebook's.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from editions import EDITIONS, NOTEBOOKS, notebooks, twin_path  # noqa: E402,F401  (twin_path: for the tests)

SUFFIX = EDITIONS["zh-CN"]
LANGUAGE_LINE = 'from helpers import set_language; set_language("zh-CN")  # 简体中文\n'


def english_notebooks() -> list[Path]:
    return notebooks("en")


DOCTOR_IMPORT = "from helpers.course.doctor import doctor"


def twin_code(english_sources: list[str]) -> list[str]:
    """Return what the twin's code cells must hold, given the English notebook's.

    The language line goes at the top of the first code cell; in the set-up check (01's first cell), just
    before the doctor is imported, after the line that makes helpers importable, so that the check speaks
    Chinese too (set_language needs nothing but the standard library)."""
    if not english_sources:
        return []
    first = english_sources[0]
    if DOCTOR_IMPORT in first:
        at = first.index(DOCTOR_IMPORT)
        first = first[:at] + LANGUAGE_LINE + first[at:]
    else:
        first = LANGUAGE_LINE + first
    return [first, *english_sources[1:]]


def code_shape(source: str) -> str:
    """The cell's code with every string literal set aside (and its comments, which Python's parser drops):
    a twin may translate what its code prints or draws, and nothing else."""
    import ast

    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]  # magics
    tree = ast.parse("\n".join(lines))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = "…"
        elif isinstance(node, ast.JoinedStr):  # an f-string: its fields stay code, its text is a string
            node.values = [v for v in node.values if isinstance(v, ast.FormattedValue)]
    return ast.dump(tree)


def _code_sources(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


def _clean(cell) -> None:
    if cell.cell_type == "code":
        cell.outputs, cell.execution_count = [], None


def new(english: Path, translations: dict[str, str]) -> Path:
    nb = nbformat.read(english, as_version=4)
    missing = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and str(i) not in translations]
    if missing:
        raise SystemExit(f"{english.name}: no translation for markdown cell(s) {missing}")
    for i, cell in enumerate(nb.cells):
        _clean(cell)
        if cell.cell_type == "markdown":
            cell.source = translations[str(i)].rstrip("\n")
    for cell, src in zip([c for c in nb.cells if c.cell_type == "code"], twin_code(_code_sources(nb))):
        cell.source = src
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, twin_path(english))
    return twin_path(english)


def sync(english: Path) -> bool:
    """Copy the English code into the twin where it changed; a twin's cell that differs only in its strings
    (what its code prints or draws, translated) and comments is kept. Return whether anything changed."""
    en, zh = nbformat.read(english, as_version=4), nbformat.read(twin_path(english), as_version=4)
    if [c.cell_type for c in en.cells] != [c.cell_type for c in zh.cells]:
        raise SystemExit(f"{twin_path(english).name}: its cells no longer line up with {english.name}'s "
                         "(a cell was added or removed): add or remove the same cell in the twin, translated, first.")
    changed = False
    for index, (cell, src) in enumerate(zip([c for c in zh.cells if c.cell_type == "code"],
                                            twin_code(_code_sources(en)))):
        if code_shape(cell.source) != code_shape(src):
            print(f"  code cell {index}: copied from {english.name}; translate its strings again if it had any")
            cell.source, changed = src, True
    if changed:
        nbformat.write(zh, twin_path(english))
    return changed


def main(argv: list[str]) -> None:
    if argv[:1] == ["new"] and len(argv) == 3:
        print("wrote", new(Path(argv[1]), json.loads(Path(argv[2]).read_text(encoding="utf-8"))).name)
    elif argv[:1] == ["sync"]:
        for english in [Path(a) for a in argv[1:]] or english_notebooks():
            print(f"{twin_path(english).name}: {'updated' if sync(english) else 'in step'}")
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
