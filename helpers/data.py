"""FashionMNIST held in memory, found offline first, checked before it is used."""

from __future__ import annotations

import gzip
import os
import shutil
import tempfile
import zlib
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from .i18n import tr

CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

ENV_VAR = "FASHION_MNIST_DIR"
DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")

# file name -> (IDX magic number, number of items); images are 28x28 bytes each.
FILES = {
    "train-images-idx3-ubyte": (2051, 60_000),
    "train-labels-idx1-ubyte": (2049, 60_000),
    "t10k-images-idx3-ubyte": (2051, 10_000),
    "t10k-labels-idx1-ubyte": (2049, 10_000),
}
IMAGE_SIDE = 28


class DataError(RuntimeError):
    """The dataset could not be found, read or written; the message says how to fix it."""


class InMemoryDataset(Dataset):
    """Images and labels held as tensors; works with an ordinary ``DataLoader``."""

    def __init__(self, images: torch.Tensor, targets: torch.Tensor, classes=CLASSES):
        if len(images) != len(targets):
            raise ValueError(f"{len(images)} images but {len(targets)} labels: they must match one to one")
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
        return f"InMemoryDataset({len(self)} images of shape {shape}, {len(self.classes)} classes)"


class FashionMNIST(NamedTuple):
    """The training set, the test set and the ten class names."""

    train: InMemoryDataset
    test: InMemoryDataset
    classes: list[str]


def raw_folder(root: str | os.PathLike = "data") -> Path:
    """Return the folder where torchvision expects the extracted files: ``root/FashionMNIST/raw``."""
    return Path(root) / "FashionMNIST" / "raw"


def how_to_get_the_data(root: str | os.PathLike = "data") -> str:
    """Return every way to get the four files, as numbered lines."""
    raw = raw_folder(root)
    names = ", ".join(FILES)
    return tr(
        "Ways to get FashionMNIST:\n"
        "  1. Connect to the internet and run again: torchvision downloads about 30 MB into {raw}/.\n"
        "  2. On Debian or Ubuntu: sudo apt-get install dataset-fashion-mnist\n"
        "     (it puts the files in {debian}/, which is looked in automatically).\n"
        "  3. Copy the four files ({names}, plain or .gz) from a machine that has them\n"
        "     into {raw}/, or into any folder and set the environment variable {env} to it.\n"
        "     `python -m helpers --root data` on a machine that has them prepares that folder.",
        raw=raw, debian=DEBIAN_DIR, names=names, env=ENV_VAR)


def _expected_size(name: str) -> int:
    magic, count = FILES[name]
    return 16 + count * IMAGE_SIDE * IMAGE_SIDE if magic == 2051 else 8 + count


def require_idx_file(path: Path, name: str | None = None, shown_as: str | None = None, fix: str | None = None) -> None:
    """Raise ``DataError`` unless ``path`` is the complete FashionMNIST IDX file ``name`` (default: its own name)."""
    name = name or path.name
    shown_as = shown_as or str(path)
    magic, count = FILES[name]
    size = path.stat().st_size
    expected = _expected_size(name)
    fix = fix or f"Delete {path} and load again: it is extracted again or downloaded."
    if size != expected:
        raise DataError(f"{shown_as} is {'truncated' if size < expected else 'too long'}: "
                        f"{size:,} bytes, expected {expected:,}. {fix}")
    with open(path, "rb") as f:
        header = f.read(16 if magic == 2051 else 8)
    dims = [int.from_bytes(header[i:i + 4], "big") for i in range(0, len(header), 4)]
    want = [magic, count, IMAGE_SIDE, IMAGE_SIDE] if magic == 2051 else [magic, count]
    if dims != want:
        raise DataError(f"{shown_as} has the header {dims}, expected {want}: it is not this FashionMNIST file. {fix}")


def _read_idx(path: Path) -> np.ndarray:
    require_idx_file(path)
    magic, count = FILES[path.name]
    offset = 16 if magic == 2051 else 8
    array = np.fromfile(path, dtype=np.uint8, offset=offset)
    if magic == 2051:
        return array.reshape(count, 1, IMAGE_SIDE, IMAGE_SIDE)
    if array.max() >= len(CLASSES):
        raise DataError(f"{path} holds the label {int(array.max())}; labels run from 0 to 9. "
                        f"Delete {path} and load again: it is extracted again or downloaded.")
    return array


def _sources() -> list[tuple[str, Path]]:
    found = []
    if os.environ.get(ENV_VAR):
        found.append((f"${ENV_VAR}", Path(os.environ[ENV_VAR]).expanduser()))
    found.append(("Debian's dataset-fashion-mnist", DEBIAN_DIR))
    return found


