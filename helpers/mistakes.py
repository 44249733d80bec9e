"""Read a training history for the signs of the classic mistakes, and say which one it shows.

Each rule looks for a symptom that an honest run of the series' models does not produce. Some mistakes
leave no mark on the per-epoch figures alone; for those the rule needs one more fact, passed by name:
the size of the evaluation set (an average of batch means), the two datasets (evaluation on training
images), or the modes the model ran in while it was evaluated (``record_modes``). Without it that rule
stays silent rather than guess.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from typing import NamedTuple

from .course.i18n import N_, tr
from .evidence import Evidence, ModeLog, read_evidence, record_modes  # noqa: F401  (13 imports record_modes)


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

    @property
    def names(self) -> list[str]:
        """The mistakes' names in the language helpers speaks (``mistakes`` keeps the English ones)."""
        return [tr(f.mistake) for f in self]

    def __str__(self) -> str:
        if not self:
            return tr("No known mistake shows in this history.")
        return "\n".join(f"- {f}" for f in self)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


ONE_HOT_ACCURACY = N_("accuracy above 100%")
TESTED_ON_TRAINING = N_("tested on the training set")
LAST_BATCH_LOSS = N_("last batch's loss as the epoch's")
BATCH_MEAN_AVERAGE = N_("mean of batch means")
NO_ZERO_GRAD = N_("forgotten zero_grad")
NO_EVAL_MODE = N_("forgotten model.eval()")
SOFTMAX_LOSS = N_("loss on softmax outputs")
ORDERED_DATA = N_("unshuffled, ordered training set")
LR_TOO_HIGH = N_("learning rate too high")
NLL_ON_SCORES = N_("NLLLoss on raw scores")
TRAIN_MODE_NOT_RESTORED = N_("model.train() never restored")

MISTAKES = (ONE_HOT_ACCURACY, TESTED_ON_TRAINING, LAST_BATCH_LOSS, BATCH_MEAN_AVERAGE, NO_ZERO_GRAD,
            NO_EVAL_MODE, SOFTMAX_LOSS, ORDERED_DATA, LR_TOO_HIGH, NLL_ON_SCORES, TRAIN_MODE_NOT_RESTORED)

# The thresholds the rules use, by name.
SEEN_IN_TRAINING = 0.95      # no model of the series reaches this on FashionMNIST images it never trained on
SOFTMAX_ACCURACY = 0.6       # accuracy by which a loss stuck at the softmax floor is suspicious
ORDERED_TRAIN, ORDERED_EVAL = 0.5, 0.2
PILED_UP_LEARNED, PILED_UP_LOSS, PILED_UP_ACC = 0.4, 1.2, 0.02
JUMP_RATIO, JUMP_ABSOLUTE, JUMP_ACC = 1.1, 0.1, 0.005


def softmax_loss_floor(num_classes: int = 10) -> float:
    """The lowest cross-entropy a model can reach when its outputs are already probabilities.

    Cross-entropy applies softmax itself; fed numbers between 0 and 1, its best case is a 1 for the right
    class and 0 elsewhere, which softmax turns into e / (e + num_classes - 1), a loss of log(1 + (C-1)/e).
    """
    return math.log(1 + (num_classes - 1) / math.e)


def _not_a_count(acc: float, size: int) -> bool:
    """True when ``acc`` times ``size`` is not a whole number of images (beyond float rounding)."""
    return math.isfinite(acc) and abs(acc * size - round(acc * size)) > 1e-6 * max(1, size)


def _one_hot_accuracy(e: Evidence, found: Diagnosis) -> Finding | None:
    if any(a > 1 for a in e.train_acc + e.eval_acc):
        return Finding(
            ONE_HOT_ACCURACY,
            tr("an accuracy of {acc:.1f}% counts more matches than there are images.",
               acc=100 * max(e.train_acc + e.eval_acc)),
            tr("compare predicted classes with class indices: pred.argmax(1) == y with y of shape [batch]; for "
               "one-hot targets use y.argmax(1), and divide by the number of images."))
    return None


def _loss_below_zero(e: Evidence, found: Diagnosis) -> Finding | None:
    below = [v for v in e.train_loss + e.eval_loss if v < 0]
    if below:
        return Finding(
            NLL_ON_SCORES,
            tr("a loss of {loss:.3g}: cross-entropy is never below 0, since it is minus the log of a probability. "
               "nn.NLLLoss was given raw scores, which it does not turn into log-probabilities, so training "
               "pushes the right class's score up without end.", loss=min(below)),
            tr("use nn.CrossEntropyLoss on the raw scores (it applies log_softmax itself), or put "
               "nn.LogSoftmax(dim=1) at the end of the model before nn.NLLLoss."))
    return None


def _diverged(e: Evidence, found: Diagnosis) -> Finding | None:
    if NLL_ON_SCORES in found.mistakes:
        return None  # scores pushed up without end overflow too; the cause is the loss, not the rate
    if e.status == "diverged" or any(not math.isfinite(v) for v in e.train_loss + e.eval_loss):
        return Finding(
            LR_TOO_HIGH,
            tr("the loss became NaN or infinite: the steps threw the weights so far that the numbers overflowed."),
            tr("lower the learning rate (by 10 to start with), or find one with a range test (notebook 11)."))
    return None


