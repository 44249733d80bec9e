"""Gradient descent on a parabola you can see, with a learning-rate slider."""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .plotting import COLORS, figure_png


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
