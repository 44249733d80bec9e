"""Slides from the notebooks themselves: reveal.js decks for a workshop, built by nbconvert.

Each cell's ``metadata.slideshow.slide_type`` says where it goes: ``slide`` starts a new slide, ``subslide``
a new one below it, ``fragment`` appears on a click, ``-`` stays on the current slide, ``notes`` goes to the
speaker view (press S), ``skip`` is left out. The same metadata drives a live, runnable deck in JupyterLab
through jupyterlab-rise.

    python scripts/slides.py build [--online] [notebooks ...]   write slides/NN_topic.slides.html (the core decks by default)
    python scripts/slides.py assign notebooks/en/NN_topic.ipynb  give a notebook's cells slide types (once, then edit by hand)
    python scripts/slides.py sizes                               print each core deck's slides and its tallest slide

Decks work without internet: reveal.js, MathJax, RequireJS and jQuery are fetched once from the npm registry
into slides/_assets/ (``--online`` uses their public CDNs instead and needs no npm).
"""

from __future__ import annotations

import base64
import io
import json
import shutil
import struct
import subprocess
import sys
import tarfile
import textwrap
import unicodedata
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
SLIDES = REPO / "slides"
ASSETS = SLIDES / "_assets"
TEMPLATE = Path(__file__).with_name("slides.html.j2")

# The decks a workshop presents: the six core notebooks and 07-09 (playground, craft, capstone), in English and
# in Chinese.
CORE = ["01_data", "02_model", "03_loss", "04_optimizer", "05_full_loop", "06_plotting", "07_playground", "08_craft",
        "09_capstone"]

# A screen of text: 38 lines (the gaps between cells and outputs counted as lines) of 20 pixels, of up to 90 characters (a Chinese
# character is two wide). An image takes its height in pixels, in lines of 20.
SCREEN_LINES = 38
LINE_CHARS = 90
LINE_PIXELS = 20
MAX_SLIDES = 25
# reveal.js lays a slide out at this size and scales it to the screen; nbconvert's notebook styles take up to
# about 25 pixels a line, so 960 pixels hold the 38 lines (the browser test measures every slide of a deck).
DESIGN_WIDTH, DESIGN_HEIGHT = 1600, 960
# A code cell tagged so shows only its output on a slide: for plotting code longer than the figure is worth.
OUTPUT_ONLY = "slides-output-only"

NPM_PACKAGES = {"reveal.js": "4.0.2", "mathjax": "2.7.7", "requirejs": "2.1.22", "jquery": "2.2.4"}


def core_notebooks(edition: str = "") -> list[Path]:
    edition = edition or "en"
    suffix = ".zh-CN" if edition == "zh-CN" else ""
    return [NOTEBOOKS / edition / f"{stem}{suffix}.ipynb" for stem in CORE]


# --- how tall a cell is on a slide ----------------------------------------------------------------------------

def _width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in line)


