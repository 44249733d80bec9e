"""Train the series' model on FashionMNIST under DistributedDataParallel, one process per CPU core or GPU.

    torchrun --standalone --nproc_per_node=2 scripts/train_ddp.py --epochs 1

torchrun starts the processes and hands each its RANK, LOCAL_RANK and WORLD_SIZE. Every process builds
the same model and runs the series' training loop on its own share of each epoch (a DistributedSampler);
in backward, DDP averages the gradients over the processes, so every copy takes the same step. Only rank 0
prints and saves. The last line printed is the test accuracy.

With ``--save PATH`` rank 0 writes a full checkpoint after every epoch: the weights, the optimizer's
state (momentum), the schedule's step, the epoch and the random number generator. With ``--resume PATH``
every process starts from that checkpoint and goes on to ``--epochs``; a run stopped after any epoch and
resumed ends with the weights of a run never stopped. torchrun's restarts (``--max-restarts``, or
a machine joining under ``--nnodes=1:2``) start the script again from the top: pass the same path to both
options and it carries on from the last finished epoch.

Run with plain ``python``, it trains as a single process (a world of one).
"""

from __future__ import annotations

import argparse
import math
import os
import socket
import sys
import time
from datetime import timedelta
from pathlib import Path

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, Subset

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # helpers, also where the package is not installed

