"""The checks of notebook 08_craft."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from ..i18n import tr
from .checking import Outcome, answer_of, exercise, report


@exercise("stop_epoch")
def check_early_stopping(stop_epoch: Callable[[list, int, float], int]) -> Outcome:
    """Check a function that returns the epoch at which early stopping (with ``min_delta``) ends training."""
    cases = [
        ([0.9, 0.7, 0.6, 0.65, 0.66, 0.64, 0.7], 2, 0.0, 5),   # best at 3, two epochs without improvement
        ([0.9, 0.7, 0.6, 0.65, 0.59, 0.6, 0.61], 2, 0.0, 7),   # improves again at 5, runs out at 7
        ([0.5, 0.6, 0.7], 1, 0.0, 2),
        ([0.9, 0.8, 0.7], 3, 0.0, 3),                           # never stops early: the last epoch
        ([0.9, 0.7, 0.6, 0.595, 0.59, 0.58, 0.57], 2, 0.02, 5),  # 0.005 and 0.01 better: too little
        ([0.9, 0.7, 0.6, 0.595, 0.57, 0.565, 0.56, 0.5], 2, 0.02, 7),  # 0.03 better at 5 counts; then two too-small
        ([0.9, 0.6, 0.59, 0.58, 0.57, 0.56], 3, 0.015, 6),     # small steps count once they add up
    ]
    for losses, patience, min_delta, want in cases:
        call = f"stop_epoch({losses}, patience={patience}, min_delta={min_delta})"
        got = answer_of(stop_epoch, list(losses), patience, min_delta, call=call)
        if got != want:
            return report(False, "", tr("{call} returns {got}, expected {want}. Count epochs from 1. An epoch "
                                        "improves only if its loss is below the best so far by more than min_delta "
                                        "(and only then does the best change); stop once `patience` epochs in a row "
                                        "have not improved; with no such run, train to the end.",
                                        call=call, got=got, want=want))
    return report(True, tr("your rule stops exactly when it should."), "")


@exercise("snapshot")
def check_snapshot(snapshot: Callable[[nn.Module], dict]) -> Outcome:
    """Check a function that keeps a copy of a model's weights that later training cannot change."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    before = {name: t.clone() for name, t in model.state_dict().items()}
    x = torch.randn(8, 4)
    with torch.no_grad():
        outputs_before = model(x)
    kept = answer_of(snapshot, model, call="snapshot(model)")
    if not isinstance(kept, dict) or set(kept) != set(before):
        return report(False, "", tr("return a dict with the same keys as model.state_dict() "
                                    "({keys}), got {got_type}.", keys=", ".join(before), got_type=type(kept).__name__))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)  # training goes on after the snapshot
    model(x).pow(2).mean().backward()
    optimizer.step()
    moved = [name for name in before if not torch.equal(kept[name], before[name])]
    if moved:
        return report(False, "", tr("one training step later, your snapshot's '{name}' has changed with the "
                                    "model: state_dict() hands out the model's own tensors, not copies. Copy each one "
                                    "(tensor.clone()), or copy the whole dict with copy.deepcopy.", name=moved[0]))
    fresh = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    answer_of(fresh.load_state_dict, kept, call="load_state_dict(your snapshot)")
    with torch.no_grad():
        same = torch.equal(fresh(x), outputs_before)
    return report(same, tr("your snapshot stays put while training goes on, and loads back with load_state_dict."),
                  tr("a model loaded from your snapshot does not reproduce the model at the time of the snapshot."))
