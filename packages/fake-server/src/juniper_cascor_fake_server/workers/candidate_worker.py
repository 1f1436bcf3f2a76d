"""A small candidate-training worker for ``/ws/v1/workers`` (tests and demos).

It serves the fake server and the real juniper-cascor 0.12.0 server alike: it connects without
an ``Origin`` header, registers, sends a heartbeat every ``heartbeat_interval`` seconds with its
own task figures, and trains each ``task_assign`` (TitleCase activation names such as ``Tanh``
or ``ReLU``, float32 tensors) with the fake server's learner, answering a ``task_result`` with
float32 ``weights``, ``bias``, ``norm_output`` and ``norm_error``. A task it cannot train (an
unknown activation, missing keys, tensors that do not fit, an error while training) is answered
with ``success: false`` and an ``error_message``, and logged; the worker carries on.

Run it in a thread with ``WorkerThread`` (``with WorkerThread(server.ws_url) as worker:``) or
await ``CandidateWorker(...).run()`` on your own loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import platform
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import aiohttp
import numpy as np

from juniper_cascor_fake_server.learner import train_candidate
from juniper_cascor_fake_server.workers.tasks import failure_frames, result_frames, task_from_assign
from juniper_cascor_protocol.worker import (
    MAX_RECENT_TASK_DURATIONS,
    AssembledMessage,
    ErrorMessage,
    Heartbeat,
    Register,
    RegistrationAck,
    ResultAck,
    TensorSequenceAssembler,
    WorkerCapabilities,
    WorkerProtocolError,
    parse_worker_message,
)

__all__ = ["CandidateWorker", "WorkerThread"]

logger = logging.getLogger(__name__)

WORKERS_PATH = "/ws/v1/workers"
_START_TIMEOUT = 10.0


def _endpoint(url: str) -> str:
    url = url.rstrip("/")
    return url if url.endswith(WORKERS_PATH) else url + WORKERS_PATH


@dataclass
class _Incoming:
    """A ``task_assign`` waiting for its binary frames."""

    text: str
    frame: dict[str, Any]
    count: int
    frames: list[bytes] = field(default_factory=list)


def _train(incoming: _Incoming) -> list[str | bytes]:
    """Train the task and return the frames of its result (runs in a thread).

    Raises:
        WorkerProtocolError: when the task or its tensors cannot be read or answered.
        BinaryFrameError: when a tensor frame cannot be decoded.
        KeyError: when the task lacks a key.
        ValueError: when its values do not fit a candidate.
    """
    assembler = TensorSequenceAssembler()
    assembled = assembler.feed(incoming.text)
    for frame in incoming.frames:
        assembled = assembler.feed(frame)
    if not isinstance(assembled, AssembledMessage):
        raise WorkerProtocolError("the task's tensors did not complete it")
    task = task_from_assign(assembled)
    return result_frames(task, train_candidate(task), assembled.message.task_id)


class CandidateWorker:
    """One worker connection; ``run()`` returns when the server closes it or ``stop()`` is called.

    Args:
        url: The server's WebSocket origin (``ws://127.0.0.1:8200``) or the full worker URL.
        api_key: Sent as ``X-API-Key`` when given.
        name: The id proposed at registration (the server assigns ``worker-<12 hex>``).
        heartbeat_interval: Seconds between heartbeats (an idle worker is given work on them).
    """

    def __init__(
        self,
        url: str,
        *,
        api_key: str | None = None,
        name: str = "test-worker",
        heartbeat_interval: float = 10.0,
    ) -> None:
        self.url = _endpoint(url)
        self.api_key = api_key
        self.name = name
        self.heartbeat_interval = heartbeat_interval
        self.worker_id: str | None = None
        self.registered = asyncio.Event()
        self.tasks_completed = 0
        self.tasks_failed = 0
        self.accepted = 0
        self.rejected = 0
        self.errors: list[str] = []
        self.close_code: int | None = None
        self.durations: deque[float] = deque(maxlen=MAX_RECENT_TASK_DURATIONS)
        self.last_task_completed_at: float | None = None
        self._in_flight = 0
        self._send_lock = asyncio.Lock()
        self._stop = asyncio.Event()

    def stop(self) -> None:
        """Ask ``run()`` to close the connection (call on the worker's loop)."""
        self._stop.set()

    async def run(self) -> None:
        """Connect, register and serve tasks until closed or stopped.

        Raises:
            aiohttp.ClientError: when the connection cannot be made.
        """
        headers = {} if self.api_key is None else {"X-API-Key": self.api_key}
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(self.url, headers=headers, max_msg_size=0) as ws,
        ):
            serving = asyncio.create_task(self._serve(ws))
            stopper = asyncio.create_task(self._stop.wait())
            await asyncio.wait({serving, stopper}, return_when=asyncio.FIRST_COMPLETED)
            for task in (serving, stopper):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await ws.close()
            self.close_code = ws.close_code

    async def _serve(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        await ws.receive()  # connection_established
        capabilities = WorkerCapabilities(
            cpu_cores=os.cpu_count() or 1,
            gpu=False,
            python_version=platform.python_version(),
            os=platform.system(),
            numpy_version=np.__version__,
        )
        register = Register(worker_id=self.name, capabilities=capabilities.to_dict())
        await ws.send_str(register.to_json())
        heartbeat: asyncio.Task[None] | None = None
        incoming: _Incoming | None = None
        try:
            async for message in ws:
                if message.type is aiohttp.WSMsgType.BINARY:
                    incoming = await self._take_tensor(ws, incoming, bytes(message.data))
                    continue
                if message.type is not aiohttp.WSMsgType.TEXT:
                    break
                if incoming is not None:
                    await self._fail(ws, incoming.frame, "a text frame arrived before its tensors")
                    incoming = None
                incoming = await self._take_text(ws, str(message.data))
                if heartbeat is None and self.registered.is_set():
                    heartbeat = asyncio.create_task(self._heartbeats(ws))
        finally:
            if heartbeat is not None:
                heartbeat.cancel()

    async def _take_text(self, ws: aiohttp.ClientWebSocketResponse, text: str) -> _Incoming | None:
        """Handle a server text frame; the task it starts, when its tensors are still due."""
        try:
            frame = json.loads(text)
        except ValueError:
            logger.warning("ignoring a text frame that is not JSON: %.80s", text)
            return None
        if not isinstance(frame, dict):
            logger.warning("ignoring a text frame that is not an object: %.80s", text)
            return None
        if frame.get("type") == "task_assign":
            manifest = frame.get("tensor_manifest")
            if not isinstance(manifest, dict):
                await self._fail(ws, frame, "tensor_manifest is not an object")
                return None
            incoming = _Incoming(text, frame, len(manifest))
            return await self._take_tensor(ws, incoming, None)
        try:
            parsed = parse_worker_message(frame)
        except WorkerProtocolError as exc:
            logger.warning("ignoring a %s frame: %s", frame.get("type"), exc)
            return None
        if isinstance(parsed, RegistrationAck):
            self.worker_id = parsed.worker_id
            self.registered.set()
        elif isinstance(parsed, ResultAck):
            self.accepted += parsed.status == "accepted"
            self.rejected += parsed.status == "rejected"
        elif isinstance(parsed, ErrorMessage):
            logger.warning("server error: %s (%s)", parsed.error, parsed.details)
            self.errors.append(parsed.error)
        return None

    async def _take_tensor(
        self, ws: aiohttp.ClientWebSocketResponse, incoming: _Incoming | None, data: bytes | None
    ) -> _Incoming | None:
        """Add a tensor frame to the task (train it once complete); the task still waiting."""
        if incoming is None:
            logger.warning("ignoring a binary frame outside a task")
            return None
        if data is not None:
            incoming.frames.append(data)
        if len(incoming.frames) < incoming.count:
            return incoming
        await self._run_task(ws, incoming)
        return None

    async def _run_task(self, ws: aiohttp.ClientWebSocketResponse, incoming: _Incoming) -> None:
        started = time.monotonic()
        self._in_flight += 1
        try:
            frames = await asyncio.to_thread(_train, incoming)
        except Exception as exc:
            await self._fail(ws, incoming.frame, f"{type(exc).__name__}: {exc}")
        else:
            await self._send(ws, frames)
            self.tasks_completed += 1
        finally:
            self._in_flight -= 1
            self.durations.append(time.monotonic() - started)
            self.last_task_completed_at = time.time()

    async def _fail(
        self, ws: aiohttp.ClientWebSocketResponse, frame: dict[str, Any], error: str
    ) -> None:
        """Answer a task this worker cannot train with ``success: false``, and log it."""
        task_id = frame.get("task_id")
        logger.error("task %s failed: %s", task_id, error)
        self.tasks_failed += 1
        try:
            frames = failure_frames(frame, error)
        except WorkerProtocolError as exc:
            logger.error("task %s cannot be answered: %s", task_id, exc)
            return
        await self._send(ws, frames)

    async def _send(self, ws: aiohttp.ClientWebSocketResponse, frames: list[str | bytes]) -> None:
        async with self._send_lock:
            for frame in frames:
                if isinstance(frame, str):
                    await ws.send_str(frame)
                else:
                    await ws.send_bytes(frame)

    async def _heartbeats(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        while True:
            durations = tuple(self.durations)
            beat = Heartbeat(
                worker_id=self.worker_id or self.name,
                timestamp=time.time(),
                in_flight_tasks=self._in_flight,
                tasks_completed=self.tasks_completed,
                tasks_failed=self.tasks_failed,
                recent_task_durations_seconds=durations,
                last_task_completed_at=self.last_task_completed_at,
                last_task_duration_seconds=durations[-1] if durations else None,
            )
            await self._send(ws, [beat.to_json()])
            await asyncio.sleep(self.heartbeat_interval)


class WorkerThread:
    """Runs a ``CandidateWorker`` on its own loop in a daemon thread.

    ``start()`` (or entering the context) returns once the worker is registered, and raises
    when the server refuses it. The keyword arguments are those of ``CandidateWorker``.
    """

    def __init__(
        self,
        url: str,
        *,
        api_key: str | None = None,
        name: str = "test-worker",
        heartbeat_interval: float = 10.0,
    ) -> None:
        self._url = url
        self._api_key, self._name, self._interval = api_key, name, heartbeat_interval
        self.worker: CandidateWorker | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._settled = threading.Event()  # registered, or the worker stopped before that
        self.error: BaseException | None = None

    def start(self) -> WorkerThread:
        """Start and wait for registration.

        Raises:
            RuntimeError: when the server refuses the worker, or it does not register in 10 s.
        """
        self._thread = threading.Thread(target=self._main, name="cascor-test-worker", daemon=True)
        self._thread.start()
        settled = self._settled.wait(_START_TIMEOUT)
        if not settled or self.worker is None or self.worker.worker_id is None:
            self.stop()
            raise RuntimeError(f"the worker did not register: {self.error}")
        return self

    def _main(self) -> None:
        asyncio.run(self._run())

    async def _run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.worker = CandidateWorker(
            self._url, api_key=self._api_key, name=self._name, heartbeat_interval=self._interval
        )
        waiter = asyncio.create_task(self.worker.registered.wait())
        waiter.add_done_callback(lambda _: self._settled.set())
        try:
            await self.worker.run()
        except Exception as exc:
            logger.warning("worker connection to %s ended: %r", self._url, exc)
            self.error = exc
        finally:
            waiter.cancel()
            self._settled.set()

    def stop(self) -> None:
        """Close the worker's connection and wait for its thread."""
        loop, worker = self._loop, self.worker
        if loop is not None and worker is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(worker.stop)
        if self._thread is not None:
            self._thread.join(_START_TIMEOUT)

    def __enter__(self) -> WorkerThread:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
