"""Testing code that talks to juniper-cascor, against the fake server's pytest fixtures.

    uv run pytest examples/test_with_fixtures.py

With ``juniper-cascor-client[testing]`` installed, pytest has the fixtures ``cascor_server`` (a
fresh fake server per test), ``cascor_ws_url`` (its WebSocket origin) and ``cascor_client`` (a
REST client bound to it), with no ``conftest.py``. The async tests need pytest-asyncio (also
installed by ``[testing]``) in auto mode: ``asyncio_mode = auto`` in ``examples/pytest.ini``.
"""

from __future__ import annotations

import asyncio

import pytest

from juniper_cascor_client import (
    CascorControlStream,
    CascorTrainingStream,
    JuniperCascorClient,
    JuniperCascorNotFoundError,
)
from juniper_cascor_client.testing import FakeCascorServer

XOR = {"train_x": [[0, 0], [0, 1], [1, 0], [1, 1]], "train_y": [[0], [1], [1], [0]]}


def test_a_fresh_server_has_no_network(cascor_client: JuniperCascorClient) -> None:
    with pytest.raises(JuniperCascorNotFoundError):
        cascor_client.get_network()


def test_training_converges(cascor_client: JuniperCascorClient) -> None:
    cascor_client.create_network(input_size=2, output_size=1)
    cascor_client.start_training(inline_data=XOR)
    status = cascor_client.wait_for_training(timeout=60)["data"]
    assert status["state_machine"]["status"] == "COMPLETED"
    assert cascor_client.get_metrics()["data"]["train_accuracy"] == 1.0


@pytest.mark.cascor_server(scenario="xor_converged")
def test_a_scenario_preloads_a_trained_network(cascor_client: JuniperCascorClient) -> None:
    history = cascor_client.get_metrics_history(count=5)["data"]
    assert len(history) == 5
    assert history[-1]["accuracy"] == 1.0


@pytest.mark.cascor_server(scenario="idle", api_keys=["s3cret"])
async def test_start_over_the_control_stream(
    cascor_server: FakeCascorServer, cascor_ws_url: str
) -> None:
    async with CascorControlStream(cascor_ws_url, api_key="s3cret") as control:
        answer = await control.start()
    assert answer["data"]["status"] == "success"
    assert cascor_server.wait_until_idle(timeout=60)


@pytest.mark.cascor_server(scenario="idle")
async def test_the_stream_reports_every_epoch(
    cascor_client: JuniperCascorClient, cascor_ws_url: str
) -> None:
    epochs: list[int] = []
    async with CascorTrainingStream(cascor_ws_url) as stream:
        async for message in stream:
            if message["type"] == "initial_metrics":
                await asyncio.to_thread(cascor_client.start_training)
            elif message["type"] == "metrics":
                epochs.append(message["data"]["epoch"])
            elif message["type"] == "event" and message["data"]["event"] == "training_complete":
                break
    assert len(epochs) > 10
    assert epochs == list(range(1, len(epochs) + 1))  # every epoch, in order, none missed
