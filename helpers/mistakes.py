"""Read a training history for the signs of the classic mistakes, and say which one it shows.

Each rule looks for a symptom that an honest run of the series' models does not produce. Some mistakes
leave no mark on the per-epoch figures alone; for those the rule needs one more fact, passed by name:
the sizes of the sets (an average of batch means) or the model after the run (evaluation in training
mode). Without it that rule stays silent rather than guess.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from torch import nn

from .i18n import tr


class Finding(NamedTuple):
    mistake: str   # short name, as in notebook 13's gallery
    evidence: str  # what in the history shows it
    fix: str       # what to change

    def __str__(self) -> str:
        return tr("{mistake}: {evidence} Fix: {fix}", mistake=tr(self.mistake), evidence=self.evidence, fix=self.fix)


class Diagnosis(list):
    """The findings, in the order the rules ran; empty when no rule fired. Prints one line per finding."""

    @property
    def mistakes(self) -> list[str]:
        return [f.mistake for f in self]

    def __str__(self) -> str:
        if not self:
            return tr("No known mistake shows in this history.")
        return "\n".join(f"- {f}" for f in self)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


ONE_HOT_ACCURACY = "accuracy above 100%"
TESTED_ON_TRAINING = "tested on the training set"
LAST_BATCH_LOSS = "last batch's loss as the epoch's"
BATCH_MEAN_AVERAGE = "mean of batch means"
NO_ZERO_GRAD = "forgotten zero_grad"
NO_EVAL_MODE = "forgotten model.eval()"
SOFTMAX_LOSS = "loss on softmax outputs"
ORDERED_DATA = "unshuffled, ordered training set"
LR_TOO_HIGH = "learning rate too high"

MISTAKES = (ONE_HOT_ACCURACY, TESTED_ON_TRAINING, LAST_BATCH_LOSS, BATCH_MEAN_AVERAGE, NO_ZERO_GRAD,
            NO_EVAL_MODE, SOFTMAX_LOSS, ORDERED_DATA, LR_TOO_HIGH)

class _Translated(dict):
    """A dict of English texts that hands them out in the language helpers speaks."""

    def __getitem__(self, key):
        return tr(super().__getitem__(key))

    def items(self):
        return [(k, tr(v)) for k, v in super().items()]

    def values(self):
        return [tr(v) for v in super().values()]


# What each rule looks for, in the order diagnose() runs them.
RULES = _Translated({
    ONE_HOT_ACCURACY: "any accuracy above 100%",
    LR_TOO_HIGH: "a loss that is NaN or infinite, or a run fit() stopped as diverged (the rules below are "
                 "then skipped)",
    SOFTMAX_LOSS: "no loss below log(1 + (classes - 1)/e), 1.461 for 10 classes, while accuracy reaches 60%",
    TESTED_ON_TRAINING: "an evaluation accuracy of 95% or more, or an evaluation set as large as the training set",
    ORDERED_DATA: "training accuracy of 50% or more in an epoch whose evaluation accuracy is 20% or less",
    NO_ZERO_GRAD: "the run learned (training accuracy 40% or more), then in its last epoch the training loss "
                  "stood a fifth above its lowest and the training accuracy 2 points below its best",
    LAST_BATCH_LOSS: "an epoch where the training loss rose by a tenth, and by 0.1 or more, while the training "
                     "accuracy rose by half a point or more (unless the rule above fired)",
    BATCH_MEAN_AVERAGE: "an accuracy that is not a whole number of images out of its set's size (needs "
                        "train_size or eval_size)",
    NO_EVAL_MODE: "the model still in training mode after its evaluation, with dropout or batch norm (needs the "
                  "model as the last evaluation left it)",
})


def softmax_loss_floor(num_classes: int = 10) -> float:
    """The lowest cross-entropy a model can reach when its outputs are already probabilities.

    Cross-entropy applies softmax itself; fed numbers between 0 and 1, its best case is a 1 for the right
    class and 0 elsewhere, which softmax turns into e / (e + num_classes - 1), a loss of log(1 + (C-1)/e).
    """
    return math.log(1 + (num_classes - 1) / math.e)


def _get(history, name: str) -> list[float]:
    if isinstance(history, dict):
        return [float(v) for v in history.get(name, [])]
    return [float(v) for v in getattr(history, name, [])]


def _eval_lists(history) -> tuple[list[float], list[float]]:
    val_loss, val_acc = _get(history, "val_loss"), _get(history, "val_acc")
    if val_loss or val_acc:
        return val_loss, val_acc
    return _get(history, "test_loss"), _get(history, "test_acc")


def _not_a_count(acc: float, size: int) -> bool:
    """True when ``acc`` times ``size`` is not a whole number of images (beyond float rounding)."""
    return math.isfinite(acc) and abs(acc * size - round(acc * size)) > 1e-6 * max(1, size)


def diagnose(history, *, train_size: int | None = None, eval_size: int | None = None,
             model: nn.Module | None = None, num_classes: int = 10) -> Diagnosis:
    """Return the mistakes ``history`` shows (a ``History``, or a dict of per-epoch lists).

    ``train_size`` and ``eval_size``: the number of images in the training and evaluation sets, for the
    check that an accuracy is a count divided by them. ``model``: the model right after the run, for the
    check that evaluation ran in eval mode.
    """
    train_loss, train_acc = _get(history, "train_loss"), _get(history, "train_acc")
    eval_loss, eval_acc = _eval_lists(history)
    status = history.get("status", "") if isinstance(history, dict) else getattr(history, "status", "")
    found = Diagnosis()

    if any(a > 1 for a in train_acc + eval_acc):
        found.append(Finding(
            ONE_HOT_ACCURACY,
            tr("an accuracy of {acc:.1f}% counts more matches than there are images.",
               acc=100 * max(train_acc + eval_acc)),
            tr("compare predicted classes with class indices: pred.argmax(1) == y with y of shape [batch]; for "
               "one-hot targets use y.argmax(1), and divide by the number of images.")))

    if status == "diverged" or any(not math.isfinite(v) for v in train_loss + eval_loss):
        found.append(Finding(
            LR_TOO_HIGH,
            tr("the loss became NaN or infinite: the steps threw the weights so far that the numbers overflowed."),
            tr("lower the learning rate (by 10 to start with), or find one with a range test (notebook 11).")))
        return found  # the other rules read trends, which a diverged run does not have

    floor = softmax_loss_floor(num_classes)
    losses = train_loss + eval_loss
    if losses and min(losses) >= floor - 1e-4 and max(train_acc + eval_acc, default=0) >= 0.6:
        found.append(Finding(
            SOFTMAX_LOSS,
            tr("the loss never went below {floor:.3f}, the floor for probabilities fed to cross-entropy, while "
               "accuracy reached {acc:.0f}%.", floor=floor, acc=100 * max(train_acc + eval_acc)),
            tr("give nn.CrossEntropyLoss the raw scores (logits): remove the softmax at the end of the model; "
               "apply softmax only when you want probabilities to show.")))

    if eval_size is not None and train_size is not None and eval_size == train_size:
        found.append(Finding(
            TESTED_ON_TRAINING,
            tr("the evaluation set has exactly as many images as the training set ({n:,}).", n=eval_size),
            tr("evaluate on images the model never trained on: a validation split, and the test set once at the end.")))
    elif max((a for a in eval_acc if a <= 1), default=0) >= 0.95:
        found.append(Finding(
            TESTED_ON_TRAINING,
            tr("evaluation accuracy reached {acc:.1f}%; no model in this series comes near 95% on "
               "FashionMNIST images it has not trained on, so these images were seen in training.",
               acc=100 * max(eval_acc)),
            tr("evaluate on images the model never trained on: a validation split, and the test set once at the end.")))

    if any(t >= 0.5 and e <= 0.2 for t, e in zip(train_acc, eval_acc)):
        found.append(Finding(
            ORDERED_DATA,
            tr("the model was right on most training batches while it trained, yet near chance on the evaluation "
               "set: each batch held one class, and the model learned only the class it saw last."),
            tr("shuffle the training set: DataLoader(train_data, batch_size=64, shuffle=True).")))

    if (len(train_acc) >= 2 and max(train_acc) >= 0.4 and train_acc[-1] < max(train_acc) - 0.02
            and train_loss[-1] > 1.2 * min(train_loss)):
        found.append(Finding(
            NO_ZERO_GRAD,
            tr("the model learned (training accuracy up to {acc:.0f}%), then got worse: the loss rose and the "
               "accuracy fell, as when gradients pile up across batches and every step outgrows the last.",
               acc=100 * max(train_acc)),
            tr("call optimizer.zero_grad() in every batch, before loss.backward(). (If it is there, the "
               "learning rate is too high for this model.)")))

    same_way = [i + 1 for i in range(1, len(train_loss))
                if train_loss[i] >= max(train_loss[i - 1] * 1.1, train_loss[i - 1] + 0.1)
                and train_acc[i] >= train_acc[i - 1] + 0.005]
    if same_way and NO_ZERO_GRAD not in found.mistakes:
        found.append(Finding(
            LAST_BATCH_LOSS,
            tr("in epoch {epoch} the training loss rose while the training accuracy rose too; an average "
               "over the epoch does not do that, one batch's loss does.", epoch=same_way[0]),
            tr("add each batch's loss times its size, and divide by the number of images at the end of the epoch.")))

    for name, accs, size in (("training", train_acc, train_size), ("evaluation", eval_acc, eval_size)):
        if size and any(_not_a_count(a, size) for a in accs):
            found.append(Finding(
                BATCH_MEAN_AVERAGE,
                tr("a {name} accuracy is not a whole number of images out of {size:,}: it is an average of "
                   "per-batch figures, where the short last batch weighs as much as a full one.",
                   name=tr(name), size=size),
                tr("count correct predictions and images over the whole epoch, and divide once at the end "
                   "(the same for the loss: sum loss x batch size).")))
            break

    if model is not None and model.training and any(
            isinstance(m, (nn.modules.dropout._DropoutNd, nn.modules.batchnorm._BatchNorm)) for m in model.modules()):
        found.append(Finding(
            NO_EVAL_MODE,
            tr("the model is still in training mode after its evaluation, and it has dropout or batch norm, "
               "which behave differently there: the evaluation figures came from a randomly thinned network."),
            tr("call model.eval() before evaluating (and model.train() before training again).")))
    return found
