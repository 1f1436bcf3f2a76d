"""The REST surface of the fake server over real loopback HTTP: envelopes, errors, training."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from juniper_cascor_fake_server import FakeCascorServer

from .conftest import XOR_START

HEALTH_KEYS = {"status", "version", "service", "git_sha", "build_date"}
STATUS_KEYS = {
    "auto_start_failure",
    "completion_reason",
    "current_dataset",
    "dataset_shortfall",
    "metrics_clear_undo_available",
    "monitor",
    "network_loaded",
    "pending_dataset",
    "server_instance_id",
    "snapshot_seq",
    "state_machine",
    "training_active",
    "training_state",
}


def api(
    server: FakeCascorServer, method: str, path: str, body: Any = None, **options: Any
) -> requests.Response:
    """One request to ``/v1{path}`` of ``server``."""
    return requests.request(method, f"{server.http_url}/v1{path}", json=body, timeout=10, **options)


def data(response: requests.Response) -> Any:
    """The ``data`` of a success envelope (asserting it is one)."""
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "success"
    assert set(body["meta"]) == {"timestamp", "version"}
    return body["data"]


def error(response: requests.Response, status: int) -> dict[str, Any]:
    """The ``error`` of an error envelope with ``status`` (asserting it is one)."""
    body = response.json()
    assert response.status_code == status, body
    assert body["status"] == "error"
    assert set(body["error"]) == {"code", "message", "detail"}
    return dict(body["error"])


def status_of(server: FakeCascorServer) -> dict[str, Any]:
    """``GET /v1/training/status`` data."""
    result: dict[str, Any] = data(api(server, "GET", "/training/status"))
    return result


def test_health_probes_are_flat(cascor_server: FakeCascorServer) -> None:
    health = api(cascor_server, "GET", "/health").json()
    assert set(health) == HEALTH_KEYS
    assert (health["status"], health["version"]) == ("ok", "0.12.0")
    assert api(cascor_server, "GET", "/health/live").json()["status"] == "alive"
    ready = api(cascor_server, "GET", "/health/ready").json()
    assert (ready["status"], ready["details"]["network_loaded"]) == ("ready", False)
    data(api(cascor_server, "POST", "/network", {}))
    ready = api(cascor_server, "GET", "/health/ready").json()
    assert ready["details"]["network_loaded"] is True
    assert ready["details"]["training_state"]["status"] == "Stopped"


def test_outside_the_routes_answers_are_bare_details(cascor_server: FakeCascorServer) -> None:
    unversioned = requests.get(cascor_server.http_url + "/health", timeout=5)
    assert (unversioned.status_code, unversioned.json()) == (404, {"detail": "Not Found"})
    for method in ("GET", "POST"):
        retrain = api(cascor_server, method, "/training/retrain")
        assert (retrain.status_code, retrain.json()) == (404, {"detail": "Not Found"})
    wrong = api(cascor_server, "DELETE", "/network/hidden-units")
    assert (wrong.status_code, wrong.json()) == (405, {"detail": "Method Not Allowed"})
    assert "POST" in wrong.headers["Allow"]


def test_refusals_are_error_envelopes(cascor_server: FakeCascorServer) -> None:
    for path in ("/network", "/network/topology", "/network/stats", "/training/params"):
        refused = error(api(cascor_server, "GET", path), 404)
        assert refused == {"code": "HTTP_404", "message": "No network created", "detail": None}
    started = error(api(cascor_server, "POST", "/training/start", {"epochs": 1}), 409)
    assert started["message"] == "Training cannot be started: Training data not provided"
    assert data(api(cascor_server, "DELETE", "/network")) == {"deleted": True}


def test_validation_failures_list_every_field(cascor_server: FakeCascorServer) -> None:
    invalid = error(api(cascor_server, "POST", "/network", {"input_size": 0, "patience": "x"}), 422)
    assert invalid["code"] == "VALIDATION_ERROR"
    assert [item["loc"] for item in invalid["detail"]] == [
        ["body", "input_size"],
        ["body", "patience"],
    ]
    assert invalid["message"].startswith("body.input_size: Input should be greater than or equal")
    broken = requests.post(cascor_server.http_url + "/v1/network", data="{", timeout=5)
    assert error(broken, 422)["detail"][0]["type"] == "json_invalid"
    deep = requests.post(cascor_server.http_url + "/v1/network", data="[" * 60_000, timeout=5)
    assert error(deep, 422)["detail"][0]["type"] == "json_invalid"
    resolution = error(api(cascor_server, "GET", "/decision-boundary?resolution=3"), 422)
    assert resolution["detail"][0]["loc"] == ["query", "resolution"]
    assert error(api(cascor_server, "GET", "/metrics/history?count=0"), 422)["detail"]


def test_idle_state_rules(cascor_server: FakeCascorServer) -> None:
    data(api(cascor_server, "POST", "/network", {}))
    stopped = data(api(cascor_server, "POST", "/training/stop"))
    assert set(stopped) == {"status", "timestamp"}
    assert stopped["status"] == "stop_requested"
    paused = error(api(cascor_server, "POST", "/training/pause"), 409)
    assert paused["message"] == "Training cannot be paused in the current state"
    resumed = error(api(cascor_server, "POST", "/training/resume"), 409)
    assert resumed["message"] == "Training cannot be resumed in the current state"
    status = status_of(cascor_server)
    assert set(status) == STATUS_KEYS
    assert status["state_machine"] == {
        "status": "STOPPED",
        "phase": "IDLE",
        "paused_phase": None,
        "has_candidate_state": False,
    }
    assert (status["training_state"]["status"], status["training_state"]["phase"]) == (
        "Stopped",
        "Idle",
    )


def test_training_runs_for_real(cascor_server: FakeCascorServer) -> None:
    data(api(cascor_server, "POST", "/network", {}))
    unknown = error(
        api(cascor_server, "POST", "/training/start", {**XOR_START, "params": {"bogus": 1}}), 422
    )
    assert unknown["message"] == "body.params.bogus: Extra inputs are not permitted"
    started = data(api(cascor_server, "POST", "/training/start", XOR_START))
    assert started["status"] == "training_started"
    assert cascor_server.wait_until_idle(30)
    status = status_of(cascor_server)
    assert status["state_machine"]["status"] == "COMPLETED"
    assert status["completion_reason"] == "early_stopped"
    assert status["current_dataset"] == {"dataset_type": None}
    metrics = data(api(cascor_server, "GET", "/metrics"))
    assert metrics["train_accuracy"] == 1.0
    history = data(api(cascor_server, "GET", "/metrics/history?count=3"))
    assert [row["epoch"] for row in history] == list(
        range(metrics["epoch"] - 2, metrics["epoch"] + 1)
    )
    assert {row["kind"] for row in history} == {"training_step"}
    topology = data(api(cascor_server, "GET", "/network/topology"))
    assert len(topology["hidden_units"]) == metrics["hidden_units"] >= 1
    assert len(topology["output_weights"]) == 2 + metrics["hidden_units"]
    assert status["training_state"]["grow_iteration"] >= metrics["hidden_units"]


def test_epochs_bound_the_first_output_pass(cascor_server: FakeCascorServer) -> None:
    data(api(cascor_server, "POST", "/network", {"max_hidden_units": 2, "output_epochs": 5}))
    data(api(cascor_server, "POST", "/training/start", {**XOR_START, "epochs": 2}))
    assert cascor_server.wait_until_idle(30)
    history = data(api(cascor_server, "GET", "/metrics/history"))
    first_unit = next(row["epoch"] for row in history if row["hidden_units"] == 1)
    assert first_unit == 3
    assert status_of(cascor_server)["training_state"]["grow_iteration"] >= 1


def test_pause_resume_stop(cascor_server: FakeCascorServer) -> None:
    cascor_server.epoch_delay = 0.01
    data(api(cascor_server, "POST", "/network", {}))
    data(api(cascor_server, "POST", "/training/dataset", {"dataset_type": "spirals"}))
    data(api(cascor_server, "POST", "/training/start"))
    again = error(api(cascor_server, "POST", "/training/start"), 409)
    assert again["message"] == "Training cannot be started: Training already in progress"
    assert data(api(cascor_server, "POST", "/training/pause"))["status"] == "paused"
    status = status_of(cascor_server)
    assert status["state_machine"]["status"] == "PAUSED"
    assert status["state_machine"]["paused_phase"] in ("OUTPUT", "CANDIDATE")
    assert status["training_active"] is False
    error(api(cascor_server, "POST", "/training/pause"), 409)
    assert data(api(cascor_server, "POST", "/training/resume"))["status"] == "resumed"
    assert status_of(cascor_server)["training_active"] is True
    data(api(cascor_server, "POST", "/training/stop"))
    assert cascor_server.wait_until_idle(10)
    assert status_of(cascor_server)["state_machine"]["status"] == "STOPPED"


def test_parameters(cascor_server: FakeCascorServer) -> None:
    data(api(cascor_server, "POST", "/network", {"max_hidden_units": 3}))
    params = data(api(cascor_server, "GET", "/training/params"))
    assert params["max_hidden_units"] == 3
    assert params["activation_function_name"] == "Tanh"
    patched = data(api(cascor_server, "PATCH", "/training/params", {"learning_rate": 0.2, "x": 1}))
    assert (patched["learning_rate"], patched["applied"], patched["skipped"]) == (
        0.2,
        ["learning_rate"],
        [],
    )
    invalid = error(api(cascor_server, "PATCH", "/training/params", {"patience": -1}), 422)
    assert invalid["message"] == "body.patience: Input should be greater than or equal to 1"
    assert data(api(cascor_server, "GET", "/network"))["learning_rate"] == 0.2


@pytest.mark.cascor_server(api_keys=["secret"])
def test_api_key(cascor_server: FakeCascorServer) -> None:
    missing = api(cascor_server, "GET", "/network")
    assert (missing.status_code, missing.json()) == (
        401,
        {"detail": "Missing API key. Provide X-API-Key header."},
    )
    wrong = api(cascor_server, "GET", "/network", headers={"X-API-Key": "nope"})
    assert (wrong.status_code, wrong.json()) == (401, {"detail": "Invalid API key."})
    allowed = api(cascor_server, "GET", "/network", headers={"X-API-Key": "secret"})
    assert allowed.status_code == 404
    assert api(cascor_server, "GET", "/health").status_code == 200


@pytest.mark.cascor_server(workers_enabled=False)
def test_workers_disabled_is_503(cascor_server: FakeCascorServer) -> None:
    for path in ("/workers", "/workers/stats", "/workers/worker-000000000000"):
        assert error(api(cascor_server, "GET", path), 503)["code"] == "HTTP_503"


def test_workers(cascor_server: FakeCascorServer) -> None:
    assert data(api(cascor_server, "GET", "/workers")) == {"workers": [], "count": 0}
    assert data(api(cascor_server, "GET", "/workers/stats"))["total"] == 0
    unknown = error(api(cascor_server, "GET", "/workers/someone"), 404)
    assert unknown["message"] == "Worker 'someone' not found"
