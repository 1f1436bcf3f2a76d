"""The REST surface of the fake server, over real loopback HTTP."""

from __future__ import annotations

import pytest
import requests

from juniper_cascor_fake_server import FakeCascorServer

from .conftest import XOR_START


def _url(server: FakeCascorServer, path: str) -> str:
    return f"{server.http_url}/v1{path}"


def test_success_envelope(cascor_server: FakeCascorServer) -> None:
    body = requests.get(_url(cascor_server, "/health"), timeout=5).json()
    assert body["status"] == "success"
    assert body["data"]["status"] == "healthy"
    assert set(body["meta"]) == {"timestamp", "version"}


def test_no_network_is_a_legacy_404(cascor_server: FakeCascorServer) -> None:
    for method, path in [
        ("GET", "/network"),
        ("GET", "/network/topology"),
        ("POST", "/training/start"),
        ("POST", "/snapshots"),
    ]:
        response = requests.request(method, _url(cascor_server, path), timeout=5)
        assert response.status_code == 404
        assert response.json() == {"detail": "No network created"}


def test_invalid_bodies_are_fastapi_422_lists(cascor_server: FakeCascorServer) -> None:
    response = requests.post(
        _url(cascor_server, "/network"), json={"learning_rate": -1.0}, timeout=5
    )
    assert response.status_code == 422
    (item,) = response.json()["detail"]
    assert item["loc"] == ["body", "learning_rate"]
    assert item["msg"]
    assert item["type"]
    broken = requests.post(_url(cascor_server, "/network"), data="{", timeout=5)
    assert broken.status_code == 422
    assert broken.json()["detail"][0]["type"] == "json_invalid"


def test_body_nested_too_deep_is_a_json_invalid_422(cascor_server: FakeCascorServer) -> None:
    response = requests.post(_url(cascor_server, "/network"), data="[" * 60_000, timeout=5)
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"


def test_training_state_rules(cascor_server: FakeCascorServer) -> None:
    requests.post(_url(cascor_server, "/network"), json={}, timeout=5).raise_for_status()
    for action, message in [
        ("pause", "not active"),
        ("resume", "not paused"),
        ("stop", "not active"),
        ("start", "No training data"),
    ]:
        response = requests.post(_url(cascor_server, f"/training/{action}"), timeout=5)
        assert response.status_code == 409
        assert message in response.json()["detail"]


def test_training_runs_for_real(cascor_server: FakeCascorServer) -> None:
    requests.post(_url(cascor_server, "/network"), json={}, timeout=5).raise_for_status()
    started = requests.post(_url(cascor_server, "/training/start"), json=XOR_START, timeout=5)
    assert started.json()["data"]["training_active"] is True
    assert cascor_server.wait_until_idle(20)
    status = requests.get(_url(cascor_server, "/training/status"), timeout=5).json()["data"]
    assert status["training_active"] is False
    assert status["state_machine"]["status"] == "Completed"
    assert status["train_accuracy"] == 1.0
    history = requests.get(_url(cascor_server, "/metrics/history?count=3"), timeout=5).json()
    epochs = [m["epoch"] for m in history["data"]["metrics"]]
    assert epochs == sorted(epochs)
    assert len(epochs) == 3
    topology = requests.get(_url(cascor_server, "/network/topology"), timeout=5).json()["data"]
    assert len(topology["hidden_units"]) == status["hidden_units"] >= 1
    metrics = requests.get(_url(cascor_server, "/metrics"), timeout=5).json()["data"]
    assert set(metrics) >= {
        "epoch",
        "train_loss",
        "train_accuracy",
        "val_loss",
        "val_accuracy",
        "hidden_units",
        "phase",
    }


def test_pause_resume_stop(cascor_server: FakeCascorServer) -> None:
    cascor_server.epoch_delay = 0.01
    requests.post(_url(cascor_server, "/network"), json={}, timeout=5).raise_for_status()
    spiral = {"dataset": {"source": "builtin", "name": "two_spiral"}}
    requests.post(_url(cascor_server, "/training/start"), json=spiral, timeout=5).raise_for_status()
    assert (
        requests.post(_url(cascor_server, "/training/start"), json={}, timeout=5).status_code == 409
    )
    assert requests.post(_url(cascor_server, "/training/pause"), timeout=5).status_code == 200
    status = requests.get(_url(cascor_server, "/training/status"), timeout=5).json()["data"]
    assert status["state_machine"]["status"] == "Paused"
    assert requests.post(_url(cascor_server, "/training/pause"), timeout=5).status_code == 409
    assert requests.post(_url(cascor_server, "/training/resume"), timeout=5).status_code == 200
    assert requests.post(_url(cascor_server, "/training/stop"), timeout=5).status_code == 200
    assert cascor_server.wait_until_idle(5)
    assert cascor_server.state.status.value == "Stopped"


def test_query_validation(cascor_server: FakeCascorServer) -> None:
    requests.post(_url(cascor_server, "/network"), json={}, timeout=5).raise_for_status()
    for query in ("resolution=4", "resolution=201", "resolution=x"):
        response = requests.get(_url(cascor_server, f"/decision-boundary?{query}"), timeout=5)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["query", "resolution"]
    assert (
        requests.get(_url(cascor_server, "/metrics/history?count=0"), timeout=5).status_code == 422
    )


