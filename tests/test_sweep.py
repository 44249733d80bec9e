"""helpers.sweeps: a small Ray Tune sweep on real data, ASHA stopping the poor trials, and the messages."""

import json
import math
import sys

import pytest
from conftest import REPO  # noqa: E402  (one definition, in conftest.py)
from torch import nn
from torch.utils.data import DataLoader

from helpers.runs import RunSettings
from helpers.sweeps import best_settings, plot_sweep, require_ray, subset, sweep_rows, train_mlp


def test_sweep_without_ray_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # as if Ray were not installed
    with pytest.raises(ModuleNotFoundError, match=r'pip install -e "\.\[scale\]"'):
        require_ray()


def test_sweep_space_draws_learning_rates_log_uniformly():
    from helpers.sweeps import search_space

    space = search_space()
    rates = [space["lr"].sample() for _ in range(4000)]
    assert all(1e-3 <= r <= 1.0 for r in rates)
    decades = [sum(10 ** -k <= r < 10 ** (1 - k) for r in rates) for k in (3, 2, 1)]
    assert all(abs(d - 4000 / 3) < 150 for d in decades), decades  # each decade about a third


def test_sweep_trial_that_diverges_reports_the_worst_score_and_ends(fashion_like, monkeypatch):
    from ray import tune

    reports = []
    monkeypatch.setattr(tune, "report", lambda metrics, **kw: reports.append(metrics))
    small = subset(fashion_like.train, 512)
    train_mlp({"lr": 50.0, "momentum": 0.9, "batch_size": 64}, small, subset(fashion_like.test, 256), epochs=3)
    assert reports == [{"val_acc": 0.0, "val_loss": math.inf, "epoch": 1, "diverged": True}]
    reports.clear()
    train_mlp({"lr": 0.05, "momentum": 0.9, "batch_size": 64}, small, subset(fashion_like.test, 256), epochs=2)
    assert [r["epoch"] for r in reports] == [1, 2] and all(0 <= r["val_acc"] <= 1 for r in reports)


def test_sweep_subset_refuses_a_size_it_cannot_give(fashion_like):
    with pytest.raises(ValueError, match="n must be between 1 and 2,000"):
        subset(fashion_like.test, 20_000)


@pytest.mark.slow
def test_sweep_on_ray_tune_reports_every_epoch_and_asha_stops_the_poor_trials(fashion, tmp_path):
    import ray
    from ray import tune

    from helpers import split_train_val
    from helpers.sweeps import run_sweep

    train, val = split_train_val(fashion.train, val_size=1000)
    space = {"lr": tune.grid_search([0.05, 0.04, 1e-4, 2e-4]), "momentum": 0.9, "batch_size": 64}
    try:
        results = run_sweep(subset(train, 2000), val, max_epochs=2, space=space, storage=str(tmp_path),
                            num_samples=1, max_concurrent=1)  # one at a time: each rung sees the same trials first
    finally:
        ray.shutdown()
    assert len(results) == 4 and results.num_errors == 0
    for result in results:  # a report after every epoch it ran
        epochs = list(result.metrics_dataframe["epoch"])
        assert epochs == list(range(1, len(epochs) + 1))
    for result in results:  # the checkpoint of each trial's best epoch is kept
        saved = max(result.best_checkpoints, key=lambda kept: kept[1]["val_acc"])[1]
        assert saved["val_acc"] == max(result.metrics_dataframe["val_acc"])
    from helpers import NeuralNetwork, test_loop
    from helpers.sweeps import load_checkpoint_weights

    best = results.get_best_result()
    checkpoint, saved = max(best.best_checkpoints, key=lambda kept: kept[1]["val_acc"])
    model = load_checkpoint_weights(checkpoint, NeuralNetwork())
    again = test_loop(DataLoader(val, batch_size=500), model, nn.CrossEntropyLoss())
    assert abs(again.accuracy - saved["val_acc"]) < 0.002  # the weights the trial measured, loaded back
    rows = sweep_rows(results)
    ran = {row["lr"]: row["epochs"] for row in rows}
    # Ray may start the first two trials in either order, so the good rate that reaches rung 1 first goes on
    # (a first arrival always does) and the other goes on only if it beats it; the tiny rates, which come
    # after both, fall in the bottom half and stop at the first rung.
    assert max(ran[0.05], ran[0.04]) == 2 and ran[1e-4] == 1 and ran[2e-4] == 1
    assert [r["val_acc"] for r in rows] == sorted((r["val_acc"] for r in rows), reverse=True)
    assert rows[0]["lr"] in (0.05, 0.04) and rows[0]["val_acc"] > 0.5
    settings = best_settings(rows)
    assert settings == RunSettings(lr=rows[0]["lr"], epochs=5, batch_size=64, optimizer="SGD + momentum", momentum=0.9)
    settings.require_valid(len(train))
    fig = plot_sweep(rows, max_epochs=2)
    points = sum(len(c.get_offsets()) for c in fig.axes[0].collections)
    assert points == 4 and fig.axes[0].get_xscale() == "log"


