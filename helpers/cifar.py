"""CIFAR-10 held in memory: torchvision reads the python batches, the images stay bytes until a batch is served."""

from __future__ import annotations

import os
from typing import NamedTuple

import torch
from torchvision import datasets

from .course.i18n import N_, tr
from .course.offline import DataError, prepare_cifar10
from .data import InMemoryDataset

CLASSES = (N_("airplane"), N_("automobile"), N_("bird"), N_("cat"), N_("deer"), N_("dog"), N_("frog"), N_("horse"),
           N_("ship"), N_("truck"))  # N_: plots show them in the learner's language


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


def _in_memory(images: datasets.CIFAR10) -> ByteImages:
    # torchvision keeps the photographs as bytes in [N, 32, 32, 3]; PyTorch's layers want channels first.
    return ByteImages(torch.from_numpy(images.data).permute(0, 3, 1, 2).contiguous(),
                      torch.as_tensor(images.targets), images.classes)


def load_cifar10(root: str | os.PathLike = "data", download: bool = True) -> CIFAR10:
    """Return CIFAR-10's 50,000 training and 10,000 test images, [3, 32, 32] each, from the first place that has them.

    Looks in ``$CIFAR10_DIR``, then ``root/cifar-10-batches-py``; with ``download``, torchvision downloads
    into ``root``. Raises ``DataError`` listing the ways to get the data when none works.
    """
    root = prepare_cifar10(root, download=download)  # the batches found, opened and checked
    try:
        train = datasets.CIFAR10(root, train=True)
        test = datasets.CIFAR10(root, train=False)
    except RuntimeError as exc:  # a file whose checksum differs from the published one
        raise DataError(tr("torchvision refused the CIFAR-10 files in {folder} ({why}). Delete that folder and get "
                           "the data again.", folder=root / "cifar-10-batches-py", why=exc)) from None
    return CIFAR10(_in_memory(train), _in_memory(test), list(train.classes))
