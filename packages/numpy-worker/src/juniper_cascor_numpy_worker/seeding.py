"""A candidate's initial weights and bias, drawn exactly as the torch worker draws them.

The torch worker (juniper-cascor-worker 0.6.1, through juniper-cascor-model's
``CandidateUnit``) seeds with ``candidate_seed + candidate_index``, 42 when that is 0. It seeds
numpy's global generator (which rejects a seed outside ``[0, 2**32 - 1]``: the torch worker
then answers ``success: false``, so this raises), then Python's ``random`` and torch's CPU
generator, and "rolls" each: a count ``random.randint(0, m)`` drawn from Python's ``random``
(``m`` is ``sequence_max_value``, 10 when 0), capped at 10000, of discarded draws
``randint(0, m)`` from the generator being rolled. numpy's draws are never used again, so only
Python's and torch's rolls matter here. Then ``weights = torch.randn(input_size) * scale`` and
``bias = torch.randn(1) * scale``, the product rounded to float32.
"""

from __future__ import annotations

import random

import numpy as np

from juniper_cascor_numpy_worker.candidate_error import CandidateError
from juniper_cascor_numpy_worker.float32_ops import Float32Array
from juniper_cascor_numpy_worker.torch_random import TorchCpuGenerator

__all__ = ["initial_parameters", "unit_seed"]

_SEED_LIMIT = 2**32 - 1  # numpy's legacy seeding accepts 0..2**32 - 1
_DEFAULT_SEED = 42
_DEFAULT_SEQUENCE_MAX = 10
_MAX_ROLL = 10_000
_RANDINT_LIMIT = 2**63 - 1  # torch.randint's upper bound is an int64


def unit_seed(candidate_seed: int, candidate_index: int) -> int:
    """The seed a candidate is initialised with.

    Raises:
        CandidateError: When it lies outside ``[0, 2**32 - 1]``, where the torch worker fails.
    """
    seed = candidate_seed + candidate_index or _DEFAULT_SEED
    if not 0 <= seed <= _SEED_LIMIT:
        raise CandidateError(
            f"candidate_seed + candidate_index = {seed} is outside [0, {_SEED_LIMIT}], "
            "which the torch worker cannot seed with"
        )
    return seed


def _roll(rng: random.Random, high: int) -> int:
    """One roll's count of discarded draws, drawn from ``rng``."""
    return min(rng.randint(0, high), _MAX_ROLL)


def initial_parameters(
    *,
    candidate_seed: int,
    candidate_index: int,
    input_size: int,
    random_value_scale: float,
    sequence_max_value: int,
) -> tuple[Float32Array, Float32Array]:
    """The float32 ``(weights [input_size], bias [1])`` a candidate starts from.

    Raises:
        CandidateError: When the seed is out of range (see ``unit_seed``), or
            ``sequence_max_value`` is negative or above ``2**63 - 1``.
    """
    seed = unit_seed(candidate_seed, candidate_index)
    high = sequence_max_value or _DEFAULT_SEQUENCE_MAX
    if not 0 <= high <= _RANDINT_LIMIT:
        raise CandidateError(f"sequence_max_value {sequence_max_value} is outside [0, 2**63 - 1]")
    python_random = random.Random(seed)
    for _ in range(_roll(python_random, high)):
        python_random.randint(0, high)
    generator = TorchCpuGenerator(seed)
    generator.discard_randint(_roll(python_random, high), high)
    scale = np.float32(random_value_scale)
    weights: Float32Array = generator.randn(input_size) * scale
    bias: Float32Array = generator.randn(1) * scale
    return weights, bias
