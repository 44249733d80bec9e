"""The checks of notebook 13_mistakes."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import nn

from ..i18n import tr
from .checking import Outcome, answer_of, describe_failure, exercise, report


@exercise("count_correct")
def check_count_correct(count_correct: Callable) -> Outcome:
    """Check a count of right answers against one-hot targets, for batch sizes 10 (= classes), 64 and 3."""
    gen = torch.Generator().manual_seed(13)
    for batch in (10, 64, 3):
        pred = torch.randn(batch, 10, generator=gen)
        labels = torch.randint(0, 10, (batch,), generator=gen)
        labels[: batch // 2] = pred[: batch // 2].argmax(1)  # about half of them right
        y = nn.functional.one_hot(labels, num_classes=10).float()
        try:
            answer = count_correct(pred, y)
        except Exception as exc:  # the learner's code, run once; say how it failed
            return report(False, "", tr("with a batch of {batch}, count_correct failed with {failed}.",
                                        batch=batch, failed=describe_failure(exc)))
        got, want = answer, int((pred.argmax(1) == labels).sum())
        if got is None or float(got) != want:
            extra = tr(" (a batch of 10 hides the broadcasting mistake: 100 comparisons)") if batch == 10 else ""
            return report(False, "", tr("with a batch of {batch} you count {got}, the right count is {want}{extra}. "
                                        "Turn both into class numbers of shape [batch] before comparing: "
                                        "pred.argmax(1) and y.argmax(1).",
                                        batch=batch, got=got, want=want, extra=extra))
    return report(True, tr("right for batches of 10, 64 and 3: class numbers compared with class numbers."), "")


@exercise("epoch_mean")
def check_epoch_mean(epoch_mean: Callable) -> Outcome:
    """Check a mean over images from per-batch means and sizes, with a short last batch."""
    losses = torch.rand(103, generator=torch.Generator().manual_seed(13)).tolist()
    sizes = [32, 32, 32, 7]
    means, start = [], 0
    for n in sizes:
        means.append(sum(losses[start:start + n]) / n)
        start += n
    answer = answer_of(epoch_mean, means, sizes, call="epoch_mean(batch_means, batch_sizes)")
    got, want = answer, sum(losses) / len(losses)
    if got is not None and math.isclose(float(got), want, rel_tol=1e-9):
        return report(True, tr("the mean over all {n} images, with the short last batch weighed by its size.",
                               n=len(losses)), "")
    if got is not None and math.isclose(float(got), sum(means) / len(means), rel_tol=1e-9):
        return report(False, "", tr("that is the mean of the batch means: the last batch of 7 counts as much as a "
                                    "batch of 32. Multiply each mean by its batch's size, add them up, divide by the "
                                    "images."))
    return report(False, "", tr("you give {got}, the mean over the images is {want:.6f}: add up mean x size for "
                                "every batch and divide by the total number of images.", got=got, want=want))