def _stuck_at_the_softmax_floor(e: Evidence, found: Diagnosis) -> Finding | None:
    floor = softmax_loss_floor(e.num_classes)
    losses = e.train_loss + e.eval_loss
    best = max(e.train_acc + e.eval_acc, default=0)
    if losses and min(losses) >= floor - 1e-4 and best >= SOFTMAX_ACCURACY:
        return Finding(
            SOFTMAX_LOSS,
            tr("the loss never went below {floor:.3f}, the floor for probabilities fed to cross-entropy, while "
               "accuracy reached {acc:.0f}%.", floor=floor, acc=100 * best),
            tr("give nn.CrossEntropyLoss the raw scores (logits): remove the softmax at the end of the model; "
               "apply softmax only when you want probabilities to show."))
    return None


def _evaluated_on_training_images(e: Evidence, found: Diagnosis) -> Finding | None:
    fix = tr("evaluate on images the model never trained on: a validation split, and the test set once at the end.")
    if e.shared:
        return Finding(TESTED_ON_TRAINING, tr("the evaluation set shares {n:,} images with the training set.",
                                              n=e.shared), fix)
    if max((a for a in e.eval_acc if a <= 1), default=0) >= SEEN_IN_TRAINING:
        return Finding(
            TESTED_ON_TRAINING,
            tr("evaluation accuracy reached {acc:.1f}%; no model in this series comes near 95% on "
               "FashionMNIST images it has not trained on, so these images were seen in training.",
               acc=100 * max(e.eval_acc)), fix)
    return None


def _right_in_training_wrong_in_evaluation(e: Evidence, found: Diagnosis) -> Finding | None:
    if any(t >= ORDERED_TRAIN and v <= ORDERED_EVAL for t, v in zip(e.train_acc, e.eval_acc)):
        return Finding(
            ORDERED_DATA,
            tr("the model was right on most training batches while it trained, yet near chance on the evaluation "
               "set. The usual cause: each batch held one class, and the model learned only the class it saw "
               "last. Another with the same symptom: the evaluation images or labels are prepared differently "
               "from the training ones (another normalisation, another label order)."),
            tr("shuffle the training set: DataLoader(train_data, batch_size=64, shuffle=True). If it is shuffled, "
               "prepare the evaluation data exactly as the training data."))
    return None


def _learned_then_unravelled(e: Evidence, found: Diagnosis) -> Finding | None:
    acc, loss = e.train_acc, e.train_loss
    if (len(acc) >= 2 and max(acc) >= PILED_UP_LEARNED and acc[-1] < max(acc) - PILED_UP_ACC
            and loss[-1] > PILED_UP_LOSS * min(loss)):
        return Finding(
            NO_ZERO_GRAD,
            tr("the model learned (training accuracy up to {acc:.0f}%), then got worse: the loss rose and the "
               "accuracy fell, as when gradients pile up across batches and every step outgrows the last.",
               acc=100 * max(acc)),
            tr("call optimizer.zero_grad() in every batch, before loss.backward(). (If it is there, the "
               "learning rate is too high for this model.)"))
    return None


def _loss_and_accuracy_rose_together(e: Evidence, found: Diagnosis) -> Finding | None:
    loss, acc = e.train_loss, e.train_acc
    same_way = [i + 1 for i in range(1, len(loss))
                if loss[i] >= max(loss[i - 1] * JUMP_RATIO, loss[i - 1] + JUMP_ABSOLUTE)
                and acc[i] >= acc[i - 1] + JUMP_ACC]
    if same_way and NO_ZERO_GRAD not in found.mistakes:
        return Finding(
            LAST_BATCH_LOSS,
            tr("in epoch {epoch} the training loss rose by a tenth or more while the training accuracy rose too. "
               "An epoch's average can move that way (more confident wrong answers raise the loss), but rarely "
               "by so much; one batch's loss standing in for the epoch's does it all the time.", epoch=same_way[0]),
            tr("add each batch's loss times its size, and divide by the number of images at the end of the epoch."))
    return None


def _accuracy_not_a_count(e: Evidence, found: Diagnosis) -> Finding | None:
    if e.eval_size and any(_not_a_count(a, e.eval_size) for a in e.eval_acc):
        return Finding(
            BATCH_MEAN_AVERAGE,
            tr("an evaluation accuracy is not a whole number of images out of {size:,}: it is an average of "
               "per-batch figures, where the short last batch weighs as much as a full one.", size=e.eval_size),
            tr("count correct predictions and images over the whole epoch, and divide once at the end "
               "(the same for the loss: sum loss x batch size)."))
    return None


def _evaluated_in_training_mode(e: Evidence, found: Diagnosis) -> Finding | None:
    if e.modes is not None and e.modes.stochastic and e.modes.evaluations_in_train_mode:
        return Finding(
            NO_EVAL_MODE,
            tr("{n} forward passes without gradients (evaluations) ran in training mode, in a model with dropout or "
               "batch norm, which behave differently there: dropout thins the network at random, and batch norm "
               "uses each batch's own statistics and updates its running ones, so the evaluation figures depend "
               "on chance and on the batching.", n=e.modes.evaluations_in_train_mode),
            tr("call model.eval() before evaluating (and model.train() before training again)."))
    return None


