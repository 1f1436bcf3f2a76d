"""``FullJitterBackoff``: exponential ceilings up to the cap, uniform delays under them."""

from __future__ import annotations

import random

import pytest

from juniper_cascor_numpy_worker.backoff import FullJitterBackoff


def test_ceilings_double_up_to_the_cap() -> None:
    backoff = FullJitterBackoff(0.5, 6.0)
    ceilings = []
    for _ in range(7):
        ceilings.append(backoff.ceiling())
        backoff.next_delay()
    assert ceilings == [0.5, 1.0, 2.0, 4.0, 6.0, 6.0, 6.0]


def test_delays_are_drawn_under_the_ceiling() -> None:
    backoff = FullJitterBackoff(1.0, 8.0, random.Random(3))
    for _ in range(200):
        ceiling = backoff.ceiling()
        assert 0.0 <= backoff.next_delay() <= ceiling


def test_delays_spread_over_the_whole_range() -> None:
    delays = []
    for seed in range(200):
        backoff = FullJitterBackoff(1.0, 1.0, random.Random(seed))
        delays.append(backoff.next_delay())
    assert min(delays) < 0.1
    assert max(delays) > 0.9


def test_a_seeded_source_repeats_its_delays() -> None:
    first = FullJitterBackoff(1.0, 30.0, random.Random(7))
    second = FullJitterBackoff(1.0, 30.0, random.Random(7))
    assert [first.next_delay() for _ in range(5)] == [second.next_delay() for _ in range(5)]


def test_reset_starts_over() -> None:
    backoff = FullJitterBackoff(1.0, 60.0)
    for _ in range(5):
        backoff.next_delay()
    assert backoff.ceiling() == 32.0
    backoff.reset()
    assert (backoff.attempts, backoff.ceiling()) == (0, 1.0)


def test_many_attempts_stay_finite() -> None:
    backoff = FullJitterBackoff(1.0, 60.0)
    backoff.attempts = 10_000
    assert backoff.ceiling() == 60.0


@pytest.mark.parametrize(("base", "cap"), [(0.0, 1.0), (-1.0, 1.0), (2.0, 1.0), (float("nan"), 1)])
def test_invalid_bounds_are_refused(base: float, cap: float) -> None:
    with pytest.raises(ValueError, match="backoff"):
        FullJitterBackoff(base, cap)
