"""FashionMNIST held in memory: torchvision reads the files, a DataLoader serves them in batches."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

import torch
from torch.utils.data import DataLoader, Dataset
from torchvision import datasets

from .course.i18n import N_, tr
from .course.offline import DataError, prepare_fashion_mnist  # noqa: F401  (finds the files offline first)
from .guards import require_batch_size

# The names torchvision gives the ten classes; N_ lists them for translation (plots show them in the learner's language).
CLASSES = (N_("T-shirt/top"), N_("Trouser"), N_("Pullover"), N_("Dress"), N_("Coat"), N_("Sandal"), N_("Shirt"),
           N_("Sneaker"), N_("Bag"), N_("Ankle boot"))


class InMemoryDataset(Dataset):
    """Images and labels held as tensors; works with an ordinary ``DataLoader``."""

    def __init__(self, images: torch.Tensor, targets: torch.Tensor, classes=CLASSES):
        if len(images) != len(targets):
            raise ValueError(tr("{n_images} images but {n_labels} labels: they must match one to one",
                                n_images=len(images), n_labels=len(targets)))
        self.images = images
        self.targets = targets
        self.classes = list(classes)

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.images[index], self.targets[index]

    def __getitems__(self, indices: list[int]) -> list[tuple[torch.Tensor, torch.Tensor]]:
        # DataLoader asks for a whole batch at once: one gather instead of 64 lookups.
        index = torch.as_tensor(indices)
        return list(zip(self.images[index].unbind(0), self.targets[index].unbind(0)))

    def __repr__(self) -> str:
        shape = list(self.images.shape[1:])
        return tr("InMemoryDataset({n} images of shape {shape}, {classes} classes)", n=len(self), shape=shape,
                  classes=len(self.classes))


class FashionMNIST(NamedTuple):
    """The training set, the test set and the ten class names."""

    train: InMemoryDataset
    test: InMemoryDataset
    classes: list[str]


def series_folder(start: str | os.PathLike | None = None) -> Path:
    """Return the series' folder: the first one from ``start`` (the current folder) upwards with helpers/ or data/.

    A notebook runs in its edition's folder (notebooks/en or notebooks/zh-CN), so it finds the data wherever
    the series sits; 01's first cell does the same search by hand. Found nowhere, it is ``start`` itself.
    """
    here = Path(start if start is not None else Path.cwd()).resolve()
    found = (f for f in (here, *here.parents) if (f / "helpers").is_dir() or (f / "data").is_dir())
    return next(found, here)


def _in_memory(images: datasets.FashionMNIST) -> InMemoryDataset:
    # torchvision keeps the images as bytes, 28x28 each; as ToTensor does: one channel, floats from 0 to 1.
    return InMemoryDataset(images.data.unsqueeze(1).float().div_(255), images.targets, images.classes)


def load_fashion_mnist(root: str | os.PathLike = "data", download: bool = True) -> FashionMNIST:
    """Return FashionMNIST's training set (60,000), test set (10,000) and class names, held in memory."""
    raw, _ = prepare_fashion_mnist(root, download=download)  # the four files in root/FashionMNIST/raw/, checked
    root = raw.parent.parent
    train = datasets.FashionMNIST(root, train=True)
    test = datasets.FashionMNIST(root, train=False)
    return FashionMNIST(_in_memory(train), _in_memory(test), list(train.classes))


def make_loaders(
    train: Dataset, held_out: Dataset, batch_size: int = 64, seed: int | None = None
) -> tuple[DataLoader, DataLoader]:
    """Return a shuffled training loader and an unshuffled one for ``held_out`` (a validation or test set).

    With ``seed``, the shuffled order comes from the loader's own generator seeded with it, as the
    notebooks write it: ``DataLoader(..., shuffle=True, generator=torch.Generator().manual_seed(seed))``.
    """
    require_batch_size(batch_size, len(train))
    generator = torch.Generator().manual_seed(seed) if seed is not None else None
    return (
        DataLoader(train, batch_size=batch_size, shuffle=True, generator=generator),
        DataLoader(held_out, batch_size=max(batch_size, 1000)),
    )


def split_train_val(
    train: InMemoryDataset, val_size: int = 10_000, seed: int = 0
) -> tuple[InMemoryDataset, InMemoryDataset]:
    """Return a training part and a validation part of ``train``, drawn at random with ``seed``."""
    if not 0 < val_size < len(train):
        raise ValueError(tr("val_size must be between 1 and {most}, got {val_size}.", most=len(train) - 1,
                            val_size=val_size))
    order = torch.randperm(len(train), generator=torch.Generator().manual_seed(seed))
    keep, held = order[val_size:], order[:val_size]
    kind = type(train)  # keeps a subclass, e.g. CIFAR-10's images stored as bytes
    return (
        kind(train.images[keep], train.targets[keep], train.classes),
        kind(train.images[held], train.targets[held], train.classes),
    )

