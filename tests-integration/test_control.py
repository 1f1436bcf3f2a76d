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
    CascorControlStream,
    JuniperCascorClient,
    JuniperCascorCommandError,
    JuniperCascorConflictError,
    JuniperCascorValidationError,
)

_LONG_RUN = 100_000
_EPOCH_DELAY = 0.01
_PAUSE_WINDOW = 0.2
"""How long a paused run is observed to make sure it does not progress."""


def _status(client: JuniperCascorClient) -> dict[str, Any]:
    data: dict[str, Any] = client.get_training_status()["data"]
    return data


async def _start_spiral(target: Target, control: CascorControlStream, watch: TrainingWatch) -> None:
    """Start a long two-spiral run through the control stream and wait until it runs."""
    with target.client() as client:
        await asyncio.to_thread(client.create_network, input_size=2, output_size=1)
    target.pace(_EPOCH_DELAY)
    x, y = two_spirals()
    since = watch.mark()
    answer = await control.start(**inline_start(x, y, _LONG_RUN))
    assert answer["data"]["status"] == "success"
    assert answer["data"]["command"] == "start"
    await watch.wait_state("Started", since=since)
    await watch.next_of_type("metrics", since=since)


async def test_start_pause_resume_set_params_stop(
    target: Target, client: JuniperCascorClient
) -> None:
    async with (
        target.watch_training() as watch,
        target.control_stream(raise_on_error=True) as control,
    ):
        await _start_spiral(target, control, watch)
        status = await asyncio.to_thread(_status, client)
        assert status["training_active"] is True
        assert status["state_machine"]["is_training"] is True

        since = watch.mark()
        assert (await control.pause())["data"]["status"] == "success"
        await watch.wait_state("Paused", since=since)
        paused = await asyncio.to_thread(_status, client)
        assert paused["state_machine"]["is_paused"] is True
        assert paused["training_active"] is True
        await asyncio.sleep(_PAUSE_WINDOW)
        still = await asyncio.to_thread(_status, client)
        assert still["current_epoch"] - paused["current_epoch"] <= 1, "a paused run progressed"
        assert still["state_machine"]["is_paused"] is True

        since = watch.mark()
        assert (await control.resume())["data"]["status"] == "success"
        await watch.wait_state("Started", since=since)
        await watch.wait_for(
            lambda: any(
                m["data"]["epoch"] > still["current_epoch"] + 1
                for m in watch.of_type("metrics", since)
            ),
            within=10.0,
            what="progress after resume",
        )
        assert (await asyncio.to_thread(_status, client))["state_machine"]["is_training"] is True

        answer = await control.set_params({"learning_rate": 0.02, "patience": 40})
        assert answer["data"]["status"] == "success"
        params = (await asyncio.to_thread(client.get_training_params))["data"]
        assert (params["learning_rate"], params["patience"]) == (0.02, 40)

        since = watch.mark()
        assert (await control.stop())["data"]["status"] == "success"
        await watch.wait_state("Stopped", since=since)
        stopped = await asyncio.to_thread(_status, client)
        assert stopped["training_active"] is False
        assert stopped["state_machine"]["status"] == "Stopped"


async def test_reset_gives_a_fresh_network(target: Target, client: JuniperCascorClient) -> None:
    await asyncio.to_thread(train_xor, client)
    assert client.get_network()["data"]["hidden_units"] >= 1
    async with target.watch_training() as watch, target.control_stream() as control:
        since = watch.mark()
        answer = await control.reset()
        assert answer["data"]["status"] == "success"
        topology = await watch.next_of_type("topology", since=since)
    assert topology["data"]["hidden_units"] == []
    assert client.get_network()["data"]["hidden_units"] == 0
    status = client.get_training_status()["data"]
    assert (status["current_epoch"], status["training_active"]) == (0, False)
    assert client.get_metrics_history()["data"]["count"] == 0


async def test_commands_refused_in_the_wrong_state(
    target: Target, client: JuniperCascorClient
) -> None:
    client.create_network(input_size=2, output_size=1)
    async with target.control_stream() as control:
        answer = await control.pause()
        assert answer["data"]["status"] == "error"
        assert answer["data"]["code"] == "conflict"
        with pytest.raises(JuniperCascorCommandError) as refused:
            await control.command("resume", raise_on_error=True)
        assert refused.value.command == "resume"
        with pytest.raises(JuniperCascorCommandError) as invalid:
            await control.command("set_params", {"learning_rat": 0.1}, raise_on_error=True)
        assert invalid.value.code == "validation_error"
        with pytest.raises(JuniperCascorValidationError):
            await control.command("set_params", {})
        assert control.pending_commands == 0
        assert (await control.set_params({"learning_rate": 0.03}))["data"]["status"] == "success"
    with pytest.raises(JuniperCascorConflictError):
        client.resume_training()
    assert client.get_training_params()["data"]["learning_rate"] == 0.03


async def test_commands_beyond_the_rate_limit_are_answered_rate_limited(target: Target) -> None:
    async with target.control_stream() as control:
        answers = await asyncio.gather(
            *(control.set_params({"patience": 30 + i}) for i in range(15))
        )
    statuses = [answer["data"]["status"] for answer in answers]
    assert statuses.count("success") == 10, statuses
    limited = [answer["data"] for answer in answers if answer["data"]["status"] == "rate_limited"]
    assert len(limited) == 5
    assert all(0 < data["result"]["retry_after"] <= 1.0 for data in limited)
