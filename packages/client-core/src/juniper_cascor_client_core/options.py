"""Validation of client options: each check names the option and the value it refused.

Every client validates its options here, at construction, so a wrong value fails at once
with :class:`~juniper_cascor_client_core.JuniperCascorConfigurationError` rather than later
with a misleading error. A ``bool`` is never accepted as a number, and ``nan`` never as
anything; infinity is refused wherever it has no meaning (every check here).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Collection, Iterable
from typing import Literal, TypeGuard, TypeVar, overload

from juniper_cascor_client_core.exceptions import JuniperCascorConfigurationError

__all__ = [
    "callable_or_none",
    "check_keywords",
    "instance_of",
    "is_finite_number",
    "non_negative_int",
    "non_negative_number",
    "one_of",
    "positive_int",
    "positive_number",
]

T = TypeVar("T")


def is_finite_number(value: object) -> TypeGuard[int | float]:
    """Whether ``value`` is a finite ``int`` or ``float`` (a ``bool`` is not a number here)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _number(name: str, value: object, wanted: str) -> float:
    """Return ``value`` as a float when it is a finite int or float (not a bool).

    Raises:
        JuniperCascorConfigurationError: Otherwise, naming ``wanted``.
    """
    if not is_finite_number(value):
        raise JuniperCascorConfigurationError(f"{name} must be {wanted}: {value!r}")
    return float(value)


@overload
def positive_number(name: str, value: object, *, allow_none: Literal[False] = ...) -> float: ...
@overload
def positive_number(name: str, value: object, *, allow_none: bool) -> float | None: ...
def positive_number(name: str, value: object, *, allow_none: bool = False) -> float | None:
    """Return ``value`` when it is a finite number > 0 (or ``None`` when ``allow_none``).

    Raises:
        JuniperCascorConfigurationError: Otherwise.
    """
    if value is None and allow_none:
        return None
    wanted = "a positive number" + (" or None" if allow_none else "")
    number = _number(name, value, wanted)
    if number <= 0:
        raise JuniperCascorConfigurationError(f"{name} must be {wanted}: {value!r}")
    return number


def non_negative_number(name: str, value: object, *, minimum: float = 0.0) -> float:
    """Return ``value`` when it is a finite number >= ``minimum`` (0 by default).

    Raises:
        JuniperCascorConfigurationError: Otherwise.
    """
    wanted = "a number >= 0" if minimum == 0 else f"a number >= {minimum:g}"
    number = _number(name, value, wanted)
    if number < minimum:
        raise JuniperCascorConfigurationError(f"{name} must be {wanted}: {value!r}")
    return number


@overload
def positive_int(name: str, value: object, *, allow_none: Literal[False] = ...) -> int: ...
@overload
def positive_int(name: str, value: object, *, allow_none: bool) -> int | None: ...
def positive_int(name: str, value: object, *, allow_none: bool = False) -> int | None:
    """Return ``value`` when it is an int >= 1 (not a bool), or ``None`` when ``allow_none``.

    Raises:
        JuniperCascorConfigurationError: Otherwise.
    """
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        wanted = "a positive int" + (" or None" if allow_none else "")
        raise JuniperCascorConfigurationError(f"{name} must be {wanted}: {value!r}")
    return value


def non_negative_int(name: str, value: object) -> int:
    """Return ``value`` when it is an int >= 0 (not a bool).

    Raises:
        JuniperCascorConfigurationError: Otherwise.
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise JuniperCascorConfigurationError(f"{name} must be an int >= 0: {value!r}")
    return value


def one_of(name: str, value: T, choices: Collection[T]) -> T:
    """Return ``value`` when it is one of ``choices``.

    Raises:
        JuniperCascorConfigurationError: Otherwise, listing the choices.
    """
    if value not in choices:
        listed = ", ".join(repr(choice) for choice in choices)
        raise JuniperCascorConfigurationError(f"{name} must be one of {listed}: {value!r}")
    return value


def instance_of(name: str, value: object, kind: type[T], *, allow_none: bool = False) -> T | None:
    """Return ``value`` when it is a ``kind`` (or ``None`` when ``allow_none``).

    Raises:
        JuniperCascorConfigurationError: Otherwise, naming ``kind``.
    """
    if value is None and allow_none:
        return None
    if not isinstance(value, kind):
        wanted = kind.__name__ + (" or None" if allow_none else "")
        raise JuniperCascorConfigurationError(f"{name} must be a {wanted}: {value!r}")
    return value


def callable_or_none(name: str, value: object) -> Callable[..., object] | None:
    """Return ``value`` when it is callable or ``None``.

    Raises:
        JuniperCascorConfigurationError: Otherwise.
    """
    if value is not None and not callable(value):
        raise JuniperCascorConfigurationError(f"{name} must be callable or None: {value!r}")
    return value


def check_keywords(owner: str, given: Iterable[str], valid: Collection[str]) -> None:
    """Refuse a keyword argument of ``owner`` that is not in ``valid``, as Python does.

    Raises:
        TypeError: For the first unknown keyword, suggesting the closest valid one.
    """
    for keyword in given:
        if keyword in valid:
            continue
        message = f"{owner}() got an unexpected keyword argument {keyword!r}"
        close = difflib.get_close_matches(keyword, sorted(valid), n=1)
        if close:
            message += f"; did you mean {close[0]!r}?"
        raise TypeError(message)
