"""Where each edition of the series keeps its notebooks: a folder of its own under notebooks/.

    notebooks/en/NN_topic.ipynb            the English edition
    notebooks/zh-CN/NN_topic.zh-CN.ipynb   its Simplified Chinese twin (the name says the edition wherever the file goes)

The notebooks find the series' folder (and its data/) by looking upwards from their own folder, so the two
editions' code is the same and either folder can be opened alone in JupyterLab (``make lab EDITION=zh-CN``).
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
EDITIONS = {"en": "", "zh-CN": ".zh-CN"}  # folder -> the suffix of its notebooks' names


def notebooks(edition: str | None = None, folder: Path = NOTEBOOKS) -> list[Path]:
    """The numbered notebooks of one edition (or of every edition, English first), in order."""
    editions = [edition] if edition else list(EDITIONS)
    return [p for e in editions for p in sorted((folder / e).glob("[0-9][0-9]_*.ipynb"))]


def edition_of(path: Path) -> str:
    return "zh-CN" if path.stem.endswith(EDITIONS["zh-CN"]) else "en"


def twin_path(english: Path) -> Path:
    """notebooks/en/NN_topic.ipynb -> notebooks/zh-CN/NN_topic.zh-CN.ipynb"""
    return english.parent.parent / "zh-CN" / (english.stem + EDITIONS["zh-CN"] + ".ipynb")


def english_path(twin: Path) -> Path:
    """notebooks/zh-CN/NN_topic.zh-CN.ipynb -> notebooks/en/NN_topic.ipynb"""
    return twin.parent.parent / "en" / (twin.stem.removesuffix(EDITIONS["zh-CN"]) + ".ipynb")
