"""The set-up where it goes wrong, for real: the set-up check in a Python without torch and in a kernel
that is not the course's; the training panel with Colab's ipywidgets 7.7; SETUP.md's Colab cell run as written."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager

pytestmark = pytest.mark.slow

from conftest import REPO  # noqa: E402  (one definition, in conftest.py)

CACHE = REPO / "test-output" / "setup-e2e"
COLAB_WIDGETS = ["ipywidgets==7.7.1", "widgetsnbextension==3.6.1", "jupyterlab_widgets==1.1.1", "ipython_genutils==0.2.0"]


@pytest.fixture(scope="module")
def foreign_python() -> Path:
    """A Python with a kernel but nothing of the course's: no torch, no helpers (Anaconda's base, say)."""
    venv = CACHE / "foreign-venv"
    python = venv / "bin" / "python"
    if not (venv / ".ready").exists():
        subprocess.run([sys._base_executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "ipykernel"], check=True, timeout=600)
        (venv / ".ready").touch()
    assert subprocess.run([python, "-c", "import torch"], capture_output=True).returncode != 0
    return python


@pytest.fixture(scope="module")
def colab_widgets() -> Path:
    """Colab's ipywidgets 7.7, in a folder put first on a kernel's PYTHONPATH."""
    target = CACHE / "ipywidgets-7.7"
    if not (target / ".ready").exists():
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--upgrade", "--target",
                        str(target), *COLAB_WIDGETS], check=True, timeout=600)
        (target / ".ready").touch()
    return target


def start_kernel(argv0: str, cwd: Path, env: dict | None = None, tmp: Path | None = None):
    spec_dir = (tmp or CACHE) / "kernels" / "under-test"
    spec_dir.mkdir(parents=True, exist_ok=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [argv0, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "under test", "language": "python", "env": env or {}}))
    km = KernelManager(kernel_name="under-test", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(spec_dir.parent)]))
    km.start_kernel(cwd=str(cwd))
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=120)
    return km, kc


def execute(kc, code: str, timeout: float = 300) -> tuple[str, list[str]]:
    out, errors = [], []

    def hook(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            errors.append(msg["content"]["ename"] + ": " + msg["content"]["evalue"])

    kc.execute_interactive(code, timeout=timeout, output_hook=hook)
    return "".join(out), errors


def doctor_lines(text: str) -> dict[str, str]:
    """'OK'/'FIX' for each check the doctor printed, by its name."""
    found = {}
    for line in text.splitlines():
        m = re.match(r"(OK |FIX)  (\S.*?)\s{2,}", line)
        if m:
            found[m.group(2)] = m.group(1).strip()
    return found


def test_the_doctor_runs_in_a_python_without_torch(foreign_python, tmp_path):
    for args, cwd in ([["-m", "helpers", "doctor"], REPO], [[str(REPO / "helpers" / "course" / "doctor.py")], tmp_path]):
        done = subprocess.run([foreign_python, *args], cwd=cwd, capture_output=True, text=True, timeout=120)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        lines = doctor_lines(done.stdout)
        assert lines["Python"] == "OK" and lines["torch"] == "FIX" and lines["device"] == "FIX", done.stdout
        assert f"this is {foreign_python}" in done.stdout or f"this is {foreign_python.resolve()}" in done.stdout \
            or "helpers is not installed for" in done.stdout
        assert done.stdout.rstrip().endswith("Fix the lines marked FIX, from the top, then run this again.")


def test_01_s_first_cell_reaches_the_doctor_in_a_kernel_that_is_not_the_course_s(foreign_python, tmp_path):
    cells = json.loads((REPO / "notebooks" / "en" / "01_data.ipynb").read_text(encoding="utf-8"))["cells"]
    first = "".join(next(c for c in cells if c["cell_type"] == "code")["source"])
    km, kc = start_kernel(str(foreign_python), REPO / "notebooks" / "en", tmp=tmp_path)
    try:
        out, errors = execute(kc, first)
        assert not errors, errors
        lines = doctor_lines(out)
        assert lines["interpreter"] == "FIX" and lines["torch"] == "FIX", out
        executable, _ = execute(kc, "import sys; print(sys.executable)")
        assert executable.strip() in out  # the kernel's own interpreter, shown
        if (REPO / ".venv").exists():
            assert "Kernel > Change Kernel" in out and str(REPO / ".venv") in out
        # the next cell fails the way the doctor said it would
        _, errors = execute(kc, "import torch")
        assert errors and "torch" in errors[0]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_the_panel_trains_with_colab_s_ipywidgets_7_7(colab_widgets, tmp_path):
    env = {"PYTHONPATH": str(colab_widgets)}
    km, kc = start_kernel(sys.executable, REPO / "notebooks" / "en", env=env, tmp=tmp_path)
    try:
        out, errors = execute(kc, """
