"""Control commands over /ws/control, their effect seen in REST status and /ws/training."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from cascor_suite.data import inline_start, two_spirals
from cascor_suite.target import Target
from cascor_suite.training import train_xor
from cascor_suite.watch import TrainingWatch
from juniper_cascor_client import (
    JuniperCascorClient,
    JuniperCascorCommandError,
    JuniperCascorConflictError,
    JuniperCascorRateLimitedError,
    JuniperCascorValidationError,
)

_LONG_RUN = 100_000
_EPOCH_DELAY = 0.002
"""The fake server's pace: the epoch under way when a pause comes is over within milliseconds."""


def _status(client: JuniperCascorClient) -> dict[str, Any]:
    data: dict[str, Any] = client.get_training_status()["data"]
    return data


async def _start_spiral(target: Target, client: JuniperCascorClient, watch: TrainingWatch) -> None:
    """Start a long two-spiral run (over REST: the ``start`` command takes no data) and wait
    until it runs."""
    await asyncio.to_thread(client.create_network, input_size=2, output_size=1)
    target.pace(_EPOCH_DELAY)
    x, y = two_spirals()
    since = watch.mark()
    await asyncio.to_thread(client.start_training, **inline_start(x, y, _LONG_RUN))
    await watch.wait_state("Started", since=since)
    await watch.next_of_type("metrics", since=since)


def _machine(status: dict[str, Any]) -> str:
    return str(status["state_machine"]["status"])


def _state_index(watch: TrainingWatch, status: str, since: int) -> int:
    """The index of the first ``state`` message with this ``status`` from ``since`` on."""
    states = (i for i in range(since, len(watch.messages)) if watch.messages[i]["type"] == "state")
    return next(i for i in states if watch.messages[i]["data"].get("status") == status)


async def test_pause_resume_set_params_stop(target: Target, client: JuniperCascorClient) -> None:
    async with (
        target.watch_training() as watch,
        target.control_stream(raise_on_error=True) as control,
    ):
        await _start_spiral(target, client, watch)
        status = await asyncio.to_thread(_status, client)
        assert status["training_active"] is True
        assert _machine(status) == "STARTED"

        since = watch.mark()
        answer = await control.pause()
        assert (answer["data"]["command"], answer["data"]["status"]) == ("pause", "success")
        await watch.wait_state("Paused", since=since)
        target.pace(0)  # unpaced, a run that were not held would race through epochs now
        paused = await asyncio.to_thread(_status, client)
        assert _machine(paused) == "PAUSED"
        assert paused["training_active"] is False  # only a started run counts as active
        still = await asyncio.to_thread(_status, client)
        epoch = still["monitor"]["current_epoch"]
        assert epoch - paused["monitor"]["current_epoch"] <= 1, "a paused run progressed"
        assert _machine(still) == "PAUSED"
        target.pace(_EPOCH_DELAY)

        paused_at = _state_index(watch, "Paused", since)
        since = watch.mark()
        assert (await control.resume())["data"]["status"] == "success"
        await watch.wait_state("Started", since=since)
        # The resume's state frame follows whatever the run sent while paused: at most the
        # epoch that was under way when the pause came.
        while_paused = watch.messages[paused_at : _state_index(watch, "Started", since)]
        assert len([m for m in while_paused if m["type"] == "metrics"]) <= 1, "a paused run ran"
        await watch.wait_for(
            lambda: any(m["data"]["epoch"] > epoch + 1 for m in watch.of_type("metrics", since)),
            within=10.0,
            what="progress after resume",
        )
        assert _machine(await asyncio.to_thread(_status, client)) == "STARTED"

        answer = await control.set_params({"learning_rate": 0.02, "patience": 40})
        assert answer["data"]["status"] == "success"
        params = (await asyncio.to_thread(client.get_training_params))["data"]
        assert (params["learning_rate"], params["patience"]) == (0.02, 40)

        since = watch.mark()
        assert (await control.stop())["data"]["status"] == "success"
        await watch.wait_state("Stopped", since=since)
        stopped = await asyncio.to_thread(_status, client)
        assert stopped["training_active"] is False
        assert _machine(stopped) == "STOPPED"


