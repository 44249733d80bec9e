"""Self-checks for the notebooks' exercises: each says whether an answer works and, if not, gives a hint."""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable
from typing import NamedTuple

import torch
from torch import nn

from .i18n import N_, tr, trn


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


class Outcome(NamedTuple):
    """What a check found: whether the answer works, the praise if it does, the hint if not."""

    ok: bool
    praise: str
    hint: str


class NotAttempted(Exception):
    """Raised inside a check while there is nothing to grade yet; the message says what to do first."""


# Every verdict a check gives in this kernel, in order, as (check's name, "passes" | "not yet" | "not attempted"):
# ``python -m helpers progress`` re-runs a notebook's cells and reads them from here.
_verdicts: list[tuple[str, str]] = []


def verdicts() -> list[tuple[str, str]]:
    """The checks run so far in this kernel and what each said, oldest first."""
    return list(_verdicts)


def _empty_function():
    ...


def _unwritten(answer) -> bool:
    """True for the notebook's placeholder: None, ..., or a function whose body is still only ``...``."""
    if answer is None or answer is Ellipsis:
        return True
    if isinstance(answer, dict):  # several answers in one dict: all must be written
        return any(_unwritten(a) for a in answer.values())
    if callable(answer):
        answer = inspect.unwrap(answer)  # a stub under @torch.no_grad() is still a stub
    code = getattr(answer, "__code__", None)
    return code is not None and code.co_code == _empty_function.__code__.co_code


def exercise(*answers: str, todo: str = N_("write the function above")):
    """Make a function that returns an ``Outcome`` into an exercise check.

    ``answers`` names the parameters that hold the learner's answers. While one is still the notebook's
    placeholder, or the check raises ``NotAttempted``, the check says so and gives no hint: the hint waits
    for an attempt. Otherwise it prints the praise or the hint, records the verdict for ``progress``
    under the check's own name, and returns a ``Verdict``.
    """
    def decorate(check: Callable[..., Outcome]) -> Callable[..., Verdict]:
        signature = inspect.signature(check)

        @functools.wraps(check)
        def run(*args, **kwargs) -> Verdict:
            bound = signature.bind(*args, **kwargs)
            try:
                if any(_unwritten(bound.arguments.get(name)) for name in answers):
                    raise NotAttempted(todo)
                ok, praise, hint = check(*args, **kwargs)
            except NotAttempted as waiting:
                print(tr("Not attempted yet: {todo}, then run this cell again.", todo=tr(str(waiting))))
                _verdicts.append((check.__name__, "not attempted"))
                return Verdict(False)
            print((tr("Correct! ") + praise) if ok else (tr("Not yet. Hint: ") + hint))
            _verdicts.append((check.__name__, "passes" if ok else "not yet"))
            return Verdict(ok)

        return run

    return decorate


def _report(ok: bool, praise: str, hint: str) -> Outcome:
    return Outcome(bool(ok), praise, hint)


def _failure(exc: Exception) -> str:
    """How a learner's code failed, for a hint: the exception's type and message."""
    return f"{type(exc).__name__}: {exc}"


def _int_list(values):
    """A learner's list (of ints, tensors or numpy ints) as plain ints to compare; unchanged if it is not one."""
    try:
        return [int(v) for v in values]
    except (TypeError, ValueError):
        return values


# --- 01_data ----------------------------------------------------------------------------------

@exercise("n_batches", "last_batch_size", todo="replace the None (or ...) above with your answer")
def check_batch_count(n_batches: int, last_batch_size: int, dataset_size: int = 60_000, batch_size: int = 256) -> Outcome:
    """Check the number of batches in an epoch and the size of the last one."""
    full, rest = divmod(dataset_size, batch_size)
    want = (full + (rest > 0), rest or batch_size)
    return _report(
        (n_batches, last_batch_size) == want,
        tr("{dataset_size:,} images in batches of {batch_size} make {n_batches} batches, the last holding {last}.",
           dataset_size=dataset_size, batch_size=batch_size, n_batches=want[0], last=want[1]),
        tr("divide the dataset size by the batch size; the remainder, if any, makes one more, smaller batch."),
    )


@exercise("value", todo="replace the None (or ...) above with your answer")
def check_mean_pixel(value: float, dataset) -> Outcome:
    """Check the mean pixel value of a whole dataset."""
    want = float(dataset.images.double().mean()) if hasattr(dataset, "images") else None
    if want is None:
        total, count = 0.0, 0
        for x, _ in dataset:
            total, count = total + float(x.sum()), count + x.numel()
        want = total / count
    return _report(
        math.isclose(float(value), want, abs_tol=1e-6),
        tr("the mean is {want:.4f}: most of a FashionMNIST image is black background.", want=want),
        tr("add up every batch's pixel sum and count, then divide once at the end: "
           "a mean of batch means is off when the last batch is smaller."),
    )


# --- 02_model ---------------------------------------------------------------------------------

@exercise("model", "guess", todo="replace the None (or ...) above with your answer")
def check_parameter_guess(model: nn.Module, guess: int) -> Outcome:
    """Check a guessed parameter count against the model's real one."""
    real = sum(p.numel() for p in model.parameters())
    try:
        out = model(torch.zeros(2, 1, 28, 28))
    except Exception as exc:  # e.g. no nn.Flatten(): a Linear layer is handed images of shape [1, 28, 28]
        return _report(False, "", tr("calling the model on a batch of images failed with {failed}. It gets images "
                                     "of shape [1, 28, 28]: does it start with nn.Flatten()?",
                                     failed=f"{type(exc).__name__}: {exc}"))
    if out.shape != (2, 10):
        return _report(False, "", tr("the model should output 10 scores per image, it gives shape {shape}.",
                                     shape=list(out.shape)))
    return _report(
        int(guess) == real,
        tr("{real:,} parameters.", real=real),
        tr("the model has {real:,}, you guessed {guess:,}. A Linear(a, b) layer holds a*b weights and b biases.",
           real=real, guess=int(guess)),
    )


@exercise("predict")
def check_predict(predict: Callable[[nn.Module, torch.Tensor], torch.Tensor]) -> Outcome:
    """Check a function that returns the predicted class of each image."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    X = torch.rand(7, 1, 28, 28)
    try:
        got = predict(model, X)
    except Exception as exc:  # the learner's code, run once; say how it failed
        return _report(False, "", tr("calling predict(model, X) failed with {failed}.", failed=_failure(exc)))
    want = model(X).argmax(dim=1)
    if not isinstance(got, torch.Tensor) or got.shape != want.shape:
        return _report(False, "", tr("return one class index per image: a tensor of shape {shape}.",
                                     shape=list(want.shape)))
    return _report(torch.equal(got.long(), want), tr("the class with the largest logit is the prediction."),
                   tr("the prediction is the index of the largest logit along dimension 1."))


# --- 03_loss ----------------------------------------------------------------------------------

@exercise("fn")
def check_cross_entropy(fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> Outcome:
    """Check a hand-written cross-entropy against PyTorch's, including very large logits."""
    torch.manual_seed(0)
    logits, y = torch.randn(8, 10), torch.randint(0, 10, (8,))
    for scale, note in ((1.0, tr("ordinary logits")), (1000.0, tr("logits around 1000"))):
        try:
            got = fn(logits * scale, y)
        except Exception as exc:  # the learner's code, run once; say how it failed
            return _report(False, "", tr("with {note} your function failed with {failed}.", note=note, failed=_failure(exc)))
        if got is None:
            return _report(False, "", tr("your function returns nothing: end it with return ..."))
        got = torch.as_tensor(got, dtype=torch.float32)
        want = nn.functional.cross_entropy(logits * scale, y)
        if not torch.isfinite(got):
            return _report(False, "", tr("with {note} you get {got}: exp() overflows. Subtract each row's "
                                         "maximum before exponentiating, or use torch.logsumexp.",
                                         note=note, got=float(got)))
        if not torch.allclose(got, want, rtol=1e-4, atol=1e-4):
            return _report(False, "", tr("with {note} you get {got:.4f}, PyTorch {want:.4f}. "
                                         "Take -log of the softmax probability of the right class, averaged over "
                                         "the batch.", note=note, got=float(got), want=float(want)))
    return _report(True, tr("it matches nn.CrossEntropyLoss, even for huge logits."), "")


