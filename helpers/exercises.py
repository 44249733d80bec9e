"""Self-checks for the notebooks' exercises: each says whether an answer works and, if not, gives a hint."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import nn


class Verdict:
    """True when the answer works; shows nothing in a notebook, since the check already printed why."""

    def __init__(self, ok: bool):
        self.ok = ok

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return f"Verdict({self.ok})"

    def _ipython_display_(self) -> None:
        pass


def _report(ok: bool, praise: str, hint: str) -> Verdict:
    print(("Correct! " + praise) if ok else ("Not yet. Hint: " + hint))
    return Verdict(ok)


def _empty_function():
    ...


def _unwritten(answer) -> bool:
    """True for the notebook's placeholder: None, ..., or a function whose body is still only ``...``."""
    if answer is None or answer is Ellipsis:
        return True
    code = getattr(answer, "__code__", None)
    return code is not None and code.co_code == _empty_function.__code__.co_code


def _nothing_yet(*answers, todo: str = "replace the None (or ...) above with your answer") -> bool:
    """Print that the exercise is not attempted yet, and return True, while an answer is still a placeholder.

    Nothing more is said: the hint waits until there is an attempt to comment on.
    """
    if any(_unwritten(a) for a in answers):
        print(f"Not attempted yet: {todo}, then run this cell again.")
        return True
    return False


def _raises(fn: Callable, *args) -> str | None:
    try:
        fn(*args)
    except Exception as exc:  # a learner's code can fail in any way; say which
        return f"{type(exc).__name__}: {exc}"
    return None


# --- 01_data ----------------------------------------------------------------------------------

def check_batch_count(n_batches: int, last_batch_size: int, dataset_size: int = 60_000, batch_size: int = 256) -> Verdict:
    """Check the number of batches in an epoch and the size of the last one."""
    if _nothing_yet(n_batches, last_batch_size):
        return Verdict(False)
    full, rest = divmod(dataset_size, batch_size)
    want = (full + (rest > 0), rest or batch_size)
    return _report(
        (n_batches, last_batch_size) == want,
        f"{dataset_size:,} images in batches of {batch_size} make {want[0]} batches, the last holding {want[1]}.",
        "divide the dataset size by the batch size; the remainder, if any, makes one more, smaller batch.",
    )


def check_mean_pixel(value: float, dataset) -> Verdict:
    """Check the mean pixel value of a whole dataset."""
    if _nothing_yet(value):
        return Verdict(False)
    want = float(dataset.images.double().mean()) if hasattr(dataset, "images") else None
    if want is None:
        total, count = 0.0, 0
        for x, _ in dataset:
            total, count = total + float(x.sum()), count + x.numel()
        want = total / count
    return _report(
        math.isclose(float(value), want, abs_tol=1e-6),
        f"the mean is {want:.4f}: most of a FashionMNIST image is black background.",
        "add up every batch's pixel sum and count, then divide once at the end: "
        "a mean of batch means is off when the last batch is smaller.",
    )


# --- 02_model ---------------------------------------------------------------------------------

def check_parameter_guess(model: nn.Module, guess: int) -> Verdict:
    """Check a guessed parameter count against the model's real one."""
    if _nothing_yet(model, guess):
        return Verdict(False)
    real = sum(p.numel() for p in model.parameters())
    out = model(torch.zeros(2, 1, 28, 28))
    if out.shape != (2, 10):
        return _report(False, "", f"the model should output 10 scores per image, it gives shape {list(out.shape)}.")
    return _report(
        int(guess) == real,
        f"{real:,} parameters.",
        f"the model has {real:,}, you guessed {int(guess):,}. A Linear(a, b) layer holds a*b weights and b biases.",
    )


