"""Snapshots over real loopback HTTP: saving, the four loading verbs and their states."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import requests

from juniper_cascor_fake_server import FakeCascorServer

from .conftest import XOR_START, recv_type, ws_connect
from .test_rest import api, data, error, status_of


@pytest.fixture
def trained(cascor_server: FakeCascorServer) -> str:
    """A server whose XOR network is trained and saved; the snapshot's id."""
    data(api(cascor_server, "POST", "/network", {"max_hidden_units": 2}))
    data(api(cascor_server, "POST", "/training/start", XOR_START))
    assert cascor_server.wait_until_idle(30)
    saved = data(api(cascor_server, "POST", "/snapshots", {"description": "d"}))
    assert set(saved) == {"id", "path", "description", "timestamp"}
    return str(saved["id"])


def _machine(server: FakeCascorServer) -> str:
    return str(status_of(server)["state_machine"]["status"])


def test_listing_and_lookups(cascor_server: FakeCascorServer, trained: str) -> None:
    listed = data(api(cascor_server, "GET", "/snapshots"))
    assert [item["id"] for item in listed] == [trained]
    assert set(listed[0]) == {"id", "path", "size_bytes", "modified"}
    assert data(api(cascor_server, "GET", f"/snapshots/{trained}")) == listed[0]
    swaps = data(api(cascor_server, "GET", f"/snapshots/{trained}/history/dataset_swaps"))
    assert swaps == {"events": []}
    unknown = error(api(cascor_server, "GET", "/snapshots/nope"), 404)
    assert (unknown["code"], unknown["message"]) == ("HTTP_404", "Snapshot 'nope' not found")
    absent = error(api(cascor_server, "POST", "/snapshots/nope/restore"), 404)
    assert absent["code"] == "SNAPSHOT_ABSENT"
    bad = error(api(cascor_server, "POST", "/snapshots/bad.id/restore"), 400)
    assert bad["message"] == "Invalid snapshot_id format"


def test_restore_investigates_until_retrain(cascor_server: FakeCascorServer, trained: str) -> None:
    restored = data(api(cascor_server, "POST", f"/snapshots/{trained}/restore"))
    assert (restored["operation"], restored["fsm_state"], restored["status"]) == (
        "restore",
        "INVESTIGATING",
        "restored",
    )
    assert restored["time_index"]["default"] == "end"
    assert _machine(cascor_server) == "INVESTIGATING"
    refused = error(api(cascor_server, "POST", "/training/start", {"epochs": 1}), 409)
    assert "Investigating" in refused["message"]
    error(api(cascor_server, "POST", "/training/stop"), 409)
    retrained = data(api(cascor_server, "POST", f"/snapshots/{trained}/retrain"))
    assert (retrained["fsm_state"], retrained["time_index"]["default"]) == ("STOPPED", 0)
    assert data(api(cascor_server, "GET", "/metrics/history")) == []
    data(api(cascor_server, "POST", "/training/start", {"epochs": 1}))
    assert cascor_server.wait_until_idle(30)
    assert _machine(cascor_server) == "COMPLETED"


def test_resume_continues_the_history(cascor_server: FakeCascorServer, trained: str) -> None:
    epochs = len(data(api(cascor_server, "GET", "/metrics/history")))
    resumed = data(api(cascor_server, "POST", f"/snapshots/{trained}/resume"))
    assert (resumed["fsm_state"], resumed["resume_point_epoch"]) == ("RESUME_READY", epochs)
    assert _machine(cascor_server) == "RESUME_READY"
    data(api(cascor_server, "POST", "/training/start", {"epochs": 1}))
    assert cascor_server.wait_until_idle(30)
    history = data(api(cascor_server, "GET", "/metrics/history"))
    assert history[epochs]["epoch"] == epochs + 1


def test_surgery_needs_investigating(cascor_server: FakeCascorServer, trained: str) -> None:
    refused = error(api(cascor_server, "DELETE", "/network/hidden-units/0"), 409)
    assert refused["message"] == (
        "remove_hidden_unit_manual requires INVESTIGATING state (currently COMPLETED)"
    )
    data(api(cascor_server, "POST", f"/snapshots/{trained}/restore"))
    units = data(api(cascor_server, "GET", "/network"))["hidden_units"]
    bias = {"target": "output", "field": "bias", "values": [0.25]}
    patched = data(api(cascor_server, "PATCH", "/network/weights", bias))
    assert (patched["operation"], patched["fsm_state"]) == ("patch_weights", "INVESTIGATING")
    assert data(api(cascor_server, "GET", "/network/topology"))["output_bias"] == [0.25]
    wrong = {"target": "output", "field": "bias", "values": [0.0, 1.0]}
    assert error(api(cascor_server, "PATCH", "/network/weights", wrong), 400)["message"]
    removed = data(api(cascor_server, "DELETE", "/network/hidden-units/0"))
    assert (removed["removed_index"], removed["num_hidden_units"]) == (0, units - 1)
    assert error(api(cascor_server, "DELETE", "/network/hidden-units/99"), 404)
    added = data(
        api(cascor_server, "POST", "/network/hidden-units", {"weights": [0.1] * (1 + units)})
    )
    assert (added["unit_index"], added["num_hidden_units"]) == (units - 1, units)
    shape = data(api(cascor_server, "GET", "/network/topology"))
    assert shape["output_weights"][-1] == [0.0]


async def test_replay_plays_the_history_back(cascor_server: FakeCascorServer, trained: str) -> None:
    url = f"{cascor_server.http_url}/v1/snapshots/{trained}/replay"

    def post(path: str, body: Any = None) -> dict[str, Any]:
        response = requests.post(url + path, json=body, timeout=10)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()["data"]
        return result

    async with ws_connect(cascor_server.ws_url + "/ws/training") as ws:
        await recv_type(ws, "initial_metrics")
        started = await asyncio.to_thread(post, "")
        assert (started["fsm_state"], started["session"]["paused"]) == ("REPLAYING", True)
        await asyncio.to_thread(post, "/control", {"action": "seek", "time_index": 1})
        frame = await recv_type(ws, "metrics")
    assert (frame["data"]["epoch"], frame["data"]["phase"], frame["data"]["replay"]) == (
        2,
        "Replay",
        True,
    )
    assert _machine(cascor_server) == "REPLAYING"
    stopped = await asyncio.to_thread(post, "/control", {"action": "stop"})
    assert (stopped["fsm_state"], stopped["result"]["status"]) == ("STOPPED", "stopped")
    again = await asyncio.to_thread(
        requests.post, url + "/control", json={"action": "stop"}, timeout=10
    )
    assert again.status_code == 409
