"""snapshots, workers, plot and serve-fake against a fake server in the test process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from juniper_cascor_client.testing import FakeCascorServer

from .conftest import Cli
from .test_training import png_size


@pytest.mark.cascor_server(scenario="xor_converged")
def test_snapshots_save_list_and_load(cli: Cli, cascor_server: FakeCascorServer) -> None:
    url = ("--url", cascor_server.http_url)
    saved = cli("snapshots", "save", "--description", "after xor", "--json", *url)
    assert saved.code == 0, saved
    snapshot_id = saved.json()["id"]
    assert saved.json()["description"] == "after xor"
    listed = cli("snapshots", "list", "--json", *url).json()["snapshots"]
    assert [s["id"] for s in listed] == [snapshot_id]
    table = cli("snapshots", "list", *url)
    assert snapshot_id in table.stdout  # ids are shown whole, never shortened
    loaded = cli("snapshots", "load", snapshot_id, "--json", *url)
    assert loaded.code == 0, loaded
    answer = loaded.json()
    assert (answer["snapshot_id"], answer["status"], answer["fsm_state"]) == (
        snapshot_id,
        "restored",
        "INVESTIGATING",
    )


def test_snapshot_ids_are_checked_before_sending(cli: Cli, cascor_server: FakeCascorServer) -> None:
    cascor_server.clear_requests()
    cli("snapshots", "load", "../etc", "--url", cascor_server.http_url).assert_error(5, "id")
    assert not [r for r in cascor_server.requests if "snapshots" in r.path]


def test_workers_list_and_stats(cli: Cli, cascor_server: FakeCascorServer) -> None:
    url = ("--url", cascor_server.http_url)
    assert cli("workers", "list", "--json", *url).json() == {"workers": [], "count": 0}
    stats = cli("workers", "stats", "--json", *url).json()
    assert {"total", "idle", "busy", "total_tasks_completed"} <= set(stats)
    assert stats["total"] == 0


@pytest.mark.cascor_server(workers_enabled=False)
def test_workers_when_the_worker_system_is_off_exit_9(
    cli: Cli, cascor_server: FakeCascorServer
) -> None:
    cli("workers", "stats", "--url", cascor_server.http_url).assert_error(9, "")


@pytest.mark.cascor_server(scenario="xor_converged")
def test_plot_boundary_writes_a_png(
    cli: Cli, cascor_server: FakeCascorServer, tmp_path: Path
) -> None:
    target = tmp_path / "boundary.png"
    result = cli("plot", "boundary", str(target), "--resolution", "30",
                 "--url", cascor_server.http_url)  # fmt: skip
    assert result.code == 0, result
    assert "plot written" in result.stdout
    assert png_size(target) == (700, 550)
    assert {"resolution": "30"} in [r.query for r in cascor_server.requests]


def test_plot_without_a_network_exits_7(
    cli: Cli, cascor_server: FakeCascorServer, tmp_path: Path
) -> None:
    target = tmp_path / "none.png"
    cli("plot", "boundary", str(target), "--url", cascor_server.http_url).assert_error(7, "")
    assert not target.exists()


def test_plot_resolution_is_checked_by_the_parser(cli: Cli, tmp_path: Path) -> None:
    result = cli("plot", "boundary", str(tmp_path / "x.png"), "--resolution", "500")
    assert result.code == 2
    assert "between 5 and 200" in result.stderr


def test_serve_fake_prints_its_urls_serves_and_stops_by_itself() -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "juniper_cascor_client.cli", "serve-fake", "--json",
         "--port", "0", "--duration", "20", "--accept-key", "k1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:  # fmt: skip
        try:
            assert process.stdout is not None
            document = json.loads(process.stdout.readline())
            assert document["authentication"] is True
            status_url = document["http_url"] + "/v1/training/status"
            assert requests.get(status_url, timeout=5).status_code == 401
            status = requests.get(status_url, headers={"X-API-Key": "k1"}, timeout=5)
            assert status.json()["data"]["network_loaded"] is True  # the idle scenario
            assert document["ws_url"].startswith("ws://127.0.0.1:")
        finally:
            process.terminate()
            process.wait(timeout=20)


def test_serve_fake_duration_ends_with_exit_0(cli: Cli) -> None:
    result = cli("serve-fake", "--port", "0", "--duration", "0.2")
    assert result.code == 0, result
    assert "http://127.0.0.1:" in result.stdout


def test_serve_fake_unknown_scenario_is_a_usage_error(cli: Cli) -> None:
    cli("serve-fake", "--port", "0", "--scenario", "nope").assert_error(2, "nope")
