"""Training state names: both spellings of juniper-cascor 0.12 and the legacy ones."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from juniper_cascor_client_streams import TRAINING_STATES, CascorTrainingStream, normalize_state
from juniper_cascor_client_streams.states import state_in_frame


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("STARTED", "STARTED"),
        ("Started", "STARTED"),
        ("started", "STARTED"),
        (" Completed ", "COMPLETED"),
        ("COMPLETED", "COMPLETED"),
        ("Running", "STARTED"),
        ("training", "STARTED"),
        ("Complete", "COMPLETED"),
        ("Investigating", "INVESTIGATING"),
        ("Something_New", "SOMETHING_NEW"),
        ("", None),
        ("  ", None),
        (None, None),
        (3, None),
    ],
)
def test_normalize_state(name: object, expected: str | None) -> None:
    assert normalize_state(name) == expected


def test_every_state_is_its_own_normal_form() -> None:
    assert all(normalize_state(state) == state for state in TRAINING_STATES)
    assert all(normalize_state(state.title()) == state for state in TRAINING_STATES)


def test_state_in_frame_reads_both_frames() -> None:
    initial = {
        "type": "initial_status",
        "data": {"state_machine": {"status": "PAUSED"}, "training_state": {"status": "Paused"}},
    }
    legacy_initial = {"type": "initial_status", "data": {"training_state": {"status": "Failed"}}}
    assert state_in_frame(initial) == "PAUSED"
    assert state_in_frame(legacy_initial) == "FAILED"
    assert state_in_frame({"type": "state", "data": {"status": "Completed"}}) == "COMPLETED"
    assert state_in_frame({"type": "metrics", "data": {"status": "Completed"}}) is None
    assert state_in_frame({"type": "state", "data": None}) is None


async def test_the_stream_tracks_the_state_in_either_spelling(server) -> None:
    server.send_initial_status = False
    async with CascorTrainingStream(server.url) as stream:
        await server.wait_for(lambda: len(server.training) == 1)
        assert stream.training_state is None
        server.push_training(
            {"type": "initial_status", "data": {"state_machine": {"status": "STARTED"}}}
        )
        kinds = [message["type"] async for message in until(stream, "initial_status")]
        assert stream.training_state == "STARTED"
        server.broadcast("metrics", {"epoch": 1})
        server.broadcast("state", {"status": "Completed"})
        kinds += [message["type"] async for message in until(stream, "state")]
        assert stream.training_state == "COMPLETED"
    assert kinds == ["connection_established", "initial_status", "metrics", "state"]


async def until(stream: CascorTrainingStream, kind: str) -> AsyncIterator[Any]:
    """The stream's messages up to and including the first of type ``kind``."""
    async for message in stream:
        yield message
        if message["type"] == kind:
            return


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["Started", "Completed", "Failed"], "COMPLETED"),  # juniper-cascor 0.12 does this
        (["Started", "Failed"], "FAILED"),
        (["Completed", "Started", "Failed"], "FAILED"),
    ],
)
async def test_a_failed_state_right_after_completed_is_not_taken(
    server, statuses, expected
) -> None:
    async with CascorTrainingStream(server.url) as stream:
        await server.wait_for(lambda: len(server.training) == 1)
        for status in statuses:
            server.broadcast("state", {"status": status})
        server.broadcast("event", {"event": "training_complete"})
        seen = [message["data"].get("status") async for message in until(stream, "event")]
    assert seen[-(len(statuses) + 1) : -1] == statuses
    assert stream.training_state == expected
