"""Snapshots: save, list, inspect and restore bring back the saved network."""

from __future__ import annotations

import asyncio

import pytest

from cascor_suite.target import Target
from cascor_suite.training import train_xor
from juniper_cascor_client import (
    JuniperCascorClient,
    JuniperCascorNotFoundError,
    JuniperCascorValidationError,
)

_RESOLUTION = 21


async def test_restore_brings_back_the_saved_network(
    target: Target, client: JuniperCascorClient
) -> None:
    trained = await asyncio.to_thread(train_xor, client)
    assert trained["train_accuracy"] == 1.0
    saved_network = client.get_network()["data"]
    saved_boundary = client.get_decision_boundary(resolution=_RESOLUTION)["data"]
    saved_topology = client.get_topology()["data"]
    history = client.get_metrics_history()["data"]["count"]

    snapshot = client.save_snapshot(description="xor converged")["data"]
    listed = {entry["id"]: entry for entry in client.list_snapshots()["data"]}
    assert snapshot["id"] in listed
    assert listed[snapshot["id"]]["size_bytes"] > 0
    detail = client.get_snapshot(snapshot["id"])["data"]
    assert detail["id"] == snapshot["id"]
    assert detail["description"] == "xor converged"

    client.reset_training()
    assert client.get_network()["data"]["hidden_units"] == 0
    fresh = client.get_decision_boundary(resolution=_RESOLUTION)["data"]
    assert fresh["z"] != saved_boundary["z"]

    async with target.watch_training() as watch:
        since = watch.mark()
        restored = await asyncio.to_thread(client.load_snapshot, snapshot["id"])
        topology = await watch.next_of_type("topology", since=since)
    assert restored["data"] == {"snapshot_id": snapshot["id"], "status": "restored"}
    assert topology["data"] == saved_topology
    assert client.get_network()["data"]["hidden_units"] == saved_network["hidden_units"]
    assert client.get_topology()["data"] == saved_topology
    assert client.get_decision_boundary(resolution=_RESOLUTION)["data"]["z"] == saved_boundary["z"]
    assert client.get_metrics_history()["data"]["count"] == history


def test_unknown_and_invalid_snapshot_ids(target: Target, client: JuniperCascorClient) -> None:
    client.create_network(input_size=2, output_size=1)
    with pytest.raises(JuniperCascorNotFoundError):
        client.get_snapshot("no_such_snapshot")
    with pytest.raises(JuniperCascorNotFoundError):
        client.load_snapshot("no_such_snapshot")
    if target.server is not None:
        target.server.clear_requests()
    for bad in ("../network", "a/b", "", "x" * 129):
        with pytest.raises(JuniperCascorValidationError):
            client.load_snapshot(bad)
    if target.server is not None:
        assert target.server.requests == [], "an invalid id reached the server"
