"""Worker protocol of juniper-cascor (``/ws/v1/workers``), free of pydantic.

Message types, typed worker messages, the ``BinaryFrame`` tensor codec and the
tensor sequence framing shared by the server and remote training workers.
"""

from juniper_cascor_protocol.worker._version import __version__

__all__ = ["__version__"]
