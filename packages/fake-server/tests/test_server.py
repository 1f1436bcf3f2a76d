"""Lifecycle, scenarios, the pytest fixtures and the command line."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time

import pytest
import requests

from juniper_cascor_fake_server import FakeCascorServer
from juniper_cascor_fake_server.cli import main


def test_start_stop_and_port_reuse() -> None:
    server = FakeCascorServer().start()
    port = server.port
    assert requests.get(server.http_url + "/v1/health/live", timeout=5).ok
    server.stop()
    with pytest.raises(RuntimeError):
        _ = server.port
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/v1/health/live", timeout=5)


def test_unknown_options_and_scenarios_are_refused() -> None:
    with pytest.raises(TypeError):
        FakeCascorServer(no_such_option=1)
    with pytest.raises(ValueError, match="unknown scenario"):
        FakeCascorServer(scenario="nope")


def test_idle_scenario() -> None:
    with FakeCascorServer(scenario="idle") as server:
        status = requests.get(server.http_url + "/v1/training/status", timeout=5).json()["data"]
        assert status["network_loaded"] is True
        assert status["training_active"] is False


@pytest.mark.cascor_server(scenario="xor_converged")
def test_xor_converged_scenario(cascor_server: FakeCascorServer) -> None:
    api = cascor_server.http_url + "/v1"
    status = requests.get(api + "/training/status", timeout=5).json()["data"]
    assert status["state_machine"]["status"] == "COMPLETED"
    assert requests.get(api + "/metrics", timeout=5).json()["data"]["train_accuracy"] == 1.0
    assert len(requests.get(api + "/metrics/history", timeout=5).json()["data"]) > 10
    topology = requests.get(api + "/network/topology", timeout=5).json()["data"]
    assert topology["hidden_units"]


@pytest.mark.cascor_server(scenario="two_spiral_training")
def test_two_spiral_training_scenario(cascor_server: FakeCascorServer) -> None:
    status = requests.get(cascor_server.http_url + "/v1/training/status", timeout=5).json()
    assert status["data"]["training_active"] is True
    assert status["data"]["current_dataset"] == {"dataset_type": "spirals"}


@pytest.mark.cascor_server(scenario="error_prone")
def test_error_prone_scenario(cascor_server: FakeCascorServer) -> None:
    codes = [
        requests.get(cascor_server.http_url + "/v1/network", timeout=5).status_code
        for _ in range(6)
    ]
    assert codes == [200, 200, 503, 200, 200, 500]


def test_cascor_client_fixture(
    cascor_client: object, cascor_server: FakeCascorServer, cascor_ws_url: str
) -> None:
    assert cascor_ws_url == cascor_server.ws_url
    assert cascor_client.is_alive() is True  # type: ignore[attr-defined]
    assert cascor_server.requests[-1].path == "/v1/health/live"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ready(url: str) -> bool:
    """Poll ``url`` until the server reports its network loaded (for at most 10 s)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=1).json()["details"]["network_loaded"] is True:
                return True
        except requests.ConnectionError:
            pass
        time.sleep(0.05)
    return False


def test_command_line_serves_until_stopped() -> None:
    port, stop = _free_port(), threading.Event()
    result: list[int] = []
    argv = ["--port", str(port), "--scenario", "idle", "--accept-key", "k"]
    thread = threading.Thread(target=lambda: result.append(main(argv, stop)))
    thread.start()
    try:
        assert _ready(f"http://127.0.0.1:{port}/v1/health/ready")
        refused = requests.get(f"http://127.0.0.1:{port}/v1/network", timeout=5)
        assert refused.status_code == 401
    finally:
        stop.set()
        thread.join(10)
    assert result == [0]


def test_the_plugin_imports_no_server_dependency() -> None:
    code = (
        "import sys, juniper_cascor_fake_server.pytest_plugin, juniper_cascor_client.testing;"
        "heavy = {'aiohttp', 'numpy', 'juniper_cascor_protocol.worker'} & set(sys.modules);"
        "assert not heavy, heavy"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
