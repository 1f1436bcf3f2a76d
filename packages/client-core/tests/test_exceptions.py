"""The exception hierarchy: fields, str/repr, pickle and copy."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable

import pytest

from juniper_cascor_client_core import exceptions as exc_module
from juniper_cascor_client_core.exceptions import (
    JuniperCascorAuthenticationError,
    JuniperCascorClientError,
    JuniperCascorCommandError,
    JuniperCascorConfigurationError,
    JuniperCascorConnectionError,
    JuniperCascorNotFoundError,
    JuniperCascorRateLimitedError,
    JuniperCascorStreamClosedError,
    JuniperCascorValidationError,
)

ALL_ERRORS = [getattr(exc_module, name) for name in exc_module.__all__]

SAMPLES: list[JuniperCascorClientError] = [
    JuniperCascorValidationError(
        "body.learning_rate: too small",
        status_code=422,
        detail=[{"loc": ["body", "learning_rate"], "msg": "too small"}],
    ),
    JuniperCascorRateLimitedError("slow down", status_code=429, retry_after=2.5),
    JuniperCascorStreamClosedError("stream closed", close_code=1011, close_reason="ping timeout"),
    JuniperCascorCommandError("no such", command="jump", command_id="c-1", code="unknown_command"),
    JuniperCascorAuthenticationError("refused", close_code=4001),
    JuniperCascorConfigurationError("base URL has no host: ''"),
    JuniperCascorNotFoundError("HTTP 404: gone", status_code=404, code="SNAPSHOT_ABSENT"),
]


def test_every_error_derives_from_the_root() -> None:
    assert len(ALL_ERRORS) == 14
    for cls in ALL_ERRORS:
        assert issubclass(cls, JuniperCascorClientError)


def test_stream_closed_is_a_connection_error_and_configuration_a_value_error() -> None:
    assert issubclass(JuniperCascorStreamClosedError, JuniperCascorConnectionError)
    assert issubclass(JuniperCascorConfigurationError, ValueError)


@pytest.mark.parametrize("error", SAMPLES, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize(
    "clone",
    [lambda e: pickle.loads(pickle.dumps(e)), copy.copy, copy.deepcopy],
    ids=["pickle", "copy", "deepcopy"],
)
def test_errors_survive_pickle_and_copy(
    error: JuniperCascorClientError, clone: Callable[[Exception], Exception]
) -> None:
    restored = clone(error)
    assert type(restored) is type(error)
    assert vars(restored) == vars(error)
    assert str(restored) == str(error)


def test_str_is_the_message_and_repr_shows_the_fields() -> None:
    error = JuniperCascorRateLimitedError("HTTP 429: slow down", status_code=429, retry_after=1.0)
    assert str(error) == "HTTP 429: slow down"
    assert repr(error) == (
        "JuniperCascorRateLimitedError('HTTP 429: slow down', status_code=429, retry_after=1.0)"
    )
    closed = JuniperCascorStreamClosedError("closed", close_code=1000, close_reason="bye")
    assert "close_code=1000" in repr(closed)
    assert "close_reason='bye'" in repr(closed)


def test_defaults_are_none() -> None:
    error = JuniperCascorClientError("x")
    assert (error.status_code, error.detail, error.response) == (None, None, None)
    command = JuniperCascorCommandError("x")
    assert (command.command, command.command_id, command.code) == (None, None, None)


def test_every_error_carries_the_servers_code() -> None:
    error = JuniperCascorNotFoundError("HTTP 404: gone", status_code=404, code="SNAPSHOT_ABSENT")
    assert error.code == "SNAPSHOT_ABSENT"
    assert repr(error) == (
        "JuniperCascorNotFoundError('HTTP 404: gone', status_code=404, code='SNAPSHOT_ABSENT')"
    )
    assert JuniperCascorClientError("x").code is None
