"""The one backoff of every retry: exponential ceilings, capped, with full jitter."""

from __future__ import annotations

import random
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from juniper_cascor_client_core.backoff import backoff_ceiling, backoff_delay
from juniper_cascor_client_core.defaults import DEFAULT_BACKOFF_MULTIPLIER


def test_ceilings_grow_exponentially_up_to_the_cap() -> None:
    assert [backoff_ceiling(n, 0.5, 3.0) for n in range(6)] == [0.5, 1.0, 2.0, 3.0, 3.0, 3.0]
    assert [backoff_ceiling(n, 1.0, 100.0, multiplier=3.0) for n in range(4)] == [1, 3, 9, 27]
    assert [backoff_ceiling(n, 2.0, 9.0, multiplier=1.0) for n in range(3)] == [2.0, 2.0, 2.0]
    assert DEFAULT_BACKOFF_MULTIPLIER == 2.0


def test_a_base_above_the_cap_is_capped_and_a_zero_base_never_waits() -> None:
    assert backoff_ceiling(0, 5.0, 2.0) == 2.0
    assert backoff_ceiling(10**6, 0.0, 30.0) == 0.0
    assert backoff_delay(10**6, 0.0, 30.0, rand=lambda: 0.99) == 0.0


def test_huge_attempt_numbers_reach_the_cap_without_overflow() -> None:
    assert backoff_ceiling(10**6, 0.5, 30.0) == 30.0
    assert backoff_ceiling(10**6, 1e-300, 30.0, multiplier=1.5) == 30.0


def test_full_jitter_spans_the_whole_range_below_the_ceiling() -> None:
    assert backoff_delay(3, 0.5, 30.0, rand=lambda: 0.0) == 0.0
    assert backoff_delay(3, 0.5, 30.0, rand=lambda: 0.5) == 2.0
    assert backoff_delay(3, 0.5, 30.0, rand=lambda: 0.999) < 4.0
    draws = [backoff_delay(2, 1.0, 30.0, random.Random(seed).random) for seed in range(200)]
    assert all(0.0 <= draw < 4.0 for draw in draws)
    assert min(draws) < 0.5  # the low end is drawn, not a band around the ceiling
    assert max(draws) > 3.5


def test_an_injected_random_source_makes_the_delays_reproducible() -> None:
    first = random.Random(42)
    second = random.Random(42)
    delays = [backoff_delay(n, 0.5, 30.0, first.random) for n in range(10)]
    assert delays == [backoff_delay(n, 0.5, 30.0, second.random) for n in range(10)]
    expected = random.Random(42)
    assert delays == [backoff_ceiling(n, 0.5, 30.0) * expected.random() for n in range(10)]


@given(
    st.integers(min_value=0, max_value=10_000),
    st.one_of(st.just(0.0), st.floats(min_value=1e-6, max_value=100)),
    st.floats(min_value=0, max_value=100),
    st.floats(min_value=0, max_value=1, exclude_max=True),
)
def test_every_delay_is_within_the_exact_full_jitter_bounds(
    attempt: int, base: float, cap: float, draw: float
) -> None:
    ceiling = min(Fraction(cap), Fraction(base) * 2**attempt)  # exact, no float rounding
    assert backoff_ceiling(attempt, base, cap) == ceiling
    assert 0.0 <= backoff_delay(attempt, base, cap, rand=lambda: draw) <= ceiling