@exercise("fn")
def check_accuracy(fn: Callable[[torch.Tensor, torch.Tensor], float]) -> Outcome:
    """Check an accuracy function on class-index and one-hot targets."""
    torch.manual_seed(1)
    logits = torch.randn(50, 10)
    y = torch.randint(0, 10, (50,))
    want = (logits.argmax(1) == y).float().mean().item()
    for targets, kind in ((y, tr("class indices")), (nn.functional.one_hot(y, 10).float(), tr("one-hot rows"))):
        try:
            got = fn(logits, targets)
        except Exception as exc:  # the learner's code, run once; say how it failed
            return _report(False, "", tr("with {kind} your function failed with {failed}.", kind=kind, failed=_failure(exc)))
        if got is None:
            return _report(False, "", tr("your function returns nothing: end it with return ..."))
        got = float(got)
        if got > 1.0 + 1e-9:
            return _report(False, "", tr("with {kind} you get {got:.2f}, above 1 (100%): compare one class per "
                                         "image, so turn one-hot rows into indices with argmax(dim=1) first.",
                                         kind=kind, got=got))
        if not math.isclose(got, want, abs_tol=1e-6):
            return _report(False, "", tr("with {kind} you get {got:.4f}, expected {want:.4f} (a fraction of images).",
                                         kind=kind, got=got, want=want))
    return _report(True, tr("the same answer for both kinds of target, and never above 100%."), "")


# --- 04_optimizer -----------------------------------------------------------------------------

def _tiny_problem(seed: int = 0):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 3))
    X, y = torch.randn(16, 5), torch.randint(0, 3, (16,))
    return model, X, y



def _same_parameters(mine: nn.Module, ref: nn.Module, atol: float = 1e-6) -> bool:
    """Whether the learner's model and the torch.optim-stepped copy hold the same parameters, to float rounding."""
    return all(torch.allclose(a, b, atol=atol) for a, b in zip(mine.parameters(), ref.parameters()))


@exercise("step")
def check_sgd_step(step: Callable[[list, float], None]) -> Outcome:
    """Check a hand-written gradient-descent step against torch.optim.SGD."""
    mine, X, y = _tiny_problem()
    ref, _, _ = _tiny_problem()
    for model in (mine, ref):
        nn.functional.cross_entropy(model(X), y).backward()
    try:
        step(list(mine.parameters()), 0.1)
    except Exception as exc:  # the learner's code, run once; say how it failed
        return _report(False, "", tr("sgd_step(params, lr) failed with {failed}. Update inside torch.no_grad().",
                                     failed=_failure(exc)))
    torch.optim.SGD(ref.parameters(), lr=0.1).step()
    same = _same_parameters(mine, ref, atol=1e-8)
    return _report(same, tr("your step moves every parameter exactly as SGD does."),
                   tr("each parameter moves by -lr * its gradient: p -= lr * p.grad, in place."))


@exercise("step")
def check_momentum_step(step: Callable[[list, list, float, float], None]) -> Outcome:
    """Check a hand-written momentum step (three steps in a row) against torch.optim.SGD(momentum=...)."""
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
        try:
            step(params, velocities, 0.1, 0.9)
        except Exception as exc:  # the learner's code, run once; say how it failed
            return _report(False, "", tr("momentum_step failed with {failed}.", failed=_failure(exc)))
        opt.step()
    same = _same_parameters(mine, ref)
    return _report(same, tr("three steps agree with torch.optim.SGD(momentum=0.9)."),
                   tr("PyTorch's rule: v = beta * v + grad (v starts at zero), then p -= lr * v; "
                      "update v in place (v.mul_(beta).add_(p.grad)) so the list keeps the new values."))


# --- 05_full_loop -----------------------------------------------------------------------------

@exercise("train_step")
def check_train_step(train_step: Callable) -> Outcome:
    """Check a one-batch training step: forward, loss, backward, step, with gradients cleared."""
    mine, X, y = _tiny_problem(2)
    ref, _, _ = _tiny_problem(2)
    loss_fn = nn.CrossEntropyLoss()
    opt_mine = torch.optim.SGD(mine.parameters(), lr=0.1)
    opt_ref = torch.optim.SGD(ref.parameters(), lr=0.1)
    for _ in range(3):
        try:
            train_step(mine, X, y, loss_fn, opt_mine)
        except Exception as exc:  # the learner's code, run once; say how it failed
            return _report(False, "", tr("train_step(model, X, y, loss_fn, optimizer) failed with {failed}.",
                                         failed=_failure(exc)))
        opt_ref.zero_grad()
        loss_fn(ref(X), y).backward()
        opt_ref.step()
    same = _same_parameters(mine, ref)
    return _report(same, tr("three steps in a row match the reference loop."),
                   tr("after three calls your parameters differ from the reference: are the gradients "
                      "cleared (optimizer.zero_grad()) before each backward()?"))


@exercise("evaluate")
def check_fair_loss(evaluate: Callable) -> Outcome:
    """Check an evaluation that averages the loss over samples, in eval mode, without gradients."""
    from torch.utils.data import DataLoader, TensorDataset

    torch.manual_seed(3)
    model = nn.Sequential(nn.Linear(5, 8), nn.Dropout(0.5), nn.Linear(8, 3))
    X, y = torch.randn(10, 5), torch.randint(0, 3, (10,))
    loader = DataLoader(TensorDataset(X, y), batch_size=4)  # batches of 4, 4 and 2
    model.train()
    try:
        got = evaluate(model, loader, nn.CrossEntropyLoss())
    except Exception as exc:  # the learner's code, run once; say how it failed
        return _report(False, "", tr("evaluate(model, loader, loss_fn) failed with {failed}.", failed=_failure(exc)))
    if got is None:
        return _report(False, "", tr("your function returns nothing: end it with return ..."))
    got = float(got)
    model.eval()
    with torch.no_grad():
        want = nn.functional.cross_entropy(model(X), y).item()
    if math.isclose(got, want, rel_tol=1e-5):
        return _report(True, tr("averaged over every sample, in eval mode."), "")
    return _report(False, "", tr("weight each batch's mean loss by its size and divide by the number of samples, "
                                 "and call model.eval() first (this model has dropout, which eval mode turns off)."))


# --- 06_plotting ------------------------------------------------------------------------------

@exercise("best_epoch")
def check_best_epoch(best_epoch: Callable, history) -> Outcome:
    """Check a function that returns the epoch with the lowest validation loss."""
    want = history.epoch[min(range(len(history)), key=lambda i: history.val_loss[i])]
    try:
        got = best_epoch(history)
    except Exception as exc:  # the learner's code, run once; say how it failed
        return _report(False, "", tr("best_epoch(history) failed with {failed}.", failed=_failure(exc)))
    return _report(got == want, tr("epoch {epoch} has the lowest validation loss.", epoch=want),
                   tr("find the index of the smallest value in history.val_loss and return history.epoch at "
                      "that index (epochs count from 1, list indices from 0)."))


# Which learning rate each mystery run used; the letters are shuffled so the order gives nothing away.
_MYSTERY = {"A": (1.0, "too high"), "B": (0.05, "good"), "C": (0.002, "too low")}


