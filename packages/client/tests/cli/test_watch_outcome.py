"""How ``watch`` reports the end of a run as juniper-cascor 0.12 streams it.

The 0.12 server follows a completed run's ``Completed`` state frame with a ``Failed`` one (its
state machine stays ``COMPLETED``), and interleaves output-pass epochs with the training steps.
This module replays that measured sequence from a small loopback service and checks what the
command line makes of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp import web

from .conftest import Cli

_START_DEADLINE = 30.0


def _state(status: str, phase: str) -> dict[str, Any]:
    return {"type": "state", "data": {"status": status, "phase": phase}}


def _metrics(kind: str, epoch: int, loss: float, accuracy: float | None) -> dict[str, Any]:
    data = {"epoch": epoch, "loss": loss, "accuracy": accuracy, "hidden_units": 1, "kind": kind}
    return {"type": "metrics", "data": data}


RUN: tuple[dict[str, Any], ...] = (
    {"type": "connection_established", "data": {"connections": 1}},
    _state("Started", "Output"),
    _metrics("output_epoch", 20, 0.26, None),
    _metrics("training_step", 1, 0.26, 0.75),
    _state("Started", "Candidate"),
    {"type": "cascade_add", "data": {"hidden_unit_index": 0, "total_hidden_units": 3}},
    _metrics("output_epoch", 25, 0.25, None),
    _metrics("training_step", 2, 0.2497, 0.5),
    _state("Completed", "Idle"),
    _state("Failed", "Idle"),
    {"type": "event", "data": {"event": "training_complete"}},
)
"""The frames of a short XOR run as 0.12 sends them (the fields the command line reads)."""

TRAINING_STATUS = {
    "status": "success",
    "data": {
        "state_machine": {"status": "COMPLETED", "phase": "OUTPUT"},
        "training_state": {"status": "Failed", "phase": "Idle"},
        "completion_reason": "early_stopped",
        "training_active": False,
    },
}


async def _training_stream(request: web.Request) -> web.WebSocketResponse:
    socket = web.WebSocketResponse()
    await socket.prepare(request)
    for frame in RUN:
        await socket.send_str(json.dumps(frame))
    async for _ in socket:  # until the client closes
        pass
    return socket


async def _training_status(request: web.Request) -> web.Response:
    return web.json_response(TRAINING_STATUS)


@contextlib.contextmanager
def _serving(app: web.Application) -> Iterator[str]:
    """Serve ``app`` on a loopback port in a thread; yields its URL."""
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    port = runner.addresses[0][1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(_START_DEADLINE)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=_START_DEADLINE)
        loop.close()


@pytest.fixture
def replay_url() -> Iterator[str]:
    """A loopback service answering ``/ws/training`` with :data:`RUN` and the training status."""
    app = web.Application()
    app.router.add_get("/ws/training", _training_stream)
    app.router.add_get("/v1/training/status", _training_status)
    with _serving(app) as url:
        yield url


def test_a_completed_run_is_reported_completed(cli: Cli, replay_url: str) -> None:
    result = cli("watch", "--json", "--url", replay_url)
    assert result.code == 0, result
    run = result.json()["run"]
    assert (run["finished"], run["status"], run["completion_reason"]) == (
        True,
        "Completed",
        "early_stopped",
    )
    assert (run["epochs"], run["final_loss"], run["final_accuracy"]) == (2, 0.2497, 0.5)
    assert (run["metrics_received"], run["units_added"], run["hidden_units"]) == (4, 1, 1)


def test_the_table_shows_the_outcome_and_numbers_units_by_index(cli: Cli, replay_url: str) -> None:
    result = cli("watch", "--url", replay_url)
    assert result.code == 0, result
    assert "Completed" in result.stdout
    assert "Failed" not in result.stdout
    assert "+ hidden unit 1 installed" in result.stdout
    assert "early_stopped" in result.stdout


def test_a_stream_that_cannot_open_draws_nothing(cli: Cli) -> None:
    """The REST status answers but ``/ws/training`` does not upgrade (HTTP 404): the live
    display never starts, so the error is not preceded by an empty table."""
    app = web.Application()
    app.router.add_get("/v1/training/status", _training_status)
    with _serving(app) as url:
        result = cli("watch", "--url", url)
    result.assert_error(7, "/ws/training refused the WebSocket handshake")
    assert result.stdout == ""
