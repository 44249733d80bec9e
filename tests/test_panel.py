import gc
import os
import time

import matplotlib.pyplot as plt
import psutil
import pytest
import torch

from helpers.data import InMemoryDataset
from helpers.panel import RunSettings, TrainingPanel


def subset(ds, n):
    return InMemoryDataset(ds.images[:n], ds.targets[:n], ds.classes)


@pytest.fixture(scope="module")
def small(fashion_like):
    return subset(fashion_like.train, 4096), subset(fashion_like.test, 1000)


def wait_until(condition, timeout=60.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_train_button_trains_and_fills_the_table(small):
    panel = TrainingPanel(*small)
    before = panel.plot.value
    panel.lr.value, panel.epochs.value = 0.1, 2
    panel.train_button.click()
    assert panel.running and panel.train_button.disabled and not panel.stop_button.disabled
    assert "<td>0/2</td>" in panel.table.value  # the run has its row at once, before its first epoch ends
    panel.wait(60)
    assert not panel.running and not panel.train_button.disabled
    (row,) = panel.runs_table()
    assert row["status"] == "finished" and row["epochs"] == "2/2" and row["lr"] == pytest.approx(0.1)
    assert float(row["best val acc"].rstrip("%")) > 60
    assert panel.plot.value != before and panel.plot.value[:4] == b"\x89PNG"
    assert "Done" in panel.status.value and "validation loss" in panel.status.value
    assert "<td>finished</td>" in panel.table.value
    assert panel.progress.value == panel.progress.max


@pytest.mark.slow
def test_curves_grow_while_it_trains(small):
    panel = TrainingPanel(*small, redraw_seconds=0.0, draw_share=1.0)  # no cap on drawing: every callback draws
    panel.epochs.value = 3
    images = []
    panel.plot.observe(lambda change: images.append(change["new"]), names="value")
    panel.train_button.click()
    assert wait_until(lambda: panel.runs[0].history.partial, 30)  # a point before the first epoch ends
    panel.wait(60)
    assert len(set(images)) >= 4  # redrawn within epochs and after each


def test_stop_ends_the_run_and_keeps_its_curves(small):
    panel = TrainingPanel(*small)
    panel.epochs.value = 30
    panel.train_button.click()
    assert wait_until(lambda: len(panel.runs[0].history) >= 1, 60)
    epochs_at_stop = len(panel.runs[0].history)
    panel.stop_button.click()
    panel.wait(30)
    assert not panel.running
    history = panel.runs[0].history
    # Stop is checked after every batch: at most the epoch under way when it was pressed can finish
    assert history.status == "stopped" and epochs_at_stop <= len(history) <= epochs_at_stop + 1
    assert "Stopped" in panel.status.value
    assert panel.runs_table()[0]["status"] == "stopped"


@pytest.mark.slow
def test_divergence_stops_with_a_sentence_and_keeps_the_curves(small):
    panel = TrainingPanel(*small)
    panel.train_button.click()
    panel.wait(60)
    drawn = panel.plot.value
    panel.optimizer.value, panel.lr.value, panel.epochs.value = "Adam", 1.0, 5
    panel.train_button.click()
    panel.wait(60)
    assert panel.runs[1].history.status == "diverged"
    assert "learning rate 1 is too high; try 0.1 or lower" in panel.status.value
    assert "color:#D55E00" in panel.status.value  # shown as a warning
    assert panel.runs[0].history.status == "finished" and len(panel.runs[0].history) == 5  # earlier run kept
    assert panel.plot.value != drawn and not panel.train_button.disabled


def test_a_run_that_learns_nothing_says_it_stayed_at_chance(small):
    train, test = small
    noise = InMemoryDataset(torch.rand(train.images.shape, generator=torch.Generator().manual_seed(0)), train.targets,
                            train.classes)  # images of pure noise: nothing in them tells the labels apart
    panel = TrainingPanel(noise, test)
    panel.epochs.value = 1
    panel.run()
    assert panel.runs[0].history.status == "finished" and panel.runs[0].history.best_val_acc < 0.15
    assert "stayed near chance" in panel.status.value and "try 0.01 or lower" in panel.status.value


def test_momentum_slider_follows_the_optimizer(small):
    panel = TrainingPanel(*small)
    assert panel.momentum.disabled
    panel.optimizer.value = "SGD + momentum"
    assert not panel.momentum.disabled
    panel.optimizer.value = "Adam"
    assert panel.momentum.disabled


def test_clear_forgets_the_runs(small):
    panel = TrainingPanel(*small)
    panel.epochs.value = 1
    panel.train_button.click()
    panel.wait(60)
    assert len(panel.runs_table()) == 1
    panel.clear_button.click()
    assert panel.runs_table() == [] and "No runs yet" in panel.table.value


def test_bad_settings_give_a_message_and_start_nothing(small):
    panel = TrainingPanel(subset(small[0], 100), small[1])
    panel.batch_size.value = 512
    panel.train_button.click()
    assert not panel.running and panel.runs == []
    assert "larger than the 100 training images" in panel.status.value


@pytest.mark.parametrize(
    "settings, message",
    [
        (RunSettings(lr=0.0), "above 0"),
        (RunSettings(lr=-0.1), "negative"),
        (RunSettings(lr=float("nan")), "finite number"),
        (RunSettings(epochs=0), "at least 1"),
        (RunSettings(batch_size=0), "at least 1"),
        (RunSettings(optimizer="RMSProp"), "one of SGD"),
        (RunSettings(optimizer="SGD + momentum", momentum=1.5), "below 1"),
    ],
)
def test_run_settings_refuse_bad_values(settings, message):
    with pytest.raises(ValueError, match=message):
        settings.require_valid(60_000)


@pytest.mark.slow
def test_twenty_runs_leave_no_figures_and_no_growing_memory(fashion_like):
    panel = TrainingPanel(subset(fashion_like.train, 512), subset(fashion_like.test, 200))
    panel.epochs.value, panel.batch_size.value = 1, 128
    process = psutil.Process(os.getpid())

    def runs(n):
        for _ in range(n):
            panel.train_button.click()
            panel.wait(30)

    runs(5)
    gc.collect()
    before = process.memory_info().rss
    runs(15)
    gc.collect()
    grown = process.memory_info().rss - before
    assert len(panel.runs) == 20 and plt.get_fignums() == []
    assert grown < 40 * 2**20, f"memory grew by {grown / 2**20:.0f} MiB over 15 runs"


def test_seed_means_the_same_run_in_the_panel_as_in_the_notebooks(small):
    """The series' one convention: set_seed(seed) for the weights, a loader generator seeded with it for the order."""
    from torch import nn
    from torch.utils.data import DataLoader

    from helpers import NeuralNetwork, fit, set_seed

    train, test = small
    set_seed(0)
    model = NeuralNetwork()
    loader = DataLoader(train, batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(0))
    by_hand = fit(model, loader, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1), 2,
                  val_loader=DataLoader(test, batch_size=1000))
    panel = TrainingPanel(train, test)
    panel.lr.value, panel.epochs.value, panel.seed.value = 0.1, 2, 0
    in_panel = panel.run()
    assert in_panel.train_loss == by_hand.train_loss and in_panel.val_loss == by_hand.val_loss


