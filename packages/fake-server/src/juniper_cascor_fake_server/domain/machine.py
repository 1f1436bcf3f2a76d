"""The training state machine's states and phases, named as the real server reports them.

``state_machine.status``/``phase`` are the upper-case names (``STARTED``, ``OUTPUT``); the
``training_state`` block (and the ``state`` frames) use title case (``Started``, ``Output``) and
report the snapshot states (``RESUME_READY``, ``INVESTIGATING``, ``REPLAYING``) as ``Stopped``,
like the real server.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["ACTIVE", "LOADED_SNAPSHOT", "TrainingPhase", "TrainingStatus"]


class TrainingStatus(StrEnum):
    """States of the training state machine (``data.state_machine.status``)."""

    STOPPED = "STOPPED"
    STARTED = "STARTED"
    PAUSED = "PAUSED"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    RESUME_READY = "RESUME_READY"
    INVESTIGATING = "INVESTIGATING"
    REPLAYING = "REPLAYING"

    @property
    def label(self) -> str:
        """The ``training_state.status`` spelling (``Started``; snapshot states ``Stopped``)."""
        if self in (
            TrainingStatus.RESUME_READY,
            TrainingStatus.INVESTIGATING,
            TrainingStatus.REPLAYING,
        ):
            return "Stopped"
        return self.value.capitalize()


class TrainingPhase(StrEnum):
    """Phases of the training state machine (``data.state_machine.phase``)."""

    IDLE = "IDLE"
    OUTPUT = "OUTPUT"
    CANDIDATE = "CANDIDATE"
    INFERENCE = "INFERENCE"

    @property
    def label(self) -> str:
        """The ``training_state.phase`` spelling (``Output``)."""
        return self.value.capitalize()


ACTIVE = frozenset({TrainingStatus.STARTED, TrainingStatus.PAUSED})
"""A training thread owns the network."""

LOADED_SNAPSHOT = frozenset(
    {TrainingStatus.INVESTIGATING, TrainingStatus.REPLAYING, TrainingStatus.RESUME_READY}
)
"""A snapshot was loaded for inspection, replay or resume."""
