"""``JUNIPER_CASCOR_URL``: the streams read it at construction when no URL is given."""

from __future__ import annotations

import pytest

from juniper_cascor_client_core import URL_ENV
from juniper_cascor_client_streams import (
    BlockingControlStream,
    CascorControlStream,
    CascorTrainingStream,
    iter_training,
)

UNREACHABLE = "http://127.0.0.1:9"  # the discard port: nothing listens there


def http_url(ws_url: str) -> str:
    """The server's URL as a REST user would set it for both clients."""
    return ws_url.replace("ws://", "http://", 1)


async def test_the_training_stream_connects_to_the_url_in_the_environment(
    server, monkeypatch
) -> None:
    monkeypatch.setenv(URL_ENV, http_url(server.url))
    async with CascorTrainingStream() as stream:
        first = await anext(stream.stream())
    assert first["type"] == "connection_established"
    assert stream.url == f"{server.url}/ws/training"
    assert stream.base_url == http_url(server.url)


async def test_the_control_stream_connects_to_the_url_in_the_environment(
    server, monkeypatch
) -> None:
    monkeypatch.setenv(URL_ENV, http_url(server.url))
    async with CascorControlStream() as control:
        answer = await control.stop()
        assert server.control[0].received[0]["command"] == "stop"
    assert answer["data"]["status"] == "success"
    assert control.url == f"{server.url}/ws/control"


async def test_the_environment_is_read_at_construction(server, monkeypatch) -> None:
    monkeypatch.setenv(URL_ENV, http_url(server.url))
    stream = CascorTrainingStream()
    monkeypatch.setenv(URL_ENV, UNREACHABLE)
    async with stream:
        await server.wait_for(lambda: len(server.training) == 1)
    assert server.attempts == 1


async def test_a_url_given_wins_over_the_environment(server, monkeypatch) -> None:
    monkeypatch.setenv(URL_ENV, UNREACHABLE)
    async with CascorTrainingStream(server.url) as stream:
        await server.wait_for(lambda: len(server.training) == 1)
    assert stream.url == f"{server.url}/ws/training"


@pytest.mark.parametrize("value", [None, "", "   "])
def test_without_the_variable_the_default_is_localhost_8200(monkeypatch, value) -> None:
    if value is None:
        monkeypatch.delenv(URL_ENV, raising=False)
    else:
        monkeypatch.setenv(URL_ENV, value)
    assert CascorTrainingStream().url == "ws://localhost:8200/ws/training"
    assert CascorControlStream().url == "ws://localhost:8200/ws/control"


def test_the_blocking_helpers_connect_to_the_url_in_the_environment(
    threaded_server, monkeypatch
) -> None:
    cascor, _ = threaded_server
    monkeypatch.setenv(URL_ENV, http_url(cascor.url))
    messages = iter_training(timeout=5.0)
    try:
        assert next(messages)["type"] == "connection_established"
    finally:
        messages.close()
    with BlockingControlStream(timeout=5.0) as control:
        assert control.stream.url == f"{cascor.url}/ws/control"
        assert control.stop()["data"]["status"] == "success"
    assert cascor.attempts == 2
