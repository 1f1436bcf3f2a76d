"""Per-call time of ``JuniperCascorClient.get_training_status()`` against a bare
``requests.Session().get`` of the same URL, measured in the same run.

An in-process keep-alive HTTP/1.1 server on 127.0.0.1 answers the training-status envelope.
The two callers are interleaved call by call (alternating which goes first) so drift and
noise hit both alike; the medians are compared. Budget: the client costs at most 1.10x the
bare session (its extras: per-thread session lookup, deadline, status mapping, JSON parsing).
Run: ``.venv/bin/python tools/bench/bench_rest.py``.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

from juniper_cascor_client_rest import JuniperCascorClient

BUDGET = 1.10
WARMUP = 300
ROUNDS = 3_000

STATUS_BODY = json.dumps(
    {
        "status": "success",
        "data": {
            "training_active": True,
            "current_epoch": 42,
            "hidden_units": 3,
            "state_machine": {"state": "Started", "phase": "Output", "paused": False},
        },
        "meta": {"timestamp": 1_700_000_000.0, "version": "0.5.0"},
    }
).encode()


class _StatusHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(STATUS_BODY)))
        self.end_headers()
        self.wfile.write(STATUS_BODY)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the output to the figures."""


def _timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def main() -> None:
    """Start the server, measure both callers interleaved, print the ratio and the verdict."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StatusHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    url = f"{base_url}/v1/training/status"
    session = requests.Session()
    client = JuniperCascorClient(base_url, api_key="")

    def bare() -> object:
        return session.get(url)

    ours_times: list[float] = []
    bare_times: list[float] = []
    try:
        for i in range(WARMUP + ROUNDS):
            if i % 2:
                ours, base = _timed(client.get_training_status), _timed(bare)
            else:
                base, ours = _timed(bare), _timed(client.get_training_status)
            if i >= WARMUP:
                ours_times.append(ours)
                bare_times.append(base)
    finally:
        client.close()
        session.close()
        server.shutdown()
        server.server_close()

    ours_median = statistics.median(ours_times)
    bare_median = statistics.median(bare_times)
    ratio = ours_median / bare_median
    print(f"requests.Session().get          median {bare_median * 1e6:8.1f} us  ({ROUNDS} calls)")
    print(f"client.get_training_status()    median {ours_median * 1e6:8.1f} us  ({ROUNDS} calls)")
    verdict = "PASS" if ratio <= BUDGET else "OVER"
    print(f"ratio {ratio:.3f}  budget <= {BUDGET:.2f}  {verdict}")


if __name__ == "__main__":
    main()
