"""The training panel: sliders, Train and Stop, live curves and a table of runs, training the real model.

Train starts ``fit`` in a background thread, so the notebook stays free to hear Stop; the curves
are redrawn from its callback. Scripts and tests call ``panel.run()``, which trains in the caller's
thread and returns the history.
"""

from __future__ import annotations

import asyncio
import html
import math
import threading
import time

import ipywidgets as W
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ._kernel import TRAINING, free_idle_openmp_workers, listen_for_interrupts
from .course.i18n import tr, trn
from .plotting import COLORS, figure_png, plot_history
from .runs import OPTIMIZERS, Run, RunSettings, range_test_run, runs_table, table_html, train_run
from .training import History

BATCH_SIZES = (16, 32, 64, 128, 256, 512)
RUNS_ON_PLOT = 6  # older runs stay in the table but leave the axes


class TrainingPanel:
    """Sliders, Train and Stop buttons, live curves and a table of runs, training on real data.

    ``val_data`` is what each run is measured on after every epoch: a validation split, so that
    choosing settings here leaves the test set untouched. Redrawing the curves is kept to about
    ``draw_share`` of the training time.
    """

    def __init__(self, train_data, val_data, settings: RunSettings | None = None,
                 redraw_seconds: float = 0.5, draw_share: float = 0.05):
        self.train_data, self.val_data = train_data, val_data
        self.redraw_seconds, self.draw_share = redraw_seconds, draw_share
        self.runs: list[Run] = []
        self.interrupted = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._next_draw = 0.0
        self._laid_out_for: list[int] | None = None
        s = settings or RunSettings()
        style = {"description_width": "95px"}
        self.lr = W.FloatLogSlider(value=s.lr, base=10, min=-4, max=0, step=0.1, description=tr("learning rate"),
                                   readout_format=".1e", style=style)
        self.epochs = W.IntSlider(value=s.epochs, min=1, max=30, description=tr("epochs"), style=style)
        self.batch_size = W.Dropdown(options=BATCH_SIZES, value=s.batch_size, description=tr("batch size"), style=style)
        self.optimizer = W.Dropdown(options=OPTIMIZERS, value=s.optimizer, description=tr("optimizer"), style=style)
        self.momentum = W.FloatSlider(value=s.momentum, min=0.0, max=0.99, step=0.01, description=tr("momentum"),
                                      style=style)
        self.seed = W.IntText(value=s.seed, description=tr("seed"), style=style, layout=W.Layout(width="200px"))
        self.train_button = W.Button(description=tr("Train"), button_style="success", icon="play")
        self.stop_button = W.Button(description=tr("Stop"), button_style="danger", icon="stop", disabled=True)
        self.clear_button = W.Button(description=tr("Clear runs"), icon="trash")
        self.find_button = W.Button(description=tr("Find lr"), icon="search",
                                    tooltip=tr("Run a learning-rate range test and set the slider to its suggestion"))
        self.range_test = None  # the last range test, to plot
        self.progress = W.IntProgress(value=0, min=0, max=1, description=tr("progress"), style=style,
                                      layout=W.Layout(width="98%"))
        self.status = W.HTML(tr("Set the sliders, then press <b>Train</b>."))
        self.figure = Figure(figsize=(9, 3.6), dpi=80, layout="constrained")
        FigureCanvasAgg(self.figure)
        self.figure.subplots(1, 2)
        self.plot = W.Image(format="png", layout=W.Layout(width="100%", max_width="900px"))
        self.table = W.HTML()

        self.optimizer.observe(self._sync_momentum, names="value")
        self.train_button.on_click(lambda _: self.start())
        self.stop_button.on_click(lambda _: self.stop())
        self.clear_button.on_click(lambda _: self.clear())
        self.find_button.on_click(lambda _: self.find_learning_rate())
        self._sync_momentum()
        self._draw()
        self._render_table()
        controls = W.VBox([self.lr, self.epochs, self.batch_size, self.optimizer, self.momentum, self.seed,
                           W.HBox([self.train_button, self.stop_button, self.clear_button]), self.find_button])
        side = W.VBox([self.status], layout=W.Layout(width="360px", padding="0 0 0 16px"))
        self.widget = W.VBox([W.HBox([controls, side]), self.progress, self.plot, self.table])
        self.widget.add_class("training-panel")

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    def settings(self) -> RunSettings:
        """Return the settings the controls show."""
        return RunSettings(lr=float(self.lr.value), epochs=int(self.epochs.value), batch_size=int(self.batch_size.value),
                           optimizer=self.optimizer.value, momentum=float(self.momentum.value), seed=int(self.seed.value))

    @property
    def running(self) -> bool:
        """Whether a run is under way (its Train button is disabled until it ends)."""
        return self.train_button.disabled

    # --- actions ----------------------------------------------------------------------------------

    def start(self) -> None:
        """Start a run in a background thread and return at once (what Train does)."""
        run = self._begin()
        if run is not None:
            try:
                self._loop = asyncio.get_running_loop()  # in a notebook: the kernel's, to hear interrupts
            except RuntimeError:
                self._loop = None
            free_idle_openmp_workers()
            self._thread = threading.Thread(target=self._train, args=(run,), daemon=True)
            self._thread.start()

    def run(self) -> History | None:
        """Train with the current settings in this thread and return the history (for code, scripts and tests)."""
        run = self._begin()
        if run is not None:
            self._loop = None
            self._train(run)
            return run.history
        return None

    def stop(self) -> None:
        """Ask the run to stop after the batch it is on."""
        self._stop.set()

    def wait(self, timeout: float | None = None) -> None:
        """Block until a run started with ``start()`` has finished."""
        if self._thread is not None:
            self._thread.join(timeout)

    def clear(self) -> None:
        """Forget every earlier run (not while one is training)."""
        if not self.running:
            self.runs.clear()
            self._draw()
            self._render_table()
            self._say(tr("Runs cleared."))

    def find_learning_rate(self, steps: int = 200):
        """Run the range test for the optimizer, batch size and seed the controls show (what Find lr does), set the
        learning-rate slider to its suggestion, and return the ``RangeTest``; None if it cannot run now."""
        if self.running:
            self._say(tr("Wait for the run to finish, or Stop it, before looking for a learning rate."), error=True)
            return None
        settings = self.settings()
        self._say(tr("Range test for {optimizer}: raising the rate batch by batch ...", optimizer=html.escape(settings.optimizer)))
        try:
            result = range_test_run(settings, self.train_data, steps=steps)
        except ValueError as exc:
            self._say(html.escape(str(exc)), error=True)
            return None
        low, high = 10.0 ** self.lr.min, 10.0 ** self.lr.max
        self.lr.value = min(max(result.suggestion, low), high)
        self.range_test = result
        self._say(tr("Range test over {n} batches: the loss was lowest at lr {best:.2g}, so the slider now shows a "
                     "tenth of that, {lr:.2g}. Press <b>Train</b> to try it.",
                     n=len(result.lrs), best=result.best_lr, lr=self.lr.value))
        return result

    # --- one run ----------------------------------------------------------------------------------

    def _begin(self) -> Run | None:
        """Check the settings and set up a new run; return it, or None (with a message) if it cannot start."""
        if self.running:
            return None
        settings = self.settings()
        try:
            settings.require_valid(len(self.train_data))
        except ValueError as exc:
            self._say(html.escape(str(exc)), error=True)
            return None
        run = Run(settings, History(label=settings.label))
        self.runs.append(run)
        self._stop.clear()
        self.interrupted = False
        self.progress.max, self.progress.value = settings.epochs * self._batches(settings), 0
        self._set_busy(True)
        self._say(tr("Training: {label} ...", label=html.escape(settings.label)))
        self._render_table()  # the new run has its row (0/N epochs) from the moment Train is pressed
        self._next_draw = 0.0  # the run's first point is drawn as soon as it exists
        return run

    def _batches(self, settings: RunSettings) -> int:
        return math.ceil(len(self.train_data) / settings.batch_size)

    def _train(self, run: Run) -> None:
        started = time.perf_counter()
        batches = self._batches(run.settings)
        if self._loop is not None:
            TRAINING.add(self)

        def on_progress(h: History):
            if self._loop is not None:
                self._loop.call_soon_threadsafe(listen_for_interrupts)
            done = h.partial[-1][0] if h.partial else len(h)
            self.progress.value = min(self.progress.max, round(done * batches))
            if not h.partial:
                self._say(self._epoch_text(run.settings, h))
                self._render_table()
            if time.perf_counter() >= self._next_draw:
                self._draw()

        try:
            train_run(run.settings, self.train_data, self.val_data, callback=on_progress,
                      callback_every=max(1, min(50, batches // 10)), stop=self._stop, history=run.history)
        except Exception as exc:  # shown to the learner; the run's curves so far stay
            run.history.status, run.history.message = "failed", f"{type(exc).__name__}: {exc}"
        finally:
            TRAINING.discard(self)
        run.seconds = time.perf_counter() - started
        self._finish(run)

    def _finish(self, run: Run) -> None:
        settings, history = run.settings, run.history
        if self.interrupted and history.status == "stopped":
            history.status = "interrupted"
            history.message = trn("Interrupted after {n} finished epoch; the curves so far are kept.",
                                  "Interrupted after {n} finished epochs; the curves so far are kept.", len(history),
                                  n=len(history))
        self._draw()
        self._render_table()
        if history.status == "finished" and history.best_val_acc < 0.15:
            self._say(tr("Done, but the validation accuracy stayed near chance (10%): the network stopped learning. "
                         "Learning rate {lr:.2g} is likely too high; try {lower:.2g} or lower.",
                         lr=settings.lr, lower=settings.lr / 10), error=True)
        elif history.status == "finished":
            self._say(tr("Done: {text}", text=self._epoch_text(settings, history)))
        else:
            self._say(html.escape(history.message), error=history.status in {"diverged", "failed"})
        self._set_busy(False)

    # --- what it shows ----------------------------------------------------------------------------

    def _set_busy(self, busy: bool):
        self.train_button.disabled = self.clear_button.disabled = self.find_button.disabled = busy
        self.stop_button.disabled = not busy

    def _sync_momentum(self, _=None):
        self.momentum.disabled = self.optimizer.value != "SGD + momentum"

    def _draw(self) -> None:
        """Redraw the curves; the next redraw waits long enough to keep drawing near ``draw_share`` of the time."""
        began = time.perf_counter()
        shown = self.runs[-RUNS_ON_PLOT:]
        relayout = [id(r) for r in shown] != self._laid_out_for  # a run came or went: the legend changes
        if relayout:
            self.figure.set_layout_engine("constrained")
        plot_history([r.history for r in shown], labels=[r.settings.label for r in shown], fig=self.figure,
                     fade_all_but_last=True)
        if not shown:
            for ax in self.figure.axes:
                ax.text(0.5, 0.5, tr("no runs yet"), ha="center", va="center", transform=ax.transAxes, color="0.5")
        self.plot.value = figure_png(self.figure)
        if relayout:  # keep that layout while the same runs are shown: laying out costs as much as drawing
            self.figure.set_layout_engine("none")
            self._laid_out_for = [id(r) for r in shown]
        took = time.perf_counter() - began
        self._next_draw = time.perf_counter() + max(self.redraw_seconds, took * (1 / self.draw_share - 1))

    def _epoch_text(self, settings: RunSettings, h: History) -> str:
        return tr("epoch {n}/{epochs}<br>train loss {train_loss:.3f}, accuracy {train_acc:.1f}%<br>"
                  "validation loss {val_loss:.3f}, accuracy {val_acc:.1f}%<br>{seconds:.1f} s so far",
                  n=len(h), epochs=settings.epochs, train_loss=h.train_loss[-1], train_acc=100 * h.train_acc[-1],
                  val_loss=h.val_loss[-1], val_acc=100 * h.val_acc[-1], seconds=sum(h.seconds))

    def _say(self, text: str, error: bool = False) -> None:
        color = COLORS[3] if error else "inherit"
        self.status.value = f'<div class="panel-status" style="color:{color}">{text}</div>'

    def runs_table(self) -> list[dict]:
        """Return one row per run: its settings, best validation accuracy, seconds and status."""
        return runs_table(self.runs)

    def _render_table(self) -> None:
        self.table.value = table_html(self.runs_table())
