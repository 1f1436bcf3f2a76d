"""Stream faults: dropped connections, silence, slow and queued answers, bad and big frames."""

from __future__ import annotations

import asyncio
import time

import pytest

from cascor_suite.counters import unrecognized_frames
from cascor_suite.data import XOR_EPOCHS, XOR_ONE_HOT, XOR_X, inline_start
from cascor_suite.recorded import count_requests
from cascor_suite.target import QUICK_RECONNECT, Target
from cascor_suite.waits import async_wait_until
from juniper_cascor_client import (
    CascorTrainingStream,
    JuniperCascorClient,
    JuniperCascorClientError,
    JuniperCascorConnectionError,
    JuniperCascorRateLimitedError,
    JuniperCascorStreamClosedError,
    JuniperCascorTimeoutError,
    ReconnectPolicy,
)
from juniper_cascor_client.testing import FakeCascorServer
from juniper_cascor_protocol.envelope import reset_unknown_label_state

_MIB = 1024 * 1024


@pytest.mark.fake_server(resume_buffer_always=True)  # number what a lone client misses
async def test_dropped_training_stream_resumes_without_losing_a_frame(
    target: Target, fake_server: FakeCascorServer, client: JuniperCascorClient
) -> None:
    unknown_before = unrecognized_frames("training")
    target.pace(0.01)
    async with target.watch_training(reconnect=QUICK_RECONNECT) as watch:
        since = watch.mark()
        await asyncio.to_thread(client.create_network, input_size=2, output_size=2)
        await asyncio.to_thread(client.start_training, **inline_start(XOR_X, XOR_ONE_HOT, 5000))
        await watch.wait_for(
            lambda: len(watch.of_type("metrics", since)) >= 3, within=10.0, what="3 metrics"
        )
        assert fake_server.faults.drop_connections("training") == 1
        await watch.next_of_type("resume_ok", since=since)
        await watch.next_of_type("cascade_add", since=since, within=30.0)
        second = watch.mark()
        assert fake_server.faults.drop_connections("training") == 1
        await watch.next_of_type("resume_ok", since=second)
        await watch.wait_event("training_complete", since=since)
        last_sent = fake_server.context.sequence.current_seq

    stream = watch.stream
    seqs = watch.seqs(since)
    assert seqs == list(range(seqs[0], last_sent + 1)), "frames lost, duplicated or reordered"
    assert (stream.reconnects, stream.gaps, stream.duplicates) == (2, 0, 0)
    replayed = [m["data"]["replayed_count"] for m in watch.of_type("resume_ok", since)]
    assert len(replayed) == 2
    assert sum(replayed) > 0, "nothing was missed, so nothing was proven"
    assert len(watch.events("training_complete", since)) == 1
    assert client.get_metrics()["data"]["train_accuracy"] == 1.0
    assert unrecognized_frames("training") == unknown_before


async def test_a_lone_stream_that_drops_misses_what_was_broadcast_meanwhile(
    target: Target, fake_server: FakeCascorServer
) -> None:
    # As on the real server: with no subscriber, a broadcast gets no seq and is not kept.
    async with target.watch_training(reconnect=QUICK_RECONNECT) as watch:
        since = watch.mark()
        fake_server.faults.broadcast("event", {"event": "heard"})
        await watch.wait_event("heard", since=since)
        assert fake_server.faults.drop_connections("training") == 1
        fake_server.faults.broadcast("event", {"event": "missed"})
        resumed = await watch.next_of_type("resume_ok", since=since)
        fake_server.faults.broadcast("event", {"event": "after"})
        await watch.wait_event("after", since=since)
        stream = watch.stream
    assert resumed["data"] == {"replayed_count": 0}
    assert watch.events("missed") == []
    assert watch.seqs(since) == [1, 2], "nothing was numbered while nobody listened"
    assert (stream.gaps, stream.duplicates) == (0, 0)


async def test_dropped_training_stream_without_policy_ends(
    target: Target, fake_server: FakeCascorServer
) -> None:
    async with target.watch_training() as watch:
        assert fake_server.faults.drop_connections("training") == 1
        await watch.wait_ended(within=5.0)
        stream = watch.stream
        assert watch.error is None
        assert not stream.is_connected
        assert isinstance(stream.last_error, JuniperCascorConnectionError)
        assert stream.reconnects == 0


