"""Every exercise check: the notebook's own solution passes it, a wrong or missing answer does not."""

import json
import math
import re
from types import SimpleNamespace

import pytest
import torch
from conftest import REPO  # noqa: E402  (one definition, in conftest.py)
from torch import nn
from torch.utils.data import DataLoader

from helpers.course import exercises as ex
from helpers.training import History


def solutions(notebook: str) -> list[str]:
    nb = json.loads((REPO / "notebooks" / "en" / f"{notebook}.ipynb").read_text())
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    blocks = re.findall(r"<details><summary>Show a solution</summary>(.*?)</details>", text, re.S)
    return ["\n".join(re.findall(r"```python\n(.*?)```", b, re.S)) for b in blocks]


def solved(notebook: str, index: int, **context) -> dict:
    namespace = {"torch": torch, "nn": nn, "DataLoader": DataLoader, **context}
    exec(solutions(notebook)[index], namespace)
    return namespace


def test_01_batch_count(fashion, capsys):
    ns = solved("01_data", 0, train_mem=fashion.train)
    assert ex.check_batch_count(ns["n_batches"], ns["last_batch_size"])
    assert not ex.check_batch_count(234, 96)
    capsys.readouterr()
    assert not ex.check_batch_count(None, None)
    assert capsys.readouterr().out.startswith("Not attempted yet: replace the None")


@pytest.mark.parametrize("check", [ex.check_predict, ex.check_cross_entropy, ex.check_accuracy, ex.check_sgd_step,
                                   ex.check_momentum_step, ex.check_train_step, ex.check_fair_loss,
                                   ex.check_early_stopping, ex.check_snapshot,
                                   ex.check_adam, ex.check_adamw, ex.check_step_schedule,
                                   ex.check_cosine, ex.check_range_rates, ex.check_smoothing,
                                   ex.check_count_correct, ex.check_epoch_mean, ex.check_flat_features,
                                   ex.check_conv_params, ex.check_shard, ex.check_scaled_lr,
                                   ex.check_log_uniform, ex.check_rungs, ex.check_clip_grad_norm,
                                   ex.check_accumulated_step])
def test_an_unwritten_function_is_not_attempted_yet_and_gets_no_hint(check, capsys):
    def answer(*args):
        ...  # your code

    def wrong(*args):
        return 0

    @torch.no_grad()
    def decorated(*args):
        ...  # your code

    for unwritten in (answer, decorated):
        assert not check(unwritten)
        said = capsys.readouterr().out
        assert said.startswith("Not attempted yet") and "Hint" not in said
    assert not check(wrong)
    assert "Hint" in capsys.readouterr().out  # an attempt, even a wrong one, gets its hint


def test_01_mean_pixel(fashion_like):
    ns = solved("01_data", 1, train_mem=fashion_like.train)
    assert ex.check_mean_pixel(ns["mean_pixel"], fashion_like.train)
    batch_means = [X.mean().item() for X, _ in DataLoader(fashion_like.train, batch_size=7000)]
    assert not ex.check_mean_pixel(sum(batch_means) / len(batch_means), fashion_like.train)  # uneven last batch


def test_02_parameter_guess():
    ns = solved("02_model", 0)
    assert ex.check_parameter_guess(ns["small_model"], ns["guess"])
    assert not ex.check_parameter_guess(ns["small_model"], ns["guess"] - 10)
    assert not ex.check_parameter_guess(None, None)


def test_02_parameter_guess_without_flatten_gets_the_hint_not_a_traceback(capsys):
    from torch import nn

    no_flatten = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 10))  # the slip 02's notes name
    assert not ex.check_parameter_guess(no_flatten, 407_050)
    said = capsys.readouterr().out
    assert "nn.Flatten()" in said and "RuntimeError" in said


def test_02_predict():
    ns = solved("02_model", 1)
    assert ex.check_predict(ns["predict"])
    assert not ex.check_predict(lambda model, X: model(X))  # logits, not classes
    assert not ex.check_predict(lambda model, X: model(X).argmin(1))


