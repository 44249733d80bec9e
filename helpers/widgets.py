"""Interactive panels: thin ipywidgets shells around plain functions that do the work.

``TrainingPanel`` trains the real model on the kernel's event loop, pausing between batches, so
the kernel stays free to hear the Stop button (and a kernel interrupt) while the curves grow;
outside a kernel (a script, a test) it trains in a background thread. ``descent_explorer``
shows gradient descent on a parabola for any learning rate.
"""

from __future__ import annotations

import asyncio
import html
import io
import math
import signal
import threading
import time
from dataclasses import dataclass

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from torch import nn

from .data import check_batch_size, make_loaders
from .models import NeuralNetwork
from .plotting import COLORS, plot_history
from .training import History, check_epochs, check_learning_rate, drain, fit_steps, interrupt, set_seed

OPTIMIZERS = ("SGD", "SGD + momentum", "Adam")
BATCH_SIZES = (16, 32, 64, 128, 256, 512)
RUNS_ON_PLOT = 6  # older runs stay in the table but leave the axes


# --- plain functions ----------------------------------------------------------------------------

@dataclass
class RunSettings:
    """What one training run uses."""

    lr: float = 0.1
    epochs: int = 5
    batch_size: int = 64
    optimizer: str = "SGD"
    momentum: float = 0.9
    seed: int = 0

    def check(self, train_size: int | None = None) -> None:
        """Raise ``ValueError`` naming the fix for the first setting that cannot work."""
        check_learning_rate(self.lr)
        check_epochs(self.epochs)
        check_batch_size(self.batch_size, train_size)
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}, got {self.optimizer!r}.")
        if self.optimizer == "SGD + momentum" and not 0 <= self.momentum < 1:
            raise ValueError(f"momentum must be at least 0 and below 1, got {self.momentum}; 0.9 is usual.")

    @property
    def label(self) -> str:
        extra = f" m={self.momentum:g}" if self.optimizer == "SGD + momentum" else ""
        return f"{self.optimizer}{extra} lr={self.lr:.2g} b={self.batch_size} seed={self.seed}"


def make_optimizer(settings: RunSettings, params) -> torch.optim.Optimizer:
    """Return the optimizer ``settings`` names, over ``params``."""
    if settings.optimizer == "Adam":
        return torch.optim.Adam(params, lr=settings.lr)
    momentum = settings.momentum if settings.optimizer == "SGD + momentum" else 0.0
    return torch.optim.SGD(params, lr=settings.lr, momentum=momentum)


def train_run_steps(settings: RunSettings, train_data, test_data, **options):
    """Return the ``fit_steps`` generator that trains a fresh seeded model with ``settings``."""
    settings.check(len(train_data))
    set_seed(settings.seed)
    train_loader, test_loader = make_loaders(train_data, test_data, settings.batch_size, seed=settings.seed)
    model = NeuralNetwork()
    optimizer = make_optimizer(settings, model.parameters())
    return fit_steps(model, train_loader, test_loader, nn.CrossEntropyLoss(), optimizer, settings.epochs,
                     label=settings.label, **options)


def train_run(settings: RunSettings, train_data, test_data, **options) -> History:
    """Train a fresh seeded model with ``settings``; return its history (kept if stopped or diverged).

    Takes ``fit``'s options: ``callback``, ``callback_every``, ``stop``, ``history``.
    """
    return drain(train_run_steps(settings, train_data, test_data, **options))


def descent_path(lr: float, x0: float = 4.0, steps: int = 12) -> np.ndarray:
    """Return the points gradient descent visits on f(x) = x**2 from ``x0``."""
    xs = [x0]
    for _ in range(steps):
        xs.append(xs[-1] - lr * 2 * xs[-1])  # f'(x) = 2x
    return np.array(xs)


def describe_descent(lr: float) -> str:
    """Return how descent with ``lr`` behaves on f(x) = x**2: slow, converges, oscillates or diverges."""
    factor = 1 - 2 * lr  # each step multiplies x by this
    if abs(factor) >= 1:
        return "diverges"
    if factor < 0:
        return "oscillates" if abs(factor) > 0.5 else "converges"
    return "slow" if factor > 0.8 else "converges"


