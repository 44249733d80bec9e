"""The checks of notebook 07_playground."""

from __future__ import annotations

from ..i18n import tr
from .checking import NotAttempted, Outcome, exercise, report


@exercise()
def check_fast_run(panel, target: float = 0.86, max_epochs: int = 5) -> Outcome:
    """Check that one of the panel's runs reached ``target`` validation accuracy within ``max_epochs`` epochs."""
    if not panel.runs:
        raise NotAttempted("train a run in the panel above")
    hits = [r for r in panel.runs if any(a >= target for a in r.history.val_acc[:max_epochs])]
    best = max((a for r in panel.runs for a in r.history.val_acc[:max_epochs]), default=None)
    return report(
        bool(hits),
        tr("run {number} ({label}) got there.", number=panel.runs.index(hits[0]) + 1, label=hits[0].settings.label)
        if hits else "",
        (tr("no run has finished an epoch yet.") if best is None else
         tr("your best within {max_epochs} epochs is {best:.1f}%. Plain SGD needs a larger learning rate "
            "than the lesson's; momentum or Adam get there sooner.", max_epochs=max_epochs, best=100 * best)),
    )


@exercise()
def check_learning_rate_limit(panel, fails_below: float = 0.20, learns: float = 0.70) -> Outcome:
    """Check for a plain-SGD run that failed (diverged, or best validation accuracy below ``fails_below``)
    and one at a 10x smaller rate that learned (best validation accuracy at least ``learns``)."""
    if not panel.runs:
        raise NotAttempted("train plain SGD in the panel above until it fails")
    sgd = [r for r in panel.runs if r.settings.optimizer == "SGD"]
    failed = [r for r in sgd if r.history.status == "diverged" or (len(r.history) and r.history.best_val_acc < fails_below)]
    learned = [r for r in sgd if len(r.history) and r.history.best_val_acc >= learns]
    pairs = [(f, ok) for f in failed for ok in learned if ok.settings.lr <= f.settings.lr / 10 * 1.01]
    if pairs:
        f, ok = pairs[0]
        return report(True, tr("lr {failed:.2g} fails and lr {learned:.2g} learns.",
                               failed=f.settings.lr, learned=ok.settings.lr), "")
    if not failed:
        return report(False, "", tr("no plain-SGD run has failed yet: push the learning rate towards 1."))
    return report(False, "", tr("lr {lr:.2g} failed; now run plain SGD at a tenth of it "
                                "or less and let it learn ({learns:.0f}% or more).",
                                lr=failed[0].settings.lr, learns=100 * learns))
