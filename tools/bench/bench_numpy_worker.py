"""Milliseconds per epoch of ``train_candidate`` against a plain numpy epoch, and the torch worker.

A realistic task (N=1000 rows, 10 inputs, 3 outputs, Tanh, up to 300 epochs) is trained by:

- ``train_candidate``: the numpy worker's computation, which adds every sum, dot product and
  norm in torch's order so that it reproduces the torch worker bit for bit;
- a plain numpy reference written inline below: the same epoch (forward pass, correlations,
  analytic gradient step, early stopping) with ``np.sum``, ``@`` and ``np.linalg.norm``, in
  whatever order numpy adds (its own initial weights, so it may stop at another epoch);
- when the real worker is importable (run with its environment), the torch worker's own
  ``execute_training_task``, as it runs in a deployed worker (its per-epoch INFO logging
  included).

Each figure is the best of several runs, divided by the epochs it trained plus the final pass.
Budgets: ``train_candidate`` at most 5x the reference (an ordered sum costs about a dozen numpy
calls where ``np.sum`` costs one; that is the price of bit-exact results), and no slower than
the torch worker. Run: ``uv run python tools/bench/bench_numpy_worker.py``, or with the real
worker's python for the torch figure.
"""

from __future__ import annotations

import importlib
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "packages/numpy-worker/src"))

from juniper_cascor_numpy_worker.candidate import CandidateTask, train_candidate

ROWS, INPUTS, OUTPUTS = 1000, 10, 3
EPOCHS = 300
REPEATS = 5
REFERENCE_BUDGET = 5.0  # adding in torch's order takes ~12 numpy calls per sum instead of 1
TORCH_BUDGET = 1.0  # the numpy worker must not be slower than the torch worker per epoch


def _task() -> CandidateTask:
    rng = np.random.default_rng(0)
    inputs = rng.standard_normal((ROWS, INPUTS)).astype(np.float32)
    weights = rng.standard_normal((INPUTS, OUTPUTS))
    residual = (np.tanh(inputs @ weights) - 0.5 * np.tanh(inputs @ weights * 0.3)).astype(
        np.float32
    )
    return CandidateTask(
        inputs=inputs,
        residual_error=residual,
        activation_name="Tanh",
        candidate_index=1,
        candidate_seed=5,
        epochs=EPOCHS,
        learning_rate=0.05,
    )


def reference_epochs(task: CandidateTask) -> int:
    """The same training in plain numpy (any summation order); returns the epochs run."""
    x = task.inputs
    error = task.residual_error - task.residual_error.mean(axis=0)
    error_norms = np.linalg.norm(error, axis=0)
    rng = np.random.default_rng(task.candidate_seed + task.candidate_index)
    w = (rng.standard_normal(int(x.shape[1])) * 0.1).astype(np.float32)
    b = np.float32(rng.standard_normal() * 0.1)
    rate = np.float32(task.learning_rate)
    best, stalled, epoch = 0.0, 0, 0
    for epoch in range(1, task.epochs + 1):  # noqa: B007 - the count is the result
        y = np.tanh(x @ w + b)
        centred = y - y.mean()
        numerators = centred @ error
        output_norm = np.linalg.norm(centred)
        denominators = output_norm * error_norms + np.float32(1e-8)
        correlations = np.abs(numerators / denominators)
        j = int(np.argmax(correlations))
        ratio = numerators[j] / denominators[j]
        sign = -np.sign(ratio)
        grad_centred = (sign / denominators[j]) * error[:, j]
        if output_norm:
            grad_norm = -sign * ratio / denominators[j] * error_norms[j]
            grad_centred += centred * (grad_norm / output_norm)
        grad_y = grad_centred - grad_centred.mean()
        grad_z = grad_y * (1 - y * y)
        w = w - rate * (grad_z @ x)
        b = b - rate * grad_z.sum()
        if correlations[j] > abs(best) + 1e-3:
            best, stalled = float(correlations[j]), 0
        else:
            stalled += 1
        if stalled >= 50:
            break
    return epoch


def _per_epoch(run: Callable[[], int]) -> float:
    """Best seconds per epoch over ``REPEATS`` runs (one extra epoch: the final pass)."""
    best = float("inf")
    for _ in range(REPEATS):
        started = time.perf_counter()
        epochs = run()
        best = min(best, (time.perf_counter() - started) / (epochs + 1))
    return best


def _torch_per_epoch(task: CandidateTask) -> float | None:
    """The torch worker's seconds per epoch, or ``None`` when it is not importable."""
    try:
        executor = importlib.import_module("juniper_cascor_worker.task_executor")
    except ImportError:
        return None
    candidate_data = {
        "candidate_index": task.candidate_index,
        "input_size": INPUTS,
        "activation_name": task.activation_name,
        "random_value_scale": 0.1,
        "candidate_uuid": "bench",
        "candidate_seed": task.candidate_seed,
        "random_max_value": task.random_max_value,
        "sequence_max_value": task.sequence_max_value,
    }
    params = {"epochs": task.epochs, "learning_rate": task.learning_rate}
    tensors = {"candidate_input": task.inputs, "residual_error": task.residual_error}

    def run() -> int:
        result, _ = executor.execute_training_task(candidate_data, params, tensors)
        epochs: int = result["epochs_completed"]
        return epochs

    return _per_epoch(run)


def main() -> None:
    """Measure and print each figure, its ratio and budget."""
    task = _task()
    ours = _per_epoch(lambda: train_candidate(task).epochs_completed)
    reference = _per_epoch(lambda: reference_epochs(task))
    print(f"task: N={ROWS}, inputs={INPUTS}, outputs={OUTPUTS}, Tanh, up to {EPOCHS} epochs")
    print(f"train_candidate        {ours * 1e3:8.3f} ms/epoch")
    print(f"plain numpy reference  {reference * 1e3:8.3f} ms/epoch")
    ratio = ours / reference
    verdict = "PASS" if ratio <= REFERENCE_BUDGET else "OVER"
    print(f"{verdict} train_candidate / reference: {ratio:.2f}x (budget <= {REFERENCE_BUDGET}x)")
    torch = _torch_per_epoch(task)
    if torch is None:
        print("torch worker: not importable here (run with the real worker's python)")
        return
    print(f"torch worker           {torch * 1e3:8.3f} ms/epoch")
    ratio = ours / torch
    verdict = "PASS" if ratio <= TORCH_BUDGET else "OVER"
    print(f"{verdict} train_candidate / torch worker: {ratio:.2f}x (budget <= {TORCH_BUDGET}x)")


if __name__ == "__main__":
    main()
