"""Reassembly of ``chunked_message`` frames (sans-I/O).

A broadcast too large for one frame arrives as chunks ``{chunk_id, chunk_index, total_chunks,
original_type, payload}``; joining the payloads in index order gives the JSON text of the
original frame. :class:`ChunkReassembler` collects chunks per ``chunk_id`` and returns that text
when a set is complete. It never holds more than ``max_sets`` incomplete sets, ``max_set_bytes``
of payload in one set, ``max_total_bytes`` over all sets, or a set older than ``max_age``
seconds: the oldest sets make room for new ones, and each set dropped that way is counted in
:attr:`ChunkReassembler.evicted`. A chunk that cannot belong to a valid set raises
:class:`ChunkError` (and its set, if any, is dropped); nothing else escapes :meth:`add`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeGuard

__all__ = ["ChunkError", "ChunkReassembler"]


class ChunkError(ValueError):
    """A ``chunked_message`` chunk is malformed or inconsistent with the rest of its set."""


@dataclass(slots=True)
class _ChunkSet:
    total: int
    started_at: float
    parts: dict[int, str] = field(default_factory=dict)
    size: int = 0


class ChunkReassembler:
    """Collects chunks and returns the original frame's text once its set is complete.

    Args:
        max_sets: Incomplete sets kept at once; a new set evicts the oldest beyond this.
        max_set_bytes: Payload characters one set may hold; a larger set is dropped.
        max_total_bytes: Payload characters held over all incomplete sets.
        max_chunks: Largest ``total_chunks`` accepted.
        max_age: Seconds an incomplete set is kept after its first chunk.
        clock: Monotonic clock, in seconds (injectable for tests).
    """

    def __init__(
        self,
        *,
        max_sets: int = 4,
        max_set_bytes: int = 16 * 2**20,
        max_total_bytes: int = 32 * 2**20,
        max_chunks: int = 1024,
        max_age: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_sets = max_sets
        self.max_set_bytes = max_set_bytes
        self.max_total_bytes = max_total_bytes
        self.max_chunks = max_chunks
        self.max_age = max_age
        self._clock = clock
        self._sets: dict[object, _ChunkSet] = {}
        self._total_size = 0
        self.evicted = 0

    @property
    def pending(self) -> int:
        """Number of incomplete sets held."""
        return len(self._sets)

    @property
    def buffered(self) -> int:
        """Payload characters held over all incomplete sets."""
        return self._total_size

    def clear(self) -> None:
        """Forget every incomplete set (e.g. when the server instance changed)."""
        self._sets.clear()
        self._total_size = 0

    def add(self, data: Mapping[str, object]) -> str | None:
        """Add one chunk (the ``data`` of a ``chunked_message`` frame).

        Returns:
            The joined payload (the original frame's JSON text) when this chunk completes its
            set, else ``None``.

        Raises:
            ChunkError: When the chunk is malformed, its set would exceed ``max_set_bytes``,
                or it contradicts earlier chunks of its set (that set is then dropped).
        """
        chunk_id, index, total, payload = self._fields(data)
        now = self._clock()
        self._expire(now)
        if total == 1:
            return payload
        chunks = self._sets.get(chunk_id)
        if chunks is None:
            chunks = self._open(chunk_id, total, now)
        elif chunks.total != total:
            self._drop(chunk_id)
            raise ChunkError(f"chunk set {chunk_id!r} changed total_chunks to {total}")
        known = chunks.parts.get(index)
        if known is not None:
            if known != payload:
                self._drop(chunk_id)
                raise ChunkError(f"chunk {index} of set {chunk_id!r} arrived twice, differing")
            return None
        if chunks.size + len(payload) > self.max_set_bytes:
            self._drop(chunk_id)
            raise ChunkError(f"chunk set {chunk_id!r} exceeds {self.max_set_bytes} characters")
        self._make_room(len(payload), keep=chunk_id)
        chunks.parts[index] = payload
        chunks.size += len(payload)
        self._total_size += len(payload)
        if len(chunks.parts) < chunks.total:
            return None
        self._drop(chunk_id)
        return "".join(chunks.parts[i] for i in range(chunks.total))

    def _fields(self, data: Mapping[str, object]) -> tuple[object, int, int, str]:
        try:
            chunk_id = data["chunk_id"]
            index = data["chunk_index"]
            total = data["total_chunks"]
            payload = data["payload"]
        except (KeyError, TypeError) as exc:
            raise ChunkError(f"chunk lacks a field: {exc}") from exc
        if not isinstance(chunk_id, str | int) or isinstance(chunk_id, bool):
            raise ChunkError("chunk_id must be a string or an integer")
        if not _is_int(index) or not _is_int(total):
            raise ChunkError("chunk_index and total_chunks must be integers")
        if not 1 <= total <= self.max_chunks:
            raise ChunkError(f"total_chunks must be in 1..{self.max_chunks}, not {total}")
        if not 0 <= index < total:
            raise ChunkError(f"chunk_index {index} is outside 0..{total - 1}")
        if not isinstance(payload, str):
            raise ChunkError("chunk payload must be a string")
        return chunk_id, index, total, payload

    def _open(self, chunk_id: object, total: int, now: float) -> _ChunkSet:
        while len(self._sets) >= self.max_sets:
            self._evict_oldest()
        chunks = _ChunkSet(total=total, started_at=now)
        self._sets[chunk_id] = chunks
        return chunks

    def _make_room(self, size: int, *, keep: object) -> None:
        while self._total_size + size > self.max_total_bytes:
            victim = next((key for key in self._sets if key != keep), None)
            if victim is None:
                return
            self._drop(victim)
            self.evicted += 1

    def _expire(self, now: float) -> None:
        limit = now - self.max_age
        stale = [key for key, chunks in self._sets.items() if chunks.started_at < limit]
        for key in stale:
            self._drop(key)
            self.evicted += 1

    def _evict_oldest(self) -> None:
        self._drop(next(iter(self._sets)))
        self.evicted += 1

    def _drop(self, chunk_id: object) -> None:
        chunks = self._sets.pop(chunk_id)
        self._total_size -= chunks.size


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
