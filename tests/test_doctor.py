import http.server
import json
import subprocess
import sys
import threading

import pytest

from helpers import data as hdata
from helpers import doctor as hdoctor


def test_every_check_passes_in_the_set_up_environment(data_root):
    checks = hdoctor.run_checks(data_root)
    assert [c.what for c in checks] == ["Python", "torch", "torchvision", "ipywidgets", "JupyterLab",
                                        "widgets in JupyterLab", "device", "FashionMNIST"]
    assert all(c.ok for c in checks), [c for c in checks if not c.ok]


@pytest.mark.slow
def test_the_command_prints_ok_lines_and_exits_0(data_root):
    done = subprocess.run([sys.executable, "-m", "helpers", "doctor", "--root", str(data_root)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[-1] == "All set." and all(line.startswith("OK ") for line in lines[:-1])


def test_a_missing_package_names_the_install_command(monkeypatch):
    def version(name):
        raise hdoctor.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(hdoctor.metadata, "version", version)
    check = hdoctor.check_package("ipywidgets", "ipywidgets", 8)
    assert not check.ok and "pip install -r requirements.txt" in check.detail


def test_an_old_package_names_the_upgrade(monkeypatch):
    monkeypatch.setattr(hdoctor.metadata, "version", lambda name: "7.8.1")
    check = hdoctor.check_package("ipywidgets", "ipywidgets", 8)
    assert not check.ok and "7.8.1 is too old" in check.detail and "pip install 'ipywidgets>=8'" in check.detail


def test_missing_data_lists_the_ways_to_get_it(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv(hdata.ENV_VAR, raising=False)
    monkeypatch.setattr(hdata, "DEBIAN_DIR", tmp_path / "no-debian-here")
    monkeypatch.setattr(hdata, "_download", lambda root: (_ for _ in ()).throw(OSError("offline")))
    check = hdoctor.check_data(tmp_path / "root")
    assert not check.ok and "apt-get install dataset-fashion-mnist" in check.detail
    monkeypatch.setattr(hdoctor, "run_checks", lambda root: [check])
    assert hdoctor.doctor(tmp_path / "root") is False
    out = capsys.readouterr().out
    assert out.startswith("FIX  FashionMNIST  FashionMNIST was not found") and "Fix the lines marked FIX" in out


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