@pytest.mark.slow  # importing Ray Tune takes seconds
def test_the_installed_ray_has_every_tune_name_helpers_sweeps_calls():
    # Ray 2.40 has neither tune.report nor tune.RunConfig: pyproject's floor (2.41) must hold for the names used
    import ast
    from pathlib import Path

    import helpers.sweeps

    ray = pytest.importorskip("ray")
    from ray import tune

    tree = ast.parse(Path(helpers.sweeps.__file__).read_text(encoding="utf-8"))
    used = {n.attr for n in ast.walk(tree)
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "tune"}
    assert {"report", "RunConfig", "Tuner", "TuneConfig"} <= used
    assert not [name for name in sorted(used) if not hasattr(tune, name)], f"Ray {ray.__version__} lacks them"


@pytest.mark.slow  # importing Ray Tune takes seconds
def test_the_notebooks_trial_reports_what_the_helpers_trial_reports(fashion_like, monkeypatch):
    """16's trial, as the notebook writes it, against helpers.sweeps.train_mlp: the same reports, epoch by epoch,
    each with a checkpoint that holds the weights."""
    import torch
    from ray import tune

    import helpers

    cells = json.loads((REPO / "notebooks" / "en" / "16_sweeps.ipynb").read_text(encoding="utf-8"))["cells"]
    trial = next("".join(c["source"]) for c in cells if "def train_mlp(" in "".join(c["source"]))
    namespace = {"torch": torch, "nn": nn, "tune": tune, "os": __import__("os"), "tempfile": __import__("tempfile"),
                 **{name: getattr(helpers, name) for name in ("NeuralNetwork", "make_loaders", "set_seed",
                                                              "test_loop", "train_loop")},
                 "Diverged": helpers.Diverged}
    exec(trial, namespace)

    def reports_of(train_mlp, config):
        reports = []

        def report(metrics, checkpoint=None):
            with checkpoint.as_directory() as folder:  # the weights are there while the report is made
                saved = torch.load(f"{folder}/model.pt", weights_only=True)
            reports.append((metrics, sorted(saved)))

        monkeypatch.setattr(tune, "report", report)
        train_mlp(config, subset(fashion_like.train, 512), subset(fashion_like.test, 256), epochs=2)
        return reports

    for config in ({"lr": 0.05, "momentum": 0.9, "batch_size": 64}, {"lr": 0.1, "momentum": 0.0, "batch_size": 32,
                                                                       "seed": 1}):
        mine, theirs = reports_of(namespace["train_mlp"], config), reports_of(train_mlp, config)
        assert [m for m, _ in mine] == [m for m, _ in theirs] and len(mine) == 2
        assert mine[0][1] == theirs[0][1] == sorted(helpers.NeuralNetwork().state_dict())

