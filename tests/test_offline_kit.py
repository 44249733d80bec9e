"""The offline kit: its data part is built here, and the helpers package installs from it into a fresh
virtual environment with the network shut off (the kit's third-party wheels, gigabytes, are left out: the
fresh environment borrows those packages, read-only, from this one, and pip must find helpers in the kit)."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

import helpers

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

import offline_kit  # noqa: E402

NO_NETWORK = {"PIP_NO_INDEX": "1", "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
              "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "PIP_RETRIES": "0"}


def _fresh_venv(where: Path) -> Path:
    """A new venv that sees this environment's packages except helpers itself (so pip must install it)."""
    venv.EnvBuilder(with_pip=True).create(where)
    python = where / "bin" / "python"
    # ensurepip's setuptools is older than torch asks for; this environment's newer one is borrowed instead
    subprocess.run([python, "-m", "pip", "uninstall", "--quiet", "--yes", "setuptools"], check=True)
    borrowed = where / "borrowed"
    borrowed.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not entry.name.startswith(("helpers", "__editable__")) and entry.suffix != ".pth":
            (borrowed / entry.name).symlink_to(entry)
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "borrowed.pth").write_text(str(borrowed) + "\n")
    return python


def test_the_kit_installs_helpers_and_serves_the_data_without_network(tmp_path):
    kit = tmp_path / "kit"
    assert offline_kit.main([str(kit), "--no-wheels"]) == 0
    names = sorted(p.name for p in (kit / "data" / "FashionMNIST" / "raw").iterdir())
    assert names == sorted(offline_kit.FILES)
    assert [p.name for p in (kit / "wheels").iterdir()] == [f"helpers-{helpers.__version__}-py3-none-any.whl"]
    assert (kit / "notebooks" / "01_data.ipynb").exists() and (kit / "notebooks" / "01_data.zh-CN.ipynb").exists()
    assert "**Notes.**" not in (kit / "notebooks" / "05_full_loop.ipynb").read_text()  # the learners' copy
    requirements = (kit / "requirements.txt").read_text().splitlines()
    assert requirements[-1] == "helpers" and any(r.startswith("torch>=") for r in requirements)
    assert "pytest" not in " ".join(requirements)  # the tests' tools stay out of a learner's install
    assert offline_kit.INSTALL_LINE in (kit / "INSTALL.md").read_text()

    python = _fresh_venv(tmp_path / "fresh")
    env = {**os.environ, **NO_NETWORK}
    env.pop("FASHION_MNIST_DIR", None)
    install = subprocess.run([str(python), *offline_kit.INSTALL_LINE.split()[1:]], cwd=kit, env=env,
                             capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stdout + install.stderr
    assert "Successfully installed helpers" in install.stdout

    notebooks = kit / "notebooks"  # where a learner opens them: the data is found at ../data
    check = subprocess.run([str(python), "-c", (
        "import helpers, pathlib; from helpers.data import prepare_fashion_mnist, DEBIAN_DIR\n"
        "import helpers.data as d; d.DEBIAN_DIR = pathlib.Path('/nonexistent')  # the kit's own files, not Debian's\n"
        "print(pathlib.Path(helpers.__file__).parent.parent.name)\n"
        "train, test, classes = helpers.load_fashion_mnist('../data', download=False)\n"
        "print(len(train), len(test), classes[9])")], cwd=notebooks, env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    site, sizes = check.stdout.split("\n", 1)
    assert site == "site-packages"  # the installed copy, not this repository's
    assert sizes.split() == ["60000", "10000", "Ankle", "boot"]


def test_a_missing_install_is_refused_offline(tmp_path):
    python = _fresh_venv(tmp_path / "fresh")
    empty = tmp_path / "wheels"
    empty.mkdir()
    run = subprocess.run([str(python), "-m", "pip", "install", "--no-index", "--find-links", str(empty), "helpers"],
                         env={**os.environ, **NO_NETWORK}, capture_output=True, text=True, timeout=300)
    assert run.returncode != 0 and "No matching distribution found for helpers" in run.stderr
