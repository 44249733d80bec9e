"""The checks of notebook 06_plotting."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from ..i18n import tr, trn
from .checking import Outcome, answer_of, exercise, report


@exercise("best_epoch")
def check_best_epoch(best_epoch: Callable, history) -> Outcome:
    """Check a function that returns the epoch with the lowest validation loss."""
    want = history.epoch[min(range(len(history)), key=lambda i: history.val_loss[i])]
    got = answer_of(best_epoch, history, call="best_epoch(history)")
    return report(got == want, tr("epoch {epoch} has the lowest validation loss.", epoch=want),
                  tr("find the index of the smallest value in history.val_loss and return history.epoch at "
                     "that index (epochs count from 1, list indices from 0)."))


# Which learning rate each mystery run used; the letters are shuffled so the order gives nothing away.
_MYSTERY = {"A": (1.0, "too high"), "B": (0.05, "good"), "C": (0.002, "too low")}


def mystery_runs(train_data, val_data, epochs: int = 3, train_size: int = 20_000) -> list:
    """Return three histories, labelled A, B and C, trained with SGD at three undisclosed learning rates
    and measured on ``val_data``."""
    from torch.utils.data import DataLoader

    from ...data import InMemoryDataset
    from ...models import NeuralNetwork
    from ...training import fit, set_seed

    part = InMemoryDataset(train_data.images[:train_size], train_data.targets[:train_size], train_data.classes)
    runs = []
    for letter, (lr, _) in _MYSTERY.items():
        set_seed(1)
        model = NeuralNetwork()
        loader = DataLoader(part, batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(1))
        runs.append(fit(model, loader, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=lr), epochs,
                        val_loader=DataLoader(val_data, batch_size=1000), label=letter))
    return runs


@exercise("answers", todo="replace the None (or ...) above with your answer")
def check_diagnosis(answers: dict) -> Outcome:
    """Check a diagnosis of each mystery run: 'too low', 'good' or 'too high'."""
    wrong = [k for k, (_, truth) in _MYSTERY.items() if str(answers.get(k, "")).strip().lower() != truth]
    return report(not wrong, tr("every run is read right: {runs}.", runs=", ".join(
        tr("{run} used lr {lr:g}", run=k, lr=lr) for k, (lr, _) in _MYSTERY.items())),
        trn("look again at run {runs}: a rate too low gives a slow, steady fall; "
            "too high gives a bumpy curve, or one that starts late or never settles.",
            "look again at runs {runs}: a rate too low gives a slow, steady fall; "
            "too high gives a bumpy curve, or one that starts late or never settles.", len(wrong), runs=", ".join(wrong)))
