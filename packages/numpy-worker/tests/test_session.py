"""One connection's session against a scripted server on 127.0.0.1: registration, heartbeats,
tasks and their answers, acknowledgements, errors and frames that make no sense."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from juniper_cascor_numpy_worker import NumpyWorker
from juniper_cascor_protocol.worker import BinaryFrame, Heartbeat, TaskResult

from .scripted import (
    ASSIGNED_ID,
    XOR_E,
    XOR_X,
    HeldTrainer,
    Peer,
    ScriptedServer,
    assign_frame,
    registered,
    running,
    task_frames,
    until,
)

HEARTBEAT_KEYS = {
    "type",
    "worker_id",
    "timestamp",
    "in_flight_tasks",
    "last_task_completed_at",
    "rss_mb",
    "tasks_completed",
    "tasks_failed",
    "last_task_duration_seconds",
    "recent_task_durations_seconds",
    "gpu_utilization_pct",
}


async def _first_busy_heartbeat(peer: Peer) -> None:
    """Read heartbeats until one reports a task in flight."""
    async with asyncio.timeout(30):
        while (await peer.heartbeats(1))[0]["in_flight_tasks"] != 1:
            pass


def _result(assembled_message: object) -> TaskResult:
    assert isinstance(assembled_message, TaskResult)
    return assembled_message


async def test_it_registers_with_its_capabilities_and_heartbeats_its_figures() -> None:
    async with ScriptedServer() as server:
        worker = NumpyWorker(server.url, name="box-1", heartbeat_interval=0.1)
        async with running(worker):
            peer = await server.next_peer()
            register = await peer.register()
            beats = await peer.heartbeats(2)
    assert register["worker_id"] == "box-1"
    capabilities = register["capabilities"]
    for key in ("cpu_cores", "gpu", "gpu_name", "python_version", "numpy_version", "os"):
        assert key in capabilities
    assert capabilities["gpu"] is False
    assert capabilities["numpy_version"] == np.__version__
    assert capabilities["worker"] == "juniper-cascor-numpy-worker"
    for beat in beats:
        assert set(beat) == HEARTBEAT_KEYS
        assert beat["worker_id"] == ASSIGNED_ID
        assert Heartbeat.from_dict(beat).in_flight_tasks == 0
    assert beats[0]["rss_mb"] is None or beats[0]["rss_mb"] > 0
    assert worker.worker_id == ASSIGNED_ID
    assert worker.stats.registrations == 1


async def test_a_task_is_answered_with_its_four_float32_tensors_and_its_duration() -> None:
    async with registered(heartbeat_interval=60) as (worker, peer):
        await peer.send(*task_frames("t1"))
        assembled = await peer.result()
        await peer.send({"type": "result_ack", "task_id": "t1", "status": "accepted"})
        await until(lambda: worker.accepted == 1)
    message = _result(assembled.message)
    assert message.success, message.error_message
    assert (message.task_id, message.candidate_id, message.candidate_uuid) == ("t1", 2, "uuid-t1")
    assert message.activation_name == "Tanh"
    assert 0.0 <= message.correlation <= 1.0
    assert len(message.all_correlations) == 1
    assert message.best_corr_idx == 0
    assert list(assembled.tensors) == ["weights", "bias", "norm_output", "norm_error"]
    assert [t.shape for t in assembled.tensors.values()] == [(2,), (1,), (4,), (4,)]
    assert all(t.dtype == np.float32 for t in assembled.tensors.values())
    duration = message.extras["training_duration"]
    assert isinstance(duration, float)
    assert duration >= 0
    assert (worker.tasks_completed, worker.tasks_failed, worker.rejected) == (1, 0, 0)
    assert len(worker.durations) == 1


async def test_heartbeats_keep_flowing_while_a_task_trains() -> None:
    trainer = HeldTrainer()
    async with registered(heartbeat_interval=0.1, train=trainer) as (worker, peer):
        await peer.send(*task_frames("long"))
        await _first_busy_heartbeat(peer)
        # The task is held in its thread: every later heartbeat reports it in flight.
        beats = await peer.heartbeats(3)
        assert [beat["in_flight_tasks"] for beat in beats] == [1, 1, 1]
        assert not any(text["type"] == "task_result" for text in peer.texts)
        trainer.release.set()
        assembled = await peer.result()
        after = await peer.heartbeats(1)
    assert _result(assembled.message).success
    assert after[0]["in_flight_tasks"] == 0
    assert after[0]["tasks_completed"] == 1
    assert after[0]["recent_task_durations_seconds"] == list(worker.durations)


async def test_a_task_past_its_timeout_is_answered_failed_and_its_result_discarded() -> None:
    trainer = HeldTrainer()
    async with registered(heartbeat_interval=60, task_timeout=0.5, train=trainer) as (worker, peer):
        await peer.send(*task_frames("slow"))
        timed_out = _result((await peer.result()).message)
        assert worker.training_threads == 1  # abandoned, still running
        trainer.release.set()
        await until(lambda: worker.training_threads == 0)
        await peer.send(*task_frames("next"))
        following = _result((await peer.result()).message)
    assert (timed_out.task_id, timed_out.success) == ("slow", False)
    assert "timed out after 0.5 s" in str(timed_out.error_message)
    assert (timed_out.correlation, timed_out.best_corr_idx) == (0.0, -1)
    assert dict(timed_out.tensor_manifest) == {}
    assert timed_out.extras["training_duration"] >= 0.5
    # The abandoned thread finished meanwhile; its result was never sent.
    assert (following.task_id, following.success) == ("next", True)
    assert (worker.stats.tasks_timed_out, worker.tasks_failed, worker.tasks_completed) == (1, 1, 1)


async def test_stopping_mid_task_closes_at_once_and_abandons_the_thread() -> None:
    trainer = HeldTrainer()
    async with ScriptedServer() as server:
        worker = NumpyWorker(server.url, heartbeat_interval=60, train=trainer)
        running_worker = asyncio.create_task(worker.run())
        peer = await server.next_peer()
        await peer.register()
        await peer.send(*task_frames("held"))
        assert await asyncio.to_thread(trainer.started.wait, 20)
        worker.stop()
        await asyncio.wait_for(running_worker, 10)
        await peer.closed_by_worker()
        assert (peer.connection.close_code, worker.training_threads) == (1001, 1)
        trainer.release.set()
        await until(lambda: worker.training_threads == 0)
    assert (worker.tasks_completed, worker.tasks_failed) == (0, 1)


async def test_a_task_beyond_the_training_threads_limit_is_answered_busy() -> None:
    trainer = HeldTrainer()
    options = {"heartbeat_interval": 60, "max_in_flight_tasks": 1, "train": trainer}
    async with registered(**options) as (worker, peer):
        await peer.send(*task_frames("first"))
        assert await asyncio.to_thread(trainer.started.wait, 20)
        await peer.send(*task_frames("second"))
        busy = _result((await peer.result()).message)
        trainer.release.set()
        first = _result((await peer.result()).message)
    assert (busy.task_id, busy.success) == ("second", False)
    assert "the worker is busy: all 1 training threads are in use" in str(busy.error_message)
    assert (first.task_id, first.success) == ("first", True)
    assert (worker.tasks_completed, worker.tasks_failed) == (1, 1)


def _with_data(task_id: str, **changes: object) -> list[str | bytes]:
    """A task whose ``candidate_data`` has ``changes`` (``None`` removes a key)."""
    data = {**assign_frame(task_id)["candidate_data"], **changes}
    data = {key: value for key, value in data.items() if value is not None}
    return task_frames(task_id, candidate_data=data)


def _nan_inputs() -> np.ndarray:
    inputs = XOR_X.copy()
    inputs[1, 0] = np.nan
    return inputs


IMPOSSIBLE = [
    ("rrelu", task_frames("rrelu", "RReLU"), "RReLU"),
    ("glu", task_frames("glu", "GLU"), "GLU"),
    ("seed", _with_data("seed", candidate_seed=2**32), "seed"),
    ("nan", task_frames("nan", inputs=_nan_inputs()), "NaN"),
    (
        "wide",
        task_frames(
            "wide",
            inputs=np.zeros((4, 3), np.float32),
            tensor_manifest={
                "candidate_input": {"shape": [4, 3], "dtype": "float32"},
                "y": {"shape": [4, 1], "dtype": "float32"},
                "residual_error": {"shape": [4, 1], "dtype": "float32"},
            },
        ),
        "input_size=2",
    ),
    ("shape", task_frames("shape", residual=np.zeros((4, 2), np.float32)), "shape (4, 2)"),
    ("no-uuid", _with_data("no-uuid", candidate_uuid=None), "candidate_uuid"),
]


async def test_tasks_that_cannot_be_done_are_answered_with_the_reason() -> None:
    async with registered(heartbeat_interval=60) as (worker, peer):
        answers = {}
        for _, frames, _ in IMPOSSIBLE:
            await peer.send(*frames)
            message = _result((await peer.result()).message)
            answers[message.task_id] = message
        await peer.send(*task_frames("fine"))
        fine = _result((await peer.result()).message)
    assert fine.success
    for task_id, _, reason in IMPOSSIBLE:
        message = answers[task_id]
        assert message.success is False, task_id
        assert reason in str(message.error_message), (task_id, message.error_message)
        assert dict(message.tensor_manifest) == {}
        assert message.best_corr_idx == -1
    assert answers["rrelu"].candidate_uuid == "uuid-rrelu"
    assert answers["no-uuid"].candidate_uuid == ""
    assert worker.tasks_failed == len(IMPOSSIBLE)
    assert worker.tasks_completed == 1


async def test_frames_that_make_no_sense_are_counted_and_the_session_goes_on() -> None:
    async with registered(heartbeat_interval=60) as (worker, peer):
        text, first, _, third = task_frames("broken")
        await peer.send(
            b"stray binary frame",
            "{not json",
            "[1, 2]",
            {"type": "probe"},
            {"type": "token_refresh", "token": "t"},
            text,
            first,
            b"\x01\x00",  # an undecodable tensor: the task is refused
            third,  # the rest of the refused task's tensors is skipped quietly
        )
        refused = _result((await peer.result()).message)
        await peer.send(*task_frames("after"))
        after = _result((await peer.result()).message)
    assert (refused.task_id, refused.success) == ("broken", False)
    assert "tensor 'y' is unusable" in str(refused.error_message)
    assert (after.task_id, after.success) == ("after", True)
    assert worker.stats.unknown_messages == 2  # probe, and token_refresh (no handler)
    assert worker.stats.bad_frames == 4  # stray, not JSON, not an object, the broken tensor


async def test_result_acks_and_server_errors_are_counted() -> None:
    async with registered(heartbeat_interval=60) as (worker, peer):
        await peer.send(
            {"type": "result_ack", "task_id": "a", "status": "accepted"},
            {"type": "result_ack", "task_id": "b", "status": "rejected"},
            {"type": "result_ack", "task_id": "c", "status": "rejected"},
            {"type": "error", "error": "Invalid JSON", "timestamp": 1.0},
            {"type": "error", "error": "Unknown message type: x", "timestamp": 2.0},
        )
        await until(lambda: worker.stats.server_errors == 2)
    assert (worker.accepted, worker.rejected) == (1, 2)
    assert worker.errors == ["Invalid JSON", "Unknown message type: x"]


async def test_a_registration_that_is_never_acknowledged_is_hung_up_on() -> None:
    async with ScriptedServer() as server:
        worker = NumpyWorker(server.url, open_timeout=0.5, backoff_base=0.05, backoff_max=0.1)
        async with running(worker):
            silent = await server.next_peer()
            await silent.send({"type": "connection_established", "data": {"channel": "workers"}})
            assert (await silent.recv_json())["type"] == "register"
            await silent.closed_by_worker()
            retry = await server.next_peer()
            await retry.register()
            await until(lambda: worker.worker_id == ASSIGNED_ID)
    assert silent.connection.close_code == 1000
    assert worker.stats.registrations == 1


async def test_each_output_column_gets_its_correlation() -> None:
    async with registered(heartbeat_interval=60) as (_, peer):
        residual = np.hstack([XOR_E, np.array([[1], [0], [0], [0]], np.float32)])
        await peer.send(*task_frames("two", residual=residual, tensor_manifest=_manifest(2)))
        message = _result((await peer.result()).message)
    assert message.success, message.error_message
    assert len(message.all_correlations) == 2
    assert message.best_corr_idx in (0, 1)


def _manifest(outputs: int) -> dict[str, dict[str, object]]:
    return {
        "candidate_input": {"shape": [4, 2], "dtype": "float32"},
        "y": {"shape": [4, outputs], "dtype": "float32"},
        "residual_error": {"shape": [4, outputs], "dtype": "float32"},
    }


def _recorded(golden: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """A recorded task and the torch worker's answer, and the tensors of both."""
    with np.load(golden.with_suffix(".npz")) as tensors:
        return json.loads(golden.read_text()), dict(tensors)


