"""The mistakes checker: each rule fires on its symptom, stays quiet on an honest run, and needs what it says."""

import json
import math
from pathlib import Path

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, Subset, TensorDataset

from helpers import History
from helpers import mistakes as m
from helpers.mistakes import diagnose, softmax_loss_floor

HONEST = {"train_loss": [1.7, 0.95, 0.78], "train_acc": [0.51, 0.66, 0.72],
          "val_loss": [1.18, 1.09, 1.10], "val_acc": [0.597, 0.601, 0.615]}


def history(**lists) -> History:
    h = History(status="finished")
    for name, values in lists.items():
        setattr(h, name, list(values))
    h.epoch = list(range(1, len(h.train_loss or h.val_acc or h.test_acc) + 1))
    return h


def test_an_honest_history_shows_nothing():
    found = diagnose(history(**HONEST), train_size=4_000, eval_size=2_000)
    assert found == [] and str(found) == "No known mistake shows in this history."


def test_accuracy_above_100_percent_is_named_alone():
    found = diagnose({"test_acc": [1.032, 1.129]})
    assert found.mistakes == [m.ONE_HOT_ACCURACY]
    assert "112.9%" in str(found)


def test_a_nan_loss_or_a_diverged_run_is_a_rate_too_high_and_nothing_else():
    assert diagnose(history(train_loss=[1.2, math.nan], train_acc=[0.6, 0.1])).mistakes == [m.LR_TOO_HIGH]
    assert diagnose(History(status="diverged")).mistakes == [m.LR_TOO_HIGH]


def test_the_softmax_floor_is_what_cross_entropy_gives_a_perfect_probability_row():
    probs = torch.eye(10)  # the best a softmax output can be: 1 for the right class, 0 elsewhere
    assert math.isclose(nn.functional.cross_entropy(probs, torch.arange(10)).item(), softmax_loss_floor(10),
                        rel_tol=1e-6)
    stuck = history(train_loss=[1.91, 1.78, 1.77], train_acc=[0.56, 0.68, 0.69],
                    val_loss=[1.80, 1.78, 1.77], val_acc=[0.67, 0.69, 0.69])
    assert diagnose(stuck).mistakes == [m.SOFTMAX_LOSS]
    slow_but_honest = history(train_loss=[2.2, 1.9, 1.5], train_acc=[0.3, 0.45, 0.55],
                              val_loss=[2.0, 1.7, 1.48], val_acc=[0.42, 0.5, 0.58])
    assert diagnose(slow_but_honest) == []  # a loss above the floor while accuracy is still low proves nothing


def test_testing_on_the_training_set_by_accuracy_or_by_the_datasets():
    leak = dict(HONEST, val_acc=[0.8, 0.93, 0.97])
    assert diagnose(leak).mistakes == [m.TESTED_ON_TRAINING]
    data = TensorDataset(torch.zeros(100, 2), torch.zeros(100, dtype=torch.long))
    train, val = Subset(data, range(0, 80)), Subset(data, range(80, 100))
    h = history(**HONEST)
    assert diagnose(h, train_set=train, eval_set=val) == []
    assert diagnose(h, train_set=train, eval_set=train).mistakes == [m.TESTED_ON_TRAINING]
    assert diagnose(h, train_set=data, eval_set=val).mistakes == [m.TESTED_ON_TRAINING]  # val's images are in data
    overlapping = Subset(data, range(70, 90))
    found = diagnose(h, train_set=train, eval_set=overlapping)
    assert found.mistakes == [m.TESTED_ON_TRAINING] and "10 images" in str(found)
    nested = Subset(Subset(data, range(50, 100)), range(30, 50))  # images 80-99 of data, through two Subsets
    assert diagnose(h, train_set=train, eval_set=nested) == []


def test_a_training_subset_as_large_as_the_evaluation_set_is_not_a_leak():
    # 10-12 train on 10,000 images and validate on another 10,000: equal sizes are no evidence
    assert diagnose(history(**HONEST), train_size=10_000, eval_size=10_000) == []


def test_accuracies_in_percent_are_read_as_percent_not_as_counting_too_much():
    in_percent = {k: [100 * v for v in vs] if k.endswith("acc") else vs for k, vs in HONEST.items()}
    assert diagnose(history(**in_percent)) == []
    leak = dict(in_percent, val_acc=[80.0, 93.0, 97.0])
    assert diagnose(history(**leak)).mistakes == [m.TESTED_ON_TRAINING]
    assert diagnose({"test_acc": [1.032, 1.129]}).mistakes == [m.ONE_HOT_ACCURACY]  # not percentages: below chance


