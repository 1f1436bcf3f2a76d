"""CascorControlStream: correlation, deadlines, queued extension, overload, fail-fast."""

from __future__ import annotations

import asyncio
import inspect
import random
import time
from typing import Any

import pytest

from juniper_cascor_client_core import (
    JuniperCascorCommandError,
    JuniperCascorConfigurationError,
    JuniperCascorOverloadError,
    JuniperCascorRateLimitedError,
    JuniperCascorStreamClosedError,
    JuniperCascorTimeoutError,
    JuniperCascorValidationError,
)
from juniper_cascor_client_streams import CascorControlStream, ReconnectPolicy
from juniper_cascor_client_streams.control import MAX_RATE_LIMITED_RETRIES


async def never_answer(peer: Any, frame: dict[str, Any]) -> None:
    """A server that accepts commands and never answers them."""


def heartbeat_then_answer(server: Any, beats: int, *, interval: float = 0.05) -> Any:
    """A command handler that sends ``beats`` queued answers ``interval`` seconds apart, then
    success: the answer comes no sooner than ``beats * interval`` seconds after the command."""
    tasks: set[asyncio.Task[None]] = set()

    async def beat(peer: Any, frame: dict[str, Any]) -> None:
        for _ in range(beats):
            peer.push(server.answer(frame, "queued"))
            await asyncio.sleep(interval)
        peer.push(server.answer(frame, result={"beats": beats}))

    async def handler(peer: Any, frame: dict[str, Any]) -> None:
        task = asyncio.create_task(beat(peer, frame))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    return handler


async def test_command_returns_the_answer_frame_with_its_id(server) -> None:
    async with CascorControlStream(server.url) as control:
        answer = await control.start(epochs=200)
        sent = server.control[0].received[0]
        assert control.pending_commands == 0
    assert sent["type"] == "command"
    assert sent["params"] == {"epochs": 200}
    assert answer["type"] == "command_response"
    assert answer["data"]["status"] == "success"
    assert answer["data"]["command_id"] == sent["command_id"]


async def test_commands_carry_fresh_ids_and_only_given_params(server) -> None:
    async with CascorControlStream(server.url) as control:
        await control.set_params({"learning_rate": 0.1})
        await control.stop()
        frames = list(server.control[0].received)
    assert frames[0]["command"] == "set_params"
    assert frames[0]["params"] == {"learning_rate": 0.1}
    assert frames[1]["command"] == "stop"
    assert "params" not in frames[1]
    assert frames[0]["command_id"] != frames[1]["command_id"]


async def test_set_params_without_params_is_rejected_before_sending(server) -> None:
    async with CascorControlStream(server.url) as control:
        with pytest.raises(JuniperCascorValidationError):
            await control.command("set_params", {})
        assert control.pending_commands == 0
        await control.pause()
        assert [frame["command"] for frame in server.control[0].received] == ["pause"]


async def test_a_hundred_concurrent_commands_answered_out_of_order(server) -> None:
    held: list[tuple[Any, dict[str, Any]]] = []

    async def hold_then_shuffle(peer: Any, frame: dict[str, Any]) -> None:
        held.append((peer, frame))
        if len(held) == 100:
            random.Random(7).shuffle(held)
            for target, command in held:
                target.push(server.answer(command, result={"echo": command["params"]["n"]}))

    server.on_command = hold_then_shuffle
    async with CascorControlStream(server.url) as control:
        answers = await asyncio.gather(
            *(control.command("start", {"n": n}, timeout=5.0) for n in range(100))
        )
        assert control.pending_commands == 0
    assert [answer["data"]["result"]["echo"] for answer in answers] == list(range(100))
    answered_order = [command["params"]["n"] for _, command in held]
    assert answered_order != sorted(answered_order)


async def test_answers_without_command_id_match_the_oldest_command(server) -> None:
    held: list[tuple[Any, dict[str, Any]]] = []

    async def in_order_without_ids(peer: Any, frame: dict[str, Any]) -> None:
        held.append((peer, frame))
        if len(held) == 3:
            for target, command in held:
                target.push(server.answer(command, echo=False, result=command["params"]))

    server.on_command = in_order_without_ids
    async with CascorControlStream(server.url) as control:
        answers = await asyncio.gather(*(control.command("start", {"n": n}) for n in range(3)))
    assert [answer["data"]["result"]["n"] for answer in answers] == [0, 1, 2]
    assert all("command_id" not in answer["data"] for answer in answers)