def mystery_runs(train_data, val_data, epochs: int = 3, train_size: int = 20_000) -> list:
    """Return three histories, labelled A, B and C, trained with SGD at three undisclosed learning rates
    and measured on ``val_data``."""
    from torch.utils.data import DataLoader

    from ..data import InMemoryDataset
    from ..models import NeuralNetwork
    from ..training import fit, set_seed

    part = InMemoryDataset(train_data.images[:train_size], train_data.targets[:train_size], train_data.classes)
    runs = []
    for letter, (lr, _) in _MYSTERY.items():
        set_seed(1)
        model = NeuralNetwork()
        loader = DataLoader(part, batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(1))
        runs.append(fit(model, loader, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=lr), epochs,
                        val_loader=DataLoader(val_data, batch_size=1000), label=letter))
    return runs


@exercise("answers", todo="replace the None (or ...) above with your answer")
def check_diagnosis(answers: dict) -> Outcome:
    """Check a diagnosis of each mystery run: 'too low', 'good' or 'too high'."""
    wrong = [k for k, (_, truth) in _MYSTERY.items() if str(answers.get(k, "")).strip().lower() != truth]
    return _report(not wrong, tr("every run is read right: {runs}.", runs=", ".join(
        tr("{run} used lr {lr:g}", run=k, lr=lr) for k, (lr, _) in _MYSTERY.items())),
        trn("look again at run {runs}: a rate too low gives a slow, steady fall; "
            "too high gives a bumpy curve, or one that starts late or never settles.",
            "look again at runs {runs}: a rate too low gives a slow, steady fall; "
            "too high gives a bumpy curve, or one that starts late or never settles.", len(wrong), runs=", ".join(wrong)))


# --- 07_playground ----------------------------------------------------------------------------

@exercise()
def check_fast_run(panel, target: float = 0.86, max_epochs: int = 5) -> Outcome:
    """Check that one of the panel's runs reached ``target`` validation accuracy within ``max_epochs`` epochs."""
    if not panel.runs:
        raise NotAttempted("train a run in the panel above")
    hits = [r for r in panel.runs if any(a >= target for a in r.history.val_acc[:max_epochs])]
    best = max((a for r in panel.runs for a in r.history.val_acc[:max_epochs]), default=None)
    return _report(
        bool(hits),
        tr("run {number} ({label}) got there.", number=panel.runs.index(hits[0]) + 1, label=hits[0].settings.label)
        if hits else "",
        (tr("no run has finished an epoch yet.") if best is None else
         tr("your best within {max_epochs} epochs is {best:.1f}%. Plain SGD needs a larger learning rate "
            "than the lesson's; momentum or Adam get there sooner.", max_epochs=max_epochs, best=100 * best)),
    )


@exercise()
def check_learning_rate_limit(panel, fails_below: float = 0.20, learns: float = 0.70) -> Outcome:
    """Check for a plain-SGD run that failed (diverged, or best validation accuracy below ``fails_below``)
    and one at a 10x smaller rate that learned (best validation accuracy at least ``learns``)."""
    if not panel.runs:
        raise NotAttempted("train plain SGD in the panel above until it fails")
    sgd = [r for r in panel.runs if r.settings.optimizer == "SGD"]
    failed = [r for r in sgd if r.history.status == "diverged" or (len(r.history) and r.history.best_val_acc < fails_below)]
    learned = [r for r in sgd if len(r.history) and r.history.best_val_acc >= learns]
    pairs = [(f, ok) for f in failed for ok in learned if ok.settings.lr <= f.settings.lr / 10 * 1.01]
    if pairs:
        f, ok = pairs[0]
        return _report(True, tr("lr {failed:.2g} fails and lr {learned:.2g} learns.",
                                failed=f.settings.lr, learned=ok.settings.lr), "")
    if not failed:
        return _report(False, "", tr("no plain-SGD run has failed yet: push the learning rate towards 1."))
    return _report(False, "", tr("lr {lr:.2g} failed; now run plain SGD at a tenth of it "
                                 "or less and let it learn ({learns:.0f}% or more).",
                                 lr=failed[0].settings.lr, learns=100 * learns))


# --- 08_craft ---------------------------------------------------------------------------------

@exercise("stop_epoch")
def check_early_stopping(stop_epoch: Callable[[list, int, float], int]) -> Outcome:
    """Check a function that returns the epoch at which early stopping (with ``min_delta``) ends training."""
    cases = [
        ([0.9, 0.7, 0.6, 0.65, 0.66, 0.64, 0.7], 2, 0.0, 5),   # best at 3, two epochs without improvement
        ([0.9, 0.7, 0.6, 0.65, 0.59, 0.6, 0.61], 2, 0.0, 7),   # improves again at 5, runs out at 7
        ([0.5, 0.6, 0.7], 1, 0.0, 2),
        ([0.9, 0.8, 0.7], 3, 0.0, 3),                           # never stops early: the last epoch
        ([0.9, 0.7, 0.6, 0.595, 0.59, 0.58, 0.57], 2, 0.02, 5),  # 0.005 and 0.01 better: too little
        ([0.9, 0.7, 0.6, 0.595, 0.57, 0.565, 0.56, 0.5], 2, 0.02, 7),  # 0.03 better at 5 counts; then two too-small
        ([0.9, 0.6, 0.59, 0.58, 0.57, 0.56], 3, 0.015, 6),     # small steps count once they add up
    ]
    for losses, patience, min_delta, want in cases:
        call = f"stop_epoch({losses}, patience={patience}, min_delta={min_delta})"
        try:
            got = stop_epoch(list(losses), patience, min_delta)
        except Exception as exc:  # the learner's code, run once; say how it failed
            return _report(False, "", tr("{call} failed with {failed}.", call=call, failed=_failure(exc)))
        if got != want:
            return _report(False, "", tr("{call} returns {got}, expected {want}. Count epochs from 1. An epoch "
                                         "improves only if its loss is below the best so far by more than min_delta "
                                         "(and only then does the best change); stop once `patience` epochs in a row "
                                         "have not improved; with no such run, train to the end.",
                                         call=call, got=got, want=want))
    return _report(True, tr("your rule stops exactly when it should."), "")


