import math
import threading

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from helpers import NeuralNetwork, fit, get_device, set_seed, test_loop, train_loop
from helpers.data import InMemoryDataset
from helpers.training import Diverged, History


def subset(ds, n, start=0):
    return InMemoryDataset(ds.images[start:start + n], ds.targets[start:start + n], ds.classes)


@pytest.fixture(scope="module")
def small(fashion_like):
    return subset(fashion_like.train, 2048), subset(fashion_like.test, 1000)


def loaders(small, batch_size=64, seed=0):
    set_seed(seed)
    return DataLoader(small[0], batch_size=batch_size, shuffle=True), DataLoader(small[1], batch_size=500)


@pytest.mark.parametrize("cuda, mps, expected", [(True, True, "cuda"), (False, True, "mps"), (False, False, "cpu")])
def test_get_device_prefers_cuda_then_mps_then_cpu(monkeypatch, cuda, mps, expected):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)
    assert get_device() == torch.device(expected)


def test_loss_falls_on_learnable_data(small):
    train, test = loaders(small)
    model = NeuralNetwork()
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    before = test_loop(test, model, loss_fn)
    for _ in range(3):
        train_loop(train, model, loss_fn, opt)
    after = test_loop(test, model, loss_fn)
    assert math.isclose(before.loss, math.log(10), abs_tol=0.1)  # untrained: about chance
    assert after.loss < before.loss - 0.5 and after.accuracy > 0.6


def test_test_loop_changes_nothing_and_keeps_no_gradients(small):
    _, test = loaders(small)
    model = NeuralNetwork()
    model.train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    test_loop(test, model, nn.CrossEntropyLoss())
    assert not model.training
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert all(p.grad is None for p in model.parameters())


def test_averages_are_per_sample_with_an_uneven_last_batch():
    torch.manual_seed(0)
    X, y = torch.randn(10, 4), torch.tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 0])
    model = nn.Linear(4, 3)
    loss_fn = nn.CrossEntropyLoss()
    result = test_loop(DataLoader(TensorDataset(X, y), batch_size=4), model, loss_fn)  # batches of 4, 4, 2
    with torch.no_grad():
        logits = model(X)
        per_sample = nn.functional.cross_entropy(logits, y, reduction="none")
        correct = (logits.argmax(1) == y).float()
    assert result.loss == pytest.approx(per_sample.mean().item(), rel=1e-6)
    assert result.accuracy == pytest.approx(correct.mean().item())
    batch_means = [per_sample[i:i + 4].mean().item() for i in (0, 4, 8)]
    assert not math.isclose(sum(batch_means) / 3, result.loss, rel_tol=1e-4)  # the naive mean differs here


def run_fit(small, epochs=2, lr=0.1, seed=0, **kwargs):
    train, test = loaders(small, seed=seed)
    model = NeuralNetwork()
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    return model, fit(model, train, nn.CrossEntropyLoss(), opt, epochs, test_loader=test, **kwargs)


def test_fit_history_has_one_entry_per_epoch(small):
    calls = []
    _, h = run_fit(small, epochs=3, callback=lambda hist: calls.append((len(hist), len(hist.partial))), callback_every=10)
    assert h.status == "finished" and h.epoch == [1, 2, 3]
    for key in ("train_loss", "train_acc", "test_loss", "test_acc", "seconds", "lr"):
        assert len(getattr(h, key)) == 3
    assert h.lr == [0.1, 0.1, 0.1]
    assert all(0 <= a <= 1 for a in h.train_acc + h.test_acc)
    # 32 batches an epoch: running points after batches 10, 20, 30, then the epoch itself
    assert calls[:4] == [(0, 1), (0, 2), (0, 3), (1, 0)] and len(calls) == 12


def test_fit_records_scheduled_learning_rates(small):
    train, test = loaders(small)
    model = NeuralNetwork()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    h = fit(model, train, nn.CrossEntropyLoss(), opt, 3, test_loader=test, scheduler=sched)
    assert h.lr == pytest.approx([0.1, 0.05, 0.025])


