"""A small candidate-training worker for ``/ws/v1/workers`` (tests and demos).

It connects without an ``Origin`` header, registers, sends heartbeats, and trains every
``task_assign`` it receives with the same learner code the server runs in process, answering
with a ``task_result`` and its ``weights``/``bias`` tensors. Run it in a thread with
``WorkerThread`` (``with WorkerThread(server.ws_url) as worker:``) or await
``CandidateWorker(...).run()`` on your own loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import threading
import time
from types import TracebackType

import aiohttp
import numpy as np

from juniper_cascor_fake_server.learner import train_candidate
from juniper_cascor_fake_server.workers.tasks import result_frames, task_from_assign
from juniper_cascor_protocol.worker import (
    AssembledMessage,
    Heartbeat,
    Register,
    RegistrationAck,
    ResultAck,
    TaskAssign,
    TensorSequenceAssembler,
    WorkerCapabilities,
)

__all__ = ["CandidateWorker", "WorkerThread"]

WORKERS_PATH = "/ws/v1/workers"
_START_TIMEOUT = 10.0


def _endpoint(url: str) -> str:
    url = url.rstrip("/")
    return url if url.endswith(WORKERS_PATH) else url + WORKERS_PATH


class CandidateWorker:
    """One worker connection; ``run()`` returns when the server closes it or ``stop()`` is called.

    Args:
        url: The server's WebSocket origin (``ws://127.0.0.1:8200``) or the full worker URL.
        api_key: Sent as ``X-API-Key`` when given.
        name: The id proposed at registration (the server assigns ``worker-<12 hex>``).
        heartbeat_interval: Seconds between heartbeats.
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
        self.accepted = 0
        self.rejected = 0
        self.close_code: int | None = None
        self._durations: list[float] = []
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
            beats = asyncio.create_task(self._serve(ws))
            stopper = asyncio.create_task(self._stop.wait())
            await asyncio.wait({beats, stopper}, return_when=asyncio.FIRST_COMPLETED)
            for task in (beats, stopper):
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
        await ws.send_str(Register(worker_id=self.name, capabilities=capabilities).to_json())
        assembler = TensorSequenceAssembler()
        heartbeat: asyncio.Task[None] | None = None
        try:
            async for message in ws:
                if message.type not in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                    break
                parsed = assembler.feed(message.data)
                if isinstance(parsed, RegistrationAck):
                    self.worker_id = parsed.worker_id
                    self.registered.set()
                    heartbeat = asyncio.create_task(self._heartbeats(ws))
                elif isinstance(parsed, AssembledMessage) and isinstance(
                    parsed.message, TaskAssign
                ):
                    await self._train(ws, parsed)
                elif isinstance(parsed, ResultAck):
                    self.accepted += parsed.status == "accepted"
                    self.rejected += parsed.status == "rejected"
        finally:
            if heartbeat is not None:
                heartbeat.cancel()

    async def _train(
        self, ws: aiohttp.ClientWebSocketResponse, assembled: AssembledMessage
    ) -> None:
        started = time.monotonic()
        result = await asyncio.to_thread(train_candidate, task_from_assign(assembled))
        frames = result_frames(result, assembled.message.task_id)
        async with self._send_lock:
            for frame in frames:
                if isinstance(frame, str):
                    await ws.send_str(frame)
                else:
                    await ws.send_bytes(frame)
        self.tasks_completed += 1
        self._durations = [*self._durations[-15:], time.monotonic() - started]

    async def _heartbeats(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        while True:
            beat = Heartbeat(
                worker_id=self.worker_id or self.name,
                timestamp=time.time(),
                in_flight_tasks=0,
                tasks_completed=self.tasks_completed,
                tasks_failed=0,
                recent_task_durations_seconds=tuple(self._durations),
                last_task_duration_seconds=self._durations[-1] if self._durations else None,
            )
            async with self._send_lock:
                await ws.send_str(beat.to_json())
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
