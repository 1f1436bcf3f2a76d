"""Requests that reached the fake server, kept for tests to assert on."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

from aiohttp import web

__all__ = ["RecordedRequest", "RequestRecorder"]


@dataclass(frozen=True)
class RecordedRequest:
    """One HTTP request or WebSocket handshake as the server saw it.

    ``body`` is the parsed JSON body when it was JSON, else the text (``None`` when empty).
    Header names keep their case as sent; look them up with ``header()``.
    """

    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]

    @classmethod
    def of(cls, request: web.Request, body: Any) -> RecordedRequest:
        """The record of an aiohttp request whose body was read as ``body``."""
        return cls(
            method=request.method,
            path=request.path,
            query=dict(request.query),
            body=body,
            headers=dict(request.headers),
        )

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (case-insensitive), or ``None``."""
        lowered = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == lowered), None)


class RequestRecorder:
    """A bounded, thread-safe log of ``RecordedRequest``."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._lock = threading.Lock()
        self._items: deque[RecordedRequest] = deque(maxlen=capacity)

    def add(self, request: RecordedRequest) -> None:
        """Record one request."""
        with self._lock:
            self._items.append(request)

    def snapshot(self) -> list[RecordedRequest]:
        """Everything recorded so far, oldest first."""
        with self._lock:
            return list(self._items)

    def clear(self) -> None:
        """Forget everything recorded."""
        with self._lock:
            self._items.clear()
