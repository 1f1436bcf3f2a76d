"""Training data of a request: inline arrays, the in-process spiral, and staged data sets.

- ``inline_data`` (``InlineDataset``): ``train_x``/``train_y`` and optional ``val_*``/``test_*``
  rows; the real server's validation, messages included.
- ``dataset: {"generator": "spiral", "params": {...}}``: the real server's in-process spiral
  (one-hot targets, one column per spiral); other generators are refused with 422.
- ``POST /v1/training/dataset`` (``StageDatasetRequest``) stages a config the next start loads.
  The real server fetches it from juniper-data; the fake generates ``xor`` and ``spirals``
  itself and refuses the start for the other types.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from juniper_cascor_fake_server.domain.errors import (
    FieldError,
    ServiceError,
    conflict,
    invalid,
    validation_failed,
)
from juniper_cascor_fake_server.domain.validation import Spec, check, validate
from juniper_cascor_fake_server.learner import Dataset, two_spirals, xor

__all__ = [
    "STAGE_MODEL",
    "TrainingData",
    "check_fits",
    "inline_data",
    "spiral_data",
    "staged_data",
    "start_data",
]

MAX_SAMPLES = 100_000
STAGE_MODEL: dict[str, Spec] = {
    "dataset_type": Spec(
        choices=(
            "spirals",
            "xor",
            "mnist",
            "circles",
            "moons",
            "equities",
            "gaussian",
            "checkerboard",
        )
    ),
    "n_samples": Spec(int, ge=1, le=MAX_SAMPLES),
    "noise": Spec(float, ge=0.0, le=1.0),
    "rotations": Spec(float, ge=0.0, le=10.0),
    "n_spirals": Spec(int, ge=2, le=10),
    "n_squares": Spec(int, ge=2, le=16),
    "params": Spec(dict),
}
"""``StageDatasetRequest`` (and the live-swap body)."""
_SOURCE_MODEL = {
    "source": Spec(str),
    "url": Spec(str),
    "generator": Spec(str),
    "params": Spec(dict),
}

_PARTS = ("train", "val", "test")
_REFUSED_ARRAYS = "Invalid request parameters"
_FLOAT = Spec(float)


@dataclass(frozen=True)
class TrainingData:
    """The data a run trains on; ``config`` names it (``None`` for raw inline arrays)."""

    train: Dataset
    validation: Dataset | None = None
    test: Dataset | None = None
    config: dict[str, Any] | None = None

    @property
    def sizes(self) -> tuple[int, int]:
        """``(input features, output features)``."""
        return self.train.input_size, self.train.output_size


def _rows(value: Any, loc: tuple[str | int, ...], errors: list[FieldError]) -> list[list[float]]:
    if not isinstance(value, list):
        errors.append(FieldError(loc, "Input should be a valid list", "list_type", value))
        return []
    if len(value) > MAX_SAMPLES:
        message = f"List should have at most {MAX_SAMPLES} items after validation, not {len(value)}"
        ctx = {"field_type": "List", "max_length": MAX_SAMPLES, "actual_length": len(value)}
        errors.append(FieldError(loc, message, "too_long", value, ctx))
        return []
    rows: list[list[float]] = []
    for index, row in enumerate(value):
        if not isinstance(row, list):
            errors.append(
                FieldError((*loc, index), "Input should be a valid list", "list_type", row)
            )
            continue
        converted = [check(cell, _FLOAT, (*loc, index, column)) for column, cell in enumerate(row)]
        errors.extend(cell for cell in converted if isinstance(cell, FieldError))
        rows.append([cell for cell in converted if not isinstance(cell, FieldError)])
    return rows


def _width(rows: list[list[float]]) -> int | None:
    return len(rows[0]) if rows else None


def _alignment(arrays: dict[str, list[list[float]]]) -> str | None:
    train_x, train_y = arrays["train_x"], arrays["train_y"]
    if len(train_x) != len(train_y):
        return f"train_x/train_y length mismatch: {len(train_x)} != {len(train_y)}"
    for part in ("val", "test"):
        xs, ys = arrays.get(f"{part}_x"), arrays.get(f"{part}_y")
        if xs is None or ys is None:
            if (xs is None) != (ys is None):
                missing = f"{part}_y" if xs is not None else f"{part}_x"
                return f"{part} split requires both {part}_x and {part}_y; missing {missing}"
            continue
        if len(xs) != len(ys):
            return f"{part}_x/{part}_y length mismatch: {len(xs)} != {len(ys)}"
        for axis, rows, train in (("x", xs, train_x), ("y", ys, train_y)):
            width, expected = _width(rows), _width(train)
            if width is not None and expected is not None and width != expected:
                noun = "feature" if axis == "x" else "target"
                return (
                    f"{part}_{axis} {noun} count {width} does not match train_{axis}'s {expected}"
                )
    return None


def _dataset(name: str, x: list[list[float]], y: list[list[float]]) -> Dataset:
    """The rows as arrays; ragged or empty rows are refused like the real server's tensors.

    Raises:
        ServiceError: 400 ``VALIDATION_ERROR`` "Invalid request parameters".
    """
    try:
        arrays = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    except ValueError as exc:
        raise ServiceError(400, _REFUSED_ARRAYS, "VALIDATION_ERROR") from exc
    if any(array.ndim != 2 or 0 in array.shape for array in arrays):
        raise ServiceError(400, _REFUSED_ARRAYS, "VALIDATION_ERROR")
    return Dataset(name, *arrays)


def inline_data(body: Any) -> TrainingData:
    """``TrainingData`` from an ``inline_data`` object.

    Raises:
        ServiceError: 422 as the real server's ``InlineDataset`` model reports it.
    """
    loc: tuple[str | int, ...] = ("body", "inline_data")
    if not isinstance(body, dict):
        message = "Input should be a valid dictionary or object to extract fields from"
        raise invalid(loc, message, "model_attributes_type", body)
    errors: list[FieldError] = []
    arrays: dict[str, list[list[float]]] = {}
    for key in [f"{part}_{axis}" for part in _PARTS for axis in "xy"]:
        if body.get(key) is not None:
            arrays[key] = _rows(body[key], (*loc, key), errors)
        elif key.startswith("train"):
            errors.append(FieldError((*loc, key), "Field required", "missing", body))
    errors.extend(
        FieldError((*loc, key), "Extra inputs are not permitted", "extra_forbidden", body[key])
        for key in body
        if key not in {f"{part}_{axis}" for part in _PARTS for axis in "xy"}
    )
    if errors:
        raise validation_failed(errors)
    mismatch = _alignment(arrays)
    if mismatch is not None:
        raise invalid(loc, f"Value error, {mismatch}", "value_error", body, {"error": {}})
    parts = {
        part: _dataset(f"inline_{part}", arrays[f"{part}_x"], arrays[f"{part}_y"])
        for part in _PARTS
        if f"{part}_x" in arrays
    }
    return TrainingData(parts["train"], parts.get("val"), parts.get("test"))


def spiral_data(params: dict[str, Any]) -> TrainingData:
    """The real server's in-process spiral: ``n_spirals`` arms, one one-hot column per arm.

    Raises:
        ServiceError: 409 when a parameter is not a number (the real server fails the start).
    """
    try:
        per_arm = int(params.get("n_points_per_spiral", params.get("n_per_spiral", 100)))
        arms = int(params.get("n_spirals", 2))
        rotations = float(params.get("n_rotations", 2.0))
        noise = float(params.get("noise", 0.0))
        radius = float(params.get("radius", 10.0))
        rng = np.random.default_rng(params.get("seed"))
    except (TypeError, ValueError) as exc:
        raise conflict(f"Training cannot be started: {exc}") from exc
    xs, ys = [], []
    for arm in range(arms):
        t = np.linspace(0.0, 2.0 * math.pi * rotations, per_arm)
        radial = radius * t / max(float(t[-1]), 1e-12)
        angle = t + 2.0 * math.pi * arm / arms
        points = np.column_stack([radial * np.cos(angle), radial * np.sin(angle)])
        xs.append(points + noise * rng.standard_normal(points.shape))
        targets = np.zeros((per_arm, arms))
        targets[:, arm] = 1.0
        ys.append(targets)
    config = {"dataset_type": "spiral", **params}
    return TrainingData(Dataset("spiral", np.vstack(xs), np.vstack(ys)), config=config)


def _targets(dataset: Dataset, outputs: int) -> Dataset:
    """A 0/1 single-column data set with ``outputs`` columns (one-hot when more than one)."""
    if outputs == 1:
        return dataset
    labels = dataset.y[:, 0].astype(int)
    return Dataset(dataset.name, dataset.x, np.eye(outputs)[np.clip(labels, 0, outputs - 1)])


def staged_data(config: dict[str, Any], outputs: int) -> TrainingData | None:
    """The data set a staged config names, with ``outputs`` target columns; ``None`` for a
    type this server cannot generate (only ``xor`` and ``spirals``)."""
    kind = config.get("dataset_type")
    if kind == "xor":
        corners = xor()
        count = int(config.get("n_samples") or len(corners))
        rows = np.arange(count) % len(corners)
        rng = np.random.default_rng(0)
        jitter = float(config.get("noise") or 0.0) * rng.standard_normal((count, 2))
        base = Dataset("xor", corners.x[rows] + jitter, corners.y[rows])
    elif kind == "spirals":
        base = two_spirals()
    else:
        return None
    return TrainingData(_targets(base, outputs), config=dict(config))


def check_fits(data: TrainingData, sizes: tuple[int, int]) -> None:
    """Refuse data whose features or targets do not match the network.

    Raises:
        ServiceError: 409 naming both sizes.
    """
    if data.sizes != sizes:
        raise conflict(
            "Training cannot be started: the dataset has "
            f"{data.sizes[0]} inputs and {data.sizes[1]} outputs, the network "
            f"{sizes[0]} and {sizes[1]}"
        )


def start_data(body: dict[str, Any]) -> TrainingData | None:
    """The data a start body carries: ``inline_data``, or the in-process spiral generator.

    Raises:
        ServiceError: 422 for bad inline data or an unsupported generator.
    """
    source = body.get("dataset")
    source = {} if source is None else validate(source, _SOURCE_MODEL, ("body", "dataset"))
    generator = source.get("generator")
    if generator not in (None, "spiral"):
        raise ServiceError(
            422,
            f"dataset.generator '{generator}' is not supported on POST /v1/training/start — only "
            "the in-process 'spiral' fallback is materialized here. Stage the dataset instead: "
            'POST /v1/training/dataset with {"dataset_type": ..., "params": {...}}, then start.',
        )
    data = inline_data(body["inline_data"]) if body.get("inline_data") is not None else None
    if generator == "spiral":
        data = spiral_data(source.get("params", {}))
    return data
