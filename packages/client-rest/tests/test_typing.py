"""The declared answer types work for users: ``mypy --strict`` accepts code that reads the keys
the answers have, with their exact types, and refuses misspelled keys and misused values."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

mypy_api = pytest.importorskip("mypy.api")

CORRECT = """
from typing import Any, assert_type

from juniper_cascor_client_rest import JuniperCascorClient, TrainingStatusResponse
from juniper_cascor_client_rest.responses import MetricsEntry, StateMachineData


def use(client: JuniperCascorClient) -> None:
    status = client.get_training_status()
    assert_type(status, TrainingStatusResponse)
    assert_type(status["data"]["state_machine"]["status"], str)
    assert_type(status["data"]["state_machine"], StateMachineData)
    assert_type(status["data"]["training_state"]["second_candidate_id"], int | None)
    assert_type(status["meta"]["version"], str)
    final = client.wait_for_training(timeout=60, poll_interval=0.5, until={"PAUSED"})
    assert_type(final["data"]["monitor"]["total_metrics"], int)
    history: list[MetricsEntry] = client.get_metrics_history(count=5)["data"]
    assert_type(history[0]["loss"], float | None)
    assert_type(client.get_topology()["data"]["hidden_units"][0]["weights"], list[float])
    assert_type(client.list_snapshots()["data"][0]["id"], str)
    assert_type(client.health_check()["version"], str)
    dataset = client.get_dataset()["data"]
    if "train_samples" in dataset:
        assert_type(dataset["train_samples"], int)
    assert_type(client.update_params(learning_rate=0.1)["data"]["applied"], list[str])
    assert_type(client.request("GET", "/training/status"), dict[str, Any])
"""

WRONG = """
from juniper_cascor_client_rest import JuniperCascorClient


def misuse(client: JuniperCascorClient) -> None:
    client.get_training_status()["data"]["state_machin"]  # E: typeddict-item
    epoch: str = client.get_metrics()["data"]["epoch"]  # E: assignment
    client.get_network()["data"]["uuid"] + 1  # E: operator
    client.list_workers()["data"]["workers"]["count"]  # E: call-overload
    client.start_training()["data"]["status"] = 3  # E: typeddict-item
"""


def mypy_errors(tmp_path: Path, **sources: str) -> set[tuple[str, int, str]]:
    """Run ``mypy --strict`` over the sources; its errors as (file, line, code)."""
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\nstrict = True\nwarn_unreachable = True\n")
    files = []
    for name, source in sources.items():
        path = tmp_path / f"{name}.py"
        path.write_text(source)
        files.append(str(path))
    cache = ["--cache-dir", str(tmp_path / "cache")]
    out, err, _ = mypy_api.run(["--config-file", str(config), *cache, *files])
    assert not err, err
    found = re.findall(r"^.*?(\w+)\.py:(\d+): error: .*\[([\w-]+)\]$", out, re.MULTILINE)
    assert out.count(": error:") == len(found), out
    return {(name, int(line), code) for name, line, code in found}


def expected_errors(name: str, source: str) -> set[tuple[str, int, str]]:
    return {
        (name, number, match.group(1))
        for number, line in enumerate(source.splitlines(), start=1)
        if (match := re.search(r"# E: ([\w-]+)$", line))
    }


def test_mypy_strict_accepts_correct_use_and_refuses_wrong_use(tmp_path: Path) -> None:
    errors = mypy_errors(tmp_path, correct=CORRECT, wrong=WRONG)
    assert errors == expected_errors("wrong", WRONG)