async def test_a_command_without_answer_times_out_and_is_removed(server) -> None:
    server.on_command = never_answer
    async with CascorControlStream(server.url) as control:
        started = time.monotonic()
        with pytest.raises(JuniperCascorTimeoutError):
            await control.command("stop", timeout=0.1)
        assert time.monotonic() - started >= 0.1
        assert control.pending_commands == 0


async def test_queued_answers_extend_the_deadline(server) -> None:
    # A heartbeat every 0.05 s against a 1 s timeout; the answer comes after 1.5 s at least.
    server.on_command = heartbeat_then_answer(server, beats=30)
    async with CascorControlStream(server.url) as control:
        started = time.monotonic()
        answer = await control.command("start", timeout=1.0)
        elapsed = time.monotonic() - started
    assert answer["data"]["status"] == "success"
    assert answer["data"]["result"] == {"beats": 30}
    assert elapsed > 1.0  # it outlived its own timeout thanks to the heartbeats


async def test_queued_extension_stops_at_max_command_wait(server) -> None:
    # Heartbeats for 5 s, then success: only the 2 s hard limit can end the wait in a timeout.
    server.on_command = heartbeat_then_answer(server, beats=100)
    async with CascorControlStream(server.url, max_command_wait=2.0) as control:
        started = time.monotonic()
        with pytest.raises(JuniperCascorTimeoutError):
            await control.command("start", timeout=1.0)
        elapsed = time.monotonic() - started
        assert control.pending_commands == 0
    assert elapsed >= 2.0  # extended past its own timeout, up to the hard limit


async def test_one_command_over_max_pending_raises_overload(server) -> None:
    server.on_command = never_answer
    async with CascorControlStream(server.url, max_pending=5) as control:
        waiting = [asyncio.create_task(control.command("stop", timeout=5)) for _ in range(5)]
        await server.wait_for(lambda: len(server.control[0].received) == 5)
        with pytest.raises(JuniperCascorOverloadError):
            await control.command("stop")
        assert control.pending_commands == 5
        for task in waiting:
            task.cancel()
        await asyncio.wait(waiting)
        assert control.pending_commands == 0


async def test_a_drop_fails_every_pending_command_at_once(server) -> None:
    server.on_command = never_answer
    async with CascorControlStream(server.url) as control:
        waiting = [asyncio.create_task(control.command("stop", timeout=30)) for _ in range(10)]
        await server.wait_for(lambda: len(server.control[0].received) == 10)
        server.drop_all()
        # The commands wait 30 s for an answer: failing within 10 s means the drop failed them.
        results = await asyncio.wait_for(asyncio.gather(*waiting, return_exceptions=True), 10)
        assert control.pending_commands == 0
    assert all(isinstance(result, JuniperCascorStreamClosedError) for result in results)
    assert {result.close_code for result in results} == {1006}
    assert control.close_code == 1006


async def test_raise_on_error_maps_error_and_rate_limited_answers(server) -> None:
    async def refuse(peer: Any, frame: dict[str, Any]) -> None:
        if frame["command"] == "jump":
            peer.push(server.answer(frame, "error", error="no such", code="unknown_command"))
        else:
            peer.push(server.answer(frame, "rate_limited", result={"retry_after": 0.5}))

    server.on_command = refuse
    async with CascorControlStream(server.url, raise_on_error=True) as control:
        with pytest.raises(JuniperCascorCommandError) as failed:
            await control.command("jump")
        with pytest.raises(JuniperCascorRateLimitedError) as limited:
            await control.pause()
        answer = await control.command("jump", raise_on_error=False)
    assert failed.value.code == "unknown_command"
    assert failed.value.command == "jump"
    assert isinstance(failed.value.command_id, str)
    assert len(failed.value.command_id) == 32
    assert str(failed.value) == "no such"
    assert limited.value.retry_after == 0.5
    assert answer["data"]["status"] == "error"


async def test_a_command_on_a_closed_stream_raises_stream_closed(server) -> None:
    control = CascorControlStream(server.url)
    with pytest.raises(JuniperCascorStreamClosedError):
        await control.stop()
    assert control.pending_commands == 0


