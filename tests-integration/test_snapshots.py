"""Snapshots: save, list, inspect and restore bring back the saved network."""

from __future__ import annotations

import asyncio

import pytest

from cascor_suite.target import Target
from cascor_suite.training import train_xor
from juniper_cascor_client import (
    JuniperCascorClient,
    JuniperCascorConflictError,
    JuniperCascorNotFoundError,
    JuniperCascorValidationError,
)

_RESOLUTION = 21


async def test_restore_brings_back_the_saved_network(
    target: Target, client: JuniperCascorClient
) -> None:
    await asyncio.to_thread(train_xor, client)
    assert client.get_metrics()["data"]["train_accuracy"] == 1.0
    saved_network = client.get_network()["data"]
    saved_boundary = client.get_decision_boundary(resolution=_RESOLUTION)["data"]
    saved_topology = client.get_topology()["data"]
    history = len(client.get_metrics_history()["data"])

    snapshot = client.save_snapshot(description="xor converged")["data"]
    assert snapshot["description"] == "xor converged"
    listed = {entry["id"]: entry for entry in client.list_snapshots()["data"]}
    assert snapshot["id"] in listed
    assert listed[snapshot["id"]]["size_bytes"] > 0
    assert client.get_snapshot(snapshot["id"])["data"] == listed[snapshot["id"]]

    client.create_network(input_size=2, output_size=2, learning_rate=0.01)
    assert client.get_network()["data"]["hidden_units"] == 0
    fresh = client.get_decision_boundary(resolution=_RESOLUTION)["data"]
    assert fresh["predictions"] != saved_boundary["predictions"]

    async with target.watch_training() as watch:
        since = watch.mark()
        restored = await asyncio.to_thread(client.load_snapshot, snapshot["id"])
        await watch.next_of_type("state", since=since)
    assert (restored["data"]["snapshot_id"], restored["data"]["status"]) == (
        snapshot["id"],
        "restored",
    )
    assert restored["data"]["fsm_state"] == "INVESTIGATING"
    assert client.get_network()["data"]["hidden_units"] == saved_network["hidden_units"]
    assert client.get_topology()["data"] == saved_topology
    boundary = client.get_decision_boundary(resolution=_RESOLUTION)["data"]
    assert boundary["predictions"] == saved_boundary["predictions"]
    assert len(client.get_metrics_history()["data"]) == history
    with pytest.raises(JuniperCascorConflictError, match="Investigating"):
        client.start_training(epochs=1)


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
