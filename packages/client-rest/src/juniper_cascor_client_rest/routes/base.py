"""The one method every route mixin builds on, and the helpers of their bodies."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any

from juniper_cascor_client_core import JuniperCascorValidationError

__all__ = ["Requester", "compact", "path_index"]


class Requester(ABC):
    """Sends one call under ``{base_url}/v1``; the route mixins call nothing else."""

    @abstractmethod
    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        timeout: float | tuple[float, float] | None = None,
    ) -> dict[str, Any]:
        """Send ``method`` to ``{base_url}/v1{path}`` and return the parsed JSON body."""


def compact(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The ``fields`` whose value is not ``None``: what a body sends, leaving the rest to the
    server's defaults."""
    return {key: value for key, value in fields.items() if value is not None}


def path_index(value: int, what: str) -> str:
    """Return an integer path parameter as its segment.

    Raises:
        JuniperCascorValidationError: When ``value`` is not an ``int`` (``bool`` excluded);
            nothing is sent.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise JuniperCascorValidationError(f"{what} must be an int: {value!r}")
    return str(value)
