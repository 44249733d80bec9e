"""The series as a website: the learners' copy of every notebook, both editions, with the saved outputs.

    python scripts/book.py [OUT]                  the whole series into OUT (default: build/book)
    python scripts/book.py OUT 01_data 02_model   only these notebooks (names without .ipynb)

Nothing is run. The learners' copy (scripts/learner_copy.py) is written to a work folder, OUT-work
(removed once the build succeeds), with a "Run it yourself" box under each notebook's title: a link
to download the notebook (the learners' copy as it is, without the box) and a link to its twin in
the other language. A landing page lists the series in both editions; HANDOUT.md and GLOSSARY.md at
the repository's root become pages when they exist. Sphinx (myst-nb, sphinx-book-theme; settings in
book/conf.py) writes the HTML, and OUT is replaced only once the build has succeeded. The site opens
from disk (OUT/index.html) and asks nothing from the network: MathJax, fonts and search are all in OUT.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
CONF = REPO / "book" / "conf.py"
sys.path.insert(0, str(Path(__file__).resolve().parent))
import editions  # noqa: E402  (each edition's folder)
import learner_copy  # noqa: E402

# Pages from the repository's root, when they exist: (file, page name).
EXTRA_PAGES = [("HANDOUT.md", "handout"), ("GLOSSARY.md", "glossary")]
ZH = ".zh-CN"

RUN_IT_EN = """\
:::{{admonition}} Run it yourself
:class: tip

{{download}}`Download this notebook ({name}) <_notebooks/{name}>`. Save it anywhere inside the series'
folder (such as `learner/en/`, where `make learner-copy` writes the English ones): it finds `data/` and
`helpers` by looking upwards from its own folder. Open it in JupyterLab: `make lab` sets everything up
(the repository's README.md, "Two commands", and SETUP.md for every kind of machine).
{twin}
:::
"""

RUN_IT_ZH = """\
:::{{admonition}} 自己运行
:class: tip

{{download}}`下载这个笔记本（{name}）<_notebooks/{name}>`。把它放在本系列文件夹里的任意位置
（例如 `learner/zh-CN/`，`make learner-copy` 会把中文版笔记本写到那里）：它会从自己所在的文件夹向上查找
`data/` 和 `helpers`。然后在 JupyterLab 中打开：`make lab EDITION=zh-CN` 会装好一切（见仓库的 README.zh-CN.md 和 SETUP.md）。
{twin}
:::
"""

INDEX_HEAD = """\
# Optimizing a neural network's parameters, step by step

An interactive series that trains a small PyTorch network on the real FashionMNIST and shows, one
idea at a time, how its parameters get optimized: data, model, loss, optimizer, the full train/test
loop and the curves that tell you how it went; then a playground, the craft around the loop, a
capstone, and beyond the basics. Every notebook comes in English and in Simplified Chinese
(简体中文版：每个笔记本都有中文版，代码相同).

These pages are the learners' copy with the outputs saved when the notebooks last ran: read them
here, then run them yourself. The answers to the "Predict first" prompts and the exercises'
solutions are left out: run the cell to see.

"""

INDEX_RUN = """\

## How to run it yourself

Each page starts with a link that downloads its notebook (`.ipynb`). To run the whole series, get
the repository and follow its **README.md** ("Two commands"): `make lab` sets everything up (the
Python environment, PyTorch, the data) and opens the notebooks in JupyterLab; **SETUP.md** has the
commands for Windows, macOS, Linux, conda, Colab, Codespaces and Binder. A laptop without a GPU
runs all of it. `make book` builds this site again.
"""


def title(path: Path) -> str:
    """A notebook's title: its first heading, without the leading '# '."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return path.stem


def twin_of(name: str) -> str:
    """01_data.ipynb <-> 01_data.zh-CN.ipynb"""
    stem = name[: -len(".ipynb")]
    return stem[: -len(ZH)] + ".ipynb" if stem.endswith(ZH) else stem + ZH + ".ipynb"


def run_it_cell(name: str, titles: dict[str, str]):
    twin = twin_of(name)
    zh = name.endswith(ZH + ".ipynb")
    line = ""
    if twin in titles:
        line = f"\n{'English edition' if zh else '简体中文版'}: [{titles[twin]}]({twin})\n"
    text = (RUN_IT_ZH if zh else RUN_IT_EN).format(name=name, twin=line)
    return nbformat.v4.new_markdown_cell(text)


def index_page(titles: dict[str, str], extras: list[tuple[str, str]]) -> str:
    english = sorted(n for n in titles if not n.endswith(ZH + ".ipynb"))
    chinese = sorted(n for n in titles if n.endswith(ZH + ".ipynb"))
    numbers = sorted({n[:2] for n in titles})
    rows = ["| | English | 简体中文 |", "| --- | --- | --- |"]
    for number in numbers:
        cells = []
        for names in (english, chinese):
            name = next((n for n in names if n.startswith(number)), None)
            cells.append(f"[{titles[name].split(' · ', 1)[-1]}]({name})" if name else "")
        rows.append(f"| {number} | {cells[0]} | {cells[1]} |")
    parts = [INDEX_HEAD, "\n".join(rows), "\n"]
    if any(n.startswith("14_") for n in titles):
        parts.append("\n14 is saved without outputs (it trains for longer than a page should wait for): "
                     "its pages show the code, and running it shows the rest.\n")
    if extras:
        parts.append("\nAlso: " + ", ".join(f"[{t}]({page}.md)" for page, t in extras) + ".\n")
    parts.append(INDEX_RUN)
    for caption, docs in (("English", english), ("简体中文", chinese),
                          ("Reference", [page + ".md" for page, _ in extras])):
        if docs:
            entries = "\n".join(d.rsplit(".", 1)[0] for d in docs)
            parts.append(f"\n```{{toctree}}\n:caption: {caption}\n:hidden:\n\n{entries}\n```\n")
    return "".join(parts)


LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(([^)\s]+)\)")


