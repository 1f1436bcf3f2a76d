"""is_alive, is_ready (both body shapes) and wait_for_ready."""

from __future__ import annotations

import time
from typing import Any

import pytest

from juniper_cascor_client_rest import (
    JuniperCascorClient,
    JuniperCascorClientError,
    JuniperCascorConfigurationError,
)


def test_is_alive_true_on_2xx(server: Any, client: JuniperCascorClient) -> None:
    assert client.is_alive() is True
    assert [(r.method, r.path) for r in server.requests] == [("GET", "/v1/health/live")]


@pytest.mark.parametrize("reply", [{"status": 500}, {"status": 503}, {"drop": True}])
def test_is_alive_false_on_error_without_retrying(
    server: Any, client: JuniperCascorClient, reply: dict[str, Any]
) -> None:
    server.push(**reply)
    assert client.is_alive() is False
    assert len(server.requests) == 1


def test_is_alive_false_when_nothing_listens(make_client: Any, refused_url: str) -> None:
    assert make_client(base_url=refused_url).is_alive() is False


READY_CASES = [
    ({"status": "ready", "details": {"network_loaded": True}}, True),
    ({"status": "success", "data": {"network_loaded": True}}, True),
    ({"status": "not_ready", "details": {"network_loaded": False}}, False),
    ({"status": "success", "data": {"network_loaded": False}}, False),
    ({"status": "success", "data": {"network_loaded": "yes"}}, False),
    ({"status": "ready"}, False),
    ({"status": "ready", "details": "loaded", "data": {"network_loaded": True}}, True),
]


@pytest.mark.parametrize(("body", "ready"), READY_CASES)
def test_is_ready_reads_both_body_shapes(
    server: Any, client: JuniperCascorClient, body: dict[str, Any], ready: bool
) -> None:
    server.push(body=body)
    assert client.is_ready() is ready
    assert server.requests[0].path == "/v1/health/ready"


@pytest.mark.parametrize(
    "reply",
    [
        {"status": 503, "body": {"details": {"network_loaded": True}}},
        {"status": 200, "body": b"not json"},
        {"drop": True},
    ],
)
def test_is_ready_false_on_error(
    server: Any, client: JuniperCascorClient, reply: dict[str, Any]
) -> None:
    server.push(**reply)
    assert client.is_ready() is False
    assert len(server.requests) == 1


def test_wait_for_ready_waits_for_readiness_not_liveness(
    server: Any, client: JuniperCascorClient
) -> None:
    def respond(recorded: Any) -> dict[str, Any]:
        polls = sum(r.path == "/v1/health/ready" for r in server.requests)
        return {"body": {"status": "ready", "details": {"network_loaded": polls >= 4}}}

    server.responder = respond

    assert client.wait_for_ready(timeout=5.0, poll_interval=0.02) is True
    assert [r.path for r in server.requests] == ["/v1/health/ready"] * 4


def test_wait_for_ready_returns_false_at_its_timeout(
    server: Any, client: JuniperCascorClient
) -> None:
    server.responder = lambda r: {"body": {"details": {"network_loaded": False}}}

    started = time.monotonic()
    assert client.wait_for_ready(timeout=1.0, poll_interval=0.05) is False
    elapsed = time.monotonic() - started

    assert 1.0 <= elapsed < 1.0 + 5  # the server never gets ready: only the timeout ends it
    # It polled again after the first probe, and slept 0.05 s between two probes.
    assert 2 <= len(server.requests) <= 1 + 1.0 / 0.05


def test_wait_for_ready_is_bounded_by_its_timeout_when_the_server_hangs(
    server: Any, client: JuniperCascorClient
) -> None:
    server.push(delay=10.0)
    started = time.monotonic()
    assert client.wait_for_ready(timeout=0.3, poll_interval=0.05) is False
    assert time.monotonic() - started < 0.3 + 5  # the hanging answer would take 10 s


@pytest.mark.parametrize(("timeout", "interval"), [(-1, 0.5), (1, 0), (1, -0.5), ("1", 0.5)])
def test_wait_for_ready_rejects_bad_arguments(
    client: JuniperCascorClient, timeout: Any, interval: Any
) -> None:
    with pytest.raises(JuniperCascorConfigurationError):
        client.wait_for_ready(timeout=timeout, poll_interval=interval)


def test_probes_on_a_closed_client_raise(client: JuniperCascorClient) -> None:
    client.close()
    for probe in (client.is_alive, client.is_ready, client.wait_for_ready):
        with pytest.raises(JuniperCascorClientError, match="closed"):
            probe()