def test_decision_boundary_is_the_network_output(cascor_server: FakeCascorServer) -> None:
    requests.post(_url(cascor_server, "/network"), json={}, timeout=5).raise_for_status()
    requests.post(_url(cascor_server, "/training/start"), json=XOR_START, timeout=5)
    assert cascor_server.wait_until_idle(20)
    data = requests.get(_url(cascor_server, "/decision-boundary?resolution=5"), timeout=5).json()[
        "data"
    ]
    assert len(data["z"]) == 5
    assert all(len(row) == 5 for row in data["z"])
    corners = [
        data["predictions"][0][0],
        data["predictions"][0][-1],
        data["predictions"][-1][0],
        data["predictions"][-1][-1],
    ]
    assert corners == [0, 1, 1, 0]


def test_snapshots(cascor_server: FakeCascorServer) -> None:
    requests.post(_url(cascor_server, "/network"), json={}, timeout=5).raise_for_status()
    saved = requests.post(_url(cascor_server, "/snapshots"), json={"description": "d"}, timeout=5)
    info = saved.json()["data"]
    assert set(info) >= {"id", "path", "size_bytes", "modified", "description"}
    listed = requests.get(_url(cascor_server, "/snapshots"), timeout=5).json()["data"]
    assert [s["id"] for s in listed] == [info["id"]]
    restored = requests.post(_url(cascor_server, f"/snapshots/{info['id']}/restore"), timeout=5)
    assert restored.json()["data"] == {"snapshot_id": info["id"], "status": "restored"}
    assert requests.get(_url(cascor_server, "/snapshots/nope"), timeout=5).status_code == 404
    bad = requests.get(_url(cascor_server, "/snapshots/bad.id"), timeout=5)
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["path", "snapshot_id"]


def test_readiness_reports_the_network(cascor_server: FakeCascorServer) -> None:
    ready = requests.get(_url(cascor_server, "/health/ready"), timeout=5).json()
    assert ready["details"]["network_loaded"] is False
    requests.post(_url(cascor_server, "/network"), json={}, timeout=5).raise_for_status()
    ready = requests.get(_url(cascor_server, "/health/ready"), timeout=5).json()
    assert ready["details"]["network_loaded"] is True
    assert requests.get(_url(cascor_server, "/health/live"), timeout=5).status_code == 200


@pytest.mark.cascor_server(api_keys=["secret"])
def test_api_key(cascor_server: FakeCascorServer) -> None:
    refused = requests.get(_url(cascor_server, "/network"), timeout=5)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "UNAUTHORIZED"
    assert refused.json()["status"] == "error"
    allowed = requests.get(
        _url(cascor_server, "/network"), headers={"X-API-Key": "secret"}, timeout=5
    )
    assert allowed.status_code == 404
    assert requests.get(_url(cascor_server, "/health"), timeout=5).status_code == 200


@pytest.mark.cascor_server(workers_enabled=False)
def test_workers_disabled_is_503(cascor_server: FakeCascorServer) -> None:
    for path in ("/workers", "/workers/stats", "/workers/worker-000000000000"):
        response = requests.get(_url(cascor_server, path), timeout=5)
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "SERVICE_UNAVAILABLE"


def test_params_and_dashboard_endpoints(cascor_server: FakeCascorServer) -> None:
    requests.post(_url(cascor_server, "/network"), json={}, timeout=5).raise_for_status()
    patched = requests.patch(
        _url(cascor_server, "/training/params"), json={"learning_rate": 0.2}, timeout=5
    )
    assert patched.json()["data"]["learning_rate"] == 0.2
    unknown = requests.patch(_url(cascor_server, "/training/params"), json={"x": 1}, timeout=5)
    assert unknown.status_code == 422
    loaded = requests.post(
        _url(cascor_server, "/training/dataset"),
        json={"source": "builtin", "name": "xor"},
        timeout=5,
    )
    assert loaded.json()["data"]["name"] == "xor"
    assert requests.get(_url(cascor_server, "/training/dataset/pending"), timeout=5).ok
    added = requests.post(_url(cascor_server, "/network/hidden-units"), timeout=10).json()["data"]
    assert len(added["hidden_units"]) == 1
    removed = requests.delete(_url(cascor_server, "/network/hidden-units"), timeout=5).json()
    assert removed["data"]["hidden_units"] == []
    weights = requests.patch(
        _url(cascor_server, "/network/weights"),
        json={"output_weights": [[0.0], [0.0], [0.5]]},
        timeout=5,
    )
    assert weights.json()["data"]["output_weights"] == [[0.0], [0.0], [0.5]]
    assert requests.delete(_url(cascor_server, "/training/dataset"), timeout=5).ok
    assert (
        requests.get(_url(cascor_server, "/training/dataset/pending"), timeout=5).status_code == 404
    )
    assert requests.get(_url(cascor_server, "/nowhere"), timeout=5).status_code == 404
