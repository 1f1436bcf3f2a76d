"""What the ``training_state`` block reports beyond the state machine: counters and candidates.

The trainer updates one ``Progress`` as it goes (output epochs, candidate epochs, the last
pool's correlations); ``TrainingState`` renders it, with the machine's title-case status and
the network's parameters, as the real server's ``training_state`` (the data of ``state`` frames).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from juniper_cascor_fake_server.learner import CandidateResult

__all__ = ["Progress", "iso_now"]


def iso_now() -> str:
    """The current UTC time in ISO 8601 with an offset (``phase_started_at``, snapshots)."""
    return datetime.now(UTC).isoformat()


@dataclass
class Progress:
    """Counters of the current run, named as ``training_state`` reports them."""

    current_epoch: int = 0
    output_epoch: int = 0
    output_total_epochs: int = 0
    candidate_epoch: int = 0
    candidate_total_epochs: int = 0
    grow_iteration: int = 0
    candidates_trained: int = 0
    candidates_total: int = 0
    best_correlation: float = 0.0
    best_candidate_id: int = -1
    best_candidate_uuid: str = ""
    second_candidate_id: int | None = None
    second_candidate_correlation: float = 0.0
    all_correlations: list[float] = field(default_factory=list)
    dataset_name: str = ""
    phase_started_at: str = ""
    timestamp: float = field(default_factory=time.time)

    def touch(self) -> None:
        """Mark a change (``timestamp``)."""
        self.timestamp = time.time()

    def phase_started(self) -> None:
        """A phase began now."""
        self.phase_started_at = iso_now()
        self.touch()

    def pool_done(self, results: list[CandidateResult]) -> None:
        """Record a trained candidate pool (best first)."""
        ranked = sorted(results, key=lambda r: (-r.correlation, r.candidate_index))
        self.grow_iteration += 1
        self.candidates_trained = self.candidates_total = len(results)
        self.all_correlations = [r.correlation for r in results]
        if ranked:
            self.best_correlation = ranked[0].correlation
            self.best_candidate_id = ranked[0].candidate_index
            self.best_candidate_uuid = ranked[0].candidate_uuid
        if len(ranked) > 1:
            self.second_candidate_id = ranked[1].candidate_index
            self.second_candidate_correlation = ranked[1].correlation
        self.candidate_epoch = self.candidate_total_epochs = 0
        self.touch()

    def to_dict(self) -> dict[str, Any]:
        """The counters as ``training_state`` keys."""
        data = asdict(self)
        data["current_step"] = self.current_epoch
        data["all_correlations"] = list(self.all_correlations)
        return data