@exercise("snapshot")
def check_snapshot(snapshot: Callable[[nn.Module], dict]) -> Outcome:
    """Check a function that keeps a copy of a model's weights that later training cannot change."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    before = {name: t.clone() for name, t in model.state_dict().items()}
    x = torch.randn(8, 4)
    with torch.no_grad():
        outputs_before = model(x)
    try:
        kept = snapshot(model)
    except Exception as exc:  # the learner's code, run once; say how it failed
        return _report(False, "", tr("snapshot(model) failed with {failed}.", failed=_failure(exc)))
    if not isinstance(kept, dict) or set(kept) != set(before):
        return _report(False, "", tr("return a dict with the same keys as model.state_dict() "
                                     "({keys}), got {got_type}.", keys=", ".join(before), got_type=type(kept).__name__))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)  # training goes on after the snapshot
    model(x).pow(2).mean().backward()
    optimizer.step()
    moved = [name for name in before if not torch.equal(kept[name], before[name])]
    if moved:
        return _report(False, "", tr("one training step later, your snapshot's '{name}' has changed with the "
                                     "model: state_dict() hands out the model's own tensors, not copies. Copy each one "
                                     "(tensor.clone()), or copy the whole dict with copy.deepcopy.", name=moved[0]))
    fresh = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    try:
        fresh.load_state_dict(kept)
    except Exception as exc:  # the learner's code, run once; say how it failed
        return _report(False, "", tr("load_state_dict(your snapshot) failed with {failed}.", failed=_failure(exc)))
    with torch.no_grad():
        same = torch.equal(fresh(x), outputs_before)
    return _report(same, tr("your snapshot stays put while training goes on, and loads back with load_state_dict."),
                   tr("a model loaded from your snapshot does not reproduce the model at the time of the snapshot."))


# --- 09_capstone ------------------------------------------------------------------------------

class _Batch(torch.Tensor):
    """A batch that counts, in its run's ``state``, how often it is moved with ``.to()``: a device-aware loop
    moves every one."""

    def to(self, *args, **kwargs):
        self.state["moves"] += 1
        return super().to(*args, **kwargs).as_subclass(torch.Tensor)


class _WatchedLoader:
    """Wraps a DataLoader: yields its batches as ``_Batch`` and notes which loader the loop is reading."""

    def __init__(self, loader, phase: str, state: dict):
        self.loader, self.phase, self.state = loader, phase, state

    def __len__(self) -> int:
        return len(self.loader)

    def __getattr__(self, name):  # dataset, batch_size, ...: the wrapped loader's
        return getattr(self.loader, name)

    def __iter__(self):
        for X, y in self.loader:
            self.state["phase"] = self.phase
            batch = X.as_subclass(_Batch), y.as_subclass(_Batch)
            for tensor in batch:
                tensor.state = self.state
            yield batch


def _capstone_setting(train_data, seed: int = 0):
    """Return the check's model, optimizer and loaders: 2,000 training and 1,000 validation images from
    ``train_data``, batches that leave a short last batch, and a rate that over-fits within a few epochs."""
    from torch.utils.data import DataLoader

    from ..data import InMemoryDataset
    from ..models import NeuralNetwork
    from ..training import set_seed

    train = InMemoryDataset(train_data.images[:2000], train_data.targets[:2000], train_data.classes)
    val = InMemoryDataset(train_data.images[2000:3000], train_data.targets[2000:3000], train_data.classes)
    set_seed(seed)
    model = NeuralNetwork()
    optimizer = torch.optim.Adam(model.parameters(), lr=CAPSTONE_LR)
    return (model, optimizer, DataLoader(train, batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(seed)),
            DataLoader(val, batch_size=256))


CAPSTONE_LR = 3e-3


def _close(a: torch.Tensor, b: torch.Tensor) -> bool:
    """Equal up to float rounding: a loop that sums in another order ends a hair away, not elsewhere."""
    return a.shape == b.shape and torch.allclose(a.float(), b.float(), rtol=1e-4, atol=1e-6)


def _capstone_reference(train_data, epochs: int, patience: int | None):
    """Run ``helpers.fit`` on the check's setting; return its history and the weights of its best epoch."""
    import contextlib
    import io
    import threading

    from ..training import fit

    model, optimizer, train_loader, val_loader = _capstone_setting(train_data)
    best = {"loss": float("inf"), "epoch": 0, "weights": None}
    stop = threading.Event()

    def keep_best(history):
        if history.val_loss[-1] < best["loss"]:
            best.update(loss=history.val_loss[-1], epoch=len(history),
                        weights={k: v.clone() for k, v in model.state_dict().items()})
        elif patience is not None and len(history) - best["epoch"] >= patience:
            stop.set()

    with contextlib.redirect_stdout(io.StringIO()):  # fit announces a stop; the check speaks for itself
        history = fit(model, train_loader, nn.CrossEntropyLoss(), optimizer, epochs, val_loader=val_loader,
                      callback=keep_best, stop=stop)
    return history, best


class _CapstoneRun(NamedTuple):
    """What the learner's loop did, beside what ``helpers.fit`` did on the same start and batches."""

    got: dict            # the learner's lists, by key
    reference: object    # fit's History
    best: dict           # fit's best epoch: its number and weights
    patience: int | None
    moves: int           # batches moved with .to()
    batches: int         # batches that should have been moved
    calls: list          # (phase, training mode, gradients on) of every forward pass
    saved: dict | None   # what the loop saved at best_path
    final: dict          # the model's weights when the loop returned


_CAPSTONE_KEYS = ("train_loss", "train_acc", "val_loss", "val_acc")


def _one_value_per_epoch(run: _CapstoneRun) -> str | None:
    if any(not isinstance(v, (list, tuple)) for v in run.got.values()):
        return tr("return a dict with the lists {keys}: one number per epoch each.", keys=", ".join(_CAPSTONE_KEYS))
    n = len(run.reference)
    if any(len(v) != n for v in run.got.values()):
        lengths = ", ".join(f"{k} {len(v)}" for k, v in run.got.items())
        return (tr("helpers.fit ran {n} epochs here", n=n)
                + (tr(" (best at epoch {best}, then {patience} without improving)", best=run.best["epoch"],
                      patience=run.patience) if run.patience is not None else "")
                + tr(", but your lists hold {lengths}. ", lengths=lengths)
                + (tr("Append one value per epoch, and stop once `patience` epochs in a row have not improved on "
                      "the best validation loss.") if run.patience is not None else tr("Append one value per epoch.")))
    return None


def _every_batch_moved(run: _CapstoneRun) -> str | None:
    if run.moves < run.batches:
        return tr("move every batch, images and labels, to the device: X, y = X.to(device), y.to(device), in both "
                  "loops. On a GPU the model's weights are there and the batches must be too.")
    return None


def _modes_and_gradients(run: _CapstoneRun) -> str | None:
    for phase, want_training, want_grad in (("train", True, True), ("val", False, False)):
        for _, training, grad in (c for c in run.calls if c[0] == phase):
            if training != want_training:
                return (tr("during training the model was in eval mode: call model.train() at the start of each "
                           "training pass, every epoch.") if phase == "train" else
                        tr("during validation the model was in train mode: call model.eval() at the start of each "
                           "validation pass, every epoch."))
            if grad != want_grad:
                return (tr("validation should not track gradients: run it inside torch.no_grad() or "
                           "torch.set_grad_enabled(False).") if phase == "val" else
                        tr("training needs gradients: run it with torch.set_grad_enabled(True) (or outside no_grad)."))
    return None


def _figures_match_fit(run: _CapstoneRun) -> str | None:
    for key in _CAPSTONE_KEYS:
        want = getattr(run.reference, key)
        wrong = [i for i, (a, b) in enumerate(zip(run.got[key], want))
                 if not math.isclose(float(a), b, rel_tol=1e-5, abs_tol=1e-6)]
        if wrong:
            first = wrong[0]
            return (tr("{key} in epoch {epoch} is {got:.6f}, helpers.fit measured {want:.6f}. ",
                       key=key, epoch=first + 1, got=float(run.got[key][first]), want=want[first])
                    + (tr("Average per sample: add each batch's mean loss times its size, then divide by the number "
                          "of samples (the last batch is smaller).") if key.endswith("loss") else
                       tr("Accuracy is the fraction (0 to 1) of samples whose largest logit is the right class, over "
                          "all samples seen in the pass."))
                    + (tr(" For the training figures, use each batch's loss and predictions as it trains (before its "
                          "step), as fit does.") if key.startswith("train") else ""))
    return None


def _best_epoch_saved(run: _CapstoneRun) -> str | None:
    if run.saved is None:
        return tr("nothing was saved at best_path: torch.save(model.state_dict(), best_path) whenever the "
                  "validation loss beats every earlier epoch's.")
    weights = run.best["weights"]
    if set(run.saved) != set(weights) or not all(_close(run.saved[k], weights[k]) for k in run.saved):
        return tr("the file at best_path does not hold epoch {best}'s weights, the epoch with the lowest "
                  "validation loss. Save whenever the loss is lower than every earlier epoch's (strictly lower), "
                  "right after that epoch's validation pass.", best=run.best["epoch"])
    return None


