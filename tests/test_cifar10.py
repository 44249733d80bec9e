"""CIFAR-10: read from the real python-pickle layout, found by folder or environment variable, a clear message
when it is missing, and notebook 14 run end to end against a small stand-in written in that layout."""

import pickle
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch
from conftest import REPO  # noqa: E402  (one definition, in conftest.py)
from nbclient import NotebookClient

from helpers import DataError, cifar
from helpers.data import split_train_val

PER_BATCH, TEST_SIZE = 60, 50


def write_fake_cifar10(parent: Path, bytes_keys: bool = False, seed: int = 0) -> Path:
    """Write a stand-in for cifar-10-batches-py: random pixels, the real files' names, keys and shapes."""
    rng = np.random.default_rng(seed)
    folder = parent / cifar.FOLDER
    folder.mkdir(parents=True)
    key = (lambda k: k.encode()) if bytes_keys else (lambda k: k)

    def dump(name, content):
        with open(folder / name, "wb") as f:
            pickle.dump({key(k): v for k, v in content.items()}, f, protocol=2)

    for i, name in enumerate((*cifar.TRAIN_FILES, cifar.TEST_FILE)):
        n = TEST_SIZE if name == cifar.TEST_FILE else PER_BATCH
        dump(name, {"batch_label": f"batch {i}", "labels": rng.integers(0, 10, n).tolist(),
                    "data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
                    "filenames": [f"img_{i}_{j}.png" for j in range(n)]})
    dump(cifar.META_FILE, {"label_names": list(cifar.CLASSES), "num_cases_per_batch": PER_BATCH, "num_vis": 3072})
    return folder


@pytest.mark.parametrize("bytes_keys", [False, True], ids=["str-keys", "bytes-keys"])
def test_reads_the_batches_from_the_environment_variable(tmp_path, monkeypatch, bytes_keys):
    folder = write_fake_cifar10(tmp_path / "shared", bytes_keys=bytes_keys)
    monkeypatch.setenv(cifar.ENV_VAR, str(folder.parent))  # the folder that holds cifar-10-batches-py
    data = cifar.load_cifar10(tmp_path / "elsewhere", download=False)
    assert (len(data.train), len(data.test)) == (5 * PER_BATCH, TEST_SIZE)
    assert data.classes == list(cifar.CLASSES)
    X, y = data.train[0]
    assert X.shape == (3, 32, 32) and X.dtype == torch.float32 and 0 <= X.min() and X.max() <= 1
    with open(folder / "data_batch_1", "rb") as f:
        first = pickle.load(f, encoding="latin1")
    first = {k.decode() if isinstance(k, bytes) else k: v for k, v in first.items()}
    row = torch.from_numpy(first["data"][0].astype(np.float32)) / 255
    assert torch.equal(X[0].flatten(), row[:1024]) and torch.equal(X[2].flatten(), row[2048:])  # red first, blue last
    assert int(y) == first["labels"][0]


def test_a_split_keeps_the_byte_images(tmp_path):
    write_fake_cifar10(tmp_path)
    data = cifar.load_cifar10(tmp_path, download=False)
    part, held = split_train_val(data.train, val_size=30)
    assert isinstance(part, cifar.ByteImages) and part[0][0].dtype == torch.float32 and len(held) == 30


def test_offline_without_the_data_lists_every_way_to_get_it(tmp_path, monkeypatch):
    monkeypatch.delenv(cifar.ENV_VAR, raising=False)

    class NoNetwork:
        def __init__(self, *args, **kwargs):
            raise OSError("[Errno -3] Temporary failure in name resolution")

    import torchvision.datasets

    monkeypatch.setattr(torchvision.datasets, "CIFAR10", NoNetwork)
    with pytest.raises(DataError) as caught:
        cifar.load_cifar10(tmp_path)
    said = str(caught.value)
    assert "download failed" in said and "name resolution" in said
    for way in ("internet", "https://www.cs.toronto.edu/~kriz/cifar.html", cifar.ENV_VAR, cifar.FOLDER):
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
    with open(folder / cifar.TEST_FILE, "wb") as f:
        pickle.dump({"data": np.zeros((5, 784), dtype=np.uint8), "labels": [0] * 5}, f)
    with pytest.raises(DataError, match=r"test_batch.*\[N, 3072\]"):
        cifar.load_cifar10(tmp_path, download=False)


@pytest.mark.slow
def test_notebook_14_runs_end_to_end_on_a_stand_in(tmp_path, monkeypatch):
    monkeypatch.setenv(cifar.ENV_VAR, str(write_fake_cifar10(tmp_path)))
    path = REPO / "notebooks" / "14_cifar10.ipynb"
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
