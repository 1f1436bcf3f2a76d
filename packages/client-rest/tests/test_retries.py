"""The retry loop over real loopback HTTP: what is resent, what never is, and the deadline."""

from __future__ import annotations

import logging
import random
import re
import time
from email.utils import formatdate, parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import pytest

from juniper_cascor_client_core import backoff
from juniper_cascor_client_rest import (
    JuniperCascorClient,
    JuniperCascorClientError,
    JuniperCascorConnectionError,
    JuniperCascorRateLimitedError,
    JuniperCascorServiceUnavailableError,
    JuniperCascorTimeoutError,
    retry,
)

MUTATING = [
    ("POST", lambda c: c.start_training(epochs=1)),
    ("PATCH", lambda c: c.update_params({"patience": 1})),
    ("DELETE", lambda c: c.delete_network()),
]


@pytest.mark.parametrize(("method", "call"), MUTATING, ids=[m for m, _ in MUTATING])
def test_mutating_call_is_sent_once_when_the_server_drops_the_connection(
    server: Any, make_client: Any, method: str, call: Any
) -> None:
    client = make_client(retries=5)
    server.push(drop=True)

    with pytest.raises(JuniperCascorConnectionError, match="connection lost"):
        call(client)

    assert [r.method for r in server.requests] == [method]


@pytest.mark.parametrize("status", [429, 502, 503, 504])
@pytest.mark.parametrize(("method", "call"), MUTATING, ids=[m for m, _ in MUTATING])
def test_mutating_call_is_sent_once_on_a_retryable_status(
    server: Any, make_client: Any, method: str, call: Any, status: int
) -> None:
    client = make_client(retries=5)
    server.responder = lambda r: {"status": status, "headers": {"Retry-After": "0"}}

    with pytest.raises(JuniperCascorClientError, match=f"^HTTP {status}: ") as caught:
        call(client)

    assert caught.value.status_code == status
    assert [r.method for r in server.requests] == [method]


def test_post_on_a_stale_keep_alive_connection_is_sent_once(
    server: Any, client: JuniperCascorClient
) -> None:
    server.push(close_after=True)  # answers as keep-alive, then closes the connection
    client.get_training_status()
    server.wait_until_closed(1)  # the pooled connection is stale now

    client.start_training(epochs=2)
    assert [r.method for r in server.requests] == ["GET", "POST"]
    assert server.requests[1].json() == {"epochs": 2}


def test_post_timing_out_is_not_resent(server: Any, make_client: Any) -> None:
    client = make_client(timeout=(1.0, 0.1), retries=5)
    server.push(delay=0.3)
    with pytest.raises(JuniperCascorTimeoutError):
        client.save_snapshot("x")
    assert [r.method for r in server.requests] == ["POST"]


def test_get_is_retried_after_a_dropped_connection(
    server: Any, client: JuniperCascorClient
) -> None:
    server.push(drop=True)
    assert client.get_training_status()["status"] == "success"
    assert [r.method for r in server.requests] == ["GET", "GET"]


def test_get_is_retried_after_a_read_timeout(server: Any, make_client: Any) -> None:
    client = make_client(timeout=(5.0, 1.0))
    server.push(delay=3.0)  # the first answer comes only after the 1 s read timeout
    assert client.get_metrics()["status"] == "success"
    assert len(server.requests) == 2


def test_without_retries_a_get_is_sent_once(server: Any, make_client: Any) -> None:
    client = make_client(retries=0)
    server.push(drop=True)
    with pytest.raises(JuniperCascorConnectionError):
        client.get_metrics()
    assert len(server.requests) == 1


def test_get_honours_retry_after_seconds(
    server: Any, client: JuniperCascorClient, caplog: pytest.LogCaptureFixture
) -> None:
    server.push(status=503, headers={"Retry-After": "0.15"})
    server.push(status=429, headers={"Retry-After": "0.25"})

    with caplog.at_level(logging.DEBUG, logger="juniper_cascor_client_rest"):
        assert client.get_training_status()["status"] == "success"

    first, second, third = (r.at for r in server.requests)
    assert second - first >= 0.15
    assert third - second >= 0.25
    retries = [r.getMessage() for r in caplog.records if "retry" in r.getMessage()]
    assert len(retries) == 2
    assert "retry 1 of 3 in 0.150 s" in retries[0]


