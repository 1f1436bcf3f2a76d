"""``/ws/v1/workers`` and candidate dispatch, over real loopback WebSockets."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from collections.abc import AsyncIterator
from typing import Any

import numpy as np
import pytest
import requests
from websockets.asyncio.client import ClientConnection

from juniper_cascor_fake_server import FakeCascorServer
from juniper_cascor_fake_server.learner import (
    CascadeCorrelationLearner,
    CascadeNetwork,
    LearnerConfig,
    xor,
)
from juniper_cascor_fake_server.workers.candidate_worker import WorkerThread
from juniper_cascor_protocol.worker import (
    MAX_BINARY_FRAME_BYTES,
    AssembledMessage,
    BinaryFrame,
    TensorSequenceAssembler,
)

from .conftest import close_code, http, recv_json, ws_connect

CAPABILITIES = {
    "cpu_cores": 1,
    "gpu": False,
    "python_version": sys.version.split()[0],
    "os": "Linux",
}


def _register(worker_id: str = "w1") -> str:
    return json.dumps({"type": "register", "worker_id": worker_id, "capabilities": CAPABILITIES})


@pytest.mark.parametrize(
    ("first", "code"),
    [
        (json.dumps({"type": "heartbeat"}), 4007),
        (b"\x00\x01", 4007),
        (json.dumps({"type": "register", "worker_id": "-bad", "capabilities": CAPABILITIES}), 4008),
        # The reason names the pattern and the id: over the 123 bytes a close frame can carry.
        (_register("-" + "a" * 80), 4008),
        ("{not json", 4006),
        ("x" * 70_000, 4005),
    ],
)
async def test_register_rules(cascor_server: FakeCascorServer, first: Any, code: int) -> None:
    async with ws_connect(cascor_server.ws_url + "/ws/v1/workers") as ws:
        assert await recv_json(ws) == {
            "type": "connection_established",
            "data": {"channel": "workers"},
        }
        await ws.send(first)
        assert await close_code(ws) == code


async def test_binary_frame_over_100_mib_closes_4005(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(cascor_server.ws_url + "/ws/v1/workers") as ws:
        await recv_json(ws)
        await ws.send(_register())
        assert (await recv_json(ws))["type"] == "registration_ack"
        await ws.send(bytes(MAX_BINARY_FRAME_BYTES + 1))
        assert await close_code(ws, within=30) == 4005


@pytest.mark.cascor_server(max_workers=1, api_keys=["k"])
async def test_handshake_and_registry_refusals(cascor_server: FakeCascorServer) -> None:
    url = cascor_server.ws_url + "/ws/v1/workers"
    key = {"X-API-Key": "k"}
    async with ws_connect(url, origin="http://x.example", additional_headers=key) as ws:
        assert await close_code(ws) == 4003
    async with ws_connect(url) as ws:
        assert await close_code(ws) == 4001
    async with ws_connect(url, additional_headers=key) as first:
        await recv_json(first)
        await first.send(_register("one"))
        ack = await recv_json(first)
        assert ack["type"] == "registration_ack"
        assert ack["data"] == {"status": "registered", "client_name": "one"}
        assert len(ack["worker_id"]) == len("worker-") + 12
        async with ws_connect(url, additional_headers=key) as second:
            await recv_json(second)
            await second.send(_register("two"))
            assert await close_code(second) == 4013


async def test_heartbeat_echo_and_worker_records(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(cascor_server.ws_url + "/ws/v1/workers") as ws:
        await recv_json(ws)
        await ws.send(_register())
        worker_id = (await recv_json(ws))["worker_id"]
        beat = {
            "type": "heartbeat",
            "worker_id": "w1",
            "timestamp": 1.0,
            "in_flight_tasks": 0,
            "tasks_completed": 0,
            "tasks_failed": 0,
            "rss_mb": 42.0,
            "recent_task_durations_seconds": [],
        }
        await ws.send(json.dumps(beat))
        echo = await recv_json(ws)
        assert set(echo) == {"type", "worker_id", "timestamp"}
        assert echo["worker_id"] == worker_id
        api = cascor_server.http_url + "/v1/workers"
        listed = (await http("GET", api)).json()["data"]
        assert listed["count"] == 1
        record = (await http("GET", f"{api}/{worker_id}")).json()["data"]
        assert set(record) >= {
            "worker_id",
            "capabilities",
            "connected_at",
            "last_heartbeat",
            "tasks_completed",
            "tasks_failed",
            "active_task_id",
            "health_score",
            "idle",
            "in_flight_tasks",
            "last_task_completed_at",
            "rss_mb",
            "last_task_duration_seconds",
            "recent_task_durations_seconds",
            "gpu_utilization_pct",
        }
        assert record["rss_mb"] == 42.0
        stats = (await http("GET", f"{api}/stats")).json()["data"]
        assert stats["total"] == 1
        assert stats["idle"] == 1
        assert (await http("GET", f"{api}/worker-ffffffffffff")).status_code == 404


@pytest.mark.cascor_server(scenario="idle")
def test_candidates_train_on_a_worker(cascor_server: FakeCascorServer) -> None:
    with WorkerThread(cascor_server.ws_url, heartbeat_interval=0.2) as thread:
        requests.post(cascor_server.http_url + "/v1/training/start", json={}, timeout=5)
        assert cascor_server.wait_until_idle(20)
        assert thread.worker is not None
        assert thread.worker.tasks_completed >= 8
        assert thread.worker.accepted == thread.worker.tasks_completed
        stats = requests.get(cascor_server.http_url + "/v1/workers/stats", timeout=5).json()
        assert stats["data"]["total_tasks_completed"] == thread.worker.tasks_completed
    network = CascadeNetwork(2, 1, np.random.default_rng(0))
    local = CascadeCorrelationLearner(LearnerConfig(), xor(), network=network)
    local.run()
    assert cascor_server.state.network is not None
    assert cascor_server.state.network.to_dict() == local.network.to_dict()


@contextlib.asynccontextmanager
async def _worker_in_training(server: FakeCascorServer) -> AsyncIterator[ClientConnection]:
    """A registered worker's connection to ``server``, whose training has just started."""
    async with ws_connect(server.ws_url + "/ws/v1/workers") as ws:
        await recv_json(ws)
        await ws.send(_register())
        await recv_json(ws)
        server.context.operations.start({})
        yield ws


