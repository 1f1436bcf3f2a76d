"""The blocking helpers, against a server on its own loop thread."""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
from typing import Any

import pytest

from juniper_cascor_client_core import (
    JuniperCascorAuthenticationError,
    JuniperCascorCommandError,
    JuniperCascorStreamClosedError,
    JuniperCascorTimeoutError,
    defaults,
)
from juniper_cascor_client_streams import BlockingControlStream, iter_training


def loop_threads() -> list[str]:
    return [thread.name for thread in threading.enumerate() if thread.name.startswith("cascor-")]


def on_server(runner: Any, function: Any, *args: Any) -> None:
    """Run a plain function on the server's loop and wait for it."""

    async def call() -> None:
        function(*args)

    runner.run(call(), 5.0)


def test_iter_training_yields_messages_and_cleans_up(threaded_server) -> None:
    cascor, runner = threaded_server
    messages = iter_training(cascor.url, timeout=5.0)
    assert next(messages)["type"] == "connection_established"
    runner.run(cascor.wait_for(lambda: len(cascor.training) == 1), 5.0)
    for epoch in range(3):
        on_server(runner, cascor.broadcast, "metrics", {"epoch": epoch})
    epochs = []
    for message in messages:
        if message["type"] == "metrics":
            epochs.append(message["data"]["epoch"])
            if len(epochs) == 3:
                break
    messages.close()
    assert epochs == [0, 1, 2]
    assert loop_threads() == []


def test_iter_training_times_out_when_no_message_comes(threaded_server) -> None:
    cascor, _ = threaded_server
    cascor.send_initial_status = False
    messages = iter_training(cascor.url, timeout=1.0)  # connecting must fit in it too
    assert next(messages)["type"] == "connection_established"
    started = time.monotonic()
    with pytest.raises(JuniperCascorTimeoutError):
        next(messages)
    assert time.monotonic() - started >= 1.0  # it waited the whole timeout for a message
    assert loop_threads() == []  # the failed generator closed its loop thread


def test_iter_training_ends_when_the_server_drops(threaded_server) -> None:
    cascor, runner = threaded_server
    messages = iter_training(cascor.url, timeout=5.0)
    assert next(messages)["type"] == "connection_established"
    runner.run(cascor.wait_for(lambda: len(cascor.training) == 1), 5.0)
    on_server(runner, cascor.drop_all)
    assert [message["type"] for message in messages] == ["initial_status"]


def test_iter_training_refusals_surface(threaded_server) -> None:
    cascor, _ = threaded_server
    cascor.refuse = "http403"
    with pytest.raises(JuniperCascorAuthenticationError):
        next(iter_training(cascor.url, timeout=5.0))


def test_blocking_control_commands(threaded_server) -> None:
    cascor, _ = threaded_server
    with BlockingControlStream(cascor.url, timeout=5.0) as control:
        assert control.is_connected
        assert control.start(epochs=3)["data"]["status"] == "success"
        assert control.set_params({"learning_rate": 0.5})["data"]["command"] == "set_params"
        for method in (control.stop, control.pause, control.resume, control.reset):
            assert method()["data"]["status"] == "success"
        sent = [frame["command"] for frame in cascor.control[0].received]
    assert sent == ["start", "set_params", "stop", "pause", "resume", "reset"]
    assert not control.is_connected
    control.close()  # idempotent
    assert loop_threads() == []


def test_blocking_control_timeout_and_errors(threaded_server) -> None:
    cascor, _ = threaded_server

    async def reply(peer: Any, frame: dict[str, Any]) -> None:
        if frame["command"] == "jump":
            peer.push(cascor.answer(frame, "error", error="no such", code="unknown_command"))

    cascor.on_command = reply
    with BlockingControlStream(cascor.url, raise_on_error=True) as control:
        with pytest.raises(JuniperCascorTimeoutError):
            control.command("stop", timeout=0.1)
        with pytest.raises(JuniperCascorCommandError):
            control.command("jump")


def test_calling_from_the_private_loop_thread_raises(threaded_server) -> None:
    cascor, _ = threaded_server
    with BlockingControlStream(cascor.url, timeout=5.0) as control:

        async def from_inside() -> BaseException | None:
            try:
                control.stop()
            except RuntimeError as exc:
                return exc
            return None

        error = asyncio.run_coroutine_threadsafe(from_inside(), control.loop).result(5.0)
        assert isinstance(error, RuntimeError)
        assert "own event-loop thread" in str(error)
        assert control.stop()["data"]["status"] == "success"  # still usable from outside


def test_close_from_another_thread_fails_a_blocked_command_at_once(threaded_server) -> None:
    cascor, runner = threaded_server

    async def never_answer(peer: Any, frame: dict[str, Any]) -> None:
        pass

    cascor.on_command = never_answer
    control = BlockingControlStream(cascor.url, timeout=5.0)
    outcome: list[BaseException] = []

    def blocked_command() -> None:
        try:
            control.command("stop", timeout=30.0)
        except BaseException as exc:  # the test inspects whatever came out
            outcome.append(exc)

    worker = threading.Thread(target=blocked_command)
    worker.start()
    runner.run(cascor.wait_for(lambda: bool(cascor.control and cascor.control[0].received)), 5.0)
    control.close()
    worker.join(10.0)
    assert not worker.is_alive()  # the command waits 30 s: only the close can have ended it
    assert len(outcome) == 1
    assert isinstance(outcome[0], JuniperCascorStreamClosedError)
    assert loop_threads() == []


def test_the_blocking_helpers_take_their_default_timeouts_from_client_core() -> None:
    iter_timeout = inspect.signature(iter_training).parameters["timeout"].default
    blocking_timeout = inspect.signature(BlockingControlStream).parameters["timeout"].default
    assert iter_timeout == defaults.DEFAULT_ITER_TIMEOUT == 60.0
    assert blocking_timeout == defaults.DEFAULT_BLOCKING_TIMEOUT == 10.0
