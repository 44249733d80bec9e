"""Where the datasets' files come from when torchvision's download is not the way: the course's machinery.

``prepare_fashion_mnist`` puts the extracted files where torchvision reads them, ``ROOT/FashionMNIST/raw/``,
looking first in a folder named by an environment variable, then in Debian's ``dataset-fashion-mnist``,
and downloading through torchvision only after those. Every file is checked (size, header, labels)
before it is used, and a file that fails is named with the command that gets it again. Each copy is
written to a temporary name and renamed, so an interrupted copy never leaves half a file behind.

``prepare_cifar10`` does the same for CIFAR-10's python batches (``ROOT/cifar-10-batches-py``): a folder
named by ``CIFAR10_DIR`` first, then torchvision's download, each batch opened and checked before use.
"""

from __future__ import annotations

import gzip
import os
import pickle
import shutil
import tempfile
import zlib
from pathlib import Path

from .i18n import tr

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
N_CLASSES = 10


class DataError(RuntimeError):
    """The dataset could not be found, read or written; the message says how to fix it."""


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
    fix = fix or tr("Delete {path} and load again: it is extracted again or downloaded.", path=path)
    if size != expected:
        raise DataError(tr("{file} is truncated: {size:,} bytes, expected {expected:,}. {fix}", file=shown_as,
                           size=size, expected=expected, fix=fix) if size < expected else
                        tr("{file} is too long: {size:,} bytes, expected {expected:,}. {fix}", file=shown_as,
                           size=size, expected=expected, fix=fix))
    with open(path, "rb") as f:
        header = f.read(16 if magic == 2051 else 8)
    dims = [int.from_bytes(header[i:i + 4], "big") for i in range(0, len(header), 4)]
    want = [magic, count, IMAGE_SIDE, IMAGE_SIDE] if magic == 2051 else [magic, count]
    if dims != want:
        raise DataError(tr("{file} has the header {dims}, expected {want}: it is not this FashionMNIST file. {fix}",
                           file=shown_as, dims=dims, want=want, fix=fix))
    if magic == 2049:  # a label file: every label names one of the ten classes
        top = max(path.read_bytes()[8:])
        if top >= N_CLASSES:
            raise DataError(tr("{file} holds the label {top}; labels run from 0 to {last}. {fix}", file=shown_as,
                               top=top, last=N_CLASSES - 1, fix=fix))


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
        raise DataError(tr("Cannot create the data folder {raw} ({why}). Pass root= a folder you can write to, "
                           "e.g. load_fashion_mnist(root='~/fashion-data').", raw=raw, why=exc.strerror)) from exc
    for name in FILES:
        target = raw / name
        if target.exists():
            continue
        plain, packed = source / name, source / f"{name}.gz"
        origin = plain if plain.exists() else packed
        refetch = (tr("Get it again: sudo apt-get install --reinstall dataset-fashion-mnist.") if source == DEBIAN_DIR
                   else tr("Get it again, or delete it and load again to use the next source.") + "\n"
                   + how_to_get_the_data(raw.parent.parent))
        try:
            fd, tmp = tempfile.mkstemp(dir=raw, prefix=f".{name}.", suffix=".part")
        except OSError as exc:
            raise DataError(tr("Cannot write into the data folder {raw} ({why}). Pass root= a folder you can write to.",
                               raw=raw, why=exc.strerror)) from exc
        try:
            with os.fdopen(fd, "wb") as out:
                opener = open if origin == plain else gzip.open
                with opener(origin, "rb") as src:
                    shutil.copyfileobj(src, out, length=1 << 20)
            require_idx_file(Path(tmp), name, shown_as=tr("{origin} (decompressed)", origin=origin), fix=refetch)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except (OSError, EOFError, zlib.error) as exc:
            Path(tmp).unlink(missing_ok=True)
            if isinstance(exc, OSError) and not isinstance(exc, gzip.BadGzipFile) and exc.errno is not None:
                raise DataError(tr("Could not write {target} ({why}). Free some disk space or pass root= a folder "
                                   "with about 60 MB free.", target=target, why=exc.strerror)) from exc
            raise DataError(tr("{origin} is damaged ({why}). {fix}", origin=origin, why=exc, fix=refetch)) from exc
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
        for name in FILES:
            require_idx_file(raw / name)
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
            for name in FILES:
                require_idx_file(raw / name)
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


