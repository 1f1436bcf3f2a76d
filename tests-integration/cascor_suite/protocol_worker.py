"""A worker written against the protocol package alone, answering every task with a scripted
result: ``failed_result`` (``success: false``, which the server accepts and trains in process)
or ``oversized_weights`` (which the server rejects and requeues). It heartbeats, so an idle
worker is offered work, and records what it was sent, so tests can check the ``task_assign``
framing, and how the server acknowledged each result."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from websockets.asyncio.client import ClientConnection, connect

from juniper_cascor_protocol.worker import (
    NO_BEST_CORR_IDX,
    AssembledMessage,
    BinaryFrame,
    Register,
    RegistrationAck,
    ResultAck,
    TaskAssign,
    TaskResult,
    TensorSequenceAssembler,
    TensorSpec,
    encode_sequence,
)

__all__ = ["ProtocolWorker", "failed_result", "oversized_weights"]

_OPEN_TIMEOUT = 5.0
_HEARTBEAT_INTERVAL = 0.1
Answer = Callable[[TaskAssign], list[str | bytes]]


def _result(task: TaskAssign, success: bool, error: str | None) -> TaskResult:
    return TaskResult(
        task_id=task.task_id,
        candidate_id=task.candidate_index,
        candidate_uuid=str(task.candidate_data["candidate_uuid"]),
        correlation=0.5 if success else 0.0,
        success=success,
        epochs_completed=1 if success else 0,
        activation_name=str(task.candidate_data["activation_name"]),
        all_correlations=(0.5,) if success else (),
        numerator=0.5 if success else 0.0,
        denominator=1.0,
        best_corr_idx=0 if success else NO_BEST_CORR_IDX,
        tensor_manifest={},
        error_message=error,
    )


def failed_result(task: TaskAssign) -> list[str | bytes]:
    """A ``success: false`` result with no tensors, as a worker that could not train sends."""
    return list(encode_sequence(_result(task, False, "scripted failure"), {}))


def oversized_weights(task: TaskAssign) -> list[str | bytes]:
    """A well-framed result whose weights break the |w| <= 100 limit (framed by hand: this
    package's ``encode_sequence`` refuses to send such weights)."""
    size = int(task.candidate_data["input_size"])
    tensors = {"weights": np.full(size, 1000.0, np.float32), "bias": np.zeros(1, np.float32)}
    manifest = {name: TensorSpec.from_array(array) for name, array in tensors.items()}
    text = replace(_result(task, True, None), tensor_manifest=manifest).to_json()
    return [text, *(BinaryFrame.encode(array) for array in tensors.values())]


@dataclass
class ProtocolWorker:
    """Connects to ``/ws/v1/workers``, registers, heartbeats and answers tasks with ``answer``."""

    ws_url: str
    answer: Answer
    api_key: str | None = None
    name: str = "protocol-worker"
    worker_id: str | None = None
    registered: asyncio.Event = field(default_factory=asyncio.Event)
    assigned: list[AssembledMessage] = field(default_factory=list)
    acks: list[str] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> ProtocolWorker:
        self._task = asyncio.create_task(self._run(), name=self.name)
        registered = asyncio.create_task(self.registered.wait())
        await asyncio.wait({self._task, registered}, timeout=_OPEN_TIMEOUT,
                           return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
        registered.cancel()
        if not self.registered.is_set():
            await self.__aexit__()
            raise AssertionError("the protocol worker did not register")
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        headers = {"X-API-Key": self.api_key} if self.api_key else None
        async with connect(
            self.ws_url.rstrip("/") + "/ws/v1/workers",
            additional_headers=headers,
            open_timeout=_OPEN_TIMEOUT,
            close_timeout=1.0,
            max_size=None,
        ) as socket:
            await socket.recv()  # connection_established
            await socket.send(
                Register(worker_id=self.name, capabilities={"cpu_cores": 1}).to_json()
            )
            assembler = TensorSequenceAssembler()
            beats: asyncio.Task[None] | None = None
            try:
                async for frame in socket:
                    await self._handle(socket, assembler.feed(frame))
                    if beats is None and self.worker_id is not None:
                        beats = asyncio.create_task(self._heartbeats(socket, self.worker_id))
            finally:
                if beats is not None:
                    beats.cancel()

    async def _heartbeats(self, socket: ClientConnection, worker_id: str) -> None:
        while True:
            beat = {"type": "heartbeat", "worker_id": worker_id, "timestamp": time.time()}
            await socket.send(json.dumps(beat))
            await asyncio.sleep(_HEARTBEAT_INTERVAL)

    async def _handle(self, socket: ClientConnection, parsed: object) -> None:
        if isinstance(parsed, RegistrationAck):
            self.worker_id = parsed.worker_id
            self.registered.set()
        elif isinstance(parsed, ResultAck):
            self.acks.append(parsed.status)
        elif isinstance(parsed, AssembledMessage) and isinstance(parsed.message, TaskAssign):
            self.assigned.append(parsed)
            for frame in self.answer(parsed.message):
                await socket.send(frame)
