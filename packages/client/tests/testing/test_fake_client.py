"""``FakeCascorClient``: the real REST client on a preloaded fake server, with the 0.8 helpers."""

from __future__ import annotations

import time

import pytest

from juniper_cascor_client import (
    JuniperCascorAuthenticationError,
    JuniperCascorClient,
    JuniperCascorConflictError,
    JuniperCascorNotFoundError,
)
from juniper_cascor_client.testing import SCENARIOS, FakeCascorClient, FakeCascorServer
from juniper_cascor_client.testing.constants import (
    FAKE_SNAPSHOT_1_DESCRIPTION,
    FAKE_SNAPSHOT_1_ID,
    FAKE_SNAPSHOT_2_DESCRIPTION,
    FAKE_SNAPSHOT_2_ID,
    FAKE_WORKER_1_ID,
    FAKE_WORKER_2_ID,
)
from juniper_cascor_fake_server.scenarios import KIT_SNAPSHOTS, KIT_WORKERS


def _status(client: FakeCascorClient) -> tuple[str, int]:
    data = client.get_training_status()["data"]
    return data["state_machine"]["status"], data["monitor"]["current_epoch"]


def _snapshot_ids(client: JuniperCascorClient) -> list[str]:
    return [item["id"] for item in client.request("GET", "/snapshots")["data"]]


# -- the client and its server -----------------------------------------------------------------
def test_fake_client_is_a_real_client_on_a_converged_xor() -> None:
    with FakeCascorClient(scenario="xor_converged") as client:
        assert isinstance(client, JuniperCascorClient)
        assert client.base_url == client.server.http_url
        assert client.get_metrics()["data"]["train_accuracy"] == 1.0
        assert client.get_training_status()["data"]["training_active"] is False
        server = client.server
    with pytest.raises(RuntimeError):
        _ = server.port  # stopped with the client


def test_the_upstream_positional_form_is_accepted() -> None:
    with FakeCascorClient("idle", "http://fake-cascor:8200", "the-key") as client:
        assert client.get_network()["status"] == "success"
        assert client.server.requests[-1].header("X-API-Key") == "the-key"
        assert client.server.config.api_keys == ("the-key",)


def test_a_started_server_accepts_only_the_clients_key() -> None:
    with FakeCascorClient("idle", api_key="right-key", kit=False) as client:
        with (
            JuniperCascorClient(client.base_url, api_key="wrong-key", retries=0) as other,
            pytest.raises(JuniperCascorAuthenticationError),
        ):
            other.get_network()
        assert client.get_network()["status"] == "success"


def test_fake_client_empty_scenario_has_no_network() -> None:
    with FakeCascorClient(scenario="empty") as client, pytest.raises(JuniperCascorNotFoundError):
        client.get_network()


def test_fake_client_rejects_unknown_scenario() -> None:
    with pytest.raises(ValueError, match="unknown scenario"):
        FakeCascorClient(scenario="nope")


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_scenario_starts_with_the_demo_workers(scenario: str) -> None:
    with FakeCascorClient(scenario=scenario, client_options={"retries": 5}) as client:
        assert client.is_alive()
        assert sorted(client.demo_workers) == sorted(KIT_WORKERS)


def test_attached_client_leaves_the_server_running_and_adds_nothing() -> None:
    with FakeCascorServer(scenario="idle") as server:
        client = FakeCascorClient(server=server)
        assert client.demo_workers == {}
        assert client.list_workers()["data"]["count"] == 0
        client.close()
        assert server.port > 0
        with JuniperCascorClient(server.http_url) as plain:
            assert plain.get_network()["status"] == "success"


def test_server_and_options_together_are_refused() -> None:
    with FakeCascorServer() as server, pytest.raises(TypeError, match="server="):
        FakeCascorClient(server=server, api_keys=["k"])


def test_fake_client_uses_the_server_key() -> None:
    with FakeCascorClient(scenario="idle", api_keys=["secret-key"]) as client:
        assert client.get_network()["status"] == "success"
        assert client.server.requests[-1].header("X-API-Key") == "secret-key"


# -- the kit's contents --------------------------------------------------------------------------
def test_the_demo_workers_are_registered_workers_with_server_ids() -> None:
    with FakeCascorClient(scenario="idle") as client:
        assert set(client.demo_workers) == {FAKE_WORKER_1_ID, FAKE_WORKER_2_ID}
        listed = client.list_workers()["data"]
        assert listed["count"] == 2
        ids = {worker["worker_id"] for worker in listed["workers"]}
        assert ids == set(client.demo_workers.values())
        for worker_id in ids:
            assert worker_id.startswith("worker-")
            assert client.get_worker(worker_id)["data"]["worker_id"] == worker_id
        assert client.get_worker_stats()["data"]["total"] == 2
        with pytest.raises(JuniperCascorNotFoundError):
            client.get_worker(FAKE_WORKER_1_ID)  # a name, not an id: as on the real server


