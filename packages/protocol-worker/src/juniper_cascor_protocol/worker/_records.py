"""``record``: an immutable dataclass that is cheap to define.

``dataclass`` compiles every method it generates, and a frozen, slotted class pays for
``__init__``, ``__eq__``, ``__hash__``, ``__repr__``, ``__setattr__`` and ``__delattr__`` and a
second class object: about 1 ms per class on a small machine, which was most of this package's
import cost. A ``record`` generates only ``__init__`` and takes everything else from
:class:`Record`, which reads the fields at call time:

- immutability: each field is assigned once, by ``__init__``; assigning again, assigning a
  name that is not a field, or deleting raises ``dataclasses.FrozenInstanceError``;
- ``==`` between instances of the same class with equal fields (``compare=False`` ignored),
  ``hash`` consistent with it, and a ``repr`` that honours ``field(repr=False)``.

``dataclasses.replace``, ``fields``, ``asdict``, pickling and copying work as for any dataclass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import FrozenInstanceError, dataclass, fields
from typing import Any, TypeVar, dataclass_transform

__all__ = ["Record", "record"]

_T = TypeVar("_T")


class Record:
    """Base of the ``record`` classes: write-once fields, field-wise ``==``, ``hash``, ``repr``."""

    __dataclass_fields__: dict[str, Any]

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self.__dict__ or name not in self.__dataclass_fields__:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f.name) for f in fields(self) if f.compare)  # type: ignore[arg-type]

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((self.__class__, self._values()))

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{f.name}={getattr(self, f.name)!r}"
            for f in fields(self)  # type: ignore[arg-type]
            if f.repr
        )
        return f"{type(self).__qualname__}({shown})"


@dataclass_transform(frozen_default=True)
def record(cls: type[_T]) -> type[_T]:
    """Make ``cls`` (a :class:`Record` subclass) an immutable dataclass."""
    make: Callable[[type[_T]], type[_T]] = dataclass(eq=False, repr=False)
    return make(cls)
