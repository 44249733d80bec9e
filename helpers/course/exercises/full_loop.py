"""The checks of notebook 05_full_loop."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import nn

from ..i18n import tr
from .checking import Outcome, answer_of, exercise, report, same_parameters, tiny_problem


@exercise("train_step")
def check_train_step(train_step: Callable) -> Outcome:
    """Check a one-batch training step: forward, loss, backward, step, with gradients cleared."""
    mine, X, y = tiny_problem(2)
    ref, _, _ = tiny_problem(2)
    loss_fn = nn.CrossEntropyLoss()
    opt_mine = torch.optim.SGD(mine.parameters(), lr=0.1)
    opt_ref = torch.optim.SGD(ref.parameters(), lr=0.1)
    for _ in range(3):
        answer_of(train_step, mine, X, y, loss_fn, opt_mine, call="train_step(model, X, y, loss_fn, optimizer)")
        opt_ref.zero_grad()
        loss_fn(ref(X), y).backward()
        opt_ref.step()
    same = same_parameters(mine, ref)
    return report(same, tr("three steps in a row match the reference loop."),
                  tr("after three calls your parameters differ from the reference: are the gradients "
                     "cleared (optimizer.zero_grad()) before each backward()?"))


@exercise("evaluate")
def check_fair_loss(evaluate: Callable) -> Outcome:
    """Check an evaluation that averages the loss over samples, in eval mode, without gradients."""
    from torch.utils.data import DataLoader, TensorDataset

    torch.manual_seed(3)
    model = nn.Sequential(nn.Linear(5, 8), nn.Dropout(0.5), nn.Linear(8, 3))
    X, y = torch.randn(10, 5), torch.randint(0, 3, (10,))
    loader = DataLoader(TensorDataset(X, y), batch_size=4)  # batches of 4, 4 and 2
    model.train()
    got = answer_of(evaluate, model, loader, nn.CrossEntropyLoss(), call="evaluate(model, loader, loss_fn)")
    if got is None:
        return report(False, "", tr("your function returns nothing: end it with return ..."))
    got = float(got)
    model.eval()
    with torch.no_grad():
        want = nn.functional.cross_entropy(model(X), y).item()
    if math.isclose(got, want, rel_tol=1e-5):
        return report(True, tr("averaged over every sample, in eval mode."), "")
    return report(False, "", tr("weight each batch's mean loss by its size and divide by the number of samples, "
                                "and call model.eval() first (this model has dropout, which eval mode turns off)."))
