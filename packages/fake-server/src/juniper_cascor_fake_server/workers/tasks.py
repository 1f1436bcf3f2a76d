"""Candidate tasks on the worker wire, as juniper-cascor 0.12.0 frames them (server side).

Sans-I/O helpers built on ``juniper_cascor_protocol.worker``: the server sends a
``task_assign`` and three float32 tensors (``candidate_input`` [N, inputs], ``y`` [N, outputs],
``residual_error`` [N, outputs]) with the activation's TitleCase name. A worker answers with a
``task_result`` and four float32 tensors (``weights``, ``bias``, ``norm_output``,
``norm_error``), read by ``workers.results``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from juniper_cascor_fake_server.learner import CandidateTask
from juniper_cascor_fake_server.learner.activations import activation_by_name
from juniper_cascor_protocol.worker import TaskAssign, encode_sequence

__all__ = ["assign_frames", "task_tensors"]

RANDOM_VALUE_SCALE = 0.1
"""``candidate_data.random_value_scale``: the real server's default initial weight scale."""
RANDOM_MAX_VALUE = 4_294_967_295
"""``candidate_data.random_max_value``: the largest seed a candidate may draw."""
SEQUENCE_MAX_VALUE = 100
"""``candidate_data.sequence_max_value``: the most draws a candidate discards after seeding."""
DISPLAY_FREQUENCY = 25
"""``training_params.display_frequency``: epochs between a candidate's progress reports."""

Float32Array = NDArray[np.float32]


def task_tensors(task: CandidateTask) -> dict[str, Float32Array]:
    """The tensors of a round's tasks in manifest order, as float32.

    ``y`` holds the training targets; without them (a task built by hand) it is zeros of the
    residual error's shape, which no worker reads.
    """
    targets = task.targets if task.targets is not None else np.zeros_like(task.residual_error)
    return {
        "candidate_input": np.ascontiguousarray(task.candidate_input, dtype=np.float32),
        "y": np.ascontiguousarray(targets, dtype=np.float32),
        "residual_error": np.ascontiguousarray(task.residual_error, dtype=np.float32),
    }


def assign_frames(
    task: CandidateTask, task_id: str, round_id: str, tensors: Mapping[str, Float32Array]
) -> list[str | bytes]:
    """The ``task_assign`` text frame of ``task`` followed by ``tensors`` (``task_tensors``).

    Raises:
        KeyError: when the task's activation is unknown.
        WorkerProtocolError: when the tensors cannot be sent.
    """
    message = TaskAssign(
        task_id=task_id,
        round_id=round_id,
        candidate_index=task.candidate_index,
        candidate_data={
            "input_size": int(task.candidate_input.shape[1]),
            "activation_name": activation_by_name(task.activation).name,
            "random_value_scale": RANDOM_VALUE_SCALE,
            "candidate_uuid": task.candidate_uuid,
            "candidate_seed": task.seed,
            "random_max_value": RANDOM_MAX_VALUE,
            "sequence_max_value": SEQUENCE_MAX_VALUE,
        },
        training_params={
            "epochs": task.epochs,
            "learning_rate": task.learning_rate,
            "display_frequency": DISPLAY_FREQUENCY,
        },
        tensor_manifest={},
    )
    return list(encode_sequence(message, tensors))
