"""The ``juniper-cascor-numpy-worker`` command: flags and environment variables (the torch
worker's names), exit codes, and a clean stop on SIGTERM against the fake server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from juniper_cascor_fake_server import FakeCascorServer
from juniper_cascor_numpy_worker.cli import build_parser, settings_from
from juniper_cascor_numpy_worker.settings import DEFAULT_HEARTBEAT_INTERVAL

COMMAND = Path(sys.executable).with_name("juniper-cascor-numpy-worker")
ENV_PREFIXES = ("JUNIPER_CASCOR_WORKER_", "CASCOR_")


def _clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without any worker setting, plus ``extra``.

    COLUMNS is fixed: argparse wraps the help at the terminal's width."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIXES)}
    return {**env, "PYTHONUNBUFFERED": "1", "COLUMNS": "120", **extra}


def _run(*args: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "juniper_cascor_numpy_worker", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=_clean_env(**env),
        check=False,
    )


def _workers(server: FakeCascorServer) -> list[dict[str, Any]]:
    with urllib.request.urlopen(server.http_url + "/v1/workers", timeout=5) as answer:
        workers: list[dict[str, Any]] = json.load(answer)["data"]["workers"]
    return workers


def _wait_for(check: Any, within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


@pytest.fixture
def no_worker_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No worker setting in the environment."""
    for name in list(os.environ):
        if name.startswith(ENV_PREFIXES):
            monkeypatch.delenv(name)
    return monkeypatch


def test_help_lists_the_torch_workers_flags() -> None:
    done = _run("--help")
    assert done.returncode == 0
    for flag in (
        "--server-url",
        "--auth-token",
        "--api-key",
        "--heartbeat-interval",
        "--task-timeout",
        "--tls-cert",
        "--tls-key",
        "--tls-ca",
        "--log-level",
        "--name",
    ):
        assert flag in done.stdout
    assert "JUNIPER_CASCOR_WORKER_SERVER_URL" in done.stdout


def test_version() -> None:
    done = _run("--version")
    assert done.returncode == 0
    assert done.stdout.startswith("juniper-cascor-numpy-worker 0.")


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        ((), {}, "--server-url (or JUNIPER_CASCOR_WORKER_SERVER_URL) is required"),
        (("--server-url", "tcp://host"), {}, "server URL must be ws://"),
        (("--server-url", "ws://h", "--heartbeat-interval", "0"), {}, "heartbeat_interval"),
        (("--server-url", "ws://h", "--name=-bad"), {}, "name must match"),
        (("--server-url", "ws://h"), {"CASCOR_TASK_TIMEOUT": "soon"}, "CASCOR_TASK_TIMEOUT must"),
        (("--server-url", "ws://h", "--log-level", "LOUD"), {}, "invalid choice"),
    ],
)
def test_bad_arguments_exit_2_with_the_reason(
    args: tuple[str, ...], env: dict[str, str], message: str
) -> None:
    done = _run(*args, **env)
    assert done.returncode == 2
    assert message in done.stderr


def test_unreadable_tls_files_exit_2(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing-ca.pem")
    done = _run("--server-url", "wss://127.0.0.1:9", "--tls-ca", missing)
    assert done.returncode == 2
    assert "cannot use the TLS files" in done.stderr


def test_flags_win_over_the_environment(no_worker_env: pytest.MonkeyPatch) -> None:
    no_worker_env.setenv("JUNIPER_CASCOR_WORKER_SERVER_URL", "ws://env-host:1")
    no_worker_env.setenv("JUNIPER_CASCOR_WORKER_HEARTBEAT_INTERVAL", "7")
    parser = build_parser()
    args = parser.parse_args(["--server-url", "ws://flag-host:2", "--heartbeat-interval", "0.5"])
    settings = settings_from(args, parser)
    assert settings.url == "ws://flag-host:2/ws/v1/workers"
    assert settings.heartbeat_interval == 0.5


def test_the_environment_fills_in_missing_flags(
    no_worker_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secret = tmp_path / "token"
    secret.write_text("from-a-file\n")
    no_worker_env.setenv("CASCOR_SERVER_URL", "ws://legacy-host:8200/ws/v1/workers")
    no_worker_env.setenv("JUNIPER_CASCOR_WORKER_AUTH_TOKEN_FILE", str(secret))
    no_worker_env.setenv("CASCOR_API_KEY", "older-alias")
    no_worker_env.setenv("CASCOR_HEARTBEAT_INTERVAL", "1.5")
    no_worker_env.setenv("JUNIPER_CASCOR_WORKER_TASK_TIMEOUT", "90")
    no_worker_env.setenv("JUNIPER_CASCOR_WORKER_NAME", "rack-7")
    parser = build_parser()
    settings = settings_from(parser.parse_args([]), parser)
    assert settings.url == "ws://legacy-host:8200/ws/v1/workers"
    assert settings.api_key == "from-a-file"
    assert (settings.heartbeat_interval, settings.task_timeout) == (1.5, 90.0)
    assert settings.name == "rack-7"
    assert "from-a-file" not in repr(settings)


def test_legacy_key_aliases_and_defaults(no_worker_env: pytest.MonkeyPatch) -> None:
    no_worker_env.setenv("CASCOR_API_KEY", "older-alias")
    no_worker_env.setenv("JUNIPER_CASCOR_WORKER_AUTH_TOKEN_FILE", "/nonexistent/secret")
    parser = build_parser()
    settings = settings_from(parser.parse_args(["--server-url", "ws://h"]), parser)
    assert settings.api_key == "older-alias"
    assert settings.heartbeat_interval == DEFAULT_HEARTBEAT_INTERVAL
    assert settings.name.startswith("numpy-worker")


@pytest.mark.cascor_server(scenario="idle")
def test_sigterm_stops_the_command_cleanly(cascor_server: FakeCascorServer) -> None:
    assert COMMAND.exists(), COMMAND
    process = subprocess.Popen(
        [str(COMMAND), "--server-url", cascor_server.ws_url, "--heartbeat-interval", "0.2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_clean_env(),
    )
    try:
        _wait_for(lambda: len(_workers(cascor_server)) == 1)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)
    assert process.returncode == 0, stderr
    assert "SIGTERM received; stopping" in stderr
    assert "worker stopped" in stderr
    _wait_for(lambda: _workers(cascor_server) == [])


@pytest.mark.cascor_server(api_keys=["right-key"])
def test_a_refused_key_exits_1_without_retrying(cascor_server: FakeCascorServer) -> None:
    done = _run(
        "--server-url",
        cascor_server.ws_url,
        timeout=60,
        JUNIPER_CASCOR_WORKER_AUTH_TOKEN="wrong-key",
    )
    assert done.returncode == 1
    assert "HTTP 403" in done.stderr
    assert "not retrying" in done.stderr
    assert "wrong-key" not in done.stderr
    handshakes = [r for r in cascor_server.requests if r.path == "/ws/v1/workers"]
    assert len(handshakes) == 1
