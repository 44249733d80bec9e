"""The checks of notebook 17_clipping_accumulation."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import nn

from ..i18n import tr
from .checking import Outcome, answer_of, exercise, report, same_parameters, tiny_problem


def _with_gradients(seed: int, scale: float) -> nn.Module:
    """The tiny problem's model with the gradients of its loss times ``scale`` (to put the norm where we want)."""
    model, X, y = tiny_problem(seed)
    (scale * nn.functional.cross_entropy(model(X), y)).backward()
    return model


@exercise("clip")
def check_clip_grad_norm(clip: Callable[[list, float], float]) -> Outcome:
    """Check a hand-written clipping by the total norm against ``torch.nn.utils.clip_grad_norm_``."""
    # (seed, gradient scale, max_norm, passed as the loop passes it: model.parameters(), a generator)
    for seed, scale, max_norm, as_generator in ((0, 50.0, 1.0, False), (1, 0.1, 5.0, False), (2, 20.0, 0.5, True)):
        mine, ref = _with_gradients(seed, scale), _with_gradients(seed, scale)
        before = [p.grad.clone() for p in mine.parameters()]
        params = mine.parameters() if as_generator else list(mine.parameters())
        got = answer_of(clip, params, max_norm, call=f"clip_grad_norm(params, {max_norm})")
        want = float(torch.nn.utils.clip_grad_norm_(ref.parameters(), max_norm))
        grads = [(a.grad, b.grad) for a, b in zip(mine.parameters(), ref.parameters())]
        if got is None or not math.isclose(float(got), want, rel_tol=1e-5):
            return report(False, "", tr(
                "your function returns {got}; clip_grad_norm_ returns the total norm before clipping, {want:.6g}: "
                "the square root of the sum of every gradient entry squared, over all the parameters.",
                got=got, want=want))
        if not all(torch.allclose(a, b, rtol=1e-5, atol=1e-8) for a, b in grads):
            if want < max_norm:
                return report(False, "", tr(
                    "the total norm, {total:.4g}, is already below max_norm {max_norm}, so the factor is above 1: "
                    "leave the gradients as they are, and clip only when the factor is below 1.",
                    total=want, max_norm=max_norm))
            if as_generator and all(torch.equal(a, b) for (a, _), b in zip(grads, before)):  # nothing was clipped
                return report(False, "", tr(
                    "called with model.parameters(), a generator, your function read it once to add up the "
                    "norm and found nothing left to clip: make a list of it first (params = list(params))."))
            per_tensor = all(float(a.norm()) <= max_norm * (1 + 1e-5) for a, _ in grads)
            return report(False, "", tr(
                "with max_norm {max_norm} and a total norm of {total:.4g}, your gradients differ from "
                "clip_grad_norm_'s. ", max_norm=max_norm, total=want) + (tr(
                "Each tensor looks clipped on its own; clip_grad_norm_ scales every gradient by the same factor, "
                "max_norm / (total + 1e-6), so the direction of the whole step stays.") if per_tensor else tr(
                "Scale every gradient in place (p.grad.mul_(factor)) by max_norm / (total + 1e-6), and only "
                "when that factor is below 1.")))
    return report(True, tr("your clipping matches clip_grad_norm_: one factor for every gradient, so the step "
                           "keeps its direction and only its length is capped."), "")


def _micro_batches(seed: int):
    model, X, y = tiny_problem(seed)  # 16 samples, in micro-batches of 6, 6 and 4
    return model, X, y, [(X[:6], y[:6]), (X[6:12], y[6:12]), (X[12:], y[12:])]


def _stepped(seed: int, lr: float, losses: Callable) -> nn.Module:
    """The tiny model after one SGD step on the gradients of ``losses(model, micro_batches)``, summed."""
    model, _, _, parts = _micro_batches(seed)
    for loss in losses(model, parts):
        loss.backward()
    torch.optim.SGD(model.parameters(), lr=lr).step()
    return model


@exercise("step")
def check_accumulated_step(step: Callable) -> Outcome:
    """Check one optimizer step accumulated over unequal micro-batches against one step on the whole batch."""
    loss_fn = nn.CrossEntropyLoss()
    mine, X, y, parts = _micro_batches(4)
    optimizer = torch.optim.SGD(mine.parameters(), lr=0.5)
    for p in mine.parameters():   # stale gradients from an earlier batch: a step must not use them
        p.grad = torch.ones_like(p)
    rows = []
    watch = mine.register_forward_pre_hook(lambda module, inputs: rows.append(len(inputs[0])))
    try:
        answer_of(step, mine, loss_fn, optimizer, parts, call="accumulated_step(model, loss_fn, optimizer, micro_batches)")
    finally:
        watch.remove()
    if rows and max(rows) > max(len(b) for _, b in parts):
        return report(False, "", tr("the model saw {n} images in one forward pass: joining the micro-batches needs "
                                    "the big batch's memory, which accumulation is there to avoid. Run each "
                                    "micro-batch through the model on its own.", n=max(rows)))
    whole = _stepped(4, 0.5, lambda m, _: [loss_fn(m(X), y)])
    if same_parameters(mine, whole):
        return report(True, tr("one step over micro-batches of 6, 6 and 4 equals one step over the 16 at once: "
                               "each micro-batch's mean loss weighted by its share of the images."), "")
    wrong = {
        tr("each backward() adds to .grad, so summing the micro-batches' mean losses makes a step about three "
           "times too long: weight each loss by len(y) / the number of images in the whole batch."):
            lambda m, ps: [loss_fn(m(a), b) for a, b in ps],
        tr("dividing by the number of micro-batches is right only when they are all the same size; these hold "
           "6, 6 and 4 images, so weight each loss by len(y) / the whole batch's size instead."):
            lambda m, ps: [loss_fn(m(a), b) / len(ps) for a, b in ps],
    }
    for hint, losses in wrong.items():
        if same_parameters(mine, _stepped(4, 0.5, losses)):
            return report(False, "", hint)
    return report(False, "", tr(
        "your parameters differ from one step over the whole batch. Clear the gradients once, before the "
        "micro-batches (the model came with stale ones); call backward() on each weighted loss; step once, "
        "after the last."))
