"""Request-body validation: only a 422 ``ServiceError`` ever escapes, in FastAPI's words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from juniper_cascor_fake_server.domain.datasets import inline_data
from juniper_cascor_fake_server.domain.errors import ServiceError
from juniper_cascor_fake_server.domain.params import (
    NETWORK_MODEL,
    START_PARAMS_MODEL,
    UPDATE_MODEL,
    TrainingParams,
    network_params,
)
from juniper_cascor_fake_server.domain.validation import validate

T = TypeVar("T")
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
KEYS = st.sampled_from(
    [
        "input_size",
        "learning_rate",
        "patience",
        "epochs_max",
        "activation_function_name",
        "train_x",
        "train_y",
        "val_x",
        "test_y",
        "optimizer_type",
        "auto_snap_best",
    ]
)
BODIES = st.dictionaries(KEYS | st.text(max_size=6), JSON, max_size=5)


def _attempt(call: Callable[[], T]) -> T | ServiceError:
    try:
        return call()
    except ServiceError as error:
        return error


def _only_field_errors(outcome: object, root: str) -> None:
    if isinstance(outcome, ServiceError):
        assert outcome.status == 422
        assert outcome.code == "VALIDATION_ERROR"
        assert outcome.detail
        assert all(item["loc"][0] == root for item in outcome.detail)


@given(BODIES)
def test_network_bodies_only_raise_validation_errors(body: dict[str, Any]) -> None:
    outcome = _attempt(lambda: network_params(validate(body, NETWORK_MODEL)))
    _only_field_errors(outcome, "body")
    if not isinstance(outcome, ServiceError):
        assert outcome.training.learning_rate > 0


@given(JSON)
def test_parameter_updates_only_raise_validation_errors(params: Any) -> None:
    outcome = _attempt(lambda: validate(params, UPDATE_MODEL, ("params",)))
    _only_field_errors(outcome, "params")


@given(BODIES)
def test_inline_data_only_raises_validation_errors(body: dict[str, Any]) -> None:
    outcome = _attempt(lambda: inline_data(body))
    if isinstance(outcome, ServiceError) and outcome.status == 400:
        assert (outcome.code, outcome.message) == ("VALIDATION_ERROR", "Invalid request parameters")
    else:
        _only_field_errors(outcome, "body")
    if not isinstance(outcome, ServiceError):
        assert len(outcome.train) == len(body["train_x"]) > 0


def test_messages_are_fastapis() -> None:
    with pytest.raises(ServiceError) as caught:
        validate({"patience": -1, "init_output_weights": "ones"}, UPDATE_MODEL)
    assert caught.value.message == (
        "body.patience: Input should be greater than or equal to 1; "
        "body.init_output_weights: Input should be 'zero' or 'random'"
    )
    assert caught.value.detail == [
        {
            "type": "greater_than_equal",
            "loc": ["body", "patience"],
            "msg": "Input should be greater than or equal to 1",
            "input": -1,
            "ctx": {"ge": 1},
        },
        {
            "type": "literal_error",
            "loc": ["body", "init_output_weights"],
            "msg": "Input should be 'zero' or 'random'",
            "input": "ones",
            "ctx": {"expected": "'zero' or 'random'"},
        },
    ]


def test_start_params_refuse_unknown_keys_and_updates_ignore_them() -> None:
    with pytest.raises(ServiceError) as caught:
        validate({"bogus": 1}, START_PARAMS_MODEL, ("body", "params"), forbid_extra=True)
    assert caught.value.message == "body.params.bogus: Extra inputs are not permitted"
    assert validate({"bogus": 1, "patience": "7"}, UPDATE_MODEL) == {"patience": 7}


def test_applying_parameters_reports_what_landed() -> None:
    params, report = TrainingParams().apply(
        {"learning_rate": 0.2, "epochs_max": 9, "activation_function_name": "sigmoid"}
    )
    assert (params.learning_rate, params.activation_function_name) == (0.2, "Sigmoid")
    assert report == {
        "applied": ["learning_rate", "activation_function_name"],
        "skipped": [{"key": "epochs_max", "reason": "not-updatable"}],
    }
    iterations = min(params.max_iterations, params.max_hidden_units)
    assert params.to_dict()["epochs_max"] == params.output_epochs + iterations * (
        params.candidate_epochs + params.output_epochs
    )


def test_inline_data_checks_alignment() -> None:
    with pytest.raises(ServiceError) as caught:
        inline_data({"train_x": [[0.0], [1.0]], "train_y": [[1.0]]})
    assert caught.value.fields[0].loc == ("body", "inline_data")
    assert "train_x/train_y length mismatch: 2 != 1" in caught.value.message
    with pytest.raises(ServiceError) as flat:
        inline_data({"train_x": [[0.0]], "train_y": [1.0]})
    assert flat.value.fields[0].loc == ("body", "inline_data", "train_y", 0)
    with pytest.raises(ServiceError) as ragged:
        inline_data({"train_x": [[0.0], [1.0, 2.0]], "train_y": [[1.0], [0.0]]})
    assert (ragged.value.status, ragged.value.code) == (400, "VALIDATION_ERROR")
