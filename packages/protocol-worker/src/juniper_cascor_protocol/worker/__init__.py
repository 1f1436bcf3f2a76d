"""Worker protocol of juniper-cascor (``/ws/v1/workers``), free of pydantic.

Depends on numpy and the standard library only, so slim worker images can install it alone.

- ``WorkerMessageType``: the nine message ``type`` values, in contract order.
- ``BinaryFrame``: the tensor codec of binary frames (``encode``, ``encode_parts``,
  ``decode``), with ``BinaryFrameHeader`` for inspecting a header alone.
- Typed messages (``Register``, ``Heartbeat``, ``TaskAssign``, ``TaskResult``...), each with
  ``from_dict``/``from_json``/``to_dict``/``to_json``, and ``parse_worker_message``.
- ``TensorSequenceAssembler`` and ``encode_sequence``: a task text frame plus its tensors.

Errors: ``BinaryFrameError`` and ``WorkerProtocolError``, both ``ValueError`` subclasses.

Importing the package is cheap: each public name loads its submodule on first use, so a
process that only needs ``BinaryFrame`` never builds the message classes or imports ``json``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from juniper_cascor_protocol.worker._version import __version__

if TYPE_CHECKING:
    from juniper_cascor_protocol.worker.binary_frame import (
        MAX_BINARY_FRAME_BYTES,
        MAX_DTYPE_LEN,
        MAX_NDIM,
        BinaryFrame,
        BinaryFrameHeader,
    )
    from juniper_cascor_protocol.worker.dtypes import SUPPORTED_DTYPE_NAMES
    from juniper_cascor_protocol.worker.errors import BinaryFrameError, WorkerProtocolError
    from juniper_cascor_protocol.worker.message_types import WorkerMessageType
    from juniper_cascor_protocol.worker.messages import (
        MAX_RECENT_TASK_DURATIONS,
        ConnectionEstablished,
        ErrorMessage,
        Heartbeat,
        HeartbeatEcho,
        Register,
        RegistrationAck,
        TokenRefresh,
        WorkerCapabilities,
        WorkerMessage,
    )
    from juniper_cascor_protocol.worker.parsing import parse_worker_message
    from juniper_cascor_protocol.worker.sequence import (
        MAX_WEIGHT_MAGNITUDE,
        AssembledMessage,
        TensorSequenceAssembler,
        encode_sequence,
    )
    from juniper_cascor_protocol.worker.task_messages import (
        NO_BEST_CORR_IDX,
        REQUIRED_TASK_TENSORS,
        ResultAck,
        TaskAssign,
        TaskResult,
        TensorSpec,
    )
    from juniper_cascor_protocol.worker.validators import MAX_TEXT_FRAME_CHARS, WORKER_ID_PATTERN

# Public name -> the submodule that defines it, loaded on first access (PEP 562).
_SUBMODULE_OF: dict[str, str] = {
    "BinaryFrame": "binary_frame",
    "BinaryFrameHeader": "binary_frame",
    "MAX_BINARY_FRAME_BYTES": "binary_frame",
    "MAX_DTYPE_LEN": "binary_frame",
    "MAX_NDIM": "binary_frame",
    "SUPPORTED_DTYPE_NAMES": "dtypes",
    "BinaryFrameError": "errors",
    "WorkerProtocolError": "errors",
    "WorkerMessageType": "message_types",
    "ConnectionEstablished": "messages",
    "ErrorMessage": "messages",
    "Heartbeat": "messages",
    "HeartbeatEcho": "messages",
    "MAX_RECENT_TASK_DURATIONS": "messages",
    "Register": "messages",
    "RegistrationAck": "messages",
    "TokenRefresh": "messages",
    "WorkerCapabilities": "messages",
    "WorkerMessage": "messages",
    "parse_worker_message": "parsing",
    "AssembledMessage": "sequence",
    "MAX_WEIGHT_MAGNITUDE": "sequence",
    "TensorSequenceAssembler": "sequence",
    "encode_sequence": "sequence",
    "NO_BEST_CORR_IDX": "task_messages",
    "REQUIRED_TASK_TENSORS": "task_messages",
    "ResultAck": "task_messages",
    "TaskAssign": "task_messages",
    "TaskResult": "task_messages",
    "TensorSpec": "task_messages",
    "MAX_TEXT_FRAME_CHARS": "validators",
    "WORKER_ID_PATTERN": "validators",
}

__all__ = [
    "MAX_BINARY_FRAME_BYTES",
    "MAX_DTYPE_LEN",
    "MAX_NDIM",
    "MAX_RECENT_TASK_DURATIONS",
    "MAX_TEXT_FRAME_CHARS",
    "MAX_WEIGHT_MAGNITUDE",
    "NO_BEST_CORR_IDX",
    "REQUIRED_TASK_TENSORS",
    "SUPPORTED_DTYPE_NAMES",
    "WORKER_ID_PATTERN",
    "AssembledMessage",
    "BinaryFrame",
    "BinaryFrameError",
    "BinaryFrameHeader",
    "ConnectionEstablished",
    "ErrorMessage",
    "Heartbeat",
    "HeartbeatEcho",
    "Register",
    "RegistrationAck",
    "ResultAck",
    "TaskAssign",
    "TaskResult",
    "TensorSequenceAssembler",
    "TensorSpec",
    "TokenRefresh",
    "WorkerCapabilities",
    "WorkerMessage",
    "WorkerMessageType",
    "WorkerProtocolError",
    "__version__",
    "encode_sequence",
    "parse_worker_message",
]


def __getattr__(name: str) -> Any:
    """Load the submodule defining ``name`` on first access and cache the value here."""
    submodule = _SUBMODULE_OF.get(name)
    if submodule is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{submodule}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
