"""The checks of notebook 09_capstone."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import torch
from torch import nn

from ..i18n import tr
from .checking import Outcome, exercise, report


class _Batch(torch.Tensor):
    """A batch that counts, in its run's ``state``, how often it is moved with ``.to()``: a device-aware loop
    moves every one."""

    def to(self, *args, **kwargs):
        self.state["moves"] += 1
        return super().to(*args, **kwargs).as_subclass(torch.Tensor)


class _WatchedLoader:
    """Wraps a DataLoader: yields its batches as ``_Batch`` and notes which loader the loop is reading."""

    def __init__(self, loader, phase: str, state: dict):
        self.loader, self.phase, self.state = loader, phase, state

    def __len__(self) -> int:
        return len(self.loader)

    def __getattr__(self, name):  # dataset, batch_size, ...: the wrapped loader's
        return getattr(self.loader, name)

    def __iter__(self):
        for X, y in self.loader:
            self.state["phase"] = self.phase
            batch = X.as_subclass(_Batch), y.as_subclass(_Batch)
            for tensor in batch:
                tensor.state = self.state
            yield batch


def _capstone_setting(train_data, seed: int = 0):
    """Return the check's model, optimizer and loaders: 2,000 training and 1,000 validation images from
    ``train_data``, batches that leave a short last batch, and a rate that over-fits within a few epochs."""
    from torch.utils.data import DataLoader

    from ...data import InMemoryDataset
    from ...models import NeuralNetwork
    from ...training import set_seed

    train = InMemoryDataset(train_data.images[:2000], train_data.targets[:2000], train_data.classes)
    val = InMemoryDataset(train_data.images[2000:3000], train_data.targets[2000:3000], train_data.classes)
    set_seed(seed)
    model = NeuralNetwork()
    optimizer = torch.optim.Adam(model.parameters(), lr=CAPSTONE_LR)
    return (model, optimizer, DataLoader(train, batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(seed)),
            DataLoader(val, batch_size=256))


CAPSTONE_LR = 3e-3


def _close(a: torch.Tensor, b: torch.Tensor) -> bool:
    """Equal up to float rounding: a loop that sums in another order ends a hair away, not elsewhere."""
    return a.shape == b.shape and torch.allclose(a.float(), b.float(), rtol=1e-4, atol=1e-6)


def _capstone_reference(train_data, epochs: int, patience: int | None):
    """Run ``helpers.fit`` on the check's setting; return its history and the weights of its best epoch."""
    import contextlib
    import io
    import threading

    from ...training import fit

    model, optimizer, train_loader, val_loader = _capstone_setting(train_data)
    best = {"loss": float("inf"), "epoch": 0, "weights": None}
    stop = threading.Event()

    def keep_best(history):
        if history.val_loss[-1] < best["loss"]:
            best.update(loss=history.val_loss[-1], epoch=len(history),
                        weights={k: v.clone() for k, v in model.state_dict().items()})
        elif patience is not None and len(history) - best["epoch"] >= patience:
            stop.set()

    with contextlib.redirect_stdout(io.StringIO()):  # fit announces a stop; the check speaks for itself
        history = fit(model, train_loader, nn.CrossEntropyLoss(), optimizer, epochs, val_loader=val_loader,
                      callback=keep_best, stop=stop)
    return history, best


class _CapstoneRun(NamedTuple):
    """What the learner's loop did, beside what ``helpers.fit`` did on the same start and batches."""

    got: dict            # the learner's lists, by key
    reference: object    # fit's History
    best: dict           # fit's best epoch: its number and weights
    patience: int | None
    moves: int           # batches moved with .to()
    batches: int         # batches that should have been moved
    calls: list          # (phase, training mode, gradients on) of every forward pass
    saved: dict | None   # what the loop saved at best_path
    final: dict          # the model's weights when the loop returned


_CAPSTONE_KEYS = ("train_loss", "train_acc", "val_loss", "val_acc")


def _one_value_per_epoch(run: _CapstoneRun) -> str | None:
    if any(not isinstance(v, (list, tuple)) for v in run.got.values()):
        return tr("return a dict with the lists {keys}: one number per epoch each.", keys=", ".join(_CAPSTONE_KEYS))
    n = len(run.reference)
    if any(len(v) != n for v in run.got.values()):
        lengths = ", ".join(f"{k} {len(v)}" for k, v in run.got.items())
        return (tr("helpers.fit ran {n} epochs here", n=n)
                + (tr(" (best at epoch {best}, then {patience} without improving)", best=run.best["epoch"],
                      patience=run.patience) if run.patience is not None else "")
                + tr(", but your lists hold {lengths}. ", lengths=lengths)
                + (tr("Append one value per epoch, and stop once `patience` epochs in a row have not improved on "
                      "the best validation loss.") if run.patience is not None else tr("Append one value per epoch.")))
    return None


def _every_batch_moved(run: _CapstoneRun) -> str | None:
    if run.moves < run.batches:
        return tr("move every batch, images and labels, to the device: X, y = X.to(device), y.to(device), in both "
                  "loops. On a GPU the model's weights are there and the batches must be too.")
    return None


