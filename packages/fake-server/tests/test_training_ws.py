"""``/ws/training`` over real loopback WebSockets."""

from __future__ import annotations

import asyncio
import json

import pytest

from juniper_cascor_fake_server import FakeCascorServer

from .conftest import XOR_START, close_code, http, recv_json, recv_type, ws_connect


async def _fresh(server: FakeCascorServer) -> list[dict[str, object]]:
    async with ws_connect(server.ws_url + "/ws/training") as ws:
        return [await recv_json(ws) for _ in range(4)]


async def test_fresh_connection_frames(cascor_server: FakeCascorServer) -> None:
    established, status, state, metrics = await _fresh(cascor_server)
    assert established["type"] == "connection_established"
    assert established["data"] == {
        "connections": 1,
        "server_instance_id": cascor_server.context.sequence.instance_id,
        "server_start_time": cascor_server.context.sequence.start_time,
        "replay_buffer_capacity": 1024,
    }
    assert status["type"] == "initial_status"
    assert "timestamp" not in status
    assert status["data"]["training_active"] is False  # type: ignore[index]
    assert state["type"] == "state"
    assert metrics["type"] == "initial_metrics"
    assert metrics["data"] == {"metrics": [], "count": 0, "current_seq": 0}


@pytest.mark.cascor_server(scenario="idle")
async def test_training_broadcasts_carry_seq(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(cascor_server.ws_url + "/ws/training") as ws:
        await recv_type(ws, "initial_metrics")
        await http("POST", cascor_server.http_url + "/v1/training/start", json=XOR_START)
        frames = []
        while not frames or frames[-1]["type"] != "event":
            frames.append(await recv_json(ws))
    seqs = [f["seq"] for f in frames]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    kinds = {f["type"] for f in frames}
    assert kinds >= {"state", "metrics", "candidate_progress", "cascade_add", "topology", "event"}
    assert all(isinstance(f["emitted_at_monotonic"], float) for f in frames)
    assert frames[-1]["data"]["event"] == "training_complete"
    states = [f["data"]["phase"] for f in frames if f["type"] == "state"]
    assert "Candidate" in states
    assert "Output" in states


async def test_large_broadcasts_are_chunked(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(cascor_server.ws_url + "/ws/training") as ws:
        await recv_type(ws, "initial_metrics")
        cascor_server.faults.broadcast("topology", {"blob": "y" * 70_000})
        chunks = [await recv_json(ws) for _ in range(3)]
    assert [c["type"] for c in chunks] == ["chunked_message"] * 3
    payload = "".join(c["data"]["payload"] for c in chunks)
    assert json.loads(payload)["data"] == {"blob": "y" * 70_000}


async def test_resume_replays_missed_frames(cascor_server: FakeCascorServer) -> None:
    instance = cascor_server.context.sequence.instance_id
    for i in range(5):
        cascor_server.faults.broadcast("event", {"i": i})
    async with ws_connect(cascor_server.ws_url + "/ws/training") as ws:
        await recv_json(ws)
        await ws.send(
            json.dumps({"type": "resume", "data": {"last_seq": 2, "server_instance_id": instance}})
        )
        ok = await recv_json(ws)
        replayed = [await recv_json(ws) for _ in range(3)]
        cascor_server.faults.broadcast("event", {"i": 5})
        live = await recv_json(ws)
    assert ok["type"] == "resume_ok"
    assert ok["data"] == {"replayed_count": 3}
    assert [f["seq"] for f in replayed] == [3, 4, 5]
    assert live["seq"] == 6


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"last_seq": "x"}, "malformed_resume"),
        ({"last_seq": 0, "server_instance_id": "old"}, "server_restarted"),
        ({"last_seq": 99, "server_instance_id": None}, "out_of_range"),
    ],
)
async def test_resume_failed(
    cascor_server: FakeCascorServer, data: dict[str, object], reason: str
) -> None:
    if data.get("server_instance_id", "") is None:
        data["server_instance_id"] = cascor_server.context.sequence.instance_id
    async with ws_connect(cascor_server.ws_url + "/ws/training") as ws:
        await recv_json(ws)
        await ws.send(json.dumps({"type": "resume", "data": data}))
        failed = await recv_json(ws)
        assert failed == {**failed, "type": "resume_failed", "data": {"reason": reason}}
        assert (await recv_json(ws))["type"] == "initial_status"


@pytest.mark.cascor_server(scenario="xor_converged")
async def test_subscribe_metrics(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(cascor_server.ws_url + "/ws/training") as ws:
        await ws.send(json.dumps({"type": "subscribe_metrics", "data": {"max_count": 2}}))
        first = await recv_type(ws, "initial_metrics")
        second = await recv_type(ws, "initial_metrics")
    history = cascor_server.state.metrics_history(None)
    assert first["data"]["metrics"] == history[-100:]
    assert second["data"]["count"] == 2
    assert second["data"]["metrics"] == history[-2:]


@pytest.mark.cascor_server(ping_interval=0.1, pong_timeout=1.0)
async def test_application_ping_and_pong_deadline(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(cascor_server.ws_url + "/ws/training") as ws:
        ping = await recv_type(ws, "ping")
        assert set(ping) == {"type", "ts"}
        await ws.send(json.dumps({"type": "pong"}))
        await recv_type(ws, "ping")
        assert await close_code(ws) == 1011


@pytest.mark.cascor_server(max_connections_per_ip=1)
async def test_connection_limit(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(cascor_server.ws_url + "/ws/training") as first:
        await recv_json(first)
        async with ws_connect(cascor_server.ws_url + "/ws/training") as second:
            assert await close_code(second) == 1013


@pytest.mark.cascor_server(allowed_origins=["http://ok.example"], api_keys=["k"])
async def test_origin_and_key_refusals(cascor_server: FakeCascorServer) -> None:
    url = cascor_server.ws_url + "/ws/training"
    async with ws_connect(
        url, origin="http://evil.example", additional_headers={"X-API-Key": "k"}
    ) as ws:
        assert await close_code(ws) == 4003
    async with ws_connect(url, additional_headers={"X-API-Key": "wrong"}) as ws:
        assert await close_code(ws) == 4001
    async with ws_connect(
        url, origin="http://ok.example", additional_headers={"X-API-Key": "k"}
    ) as ws:
        assert (await recv_json(ws))["type"] == "connection_established"
    await asyncio.sleep(0)


async def test_broadcasts_during_the_resume_window_are_not_lost(
    cascor_server: FakeCascorServer,
) -> None:
    async with ws_connect(cascor_server.ws_url + "/ws/training") as ws:
        await recv_json(ws)
        await asyncio.to_thread(cascor_server.faults.broadcast, "event", {"early": True})
        early = await recv_json(ws)
        status = await recv_json(ws)
        metrics = await recv_type(ws, "initial_metrics")
    assert early["data"] == {"early": True}
    assert status["type"] == "initial_status"
    assert metrics["data"]["current_seq"] == early["seq"]
