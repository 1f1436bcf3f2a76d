"""The named methods against the fake server's state rules, and the ``code`` of its refusals."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from juniper_cascor_client_rest import (
    JuniperCascorAuthenticationError,
    JuniperCascorClient,
    JuniperCascorClientError,
    JuniperCascorConflictError,
    JuniperCascorNotFoundError,
    JuniperCascorValidationError,
)
from juniper_cascor_fake_server import FakeCascorServer


@pytest.fixture
def client(cascor_server: FakeCascorServer) -> Iterator[JuniperCascorClient]:
    with JuniperCascorClient(cascor_server.http_url, retries=0) as client:
        yield client


def state_of(client: JuniperCascorClient) -> str:
    status: str = client.get_training_status()["data"]["state_machine"]["status"]
    return status


def hidden_count(client: JuniperCascorClient) -> int:
    return len(client.get_topology()["data"]["hidden_units"])


@pytest.mark.cascor_server(scenario="xor_converged")
def test_restore_investigate_edit_then_retrain_and_start(
    cascor_server: FakeCascorServer, client: JuniperCascorClient
) -> None:
    saved = client.save_snapshot("trained")["data"]
    assert saved["description"] == "trained"
    assert saved["id"] in [s["id"] for s in client.list_snapshots()["data"]]
    assert client.get_snapshot(saved["id"])["data"]["id"] == saved["id"]
    assert client.get_snapshot_dataset_swaps(saved["id"])["data"] == {"events": []}

    with pytest.raises(JuniperCascorConflictError) as refused:  # not investigating yet
        client.add_hidden_unit([0.0, 0.0, 0.0])
    assert refused.value.code == "HTTP_409"

    restored = client.load_snapshot(saved["id"])["data"]
    assert (restored["operation"], restored["fsm_state"]) == ("restore", "INVESTIGATING")
    assert state_of(client) == "INVESTIGATING"
    with pytest.raises(JuniperCascorConflictError, match="Investigating") as refused:
        client.start_training()
    assert refused.value.code == "HTTP_409"

    units = hidden_count(client)
    added = client.add_hidden_unit([0.1] * (2 + units), bias=0.5, activation="Sigmoid")["data"]
    assert added["num_hidden_units"] == units + 1
    assert client.get_topology()["data"]["hidden_units"][-1]["activation"] == "Sigmoid"
    client.patch_network_weights(target="output", field="bias", values=[0.25])
    assert client.get_topology()["data"]["output_bias"] == [0.25]
    client.patch_network_weights(
        target="hidden_unit", field="bias", values=[1.5], hidden_unit_index=units
    )
    assert client.get_topology()["data"]["hidden_units"][-1]["bias"] == 1.5
    client.remove_hidden_unit(units)
    assert hidden_count(client) == units
    with pytest.raises(JuniperCascorNotFoundError, match="out of range"):
        client.remove_hidden_unit(units + 5)

    retrained = client.retrain_from_snapshot(saved["id"])["data"]
    assert (retrained["operation"], retrained["fsm_state"]) == ("retrain", "STOPPED")
    assert client.start_training()["data"]["status"] == "training_started"
    assert cascor_server.wait_until_idle(60)


@pytest.mark.cascor_server(scenario="xor_converged")
def test_resume_from_a_snapshot_then_start(
    cascor_server: FakeCascorServer, client: JuniperCascorClient
) -> None:
    snapshot_id = client.save_snapshot()["data"]["id"]
    resumed = client.resume_from_snapshot(snapshot_id)["data"]
    assert resumed["fsm_state"] == "RESUME_READY"
    assert resumed["resume_point_epoch"] > 0
    assert client.start_training()["data"]["status"] == "training_started"
    assert cascor_server.wait_until_idle(60)


@pytest.mark.cascor_server(scenario="xor_converged")
def test_replay_a_snapshot_and_drive_it(client: JuniperCascorClient) -> None:
    snapshot_id = client.save_snapshot()["data"]["id"]
    with pytest.raises(JuniperCascorConflictError, match="No active replay"):
        client.control_replay(snapshot_id, "play")
    opened = client.replay_snapshot(snapshot_id)["data"]
    assert (opened["fsm_state"], opened["session"]["paused"]) == ("REPLAYING", True)
    seek = client.control_replay(snapshot_id, "seek", time_index=1)["data"]
    assert (seek["operation"], seek["action"]) == ("replay_control", "seek")
    client.control_replay(snapshot_id, "speed", value=2.0)
    stopped = client.control_replay(snapshot_id, "stop")["data"]
    assert stopped["fsm_state"] == "STOPPED"
    assert state_of(client) == "STOPPED"


@pytest.mark.cascor_server(scenario="xor_converged")
def test_clear_the_metrics_then_undo(client: JuniperCascorClient) -> None:
    before = len(client.get_metrics_history()["data"])
    assert before > 0
    cleared = client.clear_metrics()["data"]
    assert (cleared["cleared_count"], cleared["undo_available"]) == (before, True)
    assert client.get_metrics_history()["data"] == []
    assert client.undo_clear_metrics()["data"]["restored_count"] == before
    assert len(client.get_metrics_history(count=2)["data"]) == 2
    with pytest.raises(JuniperCascorConflictError, match="No metrics clear to undo") as refused:
        client.undo_clear_metrics()
    assert refused.value.code == "HTTP_409"


@pytest.mark.cascor_server(scenario="idle")
def test_stage_then_discard_a_dataset(client: JuniperCascorClient) -> None:
    assert client.get_pending_dataset()["data"] == {"pending": None}
    staged = client.stage_dataset(dataset_type="xor", n_samples=8)["data"]
    assert staged["config"] == {"dataset_type": "xor", "n_samples": 8}
    assert client.get_pending_dataset()["data"]["pending"] == staged["config"]
    assert client.discard_staged_dataset()["data"]["discarded"] == staged["config"]
    assert client.get_pending_dataset()["data"] == {"pending": None}
    with pytest.raises(JuniperCascorValidationError) as refused:
        client.stage_dataset(noise=2.0)
    assert refused.value.code == "VALIDATION_ERROR"


@pytest.mark.cascor_server(scenario="two_spiral_training")
def test_live_swap_behind_the_experimental_gate(
    cascor_server: FakeCascorServer, client: JuniperCascorClient
) -> None:
    with pytest.raises(JuniperCascorAuthenticationError) as refused:
        client.swap_dataset_live(dataset_type="spirals", n_samples=40)
    assert (refused.value.status_code, refused.value.code) == (403, "HTTP_403")
    assert str(refused.value).startswith("HTTP 403: experimental_functions_disabled")

    assert client.set_experimental_functions(True)["data"] == {
        "experimental_functions_enabled": True
    }
    assert client.get_experimental_functions()["data"] == {"enabled": True}
    swapped = client.swap_dataset_live(dataset_type="spirals", n_samples=40)["data"]
    assert swapped["status"] == "swapped"
    (event,) = client.get_dataset_swaps()["data"]["events"]
    assert event["after_cfg"] == {"dataset_type": "spirals", "n_samples": 40}
    assert client.get_dataset_swaps(since=event["timestamp"])["data"] == {"events": []}
    with pytest.raises(JuniperCascorNotFoundError, match="no_swap_in_progress"):
        client.cancel_live_swap()
    client.stop_training()
    assert cascor_server.wait_until_idle(60)


@pytest.mark.cascor_server(scenario="idle")
def test_a_running_training_pauses_and_resumes(
    cascor_server: FakeCascorServer, client: JuniperCascorClient
) -> None:
    with pytest.raises(JuniperCascorConflictError, match="cannot be paused") as refused:
        client.pause_training()
    assert refused.value.code == "HTTP_409"
    cascor_server.epoch_delay = 0.5  # slow enough that it is still running when paused
    client.start_training(start_fresh=True)
    assert client.pause_training()["data"]["status"]
    assert state_of(client) == "PAUSED"
    assert client.resume_training()["data"]["status"]
    client.update_params(learning_rate=0.02)
    assert client.get_training_params()["data"]["learning_rate"] == 0.02
    client.stop_training()
    assert cascor_server.wait_until_idle(60)
    client.reset_training()
    assert state_of(client) == "STOPPED"


CODES: list[tuple[str, Any, type[JuniperCascorClientError], int, str]] = [
    ("restore unknown", lambda c: c.load_snapshot("absent"), JuniperCascorNotFoundError, 404,
     "SNAPSHOT_ABSENT"),
    ("get unknown", lambda c: c.get_snapshot("absent"), JuniperCascorNotFoundError, 404,
     "HTTP_404"),
    ("worker unknown", lambda c: c.get_worker("w-absent"), JuniperCascorNotFoundError, 404,
     "HTTP_404"),
    ("boundary 3", lambda c: c.get_decision_boundary(3), JuniperCascorValidationError, 422,
     "VALIDATION_ERROR"),
    ("bad param", lambda c: c.update_params(patience=-1), JuniperCascorValidationError, 422,
     "VALIDATION_ERROR"),
]  # fmt: skip


@pytest.mark.cascor_server(scenario="idle")
@pytest.mark.parametrize(
    ("call", "cls", "status", "code"), [row[1:] for row in CODES], ids=[r[0] for r in CODES]
)
def test_errors_carry_the_servers_code(
    client: JuniperCascorClient,
    call: Any,
    cls: type[JuniperCascorClientError],
    status: int,
    code: str,
) -> None:
    with pytest.raises(cls) as caught:
        call(client)
    assert (caught.value.status_code, caught.value.code) == (status, code)


def test_without_a_network(client: JuniperCascorClient) -> None:
    with pytest.raises(JuniperCascorNotFoundError, match="No network created") as caught:
        client.get_network()
    assert caught.value.code == "HTTP_404"
    assert client.is_alive() is True
    assert client.is_ready() is False
    created = client.create_network(input_size=2, output_size=1)["data"]
    assert (created["input_size"], created["output_size"]) == (2, 1)
    assert client.is_ready() is True
    assert client.delete_network()["data"] == {"deleted": True}


@pytest.mark.cascor_server(scenario="idle")
def test_health_bodies_come_back_as_the_server_sends_them(client: JuniperCascorClient) -> None:
    assert client.health_check()["status"] == "ok"
    assert client.get_liveness()["status"] == "alive"
    ready = client.get_readiness()
    assert ready["status"] == "ready"
    assert ready["details"]["network_loaded"] is True
    assert "meta" not in ready
