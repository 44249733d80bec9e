"""The checks of notebook 10_optimizers."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from ..i18n import tr
from .checking import Outcome, describe_failure, exercise, report


def _beside_torch(step: Callable, make_optimizer: Callable, hyper: dict, steps: int = 10) -> tuple[int, float] | str:
    """Step a small model with ``step`` and a copy with ``torch.optim``; return (first step that differs
    by more than 1e-6, or 0, and the largest difference), or a message if ``step`` failed."""
    torch.manual_seed(0)
    mine = nn.Sequential(nn.Linear(6, 5), nn.Tanh(), nn.Linear(5, 3))
    theirs = nn.Sequential(nn.Linear(6, 5), nn.Tanh(), nn.Linear(5, 3))
    theirs.load_state_dict(mine.state_dict())
    optimizer = make_optimizer(theirs.parameters())
    state: dict = {}
    worst = 0.0
    for t in range(1, steps + 1):
        X, y = torch.randn(16, 6), torch.randint(0, 3, (16,))
        for model in (mine, theirs):
            model.zero_grad()
            nn.functional.cross_entropy(model(X), y).backward()
        try:
            step(list(mine.parameters()), state, *hyper.values())
        except Exception as exc:  # the learner's code, run once; say how it failed
            return describe_failure(exc)
        optimizer.step()
        worst = max((a - b).abs().max().item() for a, b in zip(mine.parameters(), theirs.parameters()))
        if worst > 1e-6:
            return t, worst
    return 0, worst


ADAM_EPS = 1e-3


@exercise("adam_step")
def check_adam(adam_step: Callable) -> Outcome:
    """Check a hand-written Adam step against ``torch.optim.Adam`` over 10 steps."""
    # eps 1e-3 rather than 1e-8, for both: where eps enters the update then shows far above float rounding
    outcome = _beside_torch(adam_step, lambda p: torch.optim.Adam(p, lr=0.01, eps=ADAM_EPS),
                            {"lr": 0.01, "betas": (0.9, 0.999), "eps": ADAM_EPS})
    if isinstance(outcome, str):
        return report(False, "", tr("adam_step(params, state, lr=0.01, betas=(0.9, 0.999), eps=0.001) failed with "
                                    "{failed}.", failed=outcome))
    first, worst = outcome
    return report(not first, tr("the same parameters as torch.optim.Adam after 10 steps (largest difference "
                                "{worst:.1e}).", worst=worst),
                  tr("your parameters part from torch.optim.Adam's at step {step} (difference {worst:.1e}). ",
                     step=first, worst=worst)
                  + (tr("At step 1, m and v hold only the first gradient: check that they start at zero, that "
                        "m = b1 m + (1 - b1) g and v = b2 v + (1 - b2) g^2, and the bias correction: divide m by "
                        "1 - b1 ** t and v by 1 - b2 ** t, with t = 1 at the first step. Then where eps goes: "
                        "torch.optim.Adam adds it to the square root of the corrected v, p -= lr * m_hat / "
                        "(sqrt(v_hat) + eps); the paper's faster form, which corrects the rate instead and adds eps "
                        "to sqrt(v), is a slightly different update.") if first == 1 else
                     tr("Step 1 agrees, so the update is right once: keep m, v and the step count t in `state` "
                        "between calls (one set per parameter), and count t up by one every call.")))


@exercise("adamw_step")
def check_adamw(adamw_step: Callable) -> Outcome:
    """Check a hand-written AdamW step against ``torch.optim.AdamW`` (weight decay 0.1) over 10 steps."""
    outcome = _beside_torch(adamw_step, lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1),
                            {"lr": 0.01, "weight_decay": 0.1})
    if isinstance(outcome, str):
        return report(False, "", tr("adamw_step(params, state, lr=0.01, weight_decay=0.1) failed with {failed}.",
                                    failed=outcome))
    first, worst = outcome
    return report(not first, tr("the same parameters as torch.optim.AdamW after 10 steps (largest difference "
                                "{worst:.1e}).", worst=worst),
                  tr("your parameters part from torch.optim.AdamW's at step {step} (difference {worst:.1e}). "
                     "AdamW multiplies every parameter by 1 - lr * weight_decay, then takes Adam's step from the "
                     "gradient alone; adding weight_decay * p to the gradient is Adam's L2, not AdamW.",
                     step=first, worst=worst))
