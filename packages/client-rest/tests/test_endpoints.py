"""Every named method sends the right verb, path, query and body to a route the server has."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from juniper_cascor_client_core import constants
from juniper_cascor_client_rest import (
    JuniperCascorClient,
    JuniperCascorClientError,
    JuniperCascorValidationError,
)
from juniper_cascor_fake_server import FakeCascorServer

Call = Callable[[JuniperCascorClient], Mapping[str, Any]]

INLINE = {"train_x": [[0, 0], [1, 1]], "train_y": [[1], [0]]}
SNAP = "snap_01-a"

# (name, call, method, path, query, JSON body or None when no body is sent)
TABLE: list[tuple[str, Call, str, str, dict[str, str], Any]] = [
    ("health_check", lambda c: c.health_check(), "GET", "/v1/health", {}, None),
    ("get_liveness", lambda c: c.get_liveness(), "GET", "/v1/health/live", {}, None),
    ("get_readiness", lambda c: c.get_readiness(), "GET", "/v1/health/ready", {}, None),
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
            optimizer_type="Adam",
            activation_function_name="Tanh",
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
            "optimizer_type": "Adam",
            "activation_function_name": "Tanh",
        },
    ),
    ("get_network", lambda c: c.get_network(), "GET", "/v1/network", {}, None),
    ("delete_network", lambda c: c.delete_network(), "DELETE", "/v1/network", {}, None),
    ("get_topology", lambda c: c.get_topology(), "GET", "/v1/network/topology", {}, None),
    ("get_statistics", lambda c: c.get_statistics(), "GET", "/v1/network/stats", {}, None),
    (
        "patch_network_weights",
        lambda c: c.patch_network_weights(target="output", field="bias", values=[0.5]),
        "PATCH",
        "/v1/network/weights",
        {},
        {"target": "output", "field": "bias", "values": [0.5]},
    ),
    (
        "patch_network_weights unit",
        lambda c: c.patch_network_weights(
            target="hidden_unit",
            field="weights",
            values=[0.1, 0.2],
            hidden_unit_index=0,
            dtype="float64",
        ),
        "PATCH",
        "/v1/network/weights",
        {},
        {
            "target": "hidden_unit",
            "field": "weights",
            "values": [0.1, 0.2],
            "hidden_unit_index": 0,
            "dtype": "float64",
        },
    ),
    (
        "add_hidden_unit",
        lambda c: c.add_hidden_unit([0.1, -0.2]),
        "POST",
        "/v1/network/hidden-units",
        {},
        {"weights": [0.1, -0.2]},
    ),
    (
        "add_hidden_unit all",
        lambda c: c.add_hidden_unit([0.1], bias=0.5, activation="Sigmoid", position="tail"),
        "POST",
        "/v1/network/hidden-units",
        {},
        {"weights": [0.1], "bias": 0.5, "activation": "Sigmoid", "position": "tail"},
    ),
    (
        "remove_hidden_unit",
        lambda c: c.remove_hidden_unit(3),
        "DELETE",
        "/v1/network/hidden-units/3",
        {},
        None,
    ),
    (
        "get_decision_boundary",
        lambda c: c.get_decision_boundary(),
        "GET",
        "/v1/decision-boundary",
        {"resolution": "50"},
        None,
    ),
    (
        "get_decision_boundary 20",
        lambda c: c.get_decision_boundary(resolution=20),
        "GET",
        "/v1/decision-boundary",
        {"resolution": "20"},
        None,
    ),
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
        "start_training fresh",
        lambda c: c.start_training(3, start_fresh=True),
        "POST",
        "/v1/training/start",
        {},
        {"epochs": 3, "start_fresh": True},
    ),
    ("stop_training", lambda c: c.stop_training(), "POST", "/v1/training/stop", {}, None),
    ("pause_training", lambda c: c.pause_training(), "POST", "/v1/training/pause", {}, None),
    ("resume_training", lambda c: c.resume_training(), "POST", "/v1/training/resume", {}, None),
    ("reset_training", lambda c: c.reset_training(), "POST", "/v1/training/reset", {}, None),
    (
        "clear_metrics",
        lambda c: c.clear_metrics(),
        "POST",
        "/v1/training/metrics/clear",
        {},
        None,
    ),
    (
        "undo_clear_metrics",
        lambda c: c.undo_clear_metrics(),
        "POST",
        "/v1/training/metrics/clear/undo",
        {},
        None,
    ),
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
    (
        "update_params keywords",
        lambda c: c.update_params(
            {"patience": 4, "learning_rate": 0.5}, learning_rate=0.25, auto_snap_best=False
        ),
        "PATCH",
        "/v1/training/params",
        {},
        {"patience": 4, "learning_rate": 0.25, "auto_snap_best": False},
    ),
    (
        "stage_dataset",
        lambda c: c.stage_dataset(dataset_type="spirals", n_samples=50, n_spirals=2, noise=0.1),
        "POST",
        "/v1/training/dataset",
        {},
        {"dataset_type": "spirals", "n_samples": 50, "n_spirals": 2, "noise": 0.1},
    ),
    ("stage_dataset empty", lambda c: c.stage_dataset(), "POST", "/v1/training/dataset", {}, {}),
    (
        "discard_staged_dataset",
        lambda c: c.discard_staged_dataset(),
        "DELETE",
        "/v1/training/dataset",
        {},
        None,
    ),
    (
        "get_pending_dataset",
        lambda c: c.get_pending_dataset(),
        "GET",
        "/v1/training/dataset/pending",
        {},
        None,
    ),
    (
        "swap_dataset_live",
        lambda c: c.swap_dataset_live(
            dataset_type="checkerboard", n_squares=4, rotations=1.5, params={"seed": 3}
        ),
        "POST",
        "/v1/training/dataset/live",
        {},
        {"dataset_type": "checkerboard", "n_squares": 4, "rotations": 1.5, "params": {"seed": 3}},
    ),
    (
        "cancel_live_swap",
        lambda c: c.cancel_live_swap(),
        "DELETE",
        "/v1/training/dataset/live",
        {},
        None,
    ),
    ("get_dataset", lambda c: c.get_dataset(), "GET", "/v1/dataset", {}, None),
    ("get_dataset_data", lambda c: c.get_dataset_data(), "GET", "/v1/dataset/data", {}, None),
    (
        "get_dataset_swaps",
        lambda c: c.get_dataset_swaps(),
        "GET",
        "/v1/history/dataset_swaps",
        {},
        None,
    ),
    (
        "get_dataset_swaps since",
        lambda c: c.get_dataset_swaps(since="2026-01-01T00:00:00"),
        "GET",
        "/v1/history/dataset_swaps",
        {"since": "2026-01-01T00:00:00"},
        None,
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
        {"count": "10"},
        None,
    ),
    (
        "get_transport_metrics",
        lambda c: c.get_transport_metrics(),
        "GET",
        "/v1/metrics/transport",
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
    ("list_snapshots", lambda c: c.list_snapshots(), "GET", "/v1/snapshots", {}, None),
    ("get_snapshot", lambda c: c.get_snapshot(SNAP), "GET", f"/v1/snapshots/{SNAP}", {}, None),
    (
        "get_snapshot_dataset_swaps",
        lambda c: c.get_snapshot_dataset_swaps(SNAP),
        "GET",
        f"/v1/snapshots/{SNAP}/history/dataset_swaps",
        {},
        None,
    ),
    (
        "load_snapshot",
        lambda c: c.load_snapshot(SNAP),
        "POST",
        f"/v1/snapshots/{SNAP}/restore",
        {},
        None,
    ),
    (
        "retrain_from_snapshot",
        lambda c: c.retrain_from_snapshot(SNAP),
        "POST",
        f"/v1/snapshots/{SNAP}/retrain",
        {},
        None,
    ),
    (
        "resume_from_snapshot",
        lambda c: c.resume_from_snapshot(SNAP),
        "POST",
        f"/v1/snapshots/{SNAP}/resume",
        {},
        None,
    ),
    (
        "replay_snapshot",
        lambda c: c.replay_snapshot(SNAP),
        "POST",
        f"/v1/snapshots/{SNAP}/replay",
        {},
        None,
    ),
    (
        "control_replay",
        lambda c: c.control_replay(SNAP, "seek", time_index=2),
        "POST",
        f"/v1/snapshots/{SNAP}/replay/control",
        {},
        {"action": "seek", "time_index": 2},
    ),
    (
        "control_replay range",
        lambda c: c.control_replay(SNAP, "range", start=1, end=3, value=None),
        "POST",
        f"/v1/snapshots/{SNAP}/replay/control",
        {},
        {"action": "range", "start": 1, "end": 3},
    ),
    (
        "control_replay speed",
        lambda c: c.control_replay(SNAP, "speed", value=2.0),
        "POST",
        f"/v1/snapshots/{SNAP}/replay/control",
        {},
        {"action": "speed", "value": 2.0},
    ),
    ("list_workers", lambda c: c.list_workers(), "GET", "/v1/workers", {}, None),
    ("get_worker_stats", lambda c: c.get_worker_stats(), "GET", "/v1/workers/stats", {}, None),
    (
        "get_worker",
        lambda c: c.get_worker("worker-0123456789ab"),
        "GET",
        "/v1/workers/worker-0123456789ab",
        {},
        None,
    ),
    (
        "get_experimental_functions",
        lambda c: c.get_experimental_functions(),
        "GET",
        "/v1/admin/experimental_functions",
        {},
        None,
    ),
    (
        "set_experimental_functions",
        lambda c: c.set_experimental_functions(True),
        "POST",
        "/v1/admin/experimental_functions",
        {},
        {"enabled": True},
    ),
    (
        "request",
        lambda c: c.request("post", "/training/dataset", json={"n_samples": 1}),
        "POST",
        "/v1/training/dataset",
        {},
        {"n_samples": 1},
    ),
    (
        "request params",
        lambda c: c.request("GET", "/metrics/history", params={"count": 2}),
        "GET",
        "/v1/metrics/history",
        {"count": "2"},
        None,
    ),
    (
        "request /v1 path",
        lambda c: c.request("GET", "/v1/training/status"),
        "GET",
        "/v1/training/status",
        {},
        None,
    ),
]


@pytest.mark.cascor_server(scenario="idle")
@pytest.mark.parametrize(
    ("call", "method", "path", "query", "body"),
    [row[1:] for row in TABLE],
    ids=[row[0] for row in TABLE],
)
def test_method_hits_its_route_on_the_fake_server(
    cascor_server: FakeCascorServer,
    call: Call,
    method: str,
    path: str,
    query: dict[str, str],
    body: Any,
) -> None:
    """Each method sends its verb, path, query and body, and the server has the route: it
    answers with a body of its own, or with an error envelope carrying a ``code`` (a missing
    route would answer ``{"detail": "Not Found"}``, which has none)."""
    with JuniperCascorClient(cascor_server.http_url, retries=0) as client:
        answer: Mapping[str, Any]
        try:
            answer = call(client)
        except JuniperCascorClientError as exc:
            answer = {"status": "error", "code": exc.code}
    assert answer["status"] in {"success", "ok", "alive", "ready", "error"}
    assert answer.get("code", "answered") is not None

    (seen,) = cascor_server.requests
    assert (seen.method, seen.path, seen.query) == (method, path, query)
    assert seen.body == body
    if body is not None:
        assert seen.header("Content-Type") == "application/json"


def test_every_public_method_is_in_the_table() -> None:
    methods = {
        name
        for name in dir(JuniperCascorClient)
        if not name.startswith("_") and callable(getattr(JuniperCascorClient, name))
    }
    probes_and_lifecycle = {"is_alive", "is_ready", "wait_for_ready", "wait_for_training", "close"}
    covered = {row[0].split()[0] for row in TABLE}
    assert methods - probes_and_lifecycle == covered


def test_every_endpoint_constant_is_a_path_the_client_sends() -> None:
    """client-core's ``ENDPOINT_*`` names are the paths of the table's requests, and every
    path of the table is one of them: the methods build their paths from those names."""
    ids = {"snapshot_id": SNAP, "worker_id": "worker-0123456789ab", "idx": 3}
    named = {
        constants.API_VERSION_PATH + getattr(constants, name).format(**ids)
        for name in constants.__all__
        if name.startswith("ENDPOINT_")
    }
    sent = {row[3] for row in TABLE if not row[0].startswith("request")}
    assert named == sent


UPSTREAM_SIGNATURES = {
    "health_check": "()",
    "is_alive": "()",
    "is_ready": "()",
    "wait_for_ready": "(timeout: 'float' = 30.0, poll_interval: 'float' = 0.5)",
    "get_network": "()",
    "delete_network": "()",
    "get_topology": "()",
    "get_statistics": "()",
    "stop_training": "()",
    "pause_training": "()",
    "resume_training": "()",
    "reset_training": "()",
    "get_training_status": "()",
    "get_training_params": "()",
    "get_metrics": "()",
    "get_dataset": "()",
    "get_dataset_data": "()",
    "list_snapshots": "()",
    "list_workers": "()",
    "get_worker_stats": "()",
    "close": "()",
}


def test_the_0_8_methods_keep_their_signatures() -> None:
    """Every method of the 0.8 client exists and accepts the calls it accepted."""
    client = JuniperCascorClient("http://localhost:8200", api_key="")
    for name, signature in UPSTREAM_SIGNATURES.items():
        shown = str(inspect.signature(getattr(client, name))).split(" -> ")[0]
        assert shown == signature, name
    positional = {
        "start_training": ["epochs", "dataset", "inline_data", "params"],
        "update_params": ["params"],
        "get_metrics_history": ["count"],
        "get_decision_boundary": ["resolution"],
        "get_snapshot": ["snapshot_id"],
        "save_snapshot": ["description"],
        "load_snapshot": ["snapshot_id"],
        "get_worker": ["worker_id"],
        "_request": ["method", "path", "json", "params"],
        "_get": ["path", "params"],
        "_post": ["path", "json"],
        "_patch": ["path", "json"],
        "_delete": ["path"],
    }
    for name, names in positional.items():
        parameters = inspect.signature(getattr(client, name)).parameters.values()
        leading = [p.name for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD]
        assert leading == names, name
    create = inspect.signature(client.create_network).parameters
    assert all(p.kind in (p.KEYWORD_ONLY, p.VAR_KEYWORD) for p in create.values())
    assert {"input_size", "output_size", "activation_function_name", "extra"} <= set(create)
    client.close()


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
        lambda c, i: c.get_snapshot_dataset_swaps(i),
        lambda c, i: c.load_snapshot(i),
        lambda c, i: c.retrain_from_snapshot(i),
        lambda c, i: c.resume_from_snapshot(i),
        lambda c, i: c.replay_snapshot(i),
        lambda c, i: c.control_replay(i, "play"),
        lambda c, i: c.get_worker(i),
    ],
    ids=[
        "get_snapshot",
        "get_snapshot_dataset_swaps",
        "load_snapshot",
        "retrain_from_snapshot",
        "resume_from_snapshot",
        "replay_snapshot",
        "control_replay",
        "get_worker",
    ],
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


@pytest.mark.parametrize("bad", [True, 1.0, "1", None])
def test_hidden_unit_index_must_be_an_int(
    server: Any, client: JuniperCascorClient, bad: Any
) -> None:
    with pytest.raises(JuniperCascorValidationError, match="idx must be an int"):
        client.remove_hidden_unit(bad)
    assert server.requests == []


@pytest.mark.parametrize("bad", [1, "false", None])
def test_experimental_gate_takes_only_a_bool(
    server: Any, client: JuniperCascorClient, bad: Any
) -> None:
    with pytest.raises(JuniperCascorValidationError, match="enabled must be a bool"):
        client.set_experimental_functions(bad)
    assert server.requests == []