# --- CIFAR-10 -------------------------------------------------------------------------------------

CIFAR_ENV_VAR = "CIFAR10_DIR"
CIFAR_FOLDER = "cifar-10-batches-py"
CIFAR_TRAIN_FILES = tuple(f"data_batch_{i}" for i in range(1, 6))
CIFAR_TEST_FILE = "test_batch"
CIFAR_META_FILE = "batches.meta"


def how_to_get_cifar10(root: str | os.PathLike = "data") -> str:
    """Return every way to get CIFAR-10, as numbered lines."""
    folder = Path(root) / CIFAR_FOLDER
    return tr(
        "Ways to get CIFAR-10:\n"
        "  1. Connect to the internet and run again: torchvision downloads about 170 MB and unpacks it into {folder}/.\n"
        "  2. Download cifar-10-python.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html on any machine,\n"
        "     and unpack it into {root}/ (tar xzf cifar-10-python.tar.gz -C {root}), which makes {folder}/.\n"
        "  3. If a folder {name}/ is somewhere already (a shared drive, a USB stick), set the environment\n"
        "     variable {env} to it (or to the folder that holds it) before starting Jupyter.",
        folder=folder, root=Path(root), name=CIFAR_FOLDER, env=CIFAR_ENV_VAR)


def _has_cifar10(folder: Path) -> bool:
    return all((folder / n).is_file() for n in (*CIFAR_TRAIN_FILES, CIFAR_TEST_FILE, CIFAR_META_FILE))


def find_cifar10(root: str | os.PathLike = "data") -> Path | None:
    """Return the folder holding the CIFAR-10 batches: ``$CIFAR10_DIR`` (or its ``cifar-10-batches-py``), then
    ``root/cifar-10-batches-py``; ``None`` when neither has them all."""
    places = []
    if os.environ.get(CIFAR_ENV_VAR):
        named = Path(os.environ[CIFAR_ENV_VAR]).expanduser()
        places += [named, named / CIFAR_FOLDER]
    places.append(Path(root) / CIFAR_FOLDER)
    return next((p for p in places if _has_cifar10(p)), None)


def _read_cifar_pickle(path: Path) -> dict:
    try:
        with open(path, "rb") as f:
            raw = pickle.load(f, encoding="latin1")
    except Exception as exc:  # truncated, not a pickle, unreadable: all mean "get the file again"
        raise DataError(tr("{path} could not be read as a CIFAR-10 batch ({why}). Delete {folder} and get the data "
                           "again.", path=path, why=f"{type(exc).__name__}: {exc}", folder=path.parent)) from None
    if not isinstance(raw, dict):
        raise DataError(tr("{path} holds a {kind}, not a CIFAR-10 batch (a dict). Delete {folder} and get the data "
                           "again.", path=path, kind=type(raw).__name__, folder=path.parent))
    return {k.decode() if isinstance(k, bytes) else k: v for k, v in raw.items()}


