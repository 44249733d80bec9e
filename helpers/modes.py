"""Watch the mode a model runs each forward pass in: with gradients or without, in training or eval mode."""

from __future__ import annotations

import torch
from torch import nn


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


def record_modes(model: nn.Module) -> ModeLog:
    """Note the mode of every forward pass of ``model`` from now on, for ``diagnose(..., modes=log)``.

    A pass made without gradients (inside ``torch.no_grad()``) counts as an evaluation. What counts is the mode
    during that pass, not the mode the model is left in afterwards: an ``evaluate`` that ends with
    ``model.train()`` is honest."""
    return ModeLog(model)