def _best_epoch_restored(run: _CapstoneRun) -> str | None:
    if not all(_close(run.final[k], run.best["weights"][k]) for k in run.final):
        return tr("after the run the model should hold the best epoch's weights (epoch {best} of {n}): load them "
                  "back with model.load_state_dict(torch.load(best_path, weights_only=True)) before returning.",
                  best=run.best["epoch"], n=len(run.reference))
    return None


# What the capstone's loop must do, in the order a learner would fix it; each names its fix.
CAPSTONE_CHECKS = (_one_value_per_epoch, _every_batch_moved, _modes_and_gradients, _figures_match_fit,
                   _best_epoch_saved, _best_epoch_restored)


@exercise("train_and_validate")
def check_capstone(train_and_validate: Callable, train_data, epochs: int = 6, patience: int | None = None) -> Outcome:
    """Run a learner's train/validation loop beside ``helpers.fit`` on the same start and the same batches.

    It must move every batch to ``device``, train in train mode with gradients and validate in eval mode
    without, return per-sample mean losses and accuracies per epoch, save the best epoch's
    ``state_dict`` to ``best_path`` and load it back at the end; with ``patience``, stop as 08 does.
    """
    import tempfile
    from pathlib import Path

    reference, best = _capstone_reference(train_data, epochs, patience)
    model, optimizer, train_loader, val_loader = _capstone_setting(train_data)
    state: dict = {"phase": None, "moves": 0}
    calls: list[tuple[str, bool, bool]] = []
    hook = model.register_forward_hook(lambda m, i, o: calls.append((state["phase"], m.training, torch.is_grad_enabled())))
    args = [model, _WatchedLoader(train_loader, "train", state), _WatchedLoader(val_loader, "val", state),
            nn.CrossEntropyLoss(), optimizer, epochs, torch.device("cpu")]
    name = "train_and_validate(" + ", ".join(["model", "train_loader", "val_loader", "loss_fn", "optimizer",
                                              str(epochs), "device", "best_path"]) + \
        (f", patience={patience})" if patience is not None else ")")
    with tempfile.TemporaryDirectory() as folder:
        best_path = Path(folder) / "best.pt"
        try:
            result = (train_and_validate(*args, best_path) if patience is None
                      else train_and_validate(*args, best_path, patience=patience))
        except Exception as exc:  # a learner's loop can fail in any way; say how
            return _report(False, "", tr("{call} failed with {error_type}: {error}",
                                         call=name, error_type=type(exc).__name__, error=exc))
        finally:
            hook.remove()
        saved = torch.load(best_path, weights_only=True) if best_path.exists() else None

    n = len(reference)
    run = _CapstoneRun(got={k: (result.get(k) if isinstance(result, dict) else getattr(result, k, None))
                            for k in _CAPSTONE_KEYS},
                       reference=reference, best=best, patience=patience, moves=state["moves"],
                       batches=2 * n * (len(train_loader) + len(val_loader)), calls=calls, saved=saved,
                       final=model.state_dict())
    for sub_check in CAPSTONE_CHECKS:
        hint = sub_check(run)
        if hint:
            return _report(False, "", hint)
    return _report(True, tr("your loop matches helpers.fit epoch for epoch ({n} epochs", n=n)
                   + (tr(", stopped {patience} after the best", patience=patience) if patience is not None else "")
                   + tr(") and kept epoch {best}'s weights.", best=best["epoch"]), "")


# --- 10_optimizers ----------------------------------------------------------------------------

def _beside_torch(step: Callable, make_optimizer: Callable, hyper: dict, steps: int = 10) -> tuple[int, float] | str:
    """Step a small model with ``step`` and a copy with ``torch.optim``; return (first step that differs
    by more than 1e-6, or 0, and the largest difference), or a message if ``step`` failed."""
    torch.manual_seed(0)
    mine = nn.Sequential(nn.Linear(6, 5), nn.Tanh(), nn.Linear(5, 3))
    theirs = nn.Sequential(nn.Linear(6, 5), nn.Tanh(), nn.Linear(5, 3))
    theirs.load_state_dict(mine.state_dict())
    optimizer = make_optimizer(theirs.parameters())
    state: dict = {}
    worst = 0.0
    for t in range(1, steps + 1):
        X, y = torch.randn(16, 6), torch.randint(0, 3, (16,))
        for model in (mine, theirs):
            model.zero_grad()
            nn.functional.cross_entropy(model(X), y).backward()
        try:
            step(list(mine.parameters()), state, *hyper.values())
        except Exception as exc:  # the learner's code, run once; say how it failed
            return _failure(exc)
        optimizer.step()
        worst = max((a - b).abs().max().item() for a, b in zip(mine.parameters(), theirs.parameters()))
        if worst > 1e-6:
            return t, worst
    return 0, worst


ADAM_EPS = 1e-3


@exercise("adam_step")
def check_adam(adam_step: Callable) -> Outcome:
    """Check a hand-written Adam step against ``torch.optim.Adam`` over 10 steps."""
    # eps 1e-3 rather than 1e-8, for both: where eps enters the update then shows far above float rounding
    outcome = _beside_torch(adam_step, lambda p: torch.optim.Adam(p, lr=0.01, eps=ADAM_EPS),
                            {"lr": 0.01, "betas": (0.9, 0.999), "eps": ADAM_EPS})
    if isinstance(outcome, str):
        return _report(False, "", tr("adam_step(params, state, lr=0.01, betas=(0.9, 0.999), eps=0.001) failed with "
                                     "{failed}.", failed=outcome))
    first, worst = outcome
    return _report(not first, tr("the same parameters as torch.optim.Adam after 10 steps (largest difference "
                                 "{worst:.1e}).", worst=worst),
                   tr("your parameters part from torch.optim.Adam's at step {step} (difference {worst:.1e}). ",
                      step=first, worst=worst)
                   + (tr("At step 1, m and v hold only the first gradient: check that they start at zero, that "
                         "m = b1 m + (1 - b1) g and v = b2 v + (1 - b2) g^2, and the bias correction: divide m by "
                         "1 - b1 ** t and v by 1 - b2 ** t, with t = 1 at the first step. Then where eps goes: "
                         "torch.optim.Adam adds it to the square root of the corrected v, p -= lr * m_hat / "
                         "(sqrt(v_hat) + eps); the paper's faster form, which corrects the rate instead and adds eps "
                         "to sqrt(v), is a slightly different update.") if first == 1 else
                      tr("Step 1 agrees, so the update is right once: keep m, v and the step count t in `state` "
                         "between calls (one set per parameter), and count t up by one every call.")))


@exercise("adamw_step")
def check_adamw(adamw_step: Callable) -> Outcome:
    """Check a hand-written AdamW step against ``torch.optim.AdamW`` (weight decay 0.1) over 10 steps."""
    outcome = _beside_torch(adamw_step, lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1),
                            {"lr": 0.01, "weight_decay": 0.1})
    if isinstance(outcome, str):
        return _report(False, "", tr("adamw_step(params, state, lr=0.01, weight_decay=0.1) failed with {failed}.",
                                     failed=outcome))
    first, worst = outcome
    return _report(not first, tr("the same parameters as torch.optim.AdamW after 10 steps (largest difference "
                                 "{worst:.1e}).", worst=worst),
                   tr("your parameters part from torch.optim.AdamW's at step {step} (difference {worst:.1e}). "
                      "AdamW multiplies every parameter by 1 - lr * weight_decay, then takes Adam's step from the "
                      "gradient alone; adding weight_decay * p to the gradient is Adam's L2, not AdamW.",
                      step=first, worst=worst))


# --- 11_lr_finder -----------------------------------------------------------------------------

