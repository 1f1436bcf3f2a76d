"""The wire-contract names: complete, consistent, and spelled as the real server spells them."""

from __future__ import annotations

import string
from types import ModuleType

import pytest

from juniper_cascor_client_core import (
    API_KEY_ENV,
    API_KEY_HEADER,
    WS_ORIGIN_ENV,
    constants,
    defaults,
)

ENDPOINTS = [name for name in constants.__all__ if name.startswith("ENDPOINT_")]


@pytest.mark.parametrize("module", [constants, defaults], ids=["constants", "defaults"])
def test_all_lists_every_public_name_once(module: ModuleType) -> None:
    public = {name for name in vars(module) if name.isupper()}
    assert set(module.__all__) == public
    assert len(module.__all__) == len(set(module.__all__))


@pytest.mark.parametrize("name", ENDPOINTS)
def test_endpoints_are_relative_to_the_api_version_path(name: str) -> None:
    path = getattr(constants, name)
    assert path.startswith("/")
    assert not path.startswith(constants.API_VERSION_PATH + "/")
    assert path == path.rstrip("/")
    fields = {field for _, field, _, _ in string.Formatter().parse(path) if field}
    assert fields == (
        ({"snapshot_id"} if "SNAPSHOT_" in name else set())
        | ({"worker_id"} if "WORKER_BY_ID" in name else set())
        | ({"idx"} if "HIDDEN_UNIT_BY_INDEX" in name else set())
    )
    assert name.endswith("_TEMPLATE") == bool(fields)


def test_templates_format_into_paths() -> None:
    assert constants.ENDPOINT_SNAPSHOT_RESTORE_TEMPLATE.format(snapshot_id="s1") == (
        "/snapshots/s1/restore"
    )
    assert constants.ENDPOINT_WORKER_BY_ID_TEMPLATE.format(worker_id="w") == "/workers/w"


def test_websocket_paths_are_absolute() -> None:
    assert constants.WS_TRAINING_PATH == "/ws/training"
    assert constants.WS_CONTROL_PATH == "/ws/control"
    assert constants.WS_WORKERS_PATH == "/ws/v1/workers"


def test_the_aliases_agree_with_their_originals() -> None:
    assert constants.API_PREFIX == constants.API_VERSION_PATH == "/v1"
    assert constants.API_KEY_HEADER_NAME == API_KEY_HEADER == "X-API-Key"
    assert constants.API_KEY_ENV_VAR == API_KEY_ENV == "JUNIPER_CASCOR_API_KEY"
    assert constants.WS_ORIGIN_ENV_VAR == WS_ORIGIN_ENV == "JUNIPER_CASCOR_WS_ORIGIN"
    assert constants.DEFAULT_RETRY_COUNT == constants.DEFAULT_RETRIES == 3
    assert constants.DEFAULT_READY_POLL_INTERVAL == constants.DEFAULT_POLL_INTERVAL == 0.5
    assert constants.DEFAULT_REQUEST_TIMEOUT == constants.DEFAULT_TIMEOUT == 30


def test_state_names_are_the_real_servers_in_both_spellings() -> None:
    machine = [
        constants.TRAINING_STATE_STOPPED,
        constants.TRAINING_STATE_STARTED,
        constants.TRAINING_STATE_PAUSED,
        constants.TRAINING_STATE_COMPLETED,
        constants.TRAINING_STATE_FAILED,
    ]
    assert machine == ["STOPPED", "STARTED", "PAUSED", "COMPLETED", "FAILED"]
    # ``training_state.status`` and ``state`` frames: the same states in title case.
    assert list(constants.TRAINING_STATES) == [name.capitalize() for name in machine]
    assert (constants.PHASE_IDLE, constants.PHASE_OUTPUT, constants.PHASE_CANDIDATE) == (
        "Idle",
        "Output",
        "Candidate",
    )


def test_message_types_and_limits() -> None:
    assert constants.WS_MSG_TYPE_COMMAND_OUT == "command"
    assert (constants.WS_MSG_TYPE_PING, constants.WS_MSG_TYPE_PONG) == ("ping", "pong")
    low, default, high = (
        constants.MIN_DECISION_BOUNDARY_RESOLUTION,
        constants.DEFAULT_DECISION_BOUNDARY_RESOLUTION,
        constants.MAX_DECISION_BOUNDARY_RESOLUTION,
    )
    assert low < default < high
    assert set(constants.RETRY_ALLOWED_METHODS) == {"GET", "HEAD"}
    assert 503 in constants.RETRYABLE_STATUS_CODES


def test_the_upstream_defaults_keep_their_values_read_from_the_defaults_module() -> None:
    upstream = {
        "DEFAULT_BASE_URL": "http://localhost:8200",
        "DEFAULT_WS_BASE_URL": "ws://localhost:8200",
        "DEFAULT_TIMEOUT": 30.0,
        "DEFAULT_RETRIES": 3,
        "DEFAULT_BACKOFF_FACTOR": 0.5,
        "DEFAULT_READY_TIMEOUT": 30.0,
        "DEFAULT_POLL_INTERVAL": 0.5,
        "DEFAULT_SET_PARAMS_TIMEOUT": 1.0,
        "DEFAULT_LIVENESS_WINDOW_SEC": 90.0,
        "DEFAULT_DECISION_BOUNDARY_RESOLUTION": 50,
    }
    for name, value in upstream.items():
        assert getattr(constants, name) == getattr(defaults, name) == value, name
        assert type(getattr(constants, name)) is type(value), name
    assert constants.DEFAULT_CONTROL_STREAM_TIMEOUT == defaults.DEFAULT_COMMAND_TIMEOUT == 30.0
    assert constants.MAX_PENDING_COMMANDS == defaults.DEFAULT_MAX_PENDING == 256
    assert type(constants.DEFAULT_REQUEST_TIMEOUT) is int
