import gzip
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

from helpers.course import offline as hdata
from helpers.data import CLASSES, DataError, load_fashion_mnist, make_loaders, split_train_val


def test_real_counts_shapes_and_ranges(fashion):
    assert len(fashion.train) == 60_000 and len(fashion.test) == 10_000
    assert fashion.classes == list(CLASSES) and len(fashion.classes) == 10
    for split in (fashion.train, fashion.test):
        x, y = split[0]
        assert x.shape == (1, 28, 28) and x.dtype == torch.float32
        assert y.dtype == torch.int64
        assert float(split.images.min()) == 0.0 and float(split.images.max()) == 1.0


def test_classes_are_balanced(fashion):
    assert torch.bincount(fashion.train.targets, minlength=10).tolist() == [6000] * 10
    assert torch.bincount(fashion.test.targets, minlength=10).tolist() == [1000] * 10


def test_same_pixels_as_torchvision_to_tensor(fashion, data_root):
    from torchvision import datasets
    from torchvision.transforms import ToTensor

    tv = datasets.FashionMNIST(data_root, train=False, transform=ToTensor())  # no network: files are in raw/
    assert len(tv) == 10_000
    for i in (0, 1234, 9999):
        x, y = tv[i]
        assert torch.equal(x, fashion.test.images[i]) and y == int(fashion.test.targets[i])


def test_ordinary_dataloader_batches_and_shuffles(fashion):
    loader = DataLoader(fashion.train, batch_size=64, shuffle=True)
    X, y = next(iter(loader))
    assert X.shape == (64, 1, 28, 28) and X.dtype == torch.float32
    assert y.shape == (64,) and y.dtype == torch.int64
    assert len(loader) == 938  # 937 full batches and one of 32
    first = lambda seed: next(iter(make_loaders(fashion.train, fashion.test, 64, seed=seed)[0]))[1]  # noqa: E731
    assert torch.equal(first(1), first(1))
    assert not torch.equal(first(1), first(2))


def test_batched_fetch_matches_single_fetch(fashion):
    idx = [5, 59_999, 0, 123]
    batched = fashion.train.__getitems__(idx)
    for i, (x, y) in zip(idx, batched):
        xs, ys = fashion.train[i]
        assert torch.equal(x, xs) and torch.equal(y, ys)


def test_test_loader_is_not_shuffled(fashion):
    _, test_loader = make_loaders(fashion.train, fashion.test, 64)
    _, y = next(iter(test_loader))
    assert torch.equal(y, fashion.test.targets[: len(y)])


@pytest.mark.parametrize("bad", [0, -3, 60_001, 2.5])
def test_make_loaders_refuses_bad_batch_size(fashion, bad):
    with pytest.raises(ValueError, match="batch_size"):
        make_loaders(fashion.train, fashion.test, bad)


def test_split_train_val_is_disjoint_and_complete(fashion):
    train, val = split_train_val(fashion.train, val_size=10_000, seed=0)
    assert len(train) == 50_000 and len(val) == 10_000
    counts = torch.bincount(train.targets, minlength=10) + torch.bincount(val.targets, minlength=10)
    assert counts.tolist() == [6000] * 10


# --- sources, missing and damaged files ------------------------------------------------------

@pytest.fixture
def no_sources(monkeypatch, tmp_path):
    """No env var, no Debian folder, no download: only what a test puts in place."""
    monkeypatch.delenv(hdata.ENV_VAR, raising=False)
    monkeypatch.setattr(hdata, "DEBIAN_DIR", tmp_path / "no-debian-here")

    def offline(root):
        raise RuntimeError("Error downloading train-images-idx3-ubyte.gz: <urlopen error [Errno -3] name resolution>")

    monkeypatch.setattr(hdata, "_download", offline)
    return tmp_path


@pytest.fixture(scope="session")
def gz_folder(tmp_path_factory, fashion, data_root) -> Path:
    """The four files gzipped, as Debian ships them, made from whatever copy of the data this machine has."""
    folder = tmp_path_factory.mktemp("gz")
    for name in hdata.FILES:
        with open(hdata.raw_folder(data_root) / name, "rb") as src, gzip.open(folder / f"{name}.gz", "wb", compresslevel=1) as out:
            shutil.copyfileobj(src, out)
    return folder


