"""The scripts of ``examples/`` run as ``examples/README.md`` says and pass ``mypy --strict``.

Each script runs in a fresh interpreter from the repository root, as
``uv run python examples/<script>.py`` does, against a fresh fake server started as
``juniper-cascor serve-fake`` starts it (the ``idle`` scenario, 50 ms epochs, the real
``/ws/control`` Origin allowlist) and found through ``JUNIPER_CASCOR_URL``.
"""

from __future__ import annotations

import json
import re
from importlib.metadata import requires
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = REPO_ROOT / "examples"
FULL_SPEED = ("--epoch-delay", "0")


@pytest.mark.parametrize(
    ("arguments", "server_flags", "expected"),
    [
        pytest.param(
            ["examples/rest_quick_start.py"],
            (),
            r"(?m)^xor\.csv: 4 samples, 2 inputs\n.*\n.*\n"
            r"COMPLETED \(early_stopped\) after \d+ epochs: loss \d\.\d{4}, accuracy 100%",
            id="rest_quick_start-xor",
        ),
        pytest.param(
            ["examples/rest_quick_start.py", "examples/data/two_spirals.csv"],
            FULL_SPEED,
            r"(?m)^two_spirals\.csv: 194 samples, 2 inputs\n.*\n.*\n"
            r"(COMPLETED|STOPPED|FAILED) \(\w+\) after \d+ epochs: loss \d\.\d{4}, accuracy \d+%",
            id="rest_quick_start-two_spirals",
        ),
        pytest.param(
            ["examples/live_stream.py"],
            (),
            r"^epoch    1  loss \d\.\d{4}  \[[#-]{20}\] .*\n(?:.*\n)*"
            r"hidden unit 1 installed \(correlation \d\.\d{3}\)\n(?:.*\n)*"
            r"epoch   \d\d  loss .*\ntraining complete: early_stopped\n$",
            id="live_stream",
        ),
        pytest.param(
            ["examples/notebook_control.py"],
            (),
            r"^start: success\n(?:  epoch \d+: .*\n){10}pause: success\nstate: PAUSED\n"
            r"learning rate: 0\.1\nresume: success\n(?:  epoch \d+: .*, lr 0\.1\n)+"
            r"training complete\nfinished: COMPLETED \(early_stopped\)\n$",
            id="notebook_control",
        ),
    ],
)
def test_the_example_runs_against_a_fresh_server(
    arguments: list[str],
    server_flags: tuple[str, ...],
    expected: str,
    start_service: Any,
    run_python: Any,
) -> None:
    result = run_python(*arguments, service=start_service(*server_flags))
    assert result.returncode == 0, str(result)
    assert re.search(expected, result.stdout), f"no {expected!r} in {result}"


def test_the_worker_image_example_loads_no_client_library(run_python: Any) -> None:
    result = run_python("examples/worker_image.py")
    assert result.returncode == 0, str(result)
    assert "BinaryFrame round trip: (3, 4) float64" in result.stdout, str(result)
    assert "not loaded: pydantic, websockets, requests" in result.stdout, str(result)


def test_the_fixtures_example_passes_with_its_own_configuration(run_python: Any) -> None:
    # As its docstring says: run from the repository root, it is configured by
    # examples/pytest.ini (asyncio_mode = auto), not by the workspace's pyproject.toml.
    result = run_python("-m", "pytest", "-p", "no:cacheprovider", "examples/test_with_fixtures.py")
    assert result.returncode == 0, str(result)
    assert "configfile: pytest.ini" in result.stdout, str(result)
    assert re.search(r"(?m)^=+ 5 passed in ", result.stdout), str(result)
    assert "Warning" not in result.stdout + result.stderr, str(result)


def test_the_testing_extra_installs_pytest_asyncio() -> None:
    testing = [
        requirement
        for requirement in requires("juniper-cascor-client") or []
        if re.search(r"""extra\s*==\s*["']testing["']""", requirement)
    ]
    assert any(requirement.startswith("pytest-asyncio") for requirement in testing), testing


@pytest.mark.parametrize(("data", "samples"), [("xor.csv", 4), ("two_spirals.csv", 194)])
def test_the_command_line_trains_on_the_data_files(
    data: str, samples: int, start_service: Any, run_python: Any
) -> None:
    command = [
        "-m",
        "juniper_cascor_client.cli",
        "--json",
        "train",
        "--data",
        f"examples/data/{data}",
    ]
    result = run_python(*command, service=start_service(*FULL_SPEED))
    assert result.returncode == 0, str(result)
    assert json.loads(result.stdout)["samples"] == samples


@pytest.mark.timeout(600)
def test_the_examples_pass_mypy_strict(run_python: Any) -> None:
    result = run_python("-m", "mypy", "--strict", "examples")
    assert result.returncode == 0, str(result)
    scripts = sorted(EXAMPLES.glob("*.py"))
    assert f"no issues found in {len(scripts)} source files" in result.stdout, str(result)
