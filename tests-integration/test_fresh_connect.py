"""A fresh training stream gets its snapshot at once, not after the server's resume window."""

from __future__ import annotations

import asyncio

from juniper_cascor_client import CascorTrainingStream
from juniper_cascor_client.testing import FakeCascorServer


async def test_fresh_stream_does_not_wait_for_the_resume_window() -> None:
    # The server waits up to resume_window for a ``resume`` first frame; the stream's ``pong``
    # tells it the connection is fresh, so the snapshot comes long before the window ends.
    with FakeCascorServer(scenario="idle", resume_window=30.0) as server:
        async with CascorTrainingStream(server.ws_url) as stream:
            types: list[str] = []
            async with asyncio.timeout(10.0):
                async for message in stream:
                    types.append(message["type"])
                    if message["type"] == "initial_metrics":
                        break
    assert types == ["connection_established", "initial_status", "state", "initial_metrics"]
    assert stream.pongs_sent == 0  # the announcement is not an answer to a ping
