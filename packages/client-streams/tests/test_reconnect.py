"""Reconnection: the pure policy, and resume across forced drops on a real socket."""

from __future__ import annotations

import asyncio
import math
import random
from typing import Any

import pytest

from juniper_cascor_client_core import (
    JuniperCascorAuthenticationError,
    JuniperCascorConfigurationError,
    JuniperCascorTimeoutError,
    defaults,
)
from juniper_cascor_client_core.backoff import backoff_ceiling, backoff_delay
from juniper_cascor_client_streams import (
    CascorControlStream,
    CascorTrainingStream,
    ReconnectPolicy,
    reconnect,
)
from juniper_cascor_client_streams.reconnect import Backoff

FAST = ReconnectPolicy(initial_delay=0.005, max_delay=0.02)


async def consume_all(stream: CascorTrainingStream) -> list[Any]:
    """Every message until the stream ends (within 5 s)."""
    async with asyncio.timeout(5):
        return [message async for message in stream]


def test_policy_bounds_grow_and_are_capped() -> None:
    policy = ReconnectPolicy(initial_delay=0.5, max_delay=4.0, multiplier=2.0, jitter="none")
    assert [policy.delay(n) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert policy.bound(10**6) == 4.0  # no overflow for huge attempt numbers


def test_full_jitter_stays_below_the_bound() -> None:
    policy = ReconnectPolicy(initial_delay=1.0, max_delay=8.0)
    rng = random.Random(3)
    delays = [policy.delay(4, rng) for _ in range(200)]
    assert all(0.0 <= delay <= 8.0 for delay in delays)
    assert len(set(delays)) > 100


def test_backoff_gives_up_after_max_attempts_and_resets_after_a_stable_connection() -> None:
    backoff = Backoff(ReconnectPolicy(max_attempts=2, reset_after=10.0, jitter="none"))
    assert backoff.next_delay() == 0.5
    assert backoff.next_delay() == 1.0
    assert backoff.next_delay() is None
    assert backoff.exhausted
    backoff.connection_ended(uptime=3.0)  # a short-lived connection does not reset
    assert backoff.exhausted
    backoff.connection_ended(uptime=10.0)
    assert backoff.next_delay() == 0.5


def test_policy_delays_are_client_cores_full_jitter_backoff() -> None:
    policy = ReconnectPolicy(initial_delay=0.25, max_delay=5.0, multiplier=3.0)
    ours, cores = random.Random(11), random.Random(11)
    delays = [policy.delay(n, ours) for n in range(1, 9)]
    expected = [backoff_delay(n - 1, 0.25, 5.0, cores.random, multiplier=3.0) for n in range(1, 9)]
    assert delays == expected
    assert [policy.bound(n) for n in range(1, 5)] == [
        backoff_ceiling(n - 1, 0.25, 5.0, multiplier=3.0) for n in range(1, 5)
    ]


def test_the_default_policy_reads_the_shared_backoff_defaults() -> None:
    policy = ReconnectPolicy()
    assert (policy.initial_delay, policy.max_delay, policy.multiplier) == (
        defaults.DEFAULT_BACKOFF_FACTOR,
        defaults.DEFAULT_MAX_BACKOFF,
        defaults.DEFAULT_BACKOFF_MULTIPLIER,
    )
    assert policy.reset_after == defaults.DEFAULT_RECONNECT_RESET_AFTER


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, float, float, float]]:
    """Every full-jitter draw of the streams (retry index, base, cap, delay), in order."""
    calls: list[tuple[int, float, float, float]] = []

    def recording(
        attempt: int, base: float, cap: float, rand: Any = random.random, *, multiplier: float
    ) -> float:
        delay = backoff_delay(attempt, base, cap, rand, multiplier=multiplier)
        calls.append((attempt, base, cap, delay))
        return delay

    monkeypatch.setattr(reconnect, "backoff_delay", recording)
    return calls


async def test_reconnection_waits_are_drawn_from_the_shared_backoff(server, drawn) -> None:
    async with CascorTrainingStream(server.url, reconnect=FAST) as stream:
        await server.wait_for(lambda: len(server.training) == 1)
        await server.drop_and_wait_for_reconnect()
        assert stream.reconnects == 1
    assert [call[:3] for call in drawn] == [(0, 0.005, 0.02)]
    assert 0.0 <= drawn[0][3] <= 0.005