def _copy_gz(gz_folder: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "copied"
    shutil.copytree(gz_folder, folder)
    return folder


def test_missing_everywhere_lists_every_way_to_get_it(no_sources):
    with pytest.raises(DataError) as err:
        load_fashion_mnist(no_sources / "root")
    msg = str(err.value)
    assert "no-debian-here does not exist" in msg
    assert "torchvision's download: failed" in msg
    assert "apt-get install dataset-fashion-mnist" in msg
    assert hdata.ENV_VAR in msg and "Connect to the internet" in msg


def test_env_var_folder_of_gz_files_is_used(no_sources, monkeypatch, tmp_path, gz_folder):
    folder = _copy_gz(gz_folder, tmp_path)
    monkeypatch.setenv(hdata.ENV_VAR, str(folder))
    raw, source = hdata.prepare_fashion_mnist(tmp_path / "root")
    assert source.startswith(f"${hdata.ENV_VAR}")
    data = load_fashion_mnist(tmp_path / "root")
    assert len(data.train) == 60_000 and sorted(p.name for p in raw.iterdir()) == sorted(hdata.FILES)


def _write_labels(path: Path, count: int, labels: np.ndarray | None = None, magic: int = 2049) -> None:
    labels = np.zeros(count, np.uint8) if labels is None else labels
    path.write_bytes(magic.to_bytes(4, "big") + count.to_bytes(4, "big") + labels.tobytes())


def _raw_with_real_files(tmp_path: Path, data_root: Path) -> Path:
    raw = hdata.raw_folder(tmp_path / "root")
    raw.mkdir(parents=True)
    for name in hdata.FILES:
        shutil.copy(hdata.raw_folder(data_root) / name, raw / name)
    return raw


def test_truncated_extracted_file_names_the_file_and_the_fix(no_sources, tmp_path, data_root):
    raw = _raw_with_real_files(tmp_path, data_root)
    target = raw / "t10k-images-idx3-ubyte"
    target.write_bytes(target.read_bytes()[:5000])
    with pytest.raises(DataError, match=r"t10k-images-idx3-ubyte is truncated: 5,000 bytes.*Delete"):
        load_fashion_mnist(tmp_path / "root")


def test_wrong_header_is_refused(no_sources, tmp_path, data_root):
    raw = _raw_with_real_files(tmp_path, data_root)
    _write_labels(raw / "t10k-labels-idx1-ubyte", 10_000, magic=2051)
    with pytest.raises(DataError, match="header"):
        load_fashion_mnist(tmp_path / "root")


def test_label_out_of_range_is_refused(no_sources, tmp_path, data_root):
    raw = _raw_with_real_files(tmp_path, data_root)
    labels = np.zeros(10_000, np.uint8)
    labels[17] = 12
    _write_labels(raw / "t10k-labels-idx1-ubyte", 10_000, labels)
    with pytest.raises(DataError, match="label 12"):
        load_fashion_mnist(tmp_path / "root")


@pytest.mark.parametrize("damage", ["garbage", "truncated-gzip", "short-content"])
def test_damaged_source_gz_is_refused_and_leaves_nothing_behind(no_sources, monkeypatch, tmp_path, damage, gz_folder):
    folder = _copy_gz(gz_folder, tmp_path)
    bad = folder / "train-labels-idx1-ubyte.gz"
    if damage == "garbage":
        bad.write_bytes(b"this is not gzip data at all")
    elif damage == "truncated-gzip":
        bad.write_bytes(bad.read_bytes()[:1000])
    else:
        with gzip.open(bad, "wb") as f:
            f.write((2049).to_bytes(4, "big") + (60_000).to_bytes(4, "big") + bytes(100))
    monkeypatch.setenv(hdata.ENV_VAR, str(folder))
    with pytest.raises(DataError, match="train-labels-idx1-ubyte.gz"):
        load_fashion_mnist(tmp_path / "root")
    raw = hdata.raw_folder(tmp_path / "root")
    assert not (raw / "train-labels-idx1-ubyte").exists()
    assert not [p for p in raw.iterdir() if p.name.endswith(".part")]


def test_unwritable_data_folder_gives_a_clear_error(no_sources, monkeypatch, tmp_path, gz_folder):
    monkeypatch.setattr(hdata, "DEBIAN_DIR", gz_folder)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(DataError, match="Cannot create the data folder.*root="):
        load_fashion_mnist(blocker / "root")


def test_a_full_disk_during_extraction_gives_a_clear_error(no_sources, monkeypatch, tmp_path, gz_folder):
    monkeypatch.setattr(hdata, "DEBIAN_DIR", gz_folder)

    def disk_full(src, dst, length=0):
        dst.write(src.read(1000))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(hdata.shutil, "copyfileobj", disk_full)
    with pytest.raises(DataError, match="No space left on device.*Free some disk space"):
        load_fashion_mnist(tmp_path / "root")
    assert not [p for p in hdata.raw_folder(tmp_path / "root").iterdir()]  # no partial file left
