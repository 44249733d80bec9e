"""scripts/train_ddp.py under torchrun: two processes take the steps of one big batch, rank 0 alone speaks."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from conftest import REPO  # noqa: E402  (one definition, in conftest.py)
from torch import nn
from torch.utils.data import DataLoader

SCRIPT = REPO / "scripts" / "train_ddp.py"
sys.path.insert(0, str(SCRIPT.parent))
import train_ddp  # noqa: E402

from helpers import NeuralNetwork, set_seed  # noqa: E402


def torchrun(processes: int, *options: str, data_root: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={processes}",
               str(SCRIPT), "--data", str(data_root), *options]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=REPO)


def one_process_steps(train, batch_size: int, steps: int, lr: float, momentum: float = 0.0) -> nn.Module:
    """The series' loop in this process: the first ``steps`` batches of ``train``, in order."""
    set_seed(0)
    model = NeuralNetwork()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    loss_fn = nn.CrossEntropyLoss()
    for step, (X, y) in enumerate(DataLoader(train, batch_size=batch_size), start=1):
        optimizer.zero_grad()
        loss_fn(model(X), y).backward()
        optimizer.step()
        if step == steps:
            break
    return model


def largest_gap(a: dict, b: dict) -> float:
    return max((a[name] - b[name]).abs().max().item() for name in a)


@pytest.mark.slow
def test_distributed_two_processes_take_the_steps_of_one_process_with_twice_the_batch(tmp_path, data_root, fashion):
    saved = tmp_path / "ddp.pt"
    done = torchrun(2, "--batch-size", "32", "--steps", "6", "--no-shuffle", "--momentum", "0.9", "--lr", "0.05",
                    "--save", str(saved), data_root=data_root)
    assert done.returncode == 0, done.stderr[-3000:]
    ddp = torch.load(saved)
    assert ddp["world_size"] == 2 and ddp["steps"] == 6
    same = one_process_steps(fashion.train, 64, 6, lr=0.05, momentum=0.9).state_dict()
    half = one_process_steps(fashion.train, 32, 6, lr=0.05, momentum=0.9).state_dict()
    set_seed(0)
    start = NeuralNetwork().state_dict()
    assert largest_gap(ddp["model"], start) > 1e-3          # it trained
    assert largest_gap(ddp["model"], same) < 1e-5           # the steps of batch 64 in one process
    assert largest_gap(ddp["model"], half) > 1e-3           # and not those of batch 32: the gradients were averaged


@pytest.mark.slow
def test_distributed_epoch_only_rank_0_prints_and_the_last_line_is_the_test_accuracy(tmp_path, data_root):
    saved = tmp_path / "ddp.pt"
    done = torchrun(2, "--epochs", "2", "--train-size", "4000", "--save", str(saved), data_root=data_root)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("2 processes (gloo, cpu), 4,000 training images, 32 steps per epoch of 2 x 64 = 128")
    assert [line.split(":")[0] for line in lines[1:3]] == ["epoch 1", "epoch 2"]  # once each: rank 1 is silent
    assert len(lines) == 4
    last = re.fullmatch(r"test accuracy: (\d+\.\d)%", lines[-1])
    assert last and 30 < float(last.group(1)) <= 100
    state = torch.load(saved)
    assert state["epoch"] == 2
    NeuralNetwork().load_state_dict(state["model"])  # rank 0 saved the plain model's weights, not DDP's