def check_predict(predict: Callable[[nn.Module, torch.Tensor], torch.Tensor]) -> Verdict:
    """Check a function that returns the predicted class of each image."""
    if _nothing_yet(predict, todo="write the function above"):
        return Verdict(False)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    X = torch.rand(7, 1, 28, 28)
    failed = _raises(predict, model, X)
    if failed:
        return _report(False, "", f"calling predict(model, X) failed with {failed}.")
    got = predict(model, X)
    want = model(X).argmax(dim=1)
    if not isinstance(got, torch.Tensor) or got.shape != want.shape:
        return _report(False, "", f"return one class index per image: a tensor of shape {list(want.shape)}.")
    return _report(torch.equal(got.long(), want), "the class with the largest logit is the prediction.",
                   "the prediction is the index of the largest logit along dimension 1.")


# --- 03_loss ----------------------------------------------------------------------------------

def check_cross_entropy(fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> Verdict:
    """Check a hand-written cross-entropy against PyTorch's, including very large logits."""
    if _nothing_yet(fn, todo="write the function above"):
        return Verdict(False)
    torch.manual_seed(0)
    logits, y = torch.randn(8, 10), torch.randint(0, 10, (8,))
    for scale, note in ((1.0, "ordinary logits"), (1000.0, "logits around 1000")):
        failed = _raises(fn, logits * scale, y)
        if failed:
            return _report(False, "", f"with {note} your function failed with {failed}.")
        got = fn(logits * scale, y)
        if got is None:
            return _report(False, "", "your function returns nothing: end it with return ...")
        got = torch.as_tensor(got, dtype=torch.float32)
        want = nn.functional.cross_entropy(logits * scale, y)
        if not torch.isfinite(got):
            return _report(False, "", f"with {note} you get {float(got)}: exp() overflows. Subtract each row's "
                           "maximum before exponentiating, or use torch.logsumexp.")
        if not torch.allclose(got, want, rtol=1e-4, atol=1e-4):
            return _report(False, "", f"with {note} you get {float(got):.4f}, PyTorch {float(want):.4f}. "
                           "Take -log of the softmax probability of the right class, averaged over the batch.")
    return _report(True, "it matches nn.CrossEntropyLoss, even for huge logits.", "")


def check_accuracy(fn: Callable[[torch.Tensor, torch.Tensor], float]) -> Verdict:
    """Check an accuracy function on class-index and one-hot targets."""
    if _nothing_yet(fn, todo="write the function above"):
        return Verdict(False)
    torch.manual_seed(1)
    logits = torch.randn(50, 10)
    y = torch.randint(0, 10, (50,))
    want = (logits.argmax(1) == y).float().mean().item()
    for targets, kind in ((y, "class indices"), (nn.functional.one_hot(y, 10).float(), "one-hot rows")):
        failed = _raises(fn, logits, targets)
        if failed:
            return _report(False, "", f"with {kind} your function failed with {failed}.")
        got = fn(logits, targets)
        if got is None:
            return _report(False, "", "your function returns nothing: end it with return ...")
        got = float(got)
        if got > 1.0 + 1e-9:
            return _report(False, "", f"with {kind} you get {got:.2f}, above 1 (100%): compare one class per "
                           "image, so turn one-hot rows into indices with argmax(dim=1) first.")
        if not math.isclose(got, want, abs_tol=1e-6):
            return _report(False, "", f"with {kind} you get {got:.4f}, expected {want:.4f} (a fraction of images).")
    return _report(True, "the same answer for both kinds of target, and never above 100%.", "")


# --- 04_optimizer -----------------------------------------------------------------------------

def _tiny_problem(seed: int = 0):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 3))
    X, y = torch.randn(16, 5), torch.randint(0, 3, (16,))
    return model, X, y


