import http.server
import json
import subprocess
import sys
import threading

import pytest

from helpers.course import doctor as hdoctor
from helpers.course import offline as hdata


@pytest.mark.slow  # its widgets check asks any JupyterLab running on this machine over HTTP
def test_every_check_passes_in_the_set_up_environment(data_root):
    checks = hdoctor.run_checks(data_root)
    assert [c.what for c in checks] == ["Python", "interpreter", "torch", "torchvision", "NumPy", "matplotlib",
                                        "ipywidgets", "JupyterLab", "widgets in JupyterLab", "device", "FashionMNIST"]
    assert all(c.ok for c in checks), [c for c in checks if not c.ok]


@pytest.mark.slow
def test_the_command_prints_ok_lines_and_exits_0(data_root):
    done = subprocess.run([sys.executable, "-m", "helpers", "doctor", "--root", str(data_root)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("Set-up check for the series, version ")
    assert lines[-1] == "All set." and all(line.startswith("OK ") for line in lines[1:-1])


def test_a_missing_package_names_the_install_command(monkeypatch):
    def version(name):
        raise hdoctor.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(hdoctor.metadata, "version", version)
    check = hdoctor.check_package("ipywidgets", "ipywidgets", 8)
    assert not check.ok and "-m pip install -r" in check.detail and "requirements.txt" in check.detail


def test_an_old_package_names_the_upgrade(monkeypatch):
    monkeypatch.setattr(hdoctor.metadata, "version", lambda name: "7.8.1")
    check = hdoctor.check_package("ipywidgets", "ipywidgets", 8)
    assert not check.ok and "7.8.1 is too old" in check.detail and "pip install 'ipywidgets>=8'" in check.detail


def test_colab_s_ipywidgets_7_is_accepted_there_only(monkeypatch, data_root):
    monkeypatch.setattr(hdoctor.metadata, "version", lambda name: "7.7.1")
    assert not hdoctor.check_ipywidgets().ok
    monkeypatch.setenv("COLAB_RELEASE_TAG", "release-colab-test")
    check = hdoctor.check_ipywidgets()
    assert check.ok and "7.7.1 (Colab's)" == check.detail
    assert "JupyterLab" not in [c.what for c in hdoctor.run_checks(data_root)]  # Colab has its own front end


@pytest.mark.parametrize("torch_version, vision_version, pair", [("2.13.0", "0.29.1", "0.28"),
                                                                   ("2.2.2+cpu", "0.18.0", "0.17")])
def test_a_torchvision_of_another_torch_is_named_with_its_pair(monkeypatch, torch_version, vision_version, pair):
    versions = {"torch": torch_version, "torchvision": vision_version}
    monkeypatch.setattr(hdoctor.metadata, "version", lambda name: versions[name])
    check = hdoctor.check_torchvision()
    assert not check.ok and f"needs torchvision {pair}" in check.detail
    assert f'"torchvision=={pair}.*"' in check.detail and f'"torch=={torch_version.split("+")[0]}"' in check.detail


def test_numpy_2_beside_torch_2_2_is_named(monkeypatch):
    versions = {"torch": "2.2.2", "numpy": "2.1.0"}
    monkeypatch.setattr(hdoctor.metadata, "version", lambda name: versions[name])
    check = hdoctor.check_numpy()
    assert not check.ok and "pip install \"numpy<2\"" in check.detail
    versions["torch"] = "2.14.1"
    assert hdoctor.check_numpy().ok


def test_python_3_9_gets_the_command_that_installs_3_11(monkeypatch):
    monkeypatch.setattr(hdoctor.sys, "version_info", (3, 9, 6))
    monkeypatch.setattr(hdoctor.platform, "python_version", lambda: "3.9.6")
    monkeypatch.setattr(hdoctor.platform, "system", lambda: "Darwin")
    check = hdoctor.check_python()
    assert not check.ok and "3.9.6 is too old" in check.detail and "brew install python@3.11" in check.detail


def test_missing_data_lists_the_ways_to_get_it(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv(hdata.ENV_VAR, raising=False)
    monkeypatch.setattr(hdata, "DEBIAN_DIR", tmp_path / "no-debian-here")
    monkeypatch.setattr(hdata, "_download", lambda root: (_ for _ in ()).throw(OSError("offline")))
    check = hdoctor.check_data(tmp_path / "root")
    assert not check.ok and "apt-get install dataset-fashion-mnist" in check.detail
    monkeypatch.setattr(hdoctor, "run_checks", lambda root: [check])
    assert hdoctor.doctor(tmp_path / "root") is False
    out = capsys.readouterr().out
    assert out.splitlines()[1].startswith("FIX  FashionMNIST  FashionMNIST was not found") and "Fix the lines marked FIX" in out


class FakeLab(http.server.BaseHTTPRequestHandler):
    """Serves /lab the way JupyterLab does: its page config lists the extensions it loads."""

    extensions: list[str] = []

    def do_GET(self):
        config = {"appName": "JupyterLab", "federated_extensions": [{"name": n} for n in self.extensions]}
        page = f'<html><script id="jupyter-config-data" type="application/json">{json.dumps(config)}</script></html>'
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(page.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_lab(monkeypatch):
    server = http.server.HTTPServer(("127.0.0.1", 0), FakeLab)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    import jupyter_server.serverapp

    monkeypatch.setattr(jupyter_server.serverapp, "list_running_servers", lambda: [{"url": url, "token": "t"}])
    yield url
    server.shutdown()


def test_a_running_lab_without_the_widgets_extension_is_reported_with_the_fix(fake_lab, monkeypatch):
    monkeypatch.setattr(FakeLab, "extensions", ["@jupyterlab/something-else"])
    check = hdoctor.check_widget_extension()
    assert not check.ok and fake_lab in check.detail and "pip install 'ipywidgets>=8'" in check.detail


def test_a_running_lab_with_the_widgets_extension_is_ok(fake_lab, monkeypatch):
    monkeypatch.setattr(FakeLab, "extensions", [hdoctor.WIDGET_EXTENSION])
    check = hdoctor.check_widget_extension()
    assert check.ok and "running JupyterLab loads" in check.detail


def test_after_set_language_the_check_speaks_chinese_and_its_columns_line_up(monkeypatch, capsys, tmp_path):
    """The zh-CN twin sets the language before its first cell's check: every line it prints is Chinese but for
    names and versions, and a Chinese name (two columns a character) does not push its line out of step."""
    import re

    import helpers

    monkeypatch.setattr(hdoctor, "run_checks", lambda root: [
        hdoctor.check_python(), hdoctor.Check(True, hdoctor.tr("device"), "cpu"),
        hdoctor.check_package("ipywidgets", "ipywidgets", 99)])
    helpers.set_language("zh-CN")
    try:
        hdoctor.doctor(tmp_path)
    finally:
        helpers.set_language("en")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("本系列的环境检查，版本 ") and lines[-1] == "请从上往下修复标着 FIX 的各行，然后再运行一次。"
    assert "太旧了" in lines[3] and re.search(r"[\u4e00-\u9fff]", lines[2])
    column = {hdoctor._width(line[: line.index(detail)]) for line, detail in zip(lines[1:4], ["3.", "cpu", "8."])}
    assert len(column) == 1, lines  # the details start in one column