async def test_connect_retries_wait_with_full_jitter_backoff_from_delay(server, drawn) -> None:
    server.send_handshake = False
    stream = CascorTrainingStream(server.url, handshake_timeout=0.05)
    with pytest.raises(JuniperCascorTimeoutError):
        await stream.connect(retries=3, delay=0.01)
    assert server.attempts == 4
    cap = defaults.DEFAULT_MAX_BACKOFF  # delay doubles up to 30 s (or delay, when larger)
    assert [call[:3] for call in drawn] == [(0, 0.01, cap), (1, 0.01, cap), (2, 0.01, cap)]
    assert all(0.0 <= delay <= 0.01 * 2**attempt for attempt, _, _, delay in drawn)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"retries": -1, "delay": 0.01}, "retries must be an int >= 0: -1"),
        ({"retries": 1.5, "delay": 0.01}, "retries must be an int >= 0: 1.5"),
        ({"retries": 2, "delay": -1}, "delay must be a number >= 0: -1"),
        ({"retries": 2, "delay": math.inf}, "delay must be a number >= 0: inf"),
    ],
)
async def test_invalid_connect_retries_are_refused_before_any_attempt(
    server, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(JuniperCascorConfigurationError, match=message):
        await CascorTrainingStream(server.url).connect(**options)
    assert server.attempts == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"initial_delay": -1},
        {"max_delay": 0.1, "initial_delay": 1},
        {"multiplier": 0.5},
        {"max_attempts": 0},
        {"jitter": "some"},
        {"reset_after": -1},
    ],
)
def test_invalid_policies_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(JuniperCascorConfigurationError):
        ReconnectPolicy(**kwargs)


async def test_resume_across_ten_drops_loses_and_duplicates_nothing(server) -> None:
    reconnects: list[int] = []
    stream = CascorTrainingStream(server.url, reconnect=FAST, on_reconnect=reconnects.append)

    async def produce() -> None:
        while not dropper.done():
            server.broadcast("metrics", {"epoch": server.seq})
            await asyncio.sleep(0.001)
        for _ in range(10):
            server.broadcast("metrics", {"epoch": server.seq})

    async def drop_ten_times() -> None:
        for _ in range(10):
            await server.wait_for(lambda: len(server.training) == 1)
            target = (stream.last_seq or 0) + 5
            await server.wait_for(lambda target=target: (stream.last_seq or 0) >= target)
            await server.drop_and_wait_for_reconnect()

    seqs: list[int] = []
    async with stream:
        await server.wait_for(lambda: len(server.training) == 1)
        dropper = asyncio.create_task(drop_ten_times())
        producer = asyncio.create_task(produce())
        async with asyncio.timeout(20):
            async for message in stream:
                if message["type"] == "metrics":
                    seqs.append(message["seq"])
                    if producer.done() and message["seq"] == server.seq:
                        break
        await producer
    assert len(server.resumes) == 10
    assert all(resume["server_instance_id"] == "instance-1" for resume in server.resumes)
    assert seqs == list(range(1, server.seq + 1))
    assert stream.reconnects == 10
    assert len(reconnects) == 10
    assert stream.gaps == 0
    assert server.replayed > 0  # the drops did lose frames, and the replays filled them in


async def test_resume_failed_is_delivered_and_fresh_state_follows(server) -> None:
    async with CascorTrainingStream(server.url, reconnect=FAST) as stream:
        await server.wait_for(lambda: len(server.training) == 1)
        for epoch in range(3):
            server.broadcast("metrics", {"epoch": epoch})
        await server.wait_for(lambda: stream.last_seq == 3)
        server.instance_id, server.seq = "instance-2", 0  # the server restarted
        server.history.clear()
        await server.drop_and_wait_for_reconnect()
        server.broadcast("metrics", {"epoch": 0})
        types: list[str] = []
        async with asyncio.timeout(5):
            async for message in stream:
                types.append(message["type"])
                if len(types) > 5 and message["type"] == "metrics":
                    break
    assert types[-4:] == ["connection_established", "resume_failed", "initial_status", "metrics"]
    assert server.resumes == [{"last_seq": 3, "server_instance_id": "instance-1"}]
    assert stream.server_instance_id == "instance-2"
    assert stream.last_seq == 1


@pytest.mark.parametrize("refusal", ["close4001", "http403"])
async def test_an_auth_refusal_on_reconnect_ends_the_stream_with_the_error(
    server, refusal: str
) -> None:
    async with CascorTrainingStream(server.url, reconnect=FAST) as stream:
        await server.wait_for(lambda: len(server.training) == 1)
        server.refuse = refusal
        server.drop_all()
        with pytest.raises(JuniperCascorAuthenticationError):
            await consume_all(stream)
    assert server.attempts == 2
    assert stream.close_code == 1006


