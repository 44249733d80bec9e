"""The training and test loops, and ``fit``, which runs them epoch after epoch."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

import numpy as np
import torch
from torch import nn

# A cross-entropy loss above this is taken as exploding: chance level for 10 classes is ln 10 = 2.30.
EXPLODING_LOSS = 100.0


class LoopResult(NamedTuple):
    """Mean loss and accuracy (a fraction from 0 to 1), both averaged over samples."""

    loss: float
    accuracy: float


class Diverged(RuntimeError):
    """The training loss became NaN, infinite or exploded; the message says where and what to try."""


class StopRequested(Exception):
    """Raised inside a loop when the stop signal is set (a Stop button)."""


class StopSignal(Protocol):
    def is_set(self) -> bool: ...


@dataclass
class History:
    """One entry per finished epoch, plus the running figures of an epoch in progress."""

    label: str = ""
    epoch: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    test_acc: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    # (fractional epoch, running train loss, running train accuracy) within the epoch in progress
    partial: list[tuple[float, float, float]] = field(default_factory=list)
    status: str = "new"  # new, running, finished, stopped, interrupted, diverged
    message: str = ""

    def __len__(self) -> int:
        return len(self.epoch)

    def add_epoch(self, train: LoopResult, test: LoopResult, seconds: float, lr: float) -> None:
        """Append one finished epoch and forget its running figures."""
        self.epoch.append(len(self.epoch) + 1)
        self.train_loss.append(train.loss)
        self.train_acc.append(train.accuracy)
        self.test_loss.append(test.loss)
        self.test_acc.append(test.accuracy)
        self.seconds.append(seconds)
        self.lr.append(lr)
        self.partial.clear()

    @property
    def best_test_acc(self) -> float:
        return max(self.test_acc, default=float("nan"))

    def as_dict(self) -> dict:
        """Return the per-epoch lists as a plain dict (for saving or pandas)."""
        keys = ("epoch", "train_loss", "train_acc", "test_loss", "test_acc", "seconds", "lr")
        return {k: list(getattr(self, k)) for k in keys}

    @classmethod
    def from_dict(cls, d: dict, label: str = "") -> History:
        """Return a history rebuilt from ``as_dict()`` output."""
        h = cls(label=label, status="finished" if d.get("epoch") else "new")
        for k, v in d.items():
            setattr(h, k, list(v))
        return h


def get_device() -> torch.device:
    """Return the fastest device here: cuda, then mps, then cpu."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and PyTorch so weights and shuffled data order repeat."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def model_device(model: nn.Module) -> torch.device:
    """Return the device of the model's first parameter (cpu for a model without any)."""
    first = next(model.parameters(), None)
    return first.device if first is not None else torch.device("cpu")


def _resolve_device(model: nn.Module, device) -> torch.device:
    here = model_device(model)
    if device is None:
        return here
    device = torch.device(device)
    if device.type != here.type or (device.index is not None and here.index is not None and device.index != here.index):
        raise ValueError(
            f"The model is on {here} but device={str(device)!r} was asked for. Move it first with "
            f"model.to({str(device)!r}) and build the optimizer after that, or leave device out."
        )
    return device


def _class_indices(logits: torch.Tensor, y: torch.Tensor, classes: list | None) -> torch.Tensor:
    """Return the class index of each target, refusing targets that cannot be compared with ``logits``."""
    width = logits.shape[1]
    if classes is not None and len(classes) != width:
        raise ValueError(
            f"The model outputs {width} scores per image but the data has {len(classes)} classes. "
            f"Give the last layer {len(classes)} outputs, e.g. NeuralNetwork(num_classes={len(classes)})."
        )
    if y.dim() == 2:
        if y.shape != logits.shape:
            raise ValueError(
                f"Targets of shape {list(y.shape)} do not match the model's output {list(logits.shape)}. "
                "Use class indices (shape [batch], int64) or one-hot rows with one column per class."
            )
        return y.argmax(dim=1)  # one-hot or probability rows: the class is the largest entry
    if y.dim() != 1 or y.is_floating_point():
        raise ValueError(
            f"Targets must be class indices of shape [batch] and dtype int64, got shape {list(y.shape)} "
            f"and dtype {y.dtype}. Convert them with y.long()."
        )
    if len(y):
        low, high = (int(v) for v in torch.aminmax(y))  # one pass over the batch's labels
        if low < 0 or high >= width:
            raise ValueError(
                f"The model outputs {width} scores per image but a label is {low if low < 0 else high}. "
                f"Labels must run from 0 to {width - 1}: give the last layer one output per class."
            )
    return y


