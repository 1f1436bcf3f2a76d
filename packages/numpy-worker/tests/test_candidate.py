"""``train_candidate`` against the torch worker's goldens, and its validation.

Each golden in ``data/`` is a real ``task_assign`` with the real torch worker's result:
``allNN`` were captured from a running server, ``torch_*`` with
``tools/capture_worker_goldens.py goldens``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from juniper_cascor_numpy_worker.candidate import (
    CandidateError,
    CandidateOutcome,
    CandidateTask,
    train_candidate,
)

DATA = Path(__file__).parent / "data"
GOLDENS = sorted(
    path for path in DATA.glob("*.json") if "task_assign" in json.loads(path.read_text())
)
# Tiny or fully reproduced problems whose trajectory equals the torch worker's bit for bit,
# including XOR, where a one-ulp difference in an early epoch grows into another unit.
BIT_EXACT = [
    "all01",
    "all02",
    "all03",
    "torch_sigmoid_xor",
    "torch_relu_xor",
    "torch_tanh_large",
    "torch_tanh_wide_inputs",
    "torch_silu_medium",
    "torch_softplus_128",
]


def _golden(path: Path) -> tuple[CandidateTask, dict[str, Any], Any]:
    frame = json.loads(path.read_text())
    assign, result = frame["task_assign"], frame["task_result_torch_worker"]
    tensors = np.load(path.with_suffix(".npz"))
    data, params = assign["candidate_data"], assign["training_params"]
    task = CandidateTask(
        inputs=tensors["assign_candidate_input"],
        residual_error=tensors["assign_residual_error"],
        activation_name=data["activation_name"],
        candidate_index=assign["candidate_index"],
        candidate_seed=data["candidate_seed"],
        epochs=params["epochs"],
        learning_rate=params["learning_rate"],
        random_value_scale=data["random_value_scale"],
        random_max_value=data["random_max_value"],
        sequence_max_value=data["sequence_max_value"],
    )
    return task, result, tensors


def _xor(**changes: Any) -> CandidateTask:
    fields: dict[str, Any] = {
        "inputs": np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32),
        "residual_error": np.array(
            [[0.7, -0.2], [-0.5, 0.5], [-0.4, 0.5], [0.3, -0.7]], np.float32
        ),
        "activation_name": "Tanh",
        "candidate_index": 1,
        "candidate_seed": 1181241943,
        "epochs": 20,
        "learning_rate": 0.05,
    }
    return CandidateTask(**{**fields, **changes})


def test_there_are_goldens() -> None:
    names = {path.stem for path in GOLDENS}
    assert {"all01", "all02", "all03", "all05", "all06", "all09", "all10"} <= names
    assert len(names) >= 40


@pytest.mark.parametrize("path", GOLDENS, ids=lambda path: path.stem)
def test_golden_matches_the_torch_worker(path: Path) -> None:
    task, result, tensors = _golden(path)
    if not result["success"]:
        with pytest.raises(CandidateError):
            train_candidate(task)
        return
    outcome = train_candidate(task)
    assert outcome.best_corr_idx == result["best_corr_idx"]
    assert outcome.epochs_completed == result["epochs_completed"]
    assert outcome.correlation == pytest.approx(result["correlation"], abs=1e-5)
    np.testing.assert_allclose(outcome.all_correlations, result["all_correlations"], atol=1e-5)
    np.testing.assert_allclose(outcome.weights, tensors["result_weights"], atol=1e-4, rtol=0)
    np.testing.assert_allclose(outcome.bias, tensors["result_bias"], atol=1e-4, rtol=0)
    for name in ("numerator", "denominator"):
        assert getattr(outcome, name) == pytest.approx(result[name], rel=1e-4, abs=1e-6)
    np.testing.assert_allclose(outcome.norm_output, tensors["result_norm_output"], atol=1e-4)
    np.testing.assert_array_equal(outcome.norm_error, tensors["result_norm_error"])


@pytest.mark.parametrize("name", BIT_EXACT)
def test_golden_is_reproduced_bit_for_bit(name: str) -> None:
    task, result, tensors = _golden(DATA / f"{name}.json")
    outcome = train_candidate(task)
    np.testing.assert_array_equal(outcome.weights, tensors["result_weights"])
    np.testing.assert_array_equal(outcome.bias, tensors["result_bias"])
    np.testing.assert_array_equal(outcome.norm_output, tensors["result_norm_output"])
    assert outcome.all_correlations == tuple(result["all_correlations"])
    assert (outcome.numerator, outcome.denominator) == (result["numerator"], result["denominator"])


def test_outcome_fields_have_the_result_shapes_and_types() -> None:
    task = _xor()
    outcome = train_candidate(task)
    assert isinstance(outcome, CandidateOutcome)
    for array, shape in (
        (outcome.weights, (2,)),
        (outcome.bias, (1,)),
        (outcome.norm_output, (4,)),
        (outcome.norm_error, (4,)),
    ):
        assert array.dtype == np.float32
        assert array.shape == shape
    assert 0.0 <= outcome.correlation <= 1.0
    assert outcome.correlation == outcome.all_correlations[outcome.best_corr_idx]
    assert len(outcome.all_correlations) == 2
    assert outcome.epochs_completed == 20
    assert outcome.training_duration >= 0.0


def test_training_is_deterministic_and_leaves_the_inputs_alone() -> None:
    task = _xor()
    inputs, residual = task.inputs.copy(), task.residual_error.copy()
    first, second = train_candidate(task), train_candidate(task)
    np.testing.assert_array_equal(first.weights, second.weights)
    assert first.all_correlations == second.all_correlations
    np.testing.assert_array_equal(task.inputs, inputs)
    np.testing.assert_array_equal(task.residual_error, residual)


def test_zero_epochs_reports_the_initial_unit() -> None:
    outcome = train_candidate(_xor(epochs=0))
    assert outcome.epochs_completed == 0
    assert outcome.weights.shape == (2,)


def test_inputs_of_other_real_dtypes_are_read_as_float32() -> None:
    reference = train_candidate(_xor())
    outcome = train_candidate(_xor(inputs=_xor().inputs.astype(np.int64)))
    np.testing.assert_array_equal(outcome.weights, reference.weights)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"inputs": np.zeros((4,), np.float32)}, "inputs must be a non-empty 2-D array"),
        ({"inputs": np.zeros((0, 2), np.float32)}, "inputs must be a non-empty 2-D array"),
        ({"inputs": [[0.0, 1.0]]}, "inputs must be a numpy array"),
        ({"inputs": np.array([["a", "b"]] * 4)}, "inputs must hold real numbers"),
        ({"residual_error": np.zeros((3, 2), np.float32)}, "inputs have 4 rows"),
        ({"residual_error": np.full((4, 2), np.nan, np.float32)}, "NaN or infinite"),
        ({"inputs": np.full((4, 2), 1e39)}, "NaN or infinite"),
        ({"activation_name": "Swish"}, "unknown activation 'Swish'"),
        ({"activation_name": "RReLU"}, "RReLU is not supported"),
        ({"activation_name": None}, "activation_name must be a string"),
        ({"epochs": -1}, "epochs must be at least 0"),
        ({"epochs": 2.0}, "epochs must be an integer"),
        ({"epochs": True}, "epochs must be an integer"),
        ({"learning_rate": float("nan")}, "learning_rate must be a finite float32"),
        ({"learning_rate": "0.1"}, "learning_rate must be a number"),
        ({"random_value_scale": 1e40}, "random_value_scale must be a finite float32"),
        ({"candidate_seed": 2**32 - 1}, "outside \\[0, 4294967295\\]"),
        ({"candidate_seed": -5}, "outside \\[0, 4294967295\\]"),
        ({"candidate_seed": "7"}, "candidate_seed must be an integer"),
        ({"sequence_max_value": -1}, "sequence_max_value -1 is outside"),
        ({"sequence_max_value": 2**63}, "is outside \\[0, 2\\*\\*63 - 1\\]"),
    ],
)
def test_a_task_that_cannot_be_done_raises_candidate_error(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(CandidateError, match=message):
        train_candidate(_xor(**changes))


def test_diverging_training_raises_candidate_error() -> None:
    # An unbounded activation with a huge step overflows float32 within a few epochs.
    task = _xor(activation_name="Identity", learning_rate=3e38, epochs=5)
    with pytest.raises(CandidateError, match="training diverged"):
        train_candidate(task)


_ANY = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
)
_ARRAYS = st.one_of(
    _ANY,
    hnp.arrays(
        dtype=st.sampled_from([np.float32, np.float64, np.int16, np.complex64, np.bool_]),
        shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5),
    ),
    st.sampled_from(
        [np.zeros((4, 2), np.float32), np.zeros((4, 3), np.float32), np.zeros((2, 2, 2))]
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    inputs=_ARRAYS,
    residual_error=_ARRAYS,
    activation_name=st.one_of(_ANY, st.sampled_from(["Tanh", "GLU", "relu", "GELU", "Softmax"])),
    candidate_index=_ANY,
    candidate_seed=_ANY,
    epochs=st.one_of(_ANY.filter(lambda v: not isinstance(v, int) or v < 4), st.just(3)),
    learning_rate=_ANY,
    random_value_scale=_ANY,
    sequence_max_value=_ANY,
)
def test_only_candidate_error_escapes(**fields: Any) -> None:
    try:
        outcome = train_candidate(CandidateTask(random_max_value=0, **fields))
    except CandidateError:
        return
    assert np.isfinite(outcome.weights).all()
    assert 0.0 <= outcome.correlation <= 1.0
