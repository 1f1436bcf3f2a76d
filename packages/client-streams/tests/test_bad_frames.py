"""One bad frame never takes a stream down: the next frame still arrives, on a real socket.

The frame here is 30 bytes of JSON text whose key is the escape of a lone surrogate; the standard
JSON parser accepts it and the resulting object has no UTF-8 form.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import pytest

from juniper_cascor_client_streams import (
    CascorControlStream,
    CascorTrainingStream,
    ReconnectPolicy,
)
from juniper_cascor_fake_server import FakeCascorServer

ALLOWED_ORIGIN = "http://localhost:8050"
GENEROUS = 10.0  # a deadline no healthy answer comes near
LONE_SURROGATE_KEY = '{"type":"x","\\ud800":1}'


@pytest.fixture(autouse=True)
def _no_credentials_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JUNIPER_CASCOR_WS_ORIGIN", raising=False)
    monkeypatch.delenv("JUNIPER_CASCOR_API_KEY", raising=False)


async def test_the_training_stream_reads_on_after_a_lone_surrogate_key(
    cascor_server: FakeCascorServer,
    unrecognised: Callable[..., float],
    caplog: pytest.LogCaptureFixture,
) -> None:
    before = unrecognised("x", "training")
    stream = CascorTrainingStream(
        cascor_server.ws_url, reconnect=ReconnectPolicy(initial_delay=0.01, max_delay=0.05)
    )
    types: list[str] = []
    with caplog.at_level(logging.WARNING, logger="juniper_cascor_client_streams"):
        async with stream, asyncio.timeout(GENEROUS):
            async for message in stream:
                assert isinstance(message, dict)
                types.append(message["type"])
                if message["type"] == "initial_metrics":
                    break
            assert cascor_server.faults.send_raw("training", LONE_SURROGATE_KEY) == 1
            cascor_server.faults.broadcast("metrics", {"epoch": 7})
            async for message in stream:
                assert isinstance(message, dict)
                types.append(message["type"])
                if message["type"] == "metrics":
                    assert message["data"]["epoch"] == 7
                    break
    assert types.index("x") == types.index("metrics") - 1
    assert "resume_ok" not in types  # read on the same connection, not after a reconnect
    assert unrecognised("x", "training") == before + 1
    assert not [record for record in caplog.records if "reader failed" in record.message]


async def test_the_control_stream_answers_after_a_lone_surrogate_key(
    cascor_server: FakeCascorServer, unrecognised: Callable[..., float]
) -> None:
    before = unrecognised("x", "control")
    async with (
        CascorControlStream(cascor_server.ws_url, origin=ALLOWED_ORIGIN) as control,
        asyncio.timeout(GENEROUS),
    ):
        await control.command("dance", timeout=GENEROUS)  # connected and answering
        assert cascor_server.faults.send_raw("control", LONE_SURROGATE_KEY) == 1
        answer = await control.command("dance", timeout=GENEROUS)
    assert answer["type"] == "command_response"
    assert answer["data"]["status"] == "error"
    assert answer["data"]["code"] == "unknown_command"
    assert unrecognised("x", "control") == before + 1
