"""Shared by every test: the repository's folder, the datasets, and closing figures after each test.

Two datasets. ``fashion_like`` is made here in a moment, in FashionMNIST's shape (one channel of 28x28
floats from 0 to 1, ten classes, each class a random pattern of its own under noise, so that a model learns it);
the fast tier (``make test-fast``) uses only it, and needs no download, no apt and no network.
``fashion`` is the real FashionMNIST; a test that uses it is marked ``data`` and runs in ``make test``.
"""

from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[1]
DATA_ROOT = REPO / "data"


def pytest_collection_modifyitems(items):
    for item in items:  # whatever reads the real dataset leaves the fast tier
        if {"fashion", "data_root"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.data)


@pytest.fixture(scope="session")
def data_root() -> Path:
    return DATA_ROOT


@pytest.fixture(scope="session")
def fashion():
    from helpers import load_fashion_mnist

    return load_fashion_mnist(DATA_ROOT)


def fashion_shaped(n_train: int = 10_000, n_test: int = 2_000, seed: int = 0):
    """A stand-in in FashionMNIST's shape: ten classes, each a random pattern of its own, drawn under noise."""
    import torch

    from helpers.data import CLASSES, FashionMNIST, InMemoryDataset

    g = torch.Generator().manual_seed(seed)
    patterns = (torch.rand(10, 1, 28, 28, generator=g) > 0.5).float()

    def draw(n):
        drawn = torch.randint(0, 10, (n,), generator=g)
        images = (0.7 * patterns[drawn] + 0.3 * torch.rand(n, 1, 28, 28, generator=g)).clamp_(0, 1)
        # one label in five says another class, as a real dataset's ambiguous images do: the loss keeps a floor
        relabel = torch.rand(n, generator=g) < 0.2
        labels = torch.where(relabel, torch.randint(0, 10, (n,), generator=g), drawn)
        return InMemoryDataset(images, labels, CLASSES)

    return FashionMNIST(draw(n_train), draw(n_test), list(CLASSES))


@pytest.fixture(scope="session")
def fashion_like():
    return fashion_shaped()


def first(dataset, n: int, start: int = 0):
    """The images ``start`` to ``start + n`` of an in-memory dataset, as a dataset of the same kind."""
    return type(dataset)(dataset.images[start:start + n], dataset.targets[start:start + n], dataset.classes)


@pytest.fixture(autouse=True)
def _close_figures():
    import matplotlib.pyplot as plt

    yield
    plt.close("all")
