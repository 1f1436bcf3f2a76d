"""The test worker (``CandidateWorker``/``WorkerThread``): against the fake server, and against a
scripted loopback server that sends the tasks the real server sends (TitleCase activations,
float32 tensors) and tasks no worker can train."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import numpy as np
import pytest
import requests
from aiohttp import WSMsgType, web

from juniper_cascor_fake_server import FakeCascorServer
from juniper_cascor_fake_server.workers.candidate_worker import CandidateWorker, WorkerThread
from juniper_cascor_protocol.worker import (
    AssembledMessage,
    BinaryFrame,
    TaskResult,
    TensorSequenceAssembler,
)

WORKER_LOGGER = "juniper_cascor_fake_server.workers.candidate_worker"
TRAINABLE = [
    "Tanh",
    "Sigmoid",
    "ReLU",
    "LeakyReLU",
    "ELU",
    "SELU",
    "Softplus",
    "GELU",
    "SiLU",
    "Hardtanh",
    "Identity",
    "Linear",
    "Softsign",
    "Tanhshrink",
    "tanh",
]
_RNG = np.random.default_rng(7)
_X = _RNG.uniform(-1.0, 1.0, (6, 3)).astype(np.float32)
_E = _RNG.uniform(-1.0, 1.0, (6, 2)).astype(np.float32)


def _assign(task_id: str, activation: str, **changes: Any) -> dict[str, Any]:
    """A ``task_assign`` as the real server writes it."""
    frame: dict[str, Any] = {
        "type": "task_assign",
        "task_id": task_id,
        "round_id": "round-1",
        "candidate_index": 3,
        "candidate_data": {
            "input_size": 3,
            "activation_name": activation,
            "random_value_scale": 0.1,
            "candidate_uuid": f"uuid-{task_id}",
            "candidate_seed": 1181241943,
            "random_max_value": 4294967295,
            "sequence_max_value": 100,
        },
        "training_params": {"epochs": 40, "learning_rate": 0.01, "display_frequency": 10},
        "tensor_manifest": {
            "candidate_input": {"shape": [6, 3], "dtype": "float32"},
            "y": {"shape": [6, 2], "dtype": "float32"},
            "residual_error": {"shape": [6, 2], "dtype": "float32"},
        },
    }
    frame.update(changes)
    return frame


def _tensors(candidate_input: np.ndarray = _X) -> list[bytes]:
    return [BinaryFrame.encode(a) for a in (candidate_input, np.zeros_like(_E), _E)]


class ScriptedServer:
    """A loopback ``/ws/v1/workers`` that registers one worker, sends it the scripted frames and
    collects the results it answers, with their tensors."""

    def __init__(self, script: list[str | bytes], expected: int) -> None:
        self.script, self.expected = script, expected
        self.results: list[AssembledMessage] = []
        self.done = asyncio.Event()

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "connection_established", "data": {"channel": "workers"}})
        register = json.loads((await ws.receive()).data)
        assert register["type"] == "register"
        assert isinstance(register["capabilities"], dict)
        await ws.send_json(
            {
                "type": "registration_ack",
                "worker_id": "worker-0123456789ab",
                "data": {"status": "registered", "client_name": register["worker_id"]},
            }
        )
        for frame in self.script:
            await (ws.send_str(frame) if isinstance(frame, str) else ws.send_bytes(frame))
        assembler = TensorSequenceAssembler()
        async for message in ws:
            if message.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                break
            if isinstance(parsed := assembler.feed(message.data), AssembledMessage):
                self.results.append(parsed)
                if len(self.results) == self.expected:
                    self.done.set()
        return ws


@asynccontextmanager
async def _served(script: list[str | bytes], expected: int) -> AsyncIterator[ScriptedServer]:
    """Run a ``ScriptedServer`` on 127.0.0.1 and a ``CandidateWorker`` against it."""
    server = ScriptedServer(script, expected)
    app = web.Application()
    app.router.add_get("/ws/v1/workers", server.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    worker = CandidateWorker(f"ws://127.0.0.1:{port}", heartbeat_interval=60.0)
    running = asyncio.create_task(worker.run())
    try:
        async with asyncio.timeout(60):
            await server.done.wait()
        yield server
    finally:
        worker.stop()
        await asyncio.wait_for(running, 10)
        await runner.cleanup()


async def test_titlecase_activations_train_with_float32_results() -> None:
    script: list[str | bytes] = []
    for index, name in enumerate(TRAINABLE):
        script += [json.dumps(_assign(f"t{index}", name)), *_tensors()]
    async with _served(script, len(TRAINABLE)) as server:
        results = server.results
    for name, assembled in zip(TRAINABLE, results, strict=True):
        message = assembled.message
        assert isinstance(message, TaskResult)
        assert message.success, message.error_message
        assert message.activation_name == name
        assert (message.candidate_id, message.candidate_uuid) == (3, f"uuid-{message.task_id}")
        assert 0.0 <= message.correlation <= 1.0
        assert list(assembled.tensors) == ["weights", "bias", "norm_output", "norm_error"]
        assert [t.shape for t in assembled.tensors.values()] == [(3,), (1,), (6,), (6,)]
        assert all(t.dtype == np.float32 for t in assembled.tensors.values())
        norm_error = assembled.tensors["norm_error"]
        column = _E[:, message.best_corr_idx]
        np.testing.assert_allclose(norm_error, column - column.mean(), atol=1e-6)


async def test_tasks_it_cannot_train_are_answered_as_failures_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    no_uuid = _assign("t2", "Tanh")
    del no_uuid["candidate_data"]["candidate_uuid"]
    wide = np.zeros((6, 5), np.float32)
    script: list[str | bytes] = [
        json.dumps(_assign("t1", "Softmax")),
        *_tensors(),
        json.dumps(no_uuid),
        *_tensors(),
        json.dumps(_assign("t3", "Tanh")),
        *_tensors(wide),
        json.dumps(_assign("t4", "Tanh", tensor_manifest=[])),
        json.dumps(_assign("t5", "Tanh")),
        _tensors()[0],
        json.dumps(_assign("t6", "Tanh")),
        *_tensors(),
    ]
    with caplog.at_level(logging.ERROR, logger=WORKER_LOGGER):
        async with _served(script, 6) as server:
            results = [m for a in server.results if isinstance(m := a.message, TaskResult)]
    assert len(results) == len(server.results)
    failed = {m.task_id: m for m in results if not m.success}
    assert sorted(failed) == ["t1", "t2", "t3", "t4", "t5"]
    assert "Softmax" in str(failed["t1"].error_message)
    assert "candidate_uuid" in str(failed["t2"].error_message)
    assert "candidate_input" in str(failed["t3"].error_message)
    assert "tensor_manifest" in str(failed["t4"].error_message)
    for message in failed.values():
        assert (message.correlation, message.best_corr_idx, dict(message.tensor_manifest)) == (
            0.0,
            -1,
            {},
        )
    assert failed["t2"].candidate_uuid == ""
    assert [m.success for m in results if m.task_id == "t6"] == [True]
    logged = {record.getMessage() for record in caplog.records if record.name == WORKER_LOGGER}
    for task_id in failed:
        assert any(line.startswith(f"task {task_id} failed") for line in logged), logged


@pytest.mark.cascor_server(scenario="idle")
def test_the_worker_trains_for_the_fake_server_and_reports_its_durations(
    cascor_server: FakeCascorServer,
) -> None:
    api = cascor_server.http_url + "/v1"
    with WorkerThread(cascor_server.ws_url, heartbeat_interval=0.1) as thread:
        worker = thread.worker
        assert worker is not None
        assert worker.worker_id is not None
        started = requests.post(api + "/training/start", json={}, timeout=5)
        assert started.status_code == 200
        assert cascor_server.wait_until_idle(60)
        assert worker.tasks_completed >= 1
        assert (worker.tasks_failed, worker.rejected, worker.errors) == (0, 0, [])
        reported = list(worker.durations)
        deadline = time.monotonic() + 10
        while True:  # the next heartbeat carries the worker's own figures
            record = requests.get(f"{api}/workers/{worker.worker_id}", timeout=5).json()["data"]
            if record["recent_task_durations_seconds"] == reported or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert record["recent_task_durations_seconds"] == reported
        assert record["last_task_duration_seconds"] == reported[-1]
        assert record["tasks_completed"] == worker.tasks_completed == worker.accepted


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