@pytest.mark.parametrize("reconnect", [None, QUICK_RECONNECT], ids=["no-policy", "policy"])
async def test_pending_commands_fail_fast_when_the_connection_drops(
    target: Target,
    fake_server: FakeCascorServer,
    client: JuniperCascorClient,
    reconnect: ReconnectPolicy | None,
) -> None:
    client.create_network(input_size=2, output_size=1)
    fake_server.faults.delay_commands(30.0)
    async with target.control_stream(reconnect=reconnect, command_timeout=30.0) as control:
        pending = asyncio.create_task(control.set_params({"learning_rate": 0.02}, timeout=30.0))
        await async_wait_until(lambda: control.pending_commands == 1, within=5.0, what="pending")
        assert fake_server.faults.drop_connections("control") == 1
        with pytest.raises(JuniperCascorConnectionError) as failed:
            async with asyncio.timeout(5.0):
                await pending
        assert not isinstance(failed.value, JuniperCascorTimeoutError)
        assert control.pending_commands == 0
        if reconnect is None:
            await async_wait_until(lambda: control.last_error, within=5.0, what="closed")
            assert not control.is_connected
            return
        await async_wait_until(lambda: control.reconnects == 1, within=5.0, what="reconnected")
        fake_server.faults.delay_commands(None)
        answer = await control.set_params({"patience": 33})
        assert answer["data"]["status"] == "success"
    params = client.get_training_params()["data"]
    assert params["patience"] == 33
    assert params["learning_rate"] != 0.02, "a command was sent again after reconnecting"


@pytest.mark.fake_server(ping_interval=0.1)
async def test_idle_timeout_detects_a_silent_server(
    target: Target, fake_server: FakeCascorServer
) -> None:
    async with target.watch_training(idle_timeout=1.0) as watch:
        stream = watch.stream
        # 15 pings take 1.5 s: the stream outlived its idle timeout because the server pinged.
        await async_wait_until(lambda: stream.pongs_sent >= 15, within=10.0, what="pings answered")
        assert not watch.ended, "a healthy server that pings was taken for idle"
        fake_server.faults.go_silent(2.5, "training")
        await watch.wait_ended(within=5.0)
        assert watch.error is None
        assert (stream.close_reason or "").startswith("idle timeout")


@pytest.mark.fake_server(idle_timeout=0.3)
async def test_commands_after_the_server_closed_an_idle_connection_fail_at_once(
    target: Target, fake_server: FakeCascorServer
) -> None:
    async with target.control_stream(command_timeout=30.0) as control:
        await async_wait_until(lambda: control.last_error, within=5.0, what="idle close")
        with pytest.raises(JuniperCascorStreamClosedError) as closed:
            async with asyncio.timeout(5.0):
                await control.set_params({"patience": 30})
    assert (closed.value.close_code, closed.value.close_reason) == (1000, "Idle timeout")


async def test_control_command_times_out_on_a_silent_server(
    target: Target, fake_server: FakeCascorServer
) -> None:
    async with target.control_stream() as control:
        fake_server.faults.go_silent(2.0, "control")
        with pytest.raises(JuniperCascorTimeoutError):
            await control.set_params({"learning_rate": 0.02}, timeout=0.5)
        assert control.pending_commands == 0
        assert control.is_connected


async def test_queued_answers_extend_a_command_deadline(
    target: Target, fake_server: FakeCascorServer, client: JuniperCascorClient
) -> None:
    client.create_network(input_size=2, output_size=1)
    fake_server.faults.delay_commands(2.0)  # queued answers every 0.1 s meanwhile
    async with target.control_stream() as control:
        started = time.monotonic()
        answer = await control.set_params({"patience": 31}, timeout=1.0)
        waited = time.monotonic() - started
    assert answer["data"]["status"] == "success"
    assert waited >= 2.0, "the answer came before the server's delay: nothing was extended"


async def test_queued_answers_do_not_extend_past_the_hard_maximum(
    target: Target, fake_server: FakeCascorServer
) -> None:
    fake_server.faults.delay_commands(2.0)
    async with target.control_stream(max_command_wait=0.5) as control:
        with pytest.raises(JuniperCascorTimeoutError):
            await control.set_params({"patience": 32}, timeout=0.25)
        assert control.pending_commands == 0


