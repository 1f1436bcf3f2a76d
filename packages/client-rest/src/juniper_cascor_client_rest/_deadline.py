"""The connection adapter that holds every read of a response, status line and headers
included, to the deadline of the call that sent it.

urllib3 bounds each ``recv`` by the read timeout, not the whole response: a server that sends
its status line a byte at a time, or a header line every second, could hold a call for ever.
The connections of :class:`DeadlineAdapter` read their responses through
:class:`_DeadlineReader`, which gives every ``recv`` only the time left before the deadline
(and at most the read timeout) and fails with :class:`DeadlinePassedError`, a
:class:`TimeoutError` that urllib3 reports as a read timeout, once it has passed.

The deadline is per call, so :func:`deadline_of_calls` publishes it to the sending thread;
responses read on a thread that set none keep the plain urllib3 behaviour.
"""

from __future__ import annotations

import http.client
import io
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import PoolManager, ProxyManager

__all__ = ["DeadlineAdapter", "DeadlinePassedError", "deadline_of_calls"]

_calls = threading.local()


class DeadlinePassedError(TimeoutError):
    """The call's deadline passed while its response was still arriving."""


@contextmanager
def deadline_of_calls(end: float) -> Iterator[None]:
    """Hold the responses read on this thread within the block to ``end`` (a
    ``time.monotonic()`` value)."""
    _calls.end = end
    try:
        yield
    finally:
        _calls.end = None


class _DeadlineReader(io.RawIOBase):
    """The raw stream of a socket whose every read waits at most until ``end``."""

    def __init__(self, sock: socket.socket, end: float) -> None:
        super().__init__()
        self._sock = sock
        self._raw = sock.makefile("rb", buffering=0)  # keeps the socket open while in use
        self._read_timeout = sock.gettimeout()
        self._end = end

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        """Read into ``buffer`` with one ``recv``, waiting at most for the time left.

        Raises:
            DeadlinePassedError: When the deadline has passed or passes during the wait.
            OSError: When the connection fails.
        """
        remaining = self._end - time.monotonic()
        if remaining <= 0:
            raise DeadlinePassedError("the call's deadline passed")
        limit = remaining if self._read_timeout is None else min(self._read_timeout, remaining)
        self._sock.settimeout(limit)
        try:
            return self._raw.readinto(buffer)
        except TimeoutError:
            if time.monotonic() >= self._end:
                raise DeadlinePassedError("the call's deadline passed") from None
            raise

    def close(self) -> None:
        self._raw.close()
        super().close()


class _DeadlineSocket:
    """What :class:`http.client.HTTPResponse` is built from: only its ``makefile`` is used."""

    def __init__(self, sock: socket.socket, end: float) -> None:
        self._sock = sock
        self._end = end

    def makefile(self, mode: str) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._end))


class _DeadlineResponse(http.client.HTTPResponse):
    def __init__(self, sock: socket.socket, *args: Any, **kwargs: Any) -> None:
        end: float | None = getattr(_calls, "end", None)
        source: Any = sock if end is None else _DeadlineSocket(sock, end)
        super().__init__(source, *args, **kwargs)


class _Connection(HTTPConnection):
    response_class = _DeadlineResponse


class _TLSConnection(HTTPSConnection):
    response_class = _DeadlineResponse


class _Pool(HTTPConnectionPool):
    ConnectionCls = _Connection


class _TLSPool(HTTPSConnectionPool):
    ConnectionCls = _TLSConnection


_POOLS = {"http": _Pool, "https": _TLSPool}


class DeadlineAdapter(HTTPAdapter):
    """An ``HTTPAdapter`` whose connections (direct or through an HTTP proxy) read responses
    within the deadline set by :func:`deadline_of_calls`."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_POOLS)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> PoolManager:
        manager: PoolManager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if isinstance(manager, ProxyManager):
            manager.pool_classes_by_scheme = dict(_POOLS)
        return manager
