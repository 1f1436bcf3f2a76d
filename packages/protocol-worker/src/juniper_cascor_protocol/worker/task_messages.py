"""Typed task messages: ``task_assign``, ``task_result``, ``result_ack`` and tensor manifests.

A ``task_assign`` or ``task_result`` text frame carries a ``tensor_manifest``
(``{name: {"shape": [...], "dtype": "float32"}}``) and is followed by exactly one binary
frame per entry, in manifest order (see ``sequence``). Unknown keys follow the rule of
``messages``: dropped, except inside ``candidate_data`` and ``training_params``, and except
at the top level of a ``task_result``, whose unknown keys are kept in its ``extras`` (the real
server reads ``training_duration`` there).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import TYPE_CHECKING, Any, ClassVar, Self

import numpy as np

from juniper_cascor_protocol.worker._records import Record, record
from juniper_cascor_protocol.worker.binary_frame import MAX_NDIM, BinaryFrameHeader
from juniper_cascor_protocol.worker.dtypes import (
    is_supported_dtype,
    parse_dtype,
    unsupported_dtype_message,
)
from juniper_cascor_protocol.worker.errors import WorkerProtocolError
from juniper_cascor_protocol.worker.message_types import WorkerMessageType
from juniper_cascor_protocol.worker.messages import WorkerMessage
from juniper_cascor_protocol.worker.validators import Fields

if TYPE_CHECKING:
    import numpy.typing as npt

REQUIRED_TASK_TENSORS: tuple[str, ...] = ("candidate_input", "residual_error")
"""Tensors every ``task_assign`` manifest must list."""
NO_BEST_CORR_IDX = -1
"""The ``best_corr_idx`` of a result that has no best output column (a failed task)."""
_MAX_DIMENSION = 0xFFFF_FFFF


@record
class TensorSpec(Record):
    """One manifest entry: the exact shape and dtype of a tensor that follows in a binary frame.

    Attributes:
        shape: The tensor's shape (``()`` for a 0-d array).
        dtype: The dtype string as written in the manifest (``"float32"``, ``"<f4"``...).
    """

    shape: tuple[int, ...]
    dtype: str

    @classmethod
    def from_array(cls, array: npt.NDArray[Any] | np.generic) -> TensorSpec:
        """Describe ``array`` (or a numpy scalar) as ``BinaryFrame.encode`` will send it.

        Raises:
            WorkerProtocolError: When ``array`` is neither a numpy array nor a numpy scalar.
            BinaryFrameError: When its dtype is unsupported or its shape cannot be framed.
        """
        if not isinstance(array, np.ndarray | np.generic):
            raise WorkerProtocolError(f"expected a numpy array, got {type(array).__name__}")
        header = BinaryFrameHeader(array.shape, array.dtype.newbyteorder("<"))
        return cls(header.shape, str(header.dtype))

    @property
    def numpy_dtype(self) -> np.dtype[Any]:
        """The dtype as a numpy dtype.

        Raises:
            WorkerProtocolError: When ``dtype`` is not a supported dtype (only possible for
                a spec built by hand; ``read_tensor_manifest`` refuses such entries).
        """
        dtype = parse_dtype(self.dtype)
        if dtype is None or not is_supported_dtype(dtype):
            raise WorkerProtocolError(unsupported_dtype_message(self.dtype))
        return dtype

    def to_dict(self) -> dict[str, Any]:
        """Return the wire form of the entry."""
        return {"shape": list(self.shape), "dtype": self.dtype}


def read_tensor_manifest(fields: Fields, key: str = "tensor_manifest") -> dict[str, TensorSpec]:
    """Read the manifest object under ``key``, keeping its order.

    Raises:
        WorkerProtocolError: When it is not an object, a name is empty, or an entry's shape
            is not a list of at most ``MAX_NDIM`` integers in 0..2**32-1, or its dtype is not
            a supported numeric or bool dtype.
    """
    manifest = fields.nested(key)
    specs: dict[str, TensorSpec] = {}
    for name in manifest.names():
        entry = manifest.nested(name)
        shape = entry.integer_list("shape", max_items=MAX_NDIM, maximum=_MAX_DIMENSION)
        spelling = entry.string("dtype")
        dtype = parse_dtype(spelling)
        if dtype is None:
            entry.fail("dtype", f"{spelling!r} is not a valid numpy dtype")
        if not is_supported_dtype(dtype):
            entry.fail("dtype", unsupported_dtype_message(spelling))
        specs[name] = TensorSpec(shape, spelling)
    return specs


def _manifest_dict(manifest: Mapping[str, TensorSpec]) -> dict[str, Any]:
    return {name: spec.to_dict() for name, spec in manifest.items()}


@record
class TaskAssign(WorkerMessage):
    """A candidate-training task for a worker; its tensors follow in binary frames.

    ``candidate_data`` holds at least ``input_size``, ``activation_name``,
    ``candidate_uuid`` and ``candidate_seed``; ``training_params`` at least ``epochs`` and
    ``learning_rate``. Both keep any further keys. ``tensor_manifest`` must list
    ``candidate_input`` and ``residual_error``.
    """

    type: ClassVar[WorkerMessageType] = WorkerMessageType.TASK_ASSIGN
    task_id: str
    round_id: str | int
    candidate_index: int
    candidate_data: Mapping[str, Any]
    training_params: Mapping[str, Any]
    tensor_manifest: Mapping[str, TensorSpec]

    @classmethod
    def _read(cls, fields: Fields) -> Self:
        task_id = fields.string("task_id")
        round_id = fields.identifier("round_id")
        candidate_index = fields.integer("candidate_index")
        candidate = fields.nested("candidate_data")
        candidate.integer("input_size", minimum=1)
        candidate.string("activation_name")
        candidate.string("candidate_uuid")
        candidate.integer("candidate_seed", minimum=None)
        params = fields.nested("training_params")
        params.integer("epochs", minimum=1)
        params.number("learning_rate", minimum=0)
        manifest = read_tensor_manifest(fields)
        for name in REQUIRED_TASK_TENSORS:
            if name not in manifest:
                fields.fail("tensor_manifest", f"must list {name!r}")
        return cls(
            task_id=task_id,
            round_id=round_id,
            candidate_index=candidate_index,
            candidate_data=fields.json_object("candidate_data"),
            training_params=fields.json_object("training_params"),
            tensor_manifest=manifest,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the wire form."""
        return {
            "type": self.type.value,
            "task_id": self.task_id,
            "round_id": self.round_id,
            "candidate_index": self.candidate_index,
            "candidate_data": dict(self.candidate_data),
            "training_params": dict(self.training_params),
            "tensor_manifest": _manifest_dict(self.tensor_manifest),
        }


