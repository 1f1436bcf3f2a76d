"""Validation of request bodies: network parameters, runtime parameters and inline data sets.

Every rejection is a 422 ``ServiceError`` naming the offending field, as FastAPI reports it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from juniper_cascor_fake_server.learner import Dataset, LearnerConfig, dataset_by_name
from juniper_cascor_fake_server.domain.errors import ServiceError, invalid

__all__ = [
    "RUNTIME_PARAMS",
    "NetworkParams",
    "parse_dataset",
    "parse_network_params",
    "parse_runtime_params",
    "training_params",
]

Loc = tuple[str | int, ...]

RUNTIME_PARAMS = frozenset(
    {
        "learning_rate",
        "candidate_learning_rate",
        "correlation_threshold",
        "candidate_pool_size",
        "max_hidden_units",
        "epochs_max",
        "patience",
    }
)
"""Keys that ``PATCH /v1/training/params`` applies while training runs."""

# name -> (type, minimum, maximum, LearnerConfig field or None)
_NUMERIC: dict[str, tuple[type, float, float, str | None]] = {
    "input_size": (int, 1, 1000, None),
    "output_size": (int, 1, 100, None),
    "learning_rate": (float, 1e-9, 10.0, "learning_rate"),
    "candidate_learning_rate": (float, 1e-9, 10.0, "candidate_learning_rate"),
    "max_hidden_units": (int, 0, 1000, "max_hidden_units"),
    "candidate_pool_size": (int, 1, 64, "candidate_pool_size"),
    "correlation_threshold": (float, 0.0, 1.0, "correlation_threshold"),
    "patience": (int, 1, 100_000, "patience"),
    "candidate_epochs": (int, 1, 100_000, "candidate_epochs"),
    "output_epochs": (int, 1, 100_000, "output_epochs"),
    "max_iterations": (int, 1, 10_000_000, "max_epochs"),
    "epochs_max": (int, 1, 10_000_000, "max_epochs"),
    "seed": (int, 0, 2**32 - 1, "seed"),
}
_CHOICES: dict[str, tuple[str, ...]] = {
    "init_output_weights": ("random", "zero"),
    "optimizer_type": ("adam",),
    "activation_function_name": ("tanh", "sigmoid"),
}


@dataclass(frozen=True)
class NetworkParams:
    """A validated ``POST /network`` body."""

    input_size: int = 2
    output_size: int = 1
    init_output_weights: str = "random"
    optimizer_type: str = "adam"
    learner: LearnerConfig = field(default_factory=LearnerConfig)


def _number(value: Any, name: str, loc: Loc) -> float:
    kind, low, high, _ = _NUMERIC[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid(loc, f"Input should be a valid {kind.__name__}", f"{kind.__name__}_type")
    if kind is int and not float(value).is_integer():
        raise invalid(loc, "Input should be a valid integer", "int_from_float")
    if not math.isfinite(value) or not low <= value <= high:
        raise invalid(loc, f"Input should be between {low} and {high}", "value_error")
    return float(value)


def _choice(value: Any, name: str, loc: Loc) -> str:
    choices = _CHOICES[name]
    if value not in choices:
        raise invalid(loc, f"Input should be one of {', '.join(choices)}", "literal_error")
    return str(value)


def parse_network_params(body: dict[str, Any], seed: int) -> NetworkParams:
    """Validate a ``POST /network`` body; unknown keys are ignored like the real server does.

    Raises:
        ServiceError: 422 for a value of the wrong type or out of range.
    """
    learner = LearnerConfig(seed=seed)
    sizes = {"input_size": 2, "output_size": 1}
    for name, value in body.items():
        if value is None or name not in _NUMERIC:
            continue
        number = _number(value, name, ("body", name))
        target = _NUMERIC[name][3]
        if target is None:
            sizes[name] = int(number)
        else:
            change: dict[str, Any] = {target: int(number) if _NUMERIC[name][0] is int else number}
            learner = replace(learner, **change)
    choices = {
        name: _choice(body[name], name, ("body", name))
        for name in _CHOICES
        if body.get(name) is not None
    }
    if "activation_function_name" in choices:
        learner = replace(learner, activation=choices["activation_function_name"])
    return NetworkParams(
        input_size=sizes["input_size"],
        output_size=sizes["output_size"],
        init_output_weights=choices.get("init_output_weights", "random"),
        optimizer_type=choices.get("optimizer_type", "adam"),
        learner=learner,
    )


def parse_runtime_params(params: Any, loc_root: Loc) -> dict[str, Any]:
    """Validate runtime parameter changes; returns ``LearnerConfig`` field changes.

    Raises:
        ServiceError: 422 for an empty or non-object body, an unknown key or a bad value.
    """
    if not isinstance(params, dict) or not params:
        raise invalid(loc_root, "params must be a non-empty object", "missing")
    changes: dict[str, Any] = {}
    for name, value in params.items():
        loc = (*loc_root, name)
        if name not in RUNTIME_PARAMS:
            raise invalid(loc, "Extra inputs are not permitted", "extra_forbidden")
        number = _number(value, name, loc)
        kind, _, _, target = _NUMERIC[name]
        changes[str(target)] = int(number) if kind is int else number
    return changes


def training_params(config: LearnerConfig) -> dict[str, Any]:
    """The training parameters as ``GET /training/params`` reports them."""
    return {
        "learning_rate": config.learning_rate,
        "candidate_learning_rate": config.candidate_learning_rate,
        "correlation_threshold": config.correlation_threshold,
        "candidate_pool_size": config.candidate_pool_size,
        "max_hidden_units": config.max_hidden_units,
        "epochs_max": config.max_epochs,
        "patience": config.patience,
        "candidate_epochs": config.candidate_epochs,
        "output_epochs": config.output_epochs,
        "activation_function_name": config.activation,
        "optimizer_type": "adam",
        "seed": config.seed,
    }


def _matrix(value: Any, loc: Loc, columns: int) -> np.ndarray[Any, np.dtype[np.float64]]:
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise invalid(loc, "Input should be a list of numbers or of rows", "list_type") from exc
    if array.ndim == 1 and columns == 1:
        array = array.reshape(-1, 1)
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] != columns:
        raise invalid(loc, f"Input should be a non-empty list of rows of {columns} values")
    if not np.all(np.isfinite(array)):
        raise invalid(loc, "Input should hold finite numbers")
    return array


def _inline(data: Any, sizes: tuple[int, int], prefix: str) -> Dataset | None:
    x_key, y_key = f"{prefix}_x", f"{prefix}_y"
    if data.get(x_key) is None and data.get(y_key) is None and prefix == "val":
        return None
    x = _matrix(data.get(x_key), ("body", "inline_data", x_key), sizes[0])
    y = _matrix(data.get(y_key), ("body", "inline_data", y_key), sizes[1])
    if x.shape[0] != y.shape[0]:
        raise invalid(("body", "inline_data", y_key), f"{y_key} must have as many rows as {x_key}")
    return Dataset(f"inline_{prefix}", x, y)


def parse_dataset(
    dataset: Any, inline_data: Any, sizes: tuple[int, int]
) -> tuple[Dataset, Dataset | None] | None:
    """The training (and validation) data of a request; ``None`` when the request names none.

    ``dataset`` is ``{"source": "inline"}`` (data in ``inline_data``) or
    ``{"source": "builtin", "name": "xor" | "two_spiral"}``.

    Raises:
        ServiceError: 422 when the data set is unknown or does not fit the network's sizes.
    """
    if dataset is None and inline_data is None:
        return None
    source = dataset.get("source", "inline") if isinstance(dataset, dict) else None
    if source == "builtin" and isinstance(dataset, dict):
        try:
            builtin = dataset_by_name(str(dataset.get("name")))
        except KeyError as exc:
            raise invalid(("body", "dataset", "name"), "Unknown built-in dataset") from exc
        if (builtin.input_size, builtin.output_size) != sizes:
            raise ServiceError(422, "Dataset does not fit the network", ("body", "dataset"))
        return builtin, None
    if source != "inline" or not isinstance(inline_data, dict):
        raise invalid(("body", "inline_data"), "inline_data must be an object with train_x/train_y")
    train = _inline(inline_data, sizes, "train")
    assert train is not None
    return train, _inline(inline_data, sizes, "val")
