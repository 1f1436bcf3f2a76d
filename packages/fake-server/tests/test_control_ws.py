"""``/ws/control`` over real loopback WebSockets."""

from __future__ import annotations

import json
from typing import Any

import pytest

from juniper_cascor_fake_server import FakeCascorServer

from .conftest import XOR_START, close_code, recv_json, ws_connect


def _command(name: str, command_id: str, params: Any = None) -> str:
    frame: dict[str, Any] = {"type": "command", "command": name, "command_id": command_id}
    if params is not None:
        frame["params"] = params
    return json.dumps(frame)


async def test_handshake_and_commands(cascor_server: FakeCascorServer) -> None:
    cascor_server.context.operations.create_network({})
    async with ws_connect(cascor_server.ws_url + "/ws/control") as ws:
        assert await recv_json(ws) == {
            "type": "connection_established",
            "data": {"channel": "control"},
        }
        await ws.send(_command("start", "c1", XOR_START))
        started = await recv_json(ws)
        assert started["type"] == "command_response"
        assert started["data"]["command_id"] == "c1"
        assert started["data"]["status"] == "success"
        assert started["data"]["result"]["training_active"] is True
        assert cascor_server.wait_until_idle(20)
        await ws.send(_command("pause", "c2"))
        paused = (await recv_json(ws))["data"]
        assert paused["status"] == "error"
        assert paused["code"] == "conflict"
        await ws.send(_command("set_params", "c3", {"learning_rate": 0.3}))
        assert (await recv_json(ws))["data"]["result"]["learning_rate"] == 0.3
        await ws.send(_command("set_params", "c4", {}))
        assert (await recv_json(ws))["data"]["status"] == "error"
        await ws.send(_command("fly", "c5"))
        unknown = (await recv_json(ws))["data"]
        assert unknown == {
            "command": "fly",
            "status": "error",
            "command_id": "c5",
            "error": "Unknown command: fly",
            "code": "unknown_command",
        }


async def test_rate_limit(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(cascor_server.ws_url + "/ws/control") as ws:
        await recv_json(ws)
        for i in range(11):
            await ws.send(_command("stop", f"s{i}"))
        answers = [(await recv_json(ws))["data"] for _ in range(11)]
    limited = [a for a in answers if a["status"] == "rate_limited"]
    assert len(limited) == 1
    assert limited[0]["command_id"] == "s10"
    assert 0 < limited[0]["result"]["retry_after"] <= 1


async def test_invalid_json_closes_1003(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(cascor_server.ws_url + "/ws/control") as ws:
        await recv_json(ws)
        await ws.send("{nope")
        answer = (await recv_json(ws))["data"]
        assert answer["command"] == "unknown"
        assert answer["status"] == "error"
        assert await close_code(ws) == 1003


async def test_json_nested_too_deep_is_invalid_json_and_closes_1003(
    cascor_server: FakeCascorServer,
) -> None:
    async with ws_connect(cascor_server.ws_url + "/ws/control") as ws:
        await recv_json(ws)
        await ws.send("[" * 60_000)
        answer = (await recv_json(ws))["data"]
        assert (answer["command"], answer["error"]) == ("unknown", "Invalid JSON")
        assert await close_code(ws) == 1003


async def test_oversized_text_is_refused(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(cascor_server.ws_url + "/ws/control") as ws:
        await recv_json(ws)
        await ws.send("x" * 65_537)
        assert (await recv_json(ws))["data"]["error"] == "Message too large"
        await ws.send(_command("stop", "after"))
        assert (await recv_json(ws))["data"]["command_id"] == "after"


@pytest.mark.cascor_server(idle_timeout=0.3)
async def test_idle_timeout(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(cascor_server.ws_url + "/ws/control") as ws:
        await recv_json(ws)
        assert await close_code(ws) == 1000
        assert ws.close_reason == "Idle timeout"


@pytest.mark.cascor_server(command_delay=0.25, queued_interval=0.1)
async def test_queued_then_final_answer(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(cascor_server.ws_url + "/ws/control") as ws:
        await recv_json(ws)
        await ws.send(_command("stop", "slow"))
        answers = []
        while not answers or answers[-1]["status"] == "queued":
            answers.append((await recv_json(ws))["data"])
    assert answers[0]["status"] == "queued"
    assert len(answers) >= 3
    assert {a["command_id"] for a in answers} == {"slow"}
    assert answers[-1]["status"] == "error"


@pytest.mark.cascor_server(api_keys=["k"])
async def test_auth_refusal(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(cascor_server.ws_url + "/ws/control") as ws:
        assert await close_code(ws) == 4001
