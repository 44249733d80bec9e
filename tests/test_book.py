"""The series as a website (scripts/book.py, `make book`), built for 01-06 in English and 01 in Chinese,
then read in headless Chromium opened from disk: the landing page, the next links from 01 to 06, a
figure, a formula typeset by the site's own MathJax, the download link on every page, the search in
both languages; every request the pages make is recorded, and none may leave the machine.
A screenshot is saved in test-output/.

Under CI=true a missing Chromium or Sphinx fails the test; elsewhere it skips with what to install.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest

pytestmark = pytest.mark.slow

from conftest import REPO  # noqa: E402  (one definition, in conftest.py)

OUTPUT = REPO / "test-output"
sys.path.insert(0, str(REPO / "scripts"))

import learner_copy  # noqa: E402
from test_browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (Debian's Chromium, offline and headless)

import book  # noqa: E402

ENGLISH = ["01_data", "02_model", "03_loss", "04_optimizer", "05_full_loop", "06_plotting"]
SUBSET = ENGLISH + ["01_data.zh-CN"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
CDN = re.compile(rb"https?://(cdn|fonts|unpkg|jsdelivr)")


def _skip_or_fail(message: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The subset, built once; (folder, seconds it took)."""
    if not all(importlib.util.find_spec(m) for m in ("sphinx", "myst_nb", "sphinx_book_theme", "mathjax")):
        _skip_or_fail("the site's tools are not installed: make setup-dev (requirements-dev.txt) installs them.")
    root = tmp_path_factory.mktemp("book")
    start = time.perf_counter()
    book.build(root / "site", SUBSET, work=root / "work")
    return root / "site", time.perf_counter() - start


def _is_local(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in ("file", "data", "blob", "about"):
        return True
    return parsed.hostname in LOCAL_HOSTS


def test_the_subset_builds_without_running_a_notebook_with_a_page_and_a_download_for_each(site):
    folder, seconds = site
    print(f"built {len(SUBSET)} notebooks in {seconds:.1f} s")
    conf = {}
    exec((REPO / "book" / "conf.py").read_text(encoding="utf-8"), {"__file__": str(REPO / "book" / "conf.py")}, conf)
    assert conf["nb_execution_mode"] == "off", "the site shows the saved outputs; it runs nothing"
    index = (folder / "index.html").read_text(encoding="utf-8")
    for name in SUBSET:
        page = (folder / f"{name}.html").read_text(encoding="utf-8")
        assert f'href="{name}.html"' in index, f"the landing page lists {name}"
        links = re.findall(r'<a class="reference download internal" download="" href="([^"]+\.ipynb)"', page)
        assert len(links) == 1 and links[0].endswith(f"/{name}.ipynb"), links
        downloaded = nbformat.read(folder / unquote(links[0]), as_version=4)
        edition = "zh-CN" if name.endswith(".zh-CN") else "en"
        expected = learner_copy.learner_notebook(nbformat.read(REPO / "notebooks" / edition / f"{name}.ipynb", as_version=4))
        # the learners' copy as make learner-copy writes it: no "Run it yourself" box, nothing the instructor's has
        assert [c.source for c in downloaded.cells] == [c.source for c in expected.cells]
    assert 'lang="zh-CN"' in (folder / "01_data.zh-CN.html").read_text(encoding="utf-8")
    # nothing in the site names a CDN or a font service
    named = [str(p.relative_to(folder)) for p in folder.rglob("*")
             if p.suffix in (".html", ".js", ".css") and CDN.search(p.read_bytes())]
    assert named == [], named


def test_a_reader_follows_the_series_from_disk_and_nothing_leaves_the_machine(site):
    if not Path(CHROMIUM).exists():
        _skip_or_fail("Chromium is not installed: sudo apt-get install chromium (or run `make test`, which installs it).")
    from playwright.sync_api import sync_playwright

    folder, _ = site
    OUTPUT.mkdir(exist_ok=True)
    requests, failed = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.on("request", lambda request: requests.append(request.url))
        context.on("requestfailed", lambda request: failed.append(request.url))
        # whatever is not on this machine is refused (and stays recorded above)
        context.route(lambda url: not _is_local(url), lambda route: route.abort())
        page = context.new_page()
        try:
            page.goto((folder / "index.html").as_uri())
            assert page.locator("table a").count() >= len(SUBSET)
            visited = []
            while True:  # the landing page, then each "next" link in turn, to 06
                with page.expect_navigation():
                    page.locator("a.right-next").click()
                name = Path(urlparse(page.url).path).stem
                visited.append(name)
                assert page.locator('a.download[href$=".ipynb"]').count() == 1, f"{name} links its notebook"
                if name == "03_loss":  # MathJax, from the site's own _static/mathjax/, typesets the formulas
                    page.wait_for_selector("mjx-container", timeout=30_000)
                    assert page.locator("mjx-container").count() >= 5
                if name in ("01_data", "06_plotting"):  # a saved figure, drawn
                    figure = page.locator(".cell_output img").first
                    figure.scroll_into_view_if_needed()
                    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=figure.element_handle())
                if name == ENGLISH[-1] or len(visited) > len(SUBSET):
                    break
            assert visited == ENGLISH
            page.screenshot(path=str(OUTPUT / "book-06_plotting.png"))
            # the search, in both languages (the index is a script beside the pages: it works from disk)
            for query, expected in (("DataLoader", "01_data.html"), ("数据", "01_data.zh-CN.html"),
                                    ("批次", "01_data.zh-CN.html")):
                page.goto((folder / "search.html").as_uri() + f"?q={query}")
                page.wait_for_selector("#search-results li a", timeout=30_000)
                hrefs = page.locator("#search-results li a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
                assert any(h.split("#")[0] == expected for h in hrefs), (query, hrefs)
            page.screenshot(path=str(OUTPUT / "book-search.png"))
        finally:
            browser.close()
    remote = [url for url in requests if not _is_local(url)]
    assert requests and remote == [], remote
    assert failed == [], failed
    # the formulas' fonts and components came from the site itself
    assert any("/_static/mathjax/output/chtml/fonts/" in url for url in requests)
    print(json.dumps({"requests": len(requests)}))
