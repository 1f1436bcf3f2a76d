"""The chunk reassembler: reassembly in any order, bounds on count, size and age, fuzzing."""

from __future__ import annotations

import contextlib
import json
import random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from juniper_cascor_client_streams.chunks import ChunkError, ChunkReassembler
from juniper_cascor_protocol.envelope import ChunkedMessageEnvelope


def chunks_of(text: str, chunk_id: str = "c1", size: int = 10) -> list[dict[str, Any]]:
    envelopes = ChunkedMessageEnvelope.split(
        text, chunk_id=chunk_id, original_type="topology", slice_size=size
    )
    return [json.loads(envelope.to_json())["data"] for envelope in envelopes]


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@given(text=st.text(min_size=0, max_size=300), size=st.integers(1, 50), seed=st.integers())
def test_any_split_reassembles_in_any_order(text: str, size: int, seed: int) -> None:
    parts = chunks_of(text, size=size)
    random.Random(seed).shuffle(parts)
    reassembler = ChunkReassembler()
    results = [reassembler.add(part) for part in parts]
    assert results[:-1] == [None] * (len(parts) - 1)
    assert results[-1] == text
    assert reassembler.pending == 0
    assert reassembler.buffered == 0


@given(data=st.dictionaries(st.text(max_size=15), st.from_type(object) | st.integers() | st.text()))
def test_add_raises_only_chunk_error(data: dict[str, Any]) -> None:
    reassembler = ChunkReassembler()
    with contextlib.suppress(ChunkError):
        reassembler.add(data)


@given(
    index=st.integers(-3, 5) | st.booleans() | st.none(),
    total=st.integers(-3, 5) | st.text(max_size=2),
    payload=st.text(max_size=5) | st.integers(),
    chunk_id=st.text(max_size=3) | st.integers() | st.lists(st.integers(), max_size=2),
)
def test_chunk_fields_are_checked(index: Any, total: Any, payload: Any, chunk_id: Any) -> None:
    chunk = {"chunk_id": chunk_id, "chunk_index": index, "total_chunks": total, "payload": payload}
    reassembler = ChunkReassembler()
    try:
        result = reassembler.add(chunk)
    except ChunkError:
        return
    assert result is None or result == payload
    assert reassembler.pending <= 1


def test_the_oldest_set_is_evicted_beyond_max_sets() -> None:
    reassembler = ChunkReassembler(max_sets=2)
    for chunk_id in ("a", "b", "c"):
        assert reassembler.add(chunks_of("x" * 30, chunk_id)[0]) is None
    assert reassembler.pending == 2
    assert reassembler.evicted == 1
    assert reassembler.add(chunks_of("x" * 30, "a")[1]) is None  # "a" starts over
    assert reassembler.evicted == 2


def test_a_set_over_max_set_bytes_is_dropped() -> None:
    reassembler = ChunkReassembler(max_set_bytes=25)
    parts = chunks_of("y" * 40)
    reassembler.add(parts[0])
    reassembler.add(parts[1])
    with pytest.raises(ChunkError, match="exceeds"):
        reassembler.add(parts[2])
    assert reassembler.pending == 0
    assert reassembler.buffered == 0


def test_max_total_bytes_evicts_other_sets() -> None:
    reassembler = ChunkReassembler(max_total_bytes=25)
    reassembler.add(chunks_of("a" * 30, "a")[0])
    reassembler.add(chunks_of("b" * 30, "b")[0])
    reassembler.add(chunks_of("c" * 30, "c")[0])
    assert reassembler.buffered <= 25
    assert reassembler.evicted == 1
    assert reassembler.pending == 2


def test_stale_sets_expire_after_max_age() -> None:
    clock = FakeClock()
    reassembler = ChunkReassembler(max_age=10.0, clock=clock)
    old = chunks_of("z" * 30, "old")
    reassembler.add(old[0])
    clock.now = 11.0
    reassembler.add(chunks_of("w" * 30, "new")[0])
    assert reassembler.pending == 1
    assert reassembler.evicted == 1
    assert reassembler.add(old[1]) is None  # the old set starts over, it cannot complete
    assert reassembler.add(old[2]) is None


def test_contradicting_chunks_drop_their_set() -> None:
    reassembler = ChunkReassembler()
    parts = chunks_of("q" * 30)
    reassembler.add(parts[0])
    assert reassembler.add(parts[0]) is None  # an identical repeat is harmless
    with pytest.raises(ChunkError, match="differing"):
        reassembler.add({**parts[0], "payload": "other"})
    assert reassembler.pending == 0
    reassembler.add(parts[0])
    with pytest.raises(ChunkError, match="total_chunks"):
        reassembler.add({**parts[1], "total_chunks": 9})
    assert reassembler.pending == 0


def test_too_many_chunks_are_refused_before_anything_is_kept() -> None:
    reassembler = ChunkReassembler(max_chunks=8)
    chunk = {"chunk_id": "big", "chunk_index": 0, "total_chunks": 10**9, "payload": "p"}
    with pytest.raises(ChunkError, match="total_chunks"):
        reassembler.add(chunk)
    assert reassembler.pending == 0
