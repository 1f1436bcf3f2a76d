"""The ``Origin`` check of ``/ws/control`` handshakes."""

from __future__ import annotations

__all__ = ["origin_allowed"]


def _normalised(origin: str) -> str:
    return origin.rstrip("/").lower()


def origin_allowed(origin: str | None, allowlist: tuple[str, ...]) -> bool:
    """Whether a ``/ws/control`` handshake with this ``Origin`` header may proceed.

    An empty allowlist turns the check off (any Origin, or none, passes), as on the real
    server. Otherwise a missing or empty Origin fails, and origins are compared without case
    and without a trailing ``/``.
    """
    if not allowlist:
        return True
    if not origin:
        return False
    return _normalised(origin) in {_normalised(allowed) for allowed in allowlist}
