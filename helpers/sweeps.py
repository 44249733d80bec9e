"""Learning-rate sweeps on Ray Tune: one trial as the series trains, the sweep, its table and plot, the winner.

Ray is an optional extra: ``pip install -e ".[scale]"``. ``train_mlp`` is the loop of 05_full_loop with
a report to Tune after every epoch; ``run_sweep`` is the ``tune.Tuner`` of 16_sweeps.
"""

from __future__ import annotations

import math
import os
import tempfile

import torch
from torch import nn

from .course.i18n import tr
from .data import InMemoryDataset, make_loaders
from .models import NeuralNetwork
from .runs import RunSettings
from .training import Diverged, set_seed, test_loop, train_loop

BATCH_SIZES = (32, 64, 128, 256)


def require_ray():
    """Return ``(ray, tune)``, or raise ``ModuleNotFoundError`` saying how to install Ray Tune."""
    try:
        import ray
        from ray import tune
    except ImportError as exc:
        raise ModuleNotFoundError(tr(
            "Ray Tune is not installed here. In the series' folder run: pip install -e \".[scale]\" "
            "(or pip install \"ray[tune]\"), then restart the kernel.")) from exc
    return ray, tune


def subset(data: InMemoryDataset, n: int) -> InMemoryDataset:
    """Return the first ``n`` images of ``data`` (a random sample when ``data`` came from ``split_train_val``)."""
    if not 0 < n <= len(data):
        raise ValueError(tr("n must be between 1 and {most:,}, got {n}", most=len(data), n=n))
    return type(data)(data.images[:n], data.targets[:n], data.classes)


def train_mlp(config: dict, train_data, val_data, epochs: int) -> None:
    """One trial: the series' MLP and loop, SGD with ``config``'s lr, momentum, batch size (and seed, 0 if absent).

    After every epoch it reports the validation accuracy (and loss) to Tune, which may stop it there, with
    a checkpoint of the weights (``model.pt`` in the checkpoint's folder).
    """
    from ray import tune

    torch.set_num_threads(1)  # one core per trial: Tune runs as many trials at once as there are cores
    seed = config.get("seed", 0)
    set_seed(seed)
    model = NeuralNetwork()
    train_loader, val_loader = make_loaders(train_data, val_data, config["batch_size"], seed=seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=config["lr"], momentum=config["momentum"])
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(1, epochs + 1):
        try:
            train_loop(train_loader, model, loss_fn, optimizer)
        except Diverged:  # a learning rate too high: the worst score, and the trial ends
            tune.report({"val_acc": 0.0, "val_loss": math.inf, "epoch": epoch, "diverged": True})
            return
        val = test_loop(val_loader, model, loss_fn)
        with tempfile.TemporaryDirectory() as folder:  # Tune copies the folder into the trial's storage
            torch.save(model.state_dict(), os.path.join(folder, "model.pt"))
            tune.report({"val_acc": val.accuracy, "val_loss": val.loss, "epoch": epoch, "diverged": False},
                        checkpoint=tune.Checkpoint.from_directory(folder))


def load_checkpoint_weights(checkpoint, model: nn.Module) -> nn.Module:
    """Load the weights a trial saved in ``checkpoint`` (a Tune ``Checkpoint``) into ``model``; return it."""
    with checkpoint.as_directory() as folder:
        model.load_state_dict(torch.load(os.path.join(folder, "model.pt"), weights_only=True))
    return model


def search_space() -> dict:
    """The sweep's space: learning rate log-uniform, momentum uniform, batch size one of four."""
    _, tune = require_ray()
    return {
        "lr": tune.loguniform(1e-3, 1.0),
        "momentum": tune.uniform(0.0, 0.95),
        "batch_size": tune.choice(list(BATCH_SIZES)),
    }


