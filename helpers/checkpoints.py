"""Save a run and resume it exactly: model, optimizer, history, epoch and random-number state."""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path

import torch
from torch import nn

from .course.i18n import tr
from .training import History

FORMAT = 1


class CheckpointError(RuntimeError):
    """A checkpoint could not be written or read; the message says why and what to do."""


def save_checkpoint(
    path: str | os.PathLike,
    model: nn.Module,
    optimizer: torch.optim.Optimizer | None = None,
    history: History | None = None,
    scheduler=None,
    train_loader=None,
) -> Path:
    """Write everything needed to resume training to ``path``, atomically; return the path.

    The file appears only once it is complete (it is written beside it, then renamed), so an
    interrupted save leaves the previous checkpoint untouched. ``train_loader`` keeps its
    shuffling generator's state, if it has one, so a resumed run sees the same batches.
    """
    path = Path(path)
    generator = getattr(train_loader, "generator", None)
    state = {
        "format": FORMAT,
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict() if optimizer is not None else None,
        "scheduler": scheduler.state_dict() if scheduler is not None else None,
        "history": history.as_dict() if history is not None else None,
        "label": history.label if history is not None else "",
        "epoch": len(history) if history is not None else None,
        "torch_rng": torch.get_rng_state(),
        "loader_rng": generator.get_state() if generator is not None else None,
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise CheckpointError(tr("Cannot write in {folder} ({why}); choose a folder you can write to.",
                                 folder=path.parent, why=exc.strerror)) from exc
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(state, f)
        os.replace(tmp, path)
    except BaseException as exc:  # an interrupt too: never leave half a file behind
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise CheckpointError(tr("Could not write {path} ({why}); free some disk space or choose another "
                                     "folder. The previous checkpoint, if any, is unchanged.",
                                     path=path, why=exc.strerror)) from exc
        raise
    return path


def load_checkpoint(
    path: str | os.PathLike,
    model: nn.Module,
    optimizer: torch.optim.Optimizer | None = None,
    scheduler=None,
    train_loader=None,
) -> History | None:
    """Load ``path`` into the model (and optimizer, scheduler, loader's generator); return the saved history.

    Reads with ``weights_only=True``: a file that carries arbitrary Python objects is refused,
    since unpickling them could run code.
    """
    path = Path(path)
    if not path.exists():
        raise CheckpointError(tr("No checkpoint at {path}. Check the path, or train first and save_checkpoint().", path=path))
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        if "global" not in str(exc).lower():  # not an object it refused, but bytes that are no checkpoint at all
            raise CheckpointError(tr("{path} is damaged or not a checkpoint ({why}). Use an earlier one.",
                                     path=path, why=str(exc).splitlines()[0])) from exc
        raise CheckpointError(tr(
            "Refused to load {path}: it holds Python objects other than tensors and plain data, and loading "
            "those could run code. Only load checkpoints you made or trust; this one was not made by "
            "save_checkpoint.", path=path)) from exc
    except (RuntimeError, EOFError) as exc:
        raise CheckpointError(tr("{path} is damaged or not a checkpoint ({why}). Use an earlier one.",
                                 path=path, why=exc)) from exc
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise CheckpointError(tr("{path} is not a checkpoint written by save_checkpoint.", path=path))
    try:
        model.load_state_dict(state["model"])
    except RuntimeError as exc:
        raise CheckpointError(tr("{path} does not fit this model: build the same architecture it was saved from. "
                                 "({why})", path=path, why=str(exc).splitlines()[0])) from exc
    if optimizer is not None and state["optimizer"] is not None:
        optimizer.load_state_dict(state["optimizer"])
    if scheduler is not None and state["scheduler"] is not None:
        scheduler.load_state_dict(state["scheduler"])
    torch.set_rng_state(state["torch_rng"])
    generator = getattr(train_loader, "generator", None)
    if generator is not None and state["loader_rng"] is not None:
        generator.set_state(state["loader_rng"])
    if state["history"] is None:
        return None
    return History.from_dict(state["history"], label=state.get("label", ""))