def _epoch_steps(dataloader, model: nn.Module, loss_fn, optimizer=None, device=None):
    """Yield (batch, n_batches, loss, running loss, running accuracy) after each batch; return a LoopResult.

    With an optimizer it trains on each batch; without one it only measures.
    """
    device = _resolve_device(model, device)
    classes = getattr(getattr(dataloader, "dataset", None), "classes", None)
    per_sample_mean = getattr(loss_fn, "reduction", "mean") == "mean"
    total_loss, correct, seen = 0.0, 0, 0
    n_batches = len(dataloader)
    for batch, (X, y) in enumerate(dataloader):
        X, y = X.to(device), y.to(device)
        pred = model(X)  # [batch, classes] logits
        labels = _class_indices(pred, y, classes if batch == 0 else None)  # checked every batch: cheap
        loss = loss_fn(pred, y)
        if optimizer is not None:
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        value = loss.item()
        # Weight each batch by its size so an uneven last batch counts for what it holds.
        total_loss += value * len(y) if per_sample_mean else value
        correct += (pred.argmax(dim=1) == labels).sum().item()
        seen += len(y)
        yield batch, n_batches, value, total_loss / seen, correct / seen
    if seen == 0:
        raise ValueError("The dataloader gave no batches: the dataset is empty.")
    return LoopResult(total_loss / seen, correct / seen)


def interrupt(steps: Generator):
    """Hand a kernel interrupt to a running ``fit_steps`` generator, so it records it; return its history."""
    try:
        steps.throw(KeyboardInterrupt)
    except StopIteration as done:
        return done.value
    raise RuntimeError("the generator went on after an interrupt")


def drain(steps: Generator, on_step: Callable | None = None):
    """Run a generator to its end, passing each tuple it yields to ``on_step``; return its return value.

    A kernel interrupt that lands here rather than inside the generator is handed to the
    generator, so it can record where it stopped.
    """
    while True:
        try:
            item = next(steps)
        except StopIteration as done:
            return done.value
        except KeyboardInterrupt:
            return interrupt(steps)
        if on_step is not None:
            on_step(*item)


def _run_epoch(dataloader, model, loss_fn, optimizer=None, device=None, on_batch=None) -> LoopResult:
    """Return mean loss and accuracy over ``dataloader``; with an optimizer, train on each batch too."""
    return drain(_epoch_steps(dataloader, model, loss_fn, optimizer, device), on_batch)


def train_loop(dataloader, model: nn.Module, loss_fn, optimizer, device=None) -> LoopResult:
    """Train ``model`` for one pass over ``dataloader``; return its mean loss and accuracy during that pass."""
    model.train()
    return _run_epoch(dataloader, model, loss_fn, optimizer, device, on_batch=_divergence_guard(optimizer))


def test_loop(dataloader, model: nn.Module, loss_fn, device=None) -> LoopResult:
    """Return ``model``'s mean loss and accuracy over ``dataloader``, in eval mode and without gradients."""
    model.eval()
    with torch.no_grad():
        return _run_epoch(dataloader, model, loss_fn, None, device)


test_loop.__test__ = False  # the lesson's name starts with "test": tell pytest it is not a test


def check_learning_rate(lr: float) -> None:
    """Raise ``ValueError`` with a suggestion unless ``lr`` is a positive, finite number."""
    if not isinstance(lr, (int, float)) or isinstance(lr, bool) or not math.isfinite(lr):
        raise ValueError(f"The learning rate must be a finite number, got {lr!r}; the lesson uses 1e-3.")
    if lr <= 0:
        raise ValueError(
            f"The learning rate must be above 0, got {lr}: "
            + ("with 0 the parameters never change." if lr == 0 else "a negative one climbs the loss instead of descending.")
            + " Try 1e-3 for SGD as in the lesson, or 0.1 for faster SGD."
        )


def check_epochs(epochs) -> None:
    """Raise ``ValueError`` unless ``epochs`` is a whole number of at least 1."""
    if not isinstance(epochs, int) or isinstance(epochs, bool) or epochs < 1:
        raise ValueError(f"epochs must be a whole number of at least 1, got {epochs!r}; the lesson uses 10.")


