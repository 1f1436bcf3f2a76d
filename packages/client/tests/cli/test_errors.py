"""Exit codes and one-line messages of the expected failures, and the help text."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from juniper_cascor_client.testing import FakeCascorServer

from .conftest import Cli


def _refused_url() -> str:
    """A loopback URL where nothing listens (the port was just released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_help_lists_every_command_and_the_exit_codes(cli: Cli) -> None:
    result = cli("--help")
    assert result.code == 0
    for command in ("demo", "status", "watch", "train", "control", "snapshots", "workers"):
        assert command in result.stdout
    assert "plot" in result.stdout
    assert "serve-fake" in result.stdout
    assert "exit codes:" in result.stdout
    for line in ("3    server unreachable", "4    API key", "5    request rejected"):
        assert line in result.stdout


def test_usage_errors_exit_2(cli: Cli) -> None:
    result = cli("control", "set-params", "learning_rate")
    assert result.code == 2
    assert "expected key=value" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_url_is_a_usage_error(cli: Cli) -> None:
    cli("--url", "http://", "status").assert_error(2, "no host")


def test_connection_refused_exits_3_with_one_line(cli: Cli) -> None:
    result = cli("status", "--json", "--url", _refused_url())
    result.assert_error(3, "connect")
    error = result.json()["error"]
    assert (error["exit_code"], error["code"]) == (3, "connection")
    assert error["type"] == "JuniperCascorConnectionError"


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_watch_against_a_dead_port_draws_nothing(cli: Cli, json_flag: list[str]) -> None:
    """The connection is checked before the live display starts: no empty table."""
    result = cli("watch", *json_flag, "--url", _refused_url())
    result.assert_error(3, "connect")
    if json_flag:
        assert result.json()["error"]["code"] == "connection"
    else:
        assert result.stdout == ""


def test_connection_refused_on_the_control_stream_exits_3(cli: Cli) -> None:
    cli("control", "stop", "--url", _refused_url()).assert_error(3, "/ws/control")


@pytest.mark.cascor_server(api_keys=["right-key"])
def test_wrong_api_key_exits_4_and_never_shows_the_key(
    cli: Cli, cascor_server: FakeCascorServer
) -> None:
    result = cli("--url", cascor_server.http_url, "--api-key", "wrong-key", "status")
    result.assert_error(4, "")
    assert "wrong-key" not in result.stdout + result.stderr


@pytest.mark.cascor_server(api_keys=["right-key"])
def test_wrong_api_key_on_the_training_stream_exits_4(
    cli: Cli, cascor_server: FakeCascorServer
) -> None:
    result = cli("watch", "--duration", "5", "--url", cascor_server.ws_url, "--api-key", "nope")
    result.assert_error(4, "")


@pytest.mark.cascor_server(api_keys=["right-key"])
def test_api_key_from_the_environment(cli: Cli, cascor_server: FakeCascorServer) -> None:
    env = {"JUNIPER_CASCOR_API_KEY": "right-key", "JUNIPER_CASCOR_URL": cascor_server.http_url}
    result = cli("status", "--json", env=env)
    assert result.code == 0, result
    assert result.json()["health"]["status"] == "ok"
    assert "right-key" not in result.stdout + result.stderr


def test_bad_data_file_exits_5(cli: Cli, cascor_server: FakeCascorServer, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("1,2,3\n4,5\n", encoding="utf-8")
    result = cli("train", "--data", str(bad), "--url", cascor_server.http_url)
    result.assert_error(5, "line 2: 2 columns, expected 3")
    assert cascor_server.state.network is None  # nothing was sent


def test_missing_data_file_exits_5(cli: Cli, tmp_path: Path) -> None:
    cli("train", "--data", str(tmp_path / "absent.npz")).assert_error(5, "cannot read")


def test_not_found_exits_7_with_a_json_error(cli: Cli, cascor_server: FakeCascorServer) -> None:
    result = cli("--json", "--url", cascor_server.http_url, "snapshots", "load", "no_such_id")
    result.assert_error(7, "no_such_id")
    error = result.json()["error"]
    assert (error["code"], error["server_code"]) == ("not_found", "SNAPSHOT_ABSENT")


@pytest.mark.cascor_server(scenario="idle")
def test_invalid_control_params_exit_5(cli: Cli, cascor_server: FakeCascorServer) -> None:
    url = ("--url", cascor_server.http_url)
    result = cli("--json", *url, "control", "set-params", "learning_rate=-5")
    result.assert_error(5, "Invalid parameters")
    error = result.json()["error"]
    assert (error["code"], error["server_code"]) == ("validation", "invalid_params")
    assert error["type"] == "JuniperCascorCommandError"


@pytest.mark.cascor_server(scenario="idle")
def test_a_state_conflict_exits_8(
    cli: Cli, cascor_server: FakeCascorServer, tmp_path: Path
) -> None:
    """A restored snapshot is being investigated: starting training is 409 ``HTTP_409``."""
    url = ("--url", cascor_server.http_url)
    saved = cli("--json", *url, "snapshots", "save")
    assert saved.code == 0, saved
    loaded = cli("--json", *url, "snapshots", "load", saved.json()["id"])
    assert loaded.code == 0, loaded
    data = tmp_path / "xor.csv"
    data.write_text("0,0,0\n0,1,1\n1,0,1\n1,1,0\n", encoding="utf-8")
    result = cli("--json", *url, "train", "--data", str(data))
    result.assert_error(8, "Investigating")
    assert result.json()["error"]["server_code"] == "HTTP_409"


@pytest.mark.parametrize(
    ("module", "command", "extra"),
    [("matplotlib", ["plot", "boundary", "{png}"], "plot"), ("rich", ["status"], "cli")],
)
def test_a_missing_extra_exits_10_naming_it(
    cascor_server: FakeCascorServer, tmp_path: Path, module: str, command: list[str], extra: str
) -> None:
    png = tmp_path / "b.png"
    argv = ["--url", cascor_server.http_url, *(arg.format(png=png) for arg in command)]
    script = (
        f"import sys; sys.modules[{module!r}] = None\n"
        "from juniper_cascor_client.cli import main\n"
        f"raise SystemExit(main({argv!r}))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert completed.returncode == 10
    assert f"juniper-cascor-client[{extra}]" in completed.stderr
    assert len(completed.stderr.strip().splitlines()) == 1
    assert "Traceback" not in completed.stderr
    assert not png.exists()


def test_api_key_unfit_for_a_header_exits_2_and_never_shows(cli: Cli) -> None:
    """requests used to quote such a key in its error, which the CLI printed (and put in JSON)."""
    result = cli("--json", "--api-key", "sk-line\nbreak-7e1d", "status", "--url", _refused_url())
    result.assert_error(2, "API key")
    assert result.json()["error"]["code"] == "usage"
    for fragment in ("sk-line", "break-7e1d"):
        assert fragment not in result.stdout + result.stderr


def test_a_request_is_tried_at_most_twice(cli: Cli) -> None:
    """The CLI retries once (not the library's three times), so an unreachable or failing
    server ends the command quickly."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.settimeout(0.2)
        accepted: list[int] = []

        def hang_up() -> None:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    connection, _ = listener.accept()
                except TimeoutError:
                    continue
                except OSError:
                    return
                with connection:
                    connection.recv(65536)
                accepted.append(1)

        thread = threading.Thread(target=hang_up, daemon=True)
        thread.start()
        port = listener.getsockname()[1]
        result = cli("status", "--url", f"http://127.0.0.1:{port}")
        listener.close()
    thread.join(timeout=5)
    result.assert_error(3, "GET /health: connection lost")
    assert len(accepted) == 2


class _OtherService(BaseHTTPRequestHandler):
    """A JSON service that is not juniper-cascor: every answer's ``data`` is a list."""

    def do_GET(self) -> None:
        payload = json.dumps({"status": "success", "data": [1, 2]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.do_GET()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.mark.parametrize(
    "command",
    [
        ["status"],
        ["workers", "list"],
        ["workers", "stats"],
        ["snapshots", "list"],
        ["snapshots", "save"],
        ["train", "--data", "{data}"],
        ["train", "--data", "{data}", "--recreate"],
    ],
)
def test_an_answer_of_the_wrong_shape_exits_1_without_a_traceback(
    cli: Cli, command: list[str], tmp_path: Path
) -> None:
    """Pointed at another JSON service, the commands used to die with an AttributeError."""
    data = tmp_path / "xor.csv"
    data.write_text("0,0,0\n0,1,1\n1,0,1\n1,1,0\n", encoding="utf-8")
    command = [part.format(data=data) for part in command]
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _OtherService)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}"
        for json_flag in ([], ["--json"]):
            result = cli(*command, *json_flag, "--url", url)
            result.assert_error(1, "")
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_credentials_in_the_url_are_never_printed(
    cli: Cli, cascor_server: FakeCascorServer
) -> None:
    url = cascor_server.http_url.replace("//", "//bob:hunter2@")
    for json_flag in ([], ["--json"]):
        result = cli("status", *json_flag, "--url", url)
        assert result.code == 0, result
        assert "hunter2" not in result.stdout + result.stderr
    assert result.json()["url"].startswith("http://***@127.0.0.1:")


@pytest.mark.parametrize("command", [["status"], ["control", "stop"], ["watch", "--duration", "5"]])
def test_credentials_in_the_url_never_show_in_an_error(cli: Cli, command: list[str]) -> None:
    url = _refused_url().replace("//", "//bob:hunter2@")
    result = cli(*command, "--json", "--url", url)
    result.assert_error(3, "")
    assert "hunter2" not in result.stdout + result.stderr
