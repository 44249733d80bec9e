"""The checks the loops make before they start: each raises ``ValueError`` with a message that names the fix."""

from __future__ import annotations

import math

import torch
from torch import nn

from .course.i18n import tr


def require_learning_rate(lr) -> None:
    """Raise ``ValueError`` with a suggestion unless ``lr`` is a positive, finite number."""
    if not isinstance(lr, (int, float)) or isinstance(lr, bool) or not math.isfinite(lr):
        raise ValueError(tr("The learning rate must be a finite number, got {lr!r}; the lesson uses 1e-3.", lr=lr))
    if lr <= 0:
        raise ValueError(tr(
            "The learning rate must be above 0, got {lr}: {why} Try 1e-3 for SGD as in the lesson, or 0.1 for "
            "faster SGD.", lr=lr, why=tr("with 0 the parameters never change.") if lr == 0
            else tr("a negative one climbs the loss instead of descending.")))


def require_epochs(epochs) -> None:
    """Raise ``ValueError`` unless ``epochs`` is a whole number of at least 1."""
    if not isinstance(epochs, int) or isinstance(epochs, bool) or epochs < 1:
        raise ValueError(tr("epochs must be a whole number of at least 1, got {epochs!r}; the lesson uses 10.",
                            epochs=epochs))


def require_device(model: nn.Module, device=None) -> torch.device:
    """Return the device to move batches to: the model's, refusing a ``device`` the model is not on."""
    first = next(model.parameters(), None)
    here = first.device if first is not None else torch.device("cpu")
    if device is None:
        return here
    device = torch.device(device)
    if device.type != here.type or (device.index is not None and here.index is not None and device.index != here.index):
        raise ValueError(tr(
            "The model is on {here} but device={device!r} was asked for. Move it first with "
            "model.to({device!r}) and build the optimizer after that, or leave device out.",
            here=here, device=str(device)))
    return device


def require_class_labels(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Return the class index of each target, refusing targets that cannot be compared with ``logits``."""
    width = logits.shape[1]
    if y.dim() == 2:
        if y.shape != logits.shape:
            raise ValueError(tr(
                "Targets of shape {shape} do not match the model's output {out}. "
                "Use class indices (shape [batch], int64) or one-hot rows with one column per class.",
                shape=list(y.shape), out=list(logits.shape)))
        return y.argmax(dim=1)  # one-hot or probability rows: the class is the largest entry
    if y.dim() != 1 or y.is_floating_point():
        raise ValueError(tr(
            "Targets must be class indices of shape [batch] and dtype int64, got shape {shape} "
            "and dtype {dtype}. Convert them with y.long().", shape=list(y.shape), dtype=y.dtype))
    if len(y):
        low, high = (int(v) for v in torch.aminmax(y))
        if low < 0 or high >= width:
            raise ValueError(tr(
                "The model outputs {width} scores per image but a label is {label}. "
                "Labels must run from 0 to {top}: give the last layer one output per class, "
                "e.g. NeuralNetwork(num_classes=10) for FashionMNIST's 10 classes.",
                width=width, label=low if low < 0 else high, top=width - 1))
    return y


def require_batch_size(batch_size, dataset_size: int | None = None) -> None:
    """Raise ``ValueError`` naming the fix unless ``batch_size`` is a whole number from 1 to ``dataset_size``."""
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
        raise ValueError(tr("batch_size must be a whole number of at least 1, got {b!r}; the lesson uses 64.", b=batch_size))
    if dataset_size is not None and batch_size > dataset_size:
        raise ValueError(tr("batch_size {b} is larger than the {n:,} training images; choose a smaller one, e.g. 64.",
                            b=batch_size, n=dataset_size))
