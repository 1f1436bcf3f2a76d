"""Opening a WebSocket that the server may refuse before the upgrade (HTTP 403)."""

from __future__ import annotations

from typing import Any

from websockets.exceptions import InvalidStatus
from websockets.http11 import Response

from .conftest import ws_connect


async def refusal(url: str, **options: Any) -> Response | None:
    """The HTTP response refusing the handshake to ``url``; ``None`` when it was accepted."""
    try:
        async with ws_connect(url, **options):
            return None
    except InvalidStatus as refused:
        return refused.response


async def refused_403(url: str, **options: Any) -> bool:
    """Whether the handshake is refused with HTTP 403 and an empty body, before the upgrade."""
    response = await refusal(url, **options)
    return response is not None and response.status_code == 403 and not response.body
