"""``juniper-cascor-numpy-worker``: the worker command, a drop-in for ``juniper-cascor-worker``.

It takes the torch worker's WebSocket-mode flags and environment variables (``--server-url``,
``--auth-token``/``--api-key``, ``--heartbeat-interval``, ``--task-timeout``, ``--tls-*``,
``--log-level``), plus ``--name``. A flag wins over its environment variable, which wins over
the default. It runs until Ctrl-C or SIGTERM, then closes the connection and exits 0. Exit
codes: 0 stopped, 1 refused by the server (bad key...), 2 bad arguments or TLS files.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import ssl
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from juniper_cascor_numpy_worker import environment
from juniper_cascor_numpy_worker._version import __version__
from juniper_cascor_numpy_worker.settings import (
    DEFAULT_HEARTBEAT_INTERVAL,
    DEFAULT_TASK_TIMEOUT,
    WorkerSettings,
)

if TYPE_CHECKING:
    from juniper_cascor_numpy_worker.worker import NumpyWorker

__all__ = [
    "EXIT_REFUSED",
    "EXIT_STOPPED",
    "EXIT_USAGE",
    "LOG_LEVELS",
    "build_parser",
    "main",
    "settings_from",
]

logger = logging.getLogger(__name__)

EXIT_STOPPED = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def build_parser() -> argparse.ArgumentParser:
    """The command's argument parser."""
    parser = argparse.ArgumentParser(
        prog="juniper-cascor-numpy-worker",
        description="Train juniper-cascor candidate units for a server's /ws/v1/workers, "
        "with numpy (no torch).",
    )
    add = parser.add_argument
    add(
        "--server-url",
        help="the server (ws://host:8200) or its worker endpoint (ws://host:8200/ws/v1/workers); "
        f"env {environment.SERVER_URL.name}",
    )
    add(
        "--auth-token",
        "--api-key",
        dest="auth_token",
        help=f"API key sent as X-API-Key; env {environment.AUTH_TOKEN.name}",
    )
    add(
        "--heartbeat-interval",
        type=float,
        help="seconds between heartbeats, also the longest an idle worker waits for a queued "
        f"task (default {DEFAULT_HEARTBEAT_INTERVAL:g}); env {environment.HEARTBEAT_INTERVAL.name}",
    )
    add(
        "--task-timeout",
        type=float,
        help=f"longest one task may train, in seconds (default {DEFAULT_TASK_TIMEOUT:g}); "
        f"env {environment.TASK_TIMEOUT.name}",
    )
    add("--tls-cert", help=f"client certificate (wss); env {environment.TLS_CERT.name}")
    add("--tls-key", help=f"client certificate's key (wss); env {environment.TLS_KEY.name}")
    add("--tls-ca", help=f"CA bundle to trust (wss); env {environment.TLS_CA.name}")
    add(
        "--name",
        help="id proposed at registration (default numpy-worker-<host>); "
        f"env {environment.NAME.name}",
    )
    add("--log-level", default="INFO", choices=LOG_LEVELS, help="log level (default INFO)")
    add("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _seconds(parser: argparse.ArgumentParser, setting: environment.EnvSetting) -> float | None:
    found = setting.find()
    if found is None:
        return None
    name, text = found
    try:
        return float(text)
    except ValueError:
        parser.error(f"{name} must be a number of seconds, got {text!r}")


def settings_from(args: argparse.Namespace, parser: argparse.ArgumentParser) -> WorkerSettings:
    """The worker's settings from parsed flags, then the environment, then the defaults.

    Raises:
        SystemExit: (via ``parser.error``, status 2) When the server URL is missing or a
            value is invalid.
    """
    server_url = args.server_url if args.server_url is not None else environment.SERVER_URL.read()
    if not server_url:
        parser.error(f"--server-url (or {environment.SERVER_URL.name}) is required")
    flags_and_env: dict[str, tuple[Any, Any]] = {
        "api_key": (args.auth_token, environment.AUTH_TOKEN.read()),
        "heartbeat_interval": (
            args.heartbeat_interval,
            _seconds(parser, environment.HEARTBEAT_INTERVAL),
        ),
        "task_timeout": (args.task_timeout, _seconds(parser, environment.TASK_TIMEOUT)),
        "name": (args.name, environment.NAME.read()),
        "tls_cert": (args.tls_cert, environment.TLS_CERT.read()),
        "tls_key": (args.tls_key, environment.TLS_KEY.read()),
        "tls_ca": (args.tls_ca, environment.TLS_CA.read()),
    }
    given = {
        key: flag if flag is not None else env
        for key, (flag, env) in flags_and_env.items()
        if flag is not None or env is not None
    }
    try:
        return WorkerSettings(server_url=server_url, **given)
    except ValueError as exc:
        parser.error(str(exc))


async def _serve(settings: WorkerSettings) -> int:
    # Imported here so that ``--help`` and bad arguments answer without loading websockets.
    from juniper_cascor_numpy_worker.errors import WorkerRefusedError
    from juniper_cascor_numpy_worker.worker import NumpyWorker

    try:
        worker = NumpyWorker.from_settings(settings)
    except (OSError, ssl.SSLError) as exc:
        logger.error("cannot use the TLS files: %s", exc)
        return EXIT_USAGE
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, _stop, worker, signum)
        except NotImplementedError:  # Windows: the handler runs between bytecodes instead
            signal.signal(signum, lambda number, _frame: _stop(worker, number))
    logger.info("worker %s connecting to %s", settings.name, settings.url)
    try:
        await worker.run()
    except WorkerRefusedError as exc:
        logger.error("%s; not retrying", exc)
        return EXIT_REFUSED
    return EXIT_STOPPED


def _stop(worker: NumpyWorker, signum: int) -> None:
    logger.info("%s received; stopping", signal.Signals(signum).name)
    worker.stop()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the worker command; its exit status.

    Raises:
        SystemExit: For ``--help``, ``--version`` and bad arguments (status 2).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level, format=_LOG_FORMAT)
    settings = settings_from(args, parser)
    with contextlib.suppress(KeyboardInterrupt):  # a Ctrl-C before the handlers are in place
        return asyncio.run(_serve(settings))
    return EXIT_STOPPED
