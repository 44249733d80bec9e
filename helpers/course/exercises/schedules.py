"""The checks of notebook 12_schedules."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import nn

from ..i18n import tr
from .checking import Outcome, answer_of, exercise, report


@exercise("lr_at_epoch")
def check_step_schedule(lr_at_epoch: Callable[[int], float]) -> Outcome:
    """Check a function giving StepLR's learning rate (0.1, halved every 3 epochs) for epochs 1 to 10."""
    model = nn.Linear(1, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
    for epoch in range(1, 11):
        answer = answer_of(lr_at_epoch, epoch, call=f"lr_at_epoch({epoch})")
        got, want = answer, opt.param_groups[0]["lr"]
        if got is None or not math.isclose(float(got), want, rel_tol=1e-9):
            return report(False, "", tr("in epoch {epoch} StepLR uses {want:g}, you give {got}. Epochs 1-3 use "
                                        "0.1, epochs 4-6 use 0.05, and so on: 0.1 * 0.5 ** ((epoch - 1) // 3).",
                                        epoch=epoch, want=want, got=got))
        opt.step()
        sched.step()
    return report(True, tr("your schedule matches StepLR for ten epochs."), "")


@exercise("cosine_lr")
def check_cosine(cosine_lr: Callable[[int, int, float], float]) -> Outcome:
    """Check a cosine schedule (from ``base_lr`` down to 0 over ``total`` steps) against ``CosineAnnealingLR``."""
    for total, base_lr in ((20, 0.1), (7, 0.05)):
        opt = torch.optim.SGD(nn.Linear(1, 1).parameters(), lr=base_lr)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total)
        for step in range(total + 1):
            answer = answer_of(cosine_lr, step, total, base_lr, call=f"cosine_lr({step}, {total}, {base_lr})")
            got, want = answer, opt.param_groups[0]["lr"]
            if got is None or not math.isclose(float(got), want, rel_tol=1e-6, abs_tol=1e-12):
                return report(False, "", tr("cosine_lr({step}, {total}, {base_lr}) gives {got}, CosineAnnealingLR "
                                            "uses {want:.6g}. The rate is base_lr * (1 + cos(pi * step / total)) / 2: "
                                            "base_lr at step 0, half of it halfway, 0 at the end.",
                                            step=step, total=total, base_lr=base_lr, got=got, want=want))
            if step < total:
                opt.step()
                sched.step()
    return report(True, tr("your cosine schedule matches CosineAnnealingLR step for step."), "")