def test_03_cross_entropy():
    ns = solved("03_loss", 0)
    assert ex.check_cross_entropy(ns["cross_entropy"])

    def naive(logits, y):
        return -torch.log(torch.softmax(logits, 1)[torch.arange(len(y)), y]).mean()

    assert not ex.check_cross_entropy(naive)  # overflows for logits in the thousands
    assert not ex.check_cross_entropy(lambda logits, y: None)


def test_03_accuracy():
    ns = solved("03_loss", 1)
    assert ex.check_accuracy(ns["accuracy"])

    def careless(logits, targets):
        return (logits.argmax(1, keepdim=True) == targets).sum().item() / len(logits)

    assert not ex.check_accuracy(careless)


def test_04_sgd_and_momentum_steps():
    assert ex.check_sgd_step(solved("04_optimizer", 0)["sgd_step"])
    assert not ex.check_sgd_step(lambda params, lr: None)
    assert ex.check_momentum_step(solved("04_optimizer", 1)["momentum_step"])

    def forgets_velocity(params, velocities, lr, beta):
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad

    assert not ex.check_momentum_step(forgets_velocity)


def test_05_train_step_and_fair_loss():
    assert ex.check_train_step(solved("05_full_loop", 0)["train_step"])

    def no_zero_grad(model, X, y, loss_fn, optimizer):
        loss_fn(model(X), y).backward()
        optimizer.step()

    assert not ex.check_train_step(no_zero_grad)
    assert ex.check_fair_loss(solved("05_full_loop", 1)["evaluate"])

    def mean_of_batch_means(model, loader, loss_fn):
        model.eval()
        with torch.no_grad():
            losses = [loss_fn(model(X), y).item() for X, y in loader]
        return sum(losses) / len(losses)

    assert not ex.check_fair_loss(mean_of_batch_means)


def test_06_best_epoch_and_diagnosis():
    h = History()
    h.epoch, h.val_loss = [1, 2, 3, 4], [0.9, 0.5, 0.6, 0.7]
    assert ex.check_best_epoch(solved("06_plotting", 0)["best_epoch"], h)
    assert not ex.check_best_epoch(lambda history: 1, h)
    assert ex.check_diagnosis(solved("06_plotting", 1)["answers"])
    assert not ex.check_diagnosis({"A": "good", "B": "too high", "C": "too low"})


def fake_run(optimizer, lr, status, val_acc):
    h = History(status=status)
    h.epoch, h.val_acc = list(range(1, len(val_acc) + 1)), val_acc
    return SimpleNamespace(settings=SimpleNamespace(optimizer=optimizer, lr=lr, label=f"{optimizer} {lr}"), history=h)


def test_07_fast_run_and_learning_rate_limit():
    panel = SimpleNamespace(runs=[fake_run("SGD", 0.001, "finished", [0.4, 0.5, 0.6, 0.65, 0.7])])
    assert not ex.check_fast_run(panel)
    panel.runs.append(fake_run("Adam", 0.001, "finished", [0.85, 0.86, 0.87, 0.875, 0.88, 0.89]))
    assert ex.check_fast_run(panel)
    assert not ex.check_fast_run(SimpleNamespace(runs=[fake_run("Adam", 0.001, "finished", [0.8] * 5 + [0.9])]))

    panel = SimpleNamespace(runs=[fake_run("SGD", 1.0, "diverged", [])])
    assert not ex.check_learning_rate_limit(panel)
    panel.runs.append(fake_run("SGD", 0.5, "finished", [0.8]))
    assert not ex.check_learning_rate_limit(panel)  # only half, not a tenth
    panel.runs.append(fake_run("SGD", 0.1, "finished", [0.8]))
    assert ex.check_learning_rate_limit(panel)
    assert not ex.check_learning_rate_limit(panel, learns=0.85)  # 80% is not "learned" against a higher bar


