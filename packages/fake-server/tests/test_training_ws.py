"""``/ws/training`` over real loopback WebSockets."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection

from juniper_cascor_fake_server import FakeCascorServer
from juniper_cascor_protocol.envelope import (
    ConnectionEstablishedEnvelope,
    InitialMetricsEnvelope,
    InitialStatusEnvelope,
    StateEnvelope,
    validate_envelope,
)

from .conftest import close_code, http, recv_json, recv_type, ws_connect
from .handshakes import refused_403

XOR = {"train_x": [[0, 0], [0, 1], [1, 0], [1, 1]], "train_y": [[0], [1], [1], [0]]}
START = {"epochs": 2, "dataset": {"source": "inline"}, "inline_data": XOR}
PONG = json.dumps({"type": "pong"})


def _url(server: FakeCascorServer) -> str:
    return server.ws_url + "/ws/training"


def _resume(last_seq: Any, instance: Any) -> str:
    data = {"last_seq": last_seq, "server_instance_id": instance}
    return json.dumps({"type": "resume", "data": data})


@asynccontextmanager
async def _live(server: FakeCascorServer) -> AsyncIterator[ClientConnection]:
    """A client past its fresh-connection frames (its first frame, a pong, says it is fresh)."""
    async with ws_connect(_url(server)) as ws:
        await ws.send(PONG)
        await recv_type(ws, "initial_metrics")
        yield ws


async def _wait_until(predicate: Callable[[], bool], within: float = 5.0) -> None:
    async with asyncio.timeout(within):
        while not predicate():  # noqa: ASYNC110 - polls the server's state
            await asyncio.sleep(0.005)


async def _broadcast(server: FakeCascorServer, data: dict[str, Any]) -> None:
    await asyncio.to_thread(server.faults.broadcast, "event", data)


async def test_fresh_connection_frames(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(_url(cascor_server)) as ws:
        texts = [await asyncio.wait_for(ws.recv(), 5) for _ in range(4)]
    established, status, state, metrics = (json.loads(text) for text in texts)
    assert list(established) == ["type", "timestamp", "data"]
    assert established["data"] == {
        "connections": 1,
        "server_instance_id": cascor_server.context.sequence.instance_id,
        "server_start_time": cascor_server.context.sequence.start_time,
        "replay_buffer_capacity": 1024,
    }
    assert list(status) == ["type", "data"]  # no timestamp
    rest = (await http("GET", cascor_server.http_url + "/v1/training/status")).json()["data"]
    assert set(rest) - set(status["data"]) == {"server_instance_id", "snapshot_seq"}
    assert list(state) == ["type", "timestamp", "data"]  # a per-client frame: no seq
    assert set(state["data"]) == set(cascor_server.state.state_frame())
    assert list(metrics) == ["type", "timestamp", "data"]
    assert metrics["data"] == {"metrics": [], "count": 0, "current_seq": 0}
    models = [ConnectionEstablishedEnvelope, InitialStatusEnvelope, StateEnvelope]
    assert [type(validate_envelope(text)) for text in texts] == [*models, InitialMetricsEnvelope]


@pytest.mark.cascor_server(scenario="idle")
async def test_training_broadcasts_carry_seq_and_stamps(cascor_server: FakeCascorServer) -> None:
    async with _live(cascor_server) as ws:
        await http("POST", cascor_server.http_url + "/v1/training/start", json=START)
        frames = [await recv_json(ws)]
        while frames[-1]["type"] != "event":
            frames.append(await recv_json(ws, within=30))
    seqs = [f["seq"] for f in frames]
    assert seqs == list(range(1, len(seqs) + 1))
    assert {f["type"] for f in frames} >= {"state", "metrics"}
    assert all(list(f)[:3] == ["type", "timestamp", "data"] for f in frames)
    assert all(isinstance(f["emitted_at_monotonic"], float) for f in frames)
    assert frames[-1]["data"]["event"] == "training_complete"


async def test_large_broadcasts_are_chunked(cascor_server: FakeCascorServer) -> None:
    async with _live(cascor_server) as ws:
        await asyncio.to_thread(cascor_server.faults.broadcast, "topology", {"blob": "y" * 70_000})
        chunks = [await recv_json(ws) for _ in range(3)]
    assert [c["type"] for c in chunks] == ["chunked_message"] * 3
    assert [c["seq"] for c in chunks] == [1, 2, 3]
    payload = "".join(c["data"]["payload"] for c in chunks)
    assert json.loads(payload)["data"] == {"blob": "y" * 70_000}


async def test_nothing_is_numbered_while_no_client_listens(cascor_server: FakeCascorServer) -> None:
    sequence = cascor_server.context.sequence
    await _broadcast(cascor_server, {"n": 0})
    assert (sequence.current_seq, sequence.buffered) == (0, 0)
    async with _live(cascor_server) as ws:
        await _broadcast(cascor_server, {"n": 1})
        assert (await recv_json(ws))["seq"] == 1
    await _wait_until(lambda: not cascor_server.context.connections.of("training"))
    await _broadcast(cascor_server, {"n": 2})
    assert (sequence.current_seq, sequence.buffered) == (1, 1)


async def test_a_lone_client_that_resumes_gets_nothing_replayed(
    cascor_server: FakeCascorServer,
) -> None:
    instance = cascor_server.context.sequence.instance_id
    async with _live(cascor_server) as ws:
        await _broadcast(cascor_server, {"n": 1})
        assert (await recv_json(ws))["seq"] == 1
        assert await asyncio.to_thread(cascor_server.faults.drop_connections, "training") == 1
    for n in (2, 3):  # nobody listens: dropped, unnumbered
        await _broadcast(cascor_server, {"n": n})
    async with ws_connect(_url(cascor_server)) as ws:
        await recv_json(ws)
        await ws.send(_resume(1, instance))
        ok = await recv_json(ws)
        await _broadcast(cascor_server, {"n": 4})
        live = await recv_json(ws)
    assert ok == {**ok, "type": "resume_ok", "data": {"replayed_count": 0}}
    assert (live["seq"], live["data"]) == (2, {"n": 4})


async def test_resume_replays_what_another_subscriber_kept_numbered(
    cascor_server: FakeCascorServer,
) -> None:
    instance = cascor_server.context.sequence.instance_id
    async with _live(cascor_server) as listener:
        async with _live(cascor_server) as leaving:
            await _broadcast(cascor_server, {"n": 1})
            assert (await recv_json(leaving))["seq"] == 1
        for n in (2, 3):
            await _broadcast(cascor_server, {"n": n})
        assert [(await recv_json(listener))["seq"] for _ in range(3)] == [1, 2, 3]
        async with ws_connect(_url(cascor_server)) as back:
            await recv_json(back)
            await back.send(_resume(1, instance))
            ok = await recv_json(back)
            replayed = [await recv_json(back) for _ in range(2)]
            await _broadcast(cascor_server, {"n": 4})
            live = await recv_json(back)
    assert ok["data"] == {"replayed_count": 2}
    assert [(f["seq"], f["data"]) for f in replayed] == [(2, {"n": 2}), (3, {"n": 3})]
    assert live["seq"] == 4


@pytest.mark.cascor_server(resume_buffer_always=True)
async def test_resume_buffer_always_numbers_frames_nobody_hears(
    cascor_server: FakeCascorServer,
) -> None:
    instance = cascor_server.context.sequence.instance_id
    for n in range(1, 6):
        await _broadcast(cascor_server, {"n": n})
    async with ws_connect(_url(cascor_server)) as ws:
        await recv_json(ws)
        await ws.send(_resume(2, instance))
        ok = await recv_json(ws)
        replayed = [await recv_json(ws) for _ in range(3)]
    assert ok["data"] == {"replayed_count": 3}
    assert [f["seq"] for f in replayed] == [3, 4, 5]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"last_seq": 0}, "malformed_resume"),
        ({"server_instance_id": "mine"}, "malformed_resume"),
        ({"last_seq": 0, "server_instance_id": "old"}, "server_restarted"),
        ({"last_seq": 99, "server_instance_id": "mine"}, "out_of_range"),
    ],
)
async def test_resume_failed_then_fresh_frames(
    cascor_server: FakeCascorServer, data: dict[str, object], reason: str
) -> None:
    if data.get("server_instance_id") == "mine":
        data["server_instance_id"] = cascor_server.context.sequence.instance_id
    async with ws_connect(_url(cascor_server)) as ws:
        await recv_json(ws)
        await ws.send(json.dumps({"type": "resume", "data": data}))
        failed = await recv_json(ws)
        fresh = [(await recv_json(ws))["type"] for _ in range(3)]
    assert list(failed) == ["type", "timestamp", "data"]
    assert failed == {**failed, "type": "resume_failed", "data": {"reason": reason}}
    assert fresh == ["initial_status", "state", "initial_metrics"]


@pytest.mark.parametrize(
    "first",
    [
        json.dumps({"type": "resume", "data": None}),
        json.dumps({"type": "resume", "data": {"last_seq": "3", "server_instance_id": "mine"}}),
        json.dumps({"type": "subscribe_metrics", "data": {"max_count": 2}}),
        "not json",
        b"\x00\x01",
    ],
)
async def test_a_first_frame_not_understood_makes_a_fresh_connection(
    cascor_server: FakeCascorServer, first: str | bytes
) -> None:
    if isinstance(first, str):
        first = first.replace("mine", cascor_server.context.sequence.instance_id)
    async with ws_connect(_url(cascor_server)) as ws:
        await recv_json(ws)
        await ws.send(first)
        frames = [(await recv_json(ws))["type"] for _ in range(3)]
        await ws.send(PONG)
        with pytest.raises(TimeoutError):  # the first frame was not answered by anything else
            await recv_json(ws, within=0.3)
    assert frames == ["initial_status", "state", "initial_metrics"]


async def test_broadcasts_during_the_resume_window_do_not_reach_the_client(
    cascor_server: FakeCascorServer,
) -> None:
    async with ws_connect(_url(cascor_server)) as ws:
        await recv_json(ws)
        await _broadcast(cascor_server, {"early": True})  # the client is still pending
        await ws.send(PONG)
        frames = [await recv_json(ws) for _ in range(3)]
    assert [f["type"] for f in frames] == ["initial_status", "state", "initial_metrics"]
    assert frames[-1]["data"]["current_seq"] == 0
    assert cascor_server.context.sequence.current_seq == 0


@pytest.mark.cascor_server(scenario="xor_converged", initial_metrics_count=5)
async def test_subscribe_metrics(cascor_server: FakeCascorServer) -> None:
    history = cascor_server.state.metrics_history(None)
    assert len(history) > 5
    async with _live(cascor_server) as ws:
        answers = []
        for max_count in (2, 50, 0, "3", None):
            await ws.send(
                json.dumps({"type": "subscribe_metrics", "data": {"max_count": max_count}})
            )
            answers.append((await recv_type(ws, "initial_metrics"))["data"])
        await ws.send(json.dumps({"type": "subscribe_metrics"}))
        answers.append((await recv_type(ws, "initial_metrics"))["data"])
    assert [a["count"] for a in answers] == [2, 5, 1, 3, 5, 5]
    assert answers[0]["metrics"] == history[-2:]
    assert answers[0]["current_seq"] == cascor_server.context.sequence.current_seq


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "subscribe_metrics", "data": [1]},
        {"type": "subscribe_metrics", "data": {"max_count": float("inf")}},
    ],
)
async def test_a_frame_the_real_handler_fails_on_drops_the_connection(
    cascor_server: FakeCascorServer, frame: dict[str, Any]
) -> None:
    async with _live(cascor_server) as ws:
        await ws.send(json.dumps(frame))
        assert await close_code(ws) is None  # no close frame


async def test_a_binary_frame_drops_a_live_connection(cascor_server: FakeCascorServer) -> None:
    async with _live(cascor_server) as ws:
        await ws.send(b"\x00")
        assert await close_code(ws) is None


@pytest.mark.cascor_server(ping_interval=0.1, pong_timeout=0.5)
async def test_application_ping_and_the_heartbeat_deadline(
    cascor_server: FakeCascorServer,
) -> None:
    async with _live(cascor_server) as ws:
        ping = await recv_type(ws, "ping")
        assert set(ping) == {"type", "ts"}
        await ws.send(json.dumps({"type": "anything"}))  # any frame answers a ping
        await recv_type(ws, "ping")
        await ws.send(PONG)
        await recv_type(ws, "ping")
        assert await close_code(ws) == 1011
        assert ws.close_reason == "Heartbeat timeout: no pong or traffic within 0s"


@pytest.mark.cascor_server(max_connections_per_ip=1)
async def test_the_per_address_limit_refuses_with_403(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(_url(cascor_server)) as first:
        await recv_json(first)
        assert await refused_403(_url(cascor_server))
        async with ws_connect(cascor_server.ws_url + "/ws/control") as control:
            assert (await recv_json(control))["data"] == {"channel": "control"}


@pytest.mark.cascor_server(max_connections=2)
async def test_the_training_limit_counts_pending_connections(
    cascor_server: FakeCascorServer,
) -> None:
    async with ws_connect(_url(cascor_server)) as first, ws_connect(_url(cascor_server)) as second:
        established = [(await recv_json(ws))["data"]["connections"] for ws in (first, second)]
        assert established == [1, 2]
        assert await refused_403(_url(cascor_server))


@pytest.mark.cascor_server(max_connections_global=2)
async def test_the_global_limit_spans_the_endpoints(cascor_server: FakeCascorServer) -> None:
    async with (
        ws_connect(cascor_server.ws_url + "/ws/control") as control,
        ws_connect(_url(cascor_server)) as training,
    ):
        await recv_json(control)
        await recv_json(training)
        assert await refused_403(_url(cascor_server))
        assert await refused_403(cascor_server.ws_url + "/ws/control")
        assert await refused_403(cascor_server.ws_url + "/ws/v1/workers")


@pytest.mark.cascor_server(api_keys=["k"], allowed_origins=["http://ok.example"])
async def test_a_bad_key_is_refused_with_403_and_the_origin_is_not_checked(
    cascor_server: FakeCascorServer,
) -> None:
    url = _url(cascor_server)
    assert await refused_403(url)
    assert await refused_403(url, additional_headers={"X-API-Key": "wrong"})
    key = {"X-API-Key": "k"}
    async with ws_connect(url, origin="http://evil.example", additional_headers=key) as ws:
        assert (await recv_json(ws))["type"] == "connection_established"
