"""The shared options: where they apply, the help text, and ``-v/--verbose``."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator

import pytest

from juniper_cascor_client.cli.app import build_parser
from juniper_cascor_client.testing import FakeCascorServer

from .conftest import Cli

CONNECTION_OPTIONS = ("--url", "--api-key", "--origin", "--timeout")
FAST_STREAM = {"resume_window": 0.05}
_REST_MARKUP = re.compile(r"``|:(?:class|func|meth|mod|data|attr|exc):`")


def _parsers(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every parser of the command line with its command path, the main one first."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _parsers(child, (*path, name))


def test_every_help_text_is_plain() -> None:
    """The help of each command is read in a terminal: no reST markup from docstrings."""
    paths = []
    for path, parser in _parsers(build_parser()):
        text = parser.format_help()
        assert not _REST_MARKUP.search(text), (path, _REST_MARKUP.findall(text))
        paths.append(path)
    assert ("demo",) in paths
    assert ("control", "set-params") in paths


@pytest.mark.parametrize("command", ["demo", "serve-fake"])
def test_local_commands_do_not_list_connection_options(cli: Cli, command: str) -> None:
    result = cli(command, "--help")
    assert result.code == 0, result
    for option in CONNECTION_OPTIONS:
        assert option not in result.stdout
    assert "--json" in result.stdout
    assert "--verbose" in result.stdout
    assert "``" not in result.stdout


@pytest.mark.parametrize(
    "command", [["status"], ["watch"], ["control", "set-params"], ["plot", "boundary"]]
)
def test_remote_commands_list_connection_options(cli: Cli, command: list[str]) -> None:
    result = cli(*command, "--help")
    assert result.code == 0, result
    for option in CONNECTION_OPTIONS:
        assert option in result.stdout


@pytest.mark.parametrize("option", [["--url", "http://127.0.0.1:9"], ["--timeout", "5"]])
@pytest.mark.parametrize("command", ["demo", "serve-fake"])
def test_local_commands_refuse_connection_options_anywhere(
    cli: Cli, command: str, option: list[str]
) -> None:
    after = cli(command, *option)
    assert after.code == 2, after
    assert f"unrecognized arguments: {option[0]}" in after.stderr
    before = cli(*option, command)
    assert before.code == 2, before
    assert f"{option[0]}: not used by '{command}'" in before.stderr
    assert "Traceback" not in after.stderr + before.stderr


@pytest.mark.cascor_server(scenario="idle")
def test_connection_options_go_before_or_after_a_remote_command(
    cli: Cli, cascor_server: FakeCascorServer
) -> None:
    before = cli("--timeout", "10", "--url", cascor_server.http_url, "--json", "status")
    after = cli("status", "--json", "--url", cascor_server.http_url, "--timeout", "10")
    assert before.code == after.code == 0, (before, after)
    assert before.json()["network"] == after.json()["network"]


@pytest.mark.cascor_server(scenario="idle", **FAST_STREAM)
def test_without_verbose_nothing_is_logged(cli: Cli, cascor_server: FakeCascorServer) -> None:
    result = cli("watch", "--json", "--duration", "0.5", "--url", cascor_server.http_url)
    assert result.code == 0, result
    assert result.stderr == ""


@pytest.mark.cascor_server(scenario="idle", **FAST_STREAM)
def test_one_verbose_logs_the_stack_at_info(cli: Cli, cascor_server: FakeCascorServer) -> None:
    result = cli("-v", "watch", "--json", "--duration", "0.5", "--url", cascor_server.http_url)
    assert result.code == 0, result
    assert "INFO juniper_cascor_client_streams: training: connected to ws://" in result.stderr
    assert "DEBUG" not in result.stderr
    assert result.json()["run"]["finished"] is False  # stdout stays one JSON document


@pytest.mark.cascor_server(scenario="idle", api_keys=["sk-verbose-7f3a"])
def test_two_verbose_log_each_request_at_debug_without_the_key(
    cli: Cli, cascor_server: FakeCascorServer
) -> None:
    result = cli("status", "-vv", "--json", "--url", cascor_server.http_url,
                 "--api-key", "sk-verbose-7f3a")  # fmt: skip
    assert result.code == 0, result
    assert re.search(r"DEBUG juniper_cascor_client_rest: GET /health -> 200", result.stderr)
    assert "sk-verbose-7f3a" not in result.stderr + result.stdout