def test_08_early_stopping():
    assert ex.check_early_stopping(solved("08_craft", 0)["stop_epoch"])

    def stops_at_best_plus_patience_from_the_start(val_losses, patience, min_delta):
        return min(patience + 1, len(val_losses))

    def ignores_min_delta(val_losses, patience, min_delta):
        return solved("08_craft", 0)["stop_epoch"](val_losses, patience, 0.0)

    def any_drop_moves_the_best(val_losses, patience, min_delta):
        best, waited = float("inf"), 0
        for epoch, loss in enumerate(val_losses, start=1):
            waited = 0 if loss < best - min_delta else waited + 1
            best = min(best, loss)
            if waited == patience:
                return epoch
        return len(val_losses)

    for wrong in (stops_at_best_plus_patience_from_the_start, ignores_min_delta, any_drop_moves_the_best):
        assert not ex.check_early_stopping(wrong), wrong.__name__


def test_08_snapshot(capsys):
    assert ex.check_snapshot(solved("08_craft", 1)["snapshot"])
    assert not ex.check_snapshot(lambda model: model.state_dict())
    assert "hands out the model's own tensors" in capsys.readouterr().out
    assert not ex.check_snapshot(lambda model: dict(model.state_dict()))  # a new dict, the same tensors
    assert not ex.check_snapshot(lambda model: {k: torch.zeros_like(v) for k, v in model.state_dict().items()})


def capstone_variant(index: int, old: str, new: str):
    source = solutions("09_capstone")[index]
    assert old in source, old
    namespace = {"torch": torch}
    exec(source.replace(old, new), namespace)
    return namespace["train_and_validate"]


@pytest.mark.slow  # the capstone's checks train the learner's loop beside fit: 10 s together, out of the fast tier
def test_09_capstone_solutions_pass(fashion, capsys):
    def train_and_validate(model, train_loader, val_loader, loss_fn, optimizer, epochs, device, best_path):
        ...  # your code

    assert not ex.check_capstone(train_and_validate, fashion.train)
    assert capsys.readouterr().out.startswith("Not attempted yet")
    assert not ex.check_capstone(lambda *args: {}, fashion.train, epochs=1)
    assert "return a dict with the lists" in capsys.readouterr().out
    assert ex.check_capstone(solved("09_capstone", 0)["train_and_validate"], fashion.train)
    assert ex.check_capstone(solved("09_capstone", 1)["train_and_validate"], fashion.train, epochs=12, patience=2)


@pytest.mark.slow
@pytest.mark.parametrize("old, new, epochs, said", [
    ("X, y = X.to(device), y.to(device)", "pass", 2, "move every batch"),
    ("X, y = X.to(device), y.to(device)", "X = X.to(device)", 2, "move every batch"),
    ("model.train(training)", "model.train()", 2, "the model was in train mode: call model.eval()"),
    ("torch.set_grad_enabled(training)", "torch.set_grad_enabled(True)", 2, "validation should not track gradients"),
    ("total_loss += loss.item() * len(y)", "total_loss += loss.item() * loader.batch_size",
     2, "Average per sample"),
    ("(pred.argmax(dim=1) == y).sum().item()", "(pred.argmax(dim=1) == y).float().mean().item()", 2, "Accuracy is"),
    ("curves[\"val_loss\"][-1] < best_loss", "True", 6, "does not hold epoch"),          # saves every epoch
    ("    model.load_state_dict(torch.load(best_path, weights_only=True))\n", "", 6, "load them back"),
])
def test_09_capstone_names_what_is_wrong(fashion, capsys, old, new, epochs, said):
    capsys.readouterr()
    assert not ex.check_capstone(capstone_variant(0, old, new), fashion.train, epochs=epochs)
    assert said in capsys.readouterr().out


@pytest.mark.slow
def test_09_capstone_early_stopping_must_stop(fashion, capsys):
    never_stops = capstone_variant(1, "elif patience is not None", "elif False")
    capsys.readouterr()
    assert not ex.check_capstone(never_stops, fashion.train, epochs=12, patience=2)
    assert "stop once `patience` epochs" in capsys.readouterr().out