def extra_page(text: str, names: set[str]) -> str:
    """A root page (HANDOUT.md, ...) for the site: a link to notebooks/NN_topic.ipynb points at its page,
    a link to another file of the repository (README.md, ...) becomes its text, web links stay."""
    def link(match: re.Match) -> str:
        label, target = match.groups()
        if re.match(r"[a-z]+:|#", target):
            return match.group(0)
        path, _, anchor = target.partition("#")
        name = path.rsplit("/", 1)[-1]
        if name in names:
            return f"[{label}]({name}{'#' + anchor if anchor else ''})"
        return label

    return LINK.sub(link, text)


def stage(src: Path, notebooks: list[Path]) -> list[Path]:
    """Write the site's sources into src: the learners' copy, the landing page, the root pages, conf.py."""
    if src.exists():
        shutil.rmtree(src)
    pristine = learner_copy.write(src / "_notebooks", notebooks, by_edition=False)
    titles = {path.name: title(path) for path in pristine}
    for path in pristine:
        nb = nbformat.read(path, as_version=4)
        nb.cells.insert(1, run_it_cell(path.name, titles))
        nbformat.write(nb, src / path.name)
    extras = []
    for filename, page in EXTRA_PAGES:
        root_page = REPO / filename
        if root_page.is_file():
            text = root_page.read_text(encoding="utf-8")
            (src / f"{page}.md").write_text(extra_page(text, set(titles)), encoding="utf-8")
            heading = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), filename)
            extras.append((page, heading))
    (src / "index.md").write_text(index_page(titles, extras), encoding="utf-8")
    shutil.copy(CONF, src / "conf.py")
    return pristine


def build(out: Path, names: list[str] | None = None, work: Path | None = None, jobs: str = "1") -> list[Path]:
    """Build the site into out (replaced when the build succeeds); returns the learners' notebooks."""
    out = out.resolve()
    if names:
        names = [n if n.endswith(".ipynb") else n + ".ipynb" for n in names]
        notebooks = [editions.NOTEBOOKS / editions.edition_of(Path(n)) / n for n in names]
        missing = [str(p) for p in notebooks if not p.is_file()]
        if missing:
            raise SystemExit(f"no such notebook: {', '.join(missing)}")
    else:
        notebooks = sorted(editions.notebooks(), key=lambda p: p.name)
    keep_work = work is not None
    work = (work or out.parent / (out.name + "-work")).resolve()
    src, html = work / "src", work / "html"
    written = stage(src, notebooks)
    if html.exists():
        shutil.rmtree(html)
    subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-j", jobs,
                    "-d", str(work / "doctrees"), str(src), str(html)], check=True)
    if out.exists():
        shutil.rmtree(out)
    shutil.move(str(html), str(out))
    if not keep_work:  # a failed build leaves it, to look at
        shutil.rmtree(work)
    return written


def main(argv: list[str]) -> None:
    out = Path(argv[0]) if argv else REPO / "build" / "book"
    start = time.perf_counter()
    written = build(out, argv[1:] or None)
    pages = sum(1 for _ in out.rglob("*.html")) - sum(1 for _ in (out / "_static").rglob("*.html"))
    print(f"{len(written)} notebooks, {pages} pages in {time.perf_counter() - start:.0f} s: "
          f"open {out / 'index.html'} (it works from disk, without network)")


if __name__ == "__main__":
    main(sys.argv[1:])