def _text_lines(text: str) -> int:
    return sum(max(1, -(-_width(line) // LINE_CHARS)) for line in text.splitlines())


def _png_height(data: str) -> int:
    raw = base64.b64decode(data)
    return struct.unpack(">I", raw[20:24])[0] if raw[:8] == b"\x89PNG\r\n\x1a\n" else 0


def _markdown_lines(source: str) -> int:
    """Rendered lines: a paragraph's gap is half a line; a <details> block shows one line."""
    shown, folded = [], False
    for line in source.splitlines():
        if "<details>" in line:
            shown.append(line.split("<details>")[0] + "▸ solution")
            folded = "</details>" not in line
            continue
        if folded:
            folded = "</details>" not in line
            continue
        if line.strip():
            shown.append(line)
        elif shown and shown[-1]:
            shown.append("")  # a paragraph's gap: half a line
    gaps = shown.count("")
    return _text_lines("\n".join(s for s in shown if s)) + (gaps + 1) // 2


def cell_lines(cell: dict) -> int:
    """How many lines a cell takes on a slide, with a line for the gap around it and around each output."""
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    if cell["cell_type"] == "markdown":
        return 1 + _markdown_lines(source)
    lines = 1 + (0 if OUTPUT_ONLY in cell.get("metadata", {}).get("tags", []) else _text_lines(source))
    for out in cell.get("outputs", []):
        lines += 1
        data = out.get("data", {})
        if out["output_type"] == "stream":
            lines += _text_lines("".join(out["text"]))
        elif "image/png" in data:
            lines += -(-_png_height(data["image/png"]) // LINE_PIXELS)
        elif "text/plain" in data and "application/vnd.jupyter.widget-view+json" not in data:
            lines += _text_lines("".join(data["text/plain"]))
        elif out["output_type"] == "error":
            lines += len(out.get("traceback", []))
    return lines


def slide_type(cell: dict) -> str:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")


def deck(nb: dict) -> list[dict]:
    """The slides nbconvert makes of a notebook, in order: each with its first cell's index, cells and lines."""
    slides: list[dict] = []
    for i, cell in enumerate(nb["cells"]):
        kind = slide_type(cell)
        if kind in ("skip", "notes"):
            continue
        if kind in ("slide", "subslide") or not slides:
            slides.append({"first": i, "kind": kind, "cells": [], "lines": 0})
        slides[-1]["cells"].append(i)
        slides[-1]["lines"] += cell_lines(cell)
    return slides


# --- giving a notebook slide types ---------------------------------------------------------------------------

def assign(nb: dict) -> None:
    """Slide types from the notebook's structure: the title and each section start a slide, a prediction starts a
    sub-slide and its answer comes on a click, and a slide that would pass a screen continues below.
    Cells already marked as speaker notes stay notes."""
    height = 0
    for i, cell in enumerate(nb["cells"]):
        source = "".join(cell["source"])
        if slide_type(cell) == "notes":
            continue
        lines = cell_lines(cell)
        previous = nb["cells"][i - 1] if i else None
        if i == 0 or (cell["cell_type"] == "markdown" and source.lstrip().startswith("## ")):
            kind = "slide"
        elif cell["cell_type"] == "markdown" and ("**Predict first:**" in source or "**先预测：**" in source):
            kind = "subslide"
        elif height + lines > SCREEN_LINES:
            kind = "subslide"
        elif previous is not None and previous["cell_type"] == "markdown" and (
                "**Predict first:**" in "".join(previous["source"]) or "**先预测：**" in "".join(previous["source"])):
            kind = "fragment"
        else:
            kind = "-"
        height = lines if kind in ("slide", "subslide") else height + lines
        cell.setdefault("metadata", {})["slideshow"] = {"slide_type": kind}


# --- building the decks ---------------------------------------------------------------------------------------

def fetch_assets() -> Path:
    """reveal.js, MathJax, RequireJS and jQuery from the npm registry, unpacked once into slides/_assets/."""
    for name, version in NPM_PACKAGES.items():
        target = ASSETS / name
        if (target / "package.json").exists():
            continue
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("Building offline decks needs npm (Debian/Ubuntu: sudo apt-get install npm; "
                             "or nodejs.org), or build decks that load reveal.js from the internet: "
                             "python scripts/slides.py build --online")
        ASSETS.mkdir(parents=True, exist_ok=True)
        packed = subprocess.run([npm, "pack", "--silent", f"{name}@{version}"], cwd=ASSETS, check=True,
                                capture_output=True, text=True).stdout.strip().splitlines()[-1]
        with tarfile.open(ASSETS / packed) as tar:
            tar.extractall(ASSETS / f".{name}", filter="data")
        (ASSETS / f".{name}" / "package").rename(target)
        (ASSETS / f".{name}").rmdir()
        (ASSETS / packed).unlink()
    return ASSETS


def build(notebooks: list[Path], online: bool = False, out: Path = SLIDES) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    options = ["--SlidesExporter.reveal_transition=none",
               "--SlidesExporter.reveal_theme=white",  # its fonts come with reveal.js: nothing to fetch in the room
               # a slide 960 pixels high, shown scaled to the screen: room for SCREEN_LINES lines
               f"--SlidesExporter.reveal_width={DESIGN_WIDTH}", f"--SlidesExporter.reveal_height={DESIGN_HEIGHT}",
               f"--TagRemovePreprocessor.remove_input_tags={OUTPUT_ONLY}",
               "--TagRemovePreprocessor.enabled=True"]
    if not online:
        assets = fetch_assets()
        if out.resolve() != SLIDES.resolve() and not (out / "_assets").exists():
            (out / "_assets").symlink_to(assets.resolve(), target_is_directory=True)
        options += [
            "--SlidesExporter.reveal_url_prefix=_assets/reveal.js",
            "--SlidesExporter.mathjax_url=_assets/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
            "--SlidesExporter.require_js_url=_assets/requirejs/require.js",
            "--SlidesExporter.jquery_url=_assets/jquery/dist/jquery.min.js",
            f"--template-file={TEMPLATE}",
        ]
    built = []
    for notebook in notebooks:
        subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "slides", "--log-level=ERROR",
                        *options, "--output-dir", str(out), str(notebook)], check=True)
        built.append(out / f"{notebook.stem}.slides.html")
    return built


def sizes() -> list[tuple[str, int, int]]:
    rows = []
    for path in core_notebooks() + core_notebooks("zh-CN"):
        slides = deck(json.loads(path.read_text(encoding="utf-8")))
        rows.append((path.stem, len(slides), max(s["lines"] for s in slides)))
    return rows


def main(argv: list[str]) -> None:
    if argv[:1] == ["build"]:
        online = "--online" in argv
        paths = [Path(a) for a in argv[1:] if a != "--online"] or core_notebooks() + core_notebooks("zh-CN")
        for path in build(paths, online=online):
            print("wrote", path.relative_to(REPO) if path.is_relative_to(REPO) else path)
        print("Open one in a browser; press S for the speaker view with the notes, F for full screen.")
    elif argv[:1] == ["assign"] and len(argv) >= 2:
        for name in argv[1:]:
            path = Path(name)
            nb = nbformat.read(path, as_version=4)
            assign(nb)
            nbformat.write(nb, path)
            print(f"{path.name}: {len(deck(nb))} slides")
    elif argv[:1] == ["sizes"]:
        out = io.StringIO()
        for stem, count, tallest in sizes():
            out.write(f"{stem:24} {count:3} slides, the tallest {tallest} lines\n")
        print(out.getvalue(), end="")
    else:
        raise SystemExit(textwrap.dedent(__doc__))


if __name__ == "__main__":
    main(sys.argv[1:])
