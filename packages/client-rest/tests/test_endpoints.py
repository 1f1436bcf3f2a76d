"""Every named method sends the right verb, path, query and body over real HTTP."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

from juniper_cascor_client_rest import JuniperCascorClient, JuniperCascorValidationError

Call = Callable[[JuniperCascorClient], dict[str, Any]]

INLINE = {"train_x": [[0, 0], [1, 1]], "train_y": [[1], [0]]}

# (call, method, path, query, JSON body or None when no body is sent)
TABLE: list[tuple[str, Call, str, str, dict[str, list[str]], Any]] = [
    ("health_check", lambda c: c.health_check(), "GET", "/v1/health", {}, None),
    ("create_network", lambda c: c.create_network(), "POST", "/v1/network", {}, {}),
    (
        "create_network args",
        lambda c: c.create_network(
            input_size=2,
            output_size=1,
            learning_rate=0.01,
            candidate_learning_rate=None,
            max_hidden_units=5,
            candidate_pool_size=8,
            correlation_threshold=0.4,
            patience=3,
            candidate_epochs=10,
            output_epochs=20,
            max_iterations=7,
            init_output_weights="zero",
            optimizer_type="adam",
            activation_function_name="tanh",
        ),
        "POST",
        "/v1/network",
        {},
        {
            "input_size": 2,
            "output_size": 1,
            "learning_rate": 0.01,
            "max_hidden_units": 5,
            "candidate_pool_size": 8,
            "correlation_threshold": 0.4,
            "patience": 3,
            "candidate_epochs": 10,
            "output_epochs": 20,
            "max_iterations": 7,
            "init_output_weights": "zero",
            "optimizer_type": "adam",
            "activation_function_name": "tanh",
        },
    ),
    ("get_network", lambda c: c.get_network(), "GET", "/v1/network", {}, None),
    ("delete_network", lambda c: c.delete_network(), "DELETE", "/v1/network", {}, None),
    ("get_topology", lambda c: c.get_topology(), "GET", "/v1/network/topology", {}, None),
    ("get_statistics", lambda c: c.get_statistics(), "GET", "/v1/network/stats", {}, None),
    ("start_training", lambda c: c.start_training(), "POST", "/v1/training/start", {}, {}),
    (
        "start_training args",
        lambda c: c.start_training(
            epochs=100, dataset={"source": "inline"}, inline_data=INLINE, params={"patience": 2}
        ),
        "POST",
        "/v1/training/start",
        {},
        {
            "epochs": 100,
            "dataset": {"source": "inline"},
            "inline_data": INLINE,
            "params": {"patience": 2},
        },
    ),
    (
        "start_training epochs",
        lambda c: c.start_training(epochs=3),
        "POST",
        "/v1/training/start",
        {},
        {"epochs": 3},
    ),
    ("stop_training", lambda c: c.stop_training(), "POST", "/v1/training/stop", {}, None),
    ("pause_training", lambda c: c.pause_training(), "POST", "/v1/training/pause", {}, None),
    ("resume_training", lambda c: c.resume_training(), "POST", "/v1/training/resume", {}, None),
    ("reset_training", lambda c: c.reset_training(), "POST", "/v1/training/reset", {}, None),
    (
        "get_training_status",
        lambda c: c.get_training_status(),
        "GET",
        "/v1/training/status",
        {},
        None,
    ),
    (
        "get_training_params",
        lambda c: c.get_training_params(),
        "GET",
        "/v1/training/params",
        {},
        None,
    ),
    (
        "update_params",
        lambda c: c.update_params({"learning_rate": 0.5}),
        "PATCH",
        "/v1/training/params",
        {},
        {"learning_rate": 0.5},
    ),
    ("get_metrics", lambda c: c.get_metrics(), "GET", "/v1/metrics", {}, None),
    (
        "get_metrics_history",
        lambda c: c.get_metrics_history(),
        "GET",
        "/v1/metrics/history",
        {},
        None,
    ),
    (
        "get_metrics_history count",
        lambda c: c.get_metrics_history(count=10),
        "GET",
        "/v1/metrics/history",
        {"count": ["10"]},
        None,
    ),
    ("get_dataset", lambda c: c.get_dataset(), "GET", "/v1/dataset", {}, None),
    ("get_dataset_data", lambda c: c.get_dataset_data(), "GET", "/v1/dataset/data", {}, None),
    (
        "get_decision_boundary",
        lambda c: c.get_decision_boundary(),
        "GET",
        "/v1/decision-boundary",
        {"resolution": ["50"]},
        None,
    ),
    (
        "get_decision_boundary 20",
        lambda c: c.get_decision_boundary(resolution=20),
        "GET",
        "/v1/decision-boundary",
        {"resolution": ["20"]},
        None,
    ),
    ("list_snapshots", lambda c: c.list_snapshots(), "GET", "/v1/snapshots", {}, None),
    (
        "get_snapshot",
        lambda c: c.get_snapshot("snap_01-a"),
        "GET",
        "/v1/snapshots/snap_01-a",
        {},
        None,
    ),
    (
        "save_snapshot",
        lambda c: c.save_snapshot(),
        "POST",
        "/v1/snapshots",
        {},
        {"description": ""},
    ),
    (
        "save_snapshot text",
        lambda c: c.save_snapshot("before run"),
        "POST",
        "/v1/snapshots",
        {},
        {"description": "before run"},
    ),
    (
        "load_snapshot",
        lambda c: c.load_snapshot("snap_01"),
        "POST",
        "/v1/snapshots/snap_01/restore",
        {},
        None,
    ),
    ("list_workers", lambda c: c.list_workers(), "GET", "/v1/workers", {}, None),
    (
        "get_worker",
        lambda c: c.get_worker("worker-0123456789ab"),
        "GET",
        "/v1/workers/worker-0123456789ab",
        {},
        None,
    ),
    ("get_worker_stats", lambda c: c.get_worker_stats(), "GET", "/v1/workers/stats", {}, None),
    (
        "request",
        lambda c: c.request("post", "/training/dataset", json={"n": 1}),
        "POST",
        "/v1/training/dataset",
        {},
        {"n": 1},
    ),
    (
        "request params",
        lambda c: c.request("GET", "/metrics/history", params={"count": 2}),
        "GET",
        "/v1/metrics/history",
        {"count": ["2"]},
        None,
    ),
    (
        "_request",
        lambda c: c._request("PATCH", "/network/weights", json={"w": [1]}),
        "PATCH",
        "/v1/network/weights",
        {},
        {"w": [1]},
    ),
    (
        "_get",
        lambda c: c._get("/training/status", params={"a": "b"}),
        "GET",
        "/v1/training/status",
        {"a": ["b"]},
        None,
    ),
    (
        "_post",
        lambda c: c._post("/snapshots/s1/replay", json={"x": 1}),
        "POST",
        "/v1/snapshots/s1/replay",
        {},
        {"x": 1},
    ),
    (
        "_post no body",
        lambda c: c._post("/training/dataset/pending"),
        "POST",
        "/v1/training/dataset/pending",
        {},
        None,
    ),
    (
        "_patch",
        lambda c: c._patch("/network/weights", json={"w": 2}),
        "PATCH",
        "/v1/network/weights",
        {},
        {"w": 2},
    ),
    (
        "_delete",
        lambda c: c._delete("/network/hidden-units"),
        "DELETE",
        "/v1/network/hidden-units",
        {},
        None,
    ),
]


@pytest.mark.parametrize(
    ("call", "method", "path", "query", "body"),
    [row[1:] for row in TABLE],
    ids=[row[0] for row in TABLE],
)
def test_method_sends_verb_path_query_and_body(
    server: Any,
    client: JuniperCascorClient,
    call: Call,
    method: str,
    path: str,
    query: dict[str, list[str]],
    body: Any,
) -> None:
    result = call(client)

    (seen,) = server.requests
    assert (seen.method, seen.path, seen.query) == (method, path, query)
    assert seen.json() == body
    if body is None:
        assert seen.body == b""
        assert "Content-Type" not in seen.headers
    else:
        assert seen.headers["Content-Type"] == "application/json"
    assert result["status"] == "success"
    assert result["data"]["path"] == path


def test_every_protocol_method_is_in_the_table() -> None:
    methods = {
        name
        for name in dir(JuniperCascorClient)
        if not name.startswith("_") and callable(getattr(JuniperCascorClient, name))
    }
    probes_and_lifecycle = {"is_alive", "is_ready", "wait_for_ready", "close"}
    covered = {row[0].split()[0] for row in TABLE}
    assert methods - probes_and_lifecycle == covered - {
        "_request",
        "_get",
        "_post",
        "_patch",
        "_delete",
    }


def test_create_network_warns_naming_forwarded_extra_keys(
    server: Any, client: JuniperCascorClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="juniper_cascor_client_rest"):
        client.create_network(input_size=2, zeta_option=3, alpha_option="x", dropped=None)

    assert server.requests[0].json() == {"input_size": 2, "zeta_option": 3, "alpha_option": "x"}
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "alpha_option, zeta_option" in warnings[0].getMessage()
    assert "dropped" not in warnings[0].getMessage()


def test_create_network_without_extras_does_not_warn(
    client: JuniperCascorClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="juniper_cascor_client_rest"):
        client.create_network(input_size=2)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


BAD_IDS = ["../x", "..", "a/b", "a?b=1", "a#b", "", "x" * 129, "a b", "a%2Fb", "é", "a\n", "a.b"]


@pytest.mark.parametrize("bad", BAD_IDS)
@pytest.mark.parametrize(
    "call",
    [
        lambda c, i: c.get_snapshot(i),
        lambda c, i: c.load_snapshot(i),
        lambda c, i: c.get_worker(i),
    ],
    ids=["get_snapshot", "load_snapshot", "get_worker"],
)
def test_bad_ids_are_rejected_before_sending(
    server: Any, client: JuniperCascorClient, call: Callable[..., Any], bad: str
) -> None:
    with pytest.raises(JuniperCascorValidationError, match="invalid"):
        call(client, bad)
    assert server.requests == []


@pytest.mark.parametrize("bad", [None, 5, b"abc"])
def test_non_string_ids_are_rejected(server: Any, client: JuniperCascorClient, bad: Any) -> None:
    with pytest.raises(JuniperCascorValidationError):
        client.get_snapshot(bad)
    assert server.requests == []


def test_longest_valid_snapshot_id_stays_in_its_segment(
    server: Any, client: JuniperCascorClient
) -> None:
    snapshot_id = "A-_z9" * 25 + "abc"  # 128 characters
    client.load_snapshot(snapshot_id)
    assert server.requests[0].path == f"/v1/snapshots/{snapshot_id}/restore"