async def test_bad_frames_are_counted_and_the_streams_survive(
    target: Target, fake_server: FakeCascorServer, client: JuniperCascorClient
) -> None:
    client.create_network(input_size=2, output_size=1)
    reset_unknown_label_state()  # a fresh label budget: "mystery_frame" keeps its own label
    training_before = unrecognized_frames("training")
    control_before = unrecognized_frames("control")
    mystery_before = unrecognized_frames("training", "mystery_frame")
    faults = fake_server.faults
    async with target.watch_training() as watch, target.control_stream() as control:
        since = watch.mark()
        faults.send_malformed_json("training")
        faults.send_unknown_type("training", "mystery_frame")
        faults.send_raw("training", b"\x00\xff not text")
        faults.send_raw("training", "[1, 2, 3]")
        faults.send_oversized("training", 2 * _MIB)
        faults.broadcast("event", {"event": "after_bad_frames"})
        await watch.wait_event("after_bad_frames", since=since)

        faults.send_unknown_type("control", "mystery_frame")
        faults.send_malformed_json("control")
        faults.send_raw("control", b"\x01\x02")
        answer = await control.set_params({"learning_rate": 0.02})
        assert answer["data"]["status"] == "success"
        assert watch.stream.is_connected
        assert control.is_connected

    assert unrecognized_frames("training") - training_before == 4
    assert unrecognized_frames("training", "mystery_frame") - mystery_before == 1
    assert unrecognized_frames("control") - control_before == 3
    blobs = [m["data"]["blob"] for m in watch.of_type("event", since) if "blob" in m["data"]]
    assert [len(blob) for blob in blobs] == [2 * _MIB]


async def test_big_broadcasts_are_reassembled_and_an_oversized_frame_is_survived(
    target: Target, fake_server: FakeCascorServer
) -> None:
    lost: list[JuniperCascorClientError] = []
    options = {"max_size": 64 * 1024, "reconnect": QUICK_RECONNECT, "on_disconnect": lost.append}
    faults = fake_server.faults
    async with target.watch_training(**options) as watch:
        since = watch.mark()
        faults.broadcast("event", {"event": "chunked", "blob": "y" * 200_000})
        chunked = await watch.wait_event("chunked", since=since)
        assert chunked["data"]["blob"] == "y" * 200_000
        faults.send_oversized("training", 256 * 1024)
        faults.broadcast("event", {"event": "after_oversized"})
        await watch.wait_event("after_oversized", since=since)
        stream = watch.stream
        assert stream.is_connected
    assert stream.reconnects == 1
    assert len(lost) == 1
    assert (stream.gaps, stream.duplicates, stream.pending_chunk_sets) == (0, 0, 0)
    assert not [
        m for m in watch.of_type("event", since) if len(m["data"].get("blob", "")) > 200_000
    ]


@pytest.mark.fake_server(ping_interval=0.05)
async def test_a_healthy_server_sends_no_unrecognised_frame(
    target: Target, client: JuniperCascorClient
) -> None:
    before = (unrecognized_frames("training"), unrecognized_frames("control"))
    async with target.watch_training() as watch, target.control_stream() as control:
        since = watch.mark()
        await asyncio.to_thread(client.create_network, input_size=2, output_size=2)
        await asyncio.to_thread(
            client.start_training, **inline_start(XOR_X, XOR_ONE_HOT, XOR_EPOCHS)
        )
        await watch.wait_event("training_complete", since=since)
        assert (await control.set_params({"patience": 30}))["data"]["status"] == "success"
        assert (await control.pause())["data"]["status"] == "error"
        limited = await asyncio.gather(
            *(control.command("pause", raise_on_error=True) for _ in range(15)),
            return_exceptions=True,
        )
        assert any(isinstance(error, JuniperCascorRateLimitedError) for error in limited)
        if target.is_fake:
            await async_wait_until(lambda: watch.stream.pongs_sent > 0, within=5.0, what="ping")
    assert (unrecognized_frames("training"), unrecognized_frames("control")) == before


@pytest.mark.fake_server(ping_interval=0.05, pong_timeout=1.0)
async def test_application_pings_are_answered_on_both_streams(
    target: Target, fake_server: FakeCascorServer, client: JuniperCascorClient
) -> None:
    client.create_network(input_size=2, output_size=1)
    async with target.watch_training() as watch, target.control_stream() as control:
        await async_wait_until(  # 30 pings take 1.5 s, longer than the server's pong timeout
            lambda: min(watch.stream.pongs_sent, control.pongs_sent) >= 30,
            within=10.0,
            what="thirty pings answered on each stream",
        )
        assert (await control.set_params({"patience": 30}))["data"]["status"] == "success"
        assert watch.stream.is_connected
        assert not watch.ended
    assert "ping" not in watch.types()


