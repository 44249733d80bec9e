"""CIFAR-10 held in memory: found in a folder first, downloaded through torchvision otherwise, checked before use.

The batches are the python-pickle files of the CIFAR-10 site (``cifar-10-batches-py``), the same files
``torchvision.datasets.CIFAR10`` downloads. They are read here, not through torchvision's class, so that
a damaged or unexpected file gets a message that names it.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch

from .course.i18n import tr
from .course.offline import DataError
from .data import InMemoryDataset

CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
ENV_VAR = "CIFAR10_DIR"
FOLDER = "cifar-10-batches-py"
TRAIN_FILES = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST_FILE = "test_batch"
META_FILE = "batches.meta"
SIDE = 32


class ByteImages(InMemoryDataset):
    """Images kept as bytes (a quarter of the memory of floats) and handed out as floats from 0 to 1."""

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.images[index].float() / 255, self.targets[index]

    def __getitems__(self, indices: list[int]) -> list[tuple[torch.Tensor, torch.Tensor]]:
        index = torch.as_tensor(indices)
        return list(zip((self.images[index].float() / 255).unbind(0), self.targets[index].unbind(0)))


class CIFAR10(NamedTuple):
    """The training set, the test set and the ten class names."""

    train: ByteImages
    test: ByteImages
    classes: list[str]


def how_to_get_cifar10(root: str | os.PathLike = "data") -> str:
    """Return every way to get CIFAR-10, as numbered lines."""
    folder = Path(root) / FOLDER
    return tr(
        "Ways to get CIFAR-10:\n"
        "  1. Connect to the internet and run again: torchvision downloads about 170 MB and unpacks it into {folder}/.\n"
        "  2. Download cifar-10-python.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html on any machine,\n"
        "     and unpack it into {root}/ (tar xzf cifar-10-python.tar.gz -C {root}), which makes {folder}/.\n"
        "  3. If a folder {name}/ is somewhere already (a shared drive, a USB stick), set the environment\n"
        "     variable {env} to it (or to the folder that holds it) before starting Jupyter.",
        folder=folder, root=Path(root), name=FOLDER, env=ENV_VAR)


def _has_all(folder: Path) -> bool:
    return all((folder / name).is_file() for name in (*TRAIN_FILES, TEST_FILE, META_FILE))


def find_cifar10(root: str | os.PathLike = "data") -> Path | None:
    """Return the folder holding the CIFAR-10 batches: ``$CIFAR10_DIR`` (or its ``cifar-10-batches-py``), then
    ``root/cifar-10-batches-py``; ``None`` when neither has them all."""
    places = []
    if os.environ.get(ENV_VAR):
        named = Path(os.environ[ENV_VAR]).expanduser()
        places += [named, named / FOLDER]
    places.append(Path(root) / FOLDER)
    return next((p for p in places if _has_all(p)), None)


def _read_pickle(path: Path, root: str | os.PathLike = "data") -> dict:
    try:
        with open(path, "rb") as f:
            raw = pickle.load(f, encoding="latin1")
    except Exception as exc:  # truncated, not a pickle, unreadable: all mean "get the file again"
        raise DataError(tr("{path} could not be read as a CIFAR-10 batch ({why}). Delete {folder} and get the data "
                           "again.", path=path, why=f"{type(exc).__name__}: {exc}", folder=path.parent)
                        + "\n" + how_to_get_cifar10(root)) from None
    if not isinstance(raw, dict):
        raise DataError(tr("{path} holds a {kind}, not a CIFAR-10 batch (a dict). Delete {folder} and get the data "
                           "again.", path=path, kind=type(raw).__name__, folder=path.parent))
    return {k.decode() if isinstance(k, bytes) else k: v for k, v in raw.items()}


def _read_batches(folder: Path, names, root: str | os.PathLike = "data") -> ByteImages:
    images, labels = [], []
    for name in names:
        batch = _read_pickle(folder / name, root)
        data = np.asarray(batch.get("data"))
        found = list(batch.get("labels", []))
        if data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != 3 * SIDE * SIDE or len(found) != len(data):
            raise DataError(tr("{path} is not a CIFAR-10 batch: expected 'data' of bytes, shape [N, 3072], and N "
                               "'labels'; found {dtype} {shape} and {n} labels. Delete {folder} and get the data "
                               "again.", path=folder / name, dtype=data.dtype, shape=list(data.shape), n=len(found),
                               folder=folder))
        images.append(torch.from_numpy(data.reshape(-1, 3, SIDE, SIDE).copy()))  # 1024 red, then green, then blue
        labels.append(torch.as_tensor(found, dtype=torch.long))
    targets = torch.cat(labels)
    if len(targets) and not 0 <= int(targets.min()) <= int(targets.max()) < len(CLASSES):
        raise DataError(tr("{folder} has labels outside 0-9: it is not CIFAR-10. Delete it and get the data again.",
                           folder=folder))
    return ByteImages(torch.cat(images), targets, CLASSES)


def load_cifar10(root: str | os.PathLike = "data", download: bool = True) -> CIFAR10:
    """Return CIFAR-10's 50,000 training and 10,000 test images, [3, 32, 32] each, from the first place that has them.

    Looks in ``$CIFAR10_DIR``, then ``root/cifar-10-batches-py``; with ``download``, then asks
    ``torchvision.datasets.CIFAR10`` to download into ``root``. Raises ``DataError`` listing the ways to get
    the data when none works.
    """
    folder = find_cifar10(root)
    if folder is None and download:
        try:
            from torchvision.datasets import CIFAR10 as TorchvisionCIFAR10

            TorchvisionCIFAR10(str(root), train=True, download=True)
        except Exception as exc:  # no network, a proxy, a full disk: say so, then every other way
            raise DataError(tr("CIFAR-10 is not in {folder}/ and the download failed ({why}).",
                               folder=Path(root) / FOLDER, why=f"{type(exc).__name__}: {exc}")
                            + "\n" + how_to_get_cifar10(root)) from None
        folder = find_cifar10(root)
    if folder is None:
        raise DataError(tr("CIFAR-10 is not in {folder}/{extra}.", folder=Path(root) / FOLDER,
                           extra=tr(" nor in {env}={value}", env=ENV_VAR, value=os.environ[ENV_VAR])
                           if os.environ.get(ENV_VAR) else "")
                        + "\n" + how_to_get_cifar10(root))
    meta = _read_pickle(folder / META_FILE, root)
    names = [n.decode() if isinstance(n, bytes) else str(n) for n in meta.get("label_names", CLASSES)]
    if len(names) != len(CLASSES):
        raise DataError(tr("{path} names {n} classes, CIFAR-10 has 10. Get the data again.", path=folder / META_FILE,
                           n=len(names)))
    return CIFAR10(_read_batches(folder, TRAIN_FILES, root), _read_batches(folder, [TEST_FILE], root), names)
