"""Typed worker messages: field validation (the error names the field) and round trips."""

from __future__ import annotations

import json
import math
import pickle
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from juniper_cascor_protocol.worker import (
    ErrorMessage,
    Heartbeat,
    HeartbeatEcho,
    Register,
    RegistrationAck,
    ResultAck,
    TaskAssign,
    TensorSpec,
    TokenRefresh,
    WorkerCapabilities,
    WorkerMessage,
    WorkerProtocolError,
)

Sample = Callable[[str], dict[str, Any]]
Classes = dict[str, type[WorkerMessage]]

DELETE = object()


def _edit(frame: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """Set (or delete, for ``DELETE``) the dotted ``path`` of ``frame``."""
    *parents, last = path.split(".")
    target = frame
    for key in parents:
        target = target[key]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return frame


# (sample, dotted path, bad value, expected field, expected message after "<field>: ")
BAD = [
    ("connection_established", "data", DELETE, "data", "is required"),
    ("connection_established", "data", [], "data", "must be an object, got list"),
    (
        "connection_established",
        "data.channel",
        "control",
        "data.channel",
        "must be one of 'workers', got 'control'",
    ),
    ("register", "worker_id", DELETE, "worker_id", "is required"),
    ("register", "worker_id", "", "worker_id", "must be a non-empty string, got str"),
    ("register", "worker_id", 7, "worker_id", "must be a non-empty string, got int"),
    ("register", "worker_id", "-lead", "worker_id", "must match"),
    ("register", "worker_id", "_lead", "worker_id", "must match"),
    ("register", "worker_id", "a" * 65, "worker_id", "must match"),
    ("register", "worker_id", "has space", "worker_id", "must match"),
    ("register", "worker_id", "trailing\n", "worker_id", "must match"),
    ("register", "capabilities", "x", "capabilities", "must be an object, got str"),
    ("register", "capabilities", DELETE, "capabilities", "is required"),
    (
        "register",
        "capabilities.cpu_cores",
        math.nan,
        "capabilities.cpu_cores",
        "must be finite, got nan",
    ),
    ("registration_ack", "worker_id", "worker 1", "worker_id", "must match"),
    ("registration_ack", "data", DELETE, "data", "is required"),
    (
        "registration_ack",
        "data.status",
        "pending",
        "data.status",
        "must be one of 'registered', got 'pending'",
    ),
    ("registration_ack", "data.client_name", "-x", "data.client_name", "must match"),
    ("heartbeat", "worker_id", DELETE, "worker_id", "is required"),
    ("heartbeat", "timestamp", True, "timestamp", "must be a number, got bool"),
    ("heartbeat", "timestamp", "1", "timestamp", "must be a number, got str"),
    ("heartbeat", "timestamp", -1, "timestamp", "must be at least 0, got -1"),
    ("heartbeat", "timestamp", math.nan, "timestamp", "must be finite, got nan"),
    ("heartbeat", "timestamp", math.inf, "timestamp", "must be finite, got inf"),
    ("heartbeat", "timestamp", 10**400, "timestamp", "must be finite"),
    ("heartbeat", "in_flight_tasks", -1, "in_flight_tasks", "must be at least 0, got -1"),
    ("heartbeat", "in_flight_tasks", True, "in_flight_tasks", "must be an integer, got bool"),
    ("heartbeat", "in_flight_tasks", 1.0, "in_flight_tasks", "must be an integer, got float"),
    ("heartbeat", "tasks_completed", None, "tasks_completed", "must be an integer, got null"),
    ("heartbeat", "tasks_failed", "2", "tasks_failed", "must be an integer, got str"),
    (
        "heartbeat",
        "recent_task_durations_seconds",
        [1.0] * 17,
        "recent_task_durations_seconds",
        "must hold at most 16 items, got 17",
    ),
    (
        "heartbeat",
        "recent_task_durations_seconds",
        {"a": 1},
        "recent_task_durations_seconds",
        "must be a list, got dict",
    ),
    (
        "heartbeat",
        "recent_task_durations_seconds",
        [1.0, True],
        "recent_task_durations_seconds[1]",
        "must be a number, got bool",
    ),
    (
        "heartbeat",
        "recent_task_durations_seconds",
        [-0.5],
        "recent_task_durations_seconds[0]",
        "must be at least 0, got -0.5",
    ),
    (
        "heartbeat",
        "last_task_completed_at",
        "x",
        "last_task_completed_at",
        "must be a number, got str",
    ),
    ("heartbeat", "rss_mb", -1.0, "rss_mb", "must be at least 0, got -1.0"),
    ("heartbeat", "rss_mb", False, "rss_mb", "must be a number, got bool"),
    (
        "heartbeat",
        "last_task_duration_seconds",
        math.inf,
        "last_task_duration_seconds",
        "must be finite, got inf",
    ),
    (
        "heartbeat",
        "gpu_utilization_pct",
        100.5,
        "gpu_utilization_pct",
        "must be at most 100, got 100.5",
    ),
    (
        "heartbeat",
        "gpu_utilization_pct",
        -0.1,
        "gpu_utilization_pct",
        "must be at least 0, got -0.1",
    ),
    ("heartbeat_echo", "worker_id", "", "worker_id", "must be a non-empty string, got str"),
    ("heartbeat_echo", "timestamp", DELETE, "timestamp", "is required"),
    ("task_assign", "task_id", "", "task_id", "must be a non-empty string, got str"),
    ("task_assign", "task_id", 5, "task_id", "must be a non-empty string, got int"),
    (
        "task_assign",
        "round_id",
        True,
        "round_id",
        "must be a non-empty string or an integer >= 0, got True",
    ),
    (
        "task_assign",
        "round_id",
        -1,
        "round_id",
        "must be a non-empty string or an integer >= 0, got -1",
    ),
    (
        "task_assign",
        "round_id",
        1.5,
        "round_id",
        "must be a non-empty string or an integer >= 0, got 1.5",
    ),
    (
        "task_assign",
        "round_id",
        "",
        "round_id",
        "must be a non-empty string or an integer >= 0, got ''",
    ),
    ("task_assign", "candidate_index", -1, "candidate_index", "must be at least 0, got -1"),
    ("task_assign", "candidate_index", True, "candidate_index", "must be an integer, got bool"),
    ("task_assign", "candidate_data", None, "candidate_data", "must be an object, got null"),
    (
        "task_assign",
        "candidate_data.input_size",
        0,
        "candidate_data.input_size",
        "must be at least 1, got 0",
    ),
    (
        "task_assign",
        "candidate_data.input_size",
        True,
        "candidate_data.input_size",
        "must be an integer, got bool",
    ),
    (
        "task_assign",
        "candidate_data.activation_name",
        5,
        "candidate_data.activation_name",
        "must be a non-empty string, got int",
    ),
    (
        "task_assign",
        "candidate_data.candidate_uuid",
        DELETE,
        "candidate_data.candidate_uuid",
        "is required",
    ),
    (
        "task_assign",
        "candidate_data.candidate_seed",
        "7",
        "candidate_data.candidate_seed",
        "must be an integer, got str",
    ),
    (
        "task_assign",
        "candidate_data.weight_range",
        {1, 2},
        "candidate_data.weight_range",
        "must hold only JSON values, got set",
    ),
    (
        "task_assign",
        "candidate_data.weight_range",
        [0.0, math.nan],
        "candidate_data.weight_range[1]",
        "must be finite, got nan",
    ),
    (
        "task_assign",
        "candidate_data.weight_range",
        {1: 2},
        "candidate_data.weight_range",
        "object keys must be strings, got int",
    ),
    ("task_assign", "training_params", [], "training_params", "must be an object, got list"),
    (
        "task_assign",
        "training_params.epochs",
        0,
        "training_params.epochs",
        "must be at least 1, got 0",
    ),
    (
        "task_assign",
        "training_params.learning_rate",
        -0.1,
        "training_params.learning_rate",
        "must be at least 0, got -0.1",
    ),
    (
        "task_assign",
        "training_params.learning_rate",
        True,
        "training_params.learning_rate",
        "must be a number, got bool",
    ),
    ("task_assign", "tensor_manifest", [], "tensor_manifest", "must be an object, got list"),
    (
        "task_assign",
        "tensor_manifest.residual_error",
        DELETE,
        "tensor_manifest",
        "must list 'residual_error'",
    ),
    (
        "task_assign",
        "tensor_manifest.candidate_input",
        DELETE,
        "tensor_manifest",
        "must list 'candidate_input'",
    ),
    (
        "task_assign",
        "tensor_manifest.candidate_input",
        [4, 2],
        "tensor_manifest.candidate_input",
        "must be an object, got list",
    ),
    (
        "task_assign",
        "tensor_manifest.candidate_input.shape",
        "4x2",
        "tensor_manifest.candidate_input.shape",
        "must be a list, got str",
    ),
    (
        "task_assign",
        "tensor_manifest.candidate_input.shape",
        [4, -2],
        "tensor_manifest.candidate_input.shape[1]",
        "must be at least 0, got -2",
    ),
    (
        "task_assign",
        "tensor_manifest.candidate_input.shape",
        [True],
        "tensor_manifest.candidate_input.shape[0]",
        "must be an integer, got bool",
    ),
    (
        "task_assign",
        "tensor_manifest.candidate_input.shape",
        [2**32],
        "tensor_manifest.candidate_input.shape[0]",
        "must be at most 4294967295, got 4294967296",
    ),
    (
        "task_assign",
        "tensor_manifest.candidate_input.shape",
        [1] * 11,
        "tensor_manifest.candidate_input.shape",
        "must hold at most 10 items, got 11",
    ),
    (
        "task_assign",
        "tensor_manifest.candidate_input.dtype",
        "float33",
        "tensor_manifest.candidate_input.dtype",
        "'float33' is not a valid numpy dtype",
    ),
    (
        "task_assign",
        "tensor_manifest.candidate_input.dtype",
        "object",
        "tensor_manifest.candidate_input.dtype",
        "dtype 'object' is not supported",
    ),
    (
        "task_assign",
        "tensor_manifest.candidate_input.dtype",
        "<U8",
        "tensor_manifest.candidate_input.dtype",
        "dtype '<U8' is not supported",
    ),
    (
        "task_assign",
        "tensor_manifest.candidate_input.dtype",
        5,
        "tensor_manifest.candidate_input.dtype",
        "must be a non-empty string, got int",
    ),
    (
        "task_assign",
        "tensor_manifest.",
        {"shape": [], "dtype": "bool"},
        "tensor_manifest.",
        "keys must be non-empty strings",
    ),
    ("task_result", "task_id", DELETE, "task_id", "is required"),
    ("task_result", "candidate_id", True, "candidate_id", "must be an integer, got bool"),
    ("task_result", "candidate_uuid", None, "candidate_uuid", "must be a string, got null"),
    ("task_result", "correlation", 1.5, "correlation", "must be at most 1, got 1.5"),
    ("task_result", "correlation", -0.01, "correlation", "must be at least 0, got -0.01"),
    ("task_result", "correlation", math.nan, "correlation", "must be finite, got nan"),
    ("task_result", "correlation", True, "correlation", "must be a number, got bool"),
    ("task_result", "correlation", "0.5", "correlation", "must be a number, got str"),
    ("task_result", "success", 1, "success", "must be a boolean, got int"),
    ("task_result", "epochs_completed", -1, "epochs_completed", "must be at least 0, got -1"),
    ("task_result", "activation_name", None, "activation_name", "must be a string, got null"),
    ("task_result", "all_correlations", 0.5, "all_correlations", "must be a list, got float"),
    (
        "task_result",
        "all_correlations",
        [0.1, math.inf],
        "all_correlations[1]",
        "must be finite, got inf",
    ),
    ("task_result", "numerator", math.inf, "numerator", "must be finite, got inf"),
    ("task_result", "denominator", "2", "denominator", "must be a number, got str"),
    ("task_result", "best_corr_idx", -2, "best_corr_idx", "must be at least -1, got -2"),
    ("task_result", "error_message", 5, "error_message", "must be a string or null, got int"),
    ("task_result", "tensor_manifest", DELETE, "tensor_manifest", "is required"),
    (
        "task_result",
        "tensor_manifest.weights.dtype",
        "datetime64[s]",
        "tensor_manifest.weights.dtype",
        "dtype 'datetime64[s]' is not supported",
    ),
    ("result_ack", "task_id", DELETE, "task_id", "is required"),
    ("result_ack", "status", "ok", "status", "must be one of 'accepted', 'rejected', got 'ok'"),
    ("token_refresh", "token", "", "token", "must be a non-empty string, got str"),
    ("token_refresh", "token", 5, "token", "must be a non-empty string, got int"),
    ("token_refresh", "expires_at", -1, "expires_at", "must be at least 0, got -1"),
    ("error", "error", 5, "error", "must be a non-empty string, got int"),
    ("error", "timestamp", DELETE, "timestamp", "is required"),
    ("error", "details", {"at": object()}, "details.at", "must hold only JSON values, got object"),
]


@pytest.mark.parametrize(("name", "path", "value", "field", "problem"), BAD)
def test_invalid_field_is_named(
    sample: Sample,
    sample_classes: Classes,
    name: str,
    path: str,
    value: Any,
    field: str,
    problem: str,
) -> None:
    frame = _edit(sample(name), path, value)
    with pytest.raises(WorkerProtocolError) as caught:
        sample_classes[name].from_dict(frame)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: {problem}")


GOOD = [
    ("register", "worker_id", "a"),
    ("register", "worker_id", "A" * 64),
    ("register", "worker_id", "0_-x"),
    ("register", "capabilities", {}),
    ("register", "capabilities", {"cpu_cores": 1}),
    ("register", "capabilities.gpu", "not reported"),
    ("heartbeat", "timestamp", 1700000000),
    ("heartbeat", "rss_mb", None),
    ("heartbeat", "gpu_utilization_pct", DELETE),
    ("heartbeat", "gpu_utilization_pct", 100),
    ("heartbeat", "recent_task_durations_seconds", [0.0] * 16),
    ("heartbeat", "recent_task_durations_seconds", []),
    ("task_assign", "round_id", 0),
    ("task_assign", "candidate_data.candidate_seed", -5),
    ("task_assign", "training_params.learning_rate", 0),
    ("task_assign", "tensor_manifest.candidate_input.dtype", "<f4"),
    ("task_assign", "tensor_manifest.candidate_input.shape", []),
    ("task_assign", "tensor_manifest.candidate_input.shape", [0, 4294967295]),
    ("task_result", "correlation", 0),
    ("task_result", "correlation", 1),
    ("task_result", "error_message", ""),
    ("task_result", "tensor_manifest", {}),
    ("task_result", "candidate_uuid", ""),
    ("task_result", "activation_name", ""),
    ("task_result", "best_corr_idx", -1),
    ("result_ack", "status", "rejected"),
    ("token_refresh", "expires_at", DELETE),
    ("error", "details", DELETE),
    ("error", "details", "plain text"),
]


@pytest.mark.parametrize(("name", "path", "value"), GOOD)
def test_valid_edge_values_are_accepted(
    sample: Sample, sample_classes: Classes, name: str, path: str, value: Any
) -> None:
    message = sample_classes[name].from_dict(_edit(sample(name), path, value))
    assert sample_classes[name].from_dict(message.to_dict()) == message


def test_round_trip_through_dict_and_json(
    sample: Sample, sample_classes: Classes, sample_name: str
) -> None:
    frame = sample(sample_name)
    message = sample_classes[sample_name].from_dict(frame)
    assert message.to_dict() == frame
    assert json.loads(message.to_json()) == frame
    assert sample_classes[sample_name].from_json(message.to_json()) == message
    assert message.type == frame["type"]


def test_unknown_keys_are_dropped_but_open_objects_keep_theirs(sample: Sample) -> None:
    frame = sample("task_assign")
    frame["future_field"] = 1
    frame["tensor_manifest"]["candidate_input"]["strides"] = [8, 4]
    message = TaskAssign.from_dict(frame)
    wire = message.to_dict()
    assert "future_field" not in wire
    assert wire["tensor_manifest"]["candidate_input"] == {"shape": [4, 2], "dtype": "float32"}
    assert wire["candidate_data"]["weight_range"] == [-1.0, 1.0]
    assert wire["training_params"]["optimizer"] == "sgd"


def test_capabilities_are_free_form(sample: Sample) -> None:
    frame = sample("register")
    frame["capabilities"] = {"cpu_cores": 1, "ram_gb": 64, "accelerators": ["npu"]}
    assert Register.from_dict(frame).to_dict()["capabilities"] == frame["capabilities"]


def test_worker_capabilities_build_a_register_message() -> None:
    capabilities = WorkerCapabilities(cpu_cores=2, gpu=False, python_version="3.11.9", os="Linux")
    message = Register(worker_id="box-1", capabilities=capabilities.to_dict())
    wire = json.loads(message.to_json())
    assert wire["capabilities"]["cpu_cores"] == 2
    assert wire["capabilities"]["gpu_name"] is None
    assert Register.from_json(message.to_json()) == message


def test_closed_sub_objects_drop_unknown_keys(sample: Sample) -> None:
    frame = sample("registration_ack")
    frame["data"]["region"] = "eu"
    assert "region" not in RegistrationAck.from_dict(frame).to_dict()["data"]


def test_nullable_fields_read_missing_as_none(sample: Sample) -> None:
    frame = sample("heartbeat")
    for key in ("last_task_completed_at", "rss_mb", "last_task_duration_seconds"):
        del frame[key]
    message = Heartbeat.from_dict(frame)
    assert message.rss_mb is None
    assert message.to_dict()["last_task_completed_at"] is None


def test_integers_are_read_as_floats_where_a_number_is_expected(sample: Sample) -> None:
    message = HeartbeatEcho.from_dict(_edit(sample("heartbeat_echo"), "timestamp", 17))
    assert message.timestamp == 17.0
    assert isinstance(message.timestamp, float)


def test_open_objects_are_copied_not_shared(sample: Sample) -> None:
    frame = sample("task_assign")
    message = TaskAssign.from_dict(frame)
    frame["candidate_data"]["weight_range"].append(9.0)
    assert message.candidate_data["weight_range"] == [-1.0, 1.0]


@pytest.mark.parametrize(("name", "wrong"), [("heartbeat", "register"), ("result_ack", None)])
def test_type_must_be_the_classes_own(
    sample: Sample, sample_classes: Classes, name: str, wrong: str | None
) -> None:
    frame = sample(name)
    frame["type"] = wrong
    with pytest.raises(WorkerProtocolError) as caught:
        sample_classes[name].from_dict(frame)
    assert caught.value.field == "type"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "text frame is not valid JSON: Expecting property name"),
        ("[1, 2]", "text frame must hold a JSON object, got list"),
        ('"s"', "text frame must hold a JSON object, got str"),
        ('{"type": "heartbeat", "timestamp": NaN}', "text frame is not valid JSON: NaN is not"),
        ('{"type": "heartbeat", "timestamp": Infinity}', "text frame is not valid JSON: Infinity"),
        ("[" * 60_000, "text frame is not valid JSON: maximum recursion depth"),
        ('{"n": ' + "9" * 5000 + "}", "text frame is not valid JSON: Exceeds the limit"),
    ],
)
def test_from_json_refuses_text_that_is_not_a_strict_json_object(text: str, message: str) -> None:
    with pytest.raises(WorkerProtocolError) as caught:
        HeartbeatEcho.from_json(text)
    assert str(caught.value).startswith(message)
    assert caught.value.field is None