async def test_start_trains_again_on_the_data_already_loaded(
    target: Target, client: JuniperCascorClient
) -> None:
    await asyncio.to_thread(train_xor, client)
    target.pace(_EPOCH_DELAY)
    async with target.watch_training() as watch, target.control_stream() as control:
        since = watch.mark()
        answer = await control.start(epochs=1)  # the server ignores the command's params
        assert (answer["data"]["command"], answer["data"]["status"]) == ("start", "success")
        await watch.wait_state("Started", since=since)
        assert (await control.stop())["data"]["status"] == "success"
        await watch.wait_for(
            lambda: {"Stopped", "Completed"} & set(watch.states(since)),
            within=10.0,
            what="the run ended",
        )
    assert client.get_training_status()["data"]["training_active"] is False


async def test_reset_clears_the_run_and_keeps_the_network(
    target: Target, client: JuniperCascorClient
) -> None:
    await asyncio.to_thread(train_xor, client)
    hidden_units = client.get_network()["data"]["hidden_units"]
    assert hidden_units >= 1
    async with target.watch_training() as watch, target.control_stream() as control:
        since = watch.mark()
        answer = await control.reset()
        assert answer["data"]["status"] == "success"
        await watch.wait_state("Stopped", since=since)
    assert client.get_network()["data"]["hidden_units"] == hidden_units
    status = client.get_training_status()["data"]
    assert (_machine(status), status["training_active"]) == ("STOPPED", False)
    assert client.get_metrics_history()["data"] == []


async def test_commands_refused_in_the_wrong_state(
    target: Target, client: JuniperCascorClient
) -> None:
    client.create_network(input_size=2, output_size=1)
    async with target.control_stream() as control:
        answer = await control.pause()
        assert answer["data"] == {
            "command": "pause",
            "status": "error",
            "command_id": answer["data"]["command_id"],
            "error": "Command execution failed",
        }
        with pytest.raises(JuniperCascorCommandError) as refused:
            await control.command("resume", raise_on_error=True)
        assert (refused.value.command, refused.value.code) == ("resume", None)
        with pytest.raises(JuniperCascorCommandError) as invalid:
            await control.command("set_params", {"learning_rate": -1}, raise_on_error=True)
        assert invalid.value.code == "invalid_params"
        with pytest.raises(JuniperCascorCommandError) as unknown:
            await control.command("dance", raise_on_error=True)
        assert unknown.value.code == "unknown_command"
        with pytest.raises(JuniperCascorValidationError):
            await control.command("set_params", {})
        assert control.pending_commands == 0
        assert (await control.set_params({"learning_rate": 0.03}))["data"]["status"] == "success"
    with pytest.raises(JuniperCascorConflictError):
        client.resume_training()
    assert client.get_training_params()["data"]["learning_rate"] == 0.03


async def test_commands_beyond_the_rate_limit_are_answered_rate_limited(
    target: Target, client: JuniperCascorClient
) -> None:
    client.create_network(input_size=2, output_size=1)
    async with target.control_stream(raise_on_error=True) as control:
        outcomes = await asyncio.gather(
            *(control.set_params({"patience": 30 + i}) for i in range(15)),
            return_exceptions=True,
        )
    limited = [o for o in outcomes if isinstance(o, JuniperCascorRateLimitedError)]
    succeeded = [o for o in outcomes if isinstance(o, dict)]
    assert len(limited) + len(succeeded) == 15, outcomes
    assert all(isinstance(o, dict) for o in outcomes[:10]), "the bucket holds 10 commands"
    assert limited, "15 commands at once exceed 10 per second"
    assert all(error.retry_after is not None and 0 <= error.retry_after <= 1.0 for error in limited)