def _modes_and_gradients(run: _CapstoneRun) -> str | None:
    for phase, want_training, want_grad in (("train", True, True), ("val", False, False)):
        for _, training, grad in (c for c in run.calls if c[0] == phase):
            if training != want_training:
                return (tr("during training the model was in eval mode: call model.train() at the start of each "
                           "training pass, every epoch.") if phase == "train" else
                        tr("during validation the model was in train mode: call model.eval() at the start of each "
                           "validation pass, every epoch."))
            if grad != want_grad:
                return (tr("validation should not track gradients: run it inside torch.no_grad() or "
                           "torch.set_grad_enabled(False).") if phase == "val" else
                        tr("training needs gradients: run it with torch.set_grad_enabled(True) (or outside no_grad)."))
    return None


def _figures_match_fit(run: _CapstoneRun) -> str | None:
    for key in _CAPSTONE_KEYS:
        want = getattr(run.reference, key)
        wrong = [i for i, (a, b) in enumerate(zip(run.got[key], want))
                 if not math.isclose(float(a), b, rel_tol=1e-5, abs_tol=1e-6)]
        if wrong:
            first = wrong[0]
            return (tr("{key} in epoch {epoch} is {got:.6f}, helpers.fit measured {want:.6f}. ",
                       key=key, epoch=first + 1, got=float(run.got[key][first]), want=want[first])
                    + (tr("Average per sample: add each batch's mean loss times its size, then divide by the number "
                          "of samples (the last batch is smaller).") if key.endswith("loss") else
                       tr("Accuracy is the fraction (0 to 1) of samples whose largest logit is the right class, over "
                          "all samples seen in the pass."))
                    + (tr(" For the training figures, use each batch's loss and predictions as it trains (before its "
                          "step), as fit does.") if key.startswith("train") else ""))
    return None


def _best_epoch_saved(run: _CapstoneRun) -> str | None:
    if run.saved is None:
        return tr("nothing was saved at best_path: torch.save(model.state_dict(), best_path) whenever the "
                  "validation loss beats every earlier epoch's.")
    weights = run.best["weights"]
    if set(run.saved) != set(weights) or not all(_close(run.saved[k], weights[k]) for k in run.saved):
        return tr("the file at best_path does not hold epoch {best}'s weights, the epoch with the lowest "
                  "validation loss. Save whenever the loss is lower than every earlier epoch's (strictly lower), "
                  "right after that epoch's validation pass.", best=run.best["epoch"])
    return None


def _best_epoch_restored(run: _CapstoneRun) -> str | None:
    if not all(_close(run.final[k], run.best["weights"][k]) for k in run.final):
        return tr("after the run the model should hold the best epoch's weights (epoch {best} of {n}): load them "
                  "back with model.load_state_dict(torch.load(best_path, weights_only=True)) before returning.",
                  best=run.best["epoch"], n=len(run.reference))
    return None


# What the capstone's loop must do, in the order a learner would fix it; each names its fix.
CAPSTONE_CHECKS = (_one_value_per_epoch, _every_batch_moved, _modes_and_gradients, _figures_match_fit,
                   _best_epoch_saved, _best_epoch_restored)


@exercise("train_and_validate")
def check_capstone(train_and_validate: Callable, train_data, epochs: int = 6, patience: int | None = None) -> Outcome:
    """Run a learner's train/validation loop beside ``helpers.fit`` on the same start and the same batches.

    It must move every batch to ``device``, train in train mode with gradients and validate in eval mode
    without, return per-sample mean losses and accuracies per epoch, save the best epoch's
    ``state_dict`` to ``best_path`` and load it back at the end; with ``patience``, stop as 08 does.
    """
    import tempfile
    from pathlib import Path

    reference, best = _capstone_reference(train_data, epochs, patience)
    model, optimizer, train_loader, val_loader = _capstone_setting(train_data)
    state: dict = {"phase": None, "moves": 0}
    calls: list[tuple[str, bool, bool]] = []
    hook = model.register_forward_hook(lambda m, i, o: calls.append((state["phase"], m.training, torch.is_grad_enabled())))
    args = [model, _WatchedLoader(train_loader, "train", state), _WatchedLoader(val_loader, "val", state),
            nn.CrossEntropyLoss(), optimizer, epochs, torch.device("cpu")]
    name = "train_and_validate(" + ", ".join(["model", "train_loader", "val_loader", "loss_fn", "optimizer",
                                              str(epochs), "device", "best_path"]) + \
        (f", patience={patience})" if patience is not None else ")")
    with tempfile.TemporaryDirectory() as folder:
        best_path = Path(folder) / "best.pt"
        try:
            result = (train_and_validate(*args, best_path) if patience is None
                      else train_and_validate(*args, best_path, patience=patience))
        except Exception as exc:  # a learner's loop can fail in any way; say how
            return report(False, "", tr("{call} failed with {error_type}: {error}",
                                        call=name, error_type=type(exc).__name__, error=exc))
        finally:
            hook.remove()
        saved = torch.load(best_path, weights_only=True) if best_path.exists() else None

    n = len(reference)
    run = _CapstoneRun(got={k: (result.get(k) if isinstance(result, dict) else getattr(result, k, None))
                            for k in _CAPSTONE_KEYS},
                       reference=reference, best=best, patience=patience, moves=state["moves"],
                       batches=2 * n * (len(train_loader) + len(val_loader)), calls=calls, saved=saved,
                       final=model.state_dict())
    for sub_check in CAPSTONE_CHECKS:
        hint = sub_check(run)
        if hint:
            return report(False, "", hint)
    return report(True, tr("your loop matches helpers.fit epoch for epoch ({n} epochs", n=n)
                  + (tr(", stopped {patience} after the best", patience=patience) if patience is not None else "")
                  + tr(") and kept epoch {best}'s weights.", best=best["epoch"]), "")
