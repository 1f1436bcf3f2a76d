"""The optional Prometheus counter of unrecognised WebSocket frames.

``juniper_cascor_client_unrecognized_ws_frames_total{type, endpoint}`` counts the inbound frames
that envelope validation did not recognise; ``type`` is the bounded label chosen by
``validate_envelope`` (at most 16 type strings, then ``_unmatched``; ``_malformed`` for frames
that are not objects with a string ``type``) and ``endpoint`` is ``training`` or ``control``.

``prometheus-client`` is optional (the ``[observability]`` extra). It is imported on the first
unrecognised frame, never at import time; without it, counting is a no-op. The counter is created
once in the default registry, or taken from it when something registered it already.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

__all__ = ["UNRECOGNIZED_FRAMES_METRIC", "count_unrecognized_frame", "reset_counter"]

UNRECOGNIZED_FRAMES_METRIC = "juniper_cascor_client_unrecognized_ws_frames_total"
_DOCUMENTATION = "Inbound WebSocket frames that envelope validation did not recognise."

_lock = threading.Lock()
_counter: Any = None
_resolved = False


def count_unrecognized_frame(frame_type: str, endpoint: str) -> None:
    """Add one to the counter for ``(frame_type, endpoint)``; a no-op without prometheus-client."""
    counter = _counter if _resolved else _resolve_counter()
    if counter is not None:
        counter.labels(type=frame_type, endpoint=endpoint).inc()


def reset_counter() -> None:
    """Forget the counter and remove it from prometheus-client's default registry, so the next
    unrecognised frame counts in a fresh one, from zero. For tests."""
    global _counter, _resolved
    with _lock:
        counter, _counter, _resolved = _counter, None, False
    if counter is not None:
        from prometheus_client import REGISTRY

        with contextlib.suppress(KeyError):  # the application unregistered it already
            REGISTRY.unregister(counter)


def _resolve_counter() -> Any:
    global _counter, _resolved
    with _lock:
        if not _resolved:
            _counter = _create_counter()
            _resolved = True
        return _counter


def _create_counter() -> Any:
    try:
        from prometheus_client import REGISTRY, Counter
    except ImportError:
        return None
    try:
        return Counter(UNRECOGNIZED_FRAMES_METRIC, _DOCUMENTATION, ["type", "endpoint"])
    except ValueError:
        # Already registered (another copy of this module, or the application did it):
        # prometheus-client has no public lookup, so read its name table.
        names = getattr(REGISTRY, "_names_to_collectors", {})
        return names.get(UNRECOGNIZED_FRAMES_METRIC)