def test_freeing_the_notebook_threads_openmp_workers_changes_no_result(small):
    """Train frees the notebook thread's idle OpenMP workers (so the training thread's get the cores); torch
    still computes the same numbers afterwards, in this thread and in the panel's."""
    import ctypes
    import sys

    from helpers._kernel import free_idle_openmp_workers

    train, test = small
    a, b = torch.randn(300, 400), torch.randn(400, 200)
    before = a @ b
    freed = free_idle_openmp_workers()
    gomp = [line.split()[-1] for line in open("/proc/self/maps") if "/libgomp" in line] \
        if sys.platform == "linux" else []
    if gomp and hasattr(ctypes.CDLL(gomp[0]), "omp_pause_resource_all"):
        assert freed  # PyTorch's GNU OpenMP 5: its omp_pause_resource_all succeeded
    elif gomp:
        assert not freed  # an older libgomp (torch 2.2's) has no such call: nothing freed, nothing claimed
    assert torch.equal(a @ b, before)
    panel = TrainingPanel(train, test)
    panel.epochs.value = 1
    in_this_thread = panel.run()
    panel.train_button.click()  # frees the workers, then trains in the background thread
    panel.wait()
    assert panel.runs[-1].history.train_loss == in_this_thread.train_loss


def test_the_runs_table_has_the_columns_the_catalog_translates(small):
    from helpers.runs import COLUMNS

    panel = TrainingPanel(*small)
    panel.epochs.value = 1
    panel.run()
    assert tuple(panel.runs_table()[0]) == COLUMNS
