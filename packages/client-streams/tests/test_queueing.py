"""The queue policies, alone and between a real socket and a slow consumer."""

from __future__ import annotations

import asyncio

import pytest

from juniper_cascor_client_streams import CascorTrainingStream
from juniper_cascor_client_streams.queueing import MessageQueue, QueueClosedError
from juniper_cascor_client_streams.training import SUPERSEDING_TYPES

GENEROUS = 10.0  # seconds; a bound no healthy wait comes near


def kind_of(item: tuple[str, int]) -> str | None:
    return item[0] if item[0] in SUPERSEDING_TYPES else None


async def drain(queue: MessageQueue[tuple[str, int]]) -> list[tuple[str, int]]:
    queue.close()
    items = []
    while True:
        try:
            items.append(await queue.get())
        except QueueClosedError:
            return items


async def test_block_waits_for_room() -> None:
    queue: MessageQueue[tuple[str, int]] = MessageQueue(2, "block")
    await queue.put(("metrics", 1))
    await queue.put(("metrics", 2))
    assert not queue.offer(("metrics", 3))  # full: put() has to wait
    blocked = asyncio.create_task(queue.put(("metrics", 3)))
    assert await queue.get() == ("metrics", 1)
    await asyncio.wait_for(blocked, GENEROUS)
    assert await drain(queue) == [("metrics", 2), ("metrics", 3)]
    assert queue.dropped == 0


async def test_drop_oldest_keeps_the_newest() -> None:
    queue: MessageQueue[tuple[str, int]] = MessageQueue(3, "drop_oldest")
    for n in range(10):
        await queue.put(("state", n))
    assert await drain(queue) == [("state", 7), ("state", 8), ("state", 9)]
    assert queue.dropped == 7


async def test_latest_keeps_the_newest_of_each_superseding_kind_in_place() -> None:
    queue: MessageQueue[tuple[str, int]] = MessageQueue(8, "latest", superseding_kind=kind_of)
    items = [("metrics", 1), ("state", 1), ("event", 1), ("metrics", 2), ("state", 2)]
    items += [("cascade_add", 1), ("metrics", 3), ("topology", 1), ("topology", 2)]
    for item in items:
        assert queue.offer(item)
    assert await drain(queue) == [
        ("metrics", 3),  # at the place of the first metrics frame
        ("state", 2),
        ("event", 1),
        ("cascade_add", 1),
        ("topology", 2),
    ]
    assert queue.dropped == 4


async def test_latest_waits_on_a_queue_full_of_frames_that_supersede_nothing() -> None:
    queue: MessageQueue[tuple[str, int]] = MessageQueue(2, "latest", superseding_kind=kind_of)
    assert queue.offer(("event", 1))
    assert queue.offer(("event", 2))
    assert not queue.offer(("event", 3))
    assert not queue.offer(("metrics", 1))  # no place of its kind to take: it waits too
    blocked = asyncio.create_task(queue.put(("event", 3)))
    assert await queue.get() == ("event", 1)
    await asyncio.wait_for(blocked, GENEROUS)
    assert await drain(queue) == [("event", 2), ("event", 3)]
    assert queue.dropped == 0


def test_latest_delivers_metrics_under_a_flood_of_events() -> None:
    """A consumer that reads one frame whenever the queue is full still sees metrics, and
    every event, in order: the metrics place moves towards the head instead of the tail."""
    queue: MessageQueue[tuple[str, int]] = MessageQueue(4, "latest", superseding_kind=kind_of)
    delivered: list[tuple[str, int]] = []
    for n in range(200):
        for item in (("event", n), ("metrics", n)):
            while not queue.offer(item):
                delivered.append(queue.get_nowait())
    while len(queue):
        delivered.append(queue.get_nowait())
    metrics = [n for kind, n in delivered if kind == "metrics"]
    assert [n for kind, n in delivered if kind == "event"] == list(range(200))
    assert len(metrics) >= 50
    assert metrics == sorted(metrics)
    assert metrics[-1] == 199
    assert queue.dropped == 200 - len(metrics)


