"""The checks of notebook 15_distributed."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import nn

from ..i18n import tr
from .checking import Outcome, answer_of, exercise, int_list, report


@exercise("shard")
def check_shard(shard: Callable[[int, int, int], list]) -> Outcome:
    """Check the indices one process gets from ``DistributedSampler(shuffle=False)``, padding included."""
    from torch.utils.data import DistributedSampler

    for n, world in ((8, 2), (12, 4), (10, 4), (7, 3), (5, 1)):
        for rank in range(world):
            answer = answer_of(shard, n, rank, world, call=f"shard({n}, {rank}, {world})")
            want = list(DistributedSampler(range(n), num_replicas=world, rank=rank, shuffle=False))
            got = int_list(answer)
            if got != want:
                hint = (tr("a process takes every world_size-th index, starting from its rank.") if n % world == 0
                        else tr("{n} images do not split evenly over {world} processes: the sampler first repeats "
                                "indices from the start of the list until every process gets the same number.",
                                n=n, world=world))
                return report(False, "", tr("shard({n}, {rank}, {world}) gives {got}, DistributedSampler gives "
                                            "{want}; ", n=n, rank=rank, world=world, got=got, want=want) + hint)
    return report(True, tr("your shares match DistributedSampler's, padding included: every process gets "
                           "the same number of images, and together they cover the dataset."), "")


@exercise("scaled_lr")
def check_scaled_lr(scaled_lr: Callable[[int, float, int, int], float]) -> Outcome:
    """Check linear scaling with a linear warm-up against ``LinearLR`` on an optimizer at ``k * base_lr``."""
    for base_lr, k, warm in ((0.05, 8, 10), (0.1, 4, 3), (0.02, 1, 5)):
        opt = torch.optim.SGD(nn.Linear(1, 1).parameters(), lr=k * base_lr)
        sched = torch.optim.lr_scheduler.LinearLR(opt, start_factor=1 / k, total_iters=warm)
        for step in range(warm + 3):
            answer = answer_of(scaled_lr, step, base_lr, k, warm, call=f"scaled_lr({step}, {base_lr}, {k}, {warm})")
            got, want = answer, opt.param_groups[0]["lr"]
            if got is None or not math.isclose(float(got), want, rel_tol=1e-6, abs_tol=1e-12):
                return report(False, "", tr(
                    "scaled_lr({step}, {base_lr}, {k}, {warm}) gives {got}, the warm-up uses {want:.6g}. The rate "
                    "starts at base_lr, climbs in equal steps to k * base_lr at step warmup_steps, then stays there.",
                    step=step, base_lr=base_lr, k=k, warm=warm, got=got, want=want))
            opt.step()
            sched.step()
    return report(True, tr("your rate climbs from base_lr to k * base_lr as LinearLR's warm-up does, "
                           "then holds."), "")
