"""The juniper-cascor-client 0.8 surface of the streams: arguments, attributes and methods
called the way 0.8 code calls them."""

from __future__ import annotations

import asyncio
import time
import warnings
from typing import Any

import pytest

from juniper_cascor_client_core import JuniperCascorConfigurationError
from juniper_cascor_client_streams import CascorControlStream, CascorTrainingStream

ORIGIN = "http://localhost:8050"


@pytest.fixture(autouse=True)
def _no_credentials_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JUNIPER_CASCOR_WS_ORIGIN", raising=False)
    monkeypatch.delenv("JUNIPER_CASCOR_API_KEY", raising=False)


async def test_positional_arguments_are_those_of_0_8(server) -> None:
    training = CascorTrainingStream(server.url + "/", "key-t", ORIGIN)
    control = CascorControlStream(server.url, "key-c", 4.0, ORIGIN)
    assert (training.base_url, training.api_key, training.origin) == (server.url, "key-t", ORIGIN)
    assert (control.base_url, control.api_key, control.origin) == (server.url, "key-c", ORIGIN)
    assert control.command_timeout == 4.0
    async with training, control:
        await control.stop()
    assert server.origins == [ORIGIN, ORIGIN]
    assert server.keys == ["key-t", "key-c"]


@pytest.mark.parametrize("value", [True, False])
async def test_auto_pong_is_accepted_with_a_deprecation_warning(server, value) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        training = CascorTrainingStream(server.url, auto_pong=value)
        control = CascorControlStream(server.url, auto_pong=value)
    assert [warning.category for warning in caught] == [DeprecationWarning] * 2
    assert all(warning.filename == __file__ for warning in caught)  # points at the caller
    assert all("remove the argument" in str(warning.message) for warning in caught)
    async with training, control:
        await server.wait_for(lambda: len(server.training) == 1)
        server.ping_all()
        server.broadcast("event", {"event": "after the ping"})
        types = []
        async for message in training:
            types.append(message["type"])
            if message["type"] == "event":
                break
        await server.wait_for(lambda: control.pongs_sent == 1 == training.pongs_sent)
    assert "ping" not in types  # pings are answered, never delivered, whatever auto_pong says


def test_no_warning_without_auto_pong(server) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CascorTrainingStream(server.url)
        CascorControlStream(server.url)


async def test_api_key_from_the_environment_can_be_unset_before_connecting(
    server, monkeypatch
) -> None:
    monkeypatch.setenv("JUNIPER_CASCOR_API_KEY", "from-env")
    stream = CascorTrainingStream(server.url)
    assert stream.api_key == "from-env"
    stream.api_key = None  # what juniper-canopy does when it resolved no key itself
    async with stream:
        pass
    stream.api_key = "rotated"
    async with stream:
        pass
    assert server.keys == [None, "rotated"]
    assert "rotated" not in repr(stream)


async def test_base_url_and_origin_are_settable_before_connecting(server) -> None:
    control = CascorControlStream("ws://127.0.0.1:9")
    control.base_url = server.url
    control.origin = ORIGIN
    async with control:
        answer = await control.stop()
    assert answer["data"]["status"] == "success"
    assert server.origins == [ORIGIN]
    assert control.url == server.url + "/ws/control"
    with pytest.raises(JuniperCascorConfigurationError):
        control.base_url = "ftp://nowhere"
    assert control.base_url == server.url


async def test_connect_takes_the_path_as_0_8_did(server) -> None:
    stream = CascorTrainingStream(server.url)
    with pytest.raises(JuniperCascorConfigurationError):
        await stream.connect("ws/training")
    await stream.connect("/ws/training")
    try:
        first = await anext(aiter(stream))
    finally:
        await stream.disconnect()
    assert first["type"] == "connection_established"
    assert stream.url.endswith("/ws/training")


async def test_callbacks_get_the_data_while_iterating_as_in_0_8(server) -> None:
    seen: list[Any] = []
    stream = CascorTrainingStream(server.url)
    stream.on_metrics(lambda data: seen.append(("callback", data["loss"])))
    async with stream:
        await server.wait_for(lambda: len(server.training) == 1)
        server.broadcast("metrics", {"epoch": 1, "loss": 0.5, "accuracy": 0.75})
        async for message in stream:  # plain iteration, no listen()
            if message["type"] == "metrics":
                seen.append(("message", message["data"]["loss"]))
                break
    assert seen == [("callback", 0.5), ("message", 0.5)]


async def test_closing_an_iterator_leaves_the_stream_connected(server) -> None:
    async with CascorTrainingStream(server.url) as stream:
        iterator = stream.stream()
        assert (await anext(iterator))["type"] == "connection_established"
        await iterator.aclose()
        with pytest.raises(StopAsyncIteration):
            await anext(iterator)
        assert stream.is_connected
        assert (await anext(stream.stream()))["type"] == "initial_status"


async def test_a_timed_out_wait_can_be_rearmed_on_the_same_connection(server) -> None:
    # juniper-canopy's relay: bound each wait, and on a timeout close and re-arm the iterator.
    server.send_initial_status = False
    async with CascorTrainingStream(server.url) as stream:
        iterator = stream.stream()
        assert (await anext(iterator))["type"] == "connection_established"
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(anext(iterator), timeout=0.05)
        await iterator.aclose()
        server.broadcast("event", {"event": "later"})
        message = await asyncio.wait_for(anext(stream.stream()), timeout=5)
    assert message["data"] == {"event": "later"}


async def test_liveness_surface_of_0_8(server) -> None:
    stream = CascorTrainingStream(server.url)
    assert stream.last_frame_at is None
    assert not stream.is_alive()
    async with stream:
        assert stream.is_connected
        assert stream.is_alive(window_sec=90.0)
        last = stream.last_frame_at
        assert last is not None
        assert abs(last - time.time()) < 60  # wall-clock seconds, as 0.8 reports them
    assert not stream.is_connected


async def test_set_params_takes_timeout_and_command_id_as_0_8(server) -> None:
    async with CascorControlStream(server.url) as control:
        answer = await control.set_params({"learning_rate": 0.01}, timeout=5.0, command_id="c-1")
        sent = server.control[0].received[0]
    assert sent["command_id"] == "c-1"
    assert answer["data"]["command_id"] == "c-1"
