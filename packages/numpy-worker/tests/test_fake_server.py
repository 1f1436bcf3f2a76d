"""Against the fake cascor server: XOR trained with two numpy workers, whose results the
server accepts, and the worker thread's start and refusal."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from typing import Any

import pytest

from juniper_cascor_fake_server import FakeCascorServer
from juniper_cascor_numpy_worker import (
    CandidateOutcome,
    CandidateTask,
    WorkerThread,
    train_candidate,
)


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as answer:
        return json.load(answer)["data"]


def _post(url: str) -> int:
    request = urllib.request.Request(
        url, data=b"{}", headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        status: int = answer.status
        return status


class _HoldUntilBothStarted:
    """A trainer that holds the first tasks until two have started, then trains as usual.

    The server queues one task per idle worker, and a worker takes one on a heartbeat while
    idle or right after sending a result. XOR's tasks take milliseconds, so without this one
    worker could finish its task and take the second before the other's next heartbeat.
    A worker holds one task at a time, so the second task to start is the other worker's.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._started = 0
        self._both = threading.Event()

    def __call__(self, task: CandidateTask) -> CandidateOutcome:
        with self._lock:
            self._started += 1
            if self._started >= 2:
                self._both.set()
        self._both.wait(30)
        return train_candidate(task)


@pytest.mark.cascor_server(scenario="idle")
def test_two_workers_train_xor_and_the_server_accepts_their_results(
    cascor_server: FakeCascorServer,
) -> None:
    api = cascor_server.http_url + "/v1"
    gate = _HoldUntilBothStarted()
    options: dict[str, Any] = {"heartbeat_interval": 0.2, "train": gate}
    with (
        WorkerThread(cascor_server.ws_url, name="numpy-a", **options) as a,
        WorkerThread(cascor_server.ws_url, name="numpy-b", **options) as b,
    ):
        workers = [a.worker, b.worker]
        assert _post(api + "/training/start") == 200
        assert cascor_server.wait_until_idle(120)
        for worker in workers:
            assert worker.tasks_completed >= 1
            assert (worker.tasks_failed, worker.rejected, worker.errors) == (0, 0, [])
            assert worker.accepted == worker.tasks_completed
        deadline = time.monotonic() + 20
        while True:  # the next heartbeats carry each worker's final figures
            listed = {w["worker_id"]: w for w in _get(api + "/workers")["workers"]}
            reported = [listed[w.worker_id]["recent_task_durations_seconds"] for w in workers]
            if reported == [list(w.durations) for w in workers]:
                break
            assert time.monotonic() < deadline, listed
            time.sleep(0.05)
        for worker in workers:
            record = listed[worker.worker_id]
            assert record["tasks_completed"] == worker.tasks_completed
            assert record["tasks_failed"] == 0
            assert record["capabilities"]["worker"] == "juniper-cascor-numpy-worker"
        stats = _get(api + "/workers/stats")
        assert stats["total"] == 2
        assert stats["total_tasks_completed"] == sum(w.tasks_completed for w in workers)


@pytest.mark.cascor_server(api_keys=["right-key"])
def test_the_worker_thread_registers_with_the_right_key(cascor_server: FakeCascorServer) -> None:
    with WorkerThread(cascor_server.ws_url, api_key="right-key") as thread:
        assert thread.worker.worker_id is not None
        assert thread.worker.worker_id.startswith("worker-")
    assert not thread.alive


@pytest.mark.parametrize("options", [{"workers_enabled": False}, {"api_keys": ("k",)}])
def test_the_worker_thread_raises_at_once_when_refused(options: dict[str, Any]) -> None:
    with FakeCascorServer(**options) as server:
        thread = WorkerThread(server.ws_url, api_key="wrong", start_timeout=30)
        started = time.monotonic()
        with pytest.raises(RuntimeError, match=r"did not register.*HTTP 403"):
            thread.start()
        assert time.monotonic() - started < 15  # refused, not waiting out the start timeout
    assert thread.worker.worker_id is None
    assert thread.worker.stats.failed_connections == 0
    assert not thread.alive