def require_cifar10_batches(folder: Path) -> None:
    """Raise ``DataError`` naming the file unless every batch in ``folder`` holds CIFAR-10's keys, shapes and labels."""
    for name in (*CIFAR_TRAIN_FILES, CIFAR_TEST_FILE):
        batch = _read_cifar_pickle(folder / name)
        data, labels = batch.get("data"), list(batch.get("labels", []))
        shape = list(getattr(data, "shape", []))
        if str(getattr(data, "dtype", "")) != "uint8" or len(shape) != 2 or shape[1] != 3072 or len(labels) != shape[0]:
            raise DataError(tr("{path} is not a CIFAR-10 batch: expected 'data' of bytes, shape [N, 3072], and N "
                               "'labels'; found {dtype} {shape} and {n} labels. Delete {folder} and get the data "
                               "again.", path=folder / name, dtype=getattr(data, "dtype", type(data).__name__),
                               shape=shape, n=len(labels), folder=folder))
        if labels and not 0 <= min(labels) <= max(labels) < N_CLASSES:
            raise DataError(tr("{folder} has labels outside 0-9: it is not CIFAR-10. Delete it and get the data again.",
                               folder=folder))
    names = _read_cifar_pickle(folder / CIFAR_META_FILE).get("label_names", [])
    if len(names) != N_CLASSES:
        raise DataError(tr("{path} names {n} classes, CIFAR-10 has 10. Get the data again.",
                           path=folder / CIFAR_META_FILE, n=len(names)))


def prepare_cifar10(root: str | os.PathLike = "data", download: bool = True) -> Path:
    """Return the folder to hand ``torchvision.datasets.CIFAR10`` as ``root``, its batches found and checked.

    Looks in ``$CIFAR10_DIR``, then ``root/cifar-10-batches-py``; with ``download``, then asks torchvision to
    download into ``root``. A folder named otherwise than ``cifar-10-batches-py`` is copied into ``root`` first,
    since that is the name torchvision reads. Raises ``DataError`` listing the ways to get the data.
    """
    root = Path(root).expanduser()
    folder = find_cifar10(root)
    if folder is None and download:
        try:
            from torchvision.datasets import CIFAR10

            CIFAR10(str(root), train=True, download=True)
        except Exception as exc:  # no network, a proxy, a full disk: say so, then every other way
            raise DataError(tr("CIFAR-10 is not in {folder}/ and the download failed ({why}).",
                               folder=root / CIFAR_FOLDER, why=f"{type(exc).__name__}: {exc}")
                            + "\n" + how_to_get_cifar10(root)) from None
        folder = find_cifar10(root)
    if folder is None:
        raise DataError(tr("CIFAR-10 is not in {folder}/{extra}.", folder=root / CIFAR_FOLDER,
                           extra=tr(" nor in {env}={value}", env=CIFAR_ENV_VAR, value=os.environ[CIFAR_ENV_VAR])
                           if os.environ.get(CIFAR_ENV_VAR) else "")
                        + "\n" + how_to_get_cifar10(root))
    try:
        require_cifar10_batches(folder)
    except DataError as exc:
        raise DataError(f"{exc}\n{how_to_get_cifar10(root)}") from None
    if folder.name != CIFAR_FOLDER:  # torchvision reads ROOT/cifar-10-batches-py and nothing else
        target = root / CIFAR_FOLDER
        target.mkdir(parents=True, exist_ok=True)
        for name in (*CIFAR_TRAIN_FILES, CIFAR_TEST_FILE, CIFAR_META_FILE):
            if not (target / name).is_file():
                shutil.copyfile(folder / name, target / f".{name}.part")
                os.replace(target / f".{name}.part", target / name)
        folder = target
    return folder.parent


def main(argv: list[str] | None = None) -> int:
    import argparse
    import sys

    parser = argparse.ArgumentParser(description="Find FashionMNIST, extract it once and check it.")
    parser.add_argument("--root", default="data", help="folder that gets FashionMNIST/raw/ (default: data)")
    parser.add_argument("--no-download", action="store_true", help="never try torchvision's download")
    args = parser.parse_args(argv)
    try:
        raw, source = prepare_fashion_mnist(args.root, download=not args.no_download)  # every file checked
    except DataError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"FashionMNIST ready in {raw} (from {source}): "
          f"{FILES['train-labels-idx1-ubyte'][1]:,} training and {FILES['t10k-labels-idx1-ubyte'][1]:,} test images.")
    return 0
