"""status, train, watch, control and demo against a fake server in the test process."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from juniper_cascor_client.testing import FakeCascorServer

from .conftest import Cli

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FAST_STREAM = {"resume_window": 0.05}


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) of a PNG, read with matplotlib after checking the signature."""
    from matplotlib.image import imread

    assert path.read_bytes()[:8] == PNG_SIGNATURE
    height, width = imread(path).shape[:2]
    return width, height


@pytest.mark.cascor_server(scenario="idle")
def test_status_json_and_table(cli: Cli, cascor_server: FakeCascorServer) -> None:
    document = cli("status", "--json", "--url", cascor_server.http_url).json()
    assert set(document) == {"url", "health", "network", "metrics", "training"}
    assert document["health"]["status"] == "ok"
    assert document["network"]["input_size"] == 2
    assert document["metrics"]["epoch"] == 0
    assert document["training"]["training_active"] is False
    assert document["training"]["state_machine"]["status"] == "STOPPED"
    table = cli("--url", cascor_server.http_url, "status")
    assert table.code == 0
    assert "STOPPED" in table.stdout
    assert "2 / 1" in table.stdout


def test_status_without_a_network(cli: Cli, cascor_server: FakeCascorServer) -> None:
    document = cli("status", "--json", "--url", cascor_server.http_url).json()
    assert (document["network"], document["metrics"]) == (None, None)


def test_train_creates_a_network_sized_from_the_csv(
    cli: Cli, cascor_server: FakeCascorServer, tmp_path: Path
) -> None:
    data = tmp_path / "three.csv"
    data.write_text("a,b,c,y0,y1\n0,0,1,1,0\n1,1,0,0,1\n0,1,1,1,0\n", encoding="utf-8")
    result = cli("train", "--json", "--data", str(data), "--targets", "2",
                 "--url", cascor_server.http_url)  # fmt: skip
    assert result.code == 0, result
    document = result.json()
    assert document["created"] is True
    assert document["samples"] == 3
    assert (document["network"]["input_size"], document["network"]["output_size"]) == (3, 2)
    assert document["training"]["status"] == "training_started"
    assert cascor_server.wait_until_idle(30)


@pytest.mark.cascor_server(scenario="idle", **FAST_STREAM)
def test_train_watch_follows_the_run_to_the_end(
    cli: Cli, cascor_server: FakeCascorServer, tmp_path: Path
) -> None:
    data = tmp_path / "xor.npz"
    np.savez(data, x=[[0, 0], [0, 1], [1, 0], [1, 1]], y=[0, 1, 1, 0])
    result = cli("train", "--json", "--watch", "--data", str(data), "--url", cascor_server.http_url)
    assert result.code == 0, result
    document = result.json()
    assert document["created"] is False  # the idle scenario's 2-1 network fits
    run = document["run"]
    assert run["finished"] is True
    assert run["status"] == "Completed"
    assert run["completion_reason"] == "early_stopped"
    assert run["final_accuracy"] == 1.0
    assert run["metrics_received"] == run["epochs"] > 0


@pytest.mark.cascor_server(scenario="idle")
def test_train_refuses_a_network_of_another_size_unless_recreate(
    cli: Cli, cascor_server: FakeCascorServer, tmp_path: Path
) -> None:
    data = tmp_path / "wide.json"
    data.write_text(json.dumps({"inputs": [[0, 0, 0], [1, 1, 1]], "targets": [0, 1]}), "utf-8")
    refused = cli("train", "--data", str(data), "--url", cascor_server.http_url)
    refused.assert_error(5, "pass --recreate")
    recreated = cli("train", "--json", "--recreate", "--data", str(data),
                    "--max-hidden-units", "2", "--url", cascor_server.http_url)  # fmt: skip
    assert recreated.code == 0, recreated
    assert recreated.json()["network"]["input_size"] == 3
    assert cascor_server.state.params.max_hidden_units == 2
    assert cascor_server.wait_until_idle(30)


@pytest.mark.cascor_server(scenario="two_spiral_training", **FAST_STREAM)
def test_watch_stops_after_count_metrics(cli: Cli, cascor_server: FakeCascorServer) -> None:
    result = cli("watch", "--json", "--count", "3", "--url", cascor_server.ws_url)
    assert result.code == 0, result
    document = result.json()
    assert document["run"]["metrics_received"] == 3
    epochs = [frame["epoch"] for frame in document["metrics"]]
    assert len(epochs) == 3
    assert epochs == sorted(epochs)


@pytest.mark.cascor_server(scenario="two_spiral_training", **FAST_STREAM)
def test_watch_draws_a_table_and_summary(cli: Cli, cascor_server: FakeCascorServer) -> None:
    result = cli("watch", "--count", "2", "--url", cascor_server.http_url)
    assert result.code == 0, result
    assert "latest epochs" in result.stdout
    assert "run summary" in result.stdout
    assert re.search(r"metrics frames\s*│ 2 ", result.stdout), result.stdout