def test_get_honours_retry_after_http_date(
    server: Any, make_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(deadline=30.0)  # room for the wait whatever the load
    when = formatdate(time.time() + 3.0, usegmt=True)  # whole seconds: 2 to 3 s from now
    server.push(status=503, headers={"Retry-After": when})

    with caplog.at_level(logging.DEBUG, logger="juniper_cascor_client_rest"):
        assert client.get_training_status()["status"] == "success"

    # The instant the header names, as sent (the date has no fractions of a second).
    assert server.requests[1].wall >= parsedate_to_datetime(when).timestamp()
    waits = [
        float(found[1])
        for record in caplog.records
        if (found := re.search(r"retry 1 of 3 in ([0-9.]+) s", record.getMessage()))
    ]
    assert len(waits) == 1
    assert 0 < waits[0] <= 3.0  # the time left until the date when the 503 was read


def test_retry_after_beyond_the_cap_gives_up_at_once(server: Any, make_client: Any) -> None:
    client = make_client(max_retry_after=5.0)
    server.push(status=429, headers={"Retry-After": formatdate(time.time() + 60, usegmt=True)})

    started = time.monotonic()
    with pytest.raises(JuniperCascorRateLimitedError) as caught:
        client.get_metrics()

    assert time.monotonic() - started < 30  # it did not wait the 60 s asked for
    assert caught.value.retry_after == pytest.approx(60, abs=2)
    assert len(server.requests) == 1


def test_retry_after_too_large_for_a_float_gives_up_at_once(server: Any, client: Any) -> None:
    """400 digits overflow to infinity, which was once read as "no Retry-After" and retried."""
    server.push(status=503, headers={"Retry-After": "9" * 400})
    with pytest.raises(JuniperCascorServiceUnavailableError):
        client.get_metrics()
    assert len(server.requests) == 1


def test_get_gives_up_at_the_deadline(server: Any, make_client: Any) -> None:
    client = make_client(retries=1000, deadline=3.0)
    server.responder = lambda r: {"status": 503, "headers": {"Retry-After": "0.1"}}

    started = time.monotonic()
    with pytest.raises(JuniperCascorServiceUnavailableError):
        client.get_training_status()
    elapsed = time.monotonic() - started

    assert elapsed < 3.0 + 5  # 1000 retries 0.1 s apart would take 100 s
    assert 2 <= len(server.requests) <= 1 + 30  # at most one try per Retry-After within 3 s


def test_deadline_bounds_a_slow_answer(server: Any, make_client: Any) -> None:
    client = make_client(timeout=30.0, deadline=0.3)
    server.push(delay=10.0)

    started = time.monotonic()
    with pytest.raises(JuniperCascorTimeoutError):
        client.get_metrics()
    assert time.monotonic() - started < 0.3 + 5  # the answer would take 10 s


@pytest.mark.parametrize("status", [200, 503])
def test_deadline_bounds_a_body_that_trickles_in(
    server: Any, make_client: Any, status: int
) -> None:
    """Each byte arrives well within the read timeout, but the whole body would take ~8 s."""
    client = make_client(timeout=2.0, deadline=0.5)
    server.push(status=status, body={"detail": "x" * 30}, trickle=0.2)

    started = time.monotonic()
    with pytest.raises(JuniperCascorTimeoutError, match="GET /metrics: timed out"):
        client.get_metrics()

    assert time.monotonic() - started < 0.5 + 4  # the whole body would take ~8 s
    assert len(server.requests) == 1


def test_a_streamed_body_within_the_deadline_is_read_whole(server: Any, make_client: Any) -> None:
    client = make_client(timeout=2.0, deadline=3.0)
    server.push(body={"status": "success", "data": "ok"}, trickle=0.005)
    assert client.get_metrics() == {"status": "success", "data": "ok"}
    server.push(status=404, body={"detail": "no network"}, trickle=0.005)
    with pytest.raises(JuniperCascorClientError, match="HTTP 404: no network") as caught:
        client.get_network()
    assert caught.value.response.json() == {"detail": "no network"}
    assert b"".join(caught.value.response.iter_content(4)) == b'{"detail": "no network"}'
    assert client.get_metrics()["status"] == "success"  # the connection went back to the pool


def test_retries_stop_when_used_up(server: Any, make_client: Any) -> None:
    client = make_client(retries=2)
    server.responder = lambda r: {"status": 502}
    with pytest.raises(JuniperCascorClientError, match="HTTP 502"):
        client.get_dataset()
    assert len(server.requests) == 3


def test_connection_refused_fails_promptly(make_client: Any, refused_url: str) -> None:
    client = make_client(base_url=refused_url, retries=0, timeout=30.0)
    started = time.monotonic()
    with pytest.raises(JuniperCascorConnectionError, match="could not connect"):
        client.get_metrics()
    assert time.monotonic() - started < 10  # refused at once, not after the 30 s timeout


def test_connection_refused_is_retried_for_post_a_bounded_number_of_times(
    make_client: Any, refused_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(base_url=refused_url, retries=3)
    with (
        caplog.at_level(logging.DEBUG, logger="juniper_cascor_client_rest"),
        pytest.raises(JuniperCascorConnectionError, match="POST /training/start: could not"),
    ):
        client.start_training()
    retries = [r for r in caplog.records if "; retry " in r.getMessage()]
    assert len(retries) == 3


def test_post_reaches_a_server_that_starts_listening_late(
    make_client: Any, refused_url: str, serve_later: Any
) -> None:
    port = urlsplit(refused_url).port
    started = serve_later(port, 0.2)
    client = make_client(base_url=refused_url, retries=20, backoff_factor=0.05, deadline=5.0)

    result = client.start_training(epochs=4)

    assert result["data"]["body"] == {"epochs": 4}
    assert [r.method for r in started[0].requests] == ["POST"]


def test_retry_waits_are_drawn_from_client_cores_backoff(
    server: Any, make_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without ``Retry-After`` each wait is the shared full-jitter backoff, retry index first."""
    drawn: list[tuple[int, float, float, float]] = []

    def recording(attempt: int, base: float, cap: float, rand: Any = random.random) -> float:
        delay = backoff.backoff_delay(attempt, base, cap, rand)
        drawn.append((attempt, base, cap, delay))
        return delay

    monkeypatch.setattr(retry, "backoff_delay", recording)
    client = make_client(backoff_factor=0.02, retries=3)
    server.push(status=503)
    server.push(status=502)

    assert client.get_metrics()["status"] == "success"

    assert [(attempt, base, cap) for attempt, base, cap, _ in drawn] == [
        (0, 0.02, 30.0),
        (1, 0.02, 30.0),
    ]
    assert all(0.0 <= delay <= 0.02 * 2**attempt for attempt, _, _, delay in drawn)
    assert len(server.requests) == 3
