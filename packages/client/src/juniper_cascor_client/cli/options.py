"""The options every sub-command shares, and which ones apply where.

Two groups: the output options (``--json``, ``-v``) apply to every command; the connection
options (``--url``, ``--api-key``, ``--origin``, ``--timeout``) only to the commands that talk
to a service, so ``demo`` and ``serve-fake`` neither list nor accept them.

Each group is accepted before or after the sub-command (``juniper-cascor --json status`` and
``juniper-cascor status --json`` are the same): the main parser and each sub-parser that takes
a group define it with a suppressed default, so a value given at either place wins and none is
reset. :func:`finish_options` then fills in the defaults, after refusing connection options
given before a command they do not apply to.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

from juniper_cascor_client.cli.commands._base import positive_float
from juniper_cascor_client_core import WS_ORIGIN_ENV
from juniper_cascor_client_core.constants import DEFAULT_BASE_URL, DEFAULT_TIMEOUT
from juniper_cascor_client_core.credentials import API_KEY_ENV
from juniper_cascor_client_core.urls import URL_ENV

__all__ = [
    "CONNECTION_DEFAULTS",
    "OUTPUT_DEFAULTS",
    "SharedOptions",
    "add_connection_options",
    "add_output_options",
    "finish_options",
]

CONNECTION_DEFAULTS: dict[str, Any] = {
    "url": None,
    "api_key": None,
    "origin": None,
    "timeout": DEFAULT_TIMEOUT,
}
OUTPUT_DEFAULTS: dict[str, Any] = {"json": False, "verbose": 0}


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--json`` and ``-v/--verbose`` (suppressed defaults: see the module doc)."""
    group = parser.add_argument_group("output options")
    group.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print one JSON document on stdout instead of tables and progress bars",
    )
    group.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=argparse.SUPPRESS,
        help="log the client's work on stderr: -v for INFO, -vv for DEBUG (default: warnings)",
    )


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--url``, ``--api-key``, ``--origin`` and ``--timeout`` (suppressed defaults)."""
    group = parser.add_argument_group("connection options")
    group.add_argument(
        "--url",
        default=argparse.SUPPRESS,
        help=f"service base URL (default: ${URL_ENV} or {DEFAULT_BASE_URL})",
    )
    group.add_argument(
        "--api-key",
        default=argparse.SUPPRESS,
        metavar="KEY",
        help=f"API key sent as X-API-Key (default: ${API_KEY_ENV}); never printed",
    )
    group.add_argument(
        "--origin",
        default=argparse.SUPPRESS,
        help=(
            f"Origin header of the WebSocket streams (default: ${WS_ORIGIN_ENV}; '' sends "
            "none); juniper-cascor refuses /ws/control without one on its allowlist, "
            "e.g. http://localhost:8050"
        ),
    )
    group.add_argument(
        "--timeout",
        type=positive_float,
        default=argparse.SUPPRESS,
        metavar="SECONDS",
        help=f"timeout of each request and command (default: {DEFAULT_TIMEOUT:g})",
    )


@dataclass(frozen=True)
class SharedOptions:
    """Parent parsers holding the shared options, for ``add_parser(parents=...)``."""

    output: argparse.ArgumentParser
    connection: argparse.ArgumentParser

    @classmethod
    def create(cls) -> SharedOptions:
        """Both groups, each on a parser without ``-h``."""
        output = argparse.ArgumentParser(add_help=False)
        add_output_options(output)
        connection = argparse.ArgumentParser(add_help=False)
        add_connection_options(connection)
        return cls(output, connection)

    def parents(self, *, remote: bool) -> list[argparse.ArgumentParser]:
        """The parents of a sub-command: the connection options only when ``remote``."""
        return [self.output, self.connection] if remote else [self.output]


def finish_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse connection options given to a local command, then fill in every default.

    A local command's parser has ``local_command`` (its name) as a default; connection options
    can reach it only when given before the command name.

    Raises:
        SystemExit: With status 2 and a usage message, through ``parser.error``.
    """
    local = getattr(args, "local_command", None)
    if local is not None:
        given = [f"--{dest.replace('_', '-')}" for dest in CONNECTION_DEFAULTS if dest in args]
        if given:
            parser.error(f"{', '.join(given)}: not used by {local!r}, which runs locally")
    for dest, value in {**CONNECTION_DEFAULTS, **OUTPUT_DEFAULTS}.items():
        if dest not in args:
            setattr(args, dest, value)
