"""The quick start end to end: XOR from create to convergence, watched over /ws/training."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Generator

import pytest

from cascor_suite.data import XOR_EPOCHS, XOR_ONE_HOT, XOR_X, inline_start, xor_class_at
from cascor_suite.target import CONTROL_ORIGIN, Target
from juniper_cascor_client import (
    BlockingControlStream,
    JuniperCascorClient,
    JuniperCascorValidationError,
    iter_training,
)

_CONVERGE_WITHIN = 60.0
_BOUNDARY_RESOLUTION = 13


def _nearest(values: list[float], point: float) -> int:
    return min(range(len(values)), key=lambda index: abs(values[index] - point))


async def test_xor_quick_start_converges_while_watched(
    target: Target, client: JuniperCascorClient, report_figure: Callable[[str, str], None]
) -> None:
    async with target.watch_training() as watch:
        since = watch.mark()
        created = await asyncio.to_thread(
            client.create_network, input_size=2, output_size=2, learning_rate=0.01
        )
        started = time.monotonic()
        answer = await asyncio.to_thread(
            client.start_training, **inline_start(XOR_X, XOR_ONE_HOT, XOR_EPOCHS)
        )
        complete = await watch.wait_event("training_complete", since=since, within=_CONVERGE_WITHIN)
        wall = time.monotonic() - started
        await watch.wait_state("Completed", since=since)

    assert created["status"] == "success"
    assert answer["data"]["status"] == "training_started"
    assert complete["data"] == {"event": "training_complete"}
    metrics = [m["data"] for m in watch.of_type("metrics", since)]
    assert len(metrics) >= 2
    assert metrics[-1]["loss"] < metrics[0]["loss"], "the loss did not fall"
    assert metrics[-1]["accuracy"] == 1.0
    added = watch.of_type("cascade_add", since)
    assert added, "no hidden unit was installed (XOR needs one)"
    totals = [m["data"]["total_hidden_units"] for m in added]
    assert totals == sorted(set(totals)), f"hidden unit counts do not grow: {totals}"
    assert totals[0] >= 1

    status = client.get_training_status()["data"]
    assert status["training_active"] is False
    assert status["state_machine"]["status"] == "COMPLETED"
    assert client.get_metrics()["data"]["train_accuracy"] == 1.0
    hidden_units = client.get_network()["data"]["hidden_units"]
    assert hidden_units == len(added)

    boundary = client.get_decision_boundary(resolution=_BOUNDARY_RESOLUTION)["data"]
    for grid in (boundary["grid_x"], boundary["grid_y"], boundary["predictions"]):
        assert len(grid) == _BOUNDARY_RESOLUTION
        assert all(len(row) == _BOUNDARY_RESOLUTION for row in grid)
    xs, ys = boundary["grid_x"][0], [row[0] for row in boundary["grid_y"]]
    for x, y in XOR_X:
        column, row = _nearest(xs, x), _nearest(ys, y)
        assert boundary["predictions"][row][column] == xor_class_at(x, y), (x, y)

    label = f"XOR to 100% accuracy ({target.kind})"
    report_figure(f"{label}, wall seconds", f"{wall:.3f}")
    report_figure(f"{label}, hidden units", str(hidden_units))
    report_figure(f"{label}, epochs", str(metrics[-1]["epoch"]))


def test_quick_start_from_blocking_code(target: Target, client: JuniperCascorClient) -> None:
    client.create_network(input_size=2, output_size=2, learning_rate=0.01)
    seen: list[str] = []
    deadline = time.monotonic() + _CONVERGE_WITHIN
    with BlockingControlStream(
        target.ws_url, target.api_key, timeout=10.0, origin=CONTROL_ORIGIN
    ) as control:
        tuned = control.set_params({"learning_rate": 0.01})
        assert tuned["data"]["status"] == "success"
        messages = iter_training(target.ws_url, target.api_key, timeout=10.0, close_timeout=1.0)
        assert isinstance(messages, Generator)  # closing it disconnects
        with contextlib.closing(messages):
            for message in messages:
                assert isinstance(message, dict)
                assert time.monotonic() < deadline, f"no convergence; saw {seen[-20:]}"
                seen.append(message["type"])
                if message["type"] == "initial_metrics":
                    # The data travels over REST: a control ``start`` carries none.
                    answer = client.start_training(**inline_start(XOR_X, XOR_ONE_HOT, XOR_EPOCHS))
                    assert answer["data"]["status"] == "training_started"
                if message["type"] == "event" and message["data"]["event"] == "training_complete":
                    break
    assert seen[0] == "connection_established"
    assert "cascade_add" in seen
    assert client.get_metrics()["data"]["train_accuracy"] == 1.0


def test_probes_and_health(client: JuniperCascorClient) -> None:
    assert client.is_alive() is True
    health = client.health_check()
    assert (health["status"], health["service"]) == ("ok", "juniper-cascor")
    client.create_network(input_size=2, output_size=1)
    assert client.wait_for_ready(timeout=5.0, poll_interval=0.05) is True
    network = client.get_network()["data"]
    assert (network["input_size"], network["output_size"]) == (2, 1)


def test_invalid_parameters_are_validation_errors(client: JuniperCascorClient) -> None:
    with pytest.raises(JuniperCascorValidationError) as refused:
        client.create_network(input_size=2, output_size=1, learning_rate=-1.0)
    assert refused.value.status_code == 422
    assert "body.learning_rate: " in str(refused.value)
    assert "[{" not in str(refused.value), "the detail list was rendered as a Python repr"