def check_sgd_step(step: Callable[[list, float], None]) -> Verdict:
    """Check a hand-written gradient-descent step against torch.optim.SGD."""
    if _nothing_yet(step, todo="write the function above"):
        return Verdict(False)
    mine, X, y = _tiny_problem()
    ref, _, _ = _tiny_problem()
    for model in (mine, ref):
        nn.functional.cross_entropy(model(X), y).backward()
    failed = _raises(step, list(mine.parameters()), 0.1)
    if failed:
        return _report(False, "", f"sgd_step(params, lr) failed with {failed}. Update inside torch.no_grad().")
    torch.optim.SGD(ref.parameters(), lr=0.1).step()
    same = all(torch.allclose(a, b) for a, b in zip(mine.parameters(), ref.parameters()))
    return _report(same, "your step moves every parameter exactly as SGD does.",
                   "each parameter moves by -lr * its gradient: p -= lr * p.grad, in place.")


def check_momentum_step(step: Callable[[list, list, float, float], None]) -> Verdict:
    """Check a hand-written momentum step (three steps in a row) against torch.optim.SGD(momentum=...)."""
    if _nothing_yet(step, todo="write the function above"):
        return Verdict(False)
    mine, X, y = _tiny_problem(1)
    ref, _, _ = _tiny_problem(1)
    params = list(mine.parameters())
    velocities = [torch.zeros_like(p) for p in params]
    opt = torch.optim.SGD(ref.parameters(), lr=0.1, momentum=0.9)
    for _ in range(3):
        for model in (mine, ref):
            for p in model.parameters():
                p.grad = None
            nn.functional.cross_entropy(model(X), y).backward()
        failed = _raises(step, params, velocities, 0.1, 0.9)
        if failed:
            return _report(False, "", f"momentum_step failed with {failed}.")
        opt.step()
    same = all(torch.allclose(a, b, atol=1e-6) for a, b in zip(mine.parameters(), ref.parameters()))
    return _report(same, "three steps agree with torch.optim.SGD(momentum=0.9).",
                   "PyTorch's rule: v = beta * v + grad (v starts at zero), then p -= lr * v; "
                   "update v in place (v.mul_(beta).add_(p.grad)) so the list keeps the new values.")


# --- 05_full_loop -----------------------------------------------------------------------------

def check_train_step(train_step: Callable) -> Verdict:
    """Check a one-batch training step: forward, loss, backward, step, with gradients cleared."""
    if _nothing_yet(train_step, todo="write the function above"):
        return Verdict(False)
    mine, X, y = _tiny_problem(2)
    ref, _, _ = _tiny_problem(2)
    loss_fn = nn.CrossEntropyLoss()
    opt_mine = torch.optim.SGD(mine.parameters(), lr=0.1)
    opt_ref = torch.optim.SGD(ref.parameters(), lr=0.1)
    for _ in range(3):
        failed = _raises(train_step, mine, X, y, loss_fn, opt_mine)
        if failed:
            return _report(False, "", f"train_step(model, X, y, loss_fn, optimizer) failed with {failed}.")
        opt_ref.zero_grad()
        loss_fn(ref(X), y).backward()
        opt_ref.step()
    same = all(torch.allclose(a, b, atol=1e-6) for a, b in zip(mine.parameters(), ref.parameters()))
    return _report(same, "three steps in a row match the reference loop.",
                   "after three calls your parameters differ from the reference: are the gradients "
                   "cleared (optimizer.zero_grad()) before each backward()?")


def check_fair_loss(evaluate: Callable) -> Verdict:
    """Check an evaluation that averages the loss over samples, in eval mode, without gradients."""
    if _nothing_yet(evaluate, todo="write the function above"):
        return Verdict(False)
    from torch.utils.data import DataLoader, TensorDataset

    torch.manual_seed(3)
    model = nn.Sequential(nn.Linear(5, 8), nn.Dropout(0.5), nn.Linear(8, 3))
    X, y = torch.randn(10, 5), torch.randint(0, 3, (10,))
    loader = DataLoader(TensorDataset(X, y), batch_size=4)  # batches of 4, 4 and 2
    model.train()
    failed = _raises(evaluate, model, loader, nn.CrossEntropyLoss())
    if failed:
        return _report(False, "", f"evaluate(model, loader, loss_fn) failed with {failed}.")
    got = evaluate(model, loader, nn.CrossEntropyLoss())
    if got is None:
        return _report(False, "", "your function returns nothing: end it with return ...")
    got = float(got)
    model.eval()
    with torch.no_grad():
        want = nn.functional.cross_entropy(model(X), y).item()
    if math.isclose(got, want, rel_tol=1e-5):
        return _report(True, "averaged over every sample, in eval mode.", "")
    return _report(False, "", "weight each batch's mean loss by its size and divide by the number of samples, "
                   "and call model.eval() first (this model has dropout, which eval mode turns off).")


