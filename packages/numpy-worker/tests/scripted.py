"""A scripted ``/ws/v1/workers`` on 127.0.0.1 for the worker's tests, and task frames.

``ScriptedServer`` accepts connections (or refuses handshakes with an HTTP status) and hands
each connection to the test as a ``Peer``, which the test drives frame by frame: greet and
register, send tasks (well-formed or broken), read what the worker answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import threading
from collections.abc import AsyncIterator, Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any

import numpy as np
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from juniper_cascor_numpy_worker import NumpyWorker
from juniper_cascor_numpy_worker.candidate import CandidateOutcome, CandidateTask, train_candidate
from juniper_cascor_protocol.worker import (
    AssembledMessage,
    BinaryFrame,
    TaskResult,
    TensorSequenceAssembler,
)

ASSIGNED_ID = "worker-0123456789ab"
_RECORDED_ASSIGN = json.loads((Path(__file__).parent / "data" / "all01.json").read_text())[
    "task_assign"
]
XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
XOR_E = np.array([[-0.5], [0.5], [0.5], [-0.5]], dtype=np.float32)


def assign_frame(task_id: str, activation: str = "Tanh", **changes: Any) -> dict[str, Any]:
    """A ``task_assign`` text frame as the real server wrote one (a recorded XOR task, for one
    output, 30 epochs and candidate 2), with ``changes`` applied at the top level."""
    frame: dict[str, Any] = copy.deepcopy(_RECORDED_ASSIGN)
    frame.update(task_id=task_id, candidate_index=2)
    frame["candidate_data"].update(activation_name=activation, candidate_uuid=f"uuid-{task_id}")
    frame["training_params"]["epochs"] = 30
    for name in ("y", "residual_error"):
        frame["tensor_manifest"][name]["shape"] = [4, 1]
    frame.update(changes)
    return frame


def task_frames(
    task_id: str,
    activation: str = "Tanh",
    inputs: np.ndarray = XOR_X,
    residual: np.ndarray = XOR_E,
    **changes: Any,
) -> list[str | bytes]:
    """A whole task: its text frame and its three tensors."""
    tensors = (inputs, np.zeros_like(residual), residual)
    text = json.dumps(assign_frame(task_id, activation, **changes))
    return [text, *(BinaryFrame.encode(array) for array in tensors)]


class Peer:
    """The server side of one worker connection, driven by the test."""

    def __init__(self, connection: ServerConnection) -> None:
        self.connection = connection
        self.texts: list[dict[str, Any]] = []  # every text frame received, parsed
        self._assembler = TensorSequenceAssembler()

    async def recv(self, within: float = 10.0) -> str | bytes:
        """The next frame from the worker (text frames are also kept in ``texts``)."""
        frame = await asyncio.wait_for(self.connection.recv(), within)
        if isinstance(frame, str):
            self.texts.append(json.loads(frame))
        return frame

    async def recv_json(self, within: float = 10.0) -> dict[str, Any]:
        """The next text frame, parsed (binary frames are not expected here)."""
        frame = await self.recv(within)
        assert isinstance(frame, str), "expected a text frame"
        parsed: dict[str, Any] = json.loads(frame)
        return parsed

    async def send(self, *frames: str | bytes | dict[str, Any]) -> None:
        """Send frames; dicts as JSON text."""
        for frame in frames:
            await self.connection.send(json.dumps(frame) if isinstance(frame, dict) else frame)

    async def register(self, worker_id: str = ASSIGNED_ID) -> dict[str, Any]:
        """Greet, read the ``register`` frame and acknowledge it; the ``register`` frame."""
        await self.send({"type": "connection_established", "data": {"channel": "workers"}})
        register = await self.recv_json()
        assert register["type"] == "register"
        await self.send(
            {
                "type": "registration_ack",
                "worker_id": worker_id,
                "data": {"status": "registered", "client_name": register["worker_id"]},
            }
        )
        return register

    async def result(self, within: float = 30.0) -> AssembledMessage:
        """Read until the next complete ``task_result`` (heartbeats pass by into ``texts``)."""
        async with asyncio.timeout(within):
            while True:
                assembled = self._assembler.feed(await self.recv(within))
                if isinstance(assembled, AssembledMessage):
                    assert isinstance(assembled.message, TaskResult)
                    return assembled

    async def heartbeats(self, count: int, within: float = 30.0) -> list[dict[str, Any]]:
        """Read until ``count`` more heartbeats arrived; those heartbeats."""
        beats: list[dict[str, Any]] = []
        async with asyncio.timeout(within):
            while len(beats) < count:
                frame = await self.recv_json(within)
                if frame["type"] == "heartbeat":
                    beats.append(frame)
        return beats

    async def closed_by_worker(self, within: float = 10.0) -> None:
        """Wait until the worker closes the connection."""
        await asyncio.wait_for(self.connection.wait_closed(), within)


class ScriptedServer:
    """A loopback worker endpoint; each accepted connection is queued in ``peers``.

    Args:
        refuse: HTTP statuses answered, in order, to the first handshakes (before the
            upgrade); later handshakes are accepted.
    """

    def __init__(self, refuse: tuple[int, ...] = ()) -> None:
        self.refuse = list(refuse)
        self.handshakes: list[Headers] = []
        self.peers: asyncio.Queue[Peer] = asyncio.Queue()
        self._server: Server | None = None

    @property
    def url(self) -> str:
        """The server's origin, ``ws://127.0.0.1:<port>``."""
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"ws://127.0.0.1:{port}"

    def _gate(self, connection: ServerConnection, request: Request) -> Response | None:
        self.handshakes.append(request.headers)
        if self.refuse:
            return connection.respond(HTTPStatus(self.refuse.pop(0)), "")
        return None

    async def _handle(self, connection: ServerConnection) -> None:
        await self.peers.put(Peer(connection))
        await connection.wait_closed()

    async def next_peer(self, within: float = 20.0) -> Peer:
        """The next accepted connection."""
        return await asyncio.wait_for(self.peers.get(), within)

    async def __aenter__(self) -> ScriptedServer:
        self._server = await serve(
            self._handle, "127.0.0.1", 0, process_request=self._gate, max_size=None
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.close()
        await asyncio.wait_for(self._server.wait_closed(), 10)


@contextlib.asynccontextmanager
async def running(worker: NumpyWorker) -> AsyncIterator[asyncio.Task[None]]:
    """Run ``worker`` on this loop for the block; stop it (within 10 s) afterwards."""
    task = asyncio.create_task(worker.run())
    try:
        yield task
    finally:
        worker.stop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 10)


@contextlib.asynccontextmanager
async def registered(**options: Any) -> AsyncIterator[tuple[NumpyWorker, Peer]]:
    """A worker (with ``options``) running against a ``ScriptedServer``, and its registered peer."""
    async with ScriptedServer() as server:
        worker = NumpyWorker(server.url, **options)
        async with running(worker):
            peer = await server.next_peer()
            await peer.register()
            yield worker, peer


class HeldTrainer:
    """A ``train_candidate`` that waits (at most ``limit`` s) for ``release`` before training.

    ``started`` is set when a task reaches it; the real computation then runs.
    """

    def __init__(self, limit: float = 60.0) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.limit = limit

    def __call__(self, task: CandidateTask) -> CandidateOutcome:
        self.started.set()
        self.release.wait(self.limit)
        return train_candidate(task)


async def until(check: Callable[[], bool], within: float = 20.0) -> None:
    """Wait (polling the loop) until ``check()`` holds; fail after ``within`` seconds."""
    async with asyncio.timeout(within):
        while True:
            if check():
                return
            await asyncio.sleep(0.02)
