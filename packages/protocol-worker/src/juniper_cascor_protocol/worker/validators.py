"""Field validation shared by every worker message: the JSON loader and the ``Fields`` reader.

Every rejection is a ``WorkerProtocolError`` whose ``field`` is the dotted path of the
offending field and whose message starts with that path, e.g.
``"capabilities.cpu_cores: must be an integer, got bool"``. ``bool`` is never accepted
where a number is expected, numbers must be finite, and JSON text may not use the
non-standard ``NaN``/``Infinity`` constants.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Collection, Mapping
from typing import Any, NoReturn, TypeVar

from juniper_cascor_protocol.worker.errors import WorkerProtocolError

MAX_TEXT_FRAME_CHARS = 65_536
"""Longest text frame accepted, in characters."""
WORKER_ID_PATTERN = re.compile(r"\A[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}\Z")
"""What a worker id must match (1 to 64 characters, no leading ``_`` or ``-``)."""
MAX_JSON_DEPTH = 32
"""Deepest nesting accepted inside free-form objects such as ``candidate_data``."""

_T = TypeVar("_T")


def load_json_object(text: object) -> dict[str, Any]:
    """Parse a text frame that must hold one JSON object.

    Raises:
        WorkerProtocolError: When ``text`` is not a ``str``, is longer than
            ``MAX_TEXT_FRAME_CHARS``, is not strict JSON or is not a JSON object.
    """
    if not isinstance(text, str):
        raise WorkerProtocolError(f"text frame must be a str, got {type(text).__name__}")
    if len(text) > MAX_TEXT_FRAME_CHARS:
        raise WorkerProtocolError(
            f"text frame is {len(text)} characters, over the limit of {MAX_TEXT_FRAME_CHARS}"
        )
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as exc:
        raise WorkerProtocolError(f"text frame is not valid JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise WorkerProtocolError(f"text frame must hold a JSON object, got {_kind(value)}")
    return value


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON value")


def _kind(value: object) -> str:
    """Name the JSON-ish kind of ``value`` for an error message."""
    return "null" if value is None else type(value).__name__


def _shown(value: object) -> str:
    """A short repr of ``value`` for an error message."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


