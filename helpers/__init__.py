"""Train a PyTorch model on FashionMNIST: data, model, loops, curves and widgets for the notebooks.

``from helpers import fit`` works as usual. Each name is loaded from its module the first time it is
asked for, so that ``import helpers`` needs nothing beyond Python itself: the set-up check,
``python -m helpers doctor``, can then run before PyTorch is installed and say what is missing.
"""

from __future__ import annotations

from importlib import import_module

__version__ = "1.0.0"  # as in pyproject.toml and CHANGELOG.md

# name -> the module of helpers that defines it
_HOME = {
    "CheckpointError": "checkpoints", "load_checkpoint": "checkpoints", "save_checkpoint": "checkpoints",
    "CLASSES": "data", "DataError": "data", "InMemoryDataset": "data", "load_fashion_mnist": "data",
    "make_loaders": "data", "series_folder": "data", "split_train_val": "data",
    "language": "course.i18n", "set_language": "course.i18n",
    "NeuralNetwork": "models", "count_parameters": "models",
    "plot_history": "plotting", "plot_images": "plotting", "plot_seeds": "plotting",
    "Diverged": "training", "History": "training", "LoopResult": "training", "fit": "training",
    "get_device": "training", "set_seed": "training", "test_loop": "training", "train_loop": "training",
}
__all__ = sorted(_HOME)

# What ``pip install -r requirements.txt`` brings; a name whose module needs one of them says how to check.
_REQUIRED = {"torch", "torchvision", "numpy", "matplotlib", "ipywidgets", "PIL"}


def __getattr__(name: str):
    if name not in _HOME:
        raise AttributeError(f"module 'helpers' has no attribute {name!r}")
    try:
        module = import_module(f".{_HOME[name]}", __name__)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] in _REQUIRED:
            raise ModuleNotFoundError(
                f"helpers.{name} needs {exc.name}, which this Python ({__import__('sys').executable}) cannot import. "
                "Run `python -m helpers doctor` in the repository's folder (or the first cell of 01_data): "
                "it names what is missing and the command that installs it.", name=exc.name) from exc
        raise
    value = getattr(module, name)
    globals()[name] = value  # found once, then an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOME))
