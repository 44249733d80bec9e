"""The checks of notebook 03_loss."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import nn

from ..i18n import tr
from .checking import Outcome, describe_failure, exercise, report


@exercise("fn")
def check_cross_entropy(fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> Outcome:
    """Check a hand-written cross-entropy against PyTorch's, including very large logits."""
    torch.manual_seed(0)
    logits, y = torch.randn(8, 10), torch.randint(0, 10, (8,))
    for scale, note in ((1.0, tr("ordinary logits")), (1000.0, tr("logits around 1000"))):
        try:
            got = fn(logits * scale, y)
        except Exception as exc:  # the learner's code, run once; say how it failed
            return report(False, "", tr("with {note} your function failed with {failed}.", note=note, failed=describe_failure(exc)))
        if got is None:
            return report(False, "", tr("your function returns nothing: end it with return ..."))
        got = torch.as_tensor(got, dtype=torch.float32)
        want = nn.functional.cross_entropy(logits * scale, y)
        if not torch.isfinite(got):
            return report(False, "", tr("with {note} you get {got}: exp() overflows. Subtract each row's "
                                        "maximum before exponentiating, or use torch.logsumexp.",
                                        note=note, got=float(got)))
        if not torch.allclose(got, want, rtol=1e-4, atol=1e-4):
            return report(False, "", tr("with {note} you get {got:.4f}, PyTorch {want:.4f}. "
                                        "Take -log of the softmax probability of the right class, averaged over "
                                        "the batch.", note=note, got=float(got), want=float(want)))
    return report(True, tr("it matches nn.CrossEntropyLoss, even for huge logits."), "")


@exercise("fn")
def check_accuracy(fn: Callable[[torch.Tensor, torch.Tensor], float]) -> Outcome:
    """Check an accuracy function on class-index and one-hot targets."""
    torch.manual_seed(1)
    logits = torch.randn(50, 10)
    y = torch.randint(0, 10, (50,))
    want = (logits.argmax(1) == y).float().mean().item()
    for targets, kind in ((y, tr("class indices")), (nn.functional.one_hot(y, 10).float(), tr("one-hot rows"))):
        try:
            got = fn(logits, targets)
        except Exception as exc:  # the learner's code, run once; say how it failed
            return report(False, "", tr("with {kind} your function failed with {failed}.", kind=kind, failed=describe_failure(exc)))
        if got is None:
            return report(False, "", tr("your function returns nothing: end it with return ..."))
        got = float(got)
        if got > 1.0 + 1e-9:
            return report(False, "", tr("with {kind} you get {got:.2f}, above 1 (100%): compare one class per "
                                        "image, so turn one-hot rows into indices with argmax(dim=1) first.",
                                        kind=kind, got=got))
        if not math.isclose(got, want, abs_tol=1e-6):
            return report(False, "", tr("with {kind} you get {got:.4f}, expected {want:.4f} (a fraction of images).",
                                        kind=kind, got=got, want=want))
    return report(True, tr("the same answer for both kinds of target, and never above 100%."), "")
