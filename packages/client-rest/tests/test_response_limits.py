"""The deadline over a whole response (status line and headers included) and the body cap,
against raw loopback socket servers that misbehave on purpose."""

from __future__ import annotations

import contextlib
import gzip
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from juniper_cascor_client_core import JuniperCascorProtocolError, JuniperCascorTimeoutError
from juniper_cascor_client_rest import JuniperCascorClient

Script = Callable[[socket.socket, threading.Event], None]

_CAP = 4096


class RawServer:
    """Accepts connections on 127.0.0.1, reads each request head and runs ``script`` on the
    socket; stops by itself when ``stop`` is set (every script loop checks it)."""

    def __init__(self, script: Script) -> None:
        self._script = script
        self.stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(5)
                head = b""
                while b"\r\n\r\n" not in head and len(head) < 65536:
                    data = conn.recv(4096)
                    if not data:
                        break
                    head += data
                with contextlib.suppress(OSError):  # the client hung up
                    self._script(conn, self.stop)

    def close(self) -> None:
        self.stop.set()
        self._thread.join(timeout=5)
        self._listener.close()


@pytest.fixture
def raw_server() -> Iterator[Callable[[Script], RawServer]]:
    servers: list[RawServer] = []

    def start(script: Script) -> RawServer:
        servers.append(RawServer(script))
        return servers[-1]

    yield start
    for srv in servers:
        srv.close()


def _client(url: str, **options: Any) -> JuniperCascorClient:
    return JuniperCascorClient(url, timeout=2.0, api_key="", retries=0, **options)


def _trickle(conn: socket.socket, stop: threading.Event, data: bytes, interval: float) -> None:
    for index in range(len(data)):
        if stop.wait(interval):
            return
        conn.sendall(data[index : index + 1])


def _status_trickled(conn: socket.socket, stop: threading.Event) -> None:
    """40 bytes, one every 0.5 s: the whole response would take 20 s."""
    _trickle(conn, stop, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", 0.5)


def _headers_trickled(conn: socket.socket, stop: threading.Event) -> None:
    """A header line every 1.5 s: the whole response would take 60 s."""
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    for index in range(40):
        if stop.wait(1.5):
            return
        conn.sendall(f"X-Slow-{index}: 1\r\n".encode())
    conn.sendall(b"Content-Length: 2\r\n\r\n{}")


@pytest.mark.parametrize("script", [_status_trickled, _headers_trickled])
def test_deadline_covers_the_status_line_and_headers(raw_server: Any, script: Script) -> None:
    srv = raw_server(script)
    deadline = 2.0
    with _client(srv.url, deadline=deadline) as client:
        started = time.monotonic()
        with pytest.raises(JuniperCascorTimeoutError, match="2 s deadline"):
            client.get_training_status()
        elapsed = time.monotonic() - started
    # The call ends by deadline + 1 s; the margin is for a loaded machine, and the whole
    # response would take 20 s or more.
    assert elapsed < deadline + 8.0


def _head(extra: str) -> bytes:
    return f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{extra}\r\n".encode()


def _long_with_length(conn: socket.socket, stop: threading.Event) -> None:
    body = b'"' + b"x" * (_CAP * 4) + b'"'
    conn.sendall(_head(f"Content-Length: {len(body)}\r\n") + body)


def _chunks(conn: socket.socket, stop: threading.Event, count: int) -> None:
    conn.sendall(_head("Transfer-Encoding: chunked\r\n"))
    piece = b"x" * 1024
    for _ in range(count):
        if stop.is_set():
            return
        conn.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
    conn.sendall(b"0\r\n\r\n")


def _long_chunked(conn: socket.socket, stop: threading.Event) -> None:
    _chunks(conn, stop, 16)


def _endless_chunked(conn: socket.socket, stop: threading.Event) -> None:
    _chunks(conn, stop, 10**9)  # ends when the client hangs up or the server stops


def _gzip_bomb(conn: socket.socket, stop: threading.Event) -> None:
    body = gzip.compress(b"0" * (_CAP * 1000))
    conn.sendall(_head(f"Content-Encoding: gzip\r\nContent-Length: {len(body)}\r\n") + body)


@pytest.mark.parametrize("script", [_long_with_length, _long_chunked, _endless_chunked, _gzip_bomb])
def test_a_body_over_the_cap_is_a_protocol_error(raw_server: Any, script: Script) -> None:
    srv = raw_server(script)
    with (
        _client(srv.url, max_response_bytes=_CAP, deadline=30) as client,
        pytest.raises(JuniperCascorProtocolError, match=f"max_response_bytes={_CAP}"),
    ):
        client.get_training_status()


def test_the_gzip_bomb_is_small_on_the_wire() -> None:
    assert len(gzip.compress(b"0" * (_CAP * 1000))) < _CAP


def test_a_body_at_the_cap_is_accepted(raw_server: Any) -> None:
    envelope = b'{"status":"success","data":{"n":1},"meta":{}}'

    def exact(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(_head(f"Content-Length: {len(envelope)}\r\n") + envelope)

    srv = raw_server(exact)
    with _client(srv.url, max_response_bytes=len(envelope)) as client:
        assert client.request("GET", "/anything") == {
            "status": "success",
            "data": {"n": 1},
            "meta": {},
        }
