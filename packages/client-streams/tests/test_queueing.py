"""The queue policies, alone and between a real socket and a slow consumer."""

from __future__ import annotations

import asyncio

import pytest

from juniper_cascor_client_streams import CascorTrainingStream
from juniper_cascor_client_streams.queueing import MessageQueue, QueueClosedError


def is_metrics(item: tuple[str, int]) -> bool:
    return item[0] == "metrics"


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
    blocked = asyncio.create_task(queue.put(("metrics", 3)))
    await asyncio.sleep(0.01)
    assert not blocked.done()
    assert await queue.get() == ("metrics", 1)
    await asyncio.wait_for(blocked, 1.0)
    assert await drain(queue) == [("metrics", 2), ("metrics", 3)]
    assert queue.dropped == 0


async def test_drop_oldest_keeps_the_newest() -> None:
    queue: MessageQueue[tuple[str, int]] = MessageQueue(3, "drop_oldest")
    for n in range(10):
        await queue.put(("state", n))
    assert await drain(queue) == [("state", 7), ("state", 8), ("state", 9)]
    assert queue.dropped == 7


async def test_latest_keeps_one_metrics_frame_and_every_other_frame() -> None:
    queue: MessageQueue[tuple[str, int]] = MessageQueue(4, "latest", is_coalescable=is_metrics)
    for item in [("metrics", 1), ("state", 1), ("metrics", 2), ("event", 1), ("metrics", 3)]:
        await queue.put(item)
    assert await drain(queue) == [("state", 1), ("event", 1), ("metrics", 3)]
    assert queue.dropped == 2


async def test_latest_blocks_on_a_queue_full_of_other_frames() -> None:
    queue: MessageQueue[tuple[str, int]] = MessageQueue(2, "latest", is_coalescable=is_metrics)
    await queue.put(("state", 1))
    await queue.put(("state", 2))
    blocked = asyncio.create_task(queue.put(("event", 3)))
    await asyncio.sleep(0.01)
    assert not blocked.done()
    await queue.get()
    await asyncio.wait_for(blocked, 1.0)
    assert queue.dropped == 0


async def test_close_wakes_a_blocked_producer_and_reports_the_error() -> None:
    queue: MessageQueue[tuple[str, int]] = MessageQueue(1, "block")
    await queue.put(("state", 1))
    blocked = asyncio.create_task(queue.put(("state", 2)))
    await asyncio.sleep(0.01)
    error = ConnectionError("gone")
    queue.close(error)
    await asyncio.wait_for(blocked, 1.0)
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
    assert [kind for kind, _ in received] == [
        "connection_established",
        "initial_status",
        "state",
        "metrics",
        "event",
    ]
    assert received[3][1] == {"epoch": 29}
    assert dropped == 29