def test_an_ordered_training_set():
    ordered = dict(HONEST, train_acc=[0.6, 0.68, 0.73], val_acc=[0.108, 0.108, 0.125], val_loss=[4.7, 3.5, 3.0])
    assert diagnose(ordered).mistakes == [m.ORDERED_DATA]


def test_piled_up_gradients_and_the_last_batch_loss_are_told_apart():
    piled = history(train_loss=[1.45, 1.01, 1.63, 2.95], train_acc=[0.52, 0.69, 0.60, 0.45],
                    val_loss=[1.0, 1.3, 1.6, 2.9], val_acc=[0.64, 0.56, 0.50, 0.31])
    assert diagnose(piled).mistakes == [m.NO_ZERO_GRAD]
    last = history(train_loss=[1.69, 0.72, 1.05, 0.79, 0.47, 0.91], train_acc=[0.44, 0.62, 0.65, 0.70, 0.73, 0.76],
                   val_loss=[1.2, 1.1, 0.9, 0.85, 0.8, 0.82], val_acc=[0.5, 0.6, 0.65, 0.7, 0.71, 0.72])
    assert diagnose(last).mistakes == [m.LAST_BATCH_LOSS]
    wobbly_but_honest = dict(HONEST, train_loss=[0.123, 0.126, 0.12], train_acc=[0.948, 0.959, 0.96])
    assert diagnose(wobbly_but_honest) == []  # a rise of a few hundredths near convergence is noise
    at_the_edge = dict(HONEST, train_loss=[0.5, 0.6], train_acc=[0.5, 0.505])  # by 0.1 or more, by half a point or more
    assert diagnose(at_the_edge).mistakes == [m.LAST_BATCH_LOSS]
    assert diagnose(dict(at_the_edge, train_acc=[0.5, 0.504])) == []


def _evaluate(model, loader, batch_means: bool):
    counts, means = [], []
    with torch.no_grad():
        for X, y in loader:
            right = (model(X).argmax(1) == y).float()
            counts.append(right.sum().item())
            means.append(right.mean().item())
    return sum(means) / len(means) if batch_means else sum(counts) / len(loader.dataset)


def test_a_mean_of_batch_means_is_caught_only_with_the_size():
    torch.manual_seed(0)
    data = TensorDataset(torch.randn(103, 5), torch.randint(0, 3, (103,)))
    model = nn.Linear(5, 3)
    loader = DataLoader(data, batch_size=25)  # four batches of 25 and one of 3
    fair, broken = _evaluate(model, loader, False), _evaluate(model, loader, True)
    assert fair != broken
    assert diagnose({"val_acc": [fair]}, eval_size=len(data)) == []
    assert diagnose({"val_acc": [broken]}, eval_size=len(data)).mistakes == [m.BATCH_MEAN_AVERAGE]
    assert diagnose({"val_acc": [broken]}) == []  # without the size, the rule stays silent


def test_a_training_loader_that_drops_its_last_batch_is_honest():
    torch.manual_seed(0)
    data = TensorDataset(torch.randn(103, 5), torch.randint(0, 3, (103,)))
    model = nn.Linear(5, 3)
    loader = DataLoader(data, batch_size=25, drop_last=True)  # four batches of 25: 100 images an epoch
    train_acc = _evaluate(model, loader, False) * len(data) / 100  # counted right, over the images seen
    assert abs(train_acc * len(data) - round(train_acc * len(data))) > 1e-6  # not a count out of 103
    found = diagnose(dict(HONEST, train_acc=[0.5, 0.6, train_acc]), train_size=len(data), eval_size=2_000)
    assert found == []


def _evaluate_then(model, X, restore_train: bool, set_eval: bool = True):
    if set_eval:
        model.eval()
    with torch.no_grad():
        model(X)
    if restore_train:
        model.train()


