"""Every frame a healthy fake server sends validates as a known envelope."""

from __future__ import annotations

import asyncio
import json

import pytest

from juniper_cascor_fake_server import FakeCascorServer
from juniper_cascor_protocol.envelope import UnknownEnvelope, validate_envelope

from .conftest import XOR_START, recv_json, ws_connect


@pytest.mark.cascor_server(ping_interval=0.05, command_delay=0.05, queued_interval=0.02)
async def test_no_unrecognised_frames(cascor_server: FakeCascorServer) -> None:
    cascor_server.context.operations.create_network({})
    frames: list[str] = []
    async with (
        ws_connect(cascor_server.ws_url + "/ws/training") as training,
        ws_connect(cascor_server.ws_url + "/ws/control") as control,
    ):
        frames.append(await asyncio.wait_for(training.recv(), 5))  # type: ignore[arg-type]
        await training.send(json.dumps({"type": "resume", "data": {"last_seq": 1}}))
        frames.append(await asyncio.wait_for(control.recv(), 5))  # type: ignore[arg-type]
        command = {"type": "command", "command": "start", "params": XOR_START, "command_id": "1"}
        await control.send(json.dumps(command))
        while True:
            answer = await recv_json(control)
            frames.append(json.dumps(answer))
            if answer["type"] == "ping":
                await control.send(json.dumps({"type": "pong"}))
            elif answer["data"]["status"] != "queued":
                break
        while True:
            text = await asyncio.wait_for(training.recv(), 10)
            assert isinstance(text, str)
            frames.append(text)
            frame = json.loads(text)
            if frame["type"] == "ping":
                await training.send(json.dumps({"type": "pong"}))
            if frame["type"] == "event":
                break
        cascor_server.faults.broadcast("topology", {"blob": "z" * 70_000})
        async with asyncio.timeout(5):  # frames broadcast after the event may come first
            while True:
                text = await training.recv()
                assert isinstance(text, str)
                frames.append(text)
                if json.loads(text)["type"] == "chunked_message":
                    break
    kinds = {json.loads(text)["type"] for text in frames}
    assert kinds >= {
        "connection_established",
        "resume_failed",
        "initial_status",
        "state",
        "initial_metrics",
        "metrics",
        "candidate_progress",
        "cascade_add",
        "topology",
        "event",
        "command_response",
        "chunked_message",
        "ping",
    }
    unknown = [text[:80] for text in frames if isinstance(validate_envelope(text), UnknownEnvelope)]
    assert unknown == []