import ipywidgets
import helpers
from helpers import load_fashion_mnist, split_train_val
from helpers.panel import TrainingPanel
train, test, classes = load_fashion_mnist(helpers.series_folder() / "data")
part, val = split_train_val(train, val_size=2_000)
panel = TrainingPanel(part, val)
panel.epochs.value = 1
panel.optimizer.value = "SGD"
history = panel.run()
print(ipywidgets.__version__, history.status, len(history), panel.momentum.disabled, len(panel.runs))
print(panel.plot.value[:8] == b"\\x89PNG\\r\\n\\x1a\\n")
""")
        assert not errors, errors
        assert out.split() == ["7.7.1", "finished", "1", "True", "1", "True"], out
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def colab_cell() -> str:
    text = (REPO / "SETUP.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- colab-cell -->\s*```python\n(.*?)```", text, re.S)
    assert found, "SETUP.md has no <!-- colab-cell --> block"
    return found.group(1)


def test_setup_md_s_colab_cell_works_as_written(colab_widgets, tmp_path):
    cell = colab_cell()
    assert cell.startswith("# Colab set-up cell") and "/content" in cell
    # Colab's pieces stood in for: /content is a temporary folder, Drive a folder in it, the repository this one.
    content = tmp_path / "content"
    fake = tmp_path / "fake-colab" / "google" / "colab"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "drive.py").write_text("import os\ndef mount(path):\n    os.makedirs(os.path.join(path, 'MyDrive'), "
                                   "exist_ok=True)\n")
    cell = cell.replace("/content", str(content))
    cell = re.sub(r'REPO_URL = "[^"]*"', f'REPO_URL = "{REPO.as_uri()}"', cell)
    env = {"PYTHONPATH": os.pathsep.join([str(tmp_path / "fake-colab"), str(colab_widgets)]),
           "FASHION_MNIST_DIR": str(REPO / "data" / "FashionMNIST" / "raw")}
    km, kc = start_kernel(sys.executable, tmp_path, env=env, tmp=tmp_path)
    try:
        out, errors = execute(kc, cell)
        assert not errors, errors
        series = content / "drive" / "MyDrive" / "fashion-optim"
        assert (series / "notebooks" / "en" / "01_data.ipynb").exists()
        out, errors = execute(kc, """
import os, helpers
from helpers.course.doctor import doctor
from helpers.panel import TrainingPanel
print(os.getcwd())
print(helpers.__file__)
doctor(helpers.series_folder() / "data")
""")
        assert not errors, errors
        cwd, where, *report = out.splitlines()
        assert Path(cwd) == series / "notebooks" / "en" and Path(where).is_relative_to(series)
        lines = doctor_lines("\n".join(report))
        assert "JupyterLab" not in lines and lines["interpreter"] == "OK" and lines["FashionMNIST"] == "OK", out
        assert "7.7.1 (Colab's)" in out and (series / "data" / "FashionMNIST" / "raw").is_dir()
        # Run again, as in the next notebook: the copy is kept, nothing is cloned twice.
        out, errors = execute(kc, cell)
        assert not errors and "Cloning" not in out
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def _runs(name: str) -> bool:
    """True for an interpreter on PATH that starts (a version manager's shim for an inactive one does not)."""
    return bool(shutil.which(name)) and subprocess.run([name, "-c", "pass"], capture_output=True).returncode == 0


OLD_PYTHONS = [name for name in ("python3.9", "python3.8", "python3.7") if _runs(name)]


@pytest.mark.parametrize("old", OLD_PYTHONS or [pytest.param("python3.9", marks=pytest.mark.skip(
    reason="no Python older than 3.10 on PATH here"))])
def test_the_doctor_tells_an_old_python_what_to_install(old, tmp_path):
    done = subprocess.run([old, str(REPO / "helpers" / "course" / "doctor.py")], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    text = done.stdout + done.stderr
    assert re.search(r"FIX  Python\s+3\.[789]\.\d+ is too old: the series needs 3.10 or newer", text), text
    assert "3.11" in text
