"""The tensor dtypes the worker protocol carries: bool, integers, floats and complex numbers.

Object, string, bytes, void/structured, datetime and timedelta dtypes are refused, and so
are ``longdouble``/``clongdouble`` (``float128``, ``complex256``), whose memory layout is
platform specific and therefore not portable between hosts.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

SUPPORTED_DTYPE_NAMES: tuple[str, ...] = (
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float16",
    "float32",
    "float64",
    "complex64",
    "complex128",
)
"""Canonical names of the supported dtypes; either byte order of each is accepted."""

# Item sizes per dtype kind that have the same memory layout on every host.
_PORTABLE_ITEMSIZES = {
    "b": (1,),
    "i": (1, 2, 4, 8),
    "u": (1, 2, 4, 8),
    "f": (2, 4, 8),
    "c": (8, 16),
}

# Spellings already resolved to a supported dtype. The set of such spellings is small and
# finite (aliases of fourteen dtypes), so the cap is only a second line of defence.
_RESOLVED: dict[str, np.dtype[Any]] = {}
_RESOLVED_CAP = 256


def is_supported_dtype(dtype: np.dtype[Any]) -> bool:
    """Tell whether the protocol carries arrays of ``dtype`` (see ``SUPPORTED_DTYPE_NAMES``)."""
    return dtype.itemsize in _PORTABLE_ITEMSIZES.get(dtype.kind, ()) and dtype.fields is None


def parse_dtype(text: str) -> np.dtype[Any] | None:
    """Return the numpy dtype that ``text`` names, or ``None`` when numpy does not know it.

    The result may still be unsupported: check it with ``is_supported_dtype``. Never raises.
    """
    resolved = _RESOLVED.get(text)
    if resolved is not None:
        return resolved
    # The text is untrusted. numpy's dtype parser raises TypeError, ValueError or
    # SyntaxError depending on the spelling and warns about deprecated aliases ("a");
    # every failure means the same thing here, so this is the one place they are caught.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            dtype = np.dtype(text)
        except Exception:
            return None
    if is_supported_dtype(dtype) and len(_RESOLVED) < _RESOLVED_CAP:
        _RESOLVED[text] = dtype
    return dtype


def unsupported_dtype_message(spelling: str) -> str:
    """Describe why the dtype spelled ``spelling`` is refused, naming the supported ones."""
    return (
        f"dtype {spelling!r} is not supported: only {', '.join(SUPPORTED_DTYPE_NAMES)} "
        "(either byte order) are carried"
    )
