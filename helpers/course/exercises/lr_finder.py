"""The checks of notebook 11_lr_finder."""

from __future__ import annotations

import math
from collections.abc import Callable

from ..i18n import tr
from .checking import Outcome, answer_of, exercise, report


@exercise("rates")
def check_range_rates(rates: Callable[[float, float, int], list]) -> Outcome:
    """Check the rates of a range test against the ones ``helpers.range_test`` uses."""
    for start, end, steps in ((1e-5, 10.0, 200), (0.001, 1.0, 4)):
        got = answer_of(rates, start, end, steps, call=f"rates({start}, {end}, {steps})")
        if not isinstance(got, (list, tuple)):
            return report(False, "", tr("return a list of {steps} rates, got {got_type}.",
                                        steps=steps, got_type=type(got).__name__))
        factor = (end / start) ** (1 / (steps - 1))
        want = [start * factor ** i for i in range(steps)]
        if len(got) != steps or not all(math.isclose(float(a), b, rel_tol=1e-6) for a, b in zip(got, want)):
            return report(False, "", tr("rates({start}, {end}, {steps}) should give {steps} rates from {start:g} to "
                                        "{end:g}, each {factor:.4g} times the one before; yours give {count}, "
                                        "starting {first}. The factor is (end / start) ** (1 / (steps - 1)).",
                                        start=start, end=end, steps=steps, factor=factor, count=len(got),
                                        first=', '.join(f'{float(v):.3g}' for v in got[:3])))
    return report(True, tr("your rates climb by one factor from the first to the last."), "")


@exercise("smooth")
def check_smoothing(smooth: Callable[[list, float], list]) -> Outcome:
    """Check a debiased running mean against the one ``helpers.range_test`` draws."""
    values = [2.3, 2.1, 2.2, 1.7, 1.9, 1.2, 1.4, 0.9]
    for beta in (0.98, 0.5):
        answer = answer_of(smooth, list(values), beta, call=f"smooth(values, {beta})")
        got, avg, want = answer, 0.0, []
        if not isinstance(got, (list, tuple)):
            return report(False, "", tr("return a list with one smoothed value per value, got {got_type}.",
                                        got_type=type(got).__name__))
        for t, value in enumerate(values, start=1):
            avg = beta * avg + (1 - beta) * value
            want.append(avg / (1 - beta ** t))
        if len(got) != len(values) or not all(math.isclose(float(a), b, rel_tol=1e-6) for a, b in zip(got, want)):
            first = float(got[0]) if got else None
            return report(False, "", tr("for {values} and beta {beta} the smoothed values start {want0:.4g}, "
                                        "{want1:.4g}; yours start {first}. ",
                                        values=values, beta=beta, want0=want[0], want1=want[1], first=first) + (
                               tr("Without the correction the first value is (1 - beta) times too small: divide by "
                                  "1 - beta ** t, with t = 1 for the first value.") if first is not None and
                               math.isclose(first, (1 - beta) * values[0], rel_tol=1e-6) else
                               tr("avg starts at 0; each value updates it, then the entry is avg / (1 - beta ** t).")))
    return report(True, tr("your running mean starts right and follows the losses."), "")
