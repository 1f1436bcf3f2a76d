"""Counting what reached the fake server (its request recorder)."""

from __future__ import annotations

from juniper_cascor_client.testing import FakeCascorServer

__all__ = ["count_requests"]


def count_requests(server: FakeCascorServer, path: str, method: str | None = None) -> int:
    """How many recorded requests (or WebSocket handshakes) went to ``path`` (with ``method``)."""
    return sum(1 for r in server.requests if r.path == path and method in (None, r.method))
