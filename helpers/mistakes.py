"""Tell which classic training mistake a history shows, from its numbers alone."""

from __future__ import annotations

import math
from typing import NamedTuple

from .training import History

# Cross-entropy on softmax outputs cannot go below this for 10 classes: the best "logits" it can see are
# probabilities, 1 for the right class and 0 for the rest, which score -log(e / (e + 9)).
SOFTMAX_FLOOR = math.log(1 + 9 / math.e)


class Diagnosis(NamedTuple):
    mistake: str   # a short name, or "none found"
    symptom: str   # what in the history gave it away
    fix: str


NONE_FOUND = Diagnosis("none found", "nothing in these numbers matches a mistake this checker knows.",
                       "if the run still looks wrong, check what a history cannot show: the last batch's "
                       "weight in a mean of batch means, and model.eval() before measuring a model with dropout.")


def diagnose(history: History, ceiling: float = 0.95) -> Diagnosis:
    """Return the first classic mistake whose symptom ``history`` shows, or ``NONE_FOUND``.

    ``ceiling`` is the held-out accuracy no honest run of this model reaches on this data (the MLP stays
    near 90% on FashionMNIST's test set), so scoring above it means the held-out images were trained on.
    """
    train_loss, train_acc = history.train_loss, history.train_acc
    eval_loss, eval_acc = history.eval_loss, history.eval_acc
    accs = train_acc + eval_acc
    if any(a > 1 for a in accs):
        return Diagnosis("one-hot targets compared with argmax",
                         f"an accuracy of {100 * max(accs):.0f}%, above 100%.",
                         "compare pred.argmax(1) with class indices (y, shape [batch]), or with y.argmax(1) if the "
                         "targets are one-hot; a [batch] tensor == a [batch, 10] one broadcasts into 10 comparisons "
                         "per image.")
    losses = train_loss + eval_loss
    if history.status == "diverged" or any(not math.isfinite(v) for v in losses):
        return Diagnosis("learning rate too high",
                         "the loss became NaN or infinite" + (f" ({history.message})" if history.message else "."),
                         "lower the learning rate about tenfold (and check the inputs are scaled to [0, 1]).")
    if not train_loss:
        return NONE_FOUND
    if min(train_loss) > SOFTMAX_FLOOR - 0.01 and max(train_acc) > 0.6:
        return Diagnosis("softmax before cross-entropy",
                         f"the training loss never goes below {min(train_loss):.2f} although {100 * max(train_acc):.0f}% "
                         f"of the images are right: cross-entropy on probabilities bottoms out at {SOFTMAX_FLOOR:.2f}.",
                         "give nn.CrossEntropyLoss the raw logits; it applies log-softmax itself.")
    if eval_acc and max(train_acc) > 0.5 and eval_acc[-1] < 0.25:
        return Diagnosis("training set not shuffled",
                         f"{100 * max(train_acc):.0f}% right while training but {100 * eval_acc[-1]:.0f}% on held-out "
                         "images: the model learns the class of the moment and forgets the rest.",
                         "DataLoader(train_data, shuffle=True) for training (keep shuffle=False for evaluation).")
    if eval_acc and max(eval_acc) > ceiling:
        return Diagnosis("measured on the training set",
                         f"a held-out accuracy of {100 * max(eval_acc):.1f}%, more than this model reaches on images "
                         "it has not seen.",
                         "build the held-out loader from the test (or validation) images: train=False, or the "
                         "validation part of split_train_val.")
    if len(train_loss) >= 2 and train_loss[-1] > 1.5 * min(train_loss) and max(eval_acc or train_acc) < 0.75:
        return Diagnosis("zero_grad forgotten",
                         f"the training loss fell to {min(train_loss):.2f}, then climbed back to {train_loss[-1]:.2f}: "
                         "every step adds this batch's gradient to all the earlier ones, so the steps grow.",
                         "call optimizer.zero_grad() once per batch, before loss.backward().")
    if len(train_loss) >= 3 and eval_loss:
        jumps = [b - a for a, b in zip(train_loss, train_loss[1:])]
        smooth = [b - a for a, b in zip(eval_loss, eval_loss[1:])]
        if sum(j > 0 for j in jumps) >= 1 and max(abs(j) for j in jumps) > 3 * max(abs(s) for s in smooth):
            return Diagnosis("the last batch's loss reported as the epoch's",
                             "the training loss jumps up and down from epoch to epoch while the held-out loss moves "
                             "smoothly: one batch of 64 images is a noisy sample.",
                             "report the mean over the epoch's samples: add loss.item() * len(y) for every batch and "
                             "divide by the number of samples.")
    return NONE_FOUND
