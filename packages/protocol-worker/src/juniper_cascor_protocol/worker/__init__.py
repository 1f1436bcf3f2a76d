"""Worker protocol of juniper-cascor (``/ws/v1/workers``), free of pydantic.

Depends on numpy and the standard library only, so slim worker images can install it alone.

- ``WorkerMessageType``: the nine message ``type`` values, in contract order.
- ``BinaryFrame``: the tensor codec of binary frames (``encode``, ``encode_parts``,
  ``decode``), with ``BinaryFrameHeader`` for inspecting a header alone.
- Typed messages (``Register``, ``Heartbeat``, ``TaskAssign``, ``TaskResult``...), each with
  ``from_dict``/``from_json``/``to_dict``/``to_json``, and ``parse_worker_message``.
- ``TensorSequenceAssembler`` and ``encode_sequence``: a task text frame plus its tensors.

Errors: ``BinaryFrameError`` and ``WorkerProtocolError``, both ``ValueError`` subclasses.
"""

from juniper_cascor_protocol.worker._version import __version__
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
    REQUIRED_TASK_TENSORS,
    ResultAck,
    TaskAssign,
    TaskResult,
    TensorSpec,
)
from juniper_cascor_protocol.worker.validators import MAX_TEXT_FRAME_CHARS, WORKER_ID_PATTERN

__all__ = [
    "MAX_BINARY_FRAME_BYTES",
    "MAX_DTYPE_LEN",
    "MAX_NDIM",
    "MAX_RECENT_TASK_DURATIONS",
    "MAX_TEXT_FRAME_CHARS",
    "MAX_WEIGHT_MAGNITUDE",
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