@exercise("rates")
def check_range_rates(rates: Callable[[float, float, int], list]) -> Outcome:
    """Check the rates of a range test against the ones ``helpers.range_test`` uses."""
    for start, end, steps in ((1e-5, 10.0, 200), (0.001, 1.0, 4)):
        try:
            got = rates(start, end, steps)
        except Exception as exc:  # the learner's code, run once; say how it failed
            return _report(False, "", tr("rates({start}, {end}, {steps}) failed with {failed}.",
                                         start=start, end=end, steps=steps, failed=_failure(exc)))
        if not isinstance(got, (list, tuple)):
            return _report(False, "", tr("return a list of {steps} rates, got {got_type}.",
                                         steps=steps, got_type=type(got).__name__))
        factor = (end / start) ** (1 / (steps - 1))
        want = [start * factor ** i for i in range(steps)]
        if len(got) != steps or not all(math.isclose(float(a), b, rel_tol=1e-6) for a, b in zip(got, want)):
            return _report(False, "", tr("rates({start}, {end}, {steps}) should give {steps} rates from {start:g} to "
                                         "{end:g}, each {factor:.4g} times the one before; yours give {count}, "
                                         "starting {first}. The factor is (end / start) ** (1 / (steps - 1)).",
                                         start=start, end=end, steps=steps, factor=factor, count=len(got),
                                         first=', '.join(f'{float(v):.3g}' for v in got[:3])))
    return _report(True, tr("your rates climb by one factor from the first to the last."), "")


@exercise("smooth")
def check_smoothing(smooth: Callable[[list, float], list]) -> Outcome:
    """Check a debiased running mean against the one ``helpers.range_test`` draws."""
    values = [2.3, 2.1, 2.2, 1.7, 1.9, 1.2, 1.4, 0.9]
    for beta in (0.98, 0.5):
        try:
            answer = smooth(list(values), beta)
        except Exception as exc:  # the learner's code, run once; say how it failed
            return _report(False, "", tr("smooth(values, {beta}) failed with {failed}.", beta=beta, failed=_failure(exc)))
        got, avg, want = answer, 0.0, []
        if not isinstance(got, (list, tuple)):
            return _report(False, "", tr("return a list with one smoothed value per value, got {got_type}.",
                                         got_type=type(got).__name__))
        for t, value in enumerate(values, start=1):
            avg = beta * avg + (1 - beta) * value
            want.append(avg / (1 - beta ** t))
        if len(got) != len(values) or not all(math.isclose(float(a), b, rel_tol=1e-6) for a, b in zip(got, want)):
            first = float(got[0]) if got else None
            return _report(False, "", tr("for {values} and beta {beta} the smoothed values start {want0:.4g}, "
                                         "{want1:.4g}; yours start {first}. ",
                                         values=values, beta=beta, want0=want[0], want1=want[1], first=first) + (
                               tr("Without the correction the first value is (1 - beta) times too small: divide by "
                                  "1 - beta ** t, with t = 1 for the first value.") if first is not None and
                               math.isclose(first, (1 - beta) * values[0], rel_tol=1e-6) else
                               tr("avg starts at 0; each value updates it, then the entry is avg / (1 - beta ** t).")))
    return _report(True, tr("your running mean starts right and follows the losses."), "")


# --- 12_schedules ----------------------------------------------------------------------------

@exercise("lr_at_epoch")
def check_step_schedule(lr_at_epoch: Callable[[int], float]) -> Outcome:
    """Check a function giving StepLR's learning rate (0.1, halved every 3 epochs) for epochs 1 to 10."""
    model = nn.Linear(1, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
    for epoch in range(1, 11):
        try:
            answer = lr_at_epoch(epoch)
        except Exception as exc:  # the learner's code, run once; say how it failed
            return _report(False, "", tr("lr_at_epoch({epoch}) failed with {failed}.", epoch=epoch, failed=_failure(exc)))
        got, want = answer, opt.param_groups[0]["lr"]
        if got is None or not math.isclose(float(got), want, rel_tol=1e-9):
            return _report(False, "", tr("in epoch {epoch} StepLR uses {want:g}, you give {got}. Epochs 1-3 use "
                                         "0.1, epochs 4-6 use 0.05, and so on: 0.1 * 0.5 ** ((epoch - 1) // 3).",
                                         epoch=epoch, want=want, got=got))
        opt.step()
        sched.step()
    return _report(True, tr("your schedule matches StepLR for ten epochs."), "")


@exercise("cosine_lr")
def check_cosine(cosine_lr: Callable[[int, int, float], float]) -> Outcome:
    """Check a cosine schedule (from ``base_lr`` down to 0 over ``total`` steps) against ``CosineAnnealingLR``."""
    for total, base_lr in ((20, 0.1), (7, 0.05)):
        opt = torch.optim.SGD(nn.Linear(1, 1).parameters(), lr=base_lr)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total)
        for step in range(total + 1):
            try:
                answer = cosine_lr(step, total, base_lr)
            except Exception as exc:  # the learner's code, run once; say how it failed
                return _report(False, "", tr("cosine_lr({step}, {total}, {base_lr}) failed with {failed}.",
                                             step=step, total=total, base_lr=base_lr, failed=_failure(exc)))
            got, want = answer, opt.param_groups[0]["lr"]
            if got is None or not math.isclose(float(got), want, rel_tol=1e-6, abs_tol=1e-12):
                return _report(False, "", tr("cosine_lr({step}, {total}, {base_lr}) gives {got}, CosineAnnealingLR "
                                             "uses {want:.6g}. The rate is base_lr * (1 + cos(pi * step / total)) / 2: "
                                             "base_lr at step 0, half of it halfway, 0 at the end.",
                                             step=step, total=total, base_lr=base_lr, got=got, want=want))
            if step < total:
                opt.step()
                sched.step()
    return _report(True, tr("your cosine schedule matches CosineAnnealingLR step for step."), "")


# --- 13_mistakes -----------------------------------------------------------------------------

