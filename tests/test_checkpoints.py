import os
import pickle

import pytest
import torch
from torch import nn

from helpers import NeuralNetwork, fit, make_loaders, set_seed
from helpers.checkpoints import CheckpointError, load_checkpoint, save_checkpoint
from helpers.data import InMemoryDataset


@pytest.fixture(scope="module")
def small(fashion_like):
    return (InMemoryDataset(fashion_like.train.images[:2048], fashion_like.train.targets[:2048], fashion_like.classes),
            InMemoryDataset(fashion_like.test.images[:500], fashion_like.test.targets[:500], fashion_like.classes))


def setup(small, seed=0, lr=0.05):
    set_seed(seed)
    train, test = make_loaders(*small, batch_size=64, seed=seed)
    model = NeuralNetwork()
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    return train, test, model, opt, sched


def numbers(h):
    return {k: v for k, v in h.as_dict().items() if k != "seconds"}


@pytest.mark.slow
@pytest.mark.parametrize("shuffled_by", ["loader generator", "global RNG"])
def test_resume_at_epoch_3_ends_like_an_uninterrupted_6_epoch_run(small, tmp_path, shuffled_by):
    loss_fn = nn.CrossEntropyLoss()

    def loaders_for(train, test):
        if shuffled_by == "global RNG":
            return torch.utils.data.DataLoader(train.dataset, batch_size=64, shuffle=True), test
        return train, test

    train, test, model, opt, sched = setup(small)
    train, test = loaders_for(train, test)
    straight = fit(model, train, loss_fn, opt, 6, val_loader=test, scheduler=sched)

    train, test, model, opt, sched = setup(small)
    train, test = loaders_for(train, test)
    first = fit(model, train, loss_fn, opt, 3, val_loader=test, scheduler=sched)
    save_checkpoint(tmp_path / "run.pt", model, opt, first, scheduler=sched, train_loader=train)

    # a fresh start, as after a restarted kernel: other weights, other RNG state
    train, test, model, opt, sched = setup(small, seed=123)
    train, test = loaders_for(train, test)
    history = load_checkpoint(tmp_path / "run.pt", model, opt, scheduler=sched, train_loader=train)
    assert history.epoch == [1, 2, 3]
    resumed = fit(model, train, loss_fn, opt, 3, val_loader=test, scheduler=sched, history=history)
    assert resumed.epoch == [1, 2, 3, 4, 5, 6]
    assert numbers(resumed) == numbers(straight)


def test_save_is_atomic_an_interrupted_save_keeps_the_old_checkpoint(small, tmp_path, monkeypatch):
    _, _, model, opt, _ = setup(small)
    path = save_checkpoint(tmp_path / "run.pt", model, opt)
    good = path.read_bytes()

    def dies_halfway(obj, f, *args, **kwargs):
        f.write(b"half a checkpoint")
        raise KeyboardInterrupt

    monkeypatch.setattr(torch, "save", dies_halfway)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(path, model, opt)
    assert path.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["run.pt"]


def test_disk_full_gives_a_clear_error(small, tmp_path, monkeypatch):
    _, _, model, _, _ = setup(small)

    def full(obj, f, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(torch, "save", full)
    with pytest.raises(CheckpointError, match="free some disk space"):
        save_checkpoint(tmp_path / "run.pt", model)
    assert list(tmp_path.iterdir()) == []


class _Payload:
    def __reduce__(self):
        return (os.system, ("touch payload-ran",))


def test_a_file_with_a_pickled_payload_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "evil.pt"
    with open(path, "wb") as f:
        pickle.dump({"format": 1, "model": _Payload()}, f, protocol=2)
    with pytest.raises(CheckpointError, match="Refused to load"):
        load_checkpoint(path, NeuralNetwork())
    assert not (tmp_path / "payload-ran").exists()
    with open(path, "rb") as f:
        pickle.load(f)  # the control: unpickled the unsafe way, the payload does run
    assert (tmp_path / "payload-ran").exists()


def test_a_checkpoint_for_another_architecture_says_so(small, tmp_path):
    _, _, model, _, _ = setup(small)
    save_checkpoint(tmp_path / "run.pt", model)
    with pytest.raises(CheckpointError, match="does not fit this model"):
        load_checkpoint(tmp_path / "run.pt", NeuralNetwork(hidden=128))


def test_missing_and_damaged_files(tmp_path):
    with pytest.raises(CheckpointError, match="No checkpoint at"):
        load_checkpoint(tmp_path / "nothing.pt", NeuralNetwork())
    (tmp_path / "broken.pt").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(CheckpointError, match="is damaged or not a checkpoint"):
        load_checkpoint(tmp_path / "broken.pt", NeuralNetwork())
    (tmp_path / "text.pt").write_bytes(b"not a checkpoint at all")  # no pickle either: damaged, not refused
    with pytest.raises(CheckpointError, match="is damaged or not a checkpoint"):
        load_checkpoint(tmp_path / "text.pt", NeuralNetwork())
