"""A small scriptable cascor server on loopback, speaking the ``/ws/training`` and
``/ws/control`` protocol: handshake frames, seq numbers and a replay buffer with resume,
chunking, application pings, command answers (scriptable: in or out of order, queued,
rate limited, without ``command_id``, never), authentication refusals (close 4001, HTTP 403),
silence, and dropped connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest
from prometheus_client import REGISTRY
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from juniper_cascor_client_streams import UNRECOGNIZED_FRAMES_METRIC
from juniper_cascor_client_streams._loop_thread import LoopThread
from juniper_cascor_protocol.envelope import ChunkedMessageEnvelope, reset_unknown_label_state

CommandHandler = Callable[["Peer", dict[str, Any]], Awaitable[None]]


class Peer:
    """One client connection as the server sees it; frames go out in order via its outbox."""

    def __init__(self, ws: ServerConnection) -> None:
        self.ws = ws
        self.received: list[dict[str, Any]] = []
        self._outbox: asyncio.Queue[str | None] = asyncio.Queue()
        self._writer = asyncio.create_task(self._write())

    def push(self, frame: dict[str, Any] | str) -> None:
        self._outbox.put_nowait(frame if isinstance(frame, str) else json.dumps(frame))

    def drop(self) -> None:
        """Cut the TCP connection without a close frame."""
        self.ws.transport.abort()

    async def _write(self) -> None:
        try:
            while (text := await self._outbox.get()) is not None:
                await self.ws.send(text)
        except ConnectionClosed:
            pass

    async def stop(self) -> None:
        self._outbox.put_nowait(None)
        await asyncio.wait([self._writer], timeout=1.0)
        self._writer.cancel()


def answer(
    frame: dict[str, Any], status: str = "success", *, echo: bool = True, **data: Any
) -> dict[str, Any]:
    """The ``command_response`` to a command frame."""
    body = {"command": frame.get("command", "unknown"), "status": status, **data}
    if echo and "command_id" in frame:
        body["command_id"] = frame["command_id"]
    return {"type": "command_response", "timestamp": time.time(), "data": body}


async def answer_success(peer: Peer, frame: dict[str, Any]) -> None:
    peer.push(answer(frame, result={"ok": True}))


class CascorServer:
    """The scriptable server. Attributes are the script; change them in a test."""

    answer = staticmethod(answer)
    answer_success = staticmethod(answer_success)

    def __init__(self) -> None:
        self.instance_id = "instance-1"
        self.api_key: str | None = None
        self.refuse: str | None = None  # None, "close4001" or "http403"
        self.send_handshake = True
        self.bad_handshake: dict[str, Any] | None = None
        self.send_initial_status = True
        self.send_initial_metrics = False  # juniper-cascor's snapshot frame, with current_seq
        self.resume_wait = 0.2
        self.on_command: CommandHandler = answer_success
        self.seq = 0
        self.history: deque[dict[str, Any]] = deque(maxlen=1024)
        self.training: list[Peer] = []
        self.control: list[Peer] = []
        self.attempts = 0
        self.resumes: list[dict[str, Any]] = []
        self.replayed = 0
        self.origins: list[str | None] = []
        self.keys: list[str | None] = []
        self._server: Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"ws://127.0.0.1:{port}"

    async def start(self) -> None:
        self._server = await serve(
            self._handle,
            "127.0.0.1",
            0,
            process_request=self._process_request,
            ping_interval=None,
            max_size=2**24,
            close_timeout=1,
        )

    async def stop(self) -> None:
        assert self._server is not None
        for peer in self.training + self.control:
            peer.drop()
            await peer.stop()
        self._server.close()
        await self._server.wait_closed()

    # -- broadcasting -------------------------------------------------------------------

    def next_frame(self, kind: str, data: dict[str, Any]) -> list[dict[str, Any]]:
        """Stamp a broadcast (chunking it when large) and keep it for replay."""
        body = {"type": kind, "timestamp": time.time(), "data": data}
        text = json.dumps(body)
        if len(text) > 60_000:
            chunks = ChunkedMessageEnvelope.split(
                text, chunk_id=f"c{self.seq + 1}", original_type=kind, first_seq=self.seq + 1
            )
            frames = [json.loads(chunk.to_json()) for chunk in chunks]
        else:
            frames = [{**body, "seq": self.seq + 1, "emitted_at_monotonic": time.monotonic()}]
        self.seq += len(frames)
        self.history.extend(frames)
        return frames

    def broadcast(self, kind: str, data: dict[str, Any]) -> None:
        for frame in self.next_frame(kind, data):
            for peer in self.training:
                peer.push(frame)

    def push_training(self, frame: dict[str, Any] | str) -> None:
        for peer in self.training:
            peer.push(frame)

    def ping_all(self) -> None:
        for peer in self.training + self.control:
            peer.push({"type": "ping", "ts": time.time()})

    def drop_all(self) -> None:
        for peer in self.training + self.control:
            peer.drop()

    async def drop_and_wait_for_reconnect(self) -> None:
        """Drop the training client and wait until it is back (a new peer)."""
        old = self.training[0]
        self.drop_all()
        await self.wait_for(lambda: bool(self.training) and self.training[0] is not old)

    async def wait_for(self, predicate: Callable[[], bool]) -> None:
        """Poll ``predicate`` until it holds (for at most 5 s)."""
        async with asyncio.timeout(5.0):
            while not predicate():  # noqa: ASYNC110 - polls arbitrary state of the test
                await asyncio.sleep(0.005)

    # -- connections --------------------------------------------------------------------

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        self.attempts += 1
        headers: Headers = request.headers
        self.origins.append(headers.get("Origin"))
        self.keys.append(headers.get("X-API-Key"))
        if self.refuse == "http403":
            return connection.respond(403, "Forbidden\n")
        return None

    async def _handle(self, ws: ServerConnection) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            if self.refuse == "close4001" or (
                self.api_key is not None and ws.request.headers.get("X-API-Key") != self.api_key
            ):
                await ws.close(4001, "Authentication required")
                return
            peer = Peer(ws)
            try:
                if ws.request.path == "/ws/control":
                    await self._serve_control(peer)
                else:
                    await self._serve_training(peer)
            finally:
                await peer.stop()
        finally:
            self._handlers.discard(task)

    async def _serve_training(self, peer: Peer) -> None:
        if self.bad_handshake:
            peer.push(self.bad_handshake)
        elif self.send_handshake:
            peer.push(
                {
                    "type": "connection_established",
                    "timestamp": time.time(),
                    "data": {
                        "connections": len(self.training) + 1,
                        "server_instance_id": self.instance_id,
                        "server_start_time": 0.0,
                        "replay_buffer_capacity": 1024,
                    },
                }
            )
        first = None
        with contextlib.suppress(TimeoutError, ConnectionClosed):
            first = json.loads(await asyncio.wait_for(peer.ws.recv(), self.resume_wait))
        if isinstance(first, dict) and first.get("type") == "resume":
            self._resume(peer, first.get("data") or {})
        else:
            if first is not None:
                peer.received.append(first)
            if self.send_handshake and self.send_initial_status:
                peer.push({"type": "initial_status", "data": {"training_active": True}})
        self.training.append(peer)
        try:
            async for raw in peer.ws:
                peer.received.append(json.loads(raw))
        except ConnectionClosed:
            pass
        finally:
            self.training.remove(peer)

    def _resume(self, peer: Peer, data: dict[str, Any]) -> None:
        self.resumes.append(data)
        last_seq = data.get("last_seq")
        oldest = self.history[0]["seq"] if self.history else self.seq + 1
        if data.get("server_instance_id") != self.instance_id:
            reason = "server_restarted"
        elif not isinstance(last_seq, int) or last_seq < oldest - 1 or last_seq > self.seq:
            reason = "out_of_range"
        else:
            missed = [frame for frame in self.history if frame["seq"] > last_seq]
            peer.push(
                {
                    "type": "resume_ok",
                    "timestamp": time.time(),
                    "data": {"replayed_count": len(missed)},
                }
            )
            for frame in missed:
                peer.push(frame)
            self.replayed += len(missed)
            return
        peer.push({"type": "resume_failed", "timestamp": time.time(), "data": {"reason": reason}})
        peer.push({"type": "initial_status", "data": {"training_active": True}})
        if self.send_initial_metrics:
            peer.push({"type": "initial_metrics", "data": {"current_seq": self.seq}})

    async def _serve_control(self, peer: Peer) -> None:
        peer.push({"type": "connection_established", "data": {"channel": "control"}})
        self.control.append(peer)
        try:
            async for raw in peer.ws:
                frame = json.loads(raw)
                peer.received.append(frame)
                if frame.get("type") == "command":
                    await self.on_command(peer, frame)
        except ConnectionClosed:
            pass
        finally:
            self.control.remove(peer)


def count_unrecognised(frame_type: str | None = None, endpoint: str | None = None) -> float:
    """Sum of the unrecognised-frame counter's samples matching the given labels."""
    total = 0.0
    for family in REGISTRY.collect():
        for sample in family.samples:
            if sample.name != UNRECOGNIZED_FRAMES_METRIC:
                continue
            if frame_type is not None and sample.labels.get("type") != frame_type:
                continue
            if endpoint is not None and sample.labels.get("endpoint") != endpoint:
                continue
            total += sample.value
    return total


@pytest.fixture
def unrecognised() -> Callable[..., float]:
    """``unrecognised(type=None, endpoint=None)``: the unrecognised frames counted so far."""
    return count_unrecognised


@pytest.fixture(autouse=True)
def _fresh_unknown_labels() -> Iterator[None]:
    reset_unknown_label_state()
    yield
    reset_unknown_label_state()


@pytest.fixture
async def server() -> AsyncIterator[CascorServer]:
    cascor = CascorServer()
    await cascor.start()
    yield cascor
    await cascor.stop()


@pytest.fixture
def threaded_server() -> Iterator[tuple[CascorServer, LoopThread]]:
    """The server on its own loop thread, for tests of the blocking helpers."""
    runner = LoopThread("test-server-loop")

    async def start() -> CascorServer:
        cascor = CascorServer()
        await cascor.start()
        return cascor

    cascor = runner.run(start(), 5.0)
    yield cascor, runner
    runner.run(cascor.stop(), 5.0)
    runner.stop()
