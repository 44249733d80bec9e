"""One playground run: its settings, the optimizer they name, training it, and the table of runs."""

from __future__ import annotations

import html
from dataclasses import dataclass

import torch
from torch import nn
from torch.utils.data import DataLoader

from .course.i18n import N_, tr
from .data import make_loaders
from .guards import require_batch_size, require_epochs, require_learning_rate
from .models import NeuralNetwork
from .training import History, fit, set_seed

OPTIMIZERS = ("SGD", "SGD + momentum", "Adam")


@dataclass
class RunSettings:
    """What one training run uses."""

    lr: float = 0.1
    epochs: int = 5
    batch_size: int = 64
    optimizer: str = "SGD"
    momentum: float = 0.9
    seed: int = 0

    def require_valid(self, train_size: int | None = None) -> None:
        """Raise ``ValueError`` naming the fix for the first setting that cannot work."""
        require_learning_rate(self.lr)
        require_epochs(self.epochs)
        require_batch_size(self.batch_size, train_size)
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(tr("optimizer must be one of {names}, got {got!r}.", names=", ".join(OPTIMIZERS),
                                got=self.optimizer))
        if self.optimizer == "SGD + momentum" and not 0 <= self.momentum < 1:
            raise ValueError(tr("momentum must be at least 0 and below 1, got {m}; 0.9 is usual.", m=self.momentum))

    @property
    def label(self) -> str:
        extra = f" m={self.momentum:g}" if self.optimizer == "SGD + momentum" else ""
        return f"{self.optimizer}{extra} lr={self.lr:.2g} b={self.batch_size} seed={self.seed}"


def make_optimizer(settings: RunSettings, params) -> torch.optim.Optimizer:
    """Return the optimizer ``settings`` names, over ``params``."""
    if settings.optimizer == "Adam":
        return torch.optim.Adam(params, lr=settings.lr)
    momentum = settings.momentum if settings.optimizer == "SGD + momentum" else 0.0
    return torch.optim.SGD(params, lr=settings.lr, momentum=momentum)


def train_run(settings: RunSettings, train_data, val_data, **options) -> History:
    """Train a fresh model with ``settings``, seeded as the notebooks seed; return its history.

    Takes ``fit``'s options (``callback``, ``callback_every``, ``stop``, ``history``, ...).
    """
    settings.require_valid(len(train_data))
    set_seed(settings.seed)  # the starting weights; the loader's own generator, seeded alike, the order
    model = NeuralNetwork()
    train_loader, val_loader = make_loaders(train_data, val_data, settings.batch_size, seed=settings.seed)
    return fit(model, train_loader, nn.CrossEntropyLoss(), make_optimizer(settings, model.parameters()),
               settings.epochs, val_loader=val_loader, label=settings.label, **options)



def range_test_run(settings: RunSettings, train_data, steps: int = 200):
    """Run the learning-rate range test from the start a run with ``settings`` would have (same seed, batch size
    and optimizer); return its ``RangeTest``."""
    from .lr_finder import range_test

    settings.require_valid(len(train_data))
    set_seed(settings.seed)
    model = NeuralNetwork()
    train_loader = DataLoader(train_data, batch_size=settings.batch_size, shuffle=True,  # the run's first batches
                              generator=torch.Generator().manual_seed(settings.seed))
    return range_test(model, train_loader, nn.CrossEntropyLoss(), make_optimizer(settings, model.parameters()),
                      steps=steps)

@dataclass
class Run:
    """One press of Train: its settings, its history and its wall-clock seconds."""

    settings: RunSettings
    history: History
    seconds: float = 0.0


# The table's columns, shown in the learner's language
COLUMNS = (N_("run"), N_("optimizer"), N_("lr"), N_("momentum"), N_("batch size"), N_("seed"), N_("epochs"),
           N_("best val acc"), N_("seconds"), N_("status"))


def runs_table(runs: list[Run]) -> list[dict]:
    """Return one row per run: its settings, best validation accuracy, seconds and status."""
    return [{
        "run": i,
        "optimizer": run.settings.optimizer,
        "lr": run.settings.lr,
        "momentum": run.settings.momentum if run.settings.optimizer == "SGD + momentum" else None,
        "batch size": run.settings.batch_size,
        "seed": run.settings.seed,
        "epochs": f"{len(run.history)}/{run.settings.epochs}",
        "best val acc": f"{100 * run.history.best_val_acc:.1f}%" if len(run.history) else "-",
        "seconds": f"{run.seconds:.1f}",
        "status": run.history.status,
    } for i, run in enumerate(runs, 1)]


def table_html(rows: list[dict]) -> str:
    """Return ``runs_table`` rows as an HTML table."""
    if not rows:
        return "<i>" + tr("No runs yet.") + "</i>"

    def cell(key, value):
        text = ("-" if value is None else f"{value:.3g}" if key in ("lr", "momentum")
                else tr(value) if key == "status" else str(value))
        return f"<td>{html.escape(text)}</td>"

    head = "".join(f"<th>{html.escape(tr(k))}</th>" for k in rows[0])
    body = "".join("<tr>" + "".join(cell(k, v) for k, v in r.items()) + "</tr>" for r in rows)
    return ("<style>.runs-table td, .runs-table th {padding: 2px 10px; text-align: right}</style>"
            f'<table class="runs-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')