async def test_pending_commands_are_not_resent_after_a_reconnect(server) -> None:
    server.on_command = never_answer
    policy = ReconnectPolicy(initial_delay=0.01, max_delay=0.02)
    reconnected = asyncio.Event()
    async with CascorControlStream(
        server.url, reconnect=policy, on_reconnect=lambda attempts: reconnected.set()
    ) as control:
        waiting = asyncio.create_task(control.command("start", timeout=30))
        await server.wait_for(lambda: len(server.control[0].received) == 1)
        server.drop_all()
        with pytest.raises(JuniperCascorStreamClosedError):
            await waiting
        async with asyncio.timeout(5):
            await reconnected.wait()
        server.on_command = server.answer_success
        answer = await control.stop()
        received = [frame["command"] for peer in server.control for frame in peer.received]
    assert answer["data"]["status"] == "success"
    assert received == ["stop"]
    assert control.reconnects == 1


@pytest.mark.parametrize("retry_after", [10**400, True, "soon", None])
async def test_an_unusable_retry_after_still_raises_rate_limited(server, retry_after) -> None:
    async def limited(peer: Any, frame: dict[str, Any]) -> None:
        peer.push(server.answer(frame, "rate_limited", result={"retry_after": retry_after}))

    server.on_command = limited
    async with CascorControlStream(server.url, raise_on_error=True) as control:
        with pytest.raises(JuniperCascorRateLimitedError) as limited_error:
            await control.pause()
        assert control.is_connected
    assert limited_error.value.retry_after is None


async def test_defaults_max_pending_256_and_set_params_one_second(server) -> None:
    server.on_command = never_answer
    async with CascorControlStream(server.url) as control:
        waiting = [asyncio.create_task(control.command("stop", timeout=5)) for _ in range(256)]
        await server.wait_for(lambda: len(server.control[0].received) == 256)
        with pytest.raises(JuniperCascorOverloadError):
            await control.command("stop")
        for task in waiting:
            task.cancel()
        await asyncio.wait(waiting)
        started = time.monotonic()
        with pytest.raises(JuniperCascorTimeoutError):
            await control.set_params({"learning_rate": 0.1})
        elapsed = time.monotonic() - started
    assert inspect.signature(CascorControlStream.set_params).parameters["timeout"].default == 1.0
    # That 1 s is the deadline: waited in full, and not the 30 s default of other commands.
    assert 1.0 <= elapsed < 10.0


def top_level_rate_limited(frame: dict[str, Any], retry_after: object = 0.1) -> dict[str, Any]:
    """juniper-cascor 0.12's rate-limit answer: top level, no ``data``, no timestamp."""
    answer = {"type": "command_response", "command": frame["command"], "status": "rate_limited"}
    answer["retry_after"] = retry_after
    if "command_id" in frame:
        answer["command_id"] = frame["command_id"]
    return answer


async def test_a_top_level_rate_limited_answer_answers_its_command(server) -> None:
    async def limit_pause(peer: Any, frame: dict[str, Any]) -> None:
        if frame["command"] == "pause":
            peer.push(top_level_rate_limited(frame, 0.3))
        else:
            peer.push(server.answer(frame, result={"ok": True}))

    server.on_command = limit_pause
    async with CascorControlStream(server.url) as control:  # raise_on_error is off
        stop, pause = await asyncio.gather(control.stop(), control.pause(), return_exceptions=True)
        assert control.pending_commands == 0
    assert isinstance(stop, dict)
    assert stop["data"]["status"] == "success"
    assert isinstance(pause, JuniperCascorRateLimitedError)
    assert pause.retry_after == 0.3
    assert "'pause'" in str(pause)


async def test_a_top_level_rate_limited_answer_without_id_answers_the_oldest(server) -> None:
    async def limit(peer: Any, frame: dict[str, Any]) -> None:
        answer = top_level_rate_limited(frame)
        del answer["command_id"]
        peer.push(answer)

    server.on_command = limit
    async with CascorControlStream(server.url, raise_on_error=True) as control:
        with pytest.raises(JuniperCascorRateLimitedError) as limited:
            await control.set_params({"learning_rate": 0.1})
    assert limited.value.retry_after == 0.1


@pytest.mark.parametrize("retry_after", [-1, "soon", None])
async def test_an_unusable_top_level_retry_after_still_raises_rate_limited(
    server, retry_after
) -> None:
    async def limit(peer: Any, frame: dict[str, Any]) -> None:
        peer.push(top_level_rate_limited(frame, retry_after))

    server.on_command = limit
    async with CascorControlStream(server.url, raise_on_error=True) as control:
        with pytest.raises(JuniperCascorRateLimitedError) as limited:
            await control.stop()
    assert limited.value.retry_after is None


