"""The argument parser of ``juniper-cascor`` and the dispatch of one invocation.

argparse (standard library) rather than click: the command line needs nothing argparse lacks
(sub-commands, typed options, an epilog), and the stack stays free of another dependency.

Global options are accepted before or after the sub-command (``juniper-cascor --json status``
and ``juniper-cascor status --json`` are the same): each sub-parser repeats them with a
suppressed default, so a value given at either place wins and none is reset.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from typing import Protocol

from juniper_cascor_client._version import __version__
from juniper_cascor_client.cli.commands import REGISTRARS
from juniper_cascor_client.cli.commands._base import positive_float
from juniper_cascor_client.cli.context import URL_ENV, Context
from juniper_cascor_client.cli.exit_codes import (
    ExitCode,
    exit_code_for,
    exit_codes_epilog,
    print_error,
)
from juniper_cascor_client_core import WS_ORIGIN_ENV
from juniper_cascor_client_core.constants import DEFAULT_BASE_URL, DEFAULT_TIMEOUT
from juniper_cascor_client_core.credentials import API_KEY_ENV
from juniper_cascor_client_core.exceptions import JuniperCascorClientError

__all__ = ["Handler", "build_parser", "run"]

PROG = "juniper-cascor"

_URL_CREDENTIALS = re.compile(r"(\b[A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]+@")
"""``scheme://user:password@`` in an error message, printed as ``scheme://***@``."""


class Handler(Protocol):
    """A sub-command: does its work, writes its output, returns the exit code."""

    def __call__(self, args: argparse.Namespace, ctx: Context, /) -> int: ...


def _add_global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    group = parser.add_argument_group("global options")
    group.add_argument(
        "--url",
        default=default(None),
        help=f"service base URL (default: ${URL_ENV} or {DEFAULT_BASE_URL})",
    )
    group.add_argument(
        "--api-key",
        default=default(None),
        metavar="KEY",
        help=f"API key sent as X-API-Key (default: ${API_KEY_ENV}); never printed",
    )
    group.add_argument(
        "--origin",
        default=default(None),
        help=(
            f"Origin header of the WebSocket streams (default: ${WS_ORIGIN_ENV}; '' sends "
            "none); juniper-cascor refuses /ws/control without one on its allowlist, "
            "e.g. http://localhost:8050"
        ),
    )
    group.add_argument(
        "--json",
        action="store_true",
        default=default(False),
        help="print one JSON document on stdout instead of tables and progress bars",
    )
    group.add_argument(
        "--timeout",
        type=positive_float,
        default=default(DEFAULT_TIMEOUT),
        metavar="SECONDS",
        help=f"timeout of each request and command (default: {DEFAULT_TIMEOUT:g})",
    )


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Train, watch and control juniper-cascor networks.",
        epilog=exit_codes_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_global_options(parser, suppress=False)
    common = argparse.ArgumentParser(add_help=False)
    _add_global_options(common, suppress=True)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for register in REGISTRARS:
        register(commands, common)
    return parser


def run(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv``, run the sub-command and turn expected errors into exit codes.

    Expected failures (client errors, unusable data files, missing extras, unwritable output
    files, Ctrl-C) end with a one-line message on stderr and their exit code; with ``--json``
    stdout also gets ``{"error": {...}}`` (``exit_code``, ``code`` (the exit code's name),
    ``server_code`` (the server's error code, or ``null``), ``type`` and ``message``).
    Anything else is a bug and keeps its traceback.
    """
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args, Context.from_args(args))
    except JuniperCascorClientError as exc:
        message = str(exc) or type(exc).__name__
        return _fail(args, exit_code_for(exc), message, type(exc).__name__, exc.code)
    except ImportError as exc:
        return _fail(args, ExitCode.MISSING_DEPENDENCY, str(exc), "ImportError")
    except OSError as exc:
        return _fail(args, ExitCode.ERROR, str(exc), type(exc).__name__)
    except KeyboardInterrupt:
        return _fail(args, ExitCode.INTERRUPTED, "interrupted", "KeyboardInterrupt")


def _fail(
    args: argparse.Namespace,
    code: ExitCode,
    message: str,
    kind: str,
    server_code: str | None = None,
) -> int:
    message = _URL_CREDENTIALS.sub(r"\1***@", message)
    print_error(message)
    if args.json:
        error = {
            "exit_code": int(code),
            "code": code.name.lower(),
            "server_code": server_code,
            "type": kind,
            "message": message,
        }
        sys.stdout.write(json.dumps({"error": error}) + "\n")
    return int(code)