async def test_a_control_stream_refused_with_403_on_reconnect_stops_reconnecting(server) -> None:
    lost: list[Any] = []
    control = CascorControlStream(server.url, reconnect=FAST, on_disconnect=lost.append)
    async with control:
        server.refuse = "http403"
        server.drop_all()
        refused = (JuniperCascorAuthenticationError,)
        await server.wait_for(lambda: isinstance(control.last_error, refused))
        assert not control.is_connected
        assert isinstance(control.last_error, JuniperCascorAuthenticationError)
        assert control.last_error.status_code == 403
    assert server.attempts == 2
    assert len(lost) == 1


async def test_reconnection_gives_up_after_max_attempts(server) -> None:
    lost: list[Any] = []
    policy = ReconnectPolicy(initial_delay=0.005, max_delay=0.01, max_attempts=3)
    # The first connect must succeed within the handshake timeout; the reconnects fail because
    # no handshake is ever sent.
    stream = CascorTrainingStream(
        server.url, reconnect=policy, handshake_timeout=0.5, on_disconnect=lost.append
    )
    async with stream:
        await server.wait_for(lambda: len(server.training) == 1)
        server.send_handshake = False
        server.drop_all()
        with pytest.raises(JuniperCascorTimeoutError):
            await consume_all(stream)
    assert server.attempts == 4
    assert len(lost) == 1
    assert isinstance(stream.last_error, JuniperCascorTimeoutError)


@pytest.mark.parametrize("bad_seq", [-1, 2**64, 10**30])
async def test_an_out_of_range_seq_is_delivered_but_not_tracked(server, bad_seq) -> None:
    async with CascorTrainingStream(server.url, reconnect=FAST) as stream:
        await server.wait_for(lambda: len(server.training) == 1)
        server.push_training({"type": "event", "timestamp": 1.0, "seq": bad_seq, "data": {}})
        types: list[str] = []
        async with asyncio.timeout(5):
            async for message in stream:
                types.append(message["type"])
                if message["type"] == "event":
                    assert message["seq"] == bad_seq
                    await server.drop_and_wait_for_reconnect()
                    server.broadcast("metrics", {"epoch": 1})
                if message["type"] == "metrics":
                    break
    assert types[-3:] == ["connection_established", "initial_status", "metrics"]
    assert server.resumes == []  # nothing to resume from: the next connection is fresh
    assert stream.last_seq == 1
    assert stream.reconnects == 1


async def test_reconnection_keeps_the_key_and_the_origin(server) -> None:
    server.api_key = "k3y"
    stream = CascorTrainingStream(
        server.url, api_key="k3y", origin="http://dash.example", reconnect=FAST
    )
    async with stream:
        await server.wait_for(lambda: len(server.training) == 1)
        await server.drop_and_wait_for_reconnect()
        assert stream.is_connected
    assert server.keys == ["k3y", "k3y"]
    assert server.origins == ["http://dash.example"] * 2
    assert stream.reconnects == 1


async def test_a_callback_raising_cancelled_error_does_not_stop_the_reader(server) -> None:
    async def cancelled_inside(attempts: int) -> None:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        waiter.cancel()
        await waiter  # raises CancelledError, though nobody cancelled the reader

    async with CascorTrainingStream(
        server.url, reconnect=FAST, on_reconnect=cancelled_inside
    ) as stream:
        await server.wait_for(lambda: len(server.training) == 1)
        await server.drop_and_wait_for_reconnect()
        server.broadcast("metrics", {"epoch": 1})
        message = await asyncio.wait_for(anext_of_type(stream, "metrics"), 5)
        assert stream.is_connected
    assert message["seq"] == 1


async def anext_of_type(stream: CascorTrainingStream, kind: str) -> Any:
    async for message in stream:
        if message["type"] == kind:
            return message
    raise AssertionError(f"the stream ended before a {kind!r} message")


async def test_a_new_connect_after_giving_up_starts_a_fresh_backoff(server) -> None:
    policy = ReconnectPolicy(initial_delay=0.005, max_delay=0.01, max_attempts=2)
    # Some connects must succeed within the handshake timeout, others fail for want of one.
    stream = CascorTrainingStream(server.url, reconnect=policy, handshake_timeout=0.5)
    async with stream:
        await server.wait_for(lambda: len(server.training) == 1)
        server.send_handshake = False
        server.drop_all()
        with pytest.raises(JuniperCascorTimeoutError):
            await consume_all(stream)
        server.send_handshake = True
        await stream.connect()  # the application starts over
        await server.wait_for(lambda: len(server.training) == 1)
        await server.drop_and_wait_for_reconnect()
        await server.wait_for(lambda: stream.reconnects == 1)
        assert stream.is_connected
    assert server.attempts == 1 + 2 + 1 + 1