def test_the_converged_xor_has_the_kit_snapshots() -> None:
    assert KIT_SNAPSHOTS == (
        (FAKE_SNAPSHOT_1_ID, FAKE_SNAPSHOT_1_DESCRIPTION),
        (FAKE_SNAPSHOT_2_ID, FAKE_SNAPSHOT_2_DESCRIPTION),
    )
    with FakeCascorClient(scenario="xor_converged") as client:
        assert _snapshot_ids(client) == [FAKE_SNAPSHOT_1_ID, FAKE_SNAPSHOT_2_ID]
        assert client.get_snapshot(FAKE_SNAPSHOT_2_ID)["data"]["id"] == FAKE_SNAPSHOT_2_ID
        client.load_snapshot(FAKE_SNAPSHOT_2_ID)
        assert client.get_network()["data"]["hidden_units"] == 1
        client.load_snapshot(FAKE_SNAPSHOT_1_ID)
        assert client.get_network()["data"]["hidden_units"] == 0


def test_the_spiral_training_has_the_kit_snapshots_and_runs_on() -> None:
    with FakeCascorClient(scenario="two_spiral_training") as client:
        assert _snapshot_ids(client) == [FAKE_SNAPSHOT_1_ID, FAKE_SNAPSHOT_2_ID]
        assert _status(client)[0] == "STARTED"


def test_without_the_kit_there_are_no_demo_contents() -> None:
    with FakeCascorClient(scenario="xor_converged", kit=False) as client:
        assert client.demo_workers == {}
        assert client.list_workers()["data"]["count"] == 0
        assert _snapshot_ids(client) == []


# -- advance_epoch -------------------------------------------------------------------------------
def test_advance_epoch_runs_exactly_that_many_epochs_and_holds() -> None:
    with FakeCascorClient(scenario="two_spiral_training") as client:
        client.advance_epoch(5)
        state, epoch = _status(client)
        assert state == "STARTED"
        assert client.get_metrics_history()["data"][-1]["epoch"] == epoch
        client.advance_epoch(3)
        assert _status(client) == ("STARTED", epoch + 3)
        client.advance_epoch(0)
        assert _status(client) == ("STARTED", epoch + 3)


def test_advance_epoch_keeps_a_paused_run_paused() -> None:
    with FakeCascorClient(scenario="two_spiral_training") as client:
        client.set_state("PAUSED")
        _, epoch = _status(client)
        client.advance_epoch(2)
        assert _status(client) == ("PAUSED", epoch + 2)


def test_advance_epoch_refuses_when_not_training() -> None:
    with FakeCascorClient(scenario="idle") as client:
        with pytest.raises(JuniperCascorConflictError, match="STOPPED") as info:
            client.advance_epoch()
        assert info.value.status_code == 409


def test_advance_epoch_returns_when_training_ends_first() -> None:
    with FakeCascorClient(scenario="idle", kit=False) as client:
        client.set_state("STARTED")
        client.advance_epoch(100_000)
        state, epoch = _status(client)
        assert state == "COMPLETED"
        assert 0 < epoch < 100_000


# -- set_state -----------------------------------------------------------------------------------
def test_set_state_moves_the_real_training() -> None:
    with FakeCascorClient(scenario="idle") as client:
        client.set_state("PAUSED")  # starts a run and pauses it after its first epoch
        assert _status(client) == ("PAUSED", 1)
        client.set_state("training")  # the upstream lower-case names are accepted
        assert _status(client)[0] == "STARTED"
        assert client.get_training_status()["data"]["training_active"] is True
        client.set_state("STOPPED")
        assert _status(client)[0] == "STOPPED"
        assert client.get_metrics_history()["data"]  # the history stays
        client.set_state("complete")
        assert _status(client)[0] == "COMPLETED"
        client.set_state("idle")
        assert _status(client)[0] == "STOPPED"


def test_set_state_started_lets_a_held_run_go_on() -> None:
    with FakeCascorClient(scenario="two_spiral_training") as client:
        client.advance_epoch(1)
        _, held = _status(client)
        client.set_state("STARTED")
        deadline = time.monotonic() + 30
        while _status(client)[1] <= held:  # the run goes on by itself
            assert time.monotonic() < deadline, "the run stayed held"
            time.sleep(0.01)


def test_set_state_refuses_unknown_names() -> None:
    with (
        FakeCascorClient(scenario="empty", kit=False) as client,
        pytest.raises(ValueError, match="Invalid state 'running'"),
    ):
        client.set_state("running")


def test_set_state_reports_the_servers_refusal() -> None:
    with FakeCascorClient(scenario="empty", kit=False) as client:
        with pytest.raises(JuniperCascorConflictError, match="Training data not provided"):
            client.set_state("STARTED")
        assert _status(client)[0] == "STOPPED"


def test_the_helpers_ignore_injected_request_failures() -> None:
    with FakeCascorClient(scenario="error_prone", kit=False) as client:
        for _ in range(3):
            client.set_state("PAUSED")
            client.set_state("STARTED")
        assert client.server.state.status == "STARTED"
