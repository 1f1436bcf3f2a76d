"""``/ws/v1/workers``: registration, the session's errors, dispatch and results, over real
loopback WebSockets with a worker written by hand."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import numpy as np
import pytest
from websockets.asyncio.client import ClientConnection

from juniper_cascor_fake_server import FakeCascorServer
from juniper_cascor_protocol.worker import (
    AssembledMessage,
    BinaryFrame,
    TaskAssign,
    TensorSequenceAssembler,
)

from .conftest import close_code, http, recv_json, ws_connect

WORKER_KEYS = {
    "active_task_id",
    "capabilities",
    "connected_at",
    "gpu_utilization_pct",
    "health_score",
    "idle",
    "in_flight_tasks",
    "last_heartbeat",
    "last_task_completed_at",
    "last_task_duration_seconds",
    "recent_task_durations_seconds",
    "rss_mb",
    "tasks_completed",
    "tasks_failed",
    "worker_id",
}
PROBE = json.dumps({"type": "probe"})
PROBE_ANSWER = "Unknown message type: probe"


def _register(worker_id: str = "w1", capabilities: Any = None) -> str:
    frame = {"type": "register", "worker_id": worker_id, "capabilities": capabilities or {}}
    return json.dumps(frame)


def _beat(worker_id: str, **fields: Any) -> str:
    return json.dumps(
        {"type": "heartbeat", "worker_id": worker_id, "timestamp": time.time(), **fields}
    )


async def _registered(ws: ClientConnection, name: str = "w1") -> str:
    """Register on a fresh connection; the assigned worker id."""
    await recv_json(ws)
    await ws.send(_register(name, {"cpu_cores": 1}))
    ack = await recv_json(ws)
    assert ack["type"] == "registration_ack"
    return str(ack["worker_id"])


async def _exchange(ws: ClientConnection, *frames: str | bytes) -> list[str | bytes]:
    """Send ``frames`` then a probe; everything the server sent before it answered the probe."""
    for frame in (*frames, PROBE):
        await ws.send(frame)
    received: list[str | bytes] = []
    async with asyncio.timeout(10):
        while True:
            message = await ws.recv()
            if isinstance(message, str) and json.loads(message).get("error") == PROBE_ANSWER:
                return received
            received.append(message)


def _texts(frames: list[str | bytes]) -> list[dict[str, Any]]:
    return [json.loads(frame) for frame in frames if isinstance(frame, str)]


def _assigns(frames: list[str | bytes]) -> list[AssembledMessage]:
    assembler = TensorSequenceAssembler()
    return [m for f in frames if isinstance(m := assembler.feed(f), AssembledMessage)]


async def _until(check: Callable[[], Awaitable[bool]], within: float = 10.0) -> None:
    """Poll ``check`` until it holds (failing after ``within`` seconds)."""
    async with asyncio.timeout(within):
        while True:
            if await check():
                return
            await asyncio.sleep(0.05)


async def _next_task(
    ws: ClientConnection, worker_id: str, within: float = 20.0
) -> AssembledMessage:
    """Heartbeat (an idle worker's call for work) until a task arrives."""
    assigns: list[AssembledMessage] = []

    async def arrived() -> bool:
        assigns.extend(_assigns(await _exchange(ws, _beat(worker_id))))
        return bool(assigns)

    await _until(arrived, within)
    (assign,) = assigns
    return assign


def _result(assign: AssembledMessage, **changes: Any) -> list[str | bytes]:
    """A well-formed successful result for ``assign``: ``changes`` edit the text frame, and a
    ``tensors`` change replaces the four float32 tensors (the manifest follows them)."""
    message = assign.message
    assert isinstance(message, TaskAssign)
    rows, size = assign.tensors["candidate_input"].shape
    tensors = changes.pop(
        "tensors",
        {
            "weights": np.full(size, 0.5, np.float32),
            "bias": np.zeros(1, np.float32),
            "norm_output": np.zeros(rows, np.float32),
            "norm_error": np.zeros(rows, np.float32),
        },
    )
    frame = {
        "type": "task_result",
        "task_id": message.task_id,
        "candidate_id": message.candidate_index,
        "candidate_uuid": message.candidate_data["candidate_uuid"],
        "correlation": 0.5,
        "success": True,
        "epochs_completed": 3,
        "activation_name": message.candidate_data["activation_name"],
        "all_correlations": [0.5],
        "numerator": 1.0,
        "denominator": 2.0,
        "best_corr_idx": 0,
        "error_message": None,
        "tensor_manifest": {
            name: {"shape": list(array.shape), "dtype": str(array.dtype)}
            for name, array in tensors.items()
        },
        **changes,
    }
    return [json.dumps(frame), *(BinaryFrame.encode(array) for array in tensors.values())]


def _acks(frames: list[str | bytes]) -> list[tuple[str, str]]:
    return [(f["task_id"], f["status"]) for f in _texts(frames) if f["type"] == "result_ack"]


async def _worker(server: FakeCascorServer, worker_id: str) -> dict[str, Any]:
    response = await http("GET", f"{server.http_url}/v1/workers/{worker_id}")
    data: dict[str, Any] = response.json()["data"]
    return data


async def _start(server: FakeCascorServer) -> None:
    response = await http("POST", server.http_url + "/v1/training/start", json={})
    assert response.status_code == 200, response.text


# -- registration -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("first", "code", "error"),
    [
        (_beat("x"), 4007, "First message must be registration"),
        ("{not json", 4006, "Invalid JSON"),
        ("[1]", 4008, "Registration message must be a JSON object"),
        (_register("-bad"), 4008, "Invalid registration"),
        (json.dumps({"type": "register", "worker_id": "w"}), 4008, "Invalid registration"),
        ("x" * 70_000, 4005, "Registration message too large"),
    ],
)
async def test_a_refused_registration_gets_an_error_then_its_close_code(
    cascor_server: FakeCascorServer, first: str, code: int, error: str
) -> None:
    async with ws_connect(cascor_server.ws_url + "/ws/v1/workers") as ws:
        assert await recv_json(ws) == {
            "type": "connection_established",
            "data": {"channel": "workers"},
        }
        await ws.send(first)
        frame = await recv_json(ws)
        assert (frame["type"], frame["error"]) == ("error", error)
        assert await close_code(ws) == code


