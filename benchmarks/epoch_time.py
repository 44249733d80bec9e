"""Time one training epoch (batch 64, the lesson's MLP, SGD) through three data pipelines, side by side.

(a) the lesson's pipeline: torchvision's FashionMNIST, ToTensor on every sample, a DataLoader;
(b) the helpers pipeline: load_fashion_mnist() tensors in memory, an ordinary DataLoader;
(c) a bare loop that slices the tensors in memory itself, with no DataLoader at all.

All three see the same batches in the same order from the same starting weights, so their
final losses agree: only the time differs. Rounds alternate the pipelines so that a busy
moment on the machine hits all of them alike; the fastest round of each is reported.

    python benchmarks/epoch_time.py [--rounds 2] [--root data]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch
from torch import nn
from torch.utils.data import DataLoader
from torchvision import datasets
from torchvision.transforms import ToTensor

from helpers import NeuralNetwork, load_fashion_mnist

SEED = 0
BATCH = 64


def train_epoch(batches, lr: float = 1e-3) -> tuple[float, float]:
    """Return (seconds, last batch loss) for one epoch over ``batches`` from seeded weights."""
    torch.manual_seed(SEED)
    model = NeuralNetwork()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    start = time.perf_counter()
    for X, y in batches:
        loss = loss_fn(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return time.perf_counter() - start, loss.item()


def seeded_loader(dataset) -> DataLoader:
    return DataLoader(dataset, batch_size=BATCH, shuffle=True, generator=torch.Generator().manual_seed(SEED))


def bare_batches(images: torch.Tensor, targets: torch.Tensor, order: list[torch.Tensor]):
    for index in order:
        yield images[index], targets[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--root", default=str(Path(__file__).resolve().parents[1] / "data"))
    args = parser.parse_args()
    torch.set_num_threads(torch.get_num_threads())

    start = time.perf_counter()
    data = load_fashion_mnist(args.root)
    load_seconds = time.perf_counter() - start
    lesson = datasets.FashionMNIST(args.root, train=True, transform=ToTensor())
    # The same index order the seeded DataLoaders draw, taken once, outside the timing.
    order = list(seeded_loader(range(len(data.train))))

    pipelines = {
        "a": ("lesson: ToTensor per sample + DataLoader", lambda: seeded_loader(lesson)),
        "b": ("helpers: in-memory tensors + DataLoader", lambda: seeded_loader(data.train)),
        "c": ("bare: slicing tensors in memory", lambda: bare_batches(data.train.images, data.train.targets, order)),
    }
    best: dict[str, float] = {}
    final: dict[str, float] = {}
    for r in range(args.rounds):
        for key, (_, make) in pipelines.items():
            seconds, loss = train_epoch(make())
            best[key] = min(best.get(key, float("inf")), seconds)
            final[key] = loss
            print(f"round {r + 1}  ({key}) {seconds:6.2f} s  last batch loss {loss:.6f}", flush=True)

    print(f"\nOne epoch, batch {BATCH}, {torch.get_num_threads()} threads, fastest of {args.rounds} rounds:")
    for key, (name, _) in pipelines.items():
        print(f"  ({key}) {name:<44} {best[key]:6.2f} s   final loss {final[key]:.6f}")
    same = len({round(v, 5) for v in final.values()}) == 1
    print(f"  all three compute the same losses: {same}")
    print(f"  b/c = {best['b'] / best['c']:.2f}  (the DataLoader's cost over bare slicing; target at most 1.25)")
    print(f"  a/b = {best['a'] / best['b']:.2f}  (the lesson's pipeline against helpers; target at least 3.5)")
    print(f"  load_fashion_mnist() from the extracted files: {load_seconds:.2f} s")


if __name__ == "__main__":
    main()