GOLDENS = sorted((Path(__file__).parent / "data").glob("all*.json"))


@pytest.mark.parametrize("golden", GOLDENS, ids=[path.stem for path in GOLDENS])
async def test_a_recorded_task_is_answered_as_the_torch_worker_answered_it(golden: Path) -> None:
    recorded, tensors = _recorded(golden)
    assign, expected = recorded["task_assign"], recorded["task_result_torch_worker"]
    frames = [json.dumps(assign)]
    frames += [BinaryFrame.encode(tensors[f"assign_{name}"]) for name in assign["tensor_manifest"]]
    async with registered(heartbeat_interval=60) as (_, peer):
        await peer.send(*frames)
        assembled = await peer.result()
    wire = next(text for text in peer.texts if text["type"] == "task_result")
    assert set(wire) == set(expected) | {"training_duration"}
    same = ("task_id", "candidate_id", "candidate_uuid", "success", "activation_name")
    assert {key: wire[key] for key in same} == {key: expected[key] for key in same}
    assert wire["epochs_completed"] == expected["epochs_completed"]
    assert wire["best_corr_idx"] == expected["best_corr_idx"]
    assert wire["tensor_manifest"] == expected["tensor_manifest"]
    for key in ("correlation", "numerator", "denominator"):
        assert wire[key] == pytest.approx(expected[key], rel=1e-4, abs=1e-6), key
    assert wire["all_correlations"] == pytest.approx(expected["all_correlations"], abs=1e-5)
    for name, array in assembled.tensors.items():
        np.testing.assert_allclose(array, tensors[f"result_{name}"], rtol=1e-4, atol=1e-5)