def plot_descent(lr: float, ax=None, x0: float = 4.0, steps: int = 12):
    """Draw the parabola and the descent path for ``lr``; return the axes."""
    ax = ax or plt.subplots(figsize=(5, 3.5), layout="constrained")[1]
    path = descent_path(lr, x0, steps)
    grid = np.linspace(-6, 6, 200)
    ax.plot(grid, grid ** 2, color="0.6", linewidth=1.5)
    shown = np.clip(path, -6, 6)
    ax.plot(shown, shown ** 2, "-o", color=COLORS[0], markersize=4)
    ax.plot(shown[0], shown[0] ** 2, "o", color=COLORS[3], markersize=7)
    ax.set(xlim=(-6, 6), ylim=(-1, 37), xlabel="parameter x", ylabel="loss f(x) = x²",
           title=f"lr = {lr:g}: {describe_descent(lr)}")
    return ax


# --- widget shells ------------------------------------------------------------------------------

def figure_png(fig: Figure) -> bytes:
    """Return ``fig`` rendered as PNG bytes (for an ``Image`` widget: updated in place, no flicker)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def descent_explorer() -> W.VBox:
    """Return a learning-rate slider over a plot of gradient descent on a parabola."""
    slider = W.FloatSlider(value=0.1, min=0.01, max=1.1, step=0.01, description="learning rate",
                           continuous_update=True, style={"description_width": "initial"})
    fig = Figure(figsize=(5, 3.5), dpi=90, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    image = W.Image(format="png", layout=W.Layout(width="450px"))

    def draw(_=None):
        ax.clear()
        plot_descent(slider.value, ax)
        image.value = figure_png(fig)

    slider.observe(draw, names="value")
    draw()
    return W.VBox([slider, image])


def _kernel_loop() -> asyncio.AbstractEventLoop | None:
    """Return the kernel's running event loop when called from it (a button click in a notebook), else None."""
    if _kernel() is None or threading.current_thread() is not threading.main_thread():
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _kernel():
    try:
        from IPython import get_ipython

        return getattr(get_ipython(), "kernel", None)
    except ImportError:
        return None


@dataclass
class Run:
    """One press of Train: its settings, its history and its wall-clock seconds."""

    settings: RunSettings
    history: History
    seconds: float = 0.0