def old_shape_rate_limited(frame: dict[str, Any], retry_after: object = 0.1) -> dict[str, Any]:
    """The rate-limit answer of servers before 0.12: ``data.result.retry_after``."""
    data = top_level_rate_limited(frame, retry_after)
    del data["type"], data["retry_after"]
    data["result"] = {"retry_after": retry_after}
    return {"type": "command_response", "timestamp": time.time(), "data": data}


@pytest.mark.parametrize("shape", [top_level_rate_limited, old_shape_rate_limited])
async def test_rate_limited_raises_at_once_in_either_shape(server, shape) -> None:
    async def limit(peer: Any, frame: dict[str, Any]) -> None:
        peer.push(shape(frame, 0.25))

    server.on_command = limit
    async with CascorControlStream(server.url, raise_on_error=False) as control:
        with pytest.raises(JuniperCascorRateLimitedError) as limited:
            await control.set_params({"learning_rate": 0.1}, timeout=30.0)
        assert control.pending_commands == 0
    assert limited.value.retry_after == 0.25


def limited_then_success(server: Any, times: int, retry_after: object = 0.01) -> Any:
    """A handler answering ``rate_limited`` to the first ``times`` frames, then success."""
    answered = 0

    async def handler(peer: Any, frame: dict[str, Any]) -> None:
        nonlocal answered
        answered += 1
        if answered <= times:
            peer.push(top_level_rate_limited(frame, retry_after))
        else:
            peer.push(server.answer(frame, result=frame.get("params")))

    return handler


async def test_retry_rate_limited_sends_the_same_command_again(server) -> None:
    server.on_command = limited_then_success(server, 2)
    async with CascorControlStream(server.url, retry_rate_limited=True) as control:
        result = await control.set_params({"learning_rate": 0.1}, timeout=30.0)
        sent = list(server.control[0].received)
    assert result["data"]["status"] == "success"
    assert result["data"]["result"] == {"learning_rate": 0.1}
    assert len(sent) == 3
    assert len({frame["command_id"] for frame in sent}) == 1
    assert all(frame["params"] == {"learning_rate": 0.1} for frame in sent)


async def test_a_retry_that_does_not_fit_the_deadline_is_not_made(server) -> None:
    server.on_command = limited_then_success(server, 1, retry_after=60.0)
    async with CascorControlStream(server.url) as control:
        with pytest.raises(JuniperCascorRateLimitedError) as limited:
            await control.set_params({"learning_rate": 0.1}, timeout=30.0, retry_rate_limited=True)
        assert len(server.control[0].received) == 1
    assert limited.value.retry_after == 60.0


async def test_rate_limit_retries_are_bounded_in_number(server) -> None:
    server.on_command = limited_then_success(server, 10**6, retry_after=0)
    async with CascorControlStream(server.url, retry_rate_limited=True) as control:
        with pytest.raises(JuniperCascorRateLimitedError):
            await control.command("stop", timeout=60.0)
        assert len(server.control[0].received) == MAX_RATE_LIMITED_RETRIES + 1


async def test_a_given_command_id_is_sent_and_must_not_be_pending(server) -> None:
    server.on_command = never_answer
    async with CascorControlStream(server.url) as control:
        waiting = asyncio.create_task(control.set_params({"a": 1}, command_id="cid-1", timeout=30))
        await server.wait_for(lambda: len(server.control[0].received) == 1)
        with pytest.raises(JuniperCascorValidationError, match="already pending"):
            await control.command("stop", command_id="cid-1")
        with pytest.raises(JuniperCascorValidationError, match="non-empty"):
            await control.command("stop", command_id="")
        assert server.control[0].received[0]["command_id"] == "cid-1"
        waiting.cancel()
        await asyncio.wait([waiting])
        assert control.pending_commands == 0


async def test_timeout_is_the_third_argument_and_agrees_with_command_timeout(server) -> None:
    assert CascorControlStream(server.url, None, 2.5).command_timeout == 2.5
    assert CascorControlStream(server.url, command_timeout=3.0).command_timeout == 3.0
    assert CascorControlStream(server.url).command_timeout == 30.0
    with pytest.raises(JuniperCascorConfigurationError):
        CascorControlStream(server.url, timeout=1.0, command_timeout=2.0)
