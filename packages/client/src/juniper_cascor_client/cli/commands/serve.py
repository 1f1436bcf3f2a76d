"""``juniper-cascor serve-fake``: run the fake cascor server in the foreground.

The fake server (and aiohttp under it) is imported only when a command starts it, so the other
commands start quickly.
"""

from __future__ import annotations

import argparse
import threading
from typing import TYPE_CHECKING, Any

from juniper_cascor_client._extras import require
from juniper_cascor_client.cli.commands._base import SubParsers, add_command, positive_float
from juniper_cascor_client.cli.context import Context
from juniper_cascor_client.cli.options import SharedOptions
from juniper_cascor_client_core.exceptions import JuniperCascorConfigurationError

if TYPE_CHECKING:
    from juniper_cascor_fake_server import FakeCascorServer

__all__ = ["register", "start_fake_server"]

_SERVER = "juniper_cascor_fake_server.server"


def register(commands: SubParsers, shared: SharedOptions) -> None:
    """Add ``serve-fake`` (the fake server's own flags, see ``juniper_cascor_fake_server.cli``)."""
    parser = add_command(
        commands,
        shared,
        "serve-fake",
        help="run the fake cascor server (a real Cascade-Correlation learner) until Ctrl-C",
        handler=run_serve,
        remote=False,
    )
    require("juniper_cascor_fake_server.cli", "cli").add_server_arguments(parser)
    parser.add_argument(
        "--duration", type=positive_float, metavar="S", help="stop by itself after S seconds"
    )


def run_serve(args: argparse.Namespace, ctx: Context) -> int:
    """Serve until Ctrl-C or ``--duration``; prints the URLs first (JSON: http_url, ws_url).

    Raises:
        ImportError: Naming the ``[cli]`` extra when the server's dependencies are missing.
        JuniperCascorConfigurationError: For an unknown scenario.
        OSError: When the server cannot start (e.g. the port is in use).
    """
    require(_SERVER, "cli")  # its dependencies (aiohttp), with the extra named when missing
    cli = require("juniper_cascor_fake_server.cli", "cli")
    try:
        server = cli.server_from_arguments(args)
    except ValueError as exc:
        raise JuniperCascorConfigurationError(str(exc)) from exc
    server = _started(server)
    try:
        document = {
            "http_url": server.http_url,
            "ws_url": server.ws_url,
            "scenario": args.scenario,
            "authentication": bool(args.accept_key),
            "allowed_origins": list(server.config.allowed_origins) or "any",
        }
        ctx.out.fields("fake cascor server running (Ctrl-C to stop)", document)
        threading.Event().wait(args.duration)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def start_fake_server(**options: Any) -> FakeCascorServer:
    """Start a ``FakeCascorServer`` with ``options`` (its ``ServerConfig`` fields, ``scenario``).

    Raises:
        ImportError: Naming the ``[cli]`` extra when the server's dependencies are missing.
        JuniperCascorConfigurationError: For an unknown scenario.
        OSError: When the server cannot start (e.g. the port is in use).
    """
    server_class = require(_SERVER, "cli").FakeCascorServer
    try:
        server = server_class(**options)
    except ValueError as exc:
        raise JuniperCascorConfigurationError(str(exc)) from exc
    return _started(server)


def _started(server: FakeCascorServer) -> FakeCascorServer:
    try:
        return server.start()
    except RuntimeError as exc:
        raise OSError(str(exc)) from exc
