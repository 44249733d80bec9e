"""Honest training histories from settings the mistakes checker was not tuned on, for its tests.

    python scripts/honest_histories.py          (writes tests/fixtures/honest_histories.json, about two minutes)

Each run trains on real FashionMNIST with a loop that makes none of 13's mistakes (``helpers.fit``: per-sample
averages, zero_grad, eval mode and no gradients for evaluation, a shuffled training set), in settings 13's
gallery does not use: Adam, SGD with momentum under schedules, a long run that over-fits, dropout and batch
norm, large and small batches. ``tests/test_mistakes.py`` asserts that ``diagnose`` finds nothing in any of them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import torch
from torch import nn
from torch.optim import lr_scheduler

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from helpers import NeuralNetwork, fit, load_fashion_mnist, make_loaders, set_seed, split_train_val  # noqa: E402
from helpers.data import InMemoryDataset  # noqa: E402
from helpers.mistakes import record_modes  # noqa: E402

OUT = REPO / "tests" / "fixtures" / "honest_histories.json"
TRAIN, VAL = 10_000, 5_000


def dropout_mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.3),
                         nn.Linear(512, 512), nn.ReLU(), nn.Dropout(0.3), nn.Linear(512, 10))


def batchnorm_mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.BatchNorm1d(256), nn.ReLU(),
                         nn.Linear(256, 10))


def settings():
    """(name, model, optimizer, epochs, batch size, scheduler maker, per batch)."""
    return [
        ("Adam 1e-3", NeuralNetwork, lambda p: torch.optim.Adam(p, lr=1e-3), 5, 64, None, False),
        ("Adam 3e-3, batch 256", NeuralNetwork, lambda p: torch.optim.Adam(p, lr=3e-3), 5, 256, None, False),
        ("AdamW 1e-3, weight decay 0.05", NeuralNetwork,
         lambda p: torch.optim.AdamW(p, lr=1e-3, weight_decay=0.05), 5, 64, None, False),
        ("SGD momentum 0.9, lr 0.05, cosine", NeuralNetwork, lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9), 6, 64,
         lambda o, steps: lr_scheduler.CosineAnnealingLR(o, T_max=6), False),
        ("SGD momentum 0.9, one-cycle to 0.2", NeuralNetwork, lambda p: torch.optim.SGD(p, lr=0.2, momentum=0.9), 5,
         128, lambda o, steps: lr_scheduler.OneCycleLR(o, max_lr=0.2, total_steps=steps), True),
        ("SGD 0.1, batch 16", NeuralNetwork, lambda p: torch.optim.SGD(p, lr=0.1), 4, 16, None, False),
        ("SGD 0.01, 3 epochs (barely learning)", NeuralNetwork, lambda p: torch.optim.SGD(p, lr=0.01), 3, 64, None,
         False),
        ("Adam 1e-3, 20 epochs (over-fits)", NeuralNetwork, lambda p: torch.optim.Adam(p, lr=1e-3), 20, 64, None,
         False),
        ("dropout 0.3, Adam 1e-3", dropout_mlp, lambda p: torch.optim.Adam(p, lr=1e-3), 6, 64, None, False),
        ("batch norm, SGD momentum 0.9, lr 0.05", batchnorm_mlp,
         lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9), 5, 64, None, False),
    ]


def main() -> None:
    train_data, _, classes = load_fashion_mnist(REPO / "data")
    part, val_part = split_train_val(train_data, val_size=VAL, seed=0)
    train = InMemoryDataset(part.images[:TRAIN], part.targets[:TRAIN], classes)
    val = InMemoryDataset(val_part.images, val_part.targets, classes)
    runs = []
    for name, make_model, make_optimizer, epochs, batch, make_scheduler, per_batch in settings():
        for seed in (0, 1, 2):
            set_seed(seed)
            model = make_model()
            optimizer = make_optimizer(model.parameters())
            train_loader, val_loader = make_loaders(train, val, batch_size=batch, seed=seed)
            scheduler = make_scheduler(optimizer, epochs * len(train_loader)) if make_scheduler else None
            modes = record_modes(model)
            history = fit(model, train_loader, nn.CrossEntropyLoss(), optimizer, epochs, val_loader=val_loader,
                          scheduler=scheduler, scheduler_per_batch=per_batch)
            modes.stop()
            runs.append({"setting": name, "seed": seed, "train_size": len(train), "eval_size": len(val),
                         "evaluations_in_train_mode": modes.evaluations_in_train_mode,
                         "trainings_in_eval_mode": modes.trainings_in_eval_mode,
                         "stochastic": modes.stochastic,
                         "history": {k: getattr(history, k) for k in
                                     ("train_loss", "train_acc", "val_loss", "val_acc")} | {"status": history.status}})
            print(f"{name:<40} seed {seed}: validation accuracy {100 * max(history.val_acc):.1f}%", flush=True)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(runs, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(runs)} histories to {OUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
