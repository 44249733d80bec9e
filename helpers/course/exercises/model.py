"""The checks of notebook 02_model."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from ..i18n import tr
from .checking import Outcome, answer_of, exercise, report


@exercise("model", "guess", todo="replace the None (or ...) above with your answer")
def check_parameter_guess(model: nn.Module, guess: int) -> Outcome:
    """Check a guessed parameter count against the model's real one."""
    real = sum(p.numel() for p in model.parameters())
    try:
        out = model(torch.zeros(2, 1, 28, 28))
    except Exception as exc:  # e.g. no nn.Flatten(): a Linear layer is handed images of shape [1, 28, 28]
        return report(False, "", tr("calling the model on a batch of images failed with {failed}. It gets images "
                                    "of shape [1, 28, 28]: does it start with nn.Flatten()?",
                                    failed=f"{type(exc).__name__}: {exc}"))
    if out.shape != (2, 10):
        return report(False, "", tr("the model should output 10 scores per image, it gives shape {shape}.",
                                    shape=list(out.shape)))
    return report(
        int(guess) == real,
        tr("{real:,} parameters.", real=real),
        tr("the model has {real:,}, you guessed {guess:,}. A Linear(a, b) layer holds a*b weights and b biases.",
           real=real, guess=int(guess)),
    )


@exercise("predict")
def check_predict(predict: Callable[[nn.Module, torch.Tensor], torch.Tensor]) -> Outcome:
    """Check a function that returns the predicted class of each image."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    X = torch.rand(7, 1, 28, 28)
    got = answer_of(predict, model, X, call="predict(model, X)")
    want = model(X).argmax(dim=1)
    if not isinstance(got, torch.Tensor) or got.shape != want.shape:
        return report(False, "", tr("return one class index per image: a tensor of shape {shape}.",
                                    shape=list(want.shape)))
    return report(torch.equal(got.long(), want), tr("the class with the largest logit is the prediction."),
                  tr("the prediction is the index of the largest logit along dimension 1."))
