"""``FakeCascorTrainingStream``: canned messages in memory, or the real stream on a fake server."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from juniper_cascor_client import JuniperCascorClientError
from juniper_cascor_client.testing import FakeCascorServer, FakeCascorTrainingStream
from juniper_cascor_client.testing.constants import FAKE_WS_BASE_URL
from juniper_cascor_client.testing.fake_ws_client import CannedTrainingStream, ServerTrainingStream
from juniper_cascor_client_streams import CascorTrainingStream

METRICS = {"type": "metrics", "data": {"epoch": 1, "loss": 0.5}}
STATE = {"type": "state", "data": {"status": "Started"}}
PING = {"type": "ping", "timestamp": 1.0}
DONE = {"type": "event", "data": {"event": "training_complete"}}
WITHIN = 10.0
"""Generous bound on each test's waits."""


async def _drain(stream: FakeCascorTrainingStream | CannedTrainingStream) -> list[dict[str, Any]]:
    async with asyncio.timeout(WITHIN):
        return [message async for message in stream]


# -- mode ---------------------------------------------------------------------------------------
def test_the_arguments_choose_the_mode() -> None:
    canned = FakeCascorTrainingStream([METRICS], 0.0)
    assert type(canned) is CannedTrainingStream
    assert isinstance(canned, FakeCascorTrainingStream)
    assert (canned.base_url, canned.api_key) == (FAKE_WS_BASE_URL, None)
    served = FakeCascorTrainingStream(scenario="idle")
    try:
        assert type(served) is ServerTrainingStream
        assert isinstance(served, FakeCascorTrainingStream)
        assert isinstance(served, CascorTrainingStream)
    finally:
        served.server.stop()


def test_canned_arguments_are_refused_with_a_server() -> None:
    with pytest.raises(TypeError, match="canned"):
        FakeCascorTrainingStream([METRICS], scenario="idle")
    with pytest.raises(TypeError):
        FakeCascorTrainingStream(epoch_delay=0.1)


# -- canned messages ---------------------------------------------------------------------------
async def test_canned_messages_are_yielded_in_order_then_the_stream_ends() -> None:
    given = [METRICS, PING, STATE, DONE]
    stream = FakeCascorTrainingStream(given, delay=0.001)
    assert not stream.is_alive()
    async with stream:
        assert stream.is_connected
        assert stream.is_alive()
        received = await _drain(stream)  # ends once nothing came for ten delays
    assert received == [METRICS, STATE, DONE]  # the ping was answered, not yielded
    assert stream.pongs_sent == 1
    assert stream.last_frame_at is not None
    assert not stream.is_connected
    assert not stream.is_alive()


async def test_callbacks_get_the_data_before_the_message_is_yielded() -> None:
    stream = FakeCascorTrainingStream([METRICS, STATE], delay=0.0)
    seen: list[tuple[str, Any]] = []

    async def on_state(data: dict[str, Any]) -> None:  # coroutine callbacks are awaited
        seen.append(("state", data))

    assert stream.on_metrics(lambda data: seen.append(("metrics", data))) is not None
    stream.on_state(on_state)
    await stream.connect()
    async with asyncio.timeout(WITHIN):
        async for message in stream.stream():
            seen.append(("yielded", message["type"]))
    assert seen == [
        ("metrics", METRICS["data"]),
        ("yielded", "metrics"),
        ("state", STATE["data"]),
        ("yielded", "state"),
    ]


async def test_a_raising_callback_does_not_stop_the_stream() -> None:
    stream = FakeCascorTrainingStream([METRICS, STATE], delay=0.0)

    def broken(data: dict[str, Any]) -> None:
        raise RuntimeError("callback bug")

    stream.on_metrics(broken)
    async with stream:
        assert [m["type"] for m in await _drain(stream)] == ["metrics", "state"]


