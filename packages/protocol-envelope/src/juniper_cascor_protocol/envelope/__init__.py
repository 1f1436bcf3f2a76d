"""Envelope models and validation for the ``/ws/training`` and ``/ws/control`` frames.

``validate_envelope(frame)`` turns a parsed frame, or its raw text or bytes, into the model of its
``type`` or into an ``UnknownEnvelope`` carrying a bounded label, and never raises. Each model has
builders for the frames its sender emits (``ResumeEnvelope.build``, ``CommandEnvelope.build``,
``MetricsEnvelope.build``...), and ``to_json()`` serialises any envelope for the wire. A broadcast
whose JSON is longer than ``CHUNK_THRESHOLD_BYTES`` travels as ``chunked_message`` frames of
``CHUNK_PAYLOAD_SIZE`` characters (``ChunkedMessageEnvelope.split``).
"""

from juniper_cascor_protocol.envelope._base import BaseEnvelope
from juniper_cascor_protocol.envelope._labels import (
    MALFORMED_TYPE_LABEL,
    UNKNOWN_TYPE_BUDGET,
    UNMATCHED_TYPE_LABEL,
    reset_unknown_label_state,
)
from juniper_cascor_protocol.envelope._version import __version__
from juniper_cascor_protocol.envelope.connection import (
    ConnectionEstablishedData,
    ConnectionEstablishedEnvelope,
    PingEnvelope,
    PongEnvelope,
)
from juniper_cascor_protocol.envelope.control import (
    CommandEnvelope,
    CommandRateLimitedEnvelope,
    CommandResponseData,
    CommandResponseEnvelope,
)
from juniper_cascor_protocol.envelope.resume import (
    ResumeEnvelope,
    ResumeFailedEnvelope,
    ResumeOkEnvelope,
)
from juniper_cascor_protocol.envelope.training import (
    CHUNK_PAYLOAD_SIZE,
    CHUNK_THRESHOLD_BYTES,
    CandidateProgressEnvelope,
    CascadeAddEnvelope,
    ChunkedMessageData,
    ChunkedMessageEnvelope,
    EventEnvelope,
    InitialMetricsData,
    InitialMetricsEnvelope,
    InitialStatusEnvelope,
    MetricsEnvelope,
    StateEnvelope,
    SubscribeMetricsEnvelope,
    TopologyEnvelope,
)
from juniper_cascor_protocol.envelope.unknown import UnknownEnvelope
from juniper_cascor_protocol.envelope.validate import (
    KNOWN_ENVELOPES,
    KnownEnvelope,
    validate_envelope,
)

__all__ = [
    "CHUNK_PAYLOAD_SIZE",
    "CHUNK_THRESHOLD_BYTES",
    "KNOWN_ENVELOPES",
    "MALFORMED_TYPE_LABEL",
    "UNKNOWN_TYPE_BUDGET",
    "UNMATCHED_TYPE_LABEL",
    "BaseEnvelope",
    "CandidateProgressEnvelope",
    "CascadeAddEnvelope",
    "ChunkedMessageData",
    "ChunkedMessageEnvelope",
    "CommandEnvelope",
    "CommandRateLimitedEnvelope",
    "CommandResponseData",
    "CommandResponseEnvelope",
    "ConnectionEstablishedData",
    "ConnectionEstablishedEnvelope",
    "EventEnvelope",
    "InitialMetricsData",
    "InitialMetricsEnvelope",
    "InitialStatusEnvelope",
    "KnownEnvelope",
    "MetricsEnvelope",
    "PingEnvelope",
    "PongEnvelope",
    "ResumeEnvelope",
    "ResumeFailedEnvelope",
    "ResumeOkEnvelope",
    "StateEnvelope",
    "SubscribeMetricsEnvelope",
    "TopologyEnvelope",
    "UnknownEnvelope",
    "__version__",
    "reset_unknown_label_state",
    "validate_envelope",
]
