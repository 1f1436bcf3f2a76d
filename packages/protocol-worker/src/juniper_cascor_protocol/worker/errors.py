"""The two exceptions of the worker protocol.

Both are ``ValueError`` subclasses, so ``except ValueError`` catches every rejection::

    ValueError
     ├── BinaryFrameError     a binary frame that cannot be encoded or decoded
     └── WorkerProtocolError  a text frame, field or tensor sequence breaking the contract

Decoders raise nothing else for any input: foreign exceptions (``json``, numpy) are
translated where they occur, chained with ``raise ... from exc``.
"""

from __future__ import annotations


class BinaryFrameError(ValueError):
    """A binary tensor frame that breaks the ``BinaryFrame`` layout or limits."""


class WorkerProtocolError(ValueError):
    """A worker message or tensor sequence that breaks the protocol.

    Attributes:
        field: Dotted path of the offending field (``"capabilities.cpu_cores"``,
            ``"tensor_manifest.weights.shape[1]"``, ``"tensors.weights"``), or ``None``
            when the problem is not tied to one field (invalid JSON, a frame out of order).
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field

    def __reduce__(self) -> tuple[object, ...]:
        return _rebuild_protocol_error, (str(self), self.field)


def _rebuild_protocol_error(message: str, field: str | None) -> WorkerProtocolError:
    """Recreate a pickled ``WorkerProtocolError`` with its ``field``."""
    return WorkerProtocolError(message, field=field)