def test_a_per_batch_scheduler_is_stepped_after_every_batch(small):
    train, test = loaders(small)  # 2,048 images in batches of 64: 32 batches an epoch
    model = NeuralNetwork()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=2 * len(train))
    h = fit(model, train, nn.CrossEntropyLoss(), opt, 2, test_loader=test, scheduler=sched, scheduler_per_batch=True)
    assert h.status == "finished" and sched.last_epoch == 2 * len(train)  # one more step would raise
    dummy = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    same = torch.optim.lr_scheduler.OneCycleLR(dummy, max_lr=0.1, total_steps=2 * len(train))
    for _ in range(len(train)):
        dummy.step()
        same.step()
    assert h.lr[1] == pytest.approx(dummy.param_groups[0]["lr"])  # epoch 2 starts where 32 steps lead
    assert h.lr[0] == pytest.approx(0.1 / 25)  # OneCycleLR starts at max_lr / div_factor
    assert opt.param_groups[0]["lr"] < 1e-3   # and ends far below it


def test_same_seed_same_history(small):
    _, a = run_fit(small, seed=7)
    _, b = run_fit(small, seed=7)
    _, c = run_fit(small, seed=8)
    assert a.train_loss == b.train_loss and a.test_acc == b.test_acc
    assert a.train_loss != c.train_loss


def test_fit_continues_a_history(small):
    train, test = loaders(small)
    model = NeuralNetwork()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    h = fit(model, train, nn.CrossEntropyLoss(), opt, 1, test_loader=test)
    fit(model, train, nn.CrossEntropyLoss(), opt, 2, test_loader=test, history=h)
    assert h.epoch == [1, 2, 3]


def test_divergence_stops_with_a_sentence_and_keeps_the_history(small, capsys):
    _, h = run_fit(small, epochs=3, lr=50.0, callback=lambda hist: None, callback_every=5)
    assert h.status == "diverged"
    assert "learning rate 50 is too high; try 5 or lower" in h.message
    assert "at epoch 1, batch" in h.message
    assert h.message in capsys.readouterr().out


def test_train_loop_raises_on_divergence(small):
    train, _ = loaders(small)
    model = NeuralNetwork()
    with pytest.raises(Diverged, match="too high"):
        train_loop(train, model, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=50.0))


def test_stop_signal_ends_the_run_and_keeps_what_was_done(small):
    stop = threading.Event()

    def stop_after_first_epoch(hist: History):
        if len(hist) == 1:
            stop.set()

    _, h = run_fit(small, epochs=5, callback=stop_after_first_epoch, stop=stop)
    assert h.status == "stopped" and h.epoch == [1]


def test_keyboard_interrupt_keeps_the_history(small):
    def interrupt_midway(hist: History):
        if len(hist) == 1 and hist.partial:
            raise KeyboardInterrupt

    _, h = run_fit(small, epochs=4, callback=interrupt_midway, callback_every=8)
    assert h.status == "interrupted" and h.epoch == [1] and h.partial


def test_history_round_trips_through_a_dict(small):
    _, h = run_fit(small, epochs=1)
    again = History.from_dict(h.as_dict())
    assert again.as_dict() == h.as_dict() and len(again) == 1


def test_divergence_keeps_the_running_points_of_its_epoch(small):
    train, test = loaders(small)
    model = NeuralNetwork()
    calls = {"n": 0}

    def loss_that_breaks(pred, y):  # a NaN at a known batch, whatever the CPU
        calls["n"] += 1
        loss = nn.functional.cross_entropy(pred, y)
        return loss * float("nan") if calls["n"] == 32 + 2 + 20 else loss  # 2 test batches

    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    h = fit(model, train, loss_that_breaks, opt, 3, test_loader=test, callback=lambda _: None, callback_every=5)
    assert h.status == "diverged" and h.message.startswith("The loss became NaN at epoch 2, batch 20 of 32")
    assert h.epoch == [1] and [x for x, _, _ in h.partial] == pytest.approx([1 + 5 / 32, 1 + 10 / 32, 1 + 15 / 32])


# --- bad input: each refused with a message that names the fix --------------------------------

def sgd(model, lr=0.1):
    return torch.optim.SGD(model.parameters(), lr=lr)


@pytest.mark.parametrize("lr, message", [(0.0, "never change"), (-0.1, "negative"), (float("nan"), "finite")])
def test_fit_refuses_a_learning_rate_that_cannot_work(small, lr, message):
    train, test = loaders(small)
    model = NeuralNetwork()
    opt = sgd(model)
    opt.param_groups[0]["lr"] = lr  # torch checks some of these itself at construction; fit checks them all
    with pytest.raises(ValueError, match=message):
        fit(model, train, nn.CrossEntropyLoss(), opt, 1, test_loader=test)


