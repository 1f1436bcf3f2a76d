"""Loading training data files for ``juniper-cascor train --data FILE``.

Three formats, chosen by the file suffix:

``.npz``
    A NumPy archive holding the arrays ``inputs`` and ``targets`` (or ``x`` and ``y``).
``.csv``
    Numeric rows; the last ``target_columns`` columns (default 1) are the targets, the rest the
    inputs. A first row with any non-numeric cell is taken as a header and skipped. Targets are
    used as they are: to train several outputs, give one column per output (e.g. one-hot).
``.json``
    An object ``{"inputs": [[...], ...], "targets": [[...], ...]}`` (or ``x`` and ``y``).

A one-dimensional array of inputs or targets is read as a single column. Every problem with a
file (unreadable, wrong format, ragged, non-numeric, non-finite, mismatched row counts) raises
:class:`DataFileError`.
"""

from __future__ import annotations

import csv
import json
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from juniper_cascor_client_core.exceptions import JuniperCascorValidationError

__all__ = ["DataFileError", "TrainingData", "load_training_data"]

FloatArray = NDArray[np.float64]

_KEY_PAIRS = (("inputs", "targets"), ("x", "y"))


class DataFileError(JuniperCascorValidationError):
    """A data file could not be read or does not hold usable training data."""


@dataclass(frozen=True)
class TrainingData:
    """Training inputs of shape (n, input_size) and targets of shape (n, output_size)."""

    inputs: FloatArray
    targets: FloatArray

    @property
    def input_size(self) -> int:
        """Number of input columns."""
        return int(self.inputs.shape[1])

    @property
    def output_size(self) -> int:
        """Number of target columns."""
        return int(self.targets.shape[1])

    def __len__(self) -> int:
        return int(self.inputs.shape[0])

    def inline_data(self) -> dict[str, list[list[float]]]:
        """The data as the ``inline_data`` body of ``POST /v1/training/start``."""
        return {"train_x": self.inputs.tolist(), "train_y": self.targets.tolist()}

    @classmethod
    def from_arrays(cls, inputs: object, targets: object) -> TrainingData:
        """Check and convert two array-likes into training data.

        Raises:
            DataFileError: When they are not finite numeric 1-D/2-D arrays with equal row counts.
        """
        x = _as_matrix(inputs, "inputs")
        y = _as_matrix(targets, "targets")
        if x.shape[0] != y.shape[0]:
            raise DataFileError(f"inputs have {x.shape[0]} rows but targets have {y.shape[0]}")
        return cls(x, y)


def load_training_data(path: str | Path, *, target_columns: int = 1) -> TrainingData:
    """Load a ``.npz``, ``.csv`` or ``.json`` training data file.

    Args:
        path: The file to read; its suffix selects the format.
        target_columns: For CSV files, how many trailing columns are targets.

    Returns:
        The checked training data.

    Raises:
        DataFileError: When the file cannot be read or does not hold usable training data.
    """
    path = Path(path)
    loaders: dict[str, Callable[[Path], TrainingData]] = {
        ".npz": _load_npz,
        ".json": _load_json,
        ".csv": lambda p: _load_csv(p, target_columns),
    }
    loader = loaders.get(path.suffix.lower())
    if loader is None:
        raise DataFileError(
            f"{path}: unsupported data file type {path.suffix or '(none)'!r}; "
            "use .npz, .csv or .json"
        )
    try:
        return loader(path)
    except DataFileError as exc:
        raise DataFileError(f"{path}: {exc}") from exc
    except (OSError, EOFError, zipfile.BadZipFile) as exc:
        raise DataFileError(f"{path}: cannot read: {exc}") from exc


def _load_npz(path: Path) -> TrainingData:
    try:
        loaded = np.load(path, allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            raise DataFileError("not an .npz archive (a single .npy array?)")
        with loaded as archive:
            return _from_mapping({name: archive[name] for name in archive.files})
    except ValueError as exc:  # not an archive, or pickled members
        raise DataFileError(f"not a readable .npz archive: {exc}") from exc


def _load_json(path: Path) -> TrainingData:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(f"not valid JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise DataFileError('expected a JSON object {"inputs": [...], "targets": [...]}')
    return _from_mapping(document)


def _load_csv(path: Path, target_columns: int) -> TrainingData:
    if target_columns < 1:
        raise DataFileError(f"the number of target columns must be >= 1, not {target_columns}")
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = [(number, row) for number, row in enumerate(csv.reader(handle), 1) if row]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DataFileError(f"not a readable CSV file: {exc}") from exc
    if rows and not all(_is_number(cell) for cell in rows[0][1]):
        rows = rows[1:]
    if not rows:
        raise DataFileError("no data rows")
    width = len(rows[0][1])
    if width <= target_columns:
        raise DataFileError(
            f"{width} column(s) leave no inputs beside {target_columns} target column(s)"
        )
    values: list[list[float]] = []
    for number, row in rows:
        if len(row) != width:
            raise DataFileError(f"line {number}: {len(row)} columns, expected {width}")
        try:
            values.append([float(cell) for cell in row])
        except ValueError as exc:
            raise DataFileError(f"line {number}: {exc}") from exc
    table = np.array(values, dtype=np.float64)
    return TrainingData.from_arrays(table[:, :-target_columns], table[:, -target_columns:])


def _from_mapping(arrays: Mapping[str, Any]) -> TrainingData:
    for inputs_key, targets_key in _KEY_PAIRS:
        if inputs_key in arrays and targets_key in arrays:
            return TrainingData.from_arrays(arrays[inputs_key], arrays[targets_key])
    found = ", ".join(sorted(map(str, arrays))) or "nothing"
    raise DataFileError(f"expected arrays 'inputs' and 'targets' (or 'x' and 'y'), found {found}")


def _as_matrix(values: object, name: str) -> FloatArray:
    if isinstance(values, np.ndarray) and values.dtype.kind not in "biuf":
        raise DataFileError(f"{name} must be numeric, not {values.dtype}")
    try:
        matrix = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise DataFileError(f"{name} must be a numeric (rows x columns) array: {exc}") from exc
    if matrix.ndim == 1:
        matrix = matrix.reshape(-1, 1)
    if matrix.ndim != 2 or matrix.shape[0] == 0 or matrix.shape[1] == 0:
        raise DataFileError(
            f"{name} must be a non-empty (rows x columns) array, not {matrix.shape}"
        )
    if not np.isfinite(matrix).all():
        raise DataFileError(f"{name} hold NaN or infinite values")
    return matrix


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
