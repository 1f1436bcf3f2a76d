"""The envelope base classes at their juniper-cascor-protocol 0.2 import path.

``BaseEnvelope`` is the base of every frame model; ``UnknownEnvelope`` is what
``validate_envelope`` returns for a frame it cannot type. Both are also exported by
``juniper_cascor_protocol.envelope``.
"""

from juniper_cascor_protocol.envelope._base import BaseEnvelope
from juniper_cascor_protocol.envelope.unknown import UnknownEnvelope

__all__ = ["BaseEnvelope", "UnknownEnvelope"]
