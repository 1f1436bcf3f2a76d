"""Distributed candidate training: workers on /ws/v1/workers, seen through the REST API."""

from __future__ import annotations

import asyncio
import platform
from typing import Any

import numpy as np
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from cascor_suite.protocol_worker import RejectedWorker
from cascor_suite.target import Target
from cascor_suite.training import train_xor
from cascor_suite.waits import wait_until
from juniper_cascor_client import (
    JuniperCascorClient,
    JuniperCascorNotFoundError,
    JuniperCascorServiceUnavailableError,
)
from juniper_cascor_client.testing import FakeCascorServer
from juniper_cascor_fake_server import CandidateWorker, WorkerThread
from juniper_cascor_protocol.worker import TaskAssign

_POOL = 6


def _workers(client: JuniperCascorClient) -> dict[str, dict[str, Any]]:
    """The listed workers by id (skips the test when the target has no worker system)."""
    try:
        data = client.list_workers()["data"]
    except JuniperCascorServiceUnavailableError:
        pytest.skip("the target server's worker system is disabled")
    assert data["count"] == len(data["workers"])
    return {worker["worker_id"]: worker for worker in data["workers"]}


def _registered(*threads: WorkerThread) -> list[tuple[CandidateWorker, str]]:
    """Each thread's worker and the id the server assigned it."""
    pairs = []
    for thread in threads:
        worker = thread.worker
        assert worker is not None
        assert worker.worker_id is not None
        pairs.append((worker, worker.worker_id))
    return pairs


def test_workers_train_the_candidates(target: Target, client: JuniperCascorClient) -> None:
    _workers(client)
    options: dict[str, Any] = {"api_key": target.api_key, "heartbeat_interval": 0.1}
    with (
        WorkerThread(target.ws_url, name="integration-a", **options) as first,
        WorkerThread(target.ws_url, name="integration-b", **options) as second,
    ):
        registered = _registered(first, second)
        ids = [worker_id for _, worker_id in registered]
        assert all(worker_id.startswith("worker-") for worker_id in ids)
        listed = _workers(client)
        assert set(ids) <= set(listed)
        before = {worker_id: client.get_worker(worker_id)["data"] for worker_id in ids}
        for worker in before.values():
            assert worker["tasks_completed"] == 0
            assert worker["idle"] is True
            assert worker["capabilities"]["python_version"] == platform.python_version()
        stats = client.get_worker_stats()["data"]
        assert stats["total"] >= 2

        wait_until(
            lambda: all(
                client.get_worker(w)["data"]["last_heartbeat"] > before[w]["last_heartbeat"]
                for w in ids
            ),
            within=5.0,
            what="heartbeats recorded",
        )
        status = train_xor(client, candidate_pool_size=_POOL)
        assert status["train_accuracy"] == 1.0
        hidden_units = client.get_network()["data"]["hidden_units"]
        assert hidden_units >= 1

        after = {worker_id: client.get_worker(worker_id)["data"] for worker_id in ids}
        assert all(worker["tasks_completed"] > 0 for worker in after.values())
        assert sum(worker["tasks_completed"] for worker in after.values()) == _POOL * hidden_units
        assert all(worker["tasks_failed"] == 0 for worker in after.values())
        assert all(worker["recent_task_durations_seconds"] for worker in after.values())
        wait_until(
            lambda: all(w.accepted == after[i]["tasks_completed"] for w, i in registered),
            within=5.0,
            what="every result acknowledged to its worker",
        )
        totals = client.get_worker_stats()["data"]
        assert totals["total_tasks_completed"] >= _POOL * hidden_units
        assert totals["total_tasks_failed"] == 0

    wait_until(lambda: not set(ids) & set(_workers(client)), within=5.0, what="workers gone")
    with pytest.raises(JuniperCascorNotFoundError):
        client.get_worker(ids[0])


async def test_rejected_results_fall_back_to_the_server(
    target: Target, client: JuniperCascorClient
) -> None:
    await asyncio.to_thread(_workers, client)
    async with RejectedWorker(target.ws_url, target.api_key) as worker:
        assert worker.worker_id is not None
        status = await asyncio.to_thread(train_xor, client, candidate_pool_size=_POOL)
        record = (await asyncio.to_thread(client.get_worker, worker.worker_id))["data"]

    assert status["train_accuracy"] == 1.0, "training did not survive the rejected results"
    assert worker.assigned, "no task was dispatched to the worker"
    assert set(worker.acks) == {"rejected"}
    assert record["tasks_failed"] == len(worker.assigned)
    assert record["tasks_completed"] == 0
    assert record["health_score"] == 0.0
    first = worker.assigned[0]
    assert isinstance(first.message, TaskAssign)
    assert list(first.message.tensor_manifest) == ["candidate_input", "residual_error"]
    samples = 4
    assert first.tensors["candidate_input"].shape == (samples, 2)
    assert first.tensors["residual_error"].shape == (samples, 2)
    assert all(tensor.dtype == np.float64 for tensor in first.tensors.values())
    assert first.message.training_params["epochs"] > 0


@pytest.mark.fake_server(workers_enabled=False)
async def test_worker_system_disabled(fake_server: FakeCascorServer, target: Target) -> None:
    with target.client(retries=0) as client:  # 503 is retried for GETs; once is enough here
        with pytest.raises(JuniperCascorServiceUnavailableError):
            await asyncio.to_thread(client.list_workers)
        with pytest.raises(JuniperCascorServiceUnavailableError):
            await asyncio.to_thread(client.get_worker_stats)
    async with connect(target.ws_url + "/ws/v1/workers", open_timeout=5) as socket:
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), 5.0)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1013