class Fields:
    """Read and validate the keys of one JSON object.

    Args:
        data: The object; anything that is not a mapping is refused.
        path: Dotted path of the object inside its message (``""`` for the message).

    Raises:
        WorkerProtocolError: When ``data`` is not a mapping; the readers raise it for a
            missing required key or a value of the wrong type or range.
    """

    __slots__ = ("_data", "_path")

    def __init__(self, data: object, path: str = "") -> None:
        if not isinstance(data, Mapping):
            where = path or "message"
            raise WorkerProtocolError(
                f"{where}: must be an object, got {_kind(data)}", field=path or None
            )
        self._data: Mapping[Any, Any] = data
        self._path = path

    def name(self, key: str) -> str:
        """Return the dotted path of ``key``."""
        return f"{self._path}.{key}" if self._path else key

    def fail(self, key: str, problem: str) -> NoReturn:
        """Raise the error for ``key``.

        Raises:
            WorkerProtocolError: Always, naming the field and the problem.
        """
        field = self.name(key)
        raise WorkerProtocolError(f"{field}: {problem}", field=field)

    def _required(self, key: str) -> object:
        if key not in self._data:
            self.fail(key, "is required")
        return self._data[key]

    def _optional(self, key: str, read: Callable[[str, object], _T]) -> _T | None:
        value = self._data.get(key)
        return None if value is None else read(key, value)

    def names(self) -> list[str]:
        """Return the object's keys, all of which must be non-empty strings."""
        keys = list(self._data)
        for key in keys:
            if not isinstance(key, str) or not key:
                self.fail(str(key), "keys must be non-empty strings")
        return keys

    def nested(self, key: str) -> Fields:
        """Return a reader for the required object under ``key``."""
        return Fields(self._required(key), self.name(key))

    def string(
        self,
        key: str,
        *,
        pattern: re.Pattern[str] | None = None,
        choices: Collection[str] = (),
        empty: bool = False,
    ) -> str:
        """Return the required string under ``key``, matching ``pattern``/``choices``.

        It must not be empty unless ``empty`` is true.
        """
        value = self._required(key)
        if not isinstance(value, str):
            kind = "string" if empty else "non-empty string"
            self.fail(key, f"must be a {kind}, got {_kind(value)}")
        if not value and not empty:
            self.fail(key, f"must be a non-empty string, got {_kind(value)}")
        if pattern is not None and not pattern.match(value):
            self.fail(key, f"must match {pattern.pattern}, got {_shown(value)}")
        if choices and value not in choices:
            options = ", ".join(repr(choice) for choice in choices)
            self.fail(key, f"must be one of {options}, got {_shown(value)}")
        return value

    def optional_string(self, key: str) -> str | None:
        """Return the string under ``key``, or ``None`` when it is missing or null."""
        return self._optional(key, self._check_str)

    def _check_str(self, key: str, value: object) -> str:
        if not isinstance(value, str):
            self.fail(key, f"must be a string or null, got {_kind(value)}")
        return value

    def boolean(self, key: str) -> bool:
        """Return the required boolean under ``key``."""
        value = self._required(key)
        if not isinstance(value, bool):
            self.fail(key, f"must be a boolean, got {_kind(value)}")
        return value

    def integer(self, key: str, *, minimum: int | None = 0) -> int:
        """Return the required integer under ``key``, at least ``minimum`` unless ``None``."""
        return self._check_int(key, self._required(key), minimum, None)

    def identifier(self, key: str) -> str | int:
        """Return the required id under ``key``: a non-empty string or an integer >= 0."""
        value = self._required(key)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        return self.fail(key, f"must be a non-empty string or an integer >= 0, got {_shown(value)}")

    def _check_int(self, key: str, value: object, minimum: int | None, maximum: int | None) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, f"must be an integer, got {_kind(value)}")
        self._check_bounds(key, value, minimum, maximum)
        return value

    def _check_bounds(
        self, key: str, value: float, minimum: float | None, maximum: float | None
    ) -> None:
        if minimum is not None and value < minimum:
            self.fail(key, f"must be at least {minimum}, got {_shown(value)}")
        if maximum is not None and value > maximum:
            self.fail(key, f"must be at most {maximum}, got {_shown(value)}")

    def number(
        self, key: str, *, minimum: float | None = None, maximum: float | None = None
    ) -> float:
        """Return the required finite number under ``key`` as a float, within the bounds."""
        return self._check_number(key, self._required(key), minimum, maximum)

    def optional_number(
        self, key: str, *, minimum: float | None = None, maximum: float | None = None
    ) -> float | None:
        """Return the number under ``key`` like ``number``, or ``None`` when missing or null."""
        return self._optional(
            key, lambda name, value: self._check_number(name, value, minimum, maximum)
        )

    def _check_number(
        self, key: str, value: object, minimum: float | None, maximum: float | None
    ) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(key, f"must be a number, got {_kind(value)}")
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            self.fail(key, f"must be finite, got {_shown(value)}")
        self._check_bounds(key, number, minimum, maximum)
        return number

    def _items(self, key: str, max_items: int | None) -> list[tuple[str, object]]:
        value = self._required(key)
        if not isinstance(value, list | tuple):
            self.fail(key, f"must be a list, got {_kind(value)}")
        if max_items is not None and len(value) > max_items:
            self.fail(key, f"must hold at most {max_items} items, got {len(value)}")
        return [(f"{key}[{index}]", item) for index, item in enumerate(value)]

    def integer_list(
        self, key: str, *, max_items: int | None = None, maximum: int | None = None
    ) -> tuple[int, ...]:
        """Return the required list of integers >= 0 under ``key``, each at most ``maximum``."""
        items = self._items(key, max_items)
        return tuple(self._check_int(name, item, 0, maximum) for name, item in items)

    def number_list(
        self,
        key: str,
        *,
        max_items: int | None = None,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> tuple[float, ...]:
        """Return the required list of finite numbers under ``key``, each within the bounds."""
        items = self._items(key, max_items)
        return tuple(self._check_number(name, item, minimum, maximum) for name, item in items)

    def json_object(self, key: str) -> dict[str, Any]:
        """Return a copy of the required free-form object under ``key``.

        Its content must be plain JSON: objects with string keys, lists, strings, finite
        numbers, booleans and null, nested at most ``MAX_JSON_DEPTH`` levels.
        """
        value = self._required(key)
        if not isinstance(value, Mapping):
            self.fail(key, f"must be an object, got {_kind(value)}")
        copied: dict[str, Any] = self._json_copy(key, value, 0)
        return copied

    def optional_json(self, key: str) -> Any:
        """Return a copy of the free-form JSON value under ``key``, ``None`` when missing."""
        return self._optional(key, lambda name, value: self._json_copy(name, value, 0))

    def _json_copy(self, key: str, value: object, depth: int) -> Any:
        if depth > MAX_JSON_DEPTH:
            self.fail(key, f"nests deeper than {MAX_JSON_DEPTH} levels")
        if value is None or isinstance(value, str | bool | int):
            return value
        if isinstance(value, float):
            return self._check_number(key, value, None, None)
        if isinstance(value, list | tuple):
            return [self._json_copy(f"{key}[{i}]", item, depth + 1) for i, item in enumerate(value)]
        if isinstance(value, Mapping):
            copied: dict[str, Any] = {}
            for name, item in value.items():
                if not isinstance(name, str):
                    self.fail(key, f"object keys must be strings, got {_kind(name)}")
                copied[name] = self._json_copy(f"{key}.{name}", item, depth + 1)
            return copied
        return self.fail(key, f"must hold only JSON values, got {_kind(value)}")
