"""Data and metrics routes over real loopback HTTP: staging, live swap, boundary, history."""

from __future__ import annotations

from juniper_cascor_fake_server import FakeCascorServer

from .conftest import XOR_START
from .test_rest import api, data, error, status_of


def test_staging_a_dataset(cascor_server: FakeCascorServer) -> None:
    assert data(api(cascor_server, "GET", "/training/dataset/pending")) == {"pending": None}
    staged = data(api(cascor_server, "POST", "/training/dataset", {"dataset_type": "xor"}))
    assert staged == {"status": "staged", "config": {"dataset_type": "xor"}}
    assert status_of(cascor_server)["pending_dataset"] == {"dataset_type": "xor"}
    cleared = data(api(cascor_server, "DELETE", "/training/dataset"))
    assert cleared == {"status": "cleared", "discarded": {"dataset_type": "xor"}}
    unknown = error(api(cascor_server, "POST", "/training/dataset", {"dataset_type": "iris"}), 422)
    assert unknown["detail"][0]["type"] == "literal_error"


def test_a_start_without_a_network_creates_one(cascor_server: FakeCascorServer) -> None:
    data(api(cascor_server, "POST", "/training/dataset", {"dataset_type": "xor", "n_samples": 8}))
    data(api(cascor_server, "POST", "/training/start"))
    assert cascor_server.wait_until_idle(30)
    assert data(api(cascor_server, "GET", "/network"))["input_size"] == 2
    assert data(api(cascor_server, "GET", "/dataset")) == {
        "loaded": True,
        "train_samples": 8,
        "val_samples": 0,
        "test_samples": 0,
        "input_features": 2,
        "output_features": 1,
    }
    status = status_of(cascor_server)
    assert status["current_dataset"] == {"dataset_type": "xor", "n_samples": 8}
    assert status["pending_dataset"] is None


def test_dataset_data_and_decision_boundary(cascor_server: FakeCascorServer) -> None:
    assert data(api(cascor_server, "GET", "/dataset")) == {"loaded": False}
    assert error(api(cascor_server, "GET", "/dataset/data"), 404)["message"] == "No dataset loaded"
    data(api(cascor_server, "POST", "/network", {}))
    boundary = error(api(cascor_server, "GET", "/decision-boundary"), 404)
    assert boundary["message"] == "No training data loaded"
    data(api(cascor_server, "POST", "/training/start", XOR_START))
    assert cascor_server.wait_until_idle(30)
    arrays = data(api(cascor_server, "GET", "/dataset/data"))
    assert arrays == {
        "train_x": XOR_START["inline_data"]["train_x"],  # type: ignore[index]
        "train_y": [[0.0], [1.0], [1.0], [0.0]],
    }
    grid = data(api(cascor_server, "GET", "/decision-boundary?resolution=5"))
    assert (grid["resolution"], grid["x_range"], grid["y_range"]) == (5, [-0.5, 1.5], [-0.5, 1.5])
    assert grid["grid_x"][0] == [-0.5, 0.0, 0.5, 1.0, 1.5]
    assert [row[0] for row in grid["grid_y"]] == [-0.5, 0.0, 0.5, 1.0, 1.5]
    predictions = grid["predictions"]
    assert [predictions[1][1], predictions[1][3], predictions[3][1], predictions[3][3]] == [
        0,
        1,
        1,
        0,
    ]


def test_clearing_metrics_can_be_undone_until_a_start(cascor_server: FakeCascorServer) -> None:
    data(api(cascor_server, "POST", "/network", {}))
    data(api(cascor_server, "POST", "/training/start", XOR_START))
    assert cascor_server.wait_until_idle(30)
    rows = len(data(api(cascor_server, "GET", "/metrics/history")))
    cleared = data(api(cascor_server, "POST", "/training/metrics/clear"))
    assert cleared == {"status": "cleared", "cleared_count": rows, "undo_available": True}
    assert data(api(cascor_server, "GET", "/metrics/history")) == []
    assert status_of(cascor_server)["metrics_clear_undo_available"] is True
    undone = data(api(cascor_server, "POST", "/training/metrics/clear/undo"))
    assert undone == {"status": "restored", "restored_count": rows, "undo_available": False}
    nothing = error(api(cascor_server, "POST", "/training/metrics/clear/undo"), 409)
    assert nothing["message"].startswith("No metrics clear to undo")


def test_live_swap_needs_the_gate_and_a_running_training(cascor_server: FakeCascorServer) -> None:
    body = {"dataset_type": "xor"}
    closed = error(api(cascor_server, "POST", "/training/dataset/live", body), 403)
    assert closed["message"] == "experimental_functions_disabled"
    error(api(cascor_server, "DELETE", "/training/dataset/live"), 403)
    assert data(api(cascor_server, "GET", "/admin/experimental_functions")) == {"enabled": False}
    opened = data(api(cascor_server, "POST", "/admin/experimental_functions", {"enabled": True}))
    assert opened == {"experimental_functions_enabled": True}
    idle = error(api(cascor_server, "POST", "/training/dataset/live", body), 422)
    assert idle["message"].startswith("training_not_running")
    cascor_server.epoch_delay = 0.01
    data(api(cascor_server, "POST", "/network", {}))
    data(api(cascor_server, "POST", "/training/dataset", {"dataset_type": "spirals"}))
    data(api(cascor_server, "POST", "/training/start"))
    swapped = data(api(cascor_server, "POST", "/training/dataset/live", body))
    assert (swapped["status"], swapped["after_cfg"]) == ("swapped", body)
    assert status_of(cascor_server)["current_dataset"] == body
    events = data(api(cascor_server, "GET", "/history/dataset_swaps"))["events"]
    assert [event["after_cfg"] for event in events] == [body]
    data(api(cascor_server, "POST", "/training/stop"))


def test_transport_counters(cascor_server: FakeCascorServer) -> None:
    transport = data(api(cascor_server, "GET", "/metrics/transport"))
    assert transport["replay_buffer_capacity"] == 1024
    assert (transport["current_seq"], transport["active_connections"]) == (0, 0)
