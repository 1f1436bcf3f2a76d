"""The one exception of the candidate computation.

``CandidateError`` is a ``ValueError``: the task itself cannot be done (bad shapes, non-finite
values, an unknown activation, a seed the torch worker could not use...). The worker answers
it with ``success: false``; ``juniper_cascor_numpy_worker.candidate`` re-exports it.
"""

from __future__ import annotations

__all__ = ["CandidateError"]


class CandidateError(ValueError):
    """A candidate task that cannot be done; the message says why."""
