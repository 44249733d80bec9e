"""The learning-rate range test: raise the rate a little every batch and watch what the loss does."""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

import torch
from torch import nn

from .course.i18n import tr
from .guards import require_device


@dataclass
class RangeTest:
    """The rates tried, one per batch, with the loss at each (raw, and smoothed as the plot shows it)."""

    lrs: list[float] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)   # smoothed: a running mean, corrected for its start at 0
    raw: list[float] = field(default_factory=list)
    stopped_early: bool = False                         # the loss blew up before the last rate

    @property
    def best_lr(self) -> float:
        """The rate at which the smoothed loss was lowest."""
        return self.lrs[min(range(len(self.losses)), key=self.losses.__getitem__)]

    @property
    def suggestion(self) -> float:
        """A tenth of ``best_lr``: still on the falling side of the curve, away from where it turns up."""
        return self.best_lr / 10

    def plot(self, ax=None, label: str | None = None):
        """Draw the smoothed loss against the rate on a log axis, marking the lowest point and the suggestion."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 3.5))
        line, = ax.plot(self.lrs, self.losses, linewidth=2, label=label)
        ax.axvline(self.best_lr, color=line.get_color(), linestyle=":", linewidth=1)
        near = min(range(len(self.lrs)), key=lambda i: abs(math.log(self.lrs[i] / self.suggestion)))
        ax.plot([self.lrs[near]], [self.losses[near]], "o", color=line.get_color())  # the suggestion, on the curve
        ax.set(xscale="log", xlabel=tr("Learning rate (log scale)"), ylabel=tr("Training loss (smoothed)"),
               title=tr("Learning-rate range test"))
        ax.grid(alpha=0.3)
        return ax


def range_test(model: nn.Module, train_loader, loss_fn, optimizer: torch.optim.Optimizer, start_lr: float = 1e-5,
               end_lr: float = 10.0, steps: int = 200, beta: float = 0.98, blowup: float = 4.0,
               device=None) -> RangeTest:
    """Train for up to ``steps`` batches with a rate growing by the same factor each batch, from ``start_lr`` to
    ``end_lr``; stop once the smoothed loss passes ``blowup`` times its lowest. The model (weights and mode), the
    optimizer, the random state and the loader's shuffling are put back as they were, so the test changes nothing
    but the result.
    """
    if not 0 < start_lr < end_lr:
        raise ValueError(tr("start_lr must be above 0 and below end_lr, got {start_lr} and {end_lr}; 1e-5 and 10 "
                            "cover every rate worth trying.", start_lr=start_lr, end_lr=end_lr))
    if steps < 2:
        raise ValueError(tr("steps must be at least 2, got {steps}; a few hundred batches draw a clear curve.",
                            steps=steps))
    device = require_device(model, device)
    saved_model, saved_optimizer = copy.deepcopy(model.state_dict()), copy.deepcopy(optimizer.state_dict())
    was_training = model.training
    saved_rng = torch.get_rng_state()
    generator = getattr(train_loader, "generator", None)
    saved_order = generator.get_state() if generator is not None else None
    result, running, lowest = RangeTest(), 0.0, math.inf
    factor = (end_lr / start_lr) ** (1 / (steps - 1))
    try:
        model.train()
        batches = iter(train_loader)
        for step in range(steps):
            lr = start_lr * factor ** step
            for group in optimizer.param_groups:
                group["lr"] = lr
            try:
                X, y = next(batches)
            except StopIteration:  # a small training set: go round again
                batches = iter(train_loader)
                X, y = next(batches)
            X, y = X.to(device), y.to(device)
            loss = loss_fn(model(X), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            value = loss.item()
            if not math.isfinite(value):
                result.stopped_early = True
                break
            running = beta * running + (1 - beta) * value
            smoothed = running / (1 - beta ** (step + 1))  # the running mean starts at 0: correct for that
            result.lrs.append(lr)
            result.raw.append(value)
            result.losses.append(smoothed)
            lowest = min(lowest, smoothed)
            if smoothed > blowup * lowest:
                result.stopped_early = True
                break
    finally:
        model.load_state_dict(saved_model)
        model.train(was_training)
        optimizer.load_state_dict(saved_optimizer)
        torch.set_rng_state(saved_rng)
        if generator is not None:
            generator.set_state(saved_order)
    if not result.losses:
        raise ValueError(tr("The loss was not finite even at the first rate, {start_lr:g}: check the data and the "
                            "model.", start_lr=start_lr))
    return result
