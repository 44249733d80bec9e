"""End to end in a real browser: JupyterLab on 127.0.0.1 with a token, headless Chromium through
Playwright, the 07_playground notebook run from the Run menu, the training panel driven by mouse
and keyboard. A screenshot is saved in test-output/.

Under CI=true a missing Chromium fails the test; elsewhere it skips with the command to install it.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

from conftest import REPO  # noqa: E402  (one definition, in conftest.py)

OUTPUT = REPO / "test-output"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _need_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    message = "Chromium is not installed: sudo apt-get install chromium (or run `make test`, which installs it)."
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 serving a copy of the notebooks (so autosave never touches the repo)."""
    _need_chromium()
    root = tmp_path_factory.mktemp("lab")
    for edition, name in (("en", "07_playground.ipynb"), ("zh-CN", "07_playground.zh-CN.ipynb"), ("en", "01_data.ipynb")):
        (root / "notebooks" / edition).mkdir(parents=True, exist_ok=True)  # each edition in its folder, as in the series
        shutil.copy(REPO / "notebooks" / edition / name, root / "notebooks" / edition)
    (root / "data").symlink_to(REPO / "data")
    # Settings for this server only: render every cell (no windowing), and no news prompt.
    settings = root / "settings" / "@jupyterlab"
    (settings / "notebook-extension").mkdir(parents=True)
    (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    (settings / "apputils-extension").mkdir()
    (settings / "apputils-extension" / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    port, token = _free_port(), secrets.token_hex(16)
    log = open(root / "jupyterlab.log", "w")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(root / "runtime")}
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={root}", f"--LabApp.workspaces_dir={root / 'workspaces'}",
         f"--LabApp.user_settings_dir={root / 'settings'}",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],
        stdout=log, stderr=subprocess.STDOUT, env=env, stdin=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"JupyterLab did not start; its log:\n{(root / 'jupyterlab.log').read_text()[-3000:]}")
            time.sleep(0.5)
    yield base, token
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


def _open_and_run_all(page, base: str, token: str, name: str) -> None:
    """Open a notebook in JupyterLab, wait for its kernel, then Run > Run All Cells."""
    from playwright.sync_api import expect

    # a workspace of its own, reset: only this notebook open, so the status bar speaks of its kernel alone
    workspace = re.sub(r"\W", "-", name)
    edition = "zh-CN" if name.endswith(".zh-CN.ipynb") else "en"
    page.goto(f"{base}/lab/workspaces/{workspace}/tree/notebooks/{edition}/{name}?reset&token={token}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
    # the kernel must be connected before Run All, or the cells are queued to nowhere
    expect(page.get_by_text("Python 3 (ipykernel) | Idle")).to_be_visible(timeout=90_000)
    first_prompt = page.locator(".jp-CodeCell .jp-InputPrompt").first
    for _ in range(3):  # Run All once more if the first cell was not even queued
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        try:
            expect(first_prompt).not_to_have_text(re.compile(r"^\[ \]:$"), timeout=20_000)
            return
        except AssertionError:
            continue
    expect(first_prompt).not_to_have_text(re.compile(r"^\[ \]:$"))


def test_doctor_asks_the_running_jupyterlab_whether_it_loads_the_widgets(lab):
    from helpers.course.doctor import WIDGET_EXTENSION, _server_extensions

    base, token = lab
    loaded = _server_extensions({"url": f"{base}/", "token": token})
    assert loaded is not None and WIDGET_EXTENSION in loaded


def test_playground_trains_from_the_browser(lab):
    from playwright.sync_api import expect, sync_playwright

    base, token = lab
    OUTPUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            _open_and_run_all(page, base, token, "07_playground.ipynb")

            panel = page.locator(".training-panel").first
            expect(panel).to_be_visible(timeout=60_000)
            # wait for the whole notebook: the last cell's check prints its hint
            expect(page.get_by_text("train plain SGD in the panel above until it fails")).to_be_visible(timeout=180_000)
            expect(page.locator(".training-panel")).to_have_count(1)  # the demo panel is driven from code, not shown

            image = panel.locator("img").first
            before = image.get_attribute("src")
            rows = panel.locator("table.runs-table tbody tr")
            assert rows.count() == 0

            # the learning-rate slider, moved with the keyboard: 0.1 -> one notch lower (10**-1.1)
            lr_slider = panel.locator(".widget-slider").first
            readout = lr_slider.locator(".widget-readout")
            assert readout.inner_text().strip() == "1.0e-1"
            lr_slider.locator(".noUi-handle").focus()
            page.keyboard.press("ArrowLeft")
            expect(readout).to_have_text("7.9e-2", timeout=5_000)
            # fewer epochs, for a short run: 5 -> 2
            epochs_slider = panel.locator(".widget-slider").nth(1)
            epochs_slider.locator(".noUi-handle").focus()
            for _ in range(3):
                page.keyboard.press("ArrowLeft")
            expect(epochs_slider.locator(".widget-readout")).to_have_text("2", timeout=5_000)

            panel.get_by_role("button", name="Train").click()
            expect(rows).to_have_count(1, timeout=30_000)
            deadline = time.monotonic() + 60
            while image.get_attribute("src") == before:
                assert time.monotonic() < deadline, "the curve image never changed after pressing Train"
                time.sleep(0.2)
            page.screenshot(path=str(OUTPUT / "browser-07_playground-training.png"), full_page=False)

            expect(panel.locator(".panel-status")).to_contain_text("Done", timeout=90_000)
            row = rows.first.inner_text()
            assert "0.0794" in row and "2/2" in row and "finished" in row, row

            # nothing failed to render: no widget errors, no tracebacks in any output
            assert page.get_by_text("Error displaying widget").count() == 0
            assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
                                has_text="Traceback").count() == 0
            panel.scroll_into_view_if_needed()
            page.screenshot(path=str(OUTPUT / "browser-07_playground.png"), full_page=False)
        except Exception:
            page.screenshot(path=str(OUTPUT / "browser-07_playground-failure.png"), full_page=True)
            outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
            (OUTPUT / "browser-07_playground-failure.txt").write_text("\n-----\n".join(outputs))
            raise
        finally:
            browser.close()


