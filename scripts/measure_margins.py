"""Measure the figures behind the notebooks' checked claims over several seeds and two numeric paths.

A checked cell may only claim what holds on any machine ("test accuracy above 85%: True"). This
script reruns each claimed quantity the way its notebook computes it, for seeds 0, 1 and 2, on this
machine's default numeric path and again on a second one (``MKL_CBWR=COMPATIBLE
ATEN_CPU_CAPABILITY=default OMP_NUM_THREADS=1``: other matrix-multiply kernels, other vector
instructions, one thread), and prints each quantity's smallest and largest value beside the
threshold its notebook uses. A threshold belongs in a checked cell only with room on both sides.

    .venv/bin/python scripts/measure_margins.py [--seeds 0 1 2] [--root data]

It takes about 20 minutes on a 2-core laptop. ``--only NAME`` reruns one group (02, 04, 05, 06, 07, 08).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

SECOND_PATH = {"MKL_CBWR": "COMPATIBLE", "ATEN_CPU_CAPABILITY": "default", "OMP_NUM_THREADS": "1"}

# name -> (claim as the notebook states it, test on the value)
CLAIMS = {
    "02 untrained accuracy": ("below 20%", lambda v: v < 0.20),
    "02 untrained mean top probability": ("below 0.2", lambda v: v < 0.2),
    "02 untrained: share of the two favourite classes": ("above half", lambda v: v > 0.5),
    "05 lesson acc after 10": ("between 65% and 75%", lambda v: 0.65 < v < 0.75),
    "05 lesson test loss drop in epoch 10": ("above 0 (still falling)", lambda v: v > 0),
    "05 fair: test minus train loss": ("above 0", lambda v: v > 0),
    "05 fair: epoch mean minus final train loss": ("above 0", lambda v: v > 0),
    "04 val loss after 300 steps, lr 0.1 over lr 0.001": ("below 0.5", lambda v: v < 0.5),
    "05 momentum minus the lesson's setting, val acc after 1 epoch each": ("above 25 points", lambda v: v > 0.25),
    "05 momentum after 1 epoch: test acc": ("above 75%", lambda v: v > 0.75),
    "06 lr 0.1 minus lr 0.001, val acc after 3": ("above 20 points", lambda v: v > 0.20),
    "06 over-fitting: last val loss minus lowest": ("above 0.1", lambda v: v > 0.1),
    "06 lr 3 diverged in epoch 1": ("True", lambda v: v is True),
    "06 noise ratio, batch 16 over 256": ("above 2", lambda v: v > 2),
    "07 panel momentum best val acc, 2 epochs": ("above 80%", lambda v: v > 0.80),
    "08 kept model test acc": ("above 85%", lambda v: v > 0.85),
}


def measure(seed: int, root: str, only: str | None) -> dict:
    import torch
    from torch import nn
    from torch.utils.data import DataLoader

    from helpers import NeuralNetwork, fit, load_fashion_mnist, set_seed, split_train_val, test_loop
    from helpers.data import InMemoryDataset
    from helpers.runs import RunSettings, train_run

    train_data, test_data, classes = load_fashion_mnist(root)
    loss_fn = nn.CrossEntropyLoss()
    test_loader = DataLoader(test_data, batch_size=1000)
    out: dict = {}

    def shuffled(data, batch_size=64):
        return DataLoader(data, batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed))

    def run(make_opt, epochs, train=train_data, val=None, **kw):
        """Train as the notebooks do; the history's eval_* figures are on ``val`` if given, else on the test set."""
        set_seed(seed)
        model = NeuralNetwork()
        held_out = {"val_loader": val} if val is not None else {"test_loader": test_loader}
        return model, fit(model, shuffled(train), loss_fn, make_opt(model.parameters()), epochs, **held_out, **kw)

    if only in (None, "02"):
        set_seed(seed)
        with torch.no_grad():
            logits = NeuralNetwork()(test_data.images)
        pred = logits.argmax(dim=1)
        out["02 untrained accuracy"] = (pred == test_data.targets).float().mean().item()
        out["02 untrained mean top probability"] = torch.softmax(logits, dim=1).max(dim=1).values.mean().item()
        out["02 untrained: share of the two favourite classes"] = (
            torch.bincount(pred, minlength=10).sort(descending=True).values[:2].sum().item() / len(pred))

    if only in (None, "04"):
        train_part, val_part = split_train_val(train_data)

        def val_loss_after(lr, steps=300):
            set_seed(seed)
            model = NeuralNetwork()
            opt = torch.optim.SGD(model.parameters(), lr=lr)
            for step, (X, y) in enumerate(shuffled(train_part)):
                if step == steps:
                    break
                loss = loss_fn(model(X), y)
                opt.zero_grad()
                loss.backward()
                opt.step()
            with torch.no_grad():
                return loss_fn(model(val_part.images), val_part.targets).item()

        out["04 val loss after 300 steps, lr 0.1 over lr 0.001"] = val_loss_after(0.1) / val_loss_after(1e-3)

    if only in (None, "05"):
        model, lesson = run(lambda p: torch.optim.SGD(p, lr=1e-3), 10)
        out["05 lesson acc after 1"] = lesson.eval_acc[0]
        out["05 lesson acc after 5"] = lesson.eval_acc[4]
        out["05 lesson acc after 10"] = lesson.eval_acc[9]
        out["05 lesson test loss drop in epoch 10"] = lesson.eval_loss[-2] - lesson.eval_loss[-1]
        fair_train = test_loop(DataLoader(train_data, batch_size=1000), model, loss_fn)
        fair_test = test_loop(test_loader, model, loss_fn)
        out["05 fair: test minus train loss"] = fair_test.loss - fair_train.loss
        out["05 fair: epoch mean minus final train loss"] = lesson.train_loss[-1] - fair_train.loss
        train_part, val_part = split_train_val(train_data)
        val = DataLoader(val_part, batch_size=1000)
        _, baseline = run(lambda p: torch.optim.SGD(p, lr=1e-3), 1, train=train_part, val=val)
        kept, better = run(lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9), 1, train=train_part, val=val)
        out["05 momentum minus the lesson's setting, val acc after 1 epoch each"] = better.val_acc[0] - baseline.val_acc[0]
        out["05 momentum after 1 epoch: test acc"] = test_loop(test_loader, kept, loss_fn).accuracy

    if only in (None, "06"):
        train_part, val_part = split_train_val(train_data, val_size=10_000)
        val = DataLoader(val_part, batch_size=1000)
        small = InMemoryDataset(train_part.images[:10_000], train_part.targets[:10_000], classes)
        accs = {lr: run(lambda p, lr=lr: torch.optim.SGD(p, lr=lr), 3, train=small, val=val)[1].val_acc
                for lr in (0.001, 0.1, 0.5, 1.0)}
        for lr, acc in accs.items():
            out[f"06 lr {lr:g} val acc after 3 (not checked)"] = acc[-1] if len(acc) == 3 else float("nan")
        out["06 lr 0.1 minus lr 0.001, val acc after 3"] = accs[0.1][-1] - accs[0.001][-1]
        few = InMemoryDataset(train_part.images[:1000], train_part.targets[:1000], classes)
        _, overfit = run(lambda p: torch.optim.Adam(p, lr=1e-3), 30, train=few, val=val)
        out["06 over-fitting: last val loss minus lowest"] = overfit.val_loss[-1] - min(overfit.val_loss)
        _, exploded = run(lambda p: torch.optim.SGD(p, lr=3.0), 3, train=small, val=val)
        out["06 lr 3 diverged in epoch 1"] = exploded.status == "diverged" and len(exploded) == 0

        def batch_losses(batch_size, steps=300, lr=0.05):
            set_seed(seed)
            model = NeuralNetwork()
            opt = torch.optim.SGD(model.parameters(), lr=lr)
            loader, losses = shuffled(train_data, batch_size), []
            while len(losses) < steps:  # 300 steps of 256 take more than one epoch, as in the notebook
                for X, y in loader:
                    loss = loss_fn(model(X), y)
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
                    losses.append(loss.item())
                    if len(losses) == steps:
                        break
            losses = torch.tensor(losses)
            return (losses[1:] - losses[:-1]).abs()[-100:].mean().item()

        out["06 noise ratio, batch 16 over 256"] = batch_losses(16) / batch_losses(256)

    if only in (None, "07"):
        train_part, val_part = split_train_val(train_data)  # as 07 builds its panel
        h = train_run(RunSettings(optimizer="SGD + momentum", lr=0.01, momentum=0.9, epochs=2, seed=seed),
                      train_part, val_part)
        out["07 panel momentum best val acc, 2 epochs"] = h.best_val_acc
        if not os.environ.get("OMP_NUM_THREADS"):  # the exercises' solutions: one path is enough
            for name, s in {"Adam 0.001": RunSettings(optimizer="Adam", lr=1e-3, epochs=5, seed=seed),
                            "SGD+m 0.01": RunSettings(optimizer="SGD + momentum", lr=0.01, epochs=5, seed=seed),
                            "SGD 0.1": RunSettings(lr=0.1, epochs=5, seed=seed)}.items():
                h = train_run(s, train_part, val_part)
                out[f"07 solution: {name} best val acc in 5 (not checked)"] = h.best_val_acc
            for lr in (1.0, 0.5):
                h = train_run(RunSettings(lr=lr, epochs=2, seed=seed), train_part, val_part)
                out[f"07 solution: SGD {lr:g}, 2 epochs (not checked)"] = (
                    f"{h.status} after {len(h)} epochs" + (f", best {100 * h.best_val_acc:.0f}%" if len(h) else ""))

    if only in (None, "08"):
        train_part, val_part = split_train_val(train_data, val_size=10_000, seed=0)
        val_loader = DataLoader(val_part, batch_size=1000)
        best = {"loss": float("inf"), "epoch": 0, "test": None}
        stop = threading.Event()

        def keep_best(history):  # as 08: keep the best, stop after 2 epochs without improving
            if history.val_loss[-1] < best["loss"]:
                best.update(loss=history.val_loss[-1], epoch=len(history),
                            test=test_loop(test_loader, model_08, loss_fn).accuracy)
            elif len(history) - best["epoch"] >= 2:
                stop.set()

        set_seed(seed)
        model_08 = NeuralNetwork()
        h = fit(model_08, shuffled(train_part), loss_fn, torch.optim.Adam(model_08.parameters(), lr=1e-3), 10,
                val_loader=val_loader, callback=keep_best, stop=stop)
        out["08 kept model test acc"] = best["test"]
        out["08 epochs run, best epoch (not checked)"] = f"{len(h)}, {best['epoch']}"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--root", default=str(Path(__file__).resolve().parents[1] / "data"))
    parser.add_argument("--only", choices=["02", "04", "05", "06", "07", "08"])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print("RESULT " + json.dumps(measure(args.child, args.root, args.only)))
        return

    results: dict[str, list] = {}
    for path_name, extra in (("default", {}), ("second", SECOND_PATH)):
        for seed in args.seeds:
            cmd = [sys.executable, __file__, "--child", str(seed), "--root", args.root]
            cmd += ["--only", args.only] if args.only else []
            done = subprocess.run(cmd, env={**os.environ, **extra}, capture_output=True, text=True, check=True)
            line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
            for name, value in json.loads(line[len("RESULT "):]).items():
                results.setdefault(name, []).append((path_name, seed, value))
            print(f"measured seed {seed} on the {path_name} path", file=sys.stderr, flush=True)

    for name, values in results.items():
        shown = ", ".join(f"{p[0]}{s}={v:.3f}" if isinstance(v, float) else f"{p[0]}{s}={v}" for p, s, v in values)
        if name in CLAIMS:
            claim, holds = CLAIMS[name]
            numbers = [v for _, _, v in values if isinstance(v, float)]
            span = f"min {min(numbers):.3f}, max {max(numbers):.3f}; " if numbers else ""
            verdict = "holds" if all(holds(v) for _, _, v in values) else "FAILS"
            print(f"{name}: {span}claim '{claim}' {verdict}\n    {shown}")
        else:
            print(f"{name}:\n    {shown}")


if __name__ == "__main__":
    main()
