"""Helpers for the fake server's tests: loopback WebSocket clients and XOR request bodies."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import requests
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

XOR_START = {
    "dataset": {"source": "inline"},
    "inline_data": {"train_x": [[0, 0], [0, 1], [1, 0], [1, 1]], "train_y": [[0], [1], [1], [0]]},
}


@contextlib.asynccontextmanager
async def ws_connect(url: str, **options: Any) -> AsyncIterator[ClientConnection]:
    """A bounded websockets client (no proxy, no size limit, short timeouts)."""
    async with connect(
        url, proxy=None, open_timeout=5, close_timeout=2, max_size=None, **options
    ) as connection:
        yield connection


async def recv_json(connection: ClientConnection, within: float = 5.0) -> dict[str, Any]:
    """The next frame, parsed."""
    frame = json.loads(await asyncio.wait_for(connection.recv(), within))
    assert isinstance(frame, dict)
    return frame


async def recv_type(
    connection: ClientConnection, kind: str, within: float = 10.0
) -> dict[str, Any]:
    """The next frame of type ``kind`` (earlier frames are skipped)."""
    async with asyncio.timeout(within):
        while (frame := await recv_json(connection, within))["type"] != kind:
            pass
    return frame


async def close_code(connection: ClientConnection, within: float = 5.0) -> int | None:
    """Read until the server closes; its close code (``None`` without a close frame)."""
    try:
        async with asyncio.timeout(within):
            while True:
                await connection.recv()
    except ConnectionClosed as closed:
        return None if closed.rcvd is None else closed.rcvd.code


async def http(method: str, url: str, **options: Any) -> requests.Response:
    """A ``requests`` call made off the test's event loop."""
    return await asyncio.to_thread(requests.request, method, url, timeout=5, **options)