class TrainingPanel:
    """Sliders, Train and Stop buttons, live curves and a table of runs, training on real data."""

    def __init__(self, train_data, test_data, settings: RunSettings | None = None, redraw_seconds: float = 0.5):
        self.train_data, self.test_data = train_data, test_data
        self.redraw_seconds = redraw_seconds
        self.runs: list[Run] = []
        self._stop = threading.Event()
        self._interrupted = False
        self._thread: threading.Thread | None = None
        self._task: asyncio.Task | None = None
        self._busy = False
        self._last_draw = 0.0
        s = settings or RunSettings()
        style = {"description_width": "95px"}
        self.lr = W.FloatLogSlider(value=s.lr, base=10, min=-4, max=0, step=0.1, description="learning rate",
                                   readout_format=".1e", style=style)
        self.epochs = W.IntSlider(value=s.epochs, min=1, max=30, description="epochs", style=style)
        self.batch_size = W.Dropdown(options=BATCH_SIZES, value=s.batch_size, description="batch size", style=style)
        self.optimizer = W.Dropdown(options=OPTIMIZERS, value=s.optimizer, description="optimizer", style=style)
        self.momentum = W.FloatSlider(value=s.momentum, min=0.0, max=0.99, step=0.01, description="momentum",
                                      style=style)
        self.seed = W.IntText(value=s.seed, description="seed", style=style, layout=W.Layout(width="200px"))
        self.train_button = W.Button(description="Train", button_style="success", icon="play")
        self.stop_button = W.Button(description="Stop", button_style="danger", icon="stop", disabled=True)
        self.clear_button = W.Button(description="Clear runs", icon="trash")
        self.progress = W.IntProgress(value=0, min=0, max=1, description="progress", style=style,
                                      layout=W.Layout(width="98%"))
        self.status = W.HTML("Set the sliders, then press <b>Train</b>.")
        self.figure = Figure(figsize=(9, 3.6), dpi=90, layout="constrained")
        FigureCanvasAgg(self.figure)
        self.figure.subplots(1, 2)
        self.plot = W.Image(format="png", layout=W.Layout(width="100%", max_width="900px"))
        self.table = W.HTML()

        self.optimizer.observe(self._sync_momentum, names="value")
        self.train_button.on_click(lambda _: self.start())
        self.stop_button.on_click(lambda _: self.stop())
        self.clear_button.on_click(lambda _: self.clear())
        self._sync_momentum()
        self._draw()
        self._render_table()
        controls = W.VBox([self.lr, self.epochs, self.batch_size, self.optimizer, self.momentum, self.seed,
                           W.HBox([self.train_button, self.stop_button, self.clear_button])])
        side = W.VBox([self.status], layout=W.Layout(width="360px", padding="0 0 0 16px"))
        self.widget = W.VBox([W.HBox([controls, side]), self.progress, self.plot, self.table])
        self.widget.add_class("training-panel")

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    # settings and state
    def settings(self) -> RunSettings:
        return RunSettings(lr=float(self.lr.value), epochs=int(self.epochs.value), batch_size=int(self.batch_size.value),
                           optimizer=self.optimizer.value, momentum=float(self.momentum.value), seed=int(self.seed.value))

    @property
    def running(self) -> bool:
        return self._busy

    def _sync_momentum(self, _=None):
        self.momentum.disabled = self.optimizer.value != "SGD + momentum"

    def _set_busy(self, busy: bool):
        self._busy = busy
        self.train_button.disabled = busy
        self.clear_button.disabled = busy
        self.stop_button.disabled = not busy

    # actions
    def _begin(self) -> Run | None:
        """Check the settings and set up a new run; return it, or None (with a message) if it cannot start."""
        if self.running:
            return None
        settings = self.settings()
        try:
            settings.check(len(self.train_data))
        except ValueError as exc:
            self._say(html.escape(str(exc)), error=True)
            return None
        run = Run(settings, History(label=settings.label))
        self.runs.append(run)
        self._stop.clear()
        self._interrupted = False
        batches = math.ceil(len(self.train_data) / settings.batch_size)
        self.progress.max, self.progress.value = settings.epochs * batches, 0
        self._set_busy(True)
        self._say(f"Training: {html.escape(settings.label)} ...")
        return run

    def start(self) -> None:
        """Start a run with the current settings and return at once (what the Train button does).

        In a notebook the run trains on the kernel's event loop, pausing between batches so that
        Stop is heard; elsewhere (a script, a test) it trains in a background thread.
        """
        run = self._begin()
        if run is None:
            return
        self._listen_for_interrupt()
        loop = _kernel_loop()
        if loop is not None:
            self._task = loop.create_task(self._train_async(run))
        else:
            self._thread = threading.Thread(target=self._train_blocking, args=(run,), daemon=True)
            self._thread.start()

    def run(self) -> History | None:
        """Train with the current settings and return when done (for code in a cell, or a script)."""
        run = self._begin()
        if run is None:
            return None
        self._train_blocking(run)
        return run.history

    def stop(self) -> None:
        """Ask the run to stop after the batch it is on."""
        self._stop.set()

    def wait(self, timeout: float | None = None) -> None:
        """Block until a run started in a background thread has finished."""
        if self._task is not None and not self._task.done():
            raise RuntimeError("This run trains on the notebook's event loop, which waiting would block. "
                               "Use panel.run() in a cell to train and wait, or `await panel.finished()`.")
        if self._thread is not None:
            self._thread.join(timeout)

    async def finished(self) -> None:
        """Wait (with ``await``) until the current run has finished."""
        while self.running:
            await asyncio.sleep(0.1)

    def clear(self) -> None:
        """Forget every earlier run (not while one is training)."""
        if self.running:
            return
        self.runs.clear()
        self._draw()
        self._render_table()
        self._say("Runs cleared.")

    # the run itself, driven by a thread, by the caller, or as a task on the kernel's loop
    def _steps(self, run: Run):
        batches = math.ceil(len(self.train_data) / run.settings.batch_size)

        def on_progress(h: History):
            epochs_done = h.partial[-1][0] if h.partial else len(h)
            self.progress.value = min(self.progress.max, round(epochs_done * batches))
            if h.partial and time.perf_counter() - self._last_draw < self.redraw_seconds:
                return
            self._draw()
            if not h.partial and len(h):
                self._say(self._epoch_text(run.settings, h))
                self._render_table()

        return train_run_steps(run.settings, self.train_data, self.test_data, callback=on_progress,
                               callback_every=max(1, min(50, batches // 10)), stop=self._stop,
                               history=run.history)

    def _train_blocking(self, run: Run) -> None:
        started = time.perf_counter()
        try:
            drain(self._steps(run))
        except Exception as exc:  # shown to the learner; the run's curves so far stay
            run.history.status, run.history.message = "failed", f"{type(exc).__name__}: {exc}"
        self._finish(run, time.perf_counter() - started)

    async def _train_async(self, run: Run) -> None:
        started = time.perf_counter()
        try:
            steps = self._steps(run)
            paused = time.perf_counter()
            while True:
                try:
                    next(steps)
                except StopIteration:
                    break
                except KeyboardInterrupt:
                    interrupt(steps)
                    break
                if time.perf_counter() - paused > 0.05:  # let the kernel hear clicks every 50 ms
                    await asyncio.sleep(0)
                    paused = time.perf_counter()
        except Exception as exc:  # shown to the learner; the run's curves so far stay
            run.history.status, run.history.message = "failed", f"{type(exc).__name__}: {exc}"
        self._finish(run, time.perf_counter() - started)

    def _finish(self, run: Run, seconds: float) -> None:
        settings, history = run.settings, run.history
        run.seconds = seconds
        if self._interrupted and history.status == "stopped":
            history.status = "interrupted"
            history.message = f"Interrupted after {len(history)} finished epoch(s); the curves so far are kept."
        self._draw()
        self._render_table()
        done = {"finished": "Done", "stopped": "Stopped", "interrupted": "Interrupted"}.get(history.status)
        if history.status == "finished" and history.best_test_acc < 0.15:
            self._say(f"{done}, but the test accuracy stayed near chance (10%): the network stopped learning. "
                      f"Learning rate {settings.lr:.2g} is likely too high; try about {settings.lr / 10:.2g}.",
                      error=True)
        elif history.status == "finished":
            self._say(f"{done}: {self._epoch_text(settings, history)}")
        else:
            self._say(html.escape(history.message), error=history.status in {"diverged", "failed"})
        self._set_busy(False)

    def _listen_for_interrupt(self):
        # ipykernel ignores SIGINT while idle and restores the handler it saved after each message;
        # handing it ours makes a kernel interrupt stop this run (and do nothing otherwise).
        kernel = _kernel()
        if kernel is None or threading.current_thread() is not threading.main_thread():
            return
        panel = self

        def on_interrupt(signum, frame):
            if panel.running:
                panel._interrupted = True
                panel._stop.set()

        if hasattr(kernel, "saved_sigint_handler"):
            kernel.saved_sigint_handler = on_interrupt
        else:
            signal.signal(signal.SIGINT, on_interrupt)

    # drawing
    def _draw(self) -> None:
        shown = self.runs[-RUNS_ON_PLOT:]
        plot_history([r.history for r in shown], labels=[r.settings.label for r in shown], fig=self.figure,
                     fade_all_but_last=True)
        if not shown:
            for ax in self.figure.axes:
                ax.text(0.5, 0.5, "no runs yet", ha="center", va="center", transform=ax.transAxes, color="0.5")
        self.plot.value = figure_png(self.figure)
        self._last_draw = time.perf_counter()

    def _epoch_text(self, settings: RunSettings, h: History) -> str:
        return (f"epoch {len(h)}/{settings.epochs}<br>"
                f"train loss {h.train_loss[-1]:.3f}, accuracy {100 * h.train_acc[-1]:.1f}%<br>"
                f"test loss {h.test_loss[-1]:.3f}, accuracy {100 * h.test_acc[-1]:.1f}%<br>"
                f"{sum(h.seconds):.1f} s so far")

    def _say(self, text: str, error: bool = False) -> None:
        color = COLORS[3] if error else "inherit"
        self.status.value = f'<div class="panel-status" style="color:{color}">{text}</div>'

    def runs_table(self) -> list[dict]:
        """Return one row per run: its settings, best test accuracy, seconds and status."""
        rows = []
        for i, run in enumerate(self.runs, 1):
            s, h = run.settings, run.history
            rows.append({
                "run": i,
                "optimizer": s.optimizer,
                "lr": s.lr,
                "momentum": s.momentum if s.optimizer == "SGD + momentum" else None,
                "batch size": s.batch_size,
                "seed": s.seed,
                "epochs": f"{len(h)}/{s.epochs}",
                "best test acc": f"{100 * h.best_test_acc:.1f}%" if len(h) else "-",
                "seconds": f"{run.seconds:.1f}",
                "status": h.status,
            })
        return rows

    def _render_table(self) -> None:
        rows = self.runs_table()
        if not rows:
            self.table.value = "<i>No runs yet.</i>"
            return
        def cell(key, value):
            text = "-" if value is None else f"{value:.3g}" if key in ("lr", "momentum") else str(value)
            return f"<td>{html.escape(text)}</td>"

        head = "".join(f"<th>{html.escape(k)}</th>" for k in rows[0])
        body = "".join("<tr>" + "".join(cell(k, v) for k, v in r.items()) + "</tr>" for r in rows)
        self.table.value = (f"<style>.runs-table td, .runs-table th {{padding: 2px 10px; text-align: right}}</style>"
                            f'<table class="runs-table">'
                            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
