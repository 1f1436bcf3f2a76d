"""Request-body validation: only ``ServiceError`` (422) ever escapes, whatever the input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from juniper_cascor_fake_server.domain.errors import ServiceError
from juniper_cascor_fake_server.domain.params import (
    parse_dataset,
    parse_network_params,
    parse_runtime_params,
)

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
        "source",
        "name",
        "optimizer_type",
    ]
)
BODIES = st.dictionaries(KEYS | st.text(max_size=6), JSON, max_size=5)


def _attempt(call: Callable[[], T]) -> T | ServiceError:
    try:
        return call()
    except ServiceError as error:
        return error


@given(BODIES)
def test_network_params_only_raise_service_errors(body: dict[str, Any]) -> None:
    outcome = _attempt(lambda: parse_network_params(body, seed=0))
    if isinstance(outcome, ServiceError):
        assert outcome.status == 422
        assert outcome.loc[0] == "body"
    else:
        assert outcome.learner.learning_rate > 0


@given(JSON)
def test_runtime_params_only_raise_service_errors(params: Any) -> None:
    outcome = _attempt(lambda: parse_runtime_params(params, ("params",)))
    if isinstance(outcome, ServiceError):
        assert outcome.status == 422
    else:
        assert outcome


@given(JSON, BODIES)
def test_datasets_only_raise_service_errors(dataset: Any, inline: dict[str, Any]) -> None:
    outcome = _attempt(lambda: parse_dataset(dataset, inline, (2, 1)))
    if isinstance(outcome, ServiceError):
        assert outcome.status == 422
    else:
        assert outcome is None or outcome[0].x.shape[1] == 2


def test_valid_values_are_applied() -> None:
    params = parse_network_params(
        {"input_size": 3, "max_iterations": 7, "activation_function_name": "sigmoid"}, seed=5
    )
    assert (params.input_size, params.learner.max_epochs) == (3, 7)
    assert (params.learner.activation, params.learner.seed) == ("sigmoid", 5)
    with pytest.raises(ServiceError) as caught:
        parse_network_params({"patience": 1.5}, seed=0)
    assert caught.value.loc == ("body", "patience")