def _trained_in_eval_mode(e: Evidence, found: Diagnosis) -> Finding | None:
    steps = e.modes.trainings_in_eval_mode if e.modes is not None and e.modes.stochastic else 0
    if not steps:
        return None
    return Finding(
        TRAIN_MODE_NOT_RESTORED,
        tr("{n} forward passes with gradients (training steps) ran in eval mode, in a model with dropout or "
           "batch norm: after the first evaluation the model was never put back in training mode, so dropout "
           "stopped dropping and batch norm stopped updating its running statistics.", n=steps),
        tr("call model.train() at the start of every training epoch, since evaluation leaves the model in "
           "eval mode. (Freezing them on purpose, as when fine-tuning, is the exception.)"))


class Rule(NamedTuple):
    mistake: str       # the mistake it names
    looks_for: str     # what it looks for, in words
    find: Callable[[Evidence, Diagnosis], Finding | None]


# The rules, in the order diagnose() runs them.
RULES = (
    Rule(ONE_HOT_ACCURACY, N_("any accuracy above 100%"), _one_hot_accuracy),
    Rule(NLL_ON_SCORES, N_("a loss below 0, which cross-entropy never gives"), _loss_below_zero),
    Rule(LR_TOO_HIGH, N_("a loss that is NaN or infinite, or a run fit() stopped as diverged (unless the rule above "
                         "fired; the rules below are then skipped)"), _diverged),
    Rule(SOFTMAX_LOSS, N_("no loss below log(1 + (classes - 1)/e), 1.461 for 10 classes, while accuracy reaches "
                          "60%"), _stuck_at_the_softmax_floor),
    Rule(TESTED_ON_TRAINING, N_("an evaluation accuracy of 95% or more, or an evaluation set that shares images "
                                "with the training set (needs train_set and eval_set)"), _evaluated_on_training_images),
    Rule(ORDERED_DATA, N_("training accuracy of 50% or more in an epoch whose evaluation accuracy is 20% or less"),
         _right_in_training_wrong_in_evaluation),
    Rule(NO_ZERO_GRAD, N_("the run learned (training accuracy 40% or more), then in its last epoch the training "
                          "loss stood a fifth above its lowest and the training accuracy 2 points below its best"),
         _learned_then_unravelled),
    Rule(LAST_BATCH_LOSS, N_("an epoch where the training loss rose by a tenth, and by 0.1 or more, while the "
                             "training accuracy rose by half a point or more (unless the rule above fired)"),
         _loss_and_accuracy_rose_together),
    Rule(BATCH_MEAN_AVERAGE, N_("an evaluation accuracy that is not a whole number of images out of the evaluation "
                                "set's size (needs eval_size)"), _accuracy_not_a_count),
    Rule(NO_EVAL_MODE, N_("a forward pass without gradients (an evaluation) in training mode, in a model with "
                          "dropout or batch norm (needs the modes record_modes noted)"), _evaluated_in_training_mode),
    Rule(TRAIN_MODE_NOT_RESTORED, N_("a forward pass with gradients (a training step) in eval mode, in a model with "
                                     "dropout or batch norm (needs the modes record_modes noted)"),
         _trained_in_eval_mode),
)


class RuleBook(dict):
    """Mistake -> what its rule looks for; prints as two columns, lined up on screen in any language."""

    def __str__(self) -> str:
        width = max(map(_columns, self), default=0) + 2
        return "\n".join(name + " " * (width - _columns(name)) + rule for name, rule in self.items())

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)  # a Chinese character fills two


def rules() -> RuleBook:
    """Each mistake and what its rule looks for, in the language helpers speaks, in the order they run."""
    return RuleBook({tr(rule.mistake): tr(rule.looks_for) for rule in RULES})


def diagnose(history, *, train_size: int | None = None, eval_size: int | None = None,
             train_set=None, eval_set=None, modes: ModeLog | None = None, num_classes: int = 10) -> Diagnosis:
    """Return the mistakes ``history`` shows (a ``History``, or a dict of per-epoch lists).

    Accuracies are fractions from 0 to 1; a history whose accuracies all lie from 5 to 100 is read as
    percentages. ``eval_size``: the number of images in the evaluation set, for the check that an accuracy is
    a count divided by it (``train_size`` is accepted but not checked: a training loader may drop its last
    batch). ``train_set`` and ``eval_set``: the datasets, for the check that they share no images. ``modes``:
    what ``record_modes(model)`` noted during the run (or during one evaluation), for the check that
    evaluation ran in eval mode.
    """
    evidence = read_evidence(history, eval_size, train_set, eval_set, modes, num_classes)
    found = Diagnosis()
    for rule in RULES:
        finding = rule.find(evidence, found)
        if finding is not None:
            found.append(finding)
            if finding.mistake == LR_TOO_HIGH:
                break  # the other rules read trends, which a diverged run does not have
    return found
