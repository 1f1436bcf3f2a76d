"""Every frame a healthy fake server sends validates as a known envelope."""

from __future__ import annotations

import asyncio
import json

import pytest
from websockets.asyncio.client import ClientConnection

from juniper_cascor_fake_server import FakeCascorServer
from juniper_cascor_protocol.envelope import UnknownEnvelope, validate_envelope

from .conftest import http, ws_connect

XOR = {"train_x": [[0, 0], [0, 1], [1, 0], [1, 1]], "train_y": [[0], [1], [1], [0]]}
START = {"epochs": 2, "dataset": {"source": "inline"}, "inline_data": XOR}


async def _read(ws: ClientConnection, frames: list[str], until: str, within: float = 10.0) -> None:
    """Keep every frame (answering pings) until one of type ``until`` arrived."""
    async with asyncio.timeout(within):
        while True:
            text = await ws.recv()
            assert isinstance(text, str)
            frames.append(text)
            kind = json.loads(text).get("type")
            if kind == "ping":
                await ws.send(json.dumps({"type": "pong"}))
            if kind == until:
                return


async def _answers(ws: ClientConnection, frames: list[str], count: int) -> None:
    """Keep frames until ``count`` final command answers (not ``queued``) arrived."""
    async with asyncio.timeout(10):
        while count:
            text = await ws.recv()
            assert isinstance(text, str)
            frames.append(text)
            frame = json.loads(text)
            if frame["type"] == "ping":
                await ws.send(json.dumps({"type": "pong"}))
            elif frame.get("data", frame).get("status") != "queued":
                count -= 1


@pytest.mark.cascor_server(
    scenario="idle", ping_interval=0.05, command_delay=0.05, queued_interval=0.02
)
async def test_no_unrecognised_frames(cascor_server: FakeCascorServer) -> None:
    frames: list[str] = []
    instance = cascor_server.context.sequence.instance_id
    async with (
        ws_connect(cascor_server.ws_url + "/ws/training") as training,
        ws_connect(cascor_server.ws_url + "/ws/control") as control,
    ):
        await _read(training, frames, "connection_established")
        await training.send(json.dumps({"type": "resume", "data": {"last_seq": 1}}))
        await _read(training, frames, "initial_metrics")
        await _read(control, frames, "connection_established")
        await http("POST", cascor_server.http_url + "/v1/training/start", json=START)
        await _read(training, frames, "event", within=30)
        for command in ("set_params", "pause", "dance"):
            params = {"learning_rate": 0.02} if command == "set_params" else None
            frame = {"type": "command", "command": command, "params": params, "command_id": "c"}
            await control.send(json.dumps(frame))
        await _answers(control, frames, 3)
        cascor_server.faults.delay_commands(0)
        for index in range(12):
            await control.send(
                json.dumps({"type": "command", "command": "dance", "command_id": str(index)})
            )
        await _answers(control, frames, 12)
        cascor_server.faults.broadcast("topology", {"blob": "z" * 70_000})
        await _read(training, frames, "chunked_message")
        async with ws_connect(cascor_server.ws_url + "/ws/training") as resumed:
            await _read(resumed, frames, "connection_established")
            data = {"last_seq": 1, "server_instance_id": instance}
            await resumed.send(json.dumps({"type": "resume", "data": data}))
            await _read(resumed, frames, "resume_ok")
    parsed = [json.loads(text) for text in frames]
    kinds = {frame["type"] for frame in parsed}
    assert kinds >= {
        "connection_established",
        "resume_failed",
        "resume_ok",
        "initial_status",
        "state",
        "initial_metrics",
        "metrics",
        "event",
        "command_response",
        "chunked_message",
        "ping",
    }
    answers = [frame for frame in parsed if frame["type"] == "command_response"]
    statuses = {frame.get("data", frame)["status"] for frame in answers}
    assert statuses >= {"success", "error", "queued", "rate_limited"}
    unknown = [text[:80] for text in frames if isinstance(validate_envelope(text), UnknownEnvelope)]
    assert unknown == []
