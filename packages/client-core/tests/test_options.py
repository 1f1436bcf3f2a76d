"""The option validators: each refusal names the option and the value."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from juniper_cascor_client_core import JuniperCascorConfigurationError
from juniper_cascor_client_core.options import (
    callable_or_none,
    check_keywords,
    instance_of,
    is_finite_number,
    non_negative_int,
    non_negative_number,
    one_of,
    positive_int,
    positive_number,
)


@pytest.mark.parametrize("value", [0, -1, True, math.nan, math.inf, "1", None])
def test_positive_number_refuses(value: object) -> None:
    with pytest.raises(JuniperCascorConfigurationError, match=r"^timeout must be .*: "):
        positive_number("timeout", value)


def test_positive_number_accepts_and_allows_none() -> None:
    assert positive_number("timeout", 2) == 2.0
    assert positive_number("timeout", None, allow_none=True) is None
    with pytest.raises(JuniperCascorConfigurationError, match="or None: nan"):
        positive_number("timeout", math.nan, allow_none=True)


@pytest.mark.parametrize(
    ("check", "wanted", "value"),
    [(positive_int, "a positive int", value) for value in (0, -3, 1.5, True, None, "2")]
    + [(non_negative_int, "an int >= 0", value) for value in (-1, 1.0, True, None, "0")],
)
def test_int_validators_refuse(
    check: Callable[[str, object], int], wanted: str, value: object
) -> None:
    with pytest.raises(
        JuniperCascorConfigurationError, match=f"^size must be {wanted}: {value!r}$"
    ):
        check("size", value)


def test_int_validators_accept() -> None:
    assert positive_int("size", 3) == 3
    assert positive_int("size", None, allow_none=True) is None
    assert non_negative_int("retries", 0) == 0
    assert non_negative_int("retries", 7) == 7


def test_is_finite_number() -> None:
    assert is_finite_number(0)
    assert is_finite_number(-2.5)
    assert not any(is_finite_number(v) for v in (True, math.nan, math.inf, "1", None))


def test_non_negative_number_and_minimum() -> None:
    assert non_negative_number("delay", 0) == 0.0
    with pytest.raises(JuniperCascorConfigurationError, match=r"delay must be a number >= 0: -0.5"):
        non_negative_number("delay", -0.5)
    with pytest.raises(JuniperCascorConfigurationError, match=r"factor must be a number >= 1: 0.5"):
        non_negative_number("factor", 0.5, minimum=1.0)
    with pytest.raises(JuniperCascorConfigurationError, match="inf"):
        non_negative_number("delay", math.inf)


def test_one_of_instance_of_and_callable() -> None:
    assert one_of("policy", "a", ("a", "b")) == "a"
    with pytest.raises(
        JuniperCascorConfigurationError, match=r"policy must be one of 'a', 'b': 'c'"
    ):
        one_of("policy", "c", ("a", "b"))
    assert instance_of("n", None, int, allow_none=True) is None
    with pytest.raises(JuniperCascorConfigurationError, match="n must be a int or None: 'x'"):
        instance_of("n", "x", int, allow_none=True)
    assert callable_or_none("hook", print) is print
    with pytest.raises(JuniperCascorConfigurationError, match="hook must be callable or None: 3"):
        callable_or_none("hook", 3)


def test_check_keywords_suggests_the_closest_name() -> None:
    check_keywords("f", ["reconnect"], {"reconnect", "queue_size"})
    with pytest.raises(
        TypeError,
        match=r"f\(\) got an unexpected keyword argument 'reconect'; did you mean 'reconnect'\?",
    ):
        check_keywords("f", ["reconect"], {"reconnect", "queue_size"})
    with pytest.raises(TypeError) as caught:
        check_keywords("f", ["zzzz"], {"reconnect"})
    assert "did you mean" not in str(caught.value)
