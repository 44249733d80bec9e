"""The lesson's training and test loops, and ``fit``, which runs them epoch after epoch."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

import numpy as np
import torch
from torch import nn

from .course.i18n import N_, tr, trn
from .guards import require_class_labels, require_device, require_epochs, require_learning_rate

# A cross-entropy loss above this is taken as exploding: chance level for 10 classes is ln 10 = 2.30.
EXPLODING_LOSS = 100.0


class LoopResult(NamedTuple):
    """Mean loss and accuracy (a fraction from 0 to 1), both averaged over samples."""

    loss: float
    accuracy: float


class Diverged(RuntimeError):
    """The training loss became NaN, infinite or exploded; the message says where and what to try."""

    def __init__(self, loss: float, batch: int, n_batches: int, lr: float, epoch: int | None = None):
        self.loss, self.batch, self.n_batches, self.lr = loss, batch, n_batches, lr
        what = (tr("became NaN") if math.isnan(loss) else tr("became infinite") if math.isinf(loss)
                else tr("exploded to {loss:.3g}", loss=loss))
        where = (tr("epoch {epoch}, batch {batch} of {n}", epoch=epoch, batch=batch, n=n_batches) if epoch
                 else tr("batch {batch} of {n}", batch=batch, n=n_batches))
        super().__init__(tr("The loss {what} at {where}; learning rate {lr:g} is too high; try {lower:g} or lower.",
                            what=what, where=where, lr=lr, lower=lr / 10))

    def in_epoch(self, epoch: int) -> Diverged:
        """Return the same error, saying which epoch it happened in."""
        return Diverged(self.loss, self.batch, self.n_batches, self.lr, epoch)


class Stopped(Exception):
    """The stop signal (the panel's Stop button) was set while training."""


class StopSignal(Protocol):
    def is_set(self) -> bool: ...


# --- the two loops ------------------------------------------------------------------------------

def train_loop(dataloader, model: nn.Module, loss_fn, optimizer, device=None, scheduler=None,
               on_batch: Callable | None = None, stop: StopSignal | None = None) -> LoopResult:
    """Train ``model`` for one pass over ``dataloader``; return its mean loss and accuracy during that pass.

    ``scheduler`` is stepped after every batch (a per-batch schedule such as ``OneCycleLR``);
    ``on_batch(batch, n_batches, mean_loss, accuracy)`` is called after every batch with the running
    figures; ``stop`` (anything with ``is_set()``) ends the pass after the batch it is on.
    """
    device = require_device(model, device)
    model.train()
    total_loss, correct, seen = 0.0, 0, 0
    for batch, (X, y) in enumerate(dataloader, start=1):
        X, y = X.to(device), y.to(device)           # + the batch goes where the model is
        pred = model(X)                             # 1. forward: logits [batch, classes]
        labels = require_class_labels(pred, y)      # + targets the model can score, or a message naming the fix
        loss = loss_fn(pred, y)                     # 2. the batch's mean loss
        optimizer.zero_grad()                       # 3. clear the previous batch's gradients
        loss.backward()                             # 4. backward: this batch's gradients
        optimizer.step()                            # 5. step: move every parameter against its gradient

        value = loss.item()
        if not value <= EXPLODING_LOSS:             # + NaN, infinite or exploding: stop, and say why
            raise Diverged(value, batch, len(dataloader), optimizer.param_groups[0]["lr"])
        if scheduler is not None:                   # + a per-batch schedule sets the next batch's rate
            scheduler.step()
        total_loss += value * len(y)                # 6. bookkeeping per sample: weight the mean by the batch's size
        correct += (pred.argmax(dim=1) == labels).sum().item()
        seen += len(y)
        if on_batch is not None:                    # + running figures, for live curves
            on_batch(batch, len(dataloader), total_loss / seen, correct / seen)
        if stop is not None and stop.is_set():      # + a Stop button
            raise Stopped
    return LoopResult(total_loss / seen, correct / seen)


def test_loop(dataloader, model: nn.Module, loss_fn, device=None) -> LoopResult:
    """Return ``model``'s mean loss and accuracy over ``dataloader``, in eval mode and without gradients."""
    device = require_device(model, device)
    model.eval()
    total_loss, correct, seen = 0.0, 0, 0
    with torch.no_grad():
        for X, y in dataloader:
            X, y = X.to(device), y.to(device)
            pred = model(X)
            labels = require_class_labels(pred, y)
            total_loss += loss_fn(pred, y).item() * len(y)
            correct += (pred.argmax(dim=1) == labels).sum().item()
            seen += len(y)
    if seen == 0:
        raise ValueError(tr("The dataloader gave no batches: the dataset is empty."))
    return LoopResult(total_loss / seen, correct / seen)


test_loop.__test__ = False  # the lesson's name starts with "test": tell pytest it is not a test


# --- a run of many epochs -------------------------------------------------------------------------

# What a run's status can be (the playground's table shows it in the learner's language)
STATUSES = (N_("new"), N_("running"), N_("finished"), N_("stopped"), N_("interrupted"), N_("diverged"), N_("failed"))

@dataclass
class History:
    """What ``fit`` measured: one entry per finished epoch, and the running figures of the epoch under way.

    ``val_*`` is filled when ``fit`` had a validation loader, ``test_*`` when it had a test loader.
    """

    label: str = ""
    epoch: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)  # means over the epoch, while the weights changed
    train_acc: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)    # after each epoch, on the validation set
    val_acc: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)   # after each epoch, on the test set
    test_acc: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    # (fractional epoch, running train loss, running train accuracy) within the epoch under way
    partial: list[tuple[float, float, float]] = field(default_factory=list)
    status: str = "new"  # one of STATUSES
    message: str = ""

    KEYS = ("epoch", "train_loss", "train_acc", "val_loss", "val_acc", "test_loss", "test_acc", "seconds", "lr")

    def __len__(self) -> int:
        return len(self.epoch)

    @property
    def eval_name(self) -> str:
        """Return "validation" or "test": the set measured after each epoch."""
        return "validation" if self.val_loss or not self.test_loss else "test"

    @property
    def eval_loss(self) -> list[float]:
        return self.val_loss if self.eval_name == "validation" else self.test_loss

    @property
    def eval_acc(self) -> list[float]:
        return self.val_acc if self.eval_name == "validation" else self.test_acc

    @property
    def best_val_acc(self) -> float:
        return max(self.val_acc, default=float("nan"))

    def as_dict(self) -> dict:
        """Return the per-epoch lists as a plain dict (for saving, or for pandas)."""
        return {k: list(getattr(self, k)) for k in self.KEYS}

    @classmethod
    def from_dict(cls, d: dict, label: str = "") -> History:
        """Return a history rebuilt from ``as_dict()`` output."""
        h = cls(label=label, status="finished" if d.get("epoch") else "new")
        for k in cls.KEYS:
            setattr(h, k, list(d.get(k, [])))
        return h