# --- 06_plotting ------------------------------------------------------------------------------

def check_best_epoch(best_epoch: Callable, history) -> Verdict:
    """Check a function that returns the epoch with the lowest validation loss."""
    if _nothing_yet(best_epoch, todo="write the function above"):
        return Verdict(False)
    want = history.epoch[min(range(len(history)), key=lambda i: history.val_loss[i])]
    failed = _raises(best_epoch, history)
    if failed:
        return _report(False, "", f"best_epoch(history) failed with {failed}.")
    got = best_epoch(history)
    return _report(got == want, f"epoch {want} has the lowest validation loss.",
                   "find the index of the smallest value in history.val_loss and return history.epoch at "
                   "that index (epochs count from 1, list indices from 0).")


# Which learning rate each mystery run used; the letters are shuffled so the order gives nothing away.
_MYSTERY = {"A": (1.0, "too high"), "B": (0.05, "good"), "C": (0.002, "too low")}


def mystery_runs(train_data, val_data, epochs: int = 3, train_size: int = 20_000) -> list:
    """Return three histories, labelled A, B and C, trained with SGD at three undisclosed learning rates
    and measured on ``val_data``."""
    from torch.utils.data import DataLoader

    from .data import InMemoryDataset
    from .models import NeuralNetwork
    from .training import fit, set_seed

    part = InMemoryDataset(train_data.images[:train_size], train_data.targets[:train_size], train_data.classes)
    runs = []
    for letter, (lr, _) in _MYSTERY.items():
        set_seed(1)
        model = NeuralNetwork()
        loader = DataLoader(part, batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(1))
        runs.append(fit(model, loader, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=lr), epochs,
                        val_loader=DataLoader(val_data, batch_size=1000), label=letter))
    return runs


def check_diagnosis(answers: dict) -> Verdict:
    """Check a diagnosis of each mystery run: 'too low', 'good' or 'too high'."""
    if _nothing_yet(*answers.values()):
        return Verdict(False)
    wrong = [k for k, (_, truth) in _MYSTERY.items() if str(answers.get(k, "")).strip().lower() != truth]
    return _report(not wrong, "every run is read right: " + ", ".join(
        f"{k} used lr {lr:g}" for k, (lr, _) in _MYSTERY.items()) + ".",
        f"look again at run(s) {', '.join(wrong)}: a rate too low gives a slow, steady fall; "
        "too high gives a bumpy curve, or one that starts late or never settles.")


# --- 07_playground ----------------------------------------------------------------------------

def check_fast_run(panel, target: float = 0.86, max_epochs: int = 5) -> Verdict:
    """Check that one of the panel's runs reached ``target`` validation accuracy within ``max_epochs`` epochs."""
    if not panel.runs:
        print("Not attempted yet: train a run in the panel above, then run this cell again.")
        return Verdict(False)
    hits = [r for r in panel.runs if any(a >= target for a in r.history.val_acc[:max_epochs])]
    best = max((a for r in panel.runs for a in r.history.val_acc[:max_epochs]), default=None)
    return _report(
        bool(hits),
        f"run {panel.runs.index(hits[0]) + 1} ({hits[0].settings.label}) got there." if hits else "",
        ("no run has finished an epoch yet." if best is None else
         f"your best within {max_epochs} epochs is {100 * best:.1f}%. Plain SGD needs a larger learning rate "
         "than the lesson's; momentum or Adam get there sooner."),
    )


