"""PNG plots of a training run: the loss curve and the network's decision boundary.

matplotlib comes with the ``[plot]`` extra and is imported only when a plot is drawn. Figures are
rendered with the Agg canvas straight to a file; pyplot's global state is never touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from juniper_cascor_client._extras import require
from juniper_cascor_client.cli.data import TrainingData

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "BoundaryGrid",
    "LossCurve",
    "boundary_figure",
    "save_boundary_plot",
    "save_training_plot",
    "training_figure",
]

FloatArray = NDArray[np.float64]

_LOG_SPAN = 10.0  # a loss falling by more than this factor is drawn on a log scale
_CLASS_STYLES = (("#1f4e9c", "o"), ("#c0392b", "^"), ("#2e8b57", "s"), ("#8e44ad", "D"))


@dataclass(frozen=True)
class BoundaryGrid:
    """The network's output over a 2-D grid: ``values[i, j]`` is the output at (xs[j], ys[i])."""

    xs: FloatArray
    ys: FloatArray
    values: FloatArray


@dataclass(frozen=True)
class LossCurve:
    """Training loss per epoch and the epochs at which hidden units were installed."""

    epochs: Sequence[int]
    losses: Sequence[float]
    unit_epochs: Sequence[int] = ()


def save_boundary_plot(
    path: str | Path, grid: BoundaryGrid, points: TrainingData | None, *, title: str
) -> None:
    """Write :func:`boundary_figure` as a PNG.

    Raises:
        ImportError: When matplotlib (the ``[plot]`` extra) is not installed.
        OSError: When the file cannot be written.
    """
    boundary_figure(grid, points, title=title).savefig(path, dpi=100)


def boundary_figure(grid: BoundaryGrid, points: TrainingData | None, *, title: str) -> Figure:
    """A single-panel figure of the decision boundary with the training points on it; ``title``
    is the panel's only title.

    Raises:
        ImportError: When matplotlib (the ``[plot]`` extra) is not installed.
    """
    figure = _new_figure(7.0, 5.5)
    _draw_boundary(figure, figure.add_subplot(1, 1, 1), grid, points, title=title)
    return figure


def save_training_plot(
    path: str | Path,
    curve: LossCurve,
    grid: BoundaryGrid,
    points: TrainingData | None,
    *,
    title: str,
) -> None:
    """Write :func:`training_figure` as a PNG.

    Raises:
        ImportError: When matplotlib (the ``[plot]`` extra) is not installed.
        OSError: When the file cannot be written.
    """
    training_figure(curve, grid, points, title=title).savefig(path, dpi=100)


def training_figure(
    curve: LossCurve, grid: BoundaryGrid, points: TrainingData | None, *, title: str
) -> Figure:
    """A two-panel figure under ``title``: the loss curve on the left, the decision boundary on
    the right.

    Raises:
        ImportError: When matplotlib (the ``[plot]`` extra) is not installed.
    """
    figure = _new_figure(13.0, 5.5)
    loss_axes, boundary_axes = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.0, 1.1]})
    _draw_loss(loss_axes, curve)
    _draw_boundary(figure, boundary_axes, grid, points, title="Decision boundary")
    figure.suptitle(title, fontweight="bold")
    return figure


def _new_figure(width: float, height: float) -> Figure:
    require("matplotlib", "plot")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _draw_loss(axes: Axes, curve: LossCurve) -> None:
    axes.plot(curve.epochs, curve.losses, color="#1f4e9c", linewidth=1.6, label="training loss")
    for index, epoch in enumerate(curve.unit_epochs):
        label = "hidden unit added" if index == 0 else None
        axes.axvline(epoch, color="#c0392b", linestyle="--", linewidth=0.9, label=label)
    if curve.losses and min(curve.losses) > 0 and max(curve.losses) > _LOG_SPAN * min(curve.losses):
        axes.set_yscale("log")
    axes.set_title("Training loss")
    axes.set_xlabel("epoch")
    axes.set_ylabel("loss (log scale)" if axes.get_yscale() == "log" else "loss")
    axes.grid(True, which="both", alpha=0.3)
    if curve.epochs:
        axes.legend(loc="best")


def _draw_boundary(
    figure: Figure, axes: Axes, grid: BoundaryGrid, points: TrainingData | None, *, title: str
) -> None:
    from matplotlib.colors import TwoSlopeNorm

    low, high = float(np.min(grid.values)), float(np.max(grid.values))
    threshold = _threshold(points, low, high)
    splits = low < threshold < high
    # White is the boundary: each side's colour deepens towards that side's extreme output.
    norm = TwoSlopeNorm(threshold, low, high) if splits else None
    levels = np.linspace(low, high, 21) if high > low else 21
    filled = axes.contourf(
        grid.xs, grid.ys, grid.values, levels=levels, cmap="RdBu_r", norm=norm, alpha=0.8
    )
    ticks = np.linspace(low, high, 6) if high > low else None
    figure.colorbar(filled, ax=axes, label="network output", ticks=ticks, format="%.2f")
    if splits:
        axes.contour(
            grid.xs, grid.ys, grid.values, levels=[threshold], colors="black", linewidths=1.5
        )
        axes.plot([], [], color="black", linewidth=1.5, label=f"boundary (output {threshold:.2g})")
    if points is not None and points.input_size >= 2:
        _draw_points(axes, points)
    if axes.get_legend_handles_labels()[0]:
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.11), ncol=3, frameon=False)
    axes.set_title(title)
    axes.set_xlabel("input 1")
    axes.set_ylabel("input 2")
    axes.set_xlim(float(grid.xs[0]), float(grid.xs[-1]))
    axes.set_ylim(float(grid.ys[0]), float(grid.ys[-1]))


def _draw_points(axes: Axes, points: TrainingData) -> None:
    labels = _class_labels(points.targets)
    for index, label in enumerate(np.unique(labels)):
        colour, marker = _CLASS_STYLES[index % len(_CLASS_STYLES)]
        chosen = labels == label
        axes.scatter(
            points.inputs[chosen, 0],
            points.inputs[chosen, 1],
            s=40,
            color=colour,
            marker=marker,
            edgecolors="black",
            linewidths=0.8,
            label=f"class {label}",
            zorder=3,
        )


def _class_labels(targets: FloatArray) -> NDArray[np.int64]:
    """One class per row: the arg-max of several outputs, or one output split at its midpoint."""
    if targets.shape[1] > 1:
        return np.asarray(np.argmax(targets, axis=1), dtype=np.int64)
    column = targets[:, 0]
    middle = (float(column.min()) + float(column.max())) / 2.0
    return np.greater(column, middle).astype(np.int64)


def _threshold(points: TrainingData | None, low: float, high: float) -> float:
    """The output level drawn as the boundary: the middle of the targets' range (or the grid's)."""
    if points is not None and points.output_size == 1:
        column = points.targets[:, 0]
        return (float(column.min()) + float(column.max())) / 2.0
    return (low + high) / 2.0