def run_sweep(train_data, val_data, num_samples: int = 12, max_epochs: int = 4, grace_period: int = 1,
              reduction_factor: int = 2, seed: int = 0, space: dict | None = None, storage: str | None = None,
              max_concurrent: int | None = None):
    """Run ``num_samples`` trials of ``train_mlp`` under an ASHA scheduler; return Tune's ``ResultGrid``.

    Ray starts on this machine's cores unless ``ray.init(address=...)`` was called first (a cluster);
    ``max_concurrent`` caps how many trials run at once (default: one per logical CPU). Each trial keeps the
    checkpoint from its epoch with the best validation accuracy (and, until it ends, its latest one).
    """
    os.environ.setdefault("RAY_AIR_NEW_OUTPUT", "0")  # Tune's plain output, quiet at verbose=0
    ray, tune = require_ray()
    from ray.tune.schedulers import ASHAScheduler
    from ray.tune.search import BasicVariantGenerator

    if not ray.is_initialized():
        ray.init(include_dashboard=False, logging_level="ERROR", log_to_driver=False)
    trainable = tune.with_parameters(train_mlp, train_data=train_data, val_data=val_data, epochs=max_epochs)
    tuner = tune.Tuner(
        trainable,
        param_space=space or search_space(),
        tune_config=tune.TuneConfig(
            metric="val_acc", mode="max", num_samples=num_samples, max_concurrent_trials=max_concurrent,
            scheduler=ASHAScheduler(max_t=max_epochs, grace_period=grace_period, reduction_factor=reduction_factor),
            search_alg=BasicVariantGenerator(random_state=seed), reuse_actors=True,
        ),
        run_config=tune.RunConfig(storage_path=storage or tempfile.mkdtemp(prefix="sweep-"), verbose=0,
                                  checkpoint_config=tune.CheckpointConfig(
                                      num_to_keep=1, checkpoint_score_attribute="val_acc",
                                      checkpoint_score_order="max")),
    )
    return tuner.fit()


def sweep_rows(results) -> list[dict]:
    """One row per trial, best validation accuracy first: its settings, epochs run and last validation accuracy."""
    rows = []
    for result in results:
        metrics, config = result.metrics or {}, result.config or {}
        rows.append({
            "lr": config.get("lr"),
            "momentum": config.get("momentum"),
            "batch_size": config.get("batch_size"),
            "epochs": metrics.get("training_iteration", 0),
            "val_acc": metrics.get("val_acc", float("nan")),
            "diverged": bool(metrics.get("diverged", False)),
            "error": str(result.error) if result.error else "",
        })
    return sorted(rows, key=lambda r: -r["val_acc"] if r["val_acc"] == r["val_acc"] else math.inf)


def best_settings(rows: list[dict], epochs: int = 5) -> RunSettings:
    """Return the best trial's settings as the training panel takes them (SGD + momentum)."""
    best = rows[0]
    return RunSettings(lr=float(f"{best['lr']:.2g}"), epochs=epochs, batch_size=int(best["batch_size"]),
                       optimizer="SGD + momentum", momentum=round(float(best["momentum"]), 2))


def plot_sweep(rows: list[dict], max_epochs: int):
    """Validation accuracy against learning rate, one point per trial, coloured by batch size.

    Filled points ran all ``max_epochs`` epochs; open ones were stopped early by the scheduler.
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    colours = dict(zip(BATCH_SIZES, plt.get_cmap("viridis")([0.0, 0.33, 0.66, 0.95]), strict=False))
    for batch in BATCH_SIZES:
        for full in (True, False):
            pts = [r for r in rows if r["batch_size"] == batch and (r["epochs"] >= max_epochs) == full]
            if not pts:
                continue
            ax.scatter([r["lr"] for r in pts], [100 * r["val_acc"] for r in pts], s=60,
                       facecolors=colours[batch] if full else "none", edgecolors=colours[batch], linewidths=1.5,
                       label=tr("batch {b}", b=batch) + ("" if full else tr(", stopped early")))
    ax.set_xscale("log")
    ax.set_xlabel(tr("learning rate"))
    ax.set_ylabel(tr("validation accuracy (%)"))
    ax.set_title(tr("The sweep: each point a trial"))
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    return fig
