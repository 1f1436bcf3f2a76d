"""Reading the service's decision boundary and training points into arrays for plotting."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from juniper_cascor_client.cli.commands._base import data_of
from juniper_cascor_client.cli.data import DataFileError, TrainingData
from juniper_cascor_client.cli.plotting import BoundaryGrid
from juniper_cascor_client_core.exceptions import (
    JuniperCascorNotFoundError,
    JuniperCascorProtocolError,
)
from juniper_cascor_client_rest import JuniperCascorClient

__all__ = ["boundary_grid", "fetch_boundary", "fetch_training_points", "training_points"]


def fetch_boundary(client: JuniperCascorClient, resolution: int) -> BoundaryGrid:
    """``GET /v1/decision-boundary`` as a grid.

    Raises:
        JuniperCascorProtocolError: When the answer is not a grid.
        JuniperCascorClientError: When the request fails (e.g. 404 without a network).
    """
    return boundary_grid(data_of(client.get_decision_boundary(resolution=resolution)))


def fetch_training_points(client: JuniperCascorClient) -> TrainingData | None:
    """The training set of ``GET /v1/dataset/data``, or ``None`` when the service has none.

    Raises:
        JuniperCascorClientError: When the request fails other than with 404.
    """
    try:
        return training_points(data_of(client.get_dataset_data()))
    except JuniperCascorNotFoundError:
        return None


def boundary_grid(data: Any) -> BoundaryGrid:
    """Read ``{"grid_x": [[...]], "grid_y": [[...]], "predictions": [[...]]}``: the meshgrid of
    the inputs and the predicted class at each point (``predictions[i][j]`` is the class at
    ``(grid_x[i][j], grid_y[i][j])``; x varies along a row, y down a column).

    Raises:
        JuniperCascorProtocolError: When ``data`` is not such a grid.
    """
    if not isinstance(data, Mapping):
        raise JuniperCascorProtocolError("the decision boundary answer is not an object")
    try:
        values = np.asarray(data["predictions"], dtype=np.float64)
        grid_x = np.asarray(data["grid_x"], dtype=np.float64)
        grid_y = np.asarray(data["grid_y"], dtype=np.float64)
        if values.ndim != 2 or min(values.shape) < 2 or not np.isfinite(values).all():
            raise ValueError(f"predictions must be a finite 2-D grid, not shape {values.shape}")
        if grid_x.shape != values.shape or grid_y.shape != values.shape:
            raise ValueError("grid_x and grid_y must have the shape of predictions")
        xs, ys = grid_x[0], grid_y[:, 0]
        if not (np.isfinite(xs).all() and np.isfinite(ys).all()):
            raise ValueError("the grid coordinates must be finite")
    except (KeyError, TypeError, ValueError) as exc:
        raise JuniperCascorProtocolError(
            f"the decision boundary answer is malformed: {exc}"
        ) from exc
    return BoundaryGrid(xs, ys, values)


def training_points(data: Any) -> TrainingData | None:
    """The training set of a ``/dataset/data`` answer (``train_x``/``train_y``), or ``None``
    when it holds no usable points."""
    if not isinstance(data, Mapping):
        return None
    inputs, targets = data.get("train_x"), data.get("train_y")
    if inputs is None or targets is None:
        return None
    try:
        return TrainingData.from_arrays(inputs, targets)
    except DataFileError:
        return None
