"""A small, seeded Cascade-Correlation learner in numpy, free of I/O.

``CascadeCorrelationLearner`` drives the algorithm step by step, ``train_candidate`` trains one
candidate unit (in process or on a remote worker), ``xor`` and ``two_spirals`` make inline data.
"""

from juniper_cascor_fake_server.learner.candidates import (
    MAX_WEIGHT,
    CandidateResult,
    CandidateTask,
    score_candidate,
    train_candidate,
)
from juniper_cascor_fake_server.learner.datasets import (
    Dataset,
    dataset_by_name,
    two_spirals,
    xor,
)
from juniper_cascor_fake_server.learner.learner import (
    CascadeCorrelationLearner,
    EpochMetrics,
    LearnerConfig,
    Outcome,
    evaluate,
)
from juniper_cascor_fake_server.learner.network import CascadeNetwork, HiddenUnit

__all__ = [
    "MAX_WEIGHT",
    "CandidateResult",
    "CandidateTask",
    "CascadeCorrelationLearner",
    "CascadeNetwork",
    "Dataset",
    "EpochMetrics",
    "HiddenUnit",
    "LearnerConfig",
    "Outcome",
    "dataset_by_name",
    "evaluate",
    "score_candidate",
    "train_candidate",
    "two_spirals",
    "xor",
]
