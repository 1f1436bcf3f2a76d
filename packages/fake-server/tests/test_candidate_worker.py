"""The test worker is the numpy worker: the fake server trains with what a deployment runs.

The worker's own behaviour (tasks, failures, heartbeats, refusals) is tested in
packages/numpy-worker; here, that the fake server's names are its classes and that its workers
train for the fake server."""

from __future__ import annotations

import requests

from juniper_cascor_fake_server import CandidateWorker, FakeCascorServer, WorkerThread
from juniper_cascor_numpy_worker import NumpyWorker
from juniper_cascor_numpy_worker import WorkerThread as NumpyWorkerThread


def test_the_test_worker_is_the_numpy_worker() -> None:
    assert CandidateWorker is NumpyWorker
    assert WorkerThread is NumpyWorkerThread


def test_the_old_arguments_still_start_a_worker_that_trains() -> None:
    with (
        FakeCascorServer(scenario="idle", api_keys=["k"]) as server,
        WorkerThread(server.ws_url, api_key="k", name="test-worker", heartbeat_interval=0.1) as t,
    ):
        api = server.http_url + "/v1"
        started = requests.post(
            api + "/training/start", json={}, headers={"X-API-Key": "k"}, timeout=5
        )
        assert started.status_code == 200
        assert server.wait_until_idle(60)
        worker = t.worker
        assert worker.worker_id is not None
        assert worker.worker_id.startswith("worker-")
        assert worker.tasks_completed >= 1
        assert (worker.tasks_failed, worker.rejected, worker.errors) == (0, 0, [])
        assert worker.accepted >= 1  # the fake server took its results
        assert worker.settings.name == "test-worker"
    assert worker.close_code is not None
