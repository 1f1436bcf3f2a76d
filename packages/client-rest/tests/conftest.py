"""A scriptable loopback HTTP/1.1 server that records every request, and client fixtures.

The server runs ``http.server.ThreadingHTTPServer`` on ``127.0.0.1`` (port 0) in a thread. By
default it answers 200 with a success envelope echoing the request; tests queue replies with
``server.push(**fields)`` (the fields of :class:`Reply`: status, headers, body, delay, dropping
the connection after reading the request, closing it after answering, trickling the body out a
byte at a time) or install a
``responder`` that returns those fields (or ``None`` for the default) per request. With
``tls=(certificate, key)`` it serves HTTPS (``tls_server`` makes a self-signed certificate for
``127.0.0.1`` with the ``openssl`` command).
"""

from __future__ import annotations

import json
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from juniper_cascor_client_rest import JuniperCascorClient

API_KEY = "sk-test-3f9a7c1e5b"


@dataclass
class Reply:
    """What the server does with one request.

    ``body`` may be bytes (sent as they are), a str (sent as text/plain) or anything JSON;
    ``None`` means the default echo envelope. ``drop`` reads the request and closes the
    connection without answering; ``close_after`` answers as keep-alive, then closes;
    ``trickle`` sends the body one byte every ``trickle`` seconds (stopping when the client
    hangs up).
    """

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False
    close_after: bool = False
    trickle: float = 0.0


@dataclass(frozen=True)
class Recorded:
    """One request as the server read it, and when: ``at`` on the monotonic clock (to measure
    intervals), ``wall`` on the wall clock (to compare with an HTTP date)."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes
    headers: dict[str, str]
    at: float
    wall: float

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def envelope(data: Any) -> dict[str, Any]:
    return {"status": "success", "data": data, "meta": {"timestamp": time.time(), "version": "t"}}


class LoopbackServer:
    """The scriptable server; see the module docstring."""

    def __init__(self, port: int = 0, tls: tuple[Path, Path] | None = None) -> None:
        self._lock = threading.Lock()
        self._replies: deque[Reply] = deque()
        self._requests: list[Recorded] = []
        self._closed = threading.Condition(self._lock)
        self.closed = 0  # connections the server has closed
        self.responder: Callable[[Recorded], dict[str, Any] | None] | None = None
        self._httpd = _Server(("127.0.0.1", port), _Handler)
        self._httpd.owner = self  # type: ignore[attr-defined]
        scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()

    @property
    def requests(self) -> list[Recorded]:
        with self._lock:
            return list(self._requests)

    def push(self, **fields: Any) -> None:
        """Queue the reply to the next unanswered request (see :class:`Reply`)."""
        with self._lock:
            self._replies.append(Reply(**fields))

    def connection_closed(self) -> None:
        with self._closed:
            self.closed += 1
            self._closed.notify_all()

    def wait_until_closed(self, count: int, timeout: float = 5.0) -> None:
        """Wait until the server has closed ``count`` connections (``AssertionError`` after
        ``timeout`` seconds)."""
        with self._closed:
            assert self._closed.wait_for(lambda: self.closed >= count, timeout)

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def pick(self, recorded: Recorded) -> Reply:
        with self._lock:
            self._requests.append(recorded)
            if self._replies:
                return self._replies.popleft()
        chosen = self.responder(recorded) if self.responder else None
        return Reply(**(chosen or {}))


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def shutdown_request(self, request: Any) -> None:
        """Close a finished connection, then count it (``FakeRestServer.closed``)."""
        super().shutdown_request(request)
        self.owner.connection_closed()  # type: ignore[attr-defined]

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (timed out) is expected; anything else is reported."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 5  # an idle keep-alive connection ends by itself
    disable_nagle_algorithm = True  # headers and body go out as separate writes

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output quiet."""

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        parts = urlsplit(self.path)
        recorded = Recorded(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            body=body,
            headers=dict(self.headers.items()),
            at=time.monotonic(),
            wall=time.time(),
        )
        reply = self.server.owner.pick(recorded)  # type: ignore[attr-defined]
        if reply.delay:
            time.sleep(reply.delay)
        if reply.drop:
            self.close_connection = True
            return
        payload, content_type = _encode(reply.body, recorded)
        self.send_response(reply.status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD" and reply.trickle:
            self._trickle(payload, reply.trickle)
        elif self.command != "HEAD":
            self.wfile.write(payload)
        if reply.close_after:
            self.close_connection = True

    def _trickle(self, payload: bytes, interval: float) -> None:
        self.wfile.flush()
        for index in range(len(payload)):
            time.sleep(interval)
            try:
                self.wfile.write(payload[index : index + 1])
                self.wfile.flush()
            except OSError:  # the client gave up
                self.close_connection = True
                return

    # http.server dispatches to do_<METHOD>
    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _handle  # noqa: N815


def _encode(body: Any, recorded: Recorded) -> tuple[bytes, str]:
    if isinstance(body, bytes):
        return body, "application/octet-stream"
    if isinstance(body, str):
        return body.encode(), "text/plain; charset=utf-8"
    if body is None:
        echo = {
            "method": recorded.method,
            "path": recorded.path,
            "query": recorded.query,
            "body": recorded.json(),
        }
        body = envelope(echo)
    return json.dumps(body).encode(), "application/json"


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    srv = LoopbackServer()
    yield srv
    srv.close()


@pytest.fixture
def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for ``127.0.0.1`` and its key (needs ``openssl``)."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not available")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subject = ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    files = ["-keyout", str(key), "-out", str(cert)]
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", *subject, *files],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


@pytest.fixture
def tls_server(self_signed: tuple[Path, Path]) -> Iterator[LoopbackServer]:
    srv = LoopbackServer(tls=self_signed)
    yield srv
    srv.close()


@pytest.fixture
def make_client(server: LoopbackServer) -> Iterator[Callable[..., JuniperCascorClient]]:
    """Build clients against the server (fast retries by default); all closed afterwards."""
    clients: list[JuniperCascorClient] = []

    def build(**kwargs: Any) -> JuniperCascorClient:
        options: dict[str, Any] = {"timeout": 2.0, "backoff_factor": 0.01, "api_key": API_KEY}
        options.update(kwargs)
        client = JuniperCascorClient(options.pop("base_url", server.url), **options)
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: Callable[..., JuniperCascorClient]) -> JuniperCascorClient:
    return make_client()


@pytest.fixture
def refused_url() -> str:
    """A loopback URL where nothing listens (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def serve_later() -> Iterator[Callable[[int, float], list[LoopbackServer]]]:
    """Start a default server on ``port`` after ``delay`` seconds; returns the list it joins."""
    started: list[LoopbackServer] = []
    timers: list[threading.Timer] = []

    def schedule(port: int, delay: float) -> list[LoopbackServer]:
        timer = threading.Timer(delay, lambda: started.append(LoopbackServer(port)))
        timers.append(timer)
        timer.start()
        return started

    yield schedule
    for timer in timers:
        timer.cancel()
        timer.join(timeout=5)
    for srv in started:
        srv.close()
