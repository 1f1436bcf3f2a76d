"""Base-URL normalisation and WebSocket URL derivation."""

from __future__ import annotations

import pytest

from juniper_cascor_client_core import (
    JuniperCascorConfigurationError,
    http_base_url,
    normalize_base_url,
    redact_url,
    websocket_base_url,
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("example.com:9000", "http://example.com:9000"),
        ("HTTPS://h:9000/v1/", "https://h:9000"),
        ("  http://localhost:8200  ", "http://localhost:8200"),
        ("http://localhost:8200/", "http://localhost:8200"),
        ("http://localhost:8200/v1", "http://localhost:8200"),
        ("http://h/prefix/v1/", "http://h/prefix"),
        ("http://h/v1x", "http://h/v1x"),
        ("127.0.0.1", "http://127.0.0.1"),
        ("http://[::1]:8200", "http://[::1]:8200"),
    ],
)
def test_normalize(given: str, expected: str) -> None:
    assert normalize_base_url(given) == expected


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("http://", "no host"),
        ("/v1", "no host"),
        ("http:///v1", "no host"),
        ("http://user:pw@", "no host"),
        ("ftp://h", "scheme 'ftp'"),
        ("http://h:notaport", "invalid"),
        ("http://h?x=1", "query or fragment"),
    ],
)
def test_rejected(given: str, message: str) -> None:
    with pytest.raises(JuniperCascorConfigurationError, match=message):
        normalize_base_url(given)


def test_non_string_rejected() -> None:
    with pytest.raises(JuniperCascorConfigurationError, match="must be a string"):
        normalize_base_url(None)  # type: ignore[arg-type]


def test_credentials_in_url_do_not_appear_in_errors() -> None:
    with pytest.raises(JuniperCascorConfigurationError) as info:
        normalize_base_url("ftp://user:pw@h")
    # The URL is echoed for context; the scheme is what is wrong.
    assert "scheme 'ftp'" in str(info.value)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("http://h:8200", "ws://h:8200"),
        ("https://h:8200/v1/", "wss://h:8200"),
        ("ws://h:8200/", "ws://h:8200"),
        ("WSS://h", "wss://h"),
        ("h:8200", "ws://h:8200"),
    ],
)
def test_websocket_base_url(given: str, expected: str) -> None:
    assert websocket_base_url(given) == expected


def test_http_base_url_from_websocket() -> None:
    assert http_base_url("wss://h:1/") == "https://h:1"
    assert http_base_url("ws://h") == "http://h"
    assert http_base_url("https://h") == "https://h"


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("http://bob:hunter2@h:8200", "http://***@h:8200"),
        ("https://tok3n@h/base", "https://***@h/base"),
        ("ws://a:b@h:1", "ws://***@h:1"),
        ("http://h:8200", "http://h:8200"),
        ("http://h/p@q", "http://h/p@q"),
    ],
)
def test_redact_url_hides_credentials(given: str, shown: str) -> None:
    assert redact_url(given) == shown
