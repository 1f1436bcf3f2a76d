"""The data-file loaders of ``juniper-cascor train --data``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from juniper_cascor_client.cli.data import DataFileError, TrainingData, load_training_data
from juniper_cascor_client_core.exceptions import JuniperCascorValidationError

XOR_X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
XOR_Y = [[0.0], [1.0], [1.0], [0.0]]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("inputs_key", "targets_key"), [("inputs", "targets"), ("x", "y")])
def test_npz_with_either_pair_of_names(tmp_path: Path, inputs_key: str, targets_key: str) -> None:
    path = tmp_path / "xor.npz"
    arrays: dict[str, Any] = {inputs_key: np.array(XOR_X), targets_key: np.array([0, 1, 1, 0])}
    np.savez(path, **arrays)
    data = load_training_data(path)
    assert data.inputs.tolist() == XOR_X
    assert data.targets.tolist() == XOR_Y
    assert (len(data), data.input_size, data.output_size) == (4, 2, 1)


def test_json_object(tmp_path: Path) -> None:
    path = _write(tmp_path / "xor.json", json.dumps({"inputs": XOR_X, "targets": XOR_Y}))
    assert load_training_data(path).inline_data() == {"train_x": XOR_X, "train_y": XOR_Y}


def test_csv_with_header_and_two_target_columns(tmp_path: Path) -> None:
    path = _write(tmp_path / "d.csv", "a,b,c0,c1\n0,0,1,0\n\n1,1,0,1\n")
    data = load_training_data(path, target_columns=2)
    assert data.inputs.tolist() == [[0.0, 0.0], [1.0, 1.0]]
    assert data.targets.tolist() == [[1.0, 0.0], [0.0, 1.0]]


def test_csv_without_header_defaults_to_one_target_column(tmp_path: Path) -> None:
    path = _write(tmp_path / "d.CSV", "0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    data = load_training_data(path)
    assert data.inputs.tolist() == XOR_X
    assert data.targets.tolist() == XOR_Y


@pytest.mark.parametrize(
    ("name", "text", "fragment"),
    [
        ("d.csv", "1,2\n3\n", "line 2: 1 columns, expected 2"),
        ("d.csv", "1,2\n3,x\n", "line 2"),
        ("d.csv", "x,y\n", "no data rows"),
        ("d.csv", "1\n2\n", "leave no inputs"),
        ("d.csv", "1,nan\n", "NaN or infinite"),
        ("d.json", "[1, 2]", "expected a JSON object"),
        ("d.json", "{not json", "not valid JSON"),
        ("d.json", '{"inputs": [[1, 2]]}', "found inputs"),
        ("d.json", '{"inputs": [[1, 2], [3]], "targets": [1, 2]}', "inputs must be"),
        ("d.json", '{"inputs": [[1, 2]], "targets": [1, 2]}', "1 rows but targets have 2"),
        ("d.json", '{"inputs": [], "targets": []}', "non-empty"),
        ("d.json", '{"inputs": [["a", "b"]], "targets": [1]}', "inputs must be"),
        ("d.json", '{"x": [[[1]]], "y": [1]}', "non-empty (rows x columns)"),
        ("d.npz", "plain text", "not a readable .npz archive"),
        ("d.txt", "1,2", "unsupported data file type '.txt'"),
    ],
)
def test_bad_files_raise_data_file_error(
    tmp_path: Path, name: str, text: str, fragment: str
) -> None:
    path = _write(tmp_path / name, text)
    with pytest.raises(DataFileError, match=re.escape(fragment)) as caught:
        load_training_data(path)
    assert str(caught.value).startswith(str(path))


def test_missing_file_is_a_validation_error(tmp_path: Path) -> None:
    with pytest.raises(JuniperCascorValidationError, match="cannot read"):
        load_training_data(tmp_path / "absent.json")


def test_csv_target_columns_must_be_positive(tmp_path: Path) -> None:
    path = _write(tmp_path / "d.csv", "1,2\n")
    with pytest.raises(DataFileError, match="must be >= 1"):
        load_training_data(path, target_columns=0)


def test_npz_with_a_single_array_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "single.npz"
    with path.open("wb") as handle:
        np.save(handle, np.zeros(3))
    with pytest.raises(DataFileError, match=r"not an \.npz archive"):
        load_training_data(path)


def test_npz_with_object_arrays_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "objects.npz"
    np.savez(path, inputs=np.array([{"a": 1}], dtype=object), targets=np.array([1]))
    with pytest.raises(DataFileError, match=r"not a readable \.npz archive"):
        load_training_data(path)


def test_npz_with_string_arrays_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "strings.npz"
    np.savez(path, inputs=np.array([["a", "b"]]), targets=np.array([1]))
    with pytest.raises(DataFileError, match="inputs must be numeric"):
        load_training_data(path)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=200), st.sampled_from([".npz", ".csv", ".json"]))
def test_arbitrary_bytes_never_raise_anything_else(
    tmp_path_factory: pytest.TempPathFactory, payload: bytes, suffix: str
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / f"data{suffix}"
    path.write_bytes(payload)
    try:
        data = load_training_data(path)
    except DataFileError:
        return
    assert isinstance(data, TrainingData)
    assert data.inputs.shape[0] == data.targets.shape[0] > 0
