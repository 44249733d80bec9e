"""Loss and accuracy curves, and image grids; each function returns the Figure it drew on."""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from .course.i18n import tr
from .training import History

# Okabe-Ito: distinguishable with the common kinds of colour blindness, and in grey.
COLORS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442")


def eval_label(name: str) -> str:
    """The legend's name for the set measured after each epoch: "validation" or "test"."""
    return tr("validation") if name == "validation" else tr("test")


def _as_history(h) -> History:
    return h if isinstance(h, History) else History.from_dict(h)


def history_figure(figsize: tuple[float, float] = (10, 4)) -> Figure:
    """Return an empty figure with a loss axes and an accuracy axes side by side."""
    fig, _ = plt.subplots(1, 2, figsize=figsize, layout="constrained")
    return fig


def plot_history(
    histories: History | dict | Sequence[History | dict],
    labels: Sequence[str] | None = None,
    fig: Figure | None = None,
    fade_all_but_last: bool = False,
    title: str | None = None,
) -> Figure:
    """Draw train and validation (or test) loss (left) and accuracy (right) against the epoch; return the figure.

    Several histories are overlaid, one colour each; train is a solid line, the held-out set a dashed
    one, named after what ``fit`` measured (``History.eval_name``). An epoch still in progress (or cut
    short) continues the train curve as a dotted line. With ``fade_all_but_last``, earlier runs are
    drawn lighter and thinner.
    """
    if isinstance(histories, (History, dict)):
        histories = [histories]
    histories = [_as_history(h) for h in histories]
    eval_name = histories[-1].eval_name if histories else "validation"
    if labels is None:
        labels = [h.label or (f"run {i + 1}" if len(histories) > 1 else "") for i, h in enumerate(histories)]
    if fig is None:
        fig = history_figure()
    ax_loss, ax_acc = fig.axes[:2]
    for ax in (ax_loss, ax_acc):
        ax.clear()
    for legend in list(fig.legends):  # redrawing on the same figure: drop the previous legend
        legend.remove()
    for i, (h, label) in enumerate(zip(histories, labels)):
        color = COLORS[i % len(COLORS)]
        faded = fade_all_but_last and i < len(histories) - 1
        style = {"color": color, "alpha": 0.6 if faded else 1.0, "linewidth": 1.3 if faded else 2.0}
        prefix = f"{label}: " if label else ""
        for ax, train, test, scale in (
            (ax_loss, h.train_loss, h.eval_loss, 1.0),
            (ax_acc, h.train_acc, h.eval_acc, 100.0),
        ):
            ax.plot(h.epoch, [scale * v for v in train], marker="o", markersize=4, label=prefix + tr("train"), **style)
            ax.plot(h.epoch, [scale * v for v in test], marker="s", markersize=4, linestyle="--",
                    label=prefix + eval_label(h.eval_name), **style)
            if h.partial:
                start = [(h.epoch[-1], train[-1])] if h.epoch else []
                xs = [x for x, _ in start] + [p[0] for p in h.partial]
                column = 1 if ax is ax_loss else 2
                ys = [scale * y for _, y in start] + [scale * p[column] for p in h.partial]
                ax.plot(xs, ys, linestyle=":", **style)
    ax_loss.set(title=tr("Loss (lower is better)"), xlabel=tr("Epoch"), ylabel=tr("Cross-entropy loss (mean per image)"))
    ax_acc.set(title=tr("Accuracy (higher is better)"), xlabel=tr("Epoch"), ylabel=tr("Accuracy (% of images)"))
    top = max([100 * v for h in histories for v in h.train_acc + h.eval_acc + [p[2] for p in h.partial]], default=100)
    ax_acc.set_ylim(bottom=None, top=min(100.0, top + 3))
    for ax in (ax_loss, ax_acc):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
    if len(histories) == 1:
        for ax in (ax_loss, ax_acc):
            ax.legend(fontsize="small")
    elif histories:
        # One entry per run, then what the two line styles mean: a legend that stays short.
        handles = [Line2D([], [], color=COLORS[i % len(COLORS)], linewidth=2) for i in range(len(histories))]
        handles += [Line2D([], [], color="0.3", marker="o", markersize=4), Line2D([], [], color="0.3", linestyle="--")]
        fig.legend(handles, [*labels, tr("train"), eval_label(eval_name)], loc="outside right upper", fontsize="small")
    if title:
        fig.suptitle(title)
    return fig