@pytest.mark.cascor_server(scenario="xor_converged", **FAST_STREAM)
def test_watch_on_a_finished_run_shows_its_final_state(
    cli: Cli, cascor_server: FakeCascorServer
) -> None:
    """A finished run sends no more metrics: the display starts from the REST status."""
    url = ("--url", cascor_server.http_url)
    status = cli("status", "--json", *url).json()
    epoch = status["training"]["training_state"]["current_epoch"]
    assert epoch > 0
    table = cli("watch", "--duration", "0.5", *url)
    assert table.code == 0, table
    assert "waiting for data" not in table.stdout
    assert re.search(rf"Completed / Output\s.*epoch\s+{epoch}\b", table.stdout), table.stdout
    assert re.search(rf"│\s+{epoch} │ output │", table.stdout)  # the latest epochs table
    document = cli("watch", "--json", "--duration", "0.5", *url).json()
    run = document["run"]
    assert (run["status"], run["completion_reason"], run["epochs"]) == (
        "Completed",
        "early_stopped",
        epoch,
    )
    assert run["final_loss"] == status["metrics"]["train_loss"]
    assert (run["finished"], run["metrics_received"], document["metrics"]) == (False, 0, [])


@pytest.mark.cascor_server(scenario="idle", **FAST_STREAM)
def test_watch_stops_after_duration_on_an_idle_server(
    cli: Cli, cascor_server: FakeCascorServer
) -> None:
    result = cli("watch", "--json", "--duration", "0.5", "--url", cascor_server.http_url)
    assert result.code == 0, result
    run = result.json()["run"]
    assert run["finished"] is False
    assert run["metrics_received"] == 0


def _control_requests(server: FakeCascorServer) -> list[object]:
    return [r for r in server.requests if r.path == "/ws/control"]


@pytest.mark.cascor_server(scenario="two_spiral_training")
def test_control_commands_and_their_exit_codes(cli: Cli, cascor_server: FakeCascorServer) -> None:
    url = ("--url", cascor_server.http_url)
    paused = cli("control", "pause", "--json", *url)
    assert paused.code == 0, paused
    assert paused.json()["status"] == "success"
    assert cascor_server.state.status.value == "PAUSED"
    # The control channel reports a state conflict without a code, as the real server does.
    cli("control", "pause", *url).assert_error(1, "Command execution failed")
    changed = cli("control", "set-params", "learning_rate=0.2", "patience=40", "--json", *url)
    assert changed.code == 0, changed
    assert (cascor_server.state.params.learning_rate, cascor_server.state.params.patience) == (
        0.2,
        40,
    )
    sent = len(_control_requests(cascor_server))
    # The server would ignore an unknown parameter without a word: the command line names it.
    refused = cli("control", "set-params", "no_such_param=1", "learning_rat=0.3", "--json", *url)
    refused.assert_error(5, "unknown training parameters 'no_such_param'")
    assert "'learning_rat' (did you mean 'learning_rate'" in refused.stderr
    assert "the service's parameters are activation_function_name," in refused.stderr
    assert refused.json()["error"]["code"] == "validation"
    assert len(_control_requests(cascor_server)) == sent  # nothing was sent
    assert cascor_server.state.params.learning_rate == 0.2
    stopped = cli("control", "stop", *url)
    assert stopped.code == 0, stopped
    assert "success" in stopped.stdout
    assert cascor_server.wait_until_idle(10)


def test_demo_stops_the_run_at_its_time_limit(cli: Cli) -> None:
    """The two spirals need thousands of paced epochs: the demo stops the run, waits until it
    has stopped and reports it so."""
    result = cli("demo", "--json", "--problem", "spiral", "--time-limit", "0.5")
    assert result.code == 0, result
    document = result.json()
    assert document["stopped_at_time_limit"] is True
    assert document["run"]["status"] == "Stopped"
    assert document["run"]["metrics_received"] > 0


def test_demo_trains_xor_and_writes_the_plot(cli: Cli, tmp_path: Path) -> None:
    plot = tmp_path / "demo.png"
    result = cli("demo", "--json", "--plot", str(plot))
    assert result.code == 0, result
    document = result.json()
    assert document["problem"] == "xor"
    run = document["run"]
    assert run["finished"] is True
    assert run["final_accuracy"] == 1.0
    assert run["hidden_units"] >= 0
    assert run["wall_time_s"] > 0
    assert document["stopped_at_time_limit"] is False
    assert png_size(plot) == (1300, 550)


def test_demo_with_workers_trains_candidates_on_them(cli: Cli) -> None:
    result = cli("demo", "--json", "--workers", "2")
    assert result.code == 0, result
    document = result.json()
    assert document["run"]["final_accuracy"] == 1.0
    workers = document["workers"]
    assert workers["count"] == 2
    assert workers["accepted"] > 0
    assert workers["rejected"] == 0


def test_demo_shows_what_its_workers_did(cli: Cli) -> None:
    result = cli("demo", "--workers", "1")
    assert result.code == 0, result
    assert re.search(r"1 worker\(s\): [1-9]\d* result\(s\) accepted, 0 rejected", result.stdout)