def test_evaluation_in_training_mode_is_read_from_the_passes_not_from_the_mode_left_behind():
    with_dropout = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5), nn.Linear(4, 2))
    X, h = torch.randn(8, 4), history(**HONEST)

    log = m.record_modes(with_dropout)
    with_dropout.train()
    with_dropout(X).sum().backward()                              # a training step: gradients on, train mode
    _evaluate_then(with_dropout, X, restore_train=True)            # honest: eval mode, then back to training
    assert with_dropout.training and diagnose(h, modes=log.stop()) == []

    log = m.record_modes(with_dropout)
    _evaluate_then(with_dropout, X, restore_train=False, set_eval=False)  # MISTAKE: no model.eval()
    found = diagnose(h, modes=log.stop())
    assert found.mistakes == [m.NO_EVAL_MODE] and "1 forward passes" in str(found)

    plain = nn.Linear(4, 2).train()
    log = m.record_modes(plain)
    with torch.no_grad():
        plain(X)
    assert diagnose(h, modes=log.stop()) == []  # no dropout, no batch norm: the mode changes nothing
    before = len(log)
    plain(X)
    assert len(log) == before  # stopped: nothing more is noted


def test_a_loss_below_zero_is_nll_on_raw_scores_even_when_it_then_overflows():
    found = diagnose({"train_loss": [-3007.5, -94251.3], "train_acc": [0.133, 0.099],
                      "val_loss": [-16443.5, -247551.1], "val_acc": [0.098, 0.098]})
    assert found.mistakes == [m.NLL_ON_SCORES] and "-2.48e+05" in str(found) and "CrossEntropyLoss" in str(found)
    overflowed = diagnose({"train_loss": [-0.7, math.nan], "train_acc": [0.139, 0.097]})
    assert overflowed.mistakes == [m.NLL_ON_SCORES]  # not "learning rate too high": the loss is the cause
    assert diagnose({"train_loss": [0.0, 1e-9], "train_acc": [1.0, 1.0]}).mistakes != [m.NLL_ON_SCORES]


def test_training_steps_in_eval_mode_are_a_train_mode_never_restored():
    with_dropout = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5), nn.Linear(4, 2))
    X, h = torch.randn(8, 4), history(**HONEST)

    def one_epoch(model, restore):
        if restore:
            model.train()
        model(X).sum().backward()                    # a training step
        _evaluate_then(model, X, restore_train=False)  # evaluate() sets eval mode and leaves it

    log = m.record_modes(with_dropout)
    for _ in range(3):
        one_epoch(with_dropout, restore=True)
    assert diagnose(h, modes=log.stop()) == []

    with_dropout.train()                               # as a fresh model starts
    log = m.record_modes(with_dropout)
    for _ in range(3):
        one_epoch(with_dropout, restore=False)         # MISTAKE: no model.train() at the top of the epoch
    found = diagnose(h, modes=log.stop())
    assert found.mistakes == [m.TRAIN_MODE_NOT_RESTORED] and "2 forward passes with gradients" in str(found)  # the first epoch ran in train mode

    plain = nn.Linear(4, 2).eval()
    log = m.record_modes(plain)
    plain(X).sum().backward()
    assert diagnose(h, modes=log.stop()) == []  # no dropout, no batch norm: the mode changes nothing


def test_every_mistake_has_a_rule_description_and_a_fix():
    assert {r.mistake for r in m.RULES} == set(m.MISTAKES) and list(m.rules()) == [r.mistake for r in m.RULES]
    found = diagnose({"train_loss": [math.inf], "train_acc": [0.1]})
    assert found[0].fix and "learning rate" in found[0].fix


HONEST_RUNS = json.loads((Path(__file__).parent / "fixtures" / "honest_histories.json").read_text(encoding="utf-8"))


def test_the_fixture_covers_settings_the_rules_were_not_tuned_on():
    settings = {run["setting"] for run in HONEST_RUNS}
    assert len(settings) >= 8 and len(HONEST_RUNS) == 3 * len(settings)  # each over seeds 0, 1 and 2
    assert any("Adam" in s for s in settings) and any("cycle" in s for s in settings)
    assert any(run["stochastic"] for run in HONEST_RUNS)  # dropout and batch norm, evaluated in eval mode
    assert max(len(run["history"]["val_acc"]) for run in HONEST_RUNS) >= 20  # a long run that over-fits


@pytest.mark.parametrize("run", HONEST_RUNS, ids=lambda r: f"{r['setting']}, seed {r['seed']}")
def test_honest_runs_from_other_settings_show_no_mistake(run):
    """Histories trained on FashionMNIST by scripts/honest_histories.py with helpers.fit (no mistake in the loop)."""
    assert run["evaluations_in_train_mode"] == 0  # fit evaluated in eval mode: record_modes saw no such pass
    assert run["trainings_in_eval_mode"] == 0     # and trained in train mode after every evaluation
    found = diagnose(run["history"], train_size=run["train_size"], eval_size=run["eval_size"])
    assert found == [], str(found)
