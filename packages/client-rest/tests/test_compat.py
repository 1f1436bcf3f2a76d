"""The 0.8 client's private helpers: same arguments, paths relative to /v1, deprecated."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pytest

from juniper_cascor_client_rest import JuniperCascorClient
from juniper_cascor_fake_server import FakeCascorServer

Call = Callable[[JuniperCascorClient], dict[str, Any]]

# (alias, call, method, recorded path, recorded query, recorded body)
ALIASES: list[tuple[str, Call, str, str, dict[str, str], Any]] = [
    (
        "_post",
        lambda c: c._post("/training/dataset", json={"dataset_type": "xor"}),
        "POST",
        "/v1/training/dataset",
        {},
        {"dataset_type": "xor"},
    ),
    ("_post", lambda c: c._post("/training/stop"), "POST", "/v1/training/stop", {}, None),
    (
        "_get",
        lambda c: c._get("/metrics/history", {"count": 1}),
        "GET",
        "/v1/metrics/history",
        {"count": "1"},
        None,
    ),
    (
        "_patch",
        lambda c: c._patch("/training/params", {"patience": 3}),
        "PATCH",
        "/v1/training/params",
        {},
        {"patience": 3},
    ),
    (
        "_delete",
        lambda c: c._delete("/training/dataset"),
        "DELETE",
        "/v1/training/dataset",
        {},
        None,
    ),
    (
        "_request",
        lambda c: c._request("GET", "/history/dataset_swaps", params={"since": "2026"}),
        "GET",
        "/v1/history/dataset_swaps",
        {"since": "2026"},
        None,
    ),
    (
        "_request",
        lambda c: c._request("POST", "/admin/experimental_functions", {"enabled": False}),
        "POST",
        "/v1/admin/experimental_functions",
        {},
        {"enabled": False},
    ),
    (
        "_post",
        lambda c: c._post("/v1/training/start", json={"start_fresh": True}),
        "POST",
        "/v1/training/start",
        {},
        {"start_fresh": True},
    ),
]


@pytest.mark.cascor_server(scenario="idle")
@pytest.mark.parametrize(
    ("alias", "call", "method", "path", "query", "body"),
    ALIASES,
    ids=[f"{row[0]} {row[3]}" for row in ALIASES],
)
def test_alias_sends_a_relative_path_under_v1_and_warns(
    cascor_server: FakeCascorServer,
    alias: str,
    call: Call,
    method: str,
    path: str,
    query: dict[str, str],
    body: Any,
) -> None:
    with (
        JuniperCascorClient(cascor_server.http_url, retries=0) as client,
        pytest.warns(DeprecationWarning, match=rf"{alias}\(\) is deprecated") as caught,
    ):
        call(client)
    (seen,) = cascor_server.requests
    assert (seen.method, seen.path, seen.query, seen.body) == (method, path, query, body)
    (warning,) = caught
    assert "request(" in str(warning.message)
    assert warning.filename == __file__  # it points at the caller's line


@pytest.mark.cascor_server(scenario="idle")
def test_the_dashboards_calls_work_as_written(cascor_server: FakeCascorServer) -> None:
    """The calls of the canopy dashboard's service adapter, as it makes them."""
    endpoint_training_start = "/training/start"  # the 0.8 constant's value
    with (
        JuniperCascorClient(cascor_server.http_url, retries=0) as client,
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        pending = client._request("GET", "/training/dataset/pending")
        gate = client._request("GET", "/admin/experimental_functions")
        started = client._post(endpoint_training_start, json={"start_fresh": True})
        client._post("/training/stop")
    assert [w.category for w in caught] == [DeprecationWarning] * 4
    assert pending["data"] == {"pending": None}
    assert gate["data"] == {"enabled": False}
    assert started["data"]["status"] == "training_started"
    paths = [r.path for r in cascor_server.requests]
    assert paths == [
        "/v1/training/dataset/pending",
        "/v1/admin/experimental_functions",
        "/v1/training/start",
        "/v1/training/stop",
    ]


def test_request_itself_does_not_warn(server: Any, client: JuniperCascorClient) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.request("GET", "/training/status")
        client.get_metrics()
    assert [r.path for r in server.requests] == ["/v1/training/status", "/v1/metrics"]