def test_the_zh_cn_playground_shows_its_panel_in_chinese(lab):
    from playwright.sync_api import expect, sync_playwright

    base, token = lab
    OUTPUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            _open_and_run_all(page, base, token, "07_playground.zh-CN.ipynb")

            panel = page.locator(".training-panel").first
            expect(panel).to_be_visible(timeout=90_000)
            expect(panel.get_by_role("button", name="训练")).to_be_visible()
            expect(panel.get_by_role("button", name="停止")).to_be_visible()
            expect(panel.get_by_role("button", name="查找学习率")).to_be_visible()
            expect(panel.locator(".widget-slider").first).to_contain_text("学习率")
            expect(panel).to_contain_text("调好滑块")
            expect(panel).to_contain_text("还没有训练记录")
            assert page.get_by_text("Error displaying widget").count() == 0
            panel.scroll_into_view_if_needed()
            page.screenshot(path=str(OUTPUT / "browser-07_playground-zh-CN.png"), full_page=False)
        except Exception:
            page.screenshot(path=str(OUTPUT / "browser-07_playground-zh-CN-failure.png"), full_page=True)
            raise
        finally:
            browser.close()


# --- a workshop deck ------------------------------------------------------------------------------------

SLIDE_HEIGHTS = """() => {
  const reveal = require("_assets/reveal.js/dist/reveal.js");
  return reveal.getSlides().map(s => { const i = reveal.getIndices(s); reveal.slide(i.h, i.v);
                                       return reveal.getCurrentSlide().scrollHeight; });
}"""


MATHS_SETTLED = """() => new Promise(done => MathJax.Hub.Queue(() =>
  done(document.querySelectorAll(".reveal .present .MathJax_CHTML").length > 0 &&
       document.querySelectorAll(".reveal .MJXc-processing").length === 0)))"""


def test_a_deck_opens_offline_with_its_maths_and_every_slide_fits(tmp_path):
    """03_loss's deck, opened from disk with the network refused: reveal.js and MathJax load from the deck's
    own folder, every slide as drawn fits reveal's 960-pixel-high page, and the screenshots show it."""
    _need_chromium()
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPO / "scripts"))
    import slides

    notebook = REPO / "notebooks" / "en" / "03_loss.ipynb"
    deck = slides.build([notebook], out=tmp_path)[0]
    expected = len(slides.deck(json.loads(notebook.read_text(encoding="utf-8"))))
    OUTPUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        remote, failed = [], []
        page.route(re.compile(r"^https?://"), lambda route: (remote.append(route.request.url), route.abort()))
        page.on("requestfailed", lambda request: failed.append(request.url))
        try:
            page.goto(deck.as_uri())
            page.wait_for_selector(".reveal.ready", timeout=30_000)
            assert page.evaluate('require("_assets/reveal.js/dist/reveal.js").getTotalSlides()') == expected
            page.screenshot(path=str(OUTPUT / "slides-03_loss-title.png"))
            heights = page.evaluate(SLIDE_HEIGHTS)
            assert len(heights) == expected and max(heights) <= slides.DESIGN_HEIGHT, heights
            # the slide with the first formula: MathJax typesets it from the deck's own copy
            page.evaluate('require("_assets/reveal.js/dist/reveal.js").slide(1, 0)')
            page.wait_for_selector(".reveal .present .MathJax_CHTML", timeout=30_000)
            # every render the quick flip through the deck started has finished, and none left a formula blank
            page.wait_for_function(MATHS_SETTLED, timeout=60_000)
            page.screenshot(path=str(OUTPUT / "slides-03_loss-maths.png"))
            assert remote == [] and failed == [], remote + failed
        finally:
            browser.close()


def test_jupyterlab_presents_a_notebook_live_as_slides(lab):
    """jupyterlab-rise (make workshop) shows 01_data as the same slides, in JupyterLab, with a live kernel."""
    from playwright.sync_api import expect, sync_playwright

    sys.path.insert(0, str(REPO / "scripts"))
    import slides

    base, token = lab
    expected = len(slides.deck(json.loads((REPO / "notebooks" / "en" / "01_data.ipynb").read_text(encoding="utf-8"))))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        try:
            page.goto(f"{base}/rise/notebooks/en/01_data.ipynb?token={token}")
            page.wait_for_selector(".reveal .slides section", timeout=90_000)
            expect(page.locator(".reveal .slides section.present").first).to_contain_text("01", timeout=30_000)
            page.wait_for_timeout(1000)
            page.screenshot(path=str(OUTPUT / "rise-01_data.png"))
            assert page.locator(".reveal .slides > section > section").count() == expected
        finally:
            browser.close()
