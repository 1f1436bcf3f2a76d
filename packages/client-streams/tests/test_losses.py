"""Losses are noticed and reported as they happen: a drop while the consumer is behind, the
frames a restarted server broadcast before the snapshot, and the lone client's unreplayed
outage, with exact counts, ``on_loss`` calls and Prometheus counters."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from juniper_cascor_client_streams import CascorTrainingStream, ReconnectPolicy
from juniper_cascor_client_streams.losses import Loss, LossTracker
from juniper_cascor_client_streams.metrics import (
    CONNECTIONS_LOST_METRIC,
    MISSED_FRAMES_METRIC,
    POSSIBLE_LOSSES_METRIC,
)
from juniper_cascor_client_streams.queueing import QUEUE_POLICIES
from juniper_cascor_fake_server.server import FakeCascorServer

GENEROUS = 10.0  # seconds; well below websockets' keepalive (20 s + 20 s), far above healthy
FAST = ReconnectPolicy(initial_delay=0.01, max_delay=0.05)


def sample(name: str, endpoint: str = "training") -> float:
    from prometheus_client import REGISTRY

    value = REGISTRY.get_sample_value(name, {"endpoint": endpoint})
    return 0.0 if value is None else value


async def next_of(stream: CascorTrainingStream, kind: str) -> dict[str, Any]:
    """Consume messages up to and including the next one of ``kind``."""
    async with asyncio.timeout(GENEROUS):
        async for message in stream:
            assert isinstance(message, dict)
            if message["type"] == kind:
                return message
    raise AssertionError(f"the stream ended before a {kind!r} frame")


# -- the tracker alone -------------------------------------------------------------------


def test_the_tracker_counts_gaps_and_restarts_as_missed_frames() -> None:
    tracker = LossTracker()
    tracker.frames_missed(3, "seq_gap", 10)
    tracker.frames_missed(0, "seq_gap", 14)  # nothing skipped: nothing recorded
    tracker.frames_missed(5, "server_restarted", 20)
    assert (tracker.gaps, tracker.missed, tracker.possible_loss) == (3, 8, 0)
    losses = tracker.take()
    assert [(loss.reason, loss.missed, loss.last_seq) for loss in losses] == [
        ("seq_gap", 3, 10),
        ("server_restarted", 5, 20),
    ]
    assert not any(loss.possible for loss in losses)
    assert not tracker.unreported


@pytest.mark.parametrize(
    ("epochs_before", "after", "suspected"),
    [
        ([1, 2, 3], 4, 0),  # the next epoch: nothing missed
        ([1, 2, 3], 9, 1),  # a jump past the usual step of 1
        ([10, 20, 30], 40, 0),  # metrics every 10 epochs: 40 is the next one
        ([10, 20, 30], 60, 1),
        ([5, 6, 7], 1, 0),  # a new run started: nothing to say
    ],
)
def test_an_epoch_jump_after_an_unreplayed_resume_is_a_possible_loss(
    epochs_before: list[int], after: int, suspected: int
) -> None:
    tracker = LossTracker()
    for epoch in epochs_before:
        tracker.saw_epoch(epoch, None)
    tracker.resumed_without_replay()
    tracker.saw_epoch(after, 42)
    assert tracker.possible_loss == suspected
    assert tracker.missed == 0
    assert [loss.possible for loss in tracker.take()] == [True] * suspected


def test_an_epoch_jump_without_an_unreplayed_resume_is_no_loss() -> None:
    tracker = LossTracker()
    for epoch in (1, 2, 3, 50, 51):
        tracker.saw_epoch(epoch, None)
    assert tracker.possible_loss == 0


def test_the_usual_step_ignores_junk_epochs() -> None:
    tracker = LossTracker()
    for epoch in (1, 2, "3", None, 2.5, 3):
        tracker.saw_epoch(epoch, None)
    tracker.resumed_without_replay()
    tracker.saw_epoch(5, None)
    assert tracker.possible_loss == 1


# -- a drop while the consumer is behind --------------------------------------------------


@pytest.mark.parametrize("policy", QUEUE_POLICIES)
async def test_a_drop_is_reported_at_once_while_the_consumer_is_behind(server, policy) -> None:
    lost = asyncio.Event()
    lost_before = sample(CONNECTIONS_LOST_METRIC)
    stream = CascorTrainingStream(
        server.url, queue_size=4, queue_policy=policy, on_disconnect=lambda _error: lost.set()
    )
    async with stream:
        await server.wait_for(lambda: len(server.training) == 1)
        for n in range(3000):  # far more than the queue, websockets' buffer and TCP's hold
            server.broadcast("event", {"n": n, "pad": "x" * 500})
        await server.wait_for(lambda: stream.last_seq is not None and stream.last_seq >= 3)
        server.drop_all()
        async with asyncio.timeout(GENEROUS):  # nobody consumes meanwhile
            await lost.wait()
        assert not stream.is_connected
        assert stream.connections_lost == 1
        assert sample(CONNECTIONS_LOST_METRIC) == lost_before + 1
        received: list[int] = []
        async with asyncio.timeout(GENEROUS):
            async for message in stream:  # the frames read before the drop are delivered
                if message["type"] == "event":
                    received.append(message["data"]["n"])
    assert received
    if policy != "drop_oldest":
        assert received == list(range(len(received)))  # nothing dropped, in order
    assert received[-1] == stream.last_seq - 1  # seq n + 1 carries event n


# -- the server restarted ------------------------------------------------------------------


async def test_what_a_restarted_server_broadcast_before_the_snapshot_is_missed(server) -> None:
    losses: list[Loss] = []
    missed_before = sample(MISSED_FRAMES_METRIC)
    stream = CascorTrainingStream(server.url, reconnect=FAST, on_loss=losses.append)
    async with stream:
        await server.wait_for(lambda: len(server.training) == 1)
        for epoch in (1, 2, 3):
            server.broadcast("metrics", {"epoch": epoch})
        assert (await next_of(stream, "metrics"))["data"] == {"epoch": 1}
        await next_of(stream, "metrics")
        await next_of(stream, "metrics")
        # a new instance, which broadcast 7 frames before this client came back
        server.instance_id, server.seq = "instance-2", 0
        server.history.clear()
        for epoch in range(7):
            server.next_frame("metrics", {"epoch": epoch})
        server.send_initial_metrics = True
        await server.drop_and_wait_for_reconnect()
        failed = await next_of(stream, "resume_failed")
        await next_of(stream, "initial_metrics")
    assert failed["data"] == {"reason": "server_restarted"}
    assert (stream.missed, stream.gaps, stream.possible_loss) == (7, 0, 0)
    assert [(loss.reason, loss.missed, loss.last_seq) for loss in losses] == [
        ("server_restarted", 7, 3)
    ]
    assert stream.last_seq == 7
    assert sample(MISSED_FRAMES_METRIC) == missed_before + 7


async def test_a_seq_gap_is_missed_and_reported(server) -> None:
    losses: list[Loss] = []
    async with CascorTrainingStream(server.url, on_loss=losses.append) as stream:
        await server.wait_for(lambda: len(server.training) == 1)
        server.broadcast("metrics", {"epoch": 1})
        server.next_frame("metrics", {"epoch": 2})  # numbered, never sent
        server.next_frame("metrics", {"epoch": 3})
        server.broadcast("metrics", {"epoch": 4})
        await next_of(stream, "metrics")
        assert (await next_of(stream, "metrics"))["data"] == {"epoch": 4}
    assert (stream.missed, stream.gaps) == (2, 2)
    assert [(loss.reason, loss.missed, loss.last_seq) for loss in losses] == [("seq_gap", 2, 1)]


# -- the lone client, on the fake juniper-cascor server ----------------------------------


@pytest.fixture
async def fake() -> AsyncIterator[FakeCascorServer]:
    server = FakeCascorServer(allowed_origins=())
    await asyncio.to_thread(server.start)
    try:
        yield server
    finally:
        await asyncio.to_thread(server.stop)


def metrics_data(epoch: int) -> dict[str, Any]:
    return {"epoch": epoch, "loss": 0.5, "accuracy": 0.5}


@pytest.mark.parametrize(("epoch_after", "suspected"), [(6, 1), (3, 0)])
async def test_a_lone_client_resume_that_replayed_nothing_reveals_a_possible_loss(
    fake: FakeCascorServer, epoch_after: int, suspected: int
) -> None:
    losses: list[Loss] = []
    back = asyncio.Event()
    possible_before = sample(POSSIBLE_LOSSES_METRIC)
    stream = CascorTrainingStream(
        fake.ws_url, reconnect=FAST, on_loss=losses.append, on_reconnect=lambda _n: back.set()
    )
    async with stream:
        await next_of(stream, "initial_metrics")
        for epoch in (1, 2):
            await asyncio.to_thread(fake.faults.broadcast, "metrics", metrics_data(epoch))
            assert (await next_of(stream, "metrics"))["data"]["epoch"] == epoch
        await asyncio.to_thread(fake.faults.drop_connections, "training")
        async with asyncio.timeout(GENEROUS):
            await back.wait()
        resumed = await next_of(stream, "resume_ok")
        # epochs 3..5 were emitted while no client was connected: never numbered nor kept
        await asyncio.to_thread(fake.faults.broadcast, "metrics", metrics_data(epoch_after))
        assert (await next_of(stream, "metrics"))["data"]["epoch"] == epoch_after
    assert resumed["data"]["replayed_count"] == 0
    assert (stream.gaps, stream.missed, stream.possible_loss) == (0, 0, suspected)
    assert [(loss.reason, loss.possible) for loss in losses] == [
        ("unreplayed_outage", True)
    ] * suspected
    assert sample(POSSIBLE_LOSSES_METRIC) == possible_before + suspected
