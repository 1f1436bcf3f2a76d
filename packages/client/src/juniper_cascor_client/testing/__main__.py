"""Run the fake cascor server from the command line.

python -m juniper_cascor_client.testing --port 8200 --scenario idle --epoch-delay 0.05
"""

from __future__ import annotations

import argparse
import logging
import threading
from collections.abc import Sequence

from juniper_cascor_client.testing.scenarios import SCENARIOS
from juniper_cascor_client.testing.server import FakeCascorServer

__all__ = ["main"]

_DEMO_EPOCH_DELAY = 0.05


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m juniper_cascor_client.testing",
        description="A fake juniper-cascor server that trains a real Cascade-Correlation network.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8200, help="port, 0 for any free one (8200)")
    parser.add_argument("--scenario", choices=SCENARIOS, default="idle", help="initial state")
    parser.add_argument(
        "--epoch-delay",
        type=float,
        default=_DEMO_EPOCH_DELAY,
        help=f"seconds per output epoch, 0 for full speed ({_DEMO_EPOCH_DELAY})",
    )
    parser.add_argument(
        "--api-key", action="append", default=[], help="accepted X-API-Key (repeatable)"
    )
    parser.add_argument("--no-workers", action="store_true", help="disable /ws/v1/workers")
    parser.add_argument("--seed", type=int, default=0, help="learner seed (0)")
    return parser


def main(argv: Sequence[str] | None = None, stop: threading.Event | None = None) -> int:
    """Serve until interrupted (or until ``stop`` is set); returns the exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    server = FakeCascorServer(
        scenario=args.scenario,
        host=args.host,
        port=args.port,
        epoch_delay=args.epoch_delay,
        api_keys=args.api_key,
        workers_enabled=not args.no_workers,
        seed=args.seed,
    )
    with server:
        print(f"fake cascor server on {server.http_url} (scenario {args.scenario})", flush=True)
        waiter = stop or threading.Event()
        try:
            while not waiter.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
