"""Network inspection and surgery: decision boundary, weight patches, manual hidden units.

The surgery routes work only while a restored snapshot is being investigated
(``INVESTIGATING``), as on the real server; a new unit's output weights start at zero.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from juniper_cascor_fake_server.domain.errors import (
    ServiceError,
    bad_request,
    conflict,
    not_found,
)
from juniper_cascor_fake_server.domain.machine import TrainingStatus
from juniper_cascor_fake_server.domain.params import ACTIVATIONS, canonical_activation
from juniper_cascor_fake_server.domain.state import TrainingState
from juniper_cascor_fake_server.domain.validation import Spec, validate
from juniper_cascor_fake_server.domain.views import network_info, topology_of
from juniper_cascor_fake_server.learner import CascadeNetwork, HiddenUnit

__all__ = [
    "RESOLUTION_RANGE",
    "add_hidden_unit",
    "decision_boundary",
    "patch_weights",
    "remove_hidden_unit",
]

RESOLUTION_RANGE = (5, 200)
_MARGIN = 0.5
PATCH_MODEL = {
    "target": Spec(choices=("output", "hidden_unit"), required=True),
    "field": Spec(choices=("weights", "bias"), required=True),
    "values": Spec(list, required=True),
    "hidden_unit_index": Spec(int, ge=0),
    "dtype": Spec(choices=("float32", "float64")),
}
ADD_MODEL = {
    "weights": Spec(list, required=True),
    "bias": Spec(float),
    "activation": Spec(choices=ACTIVATIONS),
    "position": Spec(choices=("tail",)),
}


def decision_boundary(state: TrainingState, resolution: int) -> dict[str, Any]:
    """The predicted class on a ``resolution`` x ``resolution`` grid over the training inputs
    (their range plus 0.5 on each side); one output is thresholded at 0.5, several use argmax.

    Raises:
        ServiceError: 404 without a network or data, 500 when the data is not 2-D.
    """
    with state.lock:
        network = state.require_network()
        if state.data is None:
            raise not_found("No training data loaded")
        x = state.data.train.x
        if x.shape[1] != 2 or network.input_size != 2:
            raise ServiceError(500, "Failed to compute decision boundary")
        lows, highs = x.min(axis=0) - _MARGIN, x.max(axis=0) + _MARGIN
        xs = np.linspace(lows[0], highs[0], resolution)
        ys = np.linspace(lows[1], highs[1], resolution)
        grid_x, grid_y = np.meshgrid(xs, ys)
        outputs = network.predict(np.column_stack([grid_x.ravel(), grid_y.ravel()]))
    if outputs.shape[1] == 1:
        classes = (outputs[:, 0] > 0.5).astype(int)
    else:
        classes = np.argmax(outputs, axis=1)
    return {
        "x_range": [float(lows[0]), float(highs[0])],
        "y_range": [float(lows[1]), float(highs[1])],
        "resolution": resolution,
        "grid_x": grid_x.tolist(),
        "grid_y": grid_y.tolist(),
        "predictions": classes.reshape(resolution, resolution).tolist(),
    }


def _investigating(state: TrainingState, operation: str) -> CascadeNetwork:
    network = state.require_network()
    if state.status is not TrainingStatus.INVESTIGATING:
        raise conflict(f"{operation} requires INVESTIGATING state (currently {state.status.value})")
    return network


def _answer(state: TrainingState, operation: str, **extra: Any) -> dict[str, Any]:
    topology = topology_of(state.require_network())
    answer = {**network_info(state), "operation": operation, "fsm_state": state.status.value}
    state.emit("topology", topology)
    return {**answer, **extra}


def _finite(values: Any, what: str) -> np.ndarray[Any, np.dtype[np.float64]]:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ServiceError(422, f"invalid {what}: {exc}") from exc
    if not np.all(np.isfinite(array)):
        raise ServiceError(422, f"{what} contain NaN or Inf")
    return array


def patch_weights(state: TrainingState, body: Any) -> dict[str, Any]:
    """``PATCH /v1/network/weights``: replace the output weights or bias, or one hidden unit's.

    Raises:
        ServiceError: 422 for a bad body or non-finite values, 404 without a network or for an
            unknown unit, 409 unless investigating, 400 for a wrong shape.
    """
    request = validate(body, PATCH_MODEL)
    with state.lock:
        network = _investigating(state, "patch_weights")
        values = _finite(request["values"], "values")
        field = request["field"]
        if request["target"] == "output":
            rows = slice(None, -1) if field == "weights" else -1
            current = network.output_weights[rows]
            _same_shape(current.shape, values.shape, f"output_{field}")
            network.output_weights[rows] = values
        else:
            index = request.get("hidden_unit_index")
            if index is None or index >= len(network.hidden):
                raise not_found(
                    f"hidden_unit_index={index} out of range (have {len(network.hidden)} units)"
                )
            unit = network.hidden[index]
            what = f"hidden_unit[{index}].{field}"
            if field == "weights":
                _same_shape(unit.weights.shape, values.shape, what)
                network.hidden[index] = replace(unit, weights=values)
            else:
                _same_shape((1,), values.reshape(-1).shape, what)
                network.hidden[index] = replace(unit, bias=float(values.reshape(-1)[0]))
        return _answer(state, "patch_weights")


def _same_shape(expected: tuple[int, ...], got: tuple[int, ...], what: str) -> None:
    if expected != got:
        raise bad_request(f"shape mismatch: {what} expects {expected}, got {got}")


def add_hidden_unit(state: TrainingState, body: Any) -> dict[str, Any]:
    """``POST /v1/network/hidden-units``: append a unit (``weights`` over the inputs and the
    existing units, ``bias``, ``activation``) whose output weights are zero.

    Raises:
        ServiceError: 422 for a bad body or non-finite values, 404 without a network, 409
            unless investigating or at ``max_hidden_units``, 400 for a wrong weight count.
    """
    request = validate(body, ADD_MODEL)
    with state.lock:
        network = _investigating(state, "add_hidden_unit_manual")
        cap = state.params.max_hidden_units
        if len(network.hidden) >= cap:
            raise conflict(f"network is at max_hidden_units cap ({cap})")
        weights = _finite(request["weights"], "weights")
        expected = network.feature_count
        if weights.ndim != 1 or weights.shape[0] != expected:
            raise bad_request(
                f"weights shape {weights.shape} does not match expected [{expected}] "
                "(input_size + num_existing_hidden_units)"
            )
        unit = HiddenUnit(
            index=len(network.hidden),
            weights=weights,
            bias=float(request.get("bias", 0.0)),
            activation=canonical_activation(str(request.get("activation", "Tanh"))),
            correlation=0.0,
            installed_at_epoch=state.epochs_done,
        )
        network.install(unit, np.random.default_rng(0))
        network.output_weights[-2] = 0.0
        count = len(network.hidden)
        return _answer(state, "add_hidden_unit", unit_index=unit.index, num_hidden_units=count)


def remove_hidden_unit(state: TrainingState, index: int) -> dict[str, Any]:
    """``DELETE /v1/network/hidden-units/{idx}``: remove a unit; later units lose their input
    from it and move down one place.

    Raises:
        ServiceError: 404 without a network or for an unknown index, 409 unless investigating.
    """
    with state.lock:
        network = _investigating(state, "remove_hidden_unit_manual")
        count = len(network.hidden)
        if not 0 <= index < count:
            raise not_found(f"hidden_unit_index={index} out of range (have {count} units)")
        column = network.input_size + index
        kept = []
        for unit in network.hidden[index + 1 :]:
            weights = np.delete(unit.weights, column)
            kept.append(replace(unit, index=unit.index - 1, weights=weights))
        network.hidden = network.hidden[:index] + kept
        network.output_weights = np.delete(network.output_weights, column, axis=0)
        return _answer(state, "remove_hidden_unit", removed_index=index, num_hidden_units=count - 1)
