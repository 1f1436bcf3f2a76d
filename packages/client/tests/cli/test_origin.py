"""``--origin``: the Origin header of the streams the command line opens.

juniper-cascor refuses a ``/ws/control`` handshake without an Origin on its allowlist (HTTP 403
before the upgrade), so these tests run the fake server with the real default allowlist.
"""

from __future__ import annotations

import pytest

from juniper_cascor_client.testing import FakeCascorServer
from juniper_cascor_fake_server.config import DEFAULT_ALLOWED_ORIGINS

from .conftest import Cli

ALLOWED = "http://localhost:8050"
pytestmark = pytest.mark.cascor_server(allowed_origins=DEFAULT_ALLOWED_ORIGINS)


def _control_origins(server: FakeCascorServer) -> list[str | None]:
    return [r.header("Origin") for r in server.requests if r.path == "/ws/control"]


def test_origin_option_reaches_the_control_handshake(
    cli: Cli, cascor_server: FakeCascorServer
) -> None:
    result = cli("control", "reset", "--json", "--url", cascor_server.http_url, "--origin", ALLOWED)
    assert result.code == 0, result
    assert result.json()["status"] == "success"
    assert _control_origins(cascor_server) == [ALLOWED]


def test_origin_defaults_to_the_environment(cli: Cli, cascor_server: FakeCascorServer) -> None:
    env = {"JUNIPER_CASCOR_WS_ORIGIN": ALLOWED}
    result = cli("control", "reset", "--url", cascor_server.http_url, env=env)
    assert result.code == 0, result
    assert _control_origins(cascor_server) == [ALLOWED]


def test_the_option_wins_over_the_environment(cli: Cli, cascor_server: FakeCascorServer) -> None:
    env = {"JUNIPER_CASCOR_WS_ORIGIN": "http://evil.example"}
    url = ("--url", cascor_server.http_url)
    result = cli("control", "reset", *url, "--origin", ALLOWED, env=env)
    assert result.code == 0, result
    assert _control_origins(cascor_server) == [ALLOWED]


@pytest.mark.parametrize("origin", [None, "http://evil.example"])
def test_a_missing_or_foreign_origin_is_an_authentication_error(
    cli: Cli, cascor_server: FakeCascorServer, origin: str | None
) -> None:
    args = () if origin is None else ("--origin", origin)
    result = cli("control", "reset", "--url", cascor_server.http_url, *args)
    result.assert_error(4, "HTTP 403")
    assert _control_origins(cascor_server) == [origin]


def test_origin_is_a_global_option_before_the_command_too(
    cli: Cli, cascor_server: FakeCascorServer
) -> None:
    result = cli("--origin", ALLOWED, "control", "reset", "--url", cascor_server.http_url)
    assert result.code == 0, result
    assert _control_origins(cascor_server) == [ALLOWED]
    assert "JUNIPER_CASCOR_WS_ORIGIN" in cli("--help").stdout
