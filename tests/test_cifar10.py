"""CIFAR-10: read by torchvision from the real python-pickle layout, found by folder or environment variable, a
clear message when it is missing or damaged, and notebook 14 run end to end against a small stand-in written in
that layout.

The stand-in's pixels are random, so its files' checksums are not the published ones and torchvision refuses
them (a test below shows that it does). The ``standin`` fixture lets torchvision accept a file by its presence,
in this process and, through an IPython start-up file, in a notebook's kernel.
"""

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch
from conftest import REPO  # noqa: E402  (one definition, in conftest.py)
from nbclient import NotebookClient

from helpers import DataError, cifar
from helpers.course import offline
from helpers.data import split_train_val

PER_BATCH, TEST_SIZE = 60, 50


def write_fake_cifar10(parent: Path, seed: int = 0) -> Path:
    """Write a stand-in for cifar-10-batches-py: random pixels, the real files' names, keys and shapes."""
    rng = np.random.default_rng(seed)
    folder = parent / offline.CIFAR_FOLDER
    folder.mkdir(parents=True)

    def dump(name, content):
        with open(folder / name, "wb") as f:
            pickle.dump(content, f, protocol=2)

    for i, name in enumerate((*offline.CIFAR_TRAIN_FILES, offline.CIFAR_TEST_FILE)):
        n = TEST_SIZE if name == offline.CIFAR_TEST_FILE else PER_BATCH
        dump(name, {"batch_label": f"batch {i}", "labels": rng.integers(0, 10, n).tolist(),
                    "data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
                    "filenames": [f"img_{i}_{j}.png" for j in range(n)]})
    dump(offline.CIFAR_META_FILE, {"label_names": list(cifar.CLASSES), "num_cases_per_batch": PER_BATCH, "num_vis": 3072})
    return folder


ACCEPT_BY_PRESENCE = """
import os
import torchvision.datasets.cifar as _cifar
_cifar.check_integrity = lambda fpath, md5=None: os.path.isfile(fpath)  # the stand-in's checksums are its own
"""


@pytest.fixture
def standin(tmp_path, monkeypatch):
    """Let torchvision take the stand-in's files by their presence, here and in any kernel started from here."""
    import torchvision.datasets.cifar

    monkeypatch.setattr(torchvision.datasets.cifar, "check_integrity", lambda fpath, md5=None: os.path.isfile(fpath))
    startup = tmp_path / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-cifar-standin.py").write_text(ACCEPT_BY_PRESENCE)
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))


def test_torchvision_refuses_files_whose_checksum_differs(tmp_path, monkeypatch):
    monkeypatch.delenv(offline.CIFAR_ENV_VAR, raising=False)
    write_fake_cifar10(tmp_path)
    with pytest.raises(DataError, match=r"torchvision refused .*cifar-10-batches-py.*get the data again"):
        cifar.load_cifar10(tmp_path, download=False)


def test_reads_the_batches_from_the_environment_variable(tmp_path, monkeypatch, standin):
    folder = write_fake_cifar10(tmp_path / "shared")
    monkeypatch.setenv(offline.CIFAR_ENV_VAR, str(folder.parent))  # the folder that holds cifar-10-batches-py
    data = cifar.load_cifar10(tmp_path / "elsewhere", download=False)
    assert (len(data.train), len(data.test)) == (5 * PER_BATCH, TEST_SIZE)
    assert data.classes == list(cifar.CLASSES)
    X, y = data.train[0]
    assert X.shape == (3, 32, 32) and X.dtype == torch.float32 and 0 <= X.min() and X.max() <= 1
    with open(folder / "data_batch_1", "rb") as f:
        first = pickle.load(f, encoding="latin1")
    row = torch.from_numpy(first["data"][0].astype(np.float32)) / 255
    assert torch.equal(X[0].flatten(), row[:1024]) and torch.equal(X[2].flatten(), row[2048:])  # red first, blue last
    assert int(y) == first["labels"][0]


