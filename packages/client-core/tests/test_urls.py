"""Base-URL normalisation and WebSocket URL derivation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("http://x\n.com", r"whitespace \('\\n' at position 8\)"),
        ("http://x\r.com", "whitespace"),
        ("http://x\t.com", "whitespace"),
        ("http://my host:8200", "whitespace"),
        ("http://h/a b", "whitespace"),
        ("http://h\u00a0x", "whitespace"),
        ("http://h\u2028x", "whitespace"),
        ("http://h\x00", "control character"),
        ("\x00http://h", "control character"),
        ("http://h\x7f", "control character"),
        ("http://h\u200bx", "control character"),
        ("https://x:0", "invalid port 0: outside 1..65535"),
        ("http://h:65536", "invalid port 65536: outside"),
        ("http://h:99999999999999999999", "outside"),
        ("http://h:", "invalid port: it is empty"),
        ("h:", "invalid port: it is empty"),
        ("http://h:+80", "invalid port '\\+80': not a number"),
        ("http://h:\uff18\uff10", "not a number"),
        ("http://h:-1", "not a number"),
        ("http://[::1]:0", "outside"),
        ("http://[::1]x", "'x' after the IPv6 host"),
        ("http://h?", "query or fragment"),
        ("http://h#", "query or fragment"),
        ("http://h/v1/v1", "/v1 twice"),
        ("http://h/v1//v1/", "/v1 twice"),
        ("http://[::1", "invalid"),
    ],
)
def test_silent_rewrites_are_refused(given: str, message: str) -> None:
    with pytest.raises(JuniperCascorConfigurationError, match=message):
        normalize_base_url(given)


@pytest.mark.parametrize("port", ["1", "80", "65535", "08200"])
def test_ports_in_range_are_kept_as_given(port: str) -> None:
    assert normalize_base_url(f"http://h:{port}/") == f"http://h:{port}"


@pytest.mark.parametrize(
    "given",
    [
        "ftp://user:pw@h",
        "http://user:pw@h:0",
        "http://user:pw@my host",
        "user:pw@h:x",
        "http://user:pw@h?q",
        "http://user:pw@[::1",
    ],
)
def test_errors_show_the_url_with_credentials_redacted(given: str) -> None:
    with pytest.raises(JuniperCascorConfigurationError) as info:
        normalize_base_url(given)
    assert "pw" not in str(info.value)
    assert "***@" in str(info.value)


def test_websocket_and_http_derivation_refuse_the_same_urls() -> None:
    with pytest.raises(JuniperCascorConfigurationError, match="whitespace"):
        websocket_base_url("ws://x\n.com")
    with pytest.raises(JuniperCascorConfigurationError, match="outside"):
        http_base_url("wss://x:0")


def _is_clean(url: str) -> bool:
    return all(char.isprintable() and not char.isspace() for char in url)


_URL_LIKE = st.one_of(
    st.text(),
    st.builds(
        "".join,
        st.lists(
            st.sampled_from(
                [
                    "http://",
                    "HTTPS://",
                    "ws://",
                    "h",
                    "[::1]",
                    ":",
                    "0",
                    "8200",
                    "/",
                    "v1",
                    "@",
                    "u:p",
                    "?",
                    "#",
                    " ",
                    "\n",
                    "\t",
                    "\x00",
                    "\u00a0",
                    "]",
                    "[",
                    ".",
                ]
            ),
            max_size=12,
        ),
    ),
)


@settings(max_examples=500)
@given(_URL_LIKE)
def test_normalisation_refuses_or_is_idempotent_and_clean(text: str) -> None:
    try:
        normalized = normalize_base_url(text)
    except JuniperCascorConfigurationError:
        return
    assert normalize_base_url(normalized) == normalized
    assert _is_clean(normalized)


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
        ("bob:pw@h:x", "***@h:x"),
        ("http://a:b@[::1", "http://***@[::1"),
        ("ws://a:b@h/p?token=t@x", "ws://***@h/p?token=t@x"),
    ],
)
def test_redact_url_hides_credentials(given: str, shown: str) -> None:
    assert redact_url(given) == shown


def test_resolve_base_url_takes_the_argument_then_the_environment_then_the_default() -> None:
    from juniper_cascor_client_core import URL_ENV, resolve_base_url

    assert URL_ENV == "JUNIPER_CASCOR_URL"
    assert resolve_base_url("http://a:1", environ={URL_ENV: "http://b:2"}) == "http://a:1"
    assert resolve_base_url(None, environ={URL_ENV: " http://b:2 "}) == "http://b:2"
    assert resolve_base_url(None, environ={}) == "http://localhost:8200"
    assert resolve_base_url(None, environ={URL_ENV: "  "}) == "http://localhost:8200"