async def test_invalid_registration_details_name_every_problem(
    cascor_server: FakeCascorServer,
) -> None:
    async with ws_connect(cascor_server.ws_url + "/ws/v1/workers") as ws:
        await recv_json(ws)
        await ws.send(json.dumps({"type": "register", "worker_id": 7, "capabilities": []}))
        frame = await recv_json(ws)
        assert frame["details"] == "worker_id must be a string; capabilities must be a dict"
        assert await close_code(ws) == 4008


async def test_a_binary_first_frame_drops_the_connection(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(cascor_server.ws_url + "/ws/v1/workers") as ws:
        await recv_json(ws)
        await ws.send(b"\x00\x01")
        assert await close_code(ws) is None


async def test_free_form_capabilities_register(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(cascor_server.ws_url + "/ws/v1/workers") as ws:
        await recv_json(ws)
        await ws.send(_register("probe-worker", {"cpu_cores": 1, "accelerator": "none"}))
        ack = await recv_json(ws)
        assert set(ack) == {"type", "worker_id", "data"}
        assert ack["data"] == {"status": "registered", "client_name": "probe-worker"}
        assert ack["worker_id"].startswith("worker-")
        assert len(ack["worker_id"]) == len("worker-") + 12
        record = await _worker(cascor_server, ack["worker_id"])
        assert set(record) == WORKER_KEYS
        assert record["capabilities"] == {"cpu_cores": 1, "accelerator": "none"}
        assert (record["idle"], record["health_score"], record["tasks_completed"]) == (True, 1.0, 0)


@pytest.mark.cascor_server(max_workers=1)
async def test_a_full_registry_refuses_with_4013(cascor_server: FakeCascorServer) -> None:
    url = cascor_server.ws_url + "/ws/v1/workers"
    async with ws_connect(url) as first:
        await _registered(first, "one")
        async with ws_connect(url) as second:
            await recv_json(second)
            await second.send(_register("two"))
            frame = await recv_json(second)
            assert frame["error"] == "Worker registry at capacity"
            assert await close_code(second) == 4013


# -- the session --------------------------------------------------------------------------------
async def test_session_errors_keep_the_connection_open(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(cascor_server.ws_url + "/ws/v1/workers") as ws:
        worker_id = await _registered(ws)
        cases = {
            "not json": "Invalid JSON",
            "[1, 2]": "Message must be a JSON object",
            json.dumps({"type": "register"}): "Unknown message type: register",
            json.dumps({"no": "type"}): "Unknown message type: None",
            "x" * 70_000: "Message too large",
            json.dumps({"type": "task_result", "tensor_manifest": []}): (
                "tensor_manifest must be a JSON object, got list"
            ),
        }
        for text, error in cases.items():
            (frame,) = _texts(await _exchange(ws, text))
            assert set(frame) == {"type", "error", "timestamp"}
            assert (frame["type"], frame["error"]) == ("error", error)
        assert await _exchange(ws, b"stray binary frame") == []
        (echo,) = _texts(await _exchange(ws, _beat(worker_id)))
        assert set(echo) == {"type", "worker_id", "timestamp"}
        assert (echo["type"], echo["worker_id"]) == ("heartbeat", worker_id)


async def test_a_frame_over_16_mib_closes_with_1009(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(cascor_server.ws_url + "/ws/v1/workers") as ws:
        await _registered(ws)
        await ws.send(bytes(16 * 1024 * 1024 + 1))
        assert await close_code(ws, within=30) == 1009


async def test_heartbeats_carry_the_workers_own_figures(cascor_server: FakeCascorServer) -> None:
    stats = (await http("GET", cascor_server.http_url + "/v1/workers/stats")).json()["data"]
    assert (stats["total"], stats["average_health_score"]) == (0, 0.0)
    async with ws_connect(cascor_server.ws_url + "/ws/v1/workers") as ws:
        worker_id = await _registered(ws)
        figures = {
            "in_flight_tasks": 0,
            "tasks_completed": 7,
            "tasks_failed": 1,
            "rss_mb": 42.5,
            "last_task_completed_at": 1700000000.0,
            "last_task_duration_seconds": 12.5,
            "recent_task_durations_seconds": [3.0, 12.5],
            "gpu_utilization_pct": None,
        }
        await _exchange(ws, _beat(worker_id, **figures))
        record = await _worker(cascor_server, worker_id)
        assert {key: record[key] for key in figures} == figures
        assert record["health_score"] == 7 / 8
        await _exchange(ws, _beat(worker_id, rss_mb="not a number"))
        assert (await _worker(cascor_server, worker_id))["rss_mb"] == 42.5
        stats = (await http("GET", cascor_server.http_url + "/v1/workers/stats")).json()["data"]
        assert stats["total_tasks_completed"] == 7
        assert (stats["total"], stats["idle"], stats["busy"], stats["stale"]) == (1, 1, 0, 0)
        assert stats["average_health_score"] == 0.875


async def test_a_silent_worker_goes_stale_and_is_removed(cascor_server: FakeCascorServer) -> None:
    registry = cascor_server.context.workers
    registry.heartbeat_timeout, registry.sweep_interval = 0.5, 0.1
    async with ws_connect(cascor_server.ws_url + "/ws/v1/workers") as ws:
        worker_id = await _registered(ws)
        url = f"{cascor_server.http_url}/v1/workers/{worker_id}"

        async def gone() -> bool:
            return bool((await http("GET", url)).status_code == 404)

        await _until(gone)
        (echo,) = _texts(await _exchange(ws, _beat(worker_id)))  # still answered, not re-added
        assert echo["worker_id"] == worker_id
        assert (await http("GET", url)).status_code == 404


# -- dispatch -----------------------------------------------------------------------------------
@pytest.mark.cascor_server(scenario="idle")
async def test_a_task_is_three_float32_tensors_with_the_real_keys(
    cascor_server: FakeCascorServer,
) -> None:
    async with ws_connect(cascor_server.ws_url + "/ws/v1/workers") as ws:
        worker_id = await _registered(ws)
        await _start(cascor_server)
        assign = await _next_task(ws, worker_id)
        message = assign.message
        assert isinstance(message, TaskAssign)
        uuid.UUID(message.task_id)
        uuid.UUID(str(message.round_id))
        assert message.candidate_index == 1  # candidate 0 trains in process first
        assert list(message.tensor_manifest) == ["candidate_input", "y", "residual_error"]
        assert all(tensor.dtype == np.float32 for tensor in assign.tensors.values())
        rows, size = assign.tensors["candidate_input"].shape
        assert (rows, size) == (4, 2)
        assert assign.tensors["y"].shape == assign.tensors["residual_error"].shape == (4, 1)
        assert assign.tensors["y"].ravel().tolist() == [0.0, 1.0, 1.0, 0.0]  # the XOR targets
        data = dict(message.candidate_data)
        assert set(data) == {
            "input_size",
            "activation_name",
            "random_value_scale",
            "candidate_uuid",
            "candidate_seed",
            "random_max_value",
            "sequence_max_value",
        }
        assert (data["input_size"], data["activation_name"]) == (2, "Tanh")
        assert (data["random_max_value"], data["sequence_max_value"]) == (4294967295, 100)
        assert set(message.training_params) == {"epochs", "learning_rate", "display_frequency"}
        record = await _worker(cascor_server, worker_id)
        assert (record["active_task_id"], record["idle"]) == (message.task_id, False)
        assert _acks(await _exchange(ws, *_result(assign))) == [(message.task_id, "accepted")]
        record = await _worker(cascor_server, worker_id)
        assert (record["tasks_completed"], record["idle"]) == (1, True)
        assert record["last_task_duration_seconds"] is None  # only the worker reports durations
    assert cascor_server.wait_until_idle(30)


@pytest.mark.cascor_server(scenario="idle")
async def test_each_idle_worker_holds_one_task_at_a_time(cascor_server: FakeCascorServer) -> None:
    url = cascor_server.ws_url + "/ws/v1/workers"
    async with ws_connect(url) as first, ws_connect(url) as second:
        first_id, second_id = await _registered(first, "a"), await _registered(second, "b")
        await _start(cascor_server)
        tasks = [await _next_task(first, first_id), await _next_task(second, second_id)]
        messages = [task.message for task in tasks]
        assert {m.candidate_index for m in messages if isinstance(m, TaskAssign)} == {1, 2}
        for ws, worker_id in ((first, first_id), (second, second_id)):
            for _ in range(3):
                frames = await _exchange(ws, _beat(worker_id))
                assert [f["type"] for f in _texts(frames)] == ["heartbeat"]
        for ws, task in ((first, tasks[0]), (second, tasks[1])):
            frames = await _exchange(ws, *_result(task))
            assert _acks(frames) == [(task.message.task_id, "accepted")]
            assert _assigns(frames) == []  # the round had one task per idle worker
    assert cascor_server.wait_until_idle(30)


@pytest.mark.cascor_server(scenario="idle")
async def test_a_rejected_result_is_requeued_and_a_failed_one_trained_locally(
    cascor_server: FakeCascorServer,
) -> None:
    async with ws_connect(cascor_server.ws_url + "/ws/v1/workers") as ws:
        worker_id = await _registered(ws)
        await _start(cascor_server)
        assign = await _next_task(ws, worker_id)
        task_id = assign.message.task_id
        oversized = _result(assign, tensors={"weights": np.full(2, 1000.0, np.float32)})
        frames = await _exchange(ws, *oversized)
        assert _acks(frames) == [(task_id, "rejected")]
        (again,) = _assigns(frames)  # requeued, and this idle worker takes it straight back
        assert again.message.task_id == task_id
        failed = _result(again, success=False, error_message="no", tensor_manifest={}, tensors={})
        frames = await _exchange(ws, *failed)
        assert _acks(frames) == [(task_id, "accepted")]
        assert _acks(await _exchange(ws, *failed)) == [(task_id, "rejected")]  # a duplicate
        record = await _worker(cascor_server, worker_id)
        assert (record["tasks_completed"], record["tasks_failed"]) == (0, 2)
    assert cascor_server.wait_until_idle(30)


@pytest.mark.cascor_server(scenario="idle")
async def test_results_the_server_refuses_outright(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(cascor_server.ws_url + "/ws/v1/workers") as ws:
        worker_id = await _registered(ws)
        await _start(cascor_server)
        assign = await _next_task(ws, worker_id)
        task_id = assign.message.task_id
        unknown = _result(assign, task_id="not-a-task")
        assert _acks(await _exchange(ws, *unknown)) == [("not-a-task", "rejected")]
        untyped = _result(assign, correlation=1.5)
        frames = await _exchange(ws, *untyped)
        assert _acks(frames) == [(task_id, "rejected")]
        (again,) = _assigns(frames)
        text, *tensors = _result(again)
        frames = await _exchange(ws, text, tensors[0], PROBE)  # a text where a tensor was due
        (error,) = [f for f in _texts(frames) if f["type"] == "error"]
        assert error["error"] == "Expected binary frame for tensor: bias"
        (requeued,) = _assigns(frames)
        assert requeued.message.task_id == task_id
        assert _acks(await _exchange(ws, *_result(requeued))) == [(task_id, "accepted")]
    assert cascor_server.wait_until_idle(30)


@pytest.mark.cascor_server(scenario="idle", worker_task_timeout=1.0)
async def test_an_unanswered_task_is_trained_in_process_after_the_timeout(
    cascor_server: FakeCascorServer,
) -> None:
    async with ws_connect(cascor_server.ws_url + "/ws/v1/workers") as ws:
        worker_id = await _registered(ws)
        await _start(cascor_server)
        await _next_task(ws, worker_id)
        assert await asyncio.to_thread(cascor_server.wait_until_idle, 30)


@pytest.mark.cascor_server(scenario="idle")
async def test_a_worker_leaving_mid_task_hands_it_back(cascor_server: FakeCascorServer) -> None:
    url = cascor_server.ws_url + "/ws/v1/workers"
    async with ws_connect(url) as staying:
        staying_id = await _registered(staying, "staying")
        async with ws_connect(url) as leaving:
            leaving_id = await _registered(leaving, "leaving")
            await _start(cascor_server)
            handed_back = await _next_task(leaving, leaving_id)
            own = await _next_task(staying, staying_id)

        async def one_left() -> bool:
            listed = await http("GET", f"{cascor_server.http_url}/v1/workers")
            return bool(listed.json()["data"]["count"] == 1)

        await _until(one_left)
        frames = await _exchange(staying, *_result(own))
        assert _acks(frames) == [(own.message.task_id, "accepted")]
        (next_task,) = _assigns(frames)
        assert next_task.message.task_id == handed_back.message.task_id
        assert _acks(await _exchange(staying, *_result(next_task)))[0][1] == "accepted"
    assert cascor_server.wait_until_idle(30)
