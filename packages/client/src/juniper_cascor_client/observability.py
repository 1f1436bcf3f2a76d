"""Logging and counting of unrecognised WebSocket frames, at the upstream import path.

The streams of juniper-cascor-client-streams report every inbound frame that envelope
validation does not recognise: a WARNING log line and, with the ``[observability]`` extra
(prometheus-client), one more in ``juniper_cascor_client_unrecognized_ws_frames_total{type,
endpoint}``. The ``type`` label is bounded (at most 16 distinct types, then ``_unmatched``).
This module offers the same report to code of its own, under the upstream names.
"""

from __future__ import annotations

import logging

from juniper_cascor_client_streams import metrics
from juniper_cascor_client_streams.metrics import UNRECOGNIZED_FRAMES_METRIC

__all__ = ["UNRECOGNIZED_FRAMES_METRIC", "record_unrecognized_frame", "reset_for_tests"]

logger = logging.getLogger(__name__)


def record_unrecognized_frame(type_label: str, endpoint: str) -> None:
    """Log an unrecognised frame at WARNING and count it (when prometheus-client is there).

    The message starts with ``juniper_cascor_client_unrecognized_ws_frame`` and names the type
    and the endpoint; both are also in the record's ``extra`` fields ``type`` and ``endpoint``.

    Args:
        type_label: The frame's type, as bounded by ``validate_envelope``.
        endpoint: ``training`` or ``control``.
    """
    logger.warning(
        "juniper_cascor_client_unrecognized_ws_frame type=%s endpoint=%s",
        type_label,
        endpoint,
        extra={"type": type_label, "endpoint": endpoint},
    )
    metrics.count_unrecognized_frame(type_label, endpoint)


def reset_for_tests() -> None:
    """Forget the counter, so the next unrecognised frame starts a new one from zero.

    The counter is also removed from prometheus-client's default registry. For tests only.
    """
    metrics.reset_counter()
