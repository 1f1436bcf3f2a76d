"""Network inspection and surgery: decision boundary, output weights, hidden units."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from juniper_cascor_fake_server.learner import CascadeCorrelationLearner
from juniper_cascor_fake_server.domain.errors import ServiceError, invalid
from juniper_cascor_fake_server.domain.state import TrainingState
from juniper_cascor_fake_server.domain.trainer import CandidateRunner

__all__ = [
    "RESOLUTION_RANGE",
    "add_hidden_unit",
    "decision_boundary",
    "remove_hidden_unit",
    "set_output_weights",
]

RESOLUTION_RANGE = (5, 200)
_MARGIN = 0.1


def decision_boundary(state: TrainingState, resolution: int) -> dict[str, Any]:
    """The network's outputs on a ``resolution`` x ``resolution`` grid over the input range.

    The range is the data set's inputs plus a 10% margin ([-1, 1] without data). ``z[i][j]`` is
    the first output at ``(x[j], y[i])``; ``predictions`` holds the predicted class there.

    Raises:
        ServiceError: 422 for a resolution outside 5..200, 404 without a network, 400 when the
            network does not have exactly two inputs.
    """
    low, high = RESOLUTION_RANGE
    if not low <= resolution <= high:
        raise invalid(
            ("query", "resolution"), f"Input should be between {low} and {high}", "value_error"
        )
    with state.lock:
        network = state.require_network()
        if network.input_size != 2:
            raise ServiceError(400, "Decision boundary needs a network with two inputs")
        data = state.data or state.pending
        if data is None:
            lows, highs = np.full(2, -1.0), np.full(2, 1.0)
        else:
            lows, highs = data[0].x.min(axis=0), data[0].x.max(axis=0)
        margin = (highs - lows) * _MARGIN + 1e-9
        xs = np.linspace(lows[0] - margin[0], highs[0] + margin[0], resolution)
        ys = np.linspace(lows[1] - margin[1], highs[1] + margin[1], resolution)
        grid_x, grid_y = np.meshgrid(xs, ys)
        outputs = network.predict(np.column_stack([grid_x.ravel(), grid_y.ravel()]))
    shape = (resolution, resolution)
    if outputs.shape[1] == 1:
        classes = (outputs[:, 0] > 0.5).astype(int)
    else:
        classes = np.argmax(outputs, axis=1)
    return {
        "resolution": resolution,
        "x": xs.tolist(),
        "y": ys.tolist(),
        "x_range": [float(xs[0]), float(xs[-1])],
        "y_range": [float(ys[0]), float(ys[-1])],
        "z": outputs[:, 0].reshape(shape).tolist(),
        "predictions": classes.reshape(shape).tolist(),
        "hidden_units": len(network.hidden),
    }


def set_output_weights(state: TrainingState, body: dict[str, Any]) -> dict[str, Any]:
    """``PATCH /network/weights``: replace the output weights (``{"output_weights": rows}``).

    Raises:
        ServiceError: 404 without a network, 409 while training, 422 for a wrong shape.
    """
    with state.lock:
        network = state.require_network()
        state.require_idle()
        expected = network.output_weights.shape
        try:
            weights = np.asarray(body.get("output_weights"), dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise invalid(("body", "output_weights"), "Input should be rows of numbers") from exc
        if weights.shape != expected or not np.all(np.isfinite(weights)):
            raise invalid(
                ("body", "output_weights"), f"Expected finite numbers of shape {list(expected)}"
            )
        network.output_weights = weights
        topology = network.to_dict()
    state.emit("topology", topology)
    return topology


def add_hidden_unit(state: TrainingState, run_candidates: CandidateRunner) -> dict[str, Any]:
    """``POST /network/hidden-units``: train a candidate pool on the current data, install one.

    Raises:
        ServiceError: 404 without a network, 409 while training or without data.
    """
    with state.lock:
        network = state.require_network()
        state.require_idle()
        train, validation = state.require_data()
        learner = CascadeCorrelationLearner(state.config, train, validation, network=network)
        tasks = learner.candidate_tasks()
    results = run_candidates(tasks, lambda *_: None, threading.Event())
    with state.lock:
        unit = learner.install_best(results)
        topology = network.to_dict()
    if unit is not None:
        state.emit("cascade_add", {**unit.to_dict(), "hidden_units": len(network.hidden)})
    state.emit("topology", topology)
    return topology


def remove_hidden_unit(state: TrainingState) -> dict[str, Any]:
    """``DELETE /network/hidden-units``: remove the newest hidden unit.

    Raises:
        ServiceError: 404 without a network, 409 while training or when there is no unit.
    """
    with state.lock:
        network = state.require_network()
        state.require_idle()
        if not network.hidden:
            raise ServiceError(409, "The network has no hidden unit")
        network.remove_last_unit()
        topology = network.to_dict()
    state.emit("topology", topology)
    return topology