def _current_lr(optimizer) -> float:
    return float(optimizer.param_groups[0]["lr"])


def _divergence_guard(optimizer, epoch: int | None = None):
    def check(batch: int, n_batches: int, value: float, *_):
        if math.isfinite(value) and value <= EXPLODING_LOSS:
            return
        lr = _current_lr(optimizer)
        what = "became NaN" if math.isnan(value) else ("became infinite" if math.isinf(value) else f"exploded to {value:.3g}")
        raise Diverged(
            f"The loss {what} at {'' if epoch is None else f'epoch {epoch}, '}batch {batch + 1} of {n_batches}; "
            f"learning rate {lr:g} is too high, try about {lr / 10:g}."
        )

    return check


def fit(
    model: nn.Module,
    train_loader,
    test_loader,
    loss_fn,
    optimizer,
    epochs: int,
    **options,
) -> History:
    """Train for ``epochs`` more epochs and return the history, kept even if stopped, interrupted or diverged.

    Options: ``device``, ``scheduler`` (stepped once per epoch), ``callback(history)`` (after each
    epoch and, with ``callback_every=N``, every N batches, when ``history.partial`` holds the running
    figures), ``progress`` (a progress bar), ``stop`` (anything with ``is_set()``, checked every batch),
    ``history`` (one to continue), ``label`` and ``verbose`` (a line per epoch). A kernel interrupt
    ends the run at once and returns what was done.
    """
    return drain(fit_steps(model, train_loader, test_loader, loss_fn, optimizer, epochs, **options))


def fit_steps(
    model: nn.Module,
    train_loader,
    test_loader,
    loss_fn,
    optimizer,
    epochs: int,
    *,
    device=None,
    scheduler=None,
    callback: Callable[[History], None] | None = None,
    callback_every: int = 0,
    progress: bool = False,
    stop: StopSignal | None = None,
    history: History | None = None,
    label: str = "",
    verbose: bool = False,
) -> Generator[History, None, History]:
    """Do what ``fit`` does, yielding the history after every batch (so a caller can pause between batches)."""
    check_epochs(epochs)
    for group in optimizer.param_groups:
        check_learning_rate(group["lr"])
    device = _resolve_device(model, device)
    history = history if history is not None else History(label=label)
    history.status, history.message = "running", ""
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=epochs * len(train_loader), unit="batch", leave=False)
    start_epoch = len(history)
    try:
        for epoch in range(start_epoch + 1, start_epoch + epochs + 1):
            started, lr = time.perf_counter(), _current_lr(optimizer)
            guard = _divergence_guard(optimizer, epoch)
            model.train()
            steps = _epoch_steps(train_loader, model, loss_fn, optimizer, device)
            while True:
                try:
                    batch, n_batches, value, run_loss, run_acc = next(steps)
                except StopIteration as done:
                    train = done.value
                    break
                guard(batch, n_batches, value)
                if bar is not None:
                    bar.update(1)
                if callback is not None and callback_every and (batch + 1) % callback_every == 0 and batch + 1 < n_batches:
                    history.partial.append((epoch - 1 + (batch + 1) / n_batches, run_loss, run_acc))
                    callback(history)
                if stop is not None and stop.is_set():
                    raise StopRequested
                yield history
            test = test_loop(test_loader, model, loss_fn, device)
            history.add_epoch(train, test, time.perf_counter() - started, lr)
            if verbose:
                print(f"epoch {epoch:>2}  train loss {train.loss:.4f} acc {100 * train.accuracy:5.1f}%  |  "
                      f"test loss {test.loss:.4f} acc {100 * test.accuracy:5.1f}%  |  {history.seconds[-1]:.1f} s")
            if scheduler is not None:
                if isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
                    scheduler.step(test.loss)
                else:
                    scheduler.step()
            if callback is not None:
                callback(history)
            if stop is not None and stop.is_set():
                raise StopRequested
            yield history
        history.status = "finished"
    except Diverged as exc:
        history.status, history.message = "diverged", str(exc)
    except StopRequested:
        history.status = "stopped"
        history.message = f"Stopped after {len(history)} finished epoch(s); the curves so far are kept."
    except KeyboardInterrupt:
        history.status = "interrupted"
        history.message = f"Interrupted after {len(history)} finished epoch(s); the history so far is kept."
    finally:
        if bar is not None:
            bar.close()
    if history.message:
        print(history.message)
    return history