def plot_seeds(groups: dict[str, Sequence[History]], title: str | None = None, fig: Figure | None = None) -> Figure:
    """Draw each setting's held-out loss and accuracy as the mean over its seeds, with a band from the
    lowest seed to the highest; return the figure.

    ``groups`` maps a setting's label to its runs, one per seed. The band is how far luck alone moves
    a curve: two settings differ where their bands part. A run that diverged counts for the epochs it
    finished; a setting whose every run diverged is named in the legend, with nothing to draw.
    """
    fig = fig or history_figure()
    ax_loss, ax_acc = fig.axes[:2]
    for i, (label, runs) in enumerate(groups.items()):
        color = COLORS[i % len(COLORS)]
        finished = [h for h in runs if len(h)]
        if not finished:
            ax_loss.plot([], [], color=color, label=tr("{label}: every seed diverged", label=label))
            continue
        epochs = max(finished, key=len).epoch
        for ax, scale, get in ((ax_loss, 1.0, lambda h: h.eval_loss), (ax_acc, 100.0, lambda h: h.eval_acc)):
            columns = [[scale * get(h)[e] for h in finished if len(h) > e] for e in range(len(epochs))]
            ax.plot(epochs, [np.mean(c) for c in columns], "o-", color=color, linewidth=2,
                    label=tr("{label} (mean of {n} of {total} seeds)", label=label, n=len(finished), total=len(runs))
                    if len(finished) < len(runs) else tr("{label} (mean of {n} seeds)", label=label, n=len(runs)))
            ax.fill_between(epochs, [min(c) for c in columns], [max(c) for c in columns], color=color, alpha=0.2,
                            linewidth=0)
    name = next((h.eval_name for runs in groups.values() for h in runs if len(h)), "validation")
    ax_loss.set(title=tr("Validation loss") if name == "validation" else tr("Test loss"), xlabel=tr("Epoch"),
                ylabel=tr("Cross-entropy loss (mean per image)"))
    ax_acc.set(title=tr("Validation accuracy") if name == "validation" else tr("Test accuracy"), xlabel=tr("Epoch"),
               ylabel=tr("Accuracy (% of images)"))
    for ax in (ax_loss, ax_acc):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
    ax_loss.legend(fontsize="small")
    if title:
        fig.suptitle(title)
    return fig


def figure_png(fig: Figure) -> bytes:
    """Return ``fig`` as PNG bytes, for an ``Image`` widget (updated in place, so it does not flicker).

    Draws the figure once and encodes its pixels at compression level 1: ``savefig`` would lay the
    figure out twice and compress harder, for a file barely smaller.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    width, height = canvas.get_width_height(physical=True)
    buf = io.BytesIO()
    Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).save(
        buf, format="png", compress_level=1)
    return buf.getvalue()


def plot_images(images, labels, classes: Sequence[str], predictions=None, ncols: int = 8) -> Figure:
    """Draw images in a grid titled with their class (and a prediction, red when wrong); return the figure."""
    n = len(images)
    nrows = (n + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.4 * ncols, 1.6 * nrows), squeeze=False, layout="constrained")
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        image = np.asarray(images[i], dtype=np.float32).squeeze()
        if image.ndim == 3:  # colour, [3, H, W]: matplotlib wants [H, W, 3]
            ax.imshow(image.transpose(1, 2, 0).clip(0, 1))
        else:
            ax.imshow(image, cmap="gray_r", vmin=0, vmax=1)
        truth = tr(classes[int(labels[i])])  # the class name in the learner's language
        if predictions is None:
            ax.set_title(truth, fontsize=9)
        else:
            guess = tr(classes[int(predictions[i])])
            wrong = guess != truth
            ax.set_title(tr("{guess}\n(is {truth})", guess=guess, truth=truth) if wrong else guess, fontsize=8,
                         color=COLORS[3] if wrong else "black")
    return fig