def test_10_adam_and_adamw(capsys):
    ns = solved("10_optimizers", 0)
    assert ex.check_adam(ns["adam_step"])
    source = solutions("10_optimizers")[0]
    no_bias_correction = {"torch": torch}
    exec(source.replace('m_hat = s["m"] / (1 - beta1 ** s["step"])', 'm_hat = s["m"]'), no_bias_correction)
    capsys.readouterr()
    assert not ex.check_adam(no_bias_correction["adam_step"])
    assert "at step 1" in capsys.readouterr().out
    efficient = {"torch": torch, "math": math}  # Kingma and Ba's faster form: the rate corrected, eps on sqrt(v)
    faster = ('        t = s["step"]\n'
              '        p -= lr * math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t) * s["m"] / (s["v"].sqrt() + eps)\n')
    exact = ('        m_hat = s["m"] / (1 - beta1 ** s["step"])\n'
             '        v_hat = s["v"] / (1 - beta2 ** s["step"])\n'
             '        p -= lr * m_hat / (v_hat.sqrt() + eps)\n')
    assert exact in source
    exec(source.replace(exact, faster), efficient)
    capsys.readouterr()
    assert not ex.check_adam(efficient["adam_step"])
    assert "where eps goes" in capsys.readouterr().out
    forgets = {"torch": torch}
    exec(source.replace("if i not in state:", "if True:"), forgets)  # starts afresh every call
    assert not ex.check_adam(forgets["adam_step"])
    assert "keep m, v and the step count" in capsys.readouterr().out

    both = {"torch": torch}
    exec(source + "\n\n" + solutions("10_optimizers")[1], both)
    assert ex.check_adamw(both["adamw_step"])

    def l2_instead(params, state, lr, weight_decay=0.01, betas=(0.9, 0.999), eps=1e-8):
        with torch.no_grad():
            for p in params:
                p.grad += weight_decay * p
        ns["adam_step"](params, state, lr, betas, eps)

    assert not ex.check_adamw(l2_instead)
    assert "Adam's L2, not AdamW" in capsys.readouterr().out


