"""Request-model validation with the real server's (pydantic's lax mode) rules and messages.

A model is a mapping of field names to ``Spec``; ``validate`` checks a JSON object against it
and returns the converted values, or raises one 422 listing every failed field, each with the
``type``, ``msg``, ``input`` and ``ctx`` FastAPI reports.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from juniper_cascor_fake_server.domain.errors import FieldError, Loc, validation_failed

__all__ = ["Spec", "check", "validate"]

_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "f", "false", "n", "no", "off"})


@dataclass(frozen=True)
class Spec:
    """One field: its ``kind`` (int, float, bool, str, list or choice) and its bounds.

    ``choices`` makes it a ``Literal`` of those strings; ``required`` makes it mandatory.
    """

    kind: type = float
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    choices: tuple[str, ...] = ()
    required: bool = False


def _bound(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _number(value: Any, kind: type, loc: Loc) -> int | float | FieldError:
    name = "integer" if kind is int else "number"
    if isinstance(value, str):
        try:
            return float(value) if kind is float else int(value.strip())
        except ValueError:
            article = "an" if kind is int else "a"
            return FieldError(
                loc,
                f"Input should be a valid {name}, unable to parse string as {article} {name}",
                f"{kind.__name__}_parsing",
                value,
            )
    if not isinstance(value, int | float):
        return FieldError(loc, f"Input should be a valid {name}", f"{kind.__name__}_type", value)
    if kind is int and isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            return FieldError(
                loc,
                "Input should be a valid integer, got a number with a fractional part",
                "int_from_float",
                value,
            )
        return int(value)
    return float(value) if kind is float else int(value)


def _bounds(number: float, spec: Spec, loc: Loc, raw: Any) -> FieldError | None:
    if spec.ge is not None and not number >= spec.ge:
        words, kind, ctx = "greater than or equal to", "greater_than_equal", {"ge": spec.ge}
    elif spec.gt is not None and not number > spec.gt:
        words, kind, ctx = "greater than", "greater_than", {"gt": spec.gt}
    elif spec.le is not None and not number <= spec.le:
        words, kind, ctx = "less than or equal to", "less_than_equal", {"le": spec.le}
    else:
        return None
    bound = next(iter(ctx.values()))
    return FieldError(loc, f"Input should be {words} {_bound(bound)}", kind, raw, ctx)


def _boolean(value: Any, loc: Loc) -> bool | FieldError:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    kind = "bool_parsing" if isinstance(value, str | int | float) else "bool_type"
    message = "Input should be a valid boolean"
    if kind == "bool_parsing":
        message += ", unable to interpret input"
    return FieldError(loc, message, kind, value)


def check(value: Any, spec: Spec, loc: Loc) -> Any:
    """``value`` converted for ``spec``, or the ``FieldError`` describing why it is not valid."""
    if spec.choices:
        if value in spec.choices:
            return value
        quoted = [repr(choice) for choice in spec.choices]
        expected = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
        return FieldError(
            loc, f"Input should be {expected}", "literal_error", value, {"expected": expected}
        )
    if spec.kind is bool:
        return _boolean(value, loc)
    if spec.kind is str:
        if isinstance(value, str):
            return value
        return FieldError(loc, "Input should be a valid string", "string_type", value)
    if spec.kind in (list, dict):
        if isinstance(value, spec.kind):
            return value
        name = "list" if spec.kind is list else "dictionary"
        return FieldError(loc, f"Input should be a valid {name}", f"{name[:4]}_type", value)
    number = _number(value, spec.kind, loc)
    if isinstance(number, FieldError):
        return number
    return _bounds(number, spec, loc, value) or number


def validate(
    body: Any,
    model: Mapping[str, Spec],
    loc: Loc = ("body",),
    *,
    forbid_extra: bool = False,
) -> dict[str, Any]:
    """The fields of ``body`` that ``model`` knows, converted; ``None`` values are left out.

    Unknown keys are ignored, or refused with ``extra_forbidden`` when ``forbid_extra``.

    Raises:
        ServiceError: 422 listing every failed field.
    """
    if not isinstance(body, dict):
        raise validation_failed(
            [
                FieldError(
                    loc,
                    "Input should be a valid dictionary or object to extract fields from",
                    "model_attributes_type",
                    body,
                )
            ]
        )
    errors: list[FieldError] = []
    values: dict[str, Any] = {}
    for name, spec in model.items():
        if body.get(name) is None:
            if spec.required:
                errors.append(FieldError((*loc, name), "Field required", "missing", body))
            continue
        result = check(body[name], spec, (*loc, name))
        if isinstance(result, FieldError):
            errors.append(result)
        else:
            values[name] = result
    if forbid_extra:
        errors.extend(
            FieldError((*loc, key), "Extra inputs are not permitted", "extra_forbidden", body[key])
            for key in body
            if key not in model
        )
    if errors:
        raise validation_failed(errors)
    return values
