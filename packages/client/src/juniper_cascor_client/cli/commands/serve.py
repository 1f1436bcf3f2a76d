"""``juniper-cascor serve-fake``: run the fake cascor server in the foreground.

The fake server (and aiohttp under it) is imported only when a command starts it, so the other
commands start quickly.
"""

from __future__ import annotations

import argparse
import threading
from typing import TYPE_CHECKING, Any

from juniper_cascor_client.cli.commands._base import SubParsers, add_command, positive_float
from juniper_cascor_client.cli.context import Context
from juniper_cascor_client_core.exceptions import JuniperCascorConfigurationError

if TYPE_CHECKING:
    from juniper_cascor_client.testing import FakeCascorServer

__all__ = ["register", "start_fake_server"]

_EPOCH_DELAY = 0.05


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be 0..65535, not {value}")
    return value


def register(commands: SubParsers, common: argparse.ArgumentParser) -> None:
    """Add ``serve-fake``."""
    parser = add_command(
        commands,
        common,
        "serve-fake",
        help="run the fake cascor server (a real Cascade-Correlation learner) until Ctrl-C",
        handler=run_serve,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8200, help="port, 0 for any free one (8200)")
    parser.add_argument(
        "--duration", type=positive_float, metavar="S", help="stop by itself after S seconds"
    )
    parser.add_argument(
        "--scenario",
        default="idle",
        help="initial state: empty, idle, xor_converged, two_spiral_training, error_prone (idle)",
    )
    parser.add_argument(
        "--epoch-delay",
        type=float,
        default=_EPOCH_DELAY,
        metavar="S",
        help=f"seconds per output epoch, 0 for full speed ({_EPOCH_DELAY})",
    )
    parser.add_argument(
        "--accept-key",
        action="append",
        default=[],
        metavar="KEY",
        help="require this X-API-Key from clients (repeatable; default: no authentication)",
    )


def run_serve(args: argparse.Namespace, ctx: Context) -> int:
    """Serve until Ctrl-C or ``--duration``; prints the URLs first (JSON: http_url, ws_url).

    Raises:
        JuniperCascorConfigurationError: For an unknown scenario.
        OSError: When the server cannot start (e.g. the port is in use).
    """
    server = start_fake_server(
        scenario=args.scenario,
        host=args.host,
        port=args.port,
        epoch_delay=args.epoch_delay,
        api_keys=args.accept_key,
    )
    try:
        document = {
            "http_url": server.http_url,
            "ws_url": server.ws_url,
            "scenario": args.scenario,
            "authentication": bool(args.accept_key),
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
        JuniperCascorConfigurationError: For an unknown scenario.
        OSError: When the server cannot start (e.g. the port is in use).
    """
    from juniper_cascor_client.testing import FakeCascorServer

    try:
        server = FakeCascorServer(**options)
    except ValueError as exc:
        raise JuniperCascorConfigurationError(str(exc)) from exc
    try:
        return server.start()
    except RuntimeError as exc:
        raise OSError(str(exc)) from exc
