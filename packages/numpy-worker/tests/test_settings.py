"""``WorkerSettings``: the endpoint URL, the proposed name, ranges, and the key kept secret."""

from __future__ import annotations

from typing import Any

import pytest

from juniper_cascor_numpy_worker.settings import (
    DEFAULT_HEARTBEAT_INTERVAL,
    WorkerSettings,
    default_name,
    workers_url,
)
from juniper_cascor_protocol.worker import WORKER_ID_PATTERN


@pytest.mark.parametrize(
    ("given", "url"),
    [
        ("ws://host:8200", "ws://host:8200/ws/v1/workers"),
        ("ws://host:8200/", "ws://host:8200/ws/v1/workers"),
        ("ws://host:8200/ws/v1/workers", "ws://host:8200/ws/v1/workers"),
        ("ws://host:8200/ws/v1/workers/", "ws://host:8200/ws/v1/workers"),
        ("http://host:8200", "ws://host:8200/ws/v1/workers"),
        ("https://host", "wss://host/ws/v1/workers"),
        ("WSS://host/cascor", "wss://host/cascor/ws/v1/workers"),
        (" ws://[::1]:8200 ", "ws://[::1]:8200/ws/v1/workers"),
    ],
)
def test_the_worker_endpoint_is_derived(given: str, url: str) -> None:
    assert workers_url(given) == url


@pytest.mark.parametrize("bad", ["", "host:8200", "tcp://host", "ws://", "ws://host#x"])
def test_bad_server_urls_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="server URL"):
        WorkerSettings(bad)


def test_defaults() -> None:
    settings = WorkerSettings("ws://h")
    assert settings.heartbeat_interval == DEFAULT_HEARTBEAT_INTERVAL <= 2.0
    assert settings.task_timeout == 3600.0
    assert settings.api_key is None
    assert WORKER_ID_PATTERN.match(settings.name)


def test_the_default_name_is_always_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    for host in ("box.example.org", "_under", "x" * 100, "...", "ñandú-1"):
        monkeypatch.setattr("socket.gethostname", lambda host=host: host)
        name = default_name()
        assert WORKER_ID_PATTERN.match(name), (host, name)
    monkeypatch.setattr("socket.gethostname", lambda: "box.example.org")
    assert default_name() == "numpy-worker-box-example-org"


def test_the_key_never_shows_in_the_repr() -> None:
    settings = WorkerSettings("ws://h", api_key="s3cret")
    assert "s3cret" not in repr(settings)
    assert settings.api_key == "s3cret"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"name": "has space"}, "name must match"),
        ({"name": ""}, "name must match"),
        ({"heartbeat_interval": 0}, "heartbeat_interval"),
        ({"task_timeout": float("inf")}, "task_timeout"),
        ({"open_timeout": -1}, "open_timeout"),
        ({"backoff_base": 2.0, "backoff_max": 1.0}, "backoff_max must be >="),
        ({"max_frame_bytes": 0}, "max_frame_bytes"),
        ({"max_in_flight_tasks": True}, "max_in_flight_tasks"),
        ({"tls_cert": "c.pem"}, "tls_cert and tls_key go together"),
        ({"tls_ca": "ca.pem"}, "TLS files need a wss://"),
    ],
)
def test_out_of_range_values_are_refused(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WorkerSettings("ws://h", **options)


def test_tls_files_with_a_secure_url() -> None:
    settings = WorkerSettings("wss://h", tls_ca="ca.pem", tls_cert="c.pem", tls_key="k.pem")
    assert settings.url == "wss://h/ws/v1/workers"