def get_device() -> torch.device:
    """Return the fastest device here: cuda, then mps, then cpu."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and PyTorch, so that the starting weights repeat."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def epoch_line(epoch: int, train: LoopResult, val: LoopResult | None, test: LoopResult | None, seconds: float) -> str:
    """The line ``fit(verbose=True)`` prints after an epoch: each set's loss and accuracy, then the time."""
    figures = [tr("{name} loss {loss:.4f} acc {acc:5.1f}%", name=name, loss=result.loss, acc=100 * result.accuracy)
               for name, result in ((tr("train"), train), (tr("val"), val), (tr("test"), test)) if result is not None]
    return tr("epoch {epoch:>2}", epoch=epoch) + "  " + "  |  ".join(figures) + f"  |  {seconds:.1f} s"


def fit(
    model: nn.Module,
    train_loader,
    loss_fn,
    optimizer: torch.optim.Optimizer,
    epochs: int,
    *,
    val_loader=None,
    test_loader=None,
    scheduler=None,
    scheduler_per_batch: bool = False,
    device=None,
    callback: Callable[[History], None] | None = None,
    callback_every: int = 0,
    stop: StopSignal | None = None,
    history: History | None = None,
    label: str = "",
    verbose: bool = False,
) -> History:
    """Train for ``epochs`` more epochs and return the history, kept even if stopped, interrupted or diverged.

    After each epoch it measures the validation and/or test loader it was given, steps ``scheduler``
    (``ReduceLROnPlateau`` on the validation loss, so it needs ``val_loader``; with ``scheduler_per_batch``
    it is stepped after every batch instead, as ``OneCycleLR`` expects), and calls ``callback(history)``; with
    ``callback_every=N`` it also calls it every N batches, when ``history.partial`` holds the running
    figures. ``stop.is_set()`` is checked after every batch. ``history`` continues an earlier run;
    ``verbose`` prints a line per epoch.
    """
    require_epochs(epochs)
    for group in optimizer.param_groups:
        require_learning_rate(group["lr"])
    plateau = isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau)
    if plateau and val_loader is None:
        raise ValueError(tr("ReduceLROnPlateau lowers the rate when the validation loss stops falling, so fit needs "
                            "val_loader= (a split from split_train_val). Stepping it on the test loss would tune "
                            "the run on the test set."))
    device = require_device(model, device)
    history = history if history is not None else History(label=label)
    history.status, history.message = "running", ""

    try:
        for epoch in range(len(history) + 1, len(history) + epochs + 1):
            started, lr = time.perf_counter(), optimizer.param_groups[0]["lr"]

            def running_figures(batch, n_batches, loss, accuracy, epoch=epoch):
                if batch % callback_every == 0 and batch < n_batches:  # the last batch ends the epoch below
                    history.partial.append((epoch - 1 + batch / n_batches, loss, accuracy))
                    callback(history)

            try:
                train = train_loop(train_loader, model, loss_fn, optimizer, device,
                                   scheduler=scheduler if scheduler_per_batch else None,  # OneCycleLR's way
                                   on_batch=running_figures if callback and callback_every else None, stop=stop)
            except Diverged as exc:
                raise exc.in_epoch(epoch) from None
            val = test_loop(val_loader, model, loss_fn, device) if val_loader is not None else None
            test = test_loop(test_loader, model, loss_fn, device) if test_loader is not None else None

            history.epoch.append(epoch)
            for name, result in (("train", train), ("val", val), ("test", test)):
                if result is not None:
                    getattr(history, f"{name}_loss").append(result.loss)
                    getattr(history, f"{name}_acc").append(result.accuracy)
            history.seconds.append(time.perf_counter() - started)
            history.lr.append(lr)
            history.partial.clear()
            if verbose:
                print(epoch_line(epoch, train, val, test, history.seconds[-1]))

            if plateau:
                scheduler.step(val.loss)            # on the validation loss, never the test loss
            elif scheduler is not None and not scheduler_per_batch:
                scheduler.step()                    # once per epoch, after its last optimizer.step()
            if callback is not None:
                callback(history)
            if stop is not None and stop.is_set():
                raise Stopped
        history.status = "finished"
    except Diverged as exc:
        history.status, history.message = "diverged", str(exc)
    except Stopped:
        history.status = "stopped"
        history.message = trn("Stopped after {n} finished epoch; the curves so far are kept.",
                              "Stopped after {n} finished epochs; the curves so far are kept.", len(history), n=len(history))
    except KeyboardInterrupt:
        history.status = "interrupted"
        history.message = trn("Interrupted after {n} finished epoch; the history so far is kept.",
                              "Interrupted after {n} finished epochs; the history so far is kept.", len(history),
                              n=len(history))
    if history.message:
        print(history.message)
    return history
