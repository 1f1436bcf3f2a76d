"""CascorTrainingStream against the loopback server: delivery, seq, chunks, ping, callbacks."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest

from juniper_cascor_client_core import JuniperCascorClientError, JuniperCascorConnectionError
from juniper_cascor_client_streams import CascorTrainingStream
from juniper_cascor_protocol.envelope import MetricsEnvelope, TopologyEnvelope


async def next_of(stream: CascorTrainingStream, kind: str) -> Any:
    """The next message of type ``kind`` (skipping the others), within 5 s."""
    async with asyncio.timeout(5.0):
        async for message in stream:
            if (message["type"] if isinstance(message, dict) else message.type) == kind:
                return message
    raise AssertionError(f"stream ended before a {kind!r} message")


async def drain(stream: CascorTrainingStream) -> list[Any]:
    return [message async for message in stream]


async def test_messages_arrive_in_order_starting_with_the_handshake(server) -> None:
    async with CascorTrainingStream(server.url) as stream:
        await server.wait_for(lambda: len(server.training) == 1)
        for epoch in range(5):
            server.broadcast("metrics", {"epoch": epoch, "train_loss": 1.0 / (epoch + 1)})
        received = []
        async with asyncio.timeout(5):
            async for message in stream:
                received.append(message)
                if message["type"] == "metrics" and message["data"]["epoch"] == 4:
                    break
    types = [message["type"] for message in received]
    assert types == ["connection_established", "initial_status"] + ["metrics"] * 5
    assert [m["seq"] for m in received[2:]] == [1, 2, 3, 4, 5]
    assert stream.last_seq == 5
    assert stream.server_instance_id == "instance-1"
    assert stream.gaps == 0


async def test_http_url_is_converted_and_key_and_origin_are_sent(server, monkeypatch) -> None:
    monkeypatch.setenv("JUNIPER_CASCOR_WS_ORIGIN", "http://dashboard.example")
    http_url = server.url.replace("ws://", "http://") + "/v1/"
    async with CascorTrainingStream(http_url, api_key="sekrit") as stream:
        assert stream.url == server.url + "/ws/training"
        assert "sekrit" not in repr(stream)
    assert server.keys == ["sekrit"]
    assert server.origins == ["http://dashboard.example"]


async def test_typed_mode_yields_envelope_models(server) -> None:
    async with CascorTrainingStream(server.url, typed=True) as stream:
        await server.wait_for(lambda: len(server.training) == 1)
        server.broadcast("metrics", {"epoch": 1, "train_loss": 0.5})
        message = await next_of(stream, "metrics")
    assert isinstance(message, MetricsEnvelope)
    assert message.data["train_loss"] == 0.5


async def test_typed_mode_callbacks_receive_the_data_as_a_dict(server) -> None:
    greetings: list[object] = []
    metrics: list[object] = []
    async with CascorTrainingStream(server.url, typed=True, on_metrics=metrics.append) as stream:
        stream.on("connection_established", greetings.append)  # its data is a model
        await server.wait_for(lambda: len(server.training) == 1)
        server.broadcast("metrics", {"epoch": 1, "loss": 0.5})
        await next_of(stream, "metrics")
    assert greetings == [
        {
            "connections": 1,
            "server_instance_id": "instance-1",
            "server_start_time": 0.0,
            "replay_buffer_capacity": 1024,
        }
    ]
    assert metrics == [{"epoch": 1, "loss": 0.5}]


async def test_ping_is_answered_and_never_delivered(server) -> None:
    async with CascorTrainingStream(server.url) as stream:
        await server.wait_for(lambda: len(server.training) == 1)
        server.ping_all()
        server.broadcast("event", {"event": "after-ping"})
        seen = []
        async with asyncio.timeout(5):
            async for message in stream:
                seen.append(message["type"])
                if message["type"] == "event":
                    break
        await server.wait_for(lambda: {"type": "pong"} in server.training[0].received)
        assert stream.pongs_sent == 1
    assert "ping" not in seen


async def test_gaps_are_counted_and_duplicates_dropped(server) -> None:
    async with CascorTrainingStream(server.url) as stream:
        await server.wait_for(lambda: len(server.training) == 1)
        for seq in (1, 2, 5, 5, 3, 6):
            server.push_training({"type": "event", "timestamp": 1.0, "seq": seq, "data": {}})
        server.push_training({"type": "event", "timestamp": 1.0, "seq": 7, "data": {"end": 1}})
        seqs = []
        async with asyncio.timeout(5):
            async for message in stream:
                if message["type"] == "event":
                    seqs.append(message["seq"])
                    if message["data"].get("end"):
                        break
    assert seqs == [1, 2, 5, 6, 7]
    assert stream.gaps == 2
    assert stream.duplicates == 2


async def test_a_one_megabyte_topology_is_reassembled_from_chunks(server) -> None:
    topology = {"units": [{"id": i, "weights": [0.125] * 20} for i in range(8000)]}
    assert len(json.dumps(topology)) > 1_000_000
    async with CascorTrainingStream(server.url, typed=True) as stream:
        await server.wait_for(lambda: len(server.training) == 1)
        server.broadcast("topology", topology)
        server.broadcast("event", {"event": "after"})
        message = await next_of(stream, "topology")
        after = await next_of(stream, "event")
    assert isinstance(message, TopologyEnvelope)
    assert message.data == topology
    chunk_count = server.seq - 1
    assert chunk_count > 30
    assert after.seq == server.seq
    assert stream.last_seq == server.seq
    assert stream.pending_chunk_sets == 0


async def test_callbacks_run_and_a_raising_one_does_not_stop_the_stream(server, caplog) -> None:
    calls: list[str] = []

    def broken_sync(data: dict[str, Any]) -> None:
        calls.append("sync")
        raise ValueError("sync boom")

    async def broken_async(data: dict[str, Any]) -> None:
        calls.append("async")
        raise RuntimeError("async boom")

    async def record_event(data: dict[str, Any]) -> None:  # callbacks get the data, as 0.8
        calls.append(data["event"])
        if data["event"] == "done":
            await stream.disconnect()

    stream = CascorTrainingStream(server.url, on_metrics=broken_sync, on_event=record_event)
    stream.on_metrics(broken_async)
    stream.on_state(lambda data: calls.append(data["status"]))
    await stream.connect()
    await server.wait_for(lambda: len(server.training) == 1)
    server.broadcast("metrics", {"epoch": 1})
    server.broadcast("state", {"status": "Started"})
    server.broadcast("metrics", {"epoch": 2})
    server.broadcast("event", {"event": "done"})
    with caplog.at_level(logging.ERROR, logger="juniper_cascor_client_streams"):
        async with asyncio.timeout(5):
            await stream.listen()
    assert calls == ["sync", "async", "Started", "sync", "async", "done"]
    assert sum("raised" in record.message for record in caplog.records) == 4


async def test_iterating_a_stream_that_never_connected_raises() -> None:
    stream = CascorTrainingStream("ws://127.0.0.1:9")
    with pytest.raises(JuniperCascorConnectionError, match="not connected"):
        await anext(aiter(stream))


async def test_send_command_goes_over_the_training_socket(server) -> None:
    async with CascorTrainingStream(server.url) as stream:
        await server.wait_for(lambda: len(server.training) == 1)
        peer = server.training[0]
        await stream.send_command("pause")
        await server.wait_for(lambda: any(f.get("type") == "command" for f in peer.received))
    command = next(frame for frame in peer.received if frame.get("type") == "command")
    assert command["command"] == "pause"
    assert isinstance(command["command_id"], str)


class FailingStream(CascorTrainingStream):
    """A stream whose frame handling has a bug on ``event`` frames."""

    def _handle(self, decoded: Any) -> Any:
        if decoded.label == "event":
            raise KeyError("a bug")
        return super()._handle(decoded)


async def test_a_failing_reader_ends_the_stream_with_an_error(server, caplog) -> None:
    async with FailingStream(server.url) as stream:
        await server.wait_for(lambda: len(server.training) == 1)
        server.broadcast("event", {"event": "boom"})
        with pytest.raises(JuniperCascorClientError, match="reader failed"):
            await asyncio.wait_for(drain(stream), 5)
        assert not stream.is_connected
    assert any("reader failed" in record.message for record in caplog.records)


async def test_every_constructor_callback_gets_its_own_type(server) -> None:
    seen: dict[str, list[str]] = {}

    def recorder(name: str) -> Any:
        return lambda data: seen.setdefault(name, []).append(data["kind"])

    async def stop_on_event(data: dict[str, Any]) -> None:
        seen.setdefault("event", []).append(data["kind"])
        await stream.disconnect()

    kinds = ("metrics", "state", "topology", "cascade_add", "candidate_progress")
    stream = CascorTrainingStream(
        server.url,
        **{f"on_{kind}": recorder(kind) for kind in kinds},
        on_event=stop_on_event,
    )
    await stream.connect()
    await server.wait_for(lambda: len(server.training) == 1)
    for kind in (*kinds, "event"):
        server.broadcast(kind, {"kind": kind})
    async with asyncio.timeout(5):
        await stream.listen()
    assert seen == {kind: [kind] for kind in (*kinds, "event")}
