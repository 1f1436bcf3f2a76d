"""Imports of optional dependencies that fail with the extra to install."""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["require"]


def require(module: str, extra: str) -> ModuleType:
    """Import ``module``, or raise an ``ImportError`` naming the extra that provides it.

    Raises:
        ImportError: When ``module``, or a module it imports, is not installed; the message
            names the missing module and says ``pip install 'juniper-cascor-client[<extra>]'``.
    """
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        raise ImportError(
            f"{exc.name or module!r} is not installed; it comes with the [{extra}] extra: "
            f"pip install 'juniper-cascor-client[{extra}]'"
        ) from exc