@exercise("count_correct")
def check_count_correct(count_correct: Callable) -> Outcome:
    """Check a count of right answers against one-hot targets, for batch sizes 10 (= classes), 64 and 3."""
    gen = torch.Generator().manual_seed(13)
    for batch in (10, 64, 3):
        pred = torch.randn(batch, 10, generator=gen)
        labels = torch.randint(0, 10, (batch,), generator=gen)
        labels[: batch // 2] = pred[: batch // 2].argmax(1)  # about half of them right
        y = nn.functional.one_hot(labels, num_classes=10).float()
        try:
            answer = count_correct(pred, y)
        except Exception as exc:  # the learner's code, run once; say how it failed
            return _report(False, "", tr("with a batch of {batch}, count_correct failed with {failed}.",
                                         batch=batch, failed=_failure(exc)))
        got, want = answer, int((pred.argmax(1) == labels).sum())
        if got is None or float(got) != want:
            extra = tr(" (a batch of 10 hides the broadcasting mistake: 100 comparisons)") if batch == 10 else ""
            return _report(False, "", tr("with a batch of {batch} you count {got}, the right count is {want}{extra}. "
                                         "Turn both into class numbers of shape [batch] before comparing: "
                                         "pred.argmax(1) and y.argmax(1).",
                                         batch=batch, got=got, want=want, extra=extra))
    return _report(True, tr("right for batches of 10, 64 and 3: class numbers compared with class numbers."), "")


@exercise("epoch_mean")
def check_epoch_mean(epoch_mean: Callable) -> Outcome:
    """Check a mean over images from per-batch means and sizes, with a short last batch."""
    losses = torch.rand(103, generator=torch.Generator().manual_seed(13)).tolist()
    sizes = [32, 32, 32, 7]
    means, start = [], 0
    for n in sizes:
        means.append(sum(losses[start:start + n]) / n)
        start += n
    try:
        answer = epoch_mean(means, sizes)
    except Exception as exc:  # the learner's code, run once; say how it failed
        return _report(False, "", tr("epoch_mean(batch_means, batch_sizes) failed with {failed}.", failed=_failure(exc)))
    got, want = answer, sum(losses) / len(losses)
    if got is not None and math.isclose(float(got), want, rel_tol=1e-9):
        return _report(True, tr("the mean over all {n} images, with the short last batch weighed by its size.",
                                n=len(losses)), "")
    if got is not None and math.isclose(float(got), sum(means) / len(means), rel_tol=1e-9):
        return _report(False, "", tr("that is the mean of the batch means: the last batch of 7 counts as much as a "
                                     "batch of 32. Multiply each mean by its batch's size, add them up, divide by the "
                                     "images."))
    return _report(False, "", tr("you give {got}, the mean over the images is {want:.6f}: add up mean x size for "
                                 "every batch and divide by the total number of images.", got=got, want=want))


# --- 14_cifar10 ------------------------------------------------------------------------------

@exercise("flat_features")
def check_flat_features(flat_features: Callable[[int, int, int], int]) -> Outcome:
    """Check the number of values a stack of conv (padding 1) + 2x2 max-pool blocks hands to the first linear layer."""
    for side, channels, blocks in ((32, 64, 2), (28, 16, 1), (32, 8, 3), (64, 32, 4)):
        layers, width = [], 3
        for b in range(blocks):
            out = channels if b == blocks - 1 else 8
            layers += [nn.Conv2d(width, out, 3, padding=1), nn.MaxPool2d(2)]
            width = out
        want = nn.Sequential(*layers, nn.Flatten())(torch.zeros(1, 3, side, side)).shape[1]
        try:
            got = flat_features(side, channels, blocks)
        except Exception as exc:  # the learner's code, run once; say how it failed
            return _report(False, "", tr("flat_features({side}, {channels}, {blocks}) failed with {failed}.",
                                         side=side, channels=channels, blocks=blocks, failed=_failure(exc)))
        if got != want:
            return _report(False, "", tr("flat_features({side}, {channels}, {blocks}) gives {got}; a real stack hands "
                                         "on {want}. Padding 1 keeps the side, each pool halves it: "
                                         "channels * (side // 2**blocks)**2.",
                                         side=side, channels=channels, blocks=blocks, got=got, want=want))
    return _report(True, tr("it matches what a real stack of layers hands to the linear layer, for four shapes."), "")


@exercise("conv_params")
def check_conv_params(conv_params: Callable[[int, int, int], int]) -> Outcome:
    """Check a count of a Conv2d's parameters (weights and biases) against PyTorch's."""
    for cin, cout, k in ((3, 32, 3), (32, 64, 3), (1, 6, 5), (64, 128, 1)):
        want = sum(p.numel() for p in nn.Conv2d(cin, cout, k).parameters())
        try:
            got = conv_params(cin, cout, k)
        except Exception as exc:  # the learner's code, run once; say how it failed
            return _report(False, "", tr("conv_params({cin}, {cout}, {k}) failed with {failed}.",
                                         cin=cin, cout=cout, k=k, failed=_failure(exc)))
        if got != want:
            return _report(False, "", tr("nn.Conv2d({cin}, {cout}, {k}) has {want:,} parameters, you give {got}. Each "
                                         "output channel has one k x k filter per input channel, plus one bias.",
                                         cin=cin, cout=cout, k=k, want=want, got=got))
    return _report(True, tr("each output channel: in_channels x k x k weights and one bias."), "")


# --- 15_distributed ---------------------------------------------------------------------------

@exercise("shard")
def check_shard(shard: Callable[[int, int, int], list]) -> Outcome:
    """Check the indices one process gets from ``DistributedSampler(shuffle=False)``, padding included."""
    from torch.utils.data import DistributedSampler

    for n, world in ((8, 2), (12, 4), (10, 4), (7, 3), (5, 1)):
        for rank in range(world):
            try:
                answer = shard(n, rank, world)
            except Exception as exc:  # the learner's code, run once; say how it failed
                return _report(False, "", tr("shard({n}, {rank}, {world}) failed with {failed}.",
                                             n=n, rank=rank, world=world, failed=_failure(exc)))
            want = list(DistributedSampler(range(n), num_replicas=world, rank=rank, shuffle=False))
            got = _int_list(answer)
            if got != want:
                hint = (tr("a process takes every world_size-th index, starting from its rank.") if n % world == 0
                        else tr("{n} images do not split evenly over {world} processes: the sampler first repeats "
                                "indices from the start of the list until every process gets the same number.",
                                n=n, world=world))
                return _report(False, "", tr("shard({n}, {rank}, {world}) gives {got}, DistributedSampler gives "
                                             "{want}; ", n=n, rank=rank, world=world, got=got, want=want) + hint)
    return _report(True, tr("your shares match DistributedSampler's, padding included: every process gets "
                            "the same number of images, and together they cover the dataset."), "")


@exercise("scaled_lr")
def check_scaled_lr(scaled_lr: Callable[[int, float, int, int], float]) -> Outcome:
    """Check linear scaling with a linear warm-up against ``LinearLR`` on an optimizer at ``k * base_lr``."""
    for base_lr, k, warm in ((0.05, 8, 10), (0.1, 4, 3), (0.02, 1, 5)):
        opt = torch.optim.SGD(nn.Linear(1, 1).parameters(), lr=k * base_lr)
        sched = torch.optim.lr_scheduler.LinearLR(opt, start_factor=1 / k, total_iters=warm)
        for step in range(warm + 3):
            try:
                answer = scaled_lr(step, base_lr, k, warm)
            except Exception as exc:  # the learner's code, run once; say how it failed
                return _report(False, "", tr("scaled_lr({step}, {base_lr}, {k}, {warm}) failed with {failed}.",
                                             step=step, base_lr=base_lr, k=k, warm=warm, failed=_failure(exc)))
            got, want = answer, opt.param_groups[0]["lr"]
            if got is None or not math.isclose(float(got), want, rel_tol=1e-6, abs_tol=1e-12):
                return _report(False, "", tr(
                    "scaled_lr({step}, {base_lr}, {k}, {warm}) gives {got}, the warm-up uses {want:.6g}. The rate "
                    "starts at base_lr, climbs in equal steps to k * base_lr at step warmup_steps, then stays there.",
                    step=step, base_lr=base_lr, k=k, warm=warm, got=got, want=want))
            opt.step()
            sched.step()
    return _report(True, tr("your rate climbs from base_lr to k * base_lr as LinearLR's warm-up does, "
                            "then holds."), "")


# --- 16_sweeps --------------------------------------------------------------------------------

@exercise("log_uniform")
def check_log_uniform(log_uniform: Callable[[float, float, float], float]) -> Outcome:
    """Check a map from u in [0, 1] to a log-uniform value between ``low`` and ``high``."""
    for low, high in ((1e-3, 1.0), (1e-4, 1e-1), (2.0, 32.0)):
        for u in (0.0, 0.25, 0.5, 0.9, 1.0):
            try:
                answer = log_uniform(low, high, u)
            except Exception as exc:  # the learner's code, run once; say how it failed
                return _report(False, "", tr("log_uniform({low}, {high}, {u}) failed with {failed}.",
                                             low=low, high=high, u=u, failed=_failure(exc)))
            got, want = answer, low * (high / low) ** u
            if got is None or not math.isclose(float(got), want, rel_tol=1e-6):
                return _report(False, "", tr(
                    "log_uniform({low}, {high}, {u}) gives {got}, a log-uniform draw gives {want:.6g}. Draw the "
                    "exponent evenly: u = 0 gives low, u = 1 gives high, and u = 0.5 their geometric mean, "
                    "sqrt(low * high).", low=low, high=high, u=u, got=got, want=want))
    return _report(True, tr("equal steps of u multiply the value by equal factors: each decade of learning "
                            "rates gets the same share of the trials."), "")


@exercise("rungs")
def check_rungs(rungs: Callable[[int, int, int], list]) -> Outcome:
    """Check the epochs at which an ASHA scheduler compares trials: grace_period times powers of the factor."""
    for grace, factor, max_t in ((1, 2, 4), (1, 3, 27), (2, 2, 20), (1, 4, 10), (5, 2, 5)):
        try:
            answer = rungs(grace, factor, max_t)
        except Exception as exc:  # the learner's code, run once; say how it failed
            return _report(False, "", tr("rungs({grace}, {factor}, {max_t}) failed with {failed}.",
                                         grace=grace, factor=factor, max_t=max_t, failed=_failure(exc)))
        want, t = [], grace
        while t <= max_t:
            want.append(t)
            t *= factor
        got = _int_list(answer)
        if got != want:
            return _report(False, "", tr(
                "rungs({grace}, {factor}, {max_t}) gives {got}, ASHA compares trials after epochs {want}: "
                "grace_period, then each rung reduction_factor times the last, up to max_t.",
                grace=grace, factor=factor, max_t=max_t, got=got, want=want))
    return _report(True, tr("after each rung only about the best 1/reduction_factor of the trials go on, "
                            "so most of the epochs go to the promising ones."), "")


# --- 17_clipping_accumulation -------------------------------------------------------------------

def _with_gradients(seed: int, scale: float) -> nn.Module:
    """The tiny problem's model with the gradients of its loss times ``scale`` (to put the norm where we want)."""
    model, X, y = _tiny_problem(seed)
    (scale * nn.functional.cross_entropy(model(X), y)).backward()
    return model


@exercise("clip")
def check_clip_grad_norm(clip: Callable[[list, float], float]) -> Outcome:
    """Check a hand-written clipping by the total norm against ``torch.nn.utils.clip_grad_norm_``."""
    # (seed, gradient scale, max_norm, passed as the loop passes it: model.parameters(), a generator)
    for seed, scale, max_norm, as_generator in ((0, 50.0, 1.0, False), (1, 0.1, 5.0, False), (2, 20.0, 0.5, True)):
        mine, ref = _with_gradients(seed, scale), _with_gradients(seed, scale)
        before = [p.grad.clone() for p in mine.parameters()]
        params = mine.parameters() if as_generator else list(mine.parameters())
        try:
            got = clip(params, max_norm)
        except Exception as exc:  # the learner's code, run once; say how it failed
            return _report(False, "", tr("clip_grad_norm(params, {max_norm}) failed with {failed}.",
                                         max_norm=max_norm, failed=_failure(exc)))
        want = float(torch.nn.utils.clip_grad_norm_(ref.parameters(), max_norm))
        grads = [(a.grad, b.grad) for a, b in zip(mine.parameters(), ref.parameters())]
        if got is None or not math.isclose(float(got), want, rel_tol=1e-5):
            return _report(False, "", tr(
                "your function returns {got}; clip_grad_norm_ returns the total norm before clipping, {want:.6g}: "
                "the square root of the sum of every gradient entry squared, over all the parameters.",
                got=got, want=want))
        if not all(torch.allclose(a, b, rtol=1e-5, atol=1e-8) for a, b in grads):
            if want < max_norm:
                return _report(False, "", tr(
                    "the total norm, {total:.4g}, is already below max_norm {max_norm}, so the factor is above 1: "
                    "leave the gradients as they are, and clip only when the factor is below 1.",
                    total=want, max_norm=max_norm))
            if as_generator and all(torch.equal(a, b) for (a, _), b in zip(grads, before)):  # nothing was clipped
                return _report(False, "", tr(
                    "called with model.parameters(), a generator, your function read it once to add up the "
                    "norm and found nothing left to clip: make a list of it first (params = list(params))."))
            per_tensor = all(float(a.norm()) <= max_norm * (1 + 1e-5) for a, _ in grads)
            return _report(False, "", tr(
                "with max_norm {max_norm} and a total norm of {total:.4g}, your gradients differ from "
                "clip_grad_norm_'s. ", max_norm=max_norm, total=want) + (tr(
                "Each tensor looks clipped on its own; clip_grad_norm_ scales every gradient by the same factor, "
                "max_norm / (total + 1e-6), so the direction of the whole step stays.") if per_tensor else tr(
                "Scale every gradient in place (p.grad.mul_(factor)) by max_norm / (total + 1e-6), and only "
                "when that factor is below 1.")))
    return _report(True, tr("your clipping matches clip_grad_norm_: one factor for every gradient, so the step "
                            "keeps its direction and only its length is capped."), "")


def _micro_batches(seed: int):
    model, X, y = _tiny_problem(seed)  # 16 samples, in micro-batches of 6, 6 and 4
    return model, X, y, [(X[:6], y[:6]), (X[6:12], y[6:12]), (X[12:], y[12:])]


def _stepped(seed: int, lr: float, losses: Callable) -> nn.Module:
    """The tiny model after one SGD step on the gradients of ``losses(model, micro_batches)``, summed."""
    model, _, _, parts = _micro_batches(seed)
    for loss in losses(model, parts):
        loss.backward()
    torch.optim.SGD(model.parameters(), lr=lr).step()
    return model


@exercise("step")
def check_accumulated_step(step: Callable) -> Outcome:
    """Check one optimizer step accumulated over unequal micro-batches against one step on the whole batch."""
    loss_fn = nn.CrossEntropyLoss()
    mine, X, y, parts = _micro_batches(4)
    optimizer = torch.optim.SGD(mine.parameters(), lr=0.5)
    for p in mine.parameters():   # stale gradients from an earlier batch: a step must not use them
        p.grad = torch.ones_like(p)
    rows = []
    watch = mine.register_forward_pre_hook(lambda module, inputs: rows.append(len(inputs[0])))
    try:
        step(mine, loss_fn, optimizer, parts)
    except Exception as exc:  # the learner's code, run once; say how it failed
        return _report(False, "", tr("accumulated_step(model, loss_fn, optimizer, micro_batches) failed with "
                                     "{failed}.", failed=_failure(exc)))
    finally:
        watch.remove()
    if rows and max(rows) > max(len(b) for _, b in parts):
        return _report(False, "", tr("the model saw {n} images in one forward pass: joining the micro-batches needs "
                                     "the big batch's memory, which accumulation is there to avoid. Run each "
                                     "micro-batch through the model on its own.", n=max(rows)))
    whole = _stepped(4, 0.5, lambda m, _: [loss_fn(m(X), y)])
    if _same_parameters(mine, whole):
        return _report(True, tr("one step over micro-batches of 6, 6 and 4 equals one step over the 16 at once: "
                                "each micro-batch's mean loss weighted by its share of the images."), "")
    wrong = {
        tr("each backward() adds to .grad, so summing the micro-batches' mean losses makes a step about three "
           "times too long: weight each loss by len(y) / the number of images in the whole batch."):
            lambda m, ps: [loss_fn(m(a), b) for a, b in ps],
        tr("dividing by the number of micro-batches is right only when they are all the same size; these hold "
           "6, 6 and 4 images, so weight each loss by len(y) / the whole batch's size instead."):
            lambda m, ps: [loss_fn(m(a), b) / len(ps) for a, b in ps],
    }
    for hint, losses in wrong.items():
        if _same_parameters(mine, _stepped(4, 0.5, losses)):
            return _report(False, "", hint)
    return _report(False, "", tr(
        "your parameters differ from one step over the whole batch. Clear the gradients once, before the "
        "micro-batches (the model came with stale ones); call backward() on each weighted loss; step once, "
        "after the last."))