def check_learning_rate_limit(panel, fails_below: float = 0.20, learns: float = 0.70) -> Verdict:
    """Check for a plain-SGD run that failed (diverged, or best validation accuracy below ``fails_below``)
    and one at a 10x smaller rate that learned (best validation accuracy at least ``learns``)."""
    if not panel.runs:
        print("Not attempted yet: train plain SGD in the panel above until it fails, then run this cell again.")
        return Verdict(False)
    sgd = [r for r in panel.runs if r.settings.optimizer == "SGD"]
    failed = [r for r in sgd if r.history.status == "diverged" or (len(r.history) and r.history.best_val_acc < fails_below)]
    learned = [r for r in sgd if len(r.history) and r.history.best_val_acc >= learns]
    pairs = [(f, ok) for f in failed for ok in learned if ok.settings.lr <= f.settings.lr / 10 * 1.01]
    if pairs:
        f, ok = pairs[0]
        return _report(True, f"lr {f.settings.lr:.2g} fails and lr {ok.settings.lr:.2g} learns.", "")
    if not failed:
        return _report(False, "", "no plain-SGD run has failed yet: push the learning rate towards 1.")
    return _report(False, "", f"lr {failed[0].settings.lr:.2g} failed; now run plain SGD at a tenth of it "
                   f"or less and let it learn ({100 * learns:.0f}% or more).")


# --- 08_craft ---------------------------------------------------------------------------------

def check_early_stopping(stop_epoch: Callable[[list, int], int]) -> Verdict:
    """Check a function that returns the epoch at which early stopping ends training."""
    if _nothing_yet(stop_epoch, todo="write the function above"):
        return Verdict(False)
    cases = [
        ([0.9, 0.7, 0.6, 0.65, 0.66, 0.64, 0.7], 2, 5),   # best at 3, two epochs without improvement
        ([0.9, 0.7, 0.6, 0.65, 0.59, 0.6, 0.61], 2, 7),   # improves again at 5, runs out at 7
        ([0.5, 0.6, 0.7], 1, 2),
        ([0.9, 0.8, 0.7], 3, 3),                           # never stops early: the last epoch
    ]
    for losses, patience, want in cases:
        failed = _raises(stop_epoch, list(losses), patience)
        if failed:
            return _report(False, "", f"stop_epoch(val_losses, patience) failed with {failed}.")
        got = stop_epoch(list(losses), patience)
        if got != want:
            return _report(False, "", f"for validation losses {losses} and patience {patience} you return {got}, "
                           f"expected {want}. Count epochs from 1; stop once `patience` epochs in a row have not "
                           "beaten the best loss so far; with no such run, train to the end.")
    return _report(True, "your rule stops exactly when it should.", "")


def check_step_schedule(lr_at_epoch: Callable[[int], float]) -> Verdict:
    """Check a function giving StepLR's learning rate (0.1, halved every 3 epochs) for epochs 1 to 10."""
    if _nothing_yet(lr_at_epoch, todo="write the function above"):
        return Verdict(False)
    model = nn.Linear(1, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
    for epoch in range(1, 11):
        failed = _raises(lr_at_epoch, epoch)
        if failed:
            return _report(False, "", f"lr_at_epoch({epoch}) failed with {failed}.")
        got, want = lr_at_epoch(epoch), opt.param_groups[0]["lr"]
        if got is None or not math.isclose(float(got), want, rel_tol=1e-9):
            return _report(False, "", f"in epoch {epoch} StepLR uses {want:g}, you give {got}. Epochs 1-3 use "
                           "0.1, epochs 4-6 use 0.05, and so on: 0.1 * 0.5 ** ((epoch - 1) // 3).")
        opt.step()
        sched.step()
    return _report(True, "your schedule matches StepLR for ten epochs.", "")
