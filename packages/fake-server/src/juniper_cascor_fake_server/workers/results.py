"""The checks a ``task_result`` must pass before the server accepts it (juniper-cascor 0.12.0).

The server trusts the worker's own manifest: tensors are checked against the shapes and dtypes
the worker declared, not against the task. A result passes when its required fields are present
and typed (``task_id``, ``candidate_id`` int, ``correlation`` in [0, 1], ``success`` bool,
``epochs_completed`` int), a successful one carries non-empty ``weights``, and every tensor
matches its manifest entry, holds no NaN or infinity, and no weight exceeds 100 in magnitude.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from juniper_cascor_fake_server.learner import CandidateResult, CandidateTask
from juniper_cascor_protocol.worker import MAX_WEIGHT_MAGNITUDE

__all__ = [
    "MAX_MANIFEST_ENTRIES",
    "manifest_refusal",
    "remote_candidate",
    "result_problems",
]

logger = logging.getLogger(__name__)

MAX_MANIFEST_ENTRIES = 32
"""Most tensors a ``task_result`` manifest may announce."""

Tensors = Mapping[str, NDArray[Any]]


def manifest_refusal(frame: Mapping[str, Any]) -> str | None:
    """Why the result's manifest cannot even be read (answered with an error frame), or ``None``."""
    if "tensor_manifest" not in frame:
        return None
    manifest = frame["tensor_manifest"]
    if not isinstance(manifest, dict):
        return f"tensor_manifest must be a JSON object, got {type(manifest).__name__}"
    if len(manifest) > MAX_MANIFEST_ENTRIES:
        return f"tensor_manifest has too many entries: {len(manifest)} > {MAX_MANIFEST_ENTRIES}"
    return None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _schema_problems(frame: Mapping[str, Any]) -> list[str]:
    missing = [
        f"missing {name}"
        for name in ("task_id", "candidate_id", "correlation", "success", "epochs_completed")
        if name not in frame
    ]
    if missing:
        return missing
    problems = []
    if not _is_int(frame["candidate_id"]):
        problems.append("candidate_id is not an integer")
    correlation = frame["correlation"]
    if not (_is_int(correlation) or isinstance(correlation, float)):
        problems.append("correlation is not a number")
    elif not 0.0 <= correlation <= 1.0:
        problems.append(f"correlation {correlation} is outside [0, 1]")
    if not isinstance(frame["success"], bool):
        problems.append("success is not a boolean")
    if not _is_int(frame["epochs_completed"]):
        problems.append("epochs_completed is not an integer")
    return problems


def _tensor_problems(tensors: Tensors, manifest: Mapping[str, Any]) -> list[str]:
    problems = []
    for name, spec in manifest.items():
        array = tensors[name]
        if not isinstance(spec, dict) or "shape" not in spec or "dtype" not in spec:
            problems.append(f"{name}: the manifest entry needs shape and dtype")
            continue
        shape = spec["shape"]
        if not isinstance(shape, list) or array.shape != tuple(shape):
            problems.append(f"{name}: shape {array.shape} is not the manifest's {shape}")
        if str(array.dtype) != spec["dtype"]:
            problems.append(f"{name}: dtype {array.dtype} is not the manifest's {spec['dtype']}")
        if array.dtype.kind in "fc" and not np.isfinite(array).all():
            problems.append(f"{name}: holds NaN or infinite values")
    weights = tensors.get("weights")
    if weights is not None:
        if weights.size == 0:
            problems.append("weights: empty")
        elif float(np.abs(weights.astype(np.float64)).max()) > MAX_WEIGHT_MAGNITUDE:
            problems.append(f"weights: a magnitude over {MAX_WEIGHT_MAGNITUDE}")
    return problems


def result_problems(frame: Mapping[str, Any], tensors: Tensors) -> list[str]:
    """Why the server rejects (and requeues) this result; empty when it is accepted.

    ``tensors`` holds one decoded array per manifest entry.
    """
    problems = _schema_problems(frame)
    if problems:
        return problems
    weights = tensors.get("weights")
    if frame["success"] is True and (weights is None or weights.size == 0):
        return ["success without weights"]
    manifest = frame.get("tensor_manifest") or {}
    return _tensor_problems(tensors, manifest)


def remote_candidate(
    task: CandidateTask, frame: Mapping[str, Any], tensors: Tensors
) -> CandidateResult | None:
    """The candidate an accepted, successful result describes; ``None`` when it cannot be used.

    The worker's scores are taken on trust. Weights that do not fit the task (the server only
    checked them against the worker's own manifest) make the candidate unusable, and it is
    trained in process instead.
    """
    weights = np.asarray(tensors["weights"], dtype=np.float64).reshape(-1)
    bias = np.asarray(tensors.get("bias", np.zeros(1)), dtype=np.float64).reshape(-1)
    columns = task.candidate_input.shape[1]
    if weights.shape != (columns,) or bias.shape != (1,):
        logger.warning(
            "candidate %d: weights %s and bias %s do not fit %d inputs; training it here",
            task.candidate_index,
            weights.shape,
            bias.shape,
            columns,
        )
        return None
    correlations = frame.get("all_correlations")
    return CandidateResult(
        candidate_index=task.candidate_index,
        candidate_uuid=task.candidate_uuid,
        weights=weights,
        bias=float(bias[0]),
        correlation=float(frame["correlation"]),
        numerator=_number(frame.get("numerator"), 0.0),
        denominator=_number(frame.get("denominator"), 1.0),
        all_correlations=tuple(
            _number(value, 0.0)
            for value in (correlations if isinstance(correlations, list) else ())
        ),
        best_corr_idx=frame["best_corr_idx"] if _is_int(frame.get("best_corr_idx")) else -1,
        epochs_completed=int(frame["epochs_completed"]),
        activation=task.activation,
    )


def _number(value: object, default: float) -> float:
    return (
        float(value) if isinstance(value, int | float) and not isinstance(value, bool) else default
    )
