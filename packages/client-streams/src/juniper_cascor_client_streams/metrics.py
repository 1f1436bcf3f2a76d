"""The optional Prometheus counters of the streams.

Counters (labels in brackets):

- ``juniper_cascor_client_unrecognized_ws_frames_total{type, endpoint}``: inbound frames that
  envelope validation did not recognise;
- ``juniper_cascor_client_ws_connections_lost_total{endpoint}``: established connections lost;
- ``juniper_cascor_client_ws_missed_frames_total{endpoint}``: training frames known lost;
- ``juniper_cascor_client_ws_possible_losses_total{endpoint}``: suspected losses of training
  frames (incidents);
- ``juniper_cascor_client_ws_dropped_frames_total{endpoint}``: frames the queue policy dropped.

For unrecognised frames, ``type`` is the bounded label chosen by ``validate_envelope`` (at most 16
type strings, then ``_unmatched``; ``_malformed`` for frames that are not objects with a string
``type``); ``endpoint`` is ``training`` or ``control``.

``prometheus-client`` is optional (the ``[observability]`` extra). It is imported when a counter
is first counted, never at import time; without it, counting is a no-op. Each counter is created
once in the default registry, or taken from it when something registered it already.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

__all__ = [
    "CONNECTIONS_LOST_METRIC",
    "DROPPED_FRAMES_METRIC",
    "MISSED_FRAMES_METRIC",
    "POSSIBLE_LOSSES_METRIC",
    "UNRECOGNIZED_FRAMES_METRIC",
    "count",
    "count_unrecognized_frame",
    "reset_counter",
]

UNRECOGNIZED_FRAMES_METRIC = "juniper_cascor_client_unrecognized_ws_frames_total"
CONNECTIONS_LOST_METRIC = "juniper_cascor_client_ws_connections_lost_total"
MISSED_FRAMES_METRIC = "juniper_cascor_client_ws_missed_frames_total"
POSSIBLE_LOSSES_METRIC = "juniper_cascor_client_ws_possible_losses_total"
DROPPED_FRAMES_METRIC = "juniper_cascor_client_ws_dropped_frames_total"

_COUNTERS: dict[str, tuple[str, tuple[str, ...]]] = {
    UNRECOGNIZED_FRAMES_METRIC: (
        "Inbound WebSocket frames that envelope validation did not recognise.",
        ("type", "endpoint"),
    ),
    CONNECTIONS_LOST_METRIC: ("Established WebSocket connections lost.", ("endpoint",)),
    MISSED_FRAMES_METRIC: ("Training frames known lost in transit.", ("endpoint",)),
    POSSIBLE_LOSSES_METRIC: ("Suspected losses of training frames.", ("endpoint",)),
    DROPPED_FRAMES_METRIC: ("Frames dropped by the stream's queue policy.", ("endpoint",)),
}

_lock = threading.Lock()
_counters: dict[str, Any] = {}  # name -> counter, or None without prometheus-client


def count(name: str, amount: float = 1, **labels: str) -> None:
    """Add ``amount`` to the counter ``name`` for ``labels``; a no-op without prometheus-client.

    Raises:
        KeyError: For a name that is not one of this module's counters.
    """
    counter = _counters[name] if name in _counters else _resolve(name)
    if counter is not None:
        counter.labels(**labels).inc(amount)


def count_unrecognized_frame(frame_type: str, endpoint: str) -> None:
    """Add one to the unrecognised-frame counter for ``(frame_type, endpoint)``."""
    count(UNRECOGNIZED_FRAMES_METRIC, type=frame_type, endpoint=endpoint)


def reset_counter() -> None:
    """Forget the counters and remove them from prometheus-client's default registry, so the
    next count starts a fresh one, from zero. For tests."""
    with _lock:
        counters = [counter for counter in _counters.values() if counter is not None]
        _counters.clear()
    if counters:
        from prometheus_client import REGISTRY

        for counter in counters:
            with contextlib.suppress(KeyError):  # the application unregistered it already
                REGISTRY.unregister(counter)


def _resolve(name: str) -> Any:
    documentation, labels = _COUNTERS[name]
    with _lock:
        if name not in _counters:
            _counters[name] = _create(name, documentation, labels)
        return _counters[name]


def _create(name: str, documentation: str, labels: tuple[str, ...]) -> Any:
    try:
        from prometheus_client import REGISTRY, Counter
    except ImportError:
        return None
    try:
        return Counter(name, documentation, labels)
    except ValueError:
        # Already registered (another copy of this module, or the application did it):
        # prometheus-client has no public lookup, so read its name table.
        names = getattr(REGISTRY, "_names_to_collectors", {})
        return names.get(name)
