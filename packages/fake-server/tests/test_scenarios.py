"""The scenarios with the upstream test kit's contents (``+kit``) and its demo workers."""

from __future__ import annotations

import pytest

from juniper_cascor_fake_server import FakeCascorServer
from juniper_cascor_fake_server.scenarios import (
    KIT_SCENARIOS,
    KIT_SNAPSHOTS,
    KIT_WORKERS,
    SCENARIOS,
    connect_kit_workers,
)

from .conftest import XOR_START
from .test_rest import api, data, error, status_of

SNAPSHOT_IDS = [snapshot_id for snapshot_id, _ in KIT_SNAPSHOTS]


def _snapshot_ids(server: FakeCascorServer) -> list[str]:
    return [item["id"] for item in data(api(server, "GET", "/snapshots"))]


def _hidden_units_of(server: FakeCascorServer, snapshot_id: str) -> int:
    data(api(server, "POST", f"/snapshots/{snapshot_id}/restore"))
    return int(data(api(server, "GET", "/network"))["hidden_units"])


def test_every_scenario_has_a_kit_variant() -> None:
    assert tuple(f"{name}+kit" for name in SCENARIOS) == KIT_SCENARIOS
    for name in KIT_SCENARIOS:
        FakeCascorServer(scenario=name)  # the name is checked at construction
    for name in ("nope+kit", "idle+kit+kit", "+kit"):
        with pytest.raises(ValueError, match="unknown scenario"):
            FakeCascorServer(scenario=name)


def test_the_converged_xor_kit_has_the_snapshots_of_its_run() -> None:
    with FakeCascorServer(scenario="xor_converged") as plain:
        assert _snapshot_ids(plain) == []
        expected = status_of(plain)["monitor"]["current_epoch"]
    with FakeCascorServer(scenario="xor_converged+kit") as server:
        status = status_of(server)
        assert status["state_machine"]["status"] == "COMPLETED"
        assert status["monitor"]["current_epoch"] == expected  # the snapshots change nothing
        assert _snapshot_ids(server) == SNAPSHOT_IDS
        assert _hidden_units_of(server, "snap-001") == 0  # before training
        assert _hidden_units_of(server, "snap-002") == 1  # at the first hidden unit


def test_the_spiral_kit_is_training_paced_with_both_snapshots() -> None:
    with FakeCascorServer(scenario="two_spiral_training+kit") as server:
        assert status_of(server)["state_machine"]["status"] == "STARTED"
        assert server.epoch_delay >= 0.02
        assert _snapshot_ids(server) == SNAPSHOT_IDS
        data(api(server, "POST", "/training/stop"))
        assert _hidden_units_of(server, "snap-002") == 1
        assert _hidden_units_of(server, "snap-001") == 0


@pytest.mark.parametrize("name", ["empty+kit", "idle+kit", "error_prone+kit"])
def test_kits_without_a_run_have_no_snapshots(name: str) -> None:
    with FakeCascorServer(scenario=name) as server:
        server.faults.clear()
        assert _snapshot_ids(server) == []


def test_the_demo_workers_register_and_train_candidates() -> None:
    with FakeCascorServer(scenario="idle", api_keys=["k"]) as server:
        workers = connect_kit_workers(server.ws_url, "k")
        try:
            names = {w.worker.settings.name: w.worker.worker_id for w in workers}
            assert sorted(names) == sorted(KIT_WORKERS)
            headers = {"X-API-Key": "k"}
            listed = data(api(server, "GET", "/workers", headers=headers))
            assert {w["worker_id"] for w in listed["workers"]} == set(names.values())
            data(api(server, "POST", "/training/start", XOR_START, headers=headers))
            assert server.wait_until_idle(60)
            stats = data(api(server, "GET", "/workers/stats", headers=headers))
            assert stats["total"] == 2
            assert stats["total_tasks_completed"] >= 1  # candidates trained on the workers
            assert sum(w.worker.accepted for w in workers) >= 1
            assert [(w.worker.tasks_failed, w.worker.rejected) for w in workers] == [(0, 0)] * 2
        finally:
            for worker in workers:
                worker.stop()


def test_refused_demo_workers_leave_none_connected() -> None:
    with FakeCascorServer(workers_enabled=False) as server:
        with pytest.raises(RuntimeError, match="did not register"):
            connect_kit_workers(server.ws_url)
        error(api(server, "GET", "/workers"), 503)