@pytest.mark.parametrize("epochs", [0, -1, 2.5])
def test_fit_refuses_epochs_below_one(small, epochs):
    train, test = loaders(small)
    model = NeuralNetwork()
    with pytest.raises(ValueError, match="whole number of at least 1"):
        fit(model, train, nn.CrossEntropyLoss(), sgd(model), epochs, test_loader=test)


def test_output_width_must_match_the_classes(small):
    train, _ = loaders(small)
    model = NeuralNetwork(num_classes=5)
    with pytest.raises(ValueError, match=r"outputs 5 scores.*a label is \d.*0 to 4.*NeuralNetwork\(num_classes=10\)"):
        train_loop(train, model, nn.CrossEntropyLoss(), sgd(model))


def test_labels_beyond_the_output_width_are_refused_without_class_names():
    loader = DataLoader(TensorDataset(torch.rand(8, 1, 28, 28), torch.tensor([0, 1, 2, 3, 4, 5, 6, 9])), batch_size=4)
    with pytest.raises(ValueError, match="a label is 9.*0 to 4"):
        test_loop(loader, NeuralNetwork(num_classes=5), nn.CrossEntropyLoss())


def test_float_labels_are_refused_with_the_conversion_to_use():
    loader = DataLoader(TensorDataset(torch.rand(8, 1, 28, 28), torch.rand(8)), batch_size=4)
    with pytest.raises(ValueError, match=r"y.long\(\)"):
        test_loop(loader, NeuralNetwork(), nn.CrossEntropyLoss())


def test_one_hot_targets_give_the_same_accuracy_never_above_100(small):
    model = NeuralNetwork()
    X, y = small[1].images, small[1].targets
    by_index = test_loop(DataLoader(TensorDataset(X, y), batch_size=64), model, nn.CrossEntropyLoss())
    onehot = nn.functional.one_hot(y, 10).float()
    by_onehot = test_loop(DataLoader(TensorDataset(X, onehot), batch_size=64), model, nn.CrossEntropyLoss())
    assert by_onehot.accuracy == by_index.accuracy <= 1.0
    assert by_onehot.loss == pytest.approx(by_index.loss, rel=1e-6)
    with pytest.raises(ValueError, match="do not match the model's output"):
        test_loop(DataLoader(TensorDataset(X, onehot[:, :5]), batch_size=64), model, nn.CrossEntropyLoss())


def test_model_and_data_on_different_devices(small):
    train, test = loaders(small)
    model = NeuralNetwork()  # on the CPU
    with pytest.raises(ValueError, match=r"model is on cpu but device='meta'.*model.to\('meta'\)"):
        fit(model, train, nn.CrossEntropyLoss(), sgd(model), 1, test_loader=test, device="meta")
    # data the loader yields on another device than the model's is moved to the model's device
    result = test_loop(test, model, nn.CrossEntropyLoss(), device="cpu")
    assert 0 <= result.accuracy <= 1


def test_reduce_on_plateau_needs_a_validation_loader_and_steps_on_its_loss():
    """fit steps ReduceLROnPlateau on the validation loss; with only a test loader it refuses, naming the fix."""
    torch.manual_seed(0)
    x, y = torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,))
    data = InMemoryDataset(x, y)
    loader = DataLoader(data, batch_size=32)
    model = NeuralNetwork()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, patience=0)
    with pytest.raises(ValueError, match="val_loader=.*test set"):
        fit(model, loader, nn.CrossEntropyLoss(), optimizer, 1, test_loader=loader, scheduler=plateau)

    seen = []
    step = plateau.step
    plateau.step = lambda metric: (seen.append(metric), step(metric))
    history = fit(model, loader, nn.CrossEntropyLoss(), optimizer, 2, val_loader=loader, test_loader=loader,
                  scheduler=plateau)
    assert seen == history.val_loss


def test_the_verbose_line_names_each_set_measured():
    from helpers.training import LoopResult, epoch_line

    line = epoch_line(3, LoopResult(0.5, 0.8), LoopResult(0.6, 0.75), None, 1.25)
    assert line == "epoch  3  train loss 0.5000 acc  80.0%  |  val loss 0.6000 acc  75.0%  |  1.2 s"
