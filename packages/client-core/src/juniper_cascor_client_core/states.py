"""Training state names, whichever way a server spells them.

juniper-cascor 0.12 reports the training state in two spellings: upper case in
``data.state_machine.status`` of ``GET /v1/training/status`` and of ``initial_status`` frames
(``STARTED``, ``COMPLETED``...), and title case in ``data.training_state.status`` and ``state``
frames (``Started``, ``Completed``...). Older servers and dashboards also used
``Running``/``Training`` for a run in progress and ``Complete`` for a finished one.
:func:`normalize_state` maps all of them to the upper-case names of
:data:`STATE_MACHINE_STATES`::

    >>> normalize_state("Completed")
    'COMPLETED'
    >>> normalize_state("running")
    'STARTED'
"""

from __future__ import annotations

from typing import Final

__all__ = ["FINAL_STATES", "STATE_MACHINE_STATES", "normalize_state"]

STATE_MACHINE_STATES: Final = (
    "STOPPED",
    "STARTED",
    "PAUSED",
    "COMPLETED",
    "FAILED",
    "RESUME_READY",
    "INVESTIGATING",
    "REPLAYING",
)
"""Every state of juniper-cascor 0.12's training state machine (``state_machine.status``):
the run states, then those of a loaded snapshot (ready to resume, investigated, replayed)."""

FINAL_STATES: Final = frozenset({"COMPLETED", "STOPPED", "FAILED"})
"""The states a run ends in: nothing changes until someone starts, resets or loads again."""

_LEGACY_NAMES: Final = {"RUNNING": "STARTED", "TRAINING": "STARTED", "COMPLETE": "COMPLETED"}


def normalize_state(name: object) -> str | None:
    """Return the upper-case name of a training state however it was spelled.

    Any case is accepted and surrounding spaces are ignored; ``Running``/``Training`` become
    ``STARTED`` and ``Complete`` becomes ``COMPLETED``. A name outside
    :data:`STATE_MACHINE_STATES` is returned upper-cased, so a state added by a newer server
    still compares consistently.

    Returns:
        The normalised name, or ``None`` when ``name`` is not a non-empty string.
    """
    if not isinstance(name, str) or not name.strip():
        return None
    key = name.strip().upper()
    return _LEGACY_NAMES.get(key, key)