def test_12_step_and_cosine_schedules(capsys):
    assert ex.check_step_schedule(solved("12_schedules", 0)["lr_at_epoch"])
    assert not ex.check_step_schedule(lambda epoch: 0.1 * 0.5 ** (epoch // 3))  # off by one
    assert ex.check_cosine(solved("12_schedules", 1)["cosine_lr"])
    import math
    capsys.readouterr()
    assert not ex.check_cosine(lambda step, total, base_lr: base_lr * math.cos(math.pi * step / total / 2))  # a quarter wave
    assert "half of it halfway" in capsys.readouterr().out
    assert not ex.check_cosine(lambda step, total, base_lr: base_lr * (1 - step / total))  # linear


def test_11_range_rates_and_smoothing(capsys):
    assert ex.check_range_rates(solved("11_lr_finder", 0)["rates"])
    assert not ex.check_range_rates(lambda start, end, steps: [start * ((end / start) ** (1 / steps)) ** i
                                                               for i in range(steps)])  # never reaches end
    assert ex.check_smoothing(solved("11_lr_finder", 1)["smooth"])

    def uncorrected(values, beta):
        out, avg = [], 0.0
        for value in values:
            avg = beta * avg + (1 - beta) * value
            out.append(avg)
        return out

    capsys.readouterr()
    assert not ex.check_smoothing(uncorrected)
    assert "divide by 1 - beta ** t" in capsys.readouterr().out


def test_13_count_correct_and_epoch_mean(capsys):
    assert ex.check_count_correct(solved("13_mistakes", 0)["count_correct"])
    capsys.readouterr()
    assert not ex.check_count_correct(lambda pred, y: (pred.argmax(1) == y).sum().item())  # the workshop's line
    assert "100 comparisons" in capsys.readouterr().out
    assert ex.check_epoch_mean(solved("13_mistakes", 1)["epoch_mean"])
    capsys.readouterr()
    assert not ex.check_epoch_mean(lambda means, sizes: sum(means) / len(means))
    assert "mean of the batch means" in capsys.readouterr().out


def test_14_flat_features_and_conv_params(capsys):
    assert ex.check_flat_features(solved("14_cifar10", 0)["flat_features"])
    capsys.readouterr()
    assert not ex.check_flat_features(lambda side, channels, blocks: channels * (side // 2) ** 2)  # one pool only
    assert "flat_features(32, 64, 2) gives 16384; a real stack hands on 4096" in capsys.readouterr().out
    assert ex.check_conv_params(solved("14_cifar10", 1)["conv_params"])
    capsys.readouterr()
    assert not ex.check_conv_params(lambda cin, cout, k: cin * cout * k * k)  # the biases forgotten
    assert "nn.Conv2d(3, 32, 3) has 896 parameters, you give 864" in capsys.readouterr().out


def test_15_shard_and_scaled_lr(capsys):
    shard = solved("15_distributed", 0)["shard"]
    assert ex.check_shard(shard)
    assert ex.check_shard(lambda n, rank, world: torch.tensor(shard(n, rank, world)))  # a tensor of indices is fine
    capsys.readouterr()
    assert not ex.check_shard(lambda n, rank, world: list(range(rank, n, world)))  # no padding: fails at 10 over 4
    said = capsys.readouterr().out
    assert "shard(10, 2, 4) gives [2, 6], DistributedSampler gives [2, 6, 0]" in said and "repeats" in said
    assert ex.check_scaled_lr(solved("15_distributed", 1)["scaled_lr"])
    capsys.readouterr()
    assert not ex.check_scaled_lr(lambda step, base_lr, k, warm: k * base_lr)  # no warm-up
    assert "scaled_lr(0, 0.05, 8, 10) gives 0.4, the warm-up uses 0.05" in capsys.readouterr().out
    assert not ex.check_scaled_lr(lambda step, base_lr, k, warm: base_lr * (1 + (k - 1) * step / warm))  # never holds
    assert "scaled_lr(11, 0.05, 8, 10)" in capsys.readouterr().out


def test_16_log_uniform_and_rungs(capsys):
    assert ex.check_log_uniform(solved("16_sweeps", 0)["log_uniform"])
    capsys.readouterr()
    assert not ex.check_log_uniform(lambda low, high, u: low + u * (high - low))  # uniform, not log-uniform
    assert "log_uniform(0.001, 1.0, 0.25) gives 0.25075, a log-uniform draw gives 0.00562341" in capsys.readouterr().out
    rungs = solved("16_sweeps", 1)["rungs"]
    assert ex.check_rungs(rungs)
    assert ex.check_rungs(lambda grace, factor, max_t: torch.tensor(rungs(grace, factor, max_t)))
    capsys.readouterr()
    assert not ex.check_rungs(lambda grace, factor, max_t: list(range(grace, max_t + 1, factor)))  # adds, not multiplies
    assert "rungs(1, 2, 4) gives [1, 3], ASHA compares trials after epochs [1, 2, 4]" \
        in capsys.readouterr().out


def test_17_clip_grad_norm(capsys):
    assert ex.check_clip_grad_norm(solved("17_clipping_accumulation", 0)["clip_grad_norm"])
    capsys.readouterr()

    @torch.no_grad()
    def per_tensor(params, max_norm):  # each tensor clipped on its own: the step changes direction
        total = torch.sqrt(sum((p.grad ** 2).sum() for p in params))
        for p in params:
            p.grad.mul_(min(1.0, max_norm / (float(p.grad.norm()) + 1e-6)))
        return total

    assert not ex.check_clip_grad_norm(per_tensor)
    assert "Each tensor looks clipped on its own" in capsys.readouterr().out

    @torch.no_grad()
    def returns_after(params, max_norm):  # the norm after clipping, not before
        torch.nn.utils.clip_grad_norm_(params, max_norm)
        return torch.sqrt(sum((p.grad ** 2).sum() for p in params))

    assert not ex.check_clip_grad_norm(returns_after)
    assert "returns the total norm before clipping" in capsys.readouterr().out

    @torch.no_grad()
    def always_scales(params, max_norm):  # scales up too, when the norm is below the cap
        params = list(params)
        total = torch.sqrt(sum((p.grad ** 2).sum() for p in params))
        for p in params:
            p.grad.mul_(max_norm / (total + 1e-6))
        return total

    assert not ex.check_clip_grad_norm(always_scales)
    assert "already below max_norm" in capsys.readouterr().out

    @torch.no_grad()
    def reads_twice(params, max_norm):  # a generator is empty by the second loop: nothing gets clipped
        total = torch.sqrt(sum((p.grad ** 2).sum() for p in params))
        factor = max_norm / (total + 1e-6)
        if factor < 1:
            for p in params:
                p.grad.mul_(factor)
        return total

    assert not ex.check_clip_grad_norm(reads_twice)
    assert "make a list of it first" in capsys.readouterr().out


def test_17_accumulated_step(capsys):
    assert ex.check_accumulated_step(solved("17_clipping_accumulation", 1)["accumulated_step"])
    capsys.readouterr()

    def by_count(model, loss_fn, optimizer, micro_batches):  # right only for equal sizes
        optimizer.zero_grad()
        for X, y in micro_batches:
            (loss_fn(model(X), y) / len(micro_batches)).backward()
        optimizer.step()

    def unweighted(model, loss_fn, optimizer, micro_batches):
        optimizer.zero_grad()
        for X, y in micro_batches:
            loss_fn(model(X), y).backward()
        optimizer.step()

    def stale(model, loss_fn, optimizer, micro_batches):  # no zero_grad: the old gradients join in
        images = sum(len(y) for _, y in micro_batches)
        for X, y in micro_batches:
            (loss_fn(model(X), y) * len(y) / images).backward()
        optimizer.step()

    def joined(model, loss_fn, optimizer, micro_batches):  # one big forward pass: not accumulation
        optimizer.zero_grad()
        loss_fn(model(torch.cat([X for X, _ in micro_batches])), torch.cat([y for _, y in micro_batches])).backward()
        optimizer.step()

    for wrong, hint in ((by_count, "only when they are all the same size"), (unweighted, "three times too long"),
                        (stale, "Clear the gradients once"), (joined, "Run each micro-batch through the model")):
        assert not ex.check_accumulated_step(wrong)
        assert hint in capsys.readouterr().out, wrong.__name__


def test_a_learners_function_runs_once_per_case(capsys):
    """A check calls the learner's code once for each case it tries, so a debug print shows once, not twice."""
    calls = []

    def predict(model, X):
        calls.append("predict")
        print("debugging predict")
        return model(X).argmax(dim=1)

    assert ex.check_predict(predict)
    assert calls == ["predict"] and capsys.readouterr().out.count("debugging predict") == 1

    def cross_entropy(logits, y):  # two cases: ordinary logits, then logits around 1000
        calls.append("ce")
        return torch.logsumexp(logits, 1).sub(logits.gather(1, y[:, None]).squeeze(1)).mean()

    calls.clear()
    assert ex.check_cross_entropy(cross_entropy)
    assert calls == ["ce", "ce"]

    def failing(history):
        calls.append("failing")
        raise KeyError("val_loss")

    calls.clear()
    assert not ex.check_best_epoch(failing, History.from_dict({"epoch": [1, 2], "val_loss": [0.5, 0.4]}))
    assert calls == ["failing"] and "KeyError" in capsys.readouterr().out

    def conv_params(cin, cout, k):  # the first case raises: the check stops there, naming the call
        calls.append("conv")
        return cin * cout * k * k / 0

    calls.clear()
    assert not ex.check_conv_params(conv_params)
    said = capsys.readouterr().out
    assert calls == ["conv"] and ex.verdicts()[-1] == ("check_conv_params", "not yet")
    assert said.strip() == "Not yet. Hint: conv_params(3, 32, 3) failed with ZeroDivisionError: division by zero."


def test_a_check_records_its_verdict_under_its_own_name(capsys):
    before = len(ex.verdicts())
    ex.check_predict(None)
    ex.check_predict(lambda model, X: model(X).argmax(1))
    ex.check_predict(lambda model, X: model(X).argmin(1))
    assert ex.verdicts()[before:] == [("check_predict", "not attempted"), ("check_predict", "passes"),
                                      ("check_predict", "not yet")]
    capsys.readouterr()
