"""The one command line of the fake server, shared by every way of launching it.

Importing this module is cheap (no aiohttp, no numpy): the server loads when one is built.

``juniper-cascor-fake-server``, ``python -m juniper_cascor_fake_server``,
``python -m juniper_cascor_client.testing`` and ``juniper-cascor serve-fake`` all take the flags
that ``add_server_arguments`` defines and build the server with ``server_from_arguments``. The
keys the server accepts are ``--accept-key`` (never ``--api-key``, which is what a client
sends); the ``/ws/control`` Origin allowlist is ``--allow-origin`` (repeatable) or
``--allow-any-origin``.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from juniper_cascor_fake_server.config import DEFAULT_ALLOWED_ORIGINS
from juniper_cascor_fake_server.scenarios import SCENARIOS

if TYPE_CHECKING:
    from juniper_cascor_fake_server.server import FakeCascorServer

__all__ = ["add_server_arguments", "main", "server_from_arguments"]

_EPOCH_DELAY = 0.05


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be 0..65535, not {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {text}")
    return value


def add_server_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the fake server's flags to ``parser``."""
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8200, help="port, 0 for any free one (8200)")
    parser.add_argument(
        "--scenario", default="idle", help=f"initial state: {', '.join(SCENARIOS)} (idle)"
    )
    parser.add_argument(
        "--epoch-delay",
        type=_seconds,
        default=_EPOCH_DELAY,
        metavar="S",
        help=f"seconds per output epoch, 0 for full speed ({_EPOCH_DELAY})",
    )
    parser.add_argument(
        "--accept-key",
        action="append",
        default=[],
        metavar="KEY",
        help="an X-API-Key the server accepts (repeatable; default: no authentication)",
    )
    origins = parser.add_mutually_exclusive_group()
    origins.add_argument(
        "--allow-origin",
        action="append",
        metavar="ORIGIN",
        help="an Origin /ws/control accepts (repeatable; default: the real server's "
        + ", ".join(DEFAULT_ALLOWED_ORIGINS[:2])
        + " and their https forms)",
    )
    origins.add_argument(
        "--allow-any-origin",
        action="store_true",
        help="turn the /ws/control Origin allowlist off (clients without an Origin connect)",
    )
    parser.add_argument("--seed", type=int, default=0, help="learner seed (0)")
    parser.add_argument("--no-workers", action="store_true", help="disable /ws/v1/workers")


def server_from_arguments(args: argparse.Namespace) -> FakeCascorServer:
    """An unstarted ``FakeCascorServer`` configured by the flags of ``add_server_arguments``.

    Raises:
        ValueError: for an unknown scenario.
    """
    from juniper_cascor_fake_server.server import FakeCascorServer

    if args.allow_any_origin:
        origins: tuple[str, ...] = ()
    else:
        origins = tuple(args.allow_origin or DEFAULT_ALLOWED_ORIGINS)
    return FakeCascorServer(
        scenario=args.scenario,
        host=args.host,
        port=args.port,
        epoch_delay=args.epoch_delay,
        api_keys=tuple(args.accept_key),
        allowed_origins=origins,
        workers_enabled=not args.no_workers,
        seed=args.seed,
    )


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="A fake juniper-cascor 0.12 server that trains a real Cascade-Correlation "
        "network. Serves until Ctrl-C (or --duration).",
    )
    add_server_arguments(parser)
    parser.add_argument(
        "--duration", type=_seconds, metavar="S", help="stop by itself after S seconds"
    )
    return parser


def main(
    argv: Sequence[str] | None = None,
    stop: threading.Event | None = None,
    prog: str = "juniper-cascor-fake-server",
) -> int:
    """Serve until interrupted, ``--duration`` passes or ``stop`` is set; the exit status."""
    parser = _parser(prog)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        server = server_from_arguments(args)
    except ValueError as exc:
        parser.error(str(exc))
    with server:
        print(f"fake cascor server on {server.http_url} (scenario {args.scenario})", flush=True)
        waiter = stop or threading.Event()
        with contextlib.suppress(KeyboardInterrupt):
            waiter.wait(args.duration)
    return 0
