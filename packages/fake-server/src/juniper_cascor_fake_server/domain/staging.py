"""Data set staging, the live swap and the experimental-functions gate.

``POST /v1/training/dataset`` stages a config the next start loads (``DELETE`` discards it);
``POST /v1/training/dataset/live`` swaps the data of a running training, only while the
experimental-functions gate (``/v1/admin/experimental_functions``) is open.
"""

from __future__ import annotations

from typing import Any

from juniper_cascor_fake_server.domain.datasets import STAGE_MODEL, staged_data
from juniper_cascor_fake_server.domain.errors import ServiceError, forbidden, not_found
from juniper_cascor_fake_server.domain.machine import TrainingStatus
from juniper_cascor_fake_server.domain.operations import Operations
from juniper_cascor_fake_server.domain.progress import iso_now
from juniper_cascor_fake_server.domain.state import TrainingState
from juniper_cascor_fake_server.domain.validation import Spec, validate

__all__ = [
    "cancel_live_swap",
    "clear_pending",
    "experimental_functions",
    "pending",
    "set_experimental_functions",
    "stage",
    "swap_live",
]

_GATE_CLOSED = "experimental_functions_disabled"


def stage(state: TrainingState, body: Any) -> dict[str, Any]:
    """``POST /v1/training/dataset``: stage a config (an empty one clears the staging).

    Raises:
        ServiceError: 422 for a bad body.
    """
    config = validate(body, STAGE_MODEL)
    with state.lock:
        state.pending_config = config or None
    if not config:
        return {"status": "cleared", "config": None}
    return {"status": "staged", "config": dict(config)}


def clear_pending(state: TrainingState) -> dict[str, Any]:
    """``DELETE /v1/training/dataset``: discard the staged config."""
    with state.lock:
        prior, state.pending_config = state.pending_config, None
    return {"status": "cleared", "discarded": prior}


def pending(state: TrainingState) -> dict[str, Any]:
    """``GET /v1/training/dataset/pending``."""
    with state.lock:
        return {"pending": dict(state.pending_config) if state.pending_config else None}


def experimental_functions(state: TrainingState) -> dict[str, Any]:
    """``GET /v1/admin/experimental_functions``."""
    return {"enabled": state.experimental_functions}


def set_experimental_functions(state: TrainingState, body: Any) -> dict[str, Any]:
    """``POST /v1/admin/experimental_functions`` with ``{"enabled": bool}``.

    Raises:
        ServiceError: 422 without a boolean ``enabled``.
    """
    enabled = validate(body, {"enabled": Spec(bool, required=True)})["enabled"]
    state.experimental_functions = bool(enabled)
    return {"experimental_functions_enabled": state.experimental_functions}


def swap_live(operations: Operations, body: Any) -> dict[str, Any]:
    """``POST /v1/training/dataset/live``: train on another data set of the same sizes, now.

    Raises:
        ServiceError: 422 for a bad body, when training is not running or the sizes differ;
            403 while the gate is closed; 502 for a type this server cannot generate.
    """
    config = validate(body, STAGE_MODEL)
    state = operations.state
    if not state.experimental_functions:
        raise forbidden(_GATE_CLOSED)
    with state.lock:
        if state.status is not TrainingStatus.STARTED:
            raise ServiceError(
                422, "training_not_running — use POST /v1/training/dataset (cold swap) instead"
            )
        network = state.require_network()
        sizes = (network.input_size, network.output_size)
        data = staged_data(config, network.output_size)
        if data is None:
            raise ServiceError(502, f"cannot generate dataset {config.get('dataset_type')!r}")
        if data.sizes != sizes:
            raise ServiceError(422, f"dim_change_unsupported: {data.sizes} != {sizes}")
        before = dict(state.data.config) if state.data and state.data.config else None
    operations.trainer.stop()
    event = {"timestamp": iso_now(), "before_cfg": before, "after_cfg": dict(config)}
    with state.lock:
        state.data = data
        state.swap_events.append(event)
    operations.start({})
    state.emit("event", {"event": "dataset_swap", "swap": event})
    return {
        "status": "swapped",
        "before_cfg": before,
        "after_cfg": dict(config),
        "arch_changes": {"input_delta": 0, "output_delta": 0, "hidden_preserved": True},
        "mode": "output_training_first",
    }


def cancel_live_swap(state: TrainingState) -> dict[str, Any]:
    """``DELETE /v1/training/dataset/live``: swaps finish at once here, so there is never one
    to cancel.

    Raises:
        ServiceError: 403 while the gate is closed, 404 otherwise.
    """
    if not state.experimental_functions:
        raise forbidden(_GATE_CLOSED)
    raise not_found("no_swap_in_progress")
