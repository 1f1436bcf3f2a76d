"""What a training worker image needs: the worker protocol, numpy, and nothing else.

A worker installs only ``juniper-cascor-protocol-worker`` (numpy is its one dependency). This
script plays both ends of ``/ws/v1/workers`` without a socket: it frames a ``task_assign`` and
its tensors as the server sends them, reads them back as a worker does, answers with a
``task_result`` and reads that back as the server does. Then it checks that pydantic,
websockets and requests were never imported.

    uv run python examples/worker_image.py
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

import numpy as np

from juniper_cascor_protocol.worker import (
    AssembledMessage,
    BinaryFrame,
    TaskAssign,
    TaskResult,
    TensorSequenceAssembler,
    WorkerMessageType,
    encode_sequence,
    parse_worker_message,
)

FORBIDDEN = ("pydantic", "websockets", "requests")


def receive(frames: Iterable[str | bytes]) -> AssembledMessage:
    """Feed frames, in order, as a socket would deliver them; return the assembled message."""
    assembler = TensorSequenceAssembler()
    assembled = None
    for frame in frames:
        assembled = assembler.feed(frame)
    if not isinstance(assembled, AssembledMessage):
        raise SystemExit(f"the frames did not assemble into a task message: {assembled!r}")
    return assembled


def main() -> None:
    # 1. The server's side: a task and its two tensors, one text frame then binary frames.
    rng = np.random.default_rng(0)
    candidate_input = rng.standard_normal((4, 3)).astype(np.float32)
    residual_error = rng.standard_normal((4, 1)).astype(np.float32)
    task = TaskAssign(
        task_id="task-1",
        round_id=1,
        candidate_index=0,
        candidate_data={
            "input_size": 3,
            "activation_name": "sigmoid",
            "candidate_uuid": "c-0",
            "candidate_seed": 7,
        },
        training_params={"epochs": 10, "learning_rate": 0.01},
        tensor_manifest={},  # built from the tensors, in their order
    )
    frames = list(
        encode_sequence(
            task, {"candidate_input": candidate_input, "residual_error": residual_error}
        )
    )
    print(f"task_assign: {len(frames)} frames, the text frame is {len(frames[0])} characters")

    # 2. The worker's side: read the task back, with its tensors checked against the manifest.
    assignment = receive(frames)
    assert isinstance(assignment.message, TaskAssign)
    received_input = assignment.tensors["candidate_input"]
    assert np.array_equal(received_input, candidate_input)
    print(f"worker got {assignment.message.task_id}: candidate_input {received_input.shape}")

    # A toy "training": least-squares weights from the candidate input to the residual error.
    solution, *_ = np.linalg.lstsq(received_input, assignment.tensors["residual_error"])
    weights = solution.astype(np.float32).ravel()
    result = TaskResult(
        task_id=assignment.message.task_id,
        candidate_id=0,
        candidate_uuid="c-0",
        correlation=0.5,
        success=True,
        epochs_completed=10,
        activation_name="sigmoid",
        all_correlations=(0.5,),
        numerator=1.0,
        denominator=2.0,
        best_corr_idx=0,
        tensor_manifest={},
    )
    reply = list(encode_sequence(result, {"weights": weights, "bias": np.zeros(1, np.float32)}))

    # 3. The server's side again: the result and its weights.
    answer = receive(reply)
    assert isinstance(answer.message, TaskResult)
    assert np.array_equal(answer.tensors["weights"], weights)
    print(f"server got {answer.message.type.value} for {answer.message.task_id}: ok")

    # The same messages as plain JSON text, and one tensor through the binary frame codec.
    text = reply[0]
    assert isinstance(text, str)
    parsed = parse_worker_message(text)
    assert parsed.type is WorkerMessageType.TASK_RESULT
    matrix = np.arange(12, dtype=np.float64).reshape(3, 4)
    frame = BinaryFrame.encode(matrix)
    assert np.array_equal(BinaryFrame.decode(frame), matrix)
    print(f"BinaryFrame round trip: {matrix.shape} float64 in {len(frame)} bytes")

    loaded = sorted(name for name in FORBIDDEN if name in sys.modules)
    if loaded:
        raise SystemExit(f"a worker image must not load {', '.join(loaded)}")
    print(f"not loaded: {', '.join(FORBIDDEN)}")


if __name__ == "__main__":
    main()
