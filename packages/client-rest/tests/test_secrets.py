"""The API key never appears in a log record, an exception's text or a repr."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from juniper_cascor_client_rest import (
    JuniperCascorClient,
    JuniperCascorClientError,
    JuniperCascorConfigurationError,
)

KEY = "sk-test-3f9a7c1e5b"  # the key the client fixtures send


def _failures(
    server: Any, client: JuniperCascorClient, refused: JuniperCascorClient
) -> list[JuniperCascorClientError]:
    """Provoke one error of each kind, with the server echoing the key back where it can."""
    server.push(status=401, body={"detail": f"Invalid API key {KEY}"})
    server.push(
        status=403,
        body={"status": "error", "error": {"message": f"bad {KEY}", "detail": [{"msg": KEY}]}},
    )
    server.push(status=422, body={"detail": [{"loc": ["header", KEY], "msg": f"no {KEY}"}]})
    server.push(status=500, body=f"trace: X-API-Key: {KEY}")
    server.push(status=200, body=f"oops {KEY}".encode())
    server.push(status=503, body={"detail": KEY}, headers={"Retry-After": "0"})
    server.push(status=503, body={"detail": KEY}, headers={"Retry-After": "0"})
    server.push(drop=True)
    calls = [
        client.get_metrics,
        client.get_network,
        lambda: client.create_network(input_size=1),
        client.get_dataset,
        client.get_training_status,
        lambda: client.request("GET", "/workers", timeout=1.0),
        client.stop_training,
        refused.start_training,
    ]
    errors: list[JuniperCascorClientError] = []
    for call in calls:
        with pytest.raises(JuniperCascorClientError) as caught:
            call()
        errors.append(caught.value)
    return errors


def test_key_never_in_logs_errors_or_reprs(
    server: Any, make_client: Any, refused_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(retries=1)
    refused = make_client(base_url=refused_url, retries=1)

    with caplog.at_level(logging.DEBUG):
        assert client.get_training_status()["status"] == "success"
        client.create_network(input_size=1, extra_option=1)
        errors = _failures(server, client, refused)
        client.close()

    assert server.requests[0].headers["X-API-Key"] == KEY  # it was really sent
    assert len(errors) == 8
    assert caplog.records, "DEBUG logging was captured"
    for record in caplog.records:
        text = record.getMessage() + repr(record.args) + (record.exc_text or "")
        assert KEY not in text, record
    for error in errors:
        assert KEY not in str(error)
        assert KEY not in repr(error)
        assert KEY not in repr(error.detail)
    assert KEY not in repr(client) + str(client) + repr(refused)


def test_debug_log_has_one_record_per_request(
    server: Any, client: JuniperCascorClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="juniper_cascor_client_rest"):
        client.get_metrics()
        client.stop_training()
    messages = [r.getMessage() for r in caplog.records if r.name == "juniper_cascor_client_rest"]
    assert len(messages) == 2
    assert messages[0].startswith("GET /metrics -> 200 in ")
    assert messages[1].startswith("POST /training/stop -> 200 in ")


@pytest.mark.parametrize(
    "key",
    ["sk-line\nbreak-3f9a", "sk-carriage\rreturn-3f9a", "sk-nul\x00-3f9a", "sk-snow\u2603man-3f9a"],
)
def test_key_unfit_for_a_header_is_refused_without_showing_it(server: Any, key: str) -> None:
    """Sent as it is, such a key made requests quote it in its error, or raised a foreign
    UnicodeEncodeError; it is refused before anything is sent, without showing it."""
    with pytest.raises(JuniperCascorConfigurationError) as caught:
        JuniperCascorClient(server.url, api_key=key)
    text = str(caught.value) + repr(caught.value)
    assert "API key" in text
    for fragment in (key, repr(key)[1:-1], "3f9a"):
        assert fragment not in text
    assert server.requests == []


def test_credentials_in_the_base_url_never_show_in_the_repr(server: Any) -> None:
    with JuniperCascorClient(server.url.replace("//", "//bob:hunter2@"), api_key="") as client:
        assert client.get_metrics()["status"] == "success"
        shown = repr(client)
    assert "hunter2" not in shown
    assert "bob" not in shown
    assert "http://***@127.0.0.1:" in shown
