"""The success envelope every route but the health probes answers: ``{status, data, meta}``."""

from typing import Generic, TypedDict, TypeVar

__all__ = ["Envelope", "Meta"]

T = TypeVar("T")


class Meta(TypedDict):
    """``meta`` of every envelope: the server's time (Unix seconds) and version."""

    timestamp: float
    version: str


class Envelope(TypedDict, Generic[T]):
    """The success envelope: ``status`` is ``"success"``, ``data`` the answer proper."""

    status: str
    data: T
    meta: Meta