def _copy_in(source: Path, raw: Path) -> None:
    """Place the four files from ``source`` (plain or gzipped) into ``raw``, each written atomically."""
    try:
        raw.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"Cannot create the data folder {raw} ({exc.strerror}). "
                        "Pass root= a folder you can write to, e.g. load_fashion_mnist(root='~/fashion-data').") from exc
    for name in FILES:
        target = raw / name
        if target.exists():
            continue
        plain, packed = source / name, source / f"{name}.gz"
        origin = plain if plain.exists() else packed
        refetch = ("Get it again: sudo apt-get install --reinstall dataset-fashion-mnist." if source == DEBIAN_DIR
                   else f"Get it again, or delete it and load again to use the next source.\n{how_to_get_the_data(raw.parent.parent)}")
        try:
            fd, tmp = tempfile.mkstemp(dir=raw, prefix=f".{name}.", suffix=".part")
        except OSError as exc:
            raise DataError(f"Cannot write into the data folder {raw} ({exc.strerror}). "
                            "Pass root= a folder you can write to.") from exc
        try:
            with os.fdopen(fd, "wb") as out:
                opener = open if origin == plain else gzip.open
                with opener(origin, "rb") as src:
                    shutil.copyfileobj(src, out, length=1 << 20)
            require_idx_file(Path(tmp), name, shown_as=f"{origin} (decompressed)", fix=refetch)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except (OSError, EOFError, zlib.error) as exc:
            Path(tmp).unlink(missing_ok=True)
            if isinstance(exc, OSError) and not isinstance(exc, gzip.BadGzipFile) and exc.errno is not None:
                raise DataError(f"Could not write {target} ({exc.strerror}). Free some disk space "
                                "or pass root= a folder with about 60 MB free.") from exc
            raise DataError(f"{origin} is damaged ({exc}). {refetch}") from exc
        except DataError:
            Path(tmp).unlink(missing_ok=True)
            raise


def _has_all(folder: Path) -> bool:
    return all((folder / n).exists() or (folder / f"{n}.gz").exists() for n in FILES)


def _download(root: Path) -> None:
    from torchvision import datasets

    for train in (True, False):
        datasets.FashionMNIST(root, train=train, download=True)


def prepare_fashion_mnist(root: str | os.PathLike = "data", download: bool = True) -> tuple[Path, str]:
    """Make sure the four extracted files are in ``root/FashionMNIST/raw``; return that folder and where they came from."""
    root = Path(root).expanduser()
    raw = raw_folder(root)
    if all((raw / n).exists() for n in FILES):
        return raw, f"{raw}"
    tried = []
    for label, folder in _sources():
        if _has_all(folder):
            _copy_in(folder, raw)
            return raw, f"{label} ({folder})"
        tried.append(tr("{label}: {folder} lacks some of the four files", label=label, folder=folder) if folder.exists()
                     else tr("{label}: {folder} does not exist", label=label, folder=folder))
    if download:
        try:
            _download(root)
            return raw, "torchvision's download"
        except Exception as exc:  # offline, blocked or interrupted: all end in the same advice
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            tried.append(tr("torchvision's download: failed ({why})", why=first_line))
    else:
        tried.append(tr("torchvision's download: not tried (download=False)"))
    raise DataError(
        tr("FashionMNIST was not found. Looked in {raw}/, then:", raw=raw) + "\n"
        + "".join(f"  - {t}\n" for t in tried)
        + how_to_get_the_data(root)
    )


def _as_dataset(raw: Path, prefix: str) -> InMemoryDataset:
    images = _read_idx(raw / f"{prefix}-images-idx3-ubyte")
    labels = _read_idx(raw / f"{prefix}-labels-idx1-ubyte")
    # Same arithmetic as torchvision's ToTensor: uint8 -> float32, divided by 255.
    x = torch.from_numpy(images).to(torch.float32).div_(255)
    return InMemoryDataset(x, torch.from_numpy(labels.astype(np.int64)), CLASSES)


def load_fashion_mnist(root: str | os.PathLike = "data", download: bool = True) -> FashionMNIST:
    """Return FashionMNIST's training set (60,000), test set (10,000) and class names, held in memory."""
    raw, _ = prepare_fashion_mnist(root, download=download)
    return FashionMNIST(_as_dataset(raw, "train"), _as_dataset(raw, "t10k"), list(CLASSES))


def require_batch_size(batch_size, dataset_size: int | None = None) -> None:
    """Raise ``ValueError`` naming the fix unless ``batch_size`` is a whole number from 1 to ``dataset_size``."""
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
        raise ValueError(tr("batch_size must be a whole number of at least 1, got {b!r}; the lesson uses 64.", b=batch_size))
    if dataset_size is not None and batch_size > dataset_size:
        raise ValueError(tr("batch_size {b} is larger than the {n:,} training images; choose a smaller one, e.g. 64.",
                            b=batch_size, n=dataset_size))


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
        raise ValueError(f"val_size must be between 1 and {len(train) - 1}, got {val_size}.")
    order = torch.randperm(len(train), generator=torch.Generator().manual_seed(seed))
    keep, held = order[val_size:], order[:val_size]
    kind = type(train)  # keeps a subclass, e.g. CIFAR-10's images stored as bytes
    return (
        kind(train.images[keep], train.targets[keep], train.classes),
        kind(train.images[held], train.targets[held], train.classes),
    )


def main(argv: list[str] | None = None) -> int:
    import argparse
    import sys

    parser = argparse.ArgumentParser(description="Find FashionMNIST, extract it once and check it.")
    parser.add_argument("--root", default="data", help="folder that gets FashionMNIST/raw/ (default: data)")
    parser.add_argument("--no-download", action="store_true", help="never try torchvision's download")
    args = parser.parse_args(argv)
    try:
        raw, source = prepare_fashion_mnist(args.root, download=not args.no_download)
        data = load_fashion_mnist(args.root, download=False)
    except DataError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"FashionMNIST ready in {raw} (from {source}): "
          f"{len(data.train):,} training and {len(data.test):,} test images.")
    return 0