from helpers import NeuralNetwork, load_fashion_mnist, set_seed, test_loop, train_loop  # noqa: E402
from helpers.course.i18n import ENV_VAR, LANGUAGES, set_language, tr, trn  # noqa: E402
from helpers.course.offline import DataError, prepare_fashion_mnist  # noqa: E402
from helpers.training import Diverged, Stopped  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=1, help="passes over the training set (default 1)")
    parser.add_argument("--batch-size", type=int, default=64, help="images per process per step (default 64)")
    parser.add_argument("--lr", type=float, default=0.05,
                        help="SGD's learning rate for a step of --base-batch images (default 0.05)")
    parser.add_argument("--momentum", type=float, default=0.0, help="SGD's momentum (default 0)")
    parser.add_argument("--scale-lr", action="store_true",
                        help="linear scaling rule: multiply --lr by (processes x batch size) / --base-batch")
    parser.add_argument("--base-batch", type=int, default=64, help="the batch --lr was chosen for (default 64)")
    parser.add_argument("--warmup-steps", type=int, default=0,
                        help="raise the learning rate linearly from --lr to the scaled one over this many steps")
    parser.add_argument("--steps", type=int, default=None, help="stop after this many steps (a short check)")
    parser.add_argument("--no-shuffle", action="store_true", help="keep the dataset's order (for comparisons)")
    parser.add_argument("--train-size", type=int, default=None, help="use the first N training images only")
    parser.add_argument("--seed", type=int, default=0, help="seeds the starting weights and the shuffling")
    parser.add_argument("--data", default=str(REPO / "data"), help="folder holding FashionMNIST/raw/ (default: data)")
    parser.add_argument("--save", default=None, help="rank 0 saves a full checkpoint here after every epoch")
    parser.add_argument("--resume", default=None,
                        help="start from this checkpoint, if it exists, and train on to --epochs")
    args = parser.parse_args(argv)
    for name in ("epochs", "batch_size", "base_batch"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1, got {getattr(args, name)}")
    if not (math.isfinite(args.lr) and args.lr > 0):
        parser.error(f"--lr must be a positive number, got {args.lr}; the series uses 0.05 for SGD at batch 64")
    if args.warmup_steps < 0 or (args.steps is not None and args.steps < 1):
        parser.error("--warmup-steps must be 0 or more, and --steps at least 1")
    return args


def learning_rate(step: int, base_lr: float, base_batch: int, global_batch: int, warmup_steps: int) -> float:
    """Linear scaling with warm-up: from ``base_lr`` up to ``base_lr * global_batch / base_batch``."""
    target = base_lr * global_batch / base_batch
    if step < warmup_steps:
        return base_lr + (target - base_lr) * step / warmup_steps
    return target


def data_ready_marker(data: str) -> Path:
    """The file by which the first process on a machine tells the others there that the data is in place."""
    run = os.environ.get("TORCHELASTIC_RUN_ID", "none")
    restart = os.environ.get("TORCHELASTIC_RESTART_COUNT", "0")
    return Path(data) / f".ready-{run}-{restart}"


def prepare_data_on_this_machine(data: str, wait_minutes: float = 30, poll_seconds: float = 1.0) -> bool:
    """Find or download FashionMNIST before any process group exists, once per machine.

    The first process on each machine (LOCAL_RANK 0) prepares the files and leaves a marker; the others on
    that machine wait for the marker. Nothing with the process group's short timeout is waiting meanwhile, so
    a slow first download cannot time the group out, and every machine of a multi-machine run fills its own
    data folder. If the first process fails, it says why and exits, and torchrun stops the others."""
    marker = data_ready_marker(data)
    if int(os.environ.get("LOCAL_RANK", "0")) == 0:
        try:
            prepare_fashion_mnist(data)
        except DataError as exc:
            print(exc, file=sys.stderr, flush=True)
            return False
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
        return True
    deadline = time.monotonic() + 60 * wait_minutes
    while not marker.exists():
        if time.monotonic() > deadline:
            print(tr("waited {minutes:g} minutes for the first process on this machine to prepare the data in "
                     "{data}; run `python -m helpers --root {data}` on this machine first", minutes=wait_minutes,
                     data=data), file=sys.stderr, flush=True)
            return False
        time.sleep(poll_seconds)
    return True


def join_the_group() -> tuple[int, int, torch.device]:
    """Join the process group torchrun set up (or make a world of one); return rank, world size, device."""
    if "RANK" not in os.environ:  # started with plain python: a world of one process
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        os.environ.update(RANK="0", LOCAL_RANK="0", WORLD_SIZE="1", MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    local_rank = int(os.environ["LOCAL_RANK"])
    if torch.cuda.is_available() and torch.cuda.device_count() > local_rank:
        backend, device = "nccl", torch.device("cuda", local_rank)  # one GPU per process
        torch.cuda.set_device(device)
    else:
        backend, device = "gloo", torch.device("cpu")
    dist.init_process_group(backend, timeout=timedelta(minutes=2))
    return dist.get_rank(), dist.get_world_size(), device


def save_checkpoint(path: str, model, optimizer, schedule, epoch: int, steps: int, world: int, batch_size: int,
                    **figures: float) -> None:
    """Everything a resumed run needs to take the same steps as one never stopped, and the epoch's figures
    (averaged over the processes); written whole or not at all."""
    state = {"model": model.module.state_dict(), "optimizer": optimizer.state_dict(),
             "schedule": schedule.state_dict(), "epoch": epoch, "steps": steps, "world_size": world,
             "batch_size": batch_size, "rng": torch.get_rng_state(), **figures}
    partial = Path(f"{path}.part")
    torch.save(state, partial)
    os.replace(partial, path)  # a process stopped while writing leaves the previous checkpoint whole


def resume(path: str | None, model, optimizer, schedule, world: int, batch_size: int, device) -> tuple[int, int, str]:
    """Load ``path`` into the model, optimizer and schedule; return the last finished epoch, the steps taken and
    what to tell the user (0, 0 and "" when there is nothing to resume)."""
    if not path or not Path(path).exists():
        return 0, 0, ""
    state = torch.load(path, map_location=device, weights_only=True)
    model.module.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    schedule.load_state_dict(state["schedule"])
    torch.set_rng_state(state["rng"].cpu())
    # The optimizer's state holds the rate the old run's schedule set; this run's schedule decides it from here
    # (after a restart with another world size and --scale-lr, the two differ).
    for group, rate, base in zip(optimizer.param_groups, schedule.lr_lambdas, schedule.base_lrs):
        group["lr"] = base * rate(schedule.last_epoch)
    said = tr("resumed from {path}: epoch {epoch} finished, {steps} steps taken", path=path, epoch=state["epoch"],
              steps=state["steps"])
    was, now = state["world_size"] * state["batch_size"], world * batch_size
    if was != now:  # an elastic restart with more or fewer processes: it goes on, but not as the old run would have
        said += tr("; the global batch is now {now} images ({world} x {batch_size}), not {was}, so from here the "
                   "steps (and, with --scale-lr, the rate) are those of the new size", now=now, world=world,
                   batch_size=batch_size, was=was)
    return state["epoch"], state["steps"], said


def mean_over_processes(*values: float, device: torch.device) -> list[float]:
    """Average numbers across the processes (each process measured its own share)."""
    t = torch.tensor(values, dtype=torch.float64, device=device)  # nccl only moves tensors on the GPU
    dist.all_reduce(t)  # sum over processes
    return (t / dist.get_world_size()).tolist()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if os.environ.get(ENV_VAR) in LANGUAGES:  # the language of the notebook that started torchrun
        set_language(os.environ[ENV_VAR])
    if not prepare_data_on_this_machine(args.data):  # before the group: a slow download times nothing out
        return 1
    rank, world, device = join_the_group()
    if int(os.environ.get("LOCAL_RANK", "0")) == 0:  # every process of this machine is past its wait
        data_ready_marker(args.data).unlink(missing_ok=True)
    say = print if rank == 0 else (lambda *a, **k: None)  # only rank 0 speaks
    data = load_fashion_mnist(args.data, download=False)
    train = data.train if args.train_size is None else Subset(data.train, range(min(args.train_size, len(data.train))))

    # Each process gets every world-th image of the (shuffled) epoch: a different share, the same size.
    sampler = DistributedSampler(train, num_replicas=world, rank=rank, shuffle=not args.no_shuffle, seed=args.seed)
    loader = DataLoader(train, batch_size=args.batch_size, sampler=sampler)

    set_seed(args.seed)  # the same starting weights in every process (DDP also copies rank 0's over at the start)
    model = DistributedDataParallel(NeuralNetwork().to(device))
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
    global_batch = world * args.batch_size
    base_batch = global_batch if not args.scale_lr else args.base_batch
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: learning_rate(
        step, args.lr, base_batch, global_batch, args.warmup_steps) / args.lr)

    say(trn("{world} process ({backend}, {device}), {images:,} training images, {steps} steps per epoch of "
            "{world} x {batch} = {global_batch} images, learning rate {lr:g}",
            "{world} processes ({backend}, {device}), {images:,} training images, {steps} steps per epoch of "
            "{world} x {batch} = {global_batch} images, learning rate {lr:g}", world, world=world,
            backend=dist.get_backend(), device=device.type, images=len(train), steps=len(loader),
            batch=args.batch_size, global_batch=global_batch, lr=schedule.get_last_lr()[0])
        + (tr(" rising to {peak:g}", peak=learning_rate(args.warmup_steps, args.lr, base_batch, global_batch,
                                                        args.warmup_steps)) if args.warmup_steps else ""), flush=True)

    class StepCounter:  # ends the epoch after --steps steps, and moves the schedule on every step
        steps = 0

        def __call__(self, batch, n_batches, loss, accuracy):
            self.steps += 1
            schedule.step()

        def is_set(self) -> bool:
            return args.steps is not None and self.steps >= args.steps

    counter = StepCounter()
    done, counter.steps, said = resume(args.resume, model, optimizer, schedule, world, args.batch_size, device)
    if said:
        say(said, flush=True)
    for epoch in range(done + 1, args.epochs + 1):
        sampler.set_epoch(epoch)  # a new shuffle each epoch, the same one in every process
        start = time.perf_counter()
        try:
            result = train_loop(loader, model, loss_fn, optimizer, device, on_batch=counter, stop=counter)
        except Diverged as exc:  # the other processes are stopped by torchrun when this one exits
            print(f"rank {rank}: {exc}", file=sys.stderr, flush=True)
            return 2
        except Stopped:
            result = None
        seconds = time.perf_counter() - start
        figures = {}
        if result is not None:
            loss, accuracy = mean_over_processes(result.loss, result.accuracy, device=device)
            figures = {"train_loss": loss, "train_acc": accuracy}
            say(tr("epoch {epoch}: train loss {loss:.3f}, train accuracy {acc:.1f}%, {seconds:.1f} s", epoch=epoch,
                   loss=loss, acc=100 * accuracy, seconds=seconds), flush=True)
        else:
            say(tr("stopped after {steps} steps, {seconds:.1f} s", steps=counter.steps, seconds=seconds), flush=True)
        if rank == 0 and args.save:
            save_checkpoint(args.save, model, optimizer, schedule, epoch, counter.steps, world, args.batch_size,
                            **figures)
        dist.barrier()  # no process starts the next epoch, or exits, before the checkpoint is written
        if result is None:
            break

    if rank == 0:  # the test set, once, in one process: the weights are the same in all
        test = test_loop(DataLoader(data.test, batch_size=1000), model.module, loss_fn, device)
        say(tr("test accuracy: {acc:.1f}%", acc=100 * test.accuracy), flush=True)
    dist.barrier()
    dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main())
