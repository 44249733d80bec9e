"""Train a PyTorch model on FashionMNIST: data, model, loops, curves and widgets for the notebooks."""

from .checkpoints import CheckpointError, load_checkpoint, save_checkpoint
from .data import CLASSES, DataError, InMemoryDataset, load_fashion_mnist, make_loaders, split_train_val
from .i18n import language, set_language
from .models import NeuralNetwork, count_parameters
from .plotting import plot_history, plot_images, plot_seeds
from .progress import show_progress
from .training import Diverged, History, LoopResult, fit, get_device, set_seed, test_loop, train_loop

__all__ = [
    "CLASSES",
    "CheckpointError",
    "DataError",
    "Diverged",
    "History",
    "InMemoryDataset",
    "LoopResult",
    "NeuralNetwork",
    "count_parameters",
    "fit",
    "get_device",
    "language",
    "load_checkpoint",
    "load_fashion_mnist",
    "make_loaders",
    "plot_history",
    "plot_seeds",
    "plot_images",
    "save_checkpoint",
    "set_language",
    "show_progress",
    "set_seed",
    "split_train_val",
    "test_loop",
    "train_loop",
]