def test_a_folder_named_otherwise_is_copied_where_torchvision_reads(tmp_path, monkeypatch, standin):
    folder = write_fake_cifar10(tmp_path / "usb")
    renamed = folder.rename(tmp_path / "usb" / "cifar10 from a friend")
    monkeypatch.setenv(offline.CIFAR_ENV_VAR, str(renamed))
    data = cifar.load_cifar10(tmp_path / "data", download=False)
    assert len(data.train) == 5 * PER_BATCH
    assert (tmp_path / "data" / offline.CIFAR_FOLDER / "test_batch").read_bytes() == (renamed / "test_batch").read_bytes()
    assert not list((tmp_path / "data" / offline.CIFAR_FOLDER).glob(".*.part"))


def test_a_split_keeps_the_byte_images(tmp_path, standin):
    write_fake_cifar10(tmp_path)
    data = cifar.load_cifar10(tmp_path, download=False)
    part, held = split_train_val(data.train, val_size=30)
    assert isinstance(part, cifar.ByteImages) and part[0][0].dtype == torch.float32 and len(held) == 30


def test_offline_without_the_data_lists_every_way_to_get_it(tmp_path, monkeypatch):
    monkeypatch.delenv(offline.CIFAR_ENV_VAR, raising=False)

    class NoNetwork:
        def __init__(self, *args, **kwargs):
            raise OSError("[Errno -3] Temporary failure in name resolution")

    import torchvision.datasets

    monkeypatch.setattr(torchvision.datasets, "CIFAR10", NoNetwork)
    with pytest.raises(DataError) as caught:
        cifar.load_cifar10(tmp_path)
    said = str(caught.value)
    assert "download failed" in said and "name resolution" in said
    for way in ("internet", "https://www.cs.toronto.edu/~kriz/cifar.html", offline.CIFAR_ENV_VAR, offline.CIFAR_FOLDER):
        assert way in said
    with pytest.raises(DataError, match="Ways to get CIFAR-10"):
        cifar.load_cifar10(tmp_path, download=False)


def test_a_damaged_batch_is_named(tmp_path):
    folder = write_fake_cifar10(tmp_path)
    (folder / "data_batch_3").write_bytes(b"not a pickle")
    with pytest.raises(DataError, match="data_batch_3"):
        cifar.load_cifar10(tmp_path, download=False)


def test_a_batch_of_the_wrong_shape_is_named(tmp_path):
    folder = write_fake_cifar10(tmp_path)
    with open(folder / offline.CIFAR_TEST_FILE, "wb") as f:
        pickle.dump({"data": np.zeros((5, 784), dtype=np.uint8), "labels": [0] * 5}, f)
    with pytest.raises(DataError, match=r"test_batch.*\[N, 3072\]"):
        cifar.load_cifar10(tmp_path, download=False)


@pytest.mark.slow
def test_notebook_14_runs_end_to_end_on_a_stand_in(tmp_path, monkeypatch, standin):
    monkeypatch.setenv(offline.CIFAR_ENV_VAR, str(write_fake_cifar10(tmp_path)))
    path = REPO / "notebooks" / "en" / "14_cifar10.ipynb"
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    text = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs
                     if o.output_type == "stream")
    assert "device: " in text
    assert "one image: (3, 32, 32) torch.float32" in text
    assert f"{5 * PER_BATCH:,} training and {TEST_SIZE:,} test images" in text
    assert text.count(" s\n") >= 5 and "s per epoch on" in text  # fit's line per epoch ends with its time
    assert "test accuracy" in text and "Not attempted yet" in text
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 2  # the photographs and the curves


@pytest.mark.slow
def test_notebook_14_passes_nbval_with_the_data_where_the_real_data_goes(tmp_path, monkeypatch, standin):
    """On a machine that has CIFAR-10 nbval runs 14 too: its checked cells must pass there. The stand-in goes
    where a learner's download puts the real data (data/ in the series' folder), with no CIFAR10_DIR."""
    monkeypatch.delenv(offline.CIFAR_ENV_VAR, raising=False)
    (tmp_path / "notebooks" / "en").mkdir(parents=True)
    shutil.copy(REPO / "notebooks" / "en" / "14_cifar10.ipynb", tmp_path / "notebooks" / "en")
    write_fake_cifar10(tmp_path / "data")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
                           "--nbval-current-env", "notebooks/en/14_cifar10.ipynb"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "failed" not in done.stdout