def test_from_json_reads_an_overflowing_exponent_as_not_finite() -> None:
    with pytest.raises(WorkerProtocolError, match="timestamp: must be finite, got inf"):
        HeartbeatEcho.from_json('{"type": "heartbeat", "worker_id": "w", "timestamp": 1e400}')


def test_from_json_limits_text_frames_to_65536_characters(sample: Sample) -> None:
    frame = sample("error")
    frame["error"] = "x"
    padding = 65_536 - len(json.dumps(frame))
    frame["error"] = "x" * (1 + padding)
    text = json.dumps(frame)
    assert len(text) == 65_536
    assert ErrorMessage.from_json(text).error == frame["error"]
    frame["error"] += "x"
    with pytest.raises(WorkerProtocolError) as caught:
        ErrorMessage.from_json(json.dumps(frame))
    assert str(caught.value) == "text frame is 65537 characters, over the limit of 65536"


def test_from_json_refuses_non_text() -> None:
    with pytest.raises(WorkerProtocolError, match="text frame must be a str, got bytes"):
        HeartbeatEcho.from_json(b"{}")  # type: ignore[arg-type]


def test_from_dict_refuses_non_objects() -> None:
    with pytest.raises(WorkerProtocolError) as caught:
        ResultAck.from_dict([])  # type: ignore[arg-type]
    assert str(caught.value) == "message: must be an object, got list"
    assert caught.value.field is None


