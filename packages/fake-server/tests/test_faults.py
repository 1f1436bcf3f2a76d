"""Fault injection and request recording, observed from real loopback clients."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
import requests

from juniper_cascor_fake_server import FakeCascorServer

from .conftest import close_code, http, recv_json, recv_type, ws_connect
from .handshakes import refused_403


async def test_drop_connections_sends_no_close_frame(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(cascor_server.ws_url + "/ws/training") as ws:
        await recv_type(ws, "initial_metrics")
        assert await asyncio.to_thread(cascor_server.faults.drop_connections, "training") == 1
        await asyncio.to_thread(cascor_server.faults.broadcast, "event", {"n": 1})
        assert await close_code(ws) is None
    assert cascor_server.context.sequence.current_seq == 0, "a dropped client is no subscriber"


async def test_go_silent_holds_answers(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(cascor_server.ws_url + "/ws/control") as ws:
        await recv_json(ws)
        started = time.monotonic()
        cascor_server.faults.go_silent(0.6, "control")
        await ws.send(json.dumps({"type": "command", "command": "stop", "command_id": "x"}))
        assert (await recv_json(ws, within=5))["data"]["command_id"] == "x"
        assert time.monotonic() - started >= 0.6  # the answer waited out the silence


def test_delayed_and_failed_requests(cascor_server: FakeCascorServer) -> None:
    api = cascor_server.http_url + "/v1"
    cascor_server.faults.delay_responses(1.0, "/v1/network")
    with pytest.raises(requests.ReadTimeout):
        requests.get(api + "/network", timeout=0.3)
    assert requests.get(api + "/health", timeout=5).ok
    cascor_server.faults.clear()
    cascor_server.faults.fail_requests("/v1/network", 503, times=2, retry_after=1, method="GET")
    first, second, third = (requests.get(api + "/network", timeout=5) for _ in range(3))
    assert [first.status_code, second.status_code, third.status_code] == [503, 503, 404]
    assert first.headers["Retry-After"] == "1"
    assert first.json()["status"] == "error"


def test_close_after_read(cascor_server: FakeCascorServer) -> None:
    api = cascor_server.http_url + "/v1"
    cascor_server.faults.close_after_read("/v1/network", method="POST")
    with pytest.raises(requests.ConnectionError):
        requests.post(api + "/network", json={"input_size": 2}, timeout=5)
    assert cascor_server.state.network is None
    recorded = cascor_server.requests[-1]
    assert (recorded.method, recorded.path, recorded.body) == (
        "POST",
        "/v1/network",
        {"input_size": 2},
    )
    assert requests.post(api + "/network", json={}, timeout=5).status_code == 200


def test_requests_are_recorded(cascor_server: FakeCascorServer) -> None:
    cascor_server.clear_requests()
    requests.get(
        cascor_server.http_url + "/v1/metrics/history?count=2",
        headers={"X-API-Key": "abc"},
        timeout=5,
    )
    (recorded,) = cascor_server.requests
    assert recorded.method == "GET"
    assert recorded.path == "/v1/metrics/history"
    assert recorded.query == {"count": "2"}
    assert recorded.header("x-api-key") == "abc"


async def test_raw_frames_reach_clients(cascor_server: FakeCascorServer) -> None:
    faults = cascor_server.faults
    async with ws_connect(cascor_server.ws_url + "/ws/training") as ws:
        await recv_type(ws, "initial_metrics")
        await asyncio.to_thread(faults.send_malformed_json, "training")
        assert (await asyncio.wait_for(ws.recv(), 5)).startswith('{"type": "metrics"')
        await asyncio.to_thread(faults.send_unknown_type, "training")
        assert (await recv_json(ws))["type"] == "mystery_frame"
        await asyncio.to_thread(faults.send_raw, "training", b"\x00\xff")
        assert await asyncio.wait_for(ws.recv(), 5) == b"\x00\xff"
        await asyncio.to_thread(faults.send_oversized, "training", 100_000)
        assert len(await asyncio.wait_for(ws.recv(), 5)) > 100_000


async def test_restart(cascor_server: FakeCascorServer) -> None:
    url = cascor_server.ws_url + "/ws/training"
    async with ws_connect(url) as ws:
        old = (await recv_json(ws))["data"]["server_instance_id"]
        await recv_type(ws, "initial_metrics")
        await asyncio.to_thread(cascor_server.faults.broadcast, "event", {"n": 1})
        assert (await recv_json(ws))["seq"] == 1
        new = await asyncio.to_thread(cascor_server.faults.restart)
        assert await close_code(ws) == 1012
    assert new != old
    async with ws_connect(url) as ws:
        assert (await recv_json(ws))["data"]["server_instance_id"] == new
        await recv_type(ws, "initial_metrics")
        await asyncio.to_thread(cascor_server.faults.broadcast, "event", {"n": 2})
        assert (await recv_json(ws))["seq"] == 1


async def test_refuse_auth_and_handshakes(cascor_server: FakeCascorServer) -> None:
    faults = cascor_server.faults
    faults.refuse_auth()
    assert (await http("GET", cascor_server.http_url + "/v1/network")).status_code == 401
    for path in ("/ws/control", "/ws/training", "/ws/v1/workers"):
        assert await refused_403(cascor_server.ws_url + path)
    faults.refuse_auth(False)
    faults.refuse_handshakes("control", 4029, times=1, reason="slow down")
    async with ws_connect(cascor_server.ws_url + "/ws/control") as ws:
        assert await close_code(ws) == 4029
    faults.refuse_handshakes("control", 4029, times=1, reason="é" * 100)
    async with ws_connect(cascor_server.ws_url + "/ws/control") as ws:
        assert await close_code(ws) == 4029  # the reason is cut to fit the close frame
        assert ws.close_reason == "é" * 61
    async with ws_connect(cascor_server.ws_url + "/ws/control") as ws:
        assert (await recv_json(ws))["data"] == {"channel": "control"}
