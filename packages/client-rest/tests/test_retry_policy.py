"""The pure retry policy: what is retried, backoff bounds, Retry-After parsing."""

from __future__ import annotations

import math
import random
import time
from email.utils import formatdate

import pytest
from hypothesis import given
from hypothesis import strategies as st

from juniper_cascor_client_core import backoff
from juniper_cascor_client_rest import JuniperCascorConfigurationError, RetryPolicy
from juniper_cascor_client_rest.retry import Delivery, backoff_delay, parse_retry_after

NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("method", "delivery", "expected"),
    [
        ("GET", Delivery.MAYBE_SENT, True),
        ("HEAD", Delivery.MAYBE_SENT, True),
        ("POST", Delivery.MAYBE_SENT, False),
        ("PATCH", Delivery.MAYBE_SENT, False),
        ("PUT", Delivery.MAYBE_SENT, False),
        ("DELETE", Delivery.MAYBE_SENT, False),
        ("POST", Delivery.NOT_SENT, True),
        ("DELETE", Delivery.NOT_SENT, True),
        ("GET", Delivery.NOT_SENT, True),
    ],
)
def test_which_failures_are_retried(method: str, delivery: Delivery, expected: bool) -> None:
    assert RetryPolicy().retries_failure(method, delivery) is expected


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_retry_statuses_only_for_get_and_head(status: int) -> None:
    policy = RetryPolicy()
    assert policy.retries_status("GET", status)
    assert policy.retries_status("HEAD", status)
    for method in ("POST", "PATCH", "PUT", "DELETE"):
        assert not policy.retries_status(method, status)


@pytest.mark.parametrize("status", [400, 401, 404, 409, 422, 500, 501, 505])
def test_other_statuses_are_never_retried(status: int) -> None:
    assert not RetryPolicy().retries_status("GET", status)


def test_delay_gives_up_when_retries_are_used_up() -> None:
    policy = RetryPolicy(retries=2, backoff_factor=1.0)
    assert policy.delay(0, rand=lambda: 0.5) == 0.5
    assert policy.delay(1, rand=lambda: 0.5) == 1.0
    assert policy.delay(2, rand=lambda: 0.5) is None
    assert RetryPolicy(retries=0).delay(0) is None


def test_delay_honours_retry_after_up_to_the_cap() -> None:
    policy = RetryPolicy(retries=3, max_retry_after=5.0)
    assert policy.delay(0, retry_after=4.5) == 4.5
    assert policy.delay(0, retry_after=5.0) == 5.0
    assert policy.delay(0, retry_after=5.1) is None


def test_backoff_grows_exponentially_and_is_capped() -> None:
    top = [backoff_delay(i, 0.5, 3.0, rand=lambda: 1.0) for i in range(5)]
    assert top == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert backoff_delay(3, 0.5, 3.0, rand=lambda: 0.0) == 0.0


def test_the_policy_draws_its_waits_from_client_cores_backoff() -> None:
    assert backoff_delay is backoff.backoff_delay  # one backoff for every client
    policy = RetryPolicy(retries=8, backoff_factor=0.25, max_backoff=4.0)
    ours, cores = random.Random(5), random.Random(5)
    waits = [policy.delay(i, rand=ours.random) for i in range(8)]
    assert waits == [backoff.backoff_delay(i, 0.25, 4.0, cores.random) for i in range(8)]
    assert len(set(waits)) == 8  # jittered


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("0", 0.0),
        ("2", 2.0),
        (" 3 ", 3.0),
        ("0.05", 0.05),
        ("-1", None),
        ("nan", None),
        ("inf", None),
        ("1e400", None),
        ("9" * 400, math.inf),
        ("9" * 400 + ".5", math.inf),
        ("soon", None),
        ("", None),
        (formatdate(NOW + 10, usegmt=True), 10.0),
        (formatdate(NOW - 10, usegmt=True), 0.0),
        (time.strftime("%a, %d %b %Y %H:%M:%S -0000", time.gmtime(NOW + 4)), 4.0),
        ("Wed, 21 Oct 2015 07:28:00 -0000", 0.0),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, NOW) == expected


@given(st.text())
def test_parse_retry_after_never_raises(value: str) -> None:
    result = parse_retry_after(value, NOW)
    assert result is None or result >= 0.0


@pytest.mark.parametrize(
    "fields",
    [
        {"retries": -1},
        {"retries": 1.5},
        {"retries": True},
        {"backoff_factor": -0.1},
        {"backoff_factor": float("nan")},
        {"max_retry_after": "5"},
        {"max_backoff": float("inf")},
    ],
)
def test_invalid_policy_is_a_configuration_error(fields: dict[str, object]) -> None:
    (name, value), *_ = fields.items()
    with pytest.raises(JuniperCascorConfigurationError, match=rf"^{name} must be .*: {value!r}$"):
        RetryPolicy(**fields)  # type: ignore[arg-type]
