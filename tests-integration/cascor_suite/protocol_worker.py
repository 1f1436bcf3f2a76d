"""A worker written against the protocol package alone, answering every task with a result
the server must reject (``weights`` of the wrong shape). It records what it was sent, so tests
can check the ``task_assign`` framing, and how the server acknowledged each result."""

from __future__ import annotations

import asyncio
import contextlib
import platform
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from websockets.asyncio.client import ClientConnection, connect

from juniper_cascor_protocol.worker import (
    AssembledMessage,
    Register,
    RegistrationAck,
    ResultAck,
    TaskAssign,
    TaskResult,
    TensorSequenceAssembler,
    WorkerCapabilities,
    encode_sequence,
)

__all__ = ["RejectedWorker"]

_OPEN_TIMEOUT = 5.0


@dataclass
class RejectedWorker:
    """Connects to ``/ws/v1/workers``, registers and answers tasks with wrong-shaped weights."""

    ws_url: str
    api_key: str | None = None
    name: str = "rejected-worker"
    worker_id: str | None = None
    registered: asyncio.Event = field(default_factory=asyncio.Event)
    assigned: list[AssembledMessage] = field(default_factory=list)
    acks: list[str] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> RejectedWorker:
        self._task = asyncio.create_task(self._run(), name="rejected-worker")
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
            capabilities = WorkerCapabilities(
                cpu_cores=1, gpu=False, python_version=platform.python_version(), os="test"
            )
            await socket.send(Register(worker_id=self.name, capabilities=capabilities).to_json())
            assembler = TensorSequenceAssembler()
            async for frame in socket:
                await self._handle(socket, assembler.feed(frame))

    async def _handle(self, socket: ClientConnection, parsed: Any) -> None:
        if isinstance(parsed, RegistrationAck):
            self.worker_id = parsed.worker_id
            self.registered.set()
        elif isinstance(parsed, ResultAck):
            self.acks.append(parsed.status)
        elif isinstance(parsed, AssembledMessage) and isinstance(parsed.message, TaskAssign):
            self.assigned.append(parsed)
            for frame in _wrong_result(parsed.message):
                await socket.send(frame)


def _wrong_result(task: TaskAssign) -> list[str | bytes]:
    """A well-framed result whose ``weights`` hold one value instead of one per input."""
    result = TaskResult(
        task_id=task.task_id,
        candidate_id=task.candidate_index,
        candidate_uuid=str(task.candidate_data["candidate_uuid"]),
        correlation=0.5,
        success=True,
        epochs_completed=1,
        activation_name=str(task.candidate_data["activation_name"]),
        all_correlations=(0.5,),
        numerator=0.5,
        denominator=1.0,
        best_corr_idx=0,
        tensor_manifest={},
    )
    tensors = {"weights": np.zeros(1), "bias": np.zeros(1)}
    return list(encode_sequence(result, tensors))
