"""The upstream test-kit names are real clients bound to a preloaded fake server."""

from __future__ import annotations

import asyncio

import pytest

from juniper_cascor_client import JuniperCascorClient, JuniperCascorNotFoundError
from juniper_cascor_client.testing import (
    SCENARIOS,
    FakeCascorClient,
    FakeCascorServer,
    FakeCascorTrainingStream,
)
from juniper_cascor_client_streams import CascorTrainingStream


def test_fake_client_is_a_real_client_on_a_converged_xor() -> None:
    with FakeCascorClient(scenario="xor_converged") as client:
        assert isinstance(client, JuniperCascorClient)
        assert client.base_url == client.server.http_url
        metrics = client.get_metrics()["data"]
        assert metrics["train_accuracy"] == 1.0
        assert client.get_training_status()["data"]["training_active"] is False
        server = client.server
    with pytest.raises(RuntimeError):
        _ = server.port  # stopped with the client


def test_fake_client_empty_scenario_has_no_network() -> None:
    with FakeCascorClient(scenario="empty") as client, pytest.raises(JuniperCascorNotFoundError):
        client.get_network()


def test_fake_client_rejects_unknown_scenario() -> None:
    with pytest.raises(ValueError, match="unknown scenario"):
        FakeCascorClient(scenario="nope")


def test_every_scenario_starts() -> None:
    for scenario in SCENARIOS:
        with FakeCascorClient(scenario=scenario, client_options={"retries": 5}) as client:
            assert client.is_alive()


def test_attached_client_leaves_the_server_running() -> None:
    with FakeCascorServer(scenario="idle") as server:
        FakeCascorClient(server=server).close()
        assert server.port > 0
        with JuniperCascorClient(server.http_url) as plain:
            assert plain.get_network()["status"] == "success"


def test_server_and_options_together_are_refused() -> None:
    with FakeCascorServer() as server, pytest.raises(TypeError, match="server="):
        FakeCascorClient(server=server, api_keys=["k"])


def test_fake_client_uses_the_server_key() -> None:
    with FakeCascorClient(scenario="idle", api_keys=["secret-key"]) as client:
        assert client.get_network()["status"] == "success"
        assert client.server.requests[-1].header("X-API-Key") == "secret-key"


async def test_fake_training_stream_delivers_spiral_metrics() -> None:
    stream = FakeCascorTrainingStream()
    assert isinstance(stream, CascorTrainingStream)
    server = stream.server
    seen: list[str] = []
    async with stream:
        async with asyncio.timeout(20):
            async for message in stream:
                seen.append(message["type"])
                if {"initial_status", "metrics"} <= set(seen):
                    break
    assert seen[0] == "connection_established"
    assert {"initial_status", "metrics"} <= set(seen)
    with pytest.raises(RuntimeError):
        _ = server.port  # the stream started it, so the stream stopped it