def test_to_json_refuses_hand_built_values_json_cannot_carry() -> None:
    with pytest.raises(WorkerProtocolError, match="heartbeat cannot be written as JSON"):
        HeartbeatEcho(worker_id="w", timestamp=math.nan).to_json()


def test_token_is_kept_out_of_the_repr(sample: Sample) -> None:
    message = TokenRefresh.from_dict(sample("token_refresh"))
    assert message.token == "s3cr3t-token"
    assert "s3cr3t" not in repr(message)


def test_messages_are_frozen(sample: Sample) -> None:
    message = ResultAck.from_dict(sample("result_ack"))
    with pytest.raises(AttributeError):
        message.status = "rejected"  # type: ignore[misc]


def test_error_survives_pickle_with_its_field() -> None:
    error = WorkerProtocolError("rss_mb: must be at least 0, got -1", field="rss_mb")
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.field) == (str(error), "rss_mb")


def test_tensor_spec_describes_arrays_as_encoded() -> None:
    spec = TensorSpec.from_array(np.zeros((2, 3), dtype=">i2"))
    assert spec == TensorSpec((2, 3), "int16")
    assert spec.to_dict() == {"shape": [2, 3], "dtype": "int16"}
    with pytest.raises(WorkerProtocolError, match="is not supported"):
        _ = TensorSpec((1,), "object").numpy_dtype