@pytest.mark.parametrize("path", ["/ws/training", "/ws/control"])
async def test_a_busy_server_is_retried_until_it_accepts(
    target: Target, fake_server: FakeCascorServer, path: str
) -> None:
    channel = path.rsplit("/", 1)[-1]
    fake_server.faults.refuse_handshakes(channel, 1013, times=2, reason="Too many connections")
    stream = target.training_stream() if channel == "training" else target.control_stream()
    await stream.connect(retries=3, delay=0.01)
    try:
        assert stream.is_connected
    finally:
        await stream.disconnect()
    assert count_requests(fake_server, path) == 3


@pytest.mark.fake_server(resume_buffer_always=True)  # "after" is numbered while away
async def test_a_chunked_broadcast_cut_by_a_drop_arrives_once_and_whole(
    target: Target, fake_server: FakeCascorServer
) -> None:
    blob = "z" * 600_000
    async with target.watch_training(reconnect=QUICK_RECONNECT) as watch:
        since = watch.mark()
        fake_server.faults.broadcast("event", {"event": "numbered"})
        await watch.wait_event("numbered", since=since)  # a seq to resume from
        fake_server.faults.broadcast("event", {"event": "big", "blob": blob})
        assert fake_server.faults.drop_connections("training") == 1
        fake_server.faults.broadcast("event", {"event": "after"})
        await watch.wait_event("after", since=since)
        stream = watch.stream
        assert stream.reconnects == 1
    big = watch.events("big", since)
    assert len(big) == 1
    assert big[0]["data"]["blob"] == blob
    assert (stream.gaps, stream.duplicates, stream.pending_chunk_sets) == (0, 0, 0)


@pytest.mark.fake_server(replay_capacity=8, resume_buffer_always=True)
async def test_resume_beyond_the_replay_buffer_fails_and_resyncs(
    target: Target, fake_server: FakeCascorServer
) -> None:
    slow = ReconnectPolicy(initial_delay=0.3, max_delay=0.3, jitter="none", max_attempts=10)
    async with target.watch_training(reconnect=slow) as watch:
        since = watch.mark()
        fake_server.faults.broadcast("event", {"event": "numbered"})
        await watch.wait_event("numbered", since=since)
        assert fake_server.faults.drop_connections("training") == 1
        for index in range(20):  # more than the buffer holds, while the stream is away
            fake_server.faults.broadcast("event", {"event": "missed", "index": index})
        failed = await watch.next_of_type("resume_failed", since=since)
        await watch.next_of_type("initial_metrics", since=watch.messages.index(failed))
        fake_server.faults.broadcast("event", {"event": "after"})
        await watch.wait_event("after", since=since)
        stream = watch.stream
    assert failed["data"]["reason"] == "out_of_range"
    after_failure = watch.types(watch.messages.index(failed))
    assert after_failure[:4] == ["resume_failed", "initial_status", "state", "initial_metrics"]
    assert stream.duplicates == 0
    assert stream.gaps > 0, "the frames the buffer no longer held are counted as a gap"


async def test_stream_that_saw_no_numbered_frame_still_resumes() -> None:
    """The snapshot's ``initial_metrics.current_seq`` is a resume point of its own."""
    slow = ReconnectPolicy(initial_delay=0.5, max_delay=0.5, jitter="none", max_attempts=5)
    with FakeCascorServer(resume_window=0.25, resume_buffer_always=True) as server:
        stream = CascorTrainingStream(server.ws_url, reconnect=slow, close_timeout=1.0)
        received: list[dict[str, object]] = []
        async with stream:
            iterator = stream.stream()
            async with asyncio.timeout(5):
                while (await iterator.__anext__())["type"] != "initial_metrics":
                    pass
            assert stream.last_seq == 0  # an idle server: nothing numbered yet
            assert server.faults.drop_connections("training") == 1
            server.faults.broadcast("event", {"event": "while_disconnected"})
            async with asyncio.timeout(5):
                while True:
                    message = await iterator.__anext__()
                    received.append(message)
                    data = message["data"]
                    if message["type"] == "initial_metrics" or (
                        isinstance(data, dict) and data.get("event") == "while_disconnected"
                    ):
                        break
        types = [m["type"] for m in received]
        assert "resume_ok" in types, types
        assert types[-1] == "event", types
