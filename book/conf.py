"""Sphinx's settings for the series as a website (scripts/book.py copies this file beside the pages it stages).

The site opens from disk with no network: notebooks are shown with their saved outputs (nothing runs),
MathJax is served from the site's own _static/mathjax/ (copied from the django-static-mathjax wheel,
which ships MathJax 3), the theme bundles its fonts and icons, and no widget JavaScript is loaded.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

project = "Optimizing a neural network's parameters, step by step"
author = "The authors of Optimizing a neural network's parameters, step by step"
copyright = "the authors; code BSD-3-Clause, prose and figures CC BY 4.0"

extensions = ["myst_nb"]
exclude_patterns = ["_build", "_notebooks", "**.ipynb_checkpoints"]
language = "en"

# The saved outputs, as they are: never run a notebook.
nb_execution_mode = "off"
nb_ipywidgets_js = {}  # the notebooks are saved without widget state: no widget scripts from a CDN
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
suppress_warnings = ["mystnb.unknown_mime_type"]

# MathJax 3 from the site's own folder (relative to _static/), never from a CDN: its loader and the
# components it needs, TeX in, CommonHTML out and the hidden MathML screen readers use. Not the combined
# tex-chtml.js: its menu names a CDN for the speech engine it fetches when a reader turns speech on.
mathjax_path = "mathjax/startup.js"
mathjax3_config = {"loader": {"load": ["input/tex", "output/chtml", "a11y/assistive-mml"]}}

html_theme = "sphinx_book_theme"
html_title = project
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_show_search_summary = False  # summaries are fetched page by page, which a page opened from disk may not do
# Chinese words are cut with jieba where it is installed; English words are stemmed as in English.
html_search_language = "zh"
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "show_toc_level": 2,
    "use_download_button": False,  # each page has its own link to the notebook (scripts/book.py)
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "navigation_with_keys": False,
    "icon_links": [],
    "navbar_persistent": [],  # the sidebar has the search field: no second one in the header
    "search_bar_text": "Search the series…",
}

# What those load, from beside startup.js: the core, TeX and the TeX extensions it loads on demand, the
# CommonHTML output and its fonts, the assistive MathML.
MATHJAX_PARTS = ["startup.js", "core.js", "input/tex.js", "input/tex/extensions", "output/chtml.js",
                 "output/chtml", "a11y/assistive-mml.js"]


def _mathjax_source() -> Path:
    from importlib.resources import files

    return Path(str(files("mathjax"))) / "static" / "mathjax"


def _copy_mathjax(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    source, target = _mathjax_source(), Path(app.outdir) / "_static" / "mathjax"
    if target.exists():
        shutil.rmtree(target)
    for part in MATHJAX_PARTS:
        path = source / "es5" / part
        if path.is_dir():
            shutil.copytree(path, target / part)
        else:
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / part)
    shutil.copy2(source / "LICENSE", target / "LICENSE")


def _page_language(app, pagename, templatename, context, doctree) -> None:
    if pagename.endswith(".zh-CN"):
        context["language"] = "zh-CN"


def _quiet_jieba() -> None:
    try:
        import jieba
    except ImportError:
        return
    jieba.setLogLevel(logging.WARNING)


def setup(app):
    _quiet_jieba()
    app.connect("build-finished", _copy_mathjax)
    app.connect("html-page-context", _page_language)