@pytest.mark.slow
def test_distributed_speaks_the_language_of_the_notebook_that_started_it(data_root):
    """set_language("zh-CN") in a notebook hands the language to torchrun's processes: 15's twin reads Chinese."""
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=1", str(SCRIPT),
               "--data", str(data_root), "--train-size", "640", "--steps", "3"]
    env = {**os.environ, "HELPERS_LANGUAGE": "zh-CN"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=REPO, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("1 个进程（gloo，cpu），640 张训练图像，每轮 10 步"), lines[0]
    assert re.fullmatch(r"3 步后停止，\d+\.\d s", lines[1]) and re.fullmatch(r"测试准确率：\d+\.\d%", lines[-1]), lines


@pytest.mark.slow
def test_distributed_sampler_reshuffles_every_epoch_and_splits_the_data(tmp_path, data_root):
    # with shuffling on, a process's first batch differs between epochs, and two processes never share an image
    from torch.utils.data import DistributedSampler

    orders = {}
    for rank in (0, 1):
        sampler = DistributedSampler(range(1000), num_replicas=2, rank=rank, shuffle=True, seed=0)
        orders[rank] = []
        for epoch in (1, 2):
            sampler.set_epoch(epoch)
            orders[rank].append(list(sampler))
    assert orders[0][0] != orders[0][1]
    assert set(orders[0][0]).isdisjoint(orders[1][0]) and len(set(orders[0][0]) | set(orders[1][0])) == 1000
    assert "sampler.set_epoch(epoch)" in SCRIPT.read_text()  # and the script calls it every epoch


def test_distributed_learning_rate_scales_and_warms_up():
    assert train_ddp.learning_rate(0, 0.05, 64, 512, 10) == pytest.approx(0.05)
    assert train_ddp.learning_rate(5, 0.05, 64, 512, 10) == pytest.approx(0.225)
    assert train_ddp.learning_rate(10, 0.05, 64, 512, 10) == pytest.approx(0.4)
    assert train_ddp.learning_rate(99, 0.05, 64, 512, 0) == pytest.approx(0.4)
    assert train_ddp.learning_rate(3, 0.05, 128, 128, 10) == pytest.approx(0.05)  # nothing to scale


@pytest.mark.parametrize("options, said", [
    (["--batch-size", "0"], "--batch-size must be at least 1"),
    (["--lr", "-1"], "--lr must be a positive number"),
    (["--steps", "0"], "--steps at least 1"),
])
def test_distributed_script_refuses_bad_options_with_the_fix(options, said, capsys):
    with pytest.raises(SystemExit):
        train_ddp.parse_args(options)
    assert said in capsys.readouterr().err


@pytest.mark.slow
def test_distributed_fills_a_fresh_data_folder_once_for_all_processes(tmp_path, data_root, monkeypatch):
    monkeypatch.setenv("FASHION_MNIST_DIR", str(data_root / "FashionMNIST" / "raw"))  # where the files are
    fresh = tmp_path / "fresh"
    done = torchrun(2, "--steps", "2", "--train-size", "1000", data_root=fresh)
    assert done.returncode == 0, done.stderr[-3000:]
    assert sorted(p.name for p in (fresh / "FashionMNIST" / "raw").iterdir()) == [
        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", "train-images-idx3-ubyte", "train-labels-idx1-ubyte"]
    assert done.stdout.strip().splitlines()[-1].startswith("test accuracy: ")


class _Joined(Exception):
    pass


def test_distributed_data_is_prepared_before_the_process_group_exists(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(train_ddp, "prepare_fashion_mnist", lambda data: calls.append("prepare"))

    def init(*args, **kwargs):
        calls.append("init")
        raise _Joined

    monkeypatch.setattr(train_ddp.dist, "init_process_group", init)
    for name, value in (("RANK", "0"), ("LOCAL_RANK", "0"), ("WORLD_SIZE", "1"), ("MASTER_ADDR", "127.0.0.1"),
                        ("MASTER_PORT", "29999"), ("TORCHELASTIC_RUN_ID", "test"), ("TORCHELASTIC_RESTART_COUNT", "0")):
        monkeypatch.setenv(name, value)
    with pytest.raises(_Joined):
        train_ddp.main(["--data", str(tmp_path)])
    # a slow download happens before any collective with the group's short timeout can be waiting on it
    assert calls == ["prepare", "init"]
    assert (tmp_path / ".ready-test-0").exists()  # the word for the other processes on this machine


def test_distributed_other_processes_on_a_machine_wait_for_the_first(tmp_path, monkeypatch, capsys):
    import threading

    monkeypatch.setattr(train_ddp, "prepare_fashion_mnist", lambda data: pytest.fail("only LOCAL_RANK 0 prepares"))
    monkeypatch.setenv("LOCAL_RANK", "1")
    monkeypatch.setenv("TORCHELASTIC_RUN_ID", "job")
    monkeypatch.setenv("TORCHELASTIC_RESTART_COUNT", "2")
    assert not train_ddp.prepare_data_on_this_machine(str(tmp_path), wait_minutes=0.002, poll_seconds=0.01)
    assert "python -m helpers --root" in capsys.readouterr().err  # waited, then named the fix
    later = threading.Timer(0.3, (tmp_path / ".ready-job-2").touch)
    later.start()
    assert train_ddp.prepare_data_on_this_machine(str(tmp_path), wait_minutes=1, poll_seconds=0.01)
    later.join()


def train_ddp_options(*extra: str) -> list[str]:
    # 2 processes x 64 = 128 images a step, 10 steps an epoch; the rate warms up from 0.05 to 0.1 over 15 steps
    return ["--train-size", "1280", "--batch-size", "64", "--momentum", "0.9", "--warmup-steps", "15", "--scale-lr",
            *extra]


@pytest.mark.slow
def test_distributed_a_resumed_run_ends_where_an_uninterrupted_one_does(tmp_path, data_root):
    """Stopped after epoch 1 and resumed, two processes end epoch 3 with the weights, momentum and rate of a run
    never stopped: the checkpoint carries the optimizer, the schedule's step, the epoch and the RNG."""
    whole, part = tmp_path / "whole.pt", tmp_path / "part.pt"
    done = torchrun(2, *train_ddp_options("--epochs", "3", "--save", str(whole)), data_root=data_root)
    assert done.returncode == 0, done.stderr[-3000:]
    done = torchrun(2, *train_ddp_options("--epochs", "1", "--save", str(part)), data_root=data_root)
    assert done.returncode == 0, done.stderr[-3000:]
    first = torch.load(part)
    assert first["epoch"] == 1 and first["steps"] == 10
    done = torchrun(2, *train_ddp_options("--epochs", "3", "--save", str(part), "--resume", str(part)),
                    data_root=data_root)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "resumed from" in done.stdout and "epoch 1:" not in done.stdout and "epoch 3:" in done.stdout
    a, b = torch.load(whole), torch.load(part)
    assert (a["epoch"], a["steps"]) == (b["epoch"], b["steps"]) == (3, 30)
    assert all(torch.equal(a["model"][k], b["model"][k]) for k in a["model"])
    momentum = [s["momentum_buffer"] for s in a["optimizer"]["state"].values()]
    assert all(torch.equal(x, y["momentum_buffer"]) for x, y in zip(momentum, b["optimizer"]["state"].values()))
    assert a["schedule"]["last_epoch"] == b["schedule"]["last_epoch"] == 30
    assert (a["train_loss"], a["train_acc"]) == (b["train_loss"], b["train_acc"])
    # an elastic restart with one process instead of two goes on from the checkpoint, and says the batch changed
    other = torchrun(1, *train_ddp_options("--epochs", "4", "--resume", str(whole)), data_root=data_root)
    assert other.returncode == 0 and "epoch 3:" not in other.stdout and "epoch 4:" in other.stdout
    assert "epoch 3 finished" in other.stdout and "global batch is now 64 images (1 x 64), not 128" in other.stdout


@pytest.mark.slow
def test_distributed_the_schedule_steps_every_batch_and_the_figures_are_averaged_over_processes(
        tmp_path, data_root, fashion):
    """The saved rate is the warm-up's at the step reached (the schedule moved every batch), and the epoch's
    train loss and accuracy are those of all 1,280 images, not of one process's half."""
    saved = tmp_path / "ddp.pt"
    done = torchrun(2, "--no-shuffle", *train_ddp_options("--epochs", "1", "--save", str(saved)),
                    data_root=data_root)
    assert done.returncode == 0, done.stderr[-3000:]
    state = torch.load(saved)
    want = train_ddp.learning_rate(10, 0.05, 64, 128, 15)
    assert 0.05 < want < 0.1  # mid-warm-up: a schedule that never stepped would still be at 0.05
    assert state["optimizer"]["param_groups"][0]["lr"] == pytest.approx(want)
    # one process, batch 128, the same rates: its epoch figures over all images, as train_loop measures them
    set_seed(0)
    model = NeuralNetwork()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    total_loss = correct = 0.0
    for step, (X, y) in enumerate(DataLoader(fashion.train, batch_size=128)):
        if step == 10:
            break
        for group in optimizer.param_groups:
            group["lr"] = train_ddp.learning_rate(step, 0.05, 64, 128, 15)
        optimizer.zero_grad()
        logits = model(X)
        loss = loss_fn(logits, y)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(y)
        correct += (logits.argmax(1) == y).sum().item()
    assert state["train_loss"] == pytest.approx(total_loss / 1280, abs=1e-5)
    assert state["train_acc"] == pytest.approx(correct / 1280, abs=1e-9)


def test_distributed_a_resume_with_another_world_size_steps_at_the_new_schedules_rate(tmp_path):
    """The saved optimizer carries the old run's rate; after a restart on twice the processes with --scale-lr,
    the first step must use the new schedule's rate, twice the old one."""
    from types import SimpleNamespace

    def schedule(optimizer, world):
        return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: train_ddp.learning_rate(
            step, 0.1, 64, world * 64, 0) / 0.1)

    old_net = nn.Linear(2, 2)
    old_opt = torch.optim.SGD(old_net.parameters(), lr=0.1)
    old_schedule = schedule(old_opt, world=1)
    for _ in range(5):
        old_opt.step()
        old_schedule.step()
    path = tmp_path / "run.pt"
    torch.save({"model": old_net.state_dict(), "optimizer": old_opt.state_dict(), "schedule": old_schedule.state_dict(),
                "epoch": 1, "steps": 5, "world_size": 1, "batch_size": 64, "rng": torch.get_rng_state()}, path)

    net = nn.Linear(2, 2)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    new_schedule = schedule(optimizer, world=2)
    done, steps, said = train_ddp.resume(str(path), SimpleNamespace(module=net), optimizer, new_schedule, world=2,
                                         batch_size=64, device="cpu")
    assert (done, steps) == (1, 5) and "global batch is now 128" in said
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.2)  # not the 0.1 the old optimizer saved
    assert torch.equal(net.weight, old_net.weight)