async def _assigns(ws: ClientConnection, count: int) -> list[AssembledMessage]:
    """The next ``count`` task assignments, with their tensors."""
    assembler = TensorSequenceAssembler()
    assigns: list[AssembledMessage] = []
    async with asyncio.timeout(10):
        while len(assigns) < count:
            if isinstance(assembled := assembler.feed(await ws.recv()), AssembledMessage):
                assigns.append(assembled)
    return assigns


def _result_frames(task: Any, columns: int) -> tuple[str, bytes, bytes]:
    result = {
        "type": "task_result",
        "task_id": task.task_id,
        "candidate_id": task.candidate_index,
        "candidate_uuid": task.candidate_data["candidate_uuid"],
        "correlation": 0.5,
        "success": True,
        "epochs_completed": 1,
        "activation_name": "tanh",
        "all_correlations": [0.5],
        "numerator": 1.0,
        "denominator": 2.0,
        "best_corr_idx": 0,
        "error_message": None,
        "tensor_manifest": {
            "weights": {"shape": [columns], "dtype": "float64"},
            "bias": {"shape": [1], "dtype": "float64"},
        },
    }
    weights, bias = BinaryFrame.encode(np.zeros(columns)), BinaryFrame.encode(np.zeros(1))
    return json.dumps(result), weights, bias


@pytest.mark.cascor_server(scenario="idle")
async def test_invalid_results_are_rejected_and_trained_locally(
    cascor_server: FakeCascorServer,
) -> None:
    async with _worker_in_training(cascor_server) as ws:
        (assign,) = await _assigns(ws, 1)
        task = assign.message
        assert set(assign.tensors) == {"candidate_input", "residual_error"}
        columns = assign.tensors["candidate_input"].shape[1]
        text, _, bias = _result_frames(task, columns)
        await ws.send(text)
        await ws.send(BinaryFrame.encode(np.full(columns, 1000.0)))
        await ws.send(bias)
        while True:
            frame = await ws.recv()
            if isinstance(frame, str) and json.loads(frame)["type"] == "result_ack":
                break
        assert json.loads(frame) == {
            "type": "result_ack",
            "task_id": task.task_id,
            "status": "rejected",
        }
    assert cascor_server.wait_until_idle(20)
    assert cascor_server.state.status.value == "Completed"


@pytest.mark.cascor_server(scenario="idle")
async def test_an_interrupted_result_is_the_one_rejected(cascor_server: FakeCascorServer) -> None:
    async with _worker_in_training(cascor_server) as ws:
        assigns = await _assigns(ws, 2)
        first, second = (assign.message for assign in assigns)
        columns = assigns[0].tensors["candidate_input"].shape[1]
        await ws.send(_result_frames(first, columns)[0])  # its tensors never follow
        for frame in _result_frames(second, columns):
            await ws.send(frame)
        acks: list[dict[str, Any]] = []
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(10):
                while len(acks) < 2:
                    frame = await ws.recv()
                    if isinstance(frame, str) and json.loads(frame)["type"] == "result_ack":
                        acks.append(json.loads(frame))
        assert [(a["task_id"], a["status"]) for a in acks] == [
            (first.task_id, "rejected"),
            (second.task_id, "accepted"),
        ]
    assert cascor_server.wait_until_idle(20)


@pytest.mark.parametrize("options", [{"workers_enabled": False}, {"api_keys": ["k"]}])
def test_worker_thread_start_raises_when_the_server_refuses_it(options: dict[str, Any]) -> None:
    with FakeCascorServer(**options) as server:
        worker = WorkerThread(server.ws_url, api_key="wrong")
        started = time.monotonic()
        with pytest.raises(RuntimeError, match="did not register"):
            worker.start()
        assert time.monotonic() - started < 5.0  # refused at once, not after the start timeout
        assert worker.worker is not None
        assert worker.worker.worker_id is None
