"""API-key resolution and redaction."""

from __future__ import annotations

import pickle

import pytest

from juniper_cascor_client_core import (
    API_KEY_ENV,
    ApiKey,
    JuniperCascorConfigurationError,
    check_api_key,
    redact,
    redact_secrets,
    resolve_api_key,
)

SECRET = "s3cr3t-key-value"


def test_argument_wins_over_environment() -> None:
    key = resolve_api_key("arg-key", environ={API_KEY_ENV: "env-key"})
    assert key is not None
    assert key.reveal() == "arg-key"


def test_environment_is_the_fallback() -> None:
    key = resolve_api_key(None, environ={API_KEY_ENV: "env-key"})
    assert key is not None
    assert key.reveal() == "env-key"


def test_explicit_empty_string_means_no_key() -> None:
    assert resolve_api_key("", environ={API_KEY_ENV: "env-key"}) is None


def test_no_key_anywhere() -> None:
    assert resolve_api_key(None, environ={}) is None


def test_reads_os_environ_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(API_KEY_ENV, "from-os")
    key = resolve_api_key()
    assert key is not None
    assert key.reveal() == "from-os"


def test_key_never_shows_in_repr_or_str() -> None:
    key = ApiKey(SECRET)
    for text in (repr(key), str(key), f"{key}", repr([key]), repr({"k": key})):
        assert SECRET not in text
        assert "***" in text


def test_headers_carry_the_key() -> None:
    assert ApiKey(SECRET).headers() == {"X-API-Key": SECRET}


def test_redact() -> None:
    assert redact(f"bad key {SECRET}!", ApiKey(SECRET)) == "bad key ***!"
    assert redact("nothing", None) == "nothing"


def test_equality_and_pickle() -> None:
    key = ApiKey(SECRET)
    assert key == ApiKey(SECRET)
    assert key != ApiKey("other")
    assert pickle.loads(pickle.dumps(key)) == key


@pytest.mark.parametrize("bad", ["a\nb", "a\rb", "a\x00b", "a\x7fb", "a\tb", "caf\u00e9", "\u2603"])
def test_key_that_cannot_be_a_header_value_is_a_configuration_error(bad: str) -> None:
    with pytest.raises(JuniperCascorConfigurationError) as caught:
        resolve_api_key(bad)
    assert bad not in str(caught.value)
    assert repr(bad)[1:-1] not in str(caught.value)
    with pytest.raises(JuniperCascorConfigurationError):
        resolve_api_key(None, environ={API_KEY_ENV: bad})


def test_printable_ascii_keys_are_accepted() -> None:
    key = resolve_api_key("  Ab0-_.~+/=:!*  ")
    assert key is not None
    assert key.reveal() == "Ab0-_.~+/=:!*"


def test_check_api_key_names_the_source_never_the_key() -> None:
    with pytest.raises(JuniperCascorConfigurationError) as caught:
        check_api_key("k-bad\n4c1d", "X-API-Key header of client.session")
    assert "X-API-Key header of client.session" in str(caught.value)
    assert "4c1d" not in str(caught.value)
    with pytest.raises(JuniperCascorConfigurationError, match=f"{API_KEY_ENV} environment"):
        resolve_api_key(None, environ={API_KEY_ENV: "k-bad\r4c1d"})


def test_check_api_key_trims_and_treats_blank_as_no_key() -> None:
    assert check_api_key("   ", "api_key argument") is None
    assert check_api_key(" k-1 ", "api_key argument") == ApiKey("k-1")


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("> X-API-Key: sk-live-123", "sk-live-123"),
        ("x-api-key=sk-live-123", "sk-live-123"),
        ("> Authorization: Basic dXNlcjpwdw==", "dXNlcjpwdw=="),
        ("Authorization: Bearer tok.en.value", "tok.en.value"),
        ("< Set-Cookie: session=abc123; Path=/", "abc123"),
        ("refused ws://user:pw@127.0.0.1:8200/ws/training", "user:pw"),
        ("the server said: bad credentials Basic dXNlcjpwdw==", "dXNlcjpwdw=="),
    ],
)
def test_redact_secrets_masks_credentials_in_known_forms(text: str, secret: str) -> None:
    masked = redact_secrets(text)
    assert secret not in masked
    assert "***" in masked


def test_redact_secrets_leaves_text_without_credentials_alone() -> None:
    text = "> GET /ws/training HTTP/1.1\n> Host: 127.0.0.1:8200"
    assert redact_secrets(text) == text