_RESULT_KEYS = frozenset(
    {
        "type",
        "task_id",
        "candidate_id",
        "candidate_uuid",
        "correlation",
        "success",
        "epochs_completed",
        "activation_name",
        "all_correlations",
        "numerator",
        "denominator",
        "best_corr_idx",
        "error_message",
        "tensor_manifest",
    }
)
"""The keys a ``task_result`` documents; any other top-level key is one of its ``extras``."""


@record
class TaskResult(WorkerMessage):
    """A worker's result for one task; its tensors (``weights``, ``bias``...) follow.

    A failed task (``success: false``, with ``error_message``) may carry an empty
    ``candidate_uuid`` and ``activation_name``, ``best_corr_idx`` ``NO_BEST_CORR_IDX`` and an
    empty manifest, as workers answer a task they could not even read.

    ``extras`` holds further top-level keys, such as ``training_duration`` (seconds), which
    the real server reads: ``to_dict`` writes them after the documented keys and
    ``from_dict`` collects every key it does not document into them (values are plain JSON).

    Raises:
        WorkerProtocolError: (on construction) When a key of ``extras`` is empty or names a
            documented key (``success``, ``type``...), which it would overwrite on the wire.
    """

    type: ClassVar[WorkerMessageType] = WorkerMessageType.TASK_RESULT
    task_id: str
    candidate_id: int
    candidate_uuid: str
    correlation: float
    success: bool
    epochs_completed: int
    activation_name: str
    all_correlations: tuple[float, ...]
    numerator: float
    denominator: float
    best_corr_idx: int
    tensor_manifest: Mapping[str, TensorSpec]
    error_message: str | None = None
    extras: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for key in self.extras:
            if not isinstance(key, str) or not key or key in _RESULT_KEYS:
                raise WorkerProtocolError(
                    f"extras: key {key!r} is empty or names a task_result field",
                    field="extras",
                )

    @classmethod
    def _read(cls, fields: Fields) -> Self:
        extras = {
            key: fields.optional_json(key) for key in fields.names() if key not in _RESULT_KEYS
        }
        return cls(
            task_id=fields.string("task_id"),
            candidate_id=fields.integer("candidate_id"),
            candidate_uuid=fields.string("candidate_uuid", empty=True),
            correlation=fields.number("correlation", minimum=0, maximum=1),
            success=fields.boolean("success"),
            epochs_completed=fields.integer("epochs_completed"),
            activation_name=fields.string("activation_name", empty=True),
            all_correlations=fields.number_list("all_correlations"),
            numerator=fields.number("numerator"),
            denominator=fields.number("denominator"),
            best_corr_idx=fields.integer("best_corr_idx", minimum=NO_BEST_CORR_IDX),
            tensor_manifest=read_tensor_manifest(fields),
            error_message=fields.optional_string("error_message"),
            extras=extras,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the wire form: the documented keys, then ``extras``."""
        return {
            "type": self.type.value,
            "task_id": self.task_id,
            "candidate_id": self.candidate_id,
            "candidate_uuid": self.candidate_uuid,
            "correlation": self.correlation,
            "success": self.success,
            "epochs_completed": self.epochs_completed,
            "activation_name": self.activation_name,
            "all_correlations": list(self.all_correlations),
            "numerator": self.numerator,
            "denominator": self.denominator,
            "best_corr_idx": self.best_corr_idx,
            "error_message": self.error_message,
            "tensor_manifest": _manifest_dict(self.tensor_manifest),
            **self.extras,
        }


@record
class ResultAck(WorkerMessage):
    """The server's answer to a ``task_result``: ``accepted`` or ``rejected``."""

    type: ClassVar[WorkerMessageType] = WorkerMessageType.RESULT_ACK
    task_id: str
    status: str

    @classmethod
    def _read(cls, fields: Fields) -> Self:
        return cls(
            task_id=fields.string("task_id"),
            status=fields.string("status", choices=("accepted", "rejected")),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the wire form."""
        return {"type": self.type.value, "task_id": self.task_id, "status": self.status}