async def test_listen_runs_the_callbacks() -> None:
    stream = FakeCascorTrainingStream([METRICS, DONE, METRICS], delay=0.0)
    epochs: list[int] = []
    stream.on_metrics(lambda data: epochs.append(data["epoch"]))
    stream.on_event(lambda data: epochs.append(-1))
    async with stream, asyncio.timeout(WITHIN):
        await stream.listen()
    assert epochs == [1, -1, 1]


async def test_the_messages_are_copies() -> None:
    given = [{"type": "metrics", "data": {"epoch": 1}}]
    stream = FakeCascorTrainingStream(given, delay=0.0)
    given[0]["data"]["epoch"] = 99
    async with stream:
        (received,) = await _drain(stream)
    received["data"]["epoch"] = 7
    assert given[0]["data"]["epoch"] == 99
    assert received == {"type": "metrics", "data": {"epoch": 7}}


async def test_injected_messages_follow_before_and_while_connected() -> None:
    stream = FakeCascorTrainingStream([METRICS], delay=0.0)
    stream.inject_message(STATE)  # before connecting: after the given messages
    stream.on_state(lambda data: stream.inject_message(DONE))  # while connected: at once
    async with stream:
        assert await _drain(stream) == [METRICS, STATE, DONE]


async def test_disconnect_ends_the_stream_without_waiting_for_the_idle_end() -> None:
    stream = FakeCascorTrainingStream([METRICS], delay=0.05)  # idle end after 0.5 s
    stream.on_metrics(lambda data: stream.inject_message(STATE))
    received: list[dict[str, Any]] = []
    await stream.connect()
    async with asyncio.timeout(WITHIN):
        async for message in stream:
            received.append(message)
            if message["type"] == "metrics":
                await stream.disconnect()
    assert received == [METRICS]  # the queued STATE is never yielded after the disconnect


async def test_an_empty_canned_stream_ends_at_once_without_delay() -> None:
    async with FakeCascorTrainingStream(delay=0.0) as stream:
        assert await _drain(stream) == []


async def test_streaming_before_connecting_is_refused() -> None:
    stream = FakeCascorTrainingStream([METRICS])
    with pytest.raises(JuniperCascorClientError, match="Not connected"):
        await _drain(stream)
    with pytest.raises(JuniperCascorClientError, match="Not connected"):
        await stream.send_command("pause")


async def test_commands_are_recorded_as_the_real_stream_sends_them() -> None:
    async with FakeCascorTrainingStream() as stream:
        await stream.send_command("start", {"epochs": 5})
        await stream.send_command("stop")
    assert stream.sent_commands == [
        {"type": "command", "command": "start", "params": {"epochs": 5}},
        {"type": "command", "command": "stop"},
    ]


def test_auto_pong_is_accepted_with_the_streams_warning() -> None:
    with pytest.warns(DeprecationWarning, match="auto_pong") as warned:
        FakeCascorTrainingStream(auto_pong=True)
    assert warned[0].filename == __file__


# -- server ------------------------------------------------------------------------------------
async def test_a_server_stream_delivers_spiral_metrics_and_stops_its_server() -> None:
    stream = FakeCascorTrainingStream(scenario="two_spiral_training")
    server = stream.server
    seen: list[str] = []
    async with stream, asyncio.timeout(20):
        async for message in stream:
            seen.append(message["type"])
            if {"initial_status", "metrics"} <= set(seen):
                break
    assert seen[0] == "connection_established"
    with pytest.raises(RuntimeError):
        _ = server.port  # the stream started it, so the stream stopped it


async def test_an_attached_stream_receives_injected_frames_and_leaves_the_server() -> None:
    with FakeCascorServer(scenario="idle", resume_window=0.5) as server:
        stream = FakeCascorTrainingStream(server=server)
        async with stream, asyncio.timeout(20):
            async for message in stream:
                if message["type"] == "initial_metrics":  # the fresh-connection frames are in
                    stream.inject_message({"type": "event", "data": {"event": "custom"}})
                if message["type"] == "event":
                    assert message["data"] == {"event": "custom"}
                    assert isinstance(message["seq"], int)
                    break
        assert server.port > 0
