"""Training state names, whichever way a server spells them.

juniper-cascor 0.12 reports the training state in two spellings: upper case in
``initial_status.data.state_machine.status`` (``STARTED``, ``COMPLETED``...) and title case in
``state`` frames and ``initial_status.data.training_state.status`` (``Started``,
``Completed``...). Older servers and dashboards also used ``Running``/``Training`` for a run in
progress and ``Complete`` for a finished one. :func:`normalize_state` maps all of them to the
upper-case names of :data:`TRAINING_STATES` (the function is client-core's)::

    >>> normalize_state("Completed")
    'COMPLETED'
    >>> normalize_state("running")
    'STARTED'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from juniper_cascor_client_core.states import normalize_state

__all__ = ["TRAINING_STATES", "normalize_state", "state_in_frame"]

TRAINING_STATES: Final = ("STOPPED", "STARTED", "PAUSED", "COMPLETED", "FAILED", "INVESTIGATING")
"""The states of juniper-cascor 0.12's training state machine."""


def state_in_frame(frame: Mapping[str, Any]) -> str | None:
    """The normalised training state a ``/ws/training`` frame reports, if it reports one.

    ``state`` frames carry it in ``data.status``; ``initial_status`` frames in
    ``data.state_machine.status`` (or ``data.training_state.status``).
    """
    data = frame.get("data")
    if not isinstance(data, Mapping):
        return None
    kind = frame.get("type")
    if kind == "state":
        return normalize_state(data.get("status"))
    if kind == "initial_status":
        for section in ("state_machine", "training_state"):
            part = data.get(section)
            if isinstance(part, Mapping) and (state := normalize_state(part.get("status"))):
                return state
    return None