def test_every_drop_is_reported_to_on_drop() -> None:
    seen: list[int] = []
    queue: MessageQueue[tuple[str, int]] = MessageQueue(
        2, "drop_oldest", on_drop=lambda: seen.append(1)
    )
    for n in range(5):
        assert queue.offer(("state", n))
    assert len(seen) == queue.dropped == 3


async def test_close_wakes_a_blocked_producer_and_reports_the_error() -> None:
    queue: MessageQueue[tuple[str, int]] = MessageQueue(1, "block")
    await queue.put(("state", 1))
    blocked = asyncio.create_task(queue.put(("state", 2)))
    await asyncio.wait([blocked], timeout=0)  # let it start waiting
    assert not blocked.done()
    error = ConnectionError("gone")
    queue.close(error)
    await asyncio.wait_for(blocked, GENEROUS)
    assert await queue.get() == ("state", 1)
    with pytest.raises(QueueClosedError) as closed:
        await queue.get()
    assert closed.value.error is error


def test_invalid_queue_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="maxsize"):
        MessageQueue(0)
    with pytest.raises(ValueError, match="policy"):
        MessageQueue(1, "newest")  # type: ignore[arg-type]


async def read_all_late(server, policy: str, frames: list[tuple[str, dict]]) -> tuple[list, int]:
    """Send ``frames`` to a consumer that reads only once the reader has taken them all."""
    async with CascorTrainingStream(server.url, queue_size=4, queue_policy=policy) as stream:
        await server.wait_for(lambda: len(server.training) == 1)
        for kind, data in frames:
            server.broadcast(kind, data)
        server.broadcast("event", {"event": "end"})
        if policy != "block":
            await server.wait_for(lambda: stream.last_seq == server.seq)
        received = []
        async with asyncio.timeout(5):
            async for message in stream:
                received.append((message["type"], message["data"]))
                if message["data"] == {"event": "end"}:
                    break
        return received, stream.dropped


async def test_block_policy_delivers_everything_through_a_small_queue(server) -> None:
    frames = [("metrics", {"epoch": n}) for n in range(50)]
    received, dropped = await read_all_late(server, "block", frames)
    assert [data for kind, data in received if kind == "metrics"] == [d for _, d in frames]
    assert dropped == 0


async def test_drop_oldest_policy_on_a_stream(server) -> None:
    frames = [("metrics", {"epoch": n}) for n in range(50)]
    received, dropped = await read_all_late(server, "drop_oldest", frames)
    assert [data for _, data in received] == [
        {"epoch": 47},
        {"epoch": 48},
        {"epoch": 49},
        {"event": "end"},
    ]
    assert dropped == 2 + 50 + 1 - 4  # handshake, initial_status, 50 metrics, end; 4 kept


async def test_latest_policy_on_a_stream(server) -> None:
    frames = [("metrics", {"epoch": n}) for n in range(30)]
    frames[10:10] = [("state", {"status": "Paused"})]
    received, dropped = await read_all_late(server, "latest", frames)
    assert received == [
        ("connection_established", received[0][1]),
        ("initial_status", {"training_active": True}),
        ("metrics", {"epoch": 29}),
        ("state", {"status": "Paused"}),
        ("event", {"event": "end"}),
    ]
    assert dropped == 29


async def test_latest_policy_delivers_metrics_and_every_event_under_an_event_flood(server) -> None:
    async with CascorTrainingStream(server.url, queue_size=8, queue_policy="latest") as stream:
        await server.wait_for(lambda: len(server.training) == 1)
        for n in range(300):
            server.broadcast("event", {"n": n})
            server.broadcast("metrics", {"epoch": n})
        server.broadcast("event", {"n": "end"})
        events: list[object] = []
        epochs: list[int] = []
        async with asyncio.timeout(GENEROUS):
            async for message in stream:
                if message["type"] == "event":
                    events.append(message["data"]["n"])
                    if message["data"]["n"] == "end":
                        break
                elif message["type"] == "metrics":
                    epochs.append(message["data"]["epoch"])
    assert events == [*range(300), "end"]
    assert len(epochs) >= 30  # the newest metrics kept reaching the consumer
    assert epochs == sorted(epochs)
    assert epochs[-1] == 299
    assert stream.dropped == 300 - len(epochs)
