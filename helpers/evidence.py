"""What diagnose needs to know beyond a history: the mode of every forward pass, and the images two sets share."""

from __future__ import annotations

import math
from typing import NamedTuple

import torch
from torch import nn
from torch.utils.data import Subset


class ModeLog(list):
    """The mode of every forward pass of a model while it is watched: (gradients on, training mode) pairs.

    ``stochastic`` says whether the model has layers that train mode changes (dropout, batch norm)."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.stochastic = any(isinstance(m, (nn.Dropout, nn.Dropout1d, nn.Dropout2d, nn.Dropout3d, nn.AlphaDropout,
                                             nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d, nn.SyncBatchNorm))
                              for m in model.modules())
        self._handle = model.register_forward_pre_hook(
            lambda module, inputs: self.append((torch.is_grad_enabled(), module.training)))

    def stop(self) -> ModeLog:
        """Stop watching; the passes so far stay."""
        self._handle.remove()
        return self

    @property
    def evaluations_in_train_mode(self) -> int:
        return sum(1 for grad, training in self if not grad and training)

    @property
    def trainings_in_eval_mode(self) -> int:
        return sum(1 for grad, training in self if grad and not training)


def record_modes(model: nn.Module) -> ModeLog:
    """Note the mode of every forward pass of ``model`` from now on, for ``diagnose(..., modes=log)``.

    A pass made without gradients (inside ``torch.no_grad()``) counts as an evaluation, one with gradients as a
    training step. What counts is the mode during that pass, not the mode the model is left in afterwards: an
    ``evaluate`` that ends with ``model.train()`` is honest."""
    return ModeLog(model)


def shared_images(train_set, eval_set) -> int:
    """How many images the two datasets have in common, as far as their structure tells: the same dataset,
    one a Subset of the other, or two Subsets of one dataset with indices in common."""
    if train_set is None or eval_set is None:
        return 0
    if train_set is eval_set:
        return len(eval_set)

    def root(ds):
        indices = None
        while isinstance(ds, Subset):
            indices = [ds.indices[i] for i in indices] if indices is not None else list(ds.indices)
            ds = ds.dataset
        return ds, (set(range(len(ds))) if indices is None else set(indices))

    (a, ia), (b, ib) = root(train_set), root(eval_set)
    return len(ia & ib) if a is b else 0


PERCENT_FLOOR = 5.0  # accuracies that all lie from 5 to 100 are percentages, not fractions


class Evidence(NamedTuple):
    """What the rules read: the per-epoch figures as fractions, and the facts passed by name."""

    train_loss: list[float]
    train_acc: list[float]
    eval_loss: list[float]
    eval_acc: list[float]
    status: str
    eval_size: int | None
    shared: int                 # images the training and evaluation sets have in common
    modes: ModeLog | None
    num_classes: int


def _get(history, name: str) -> list[float]:
    return [float(v) for v in (history.get(name, []) if isinstance(history, dict) else getattr(history, name, []))]


def _eval_lists(history) -> tuple[list[float], list[float]]:
    val_loss, val_acc = _get(history, "val_loss"), _get(history, "val_acc")
    if val_loss or val_acc:
        return val_loss, val_acc
    return _get(history, "test_loss"), _get(history, "test_acc")


def read_evidence(history, eval_size=None, train_set=None, eval_set=None, modes=None, num_classes=10) -> Evidence:
    """Return what the rules read from ``history`` (a ``History`` or a dict of lists), accuracies as fractions."""
    train_loss, train_acc = _get(history, "train_loss"), _get(history, "train_acc")
    eval_loss, eval_acc = _eval_lists(history)
    accs = [a for a in train_acc + eval_acc if math.isfinite(a)]
    if accs and min(accs) >= PERCENT_FLOOR and max(accs) <= 100:  # stored in percent: read as fractions
        train_acc, eval_acc = [a / 100 for a in train_acc], [a / 100 for a in eval_acc]
    status = history.get("status", "") if isinstance(history, dict) else getattr(history, "status", "")
    return Evidence(train_loss, train_acc, eval_loss, eval_acc, status, eval_size,
                    shared_images(train_set, eval_set), modes, num_classes)
