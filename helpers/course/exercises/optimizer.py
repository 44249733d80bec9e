"""The checks of notebook 04_optimizer."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from ..i18n import tr
from .checking import Outcome, answer_of, describe_failure, exercise, report, same_parameters, tiny_problem


@exercise("step")
def check_sgd_step(step: Callable[[list, float], None]) -> Outcome:
    """Check a hand-written gradient-descent step against torch.optim.SGD."""
    mine, X, y = tiny_problem()
    ref, _, _ = tiny_problem()
    for model in (mine, ref):
        nn.functional.cross_entropy(model(X), y).backward()
    try:
        step(list(mine.parameters()), 0.1)
    except Exception as exc:  # the learner's code, run once; say how it failed
        return report(False, "", tr("sgd_step(params, lr) failed with {failed}. Update inside torch.no_grad().",
                                    failed=describe_failure(exc)))
    torch.optim.SGD(ref.parameters(), lr=0.1).step()
    same = same_parameters(mine, ref, atol=1e-8)
    return report(same, tr("your step moves every parameter exactly as SGD does."),
                  tr("each parameter moves by -lr * its gradient: p -= lr * p.grad, in place."))


@exercise("step")
def check_momentum_step(step: Callable[[list, list, float, float], None]) -> Outcome:
    """Check a hand-written momentum step (three steps in a row) against torch.optim.SGD(momentum=...)."""
    mine, X, y = tiny_problem(1)
    ref, _, _ = tiny_problem(1)
    params = list(mine.parameters())
    velocities = [torch.zeros_like(p) for p in params]
    opt = torch.optim.SGD(ref.parameters(), lr=0.1, momentum=0.9)
    for _ in range(3):
        for model in (mine, ref):
            for p in model.parameters():
                p.grad = None
            nn.functional.cross_entropy(model(X), y).backward()
        answer_of(step, params, velocities, 0.1, 0.9, call="momentum_step(params, velocities, 0.1, 0.9)")
        opt.step()
    same = same_parameters(mine, ref)
    return report(same, tr("three steps agree with torch.optim.SGD(momentum=0.9)."),
                  tr("PyTorch's rule: v = beta * v + grad (v starts at zero), then p -= lr * v; "
                     "update v in place (v.mul_(beta).add_(p.grad)) so the list keeps the new values."))
