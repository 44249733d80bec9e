"""The checks of notebook 16_sweeps."""

from __future__ import annotations

import math
from collections.abc import Callable

from ..i18n import tr
from .checking import Outcome, answer_of, exercise, int_list, report


@exercise("log_uniform")
def check_log_uniform(log_uniform: Callable[[float, float, float], float]) -> Outcome:
    """Check a map from u in [0, 1] to a log-uniform value between ``low`` and ``high``."""
    for low, high in ((1e-3, 1.0), (1e-4, 1e-1), (2.0, 32.0)):
        for u in (0.0, 0.25, 0.5, 0.9, 1.0):
            answer = answer_of(log_uniform, low, high, u, call=f"log_uniform({low}, {high}, {u})")
            got, want = answer, low * (high / low) ** u
            if got is None or not math.isclose(float(got), want, rel_tol=1e-6):
                return report(False, "", tr(
                    "log_uniform({low}, {high}, {u}) gives {got}, a log-uniform draw gives {want:.6g}. Draw the "
                    "exponent evenly: u = 0 gives low, u = 1 gives high, and u = 0.5 their geometric mean, "
                    "sqrt(low * high).", low=low, high=high, u=u, got=got, want=want))
    return report(True, tr("equal steps of u multiply the value by equal factors: each decade of learning "
                           "rates gets the same share of the trials."), "")


@exercise("rungs")
def check_rungs(rungs: Callable[[int, int, int], list]) -> Outcome:
    """Check the epochs at which an ASHA scheduler compares trials: grace_period times powers of the factor."""
    for grace, factor, max_t in ((1, 2, 4), (1, 3, 27), (2, 2, 20), (1, 4, 10), (5, 2, 5)):
        answer = answer_of(rungs, grace, factor, max_t, call=f"rungs({grace}, {factor}, {max_t})")
        want, t = [], grace
        while t <= max_t:
            want.append(t)
            t *= factor
        got = int_list(answer)
        if got != want:
            return report(False, "", tr(
                "rungs({grace}, {factor}, {max_t}) gives {got}, ASHA compares trials after epochs {want}: "
                "grace_period, then each rung reduction_factor times the last, up to max_t.",
                grace=grace, factor=factor, max_t=max_t, got=got, want=want))
    return report(True, tr("after each rung only about the best 1/reduction_factor of the trials go on, "
                           "so most of the epochs go to the promising ones."), "")
