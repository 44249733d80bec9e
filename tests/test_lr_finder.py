"""The learning-rate range test: its rates, its stop, its suggestion, and that it leaves everything as it was."""

import math

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader

from helpers import InMemoryDataset, NeuralNetwork, set_seed
from helpers.lr_finder import range_test
from helpers.panel import TrainingPanel
from helpers.runs import RunSettings


@pytest.fixture(scope="module")
def part(fashion_like):
    return InMemoryDataset(fashion_like.train.images[:3000], fashion_like.train.targets[:3000], fashion_like.classes)


def loader(part, seed=0):
    return DataLoader(part, batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(seed))


def test_the_rate_grows_by_one_factor_per_batch_and_the_curve_falls_then_blows_up(part):
    set_seed(0)
    model = NeuralNetwork()
    result = range_test(model, loader(part), nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1),
                        start_lr=1e-4, end_lr=100.0, steps=120)
    ratios = [b / a for a, b in zip(result.lrs, result.lrs[1:])]
    assert result.lrs[0] == pytest.approx(1e-4)
    assert max(ratios) == pytest.approx(min(ratios)) and ratios[0] == pytest.approx((100 / 1e-4) ** (1 / 119))
    assert result.stopped_early and len(result.lrs) < 120  # a rate of 100 blows any MLP up
    assert min(result.losses) < result.losses[0] - 0.1     # on the way it learned
    assert result.suggestion == pytest.approx(result.best_lr / 10)
    assert result.losses[result.lrs.index(result.best_lr)] == min(result.losses)


def test_the_smoothed_loss_is_a_debiased_running_mean(part):
    set_seed(0)
    model = NeuralNetwork()
    result = range_test(model, loader(part), nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1),
                        steps=30, beta=0.9)
    running = 0.0
    for i, (raw, smoothed) in enumerate(zip(result.raw, result.losses)):
        running = 0.9 * running + 0.1 * raw
        assert smoothed == pytest.approx(running / (1 - 0.9 ** (i + 1)))
    assert result.losses[0] == pytest.approx(result.raw[0])  # corrected: the first value is the first loss


def test_it_puts_back_the_model_the_optimizer_the_random_state_and_the_order(part):
    set_seed(0)
    model = NeuralNetwork()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    train = loader(part)
    for X, y in list(train)[:3]:  # an optimizer with state of its own: Adam's running averages
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(X), y).backward()
        optimizer.step()
    weights = {k: v.clone() for k, v in model.state_dict().items()}
    state = {k: v.clone() for k, v in optimizer.state[next(model.parameters())].items()}
    rng, order = torch.get_rng_state(), train.generator.get_state()
    model.eval()  # left in eval mode by an evaluation: the test trains in train mode, then puts the mode back
    range_test(model, train, nn.CrossEntropyLoss(), optimizer, steps=40)
    assert not model.training
    assert all(torch.equal(weights[k], v) for k, v in model.state_dict().items())
    after = optimizer.state[next(model.parameters())]
    assert all(torch.equal(state[k], after[k]) for k in state)
    assert optimizer.param_groups[0]["lr"] == 1e-3
    assert torch.equal(torch.get_rng_state(), rng) and torch.equal(train.generator.get_state(), order)


@pytest.mark.parametrize("kwargs, message", [(dict(start_lr=0.0), "above 0"), (dict(start_lr=1.0, end_lr=0.1), "below end_lr"),
                                             (dict(steps=1), "at least 2")])
def test_settings_that_cannot_work_are_refused(part, kwargs, message):
    model = NeuralNetwork()
    with pytest.raises(ValueError, match=message):
        range_test(model, loader(part), nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1), **kwargs)


def test_the_panel_sets_its_slider_to_the_suggestion(part):
    panel = TrainingPanel(part, part, RunSettings(optimizer="Adam", lr=0.5))
    result = panel.find_learning_rate(steps=120)
    assert result is panel.range_test and 10 ** panel.lr.min <= result.suggestion <= 10 ** panel.lr.max
    assert math.isclose(panel.lr.value, result.suggestion, rel_tol=1e-9)
    assert "a tenth of that" in panel.status.value
    assert panel.settings().lr == pytest.approx(result.suggestion)  # Train would use it


def test_the_panel_will_not_search_during_a_run(part):
    panel = TrainingPanel(part, part)
    panel.train_button.disabled = True  # as while a run is under way
    assert panel.find_learning_rate() is None
    assert "Wait for the run" in panel.status.value
