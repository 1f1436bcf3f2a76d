"""Distributed candidate training: workers on /ws/v1/workers, seen through the REST API.

The server trains the first candidate of each pool itself and queues one more per idle worker;
a worker takes a queued task when it connects, after a result, or on a heartbeat. Against the
real 0.12.0 server, a remote candidate that wins its pool is rebuilt with correlation 0.0 and
may end training as ``below_threshold``, so accuracy is only checked on the fake server.
"""

from __future__ import annotations

import asyncio
import functools
import platform
from typing import Any

import numpy as np
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from cascor_suite.protocol_worker import ProtocolWorker, failed_result, oversized_weights
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
        assert set(ids) <= set(_workers(client))
        before = {worker_id: client.get_worker(worker_id)["data"] for worker_id in ids}
        for worker in before.values():
            assert worker["tasks_completed"] == 0
            assert worker["idle"] is True
            assert worker["capabilities"]["python_version"] == platform.python_version()
        assert client.get_worker_stats()["data"]["total"] >= 2

        train_xor(client, candidate_pool_size=_POOL)
        if target.is_fake:
            assert client.get_metrics()["data"]["train_accuracy"] == 1.0
            assert client.get_network()["data"]["hidden_units"] >= 1

        # A worker that answers first may take the other's queued task too: only the total
        # is certain to be positive.
        assert sum(worker.tasks_completed for worker, _ in registered) > 0
        for worker, worker_id in registered:
            assert (worker.tasks_failed, worker.rejected, worker.errors) == (0, 0, [])
            wait_until(
                functools.partial(_settled, client, worker, worker_id),
                within=5.0,
                what=f"{worker_id}'s results acknowledged and its own figures recorded",
            )
        totals = client.get_worker_stats()["data"]
        assert totals["total_tasks_completed"] >= sum(w.tasks_completed for w, _ in registered)
        assert totals["total_tasks_failed"] == 0

    wait_until(lambda: not set(ids) & set(_workers(client)), within=5.0, what="workers gone")
    with pytest.raises(JuniperCascorNotFoundError):
        client.get_worker(ids[0])


def _settled(client: JuniperCascorClient, worker: CandidateWorker, worker_id: str) -> bool:
    """Every result acknowledged, and the server's record showing the worker's own figures."""
    record = client.get_worker(worker_id)["data"]
    return worker.accepted == worker.tasks_completed == record["tasks_completed"] and record[
        "recent_task_durations_seconds"
    ] == list(worker.durations)


async def test_failed_results_are_trained_by_the_server(
    target: Target, client: JuniperCascorClient
) -> None:
    await asyncio.to_thread(_workers, client)
    async with ProtocolWorker(target.ws_url, failed_result, target.api_key) as worker:
        assert worker.worker_id is not None
        await asyncio.to_thread(train_xor, client, candidate_pool_size=_POOL)
        record = (await asyncio.to_thread(client.get_worker, worker.worker_id))["data"]

    if target.is_fake:
        metrics = (await asyncio.to_thread(client.get_metrics))["data"]
        assert metrics["train_accuracy"] == 1.0, "training did not survive the failed results"
    assert worker.assigned, "no task was dispatched to the worker"
    assert set(worker.acks) == {"accepted"}
    assert (record["tasks_failed"], record["tasks_completed"]) == (len(worker.assigned), 0)
    first = worker.assigned[0]
    assert isinstance(first.message, TaskAssign)
    assert list(first.message.tensor_manifest) == ["candidate_input", "y", "residual_error"]
    samples, outputs = 4, 2
    assert first.tensors["candidate_input"].shape[0] == samples
    assert first.tensors["y"].shape == first.tensors["residual_error"].shape == (samples, outputs)
    assert all(tensor.dtype == np.float32 for tensor in first.tensors.values())
    assert first.message.candidate_data["activation_name"][0].isupper()
    assert set(first.message.training_params) == {"epochs", "learning_rate", "display_frequency"}


@pytest.mark.fake_server(worker_task_timeout=2.0)
async def test_rejected_results_are_requeued_to_the_worker(
    fake_server: FakeCascorServer, target: Target, client: JuniperCascorClient
) -> None:
    async with ProtocolWorker(target.ws_url, oversized_weights, target.api_key) as worker:
        assert worker.worker_id is not None
        await asyncio.to_thread(train_xor, client, candidate_pool_size=_POOL)
        record = (await asyncio.to_thread(client.get_worker, worker.worker_id))["data"]

    metrics = (await asyncio.to_thread(client.get_metrics))["data"]
    assert metrics["train_accuracy"] == 1.0, "training did not survive the rejected results"
    assert set(worker.acks) == {"rejected"}
    task_ids = [assembled.message.task_id for assembled in worker.assigned]
    assert len(set(task_ids)) < len(task_ids), "a rejected task was not offered again"
    # No retry cap: the worker keeps taking the task back until the round is replaced.
    assert record["tasks_failed"] >= len(set(task_ids))
    assert (record["tasks_completed"], record["health_score"]) == (0, 0.0)


@pytest.mark.fake_server(workers_enabled=False)
async def test_worker_system_disabled(fake_server: FakeCascorServer, target: Target) -> None:
    with target.client(retries=0) as client:  # 503 is retried for GETs; once is enough here
        with pytest.raises(JuniperCascorServiceUnavailableError):
            await asyncio.to_thread(client.list_workers)
        with pytest.raises(JuniperCascorServiceUnavailableError):
            await asyncio.to_thread(client.get_worker_stats)
    with pytest.raises(InvalidStatus) as refused:
        async with connect(target.ws_url + "/ws/v1/workers", open_timeout=5):
            pass
    assert refused.value.response.status_code == 403
