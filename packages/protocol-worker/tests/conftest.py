"""Valid sample frames of every worker message, shared by the tests."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from juniper_cascor_protocol.worker import (
    ConnectionEstablished,
    ErrorMessage,
    Heartbeat,
    HeartbeatEcho,
    Register,
    RegistrationAck,
    ResultAck,
    TaskAssign,
    TaskResult,
    TokenRefresh,
    WorkerMessage,
)

SAMPLES: dict[str, dict[str, Any]] = {
    "connection_established": {"type": "connection_established", "data": {"channel": "workers"}},
    "register": {
        "type": "register",
        "worker_id": "gpu-box_01",
        "capabilities": {
            "cpu_cores": 8,
            "gpu": True,
            "gpu_name": "RTX 4090",
            "python_version": "3.11.9",
            "torch_version": "2.3.0",
            "numpy_version": "1.26.4",
            "os": "Linux",
        },
    },
    "registration_ack": {
        "type": "registration_ack",
        "worker_id": "worker-0123456789ab",
        "data": {"status": "registered", "client_name": "gpu-box_01"},
    },
    "heartbeat": {
        "type": "heartbeat",
        "worker_id": "worker-0123456789ab",
        "timestamp": 1700000000.5,
        "in_flight_tasks": 1,
        "last_task_completed_at": 1699999990.25,
        "rss_mb": 512.5,
        "tasks_completed": 12,
        "tasks_failed": 1,
        "last_task_duration_seconds": 3.5,
        "recent_task_durations_seconds": [3.5, 4.0, 2.75],
        "gpu_utilization_pct": 87.5,
    },
    "heartbeat_echo": {
        "type": "heartbeat",
        "worker_id": "worker-0123456789ab",
        "timestamp": 1700000000.5,
    },
    "task_assign": {
        "type": "task_assign",
        "task_id": "task-1",
        "round_id": "round-7",
        "candidate_index": 3,
        "candidate_data": {
            "input_size": 2,
            "activation_name": "tanh",
            "candidate_uuid": "c0ffee",
            "candidate_seed": 42,
            "weight_range": [-1.0, 1.0],
        },
        "training_params": {"epochs": 50, "learning_rate": 0.01, "optimizer": "sgd"},
        "tensor_manifest": {
            "candidate_input": {"shape": [4, 2], "dtype": "float32"},
            "residual_error": {"shape": [4, 1], "dtype": "float32"},
        },
    },
    "task_result": {
        "type": "task_result",
        "task_id": "task-1",
        "candidate_id": 3,
        "candidate_uuid": "c0ffee",
        "correlation": 0.75,
        "success": True,
        "epochs_completed": 50,
        "activation_name": "tanh",
        "all_correlations": [0.75, 0.5],
        "numerator": 1.5,
        "denominator": 2.0,
        "best_corr_idx": 0,
        "error_message": None,
        "tensor_manifest": {
            "weights": {"shape": [2], "dtype": "float32"},
            "bias": {"shape": [], "dtype": "float32"},
        },
    },
    "result_ack": {"type": "result_ack", "task_id": "task-1", "status": "accepted"},
    "token_refresh": {"type": "token_refresh", "token": "s3cr3t-token", "expires_at": 1700003600.0},
    "error": {
        "type": "error",
        "error": "task failed",
        "timestamp": 1700000000.0,
        "details": {"reason": "oom", "attempts": [1, 2]},
    },
}


SAMPLE_CLASSES: dict[str, type[WorkerMessage]] = {
    "connection_established": ConnectionEstablished,
    "register": Register,
    "registration_ack": RegistrationAck,
    "heartbeat": Heartbeat,
    "heartbeat_echo": HeartbeatEcho,
    "task_assign": TaskAssign,
    "task_result": TaskResult,
    "result_ack": ResultAck,
    "token_refresh": TokenRefresh,
    "error": ErrorMessage,
}


@pytest.fixture
def sample_classes() -> dict[str, type[WorkerMessage]]:
    """The message class of each sample frame, by sample name."""
    return SAMPLE_CLASSES


@pytest.fixture
def sample() -> Callable[[str], dict[str, Any]]:
    """Return a function giving a fresh, mutable copy of a valid sample frame by name."""

    def make(name: str) -> dict[str, Any]:
        return copy.deepcopy(SAMPLES[name])

    return make


@pytest.fixture(params=sorted(SAMPLES))
def sample_name(request: pytest.FixtureRequest) -> str:
    """Each sample frame's name in turn."""
    name: str = request.param
    return name
