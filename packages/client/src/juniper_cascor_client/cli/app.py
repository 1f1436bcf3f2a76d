"""The argument parser of ``juniper-cascor`` and the dispatch of one invocation.

argparse (standard library) rather than click: the command line needs nothing argparse lacks
(sub-commands, typed options, an epilog), and the stack stays free of another dependency.
The options shared by the sub-commands, and where they apply, are in
:mod:`~juniper_cascor_client.cli.options`.
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
from juniper_cascor_client.cli.context import Context
from juniper_cascor_client.cli.exit_codes import (
    ExitCode,
    exit_code_for,
    exit_codes_epilog,
    print_error,
)
from juniper_cascor_client.cli.logs import configure_logging
from juniper_cascor_client.cli.options import (
    SharedOptions,
    add_connection_options,
    add_output_options,
    finish_options,
)
from juniper_cascor_client_core.exceptions import JuniperCascorClientError

__all__ = ["Handler", "build_parser", "run"]

PROG = "juniper-cascor"

_URL_CREDENTIALS = re.compile(r"(\b[A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]+@")
"""``scheme://user:password@`` in an error message, printed as ``scheme://***@``."""


class Handler(Protocol):
    """A sub-command: does its work, writes its output, returns the exit code."""

    def __call__(self, args: argparse.Namespace, ctx: Context, /) -> int: ...


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "Train, watch and control juniper-cascor networks.\n\n"
            "The connection options apply to the commands that talk to a service (not to\n"
            "demo and serve-fake). Every option may also follow the command name."
        ),
        epilog=exit_codes_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    add_output_options(parser)
    add_connection_options(parser)
    shared = SharedOptions.create()
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for register in REGISTRARS:
        register(commands, shared)
    return parser


def run(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv``, run the sub-command and turn expected errors into exit codes.

    Expected failures (client errors, unusable data files, missing extras, unwritable output
    files, Ctrl-C) end with a one-line message on stderr and their exit code; with ``--json``
    stdout also gets ``{"error": {...}}`` (``exit_code``, ``code`` (the exit code's name),
    ``server_code`` (the server's error code, or ``null``), ``type`` and ``message``).
    Anything else is a bug and keeps its traceback.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    finish_options(parser, args)
    configure_logging(args.verbose)
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
