"""Memory a call costs when the server answers an endless chunked body.

An in-process server on 127.0.0.1 answers ``200`` with ``Transfer-Encoding: chunked`` and
chunks for ever (until the client hangs up). The client must stop at its
``max_response_bytes`` (64 MiB by default) and raise, so the process's peak resident size
(``VmHWM``) may grow by at most the budget. A ``bytes`` of the cap's size, allocated
afterwards, is the baseline the growth is compared with. Budget: growth under 100 MB.
Run: ``.venv/bin/python tools/bench/bench_rest_memory.py`` (Linux: reads ``/proc/self/status``).
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path

from juniper_cascor_client_core import JuniperCascorProtocolError
from juniper_cascor_client_rest import JuniperCascorClient

BUDGET_MB = 100.0
CHUNK = b"x" * 65536
MAX_CHUNKS = 1_000_000  # 64 GB: far past any cap, yet the loop stays bounded


def _status_mb(field: str) -> float:
    """A size field of ``/proc/self/status`` (``VmHWM``: peak resident, ``VmRSS``: resident
    now), in MB.

    Raises:
        RuntimeError: When the field is missing.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} not found in /proc/self/status")


def _serve_endless(listener: socket.socket, stop: threading.Event) -> None:
    conn, _ = listener.accept()
    with conn:
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        frame = b"%x\r\n%s\r\n" % (len(CHUNK), CHUNK)
        try:
            for _ in range(MAX_CHUNKS):
                if stop.is_set():
                    break
                conn.sendall(frame)
        except OSError:  # the client hung up, as it should
            pass


def main() -> None:
    """Run one call against the endless body and print the growth of the peak RSS."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(30)
    stop = threading.Event()
    thread = threading.Thread(target=_serve_endless, args=(listener, stop), daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    before = _status_mb("VmHWM")
    outcome = "returned (no cap hit)"
    with JuniperCascorClient(url, api_key="", retries=0, deadline=120) as client:
        try:
            client.get_training_status()
        except JuniperCascorProtocolError as exc:
            outcome = f"raised {type(exc).__name__}"
    growth = _status_mb("VmHWM") - before
    stop.set()
    thread.join(timeout=10)
    listener.close()
    baseline_start = _status_mb("VmRSS")
    cap_sized = b"x" * (64 * 1024 * 1024)
    baseline = _status_mb("VmRSS") - baseline_start
    del cap_sized
    print(f"endless chunked 200 body: {outcome}")
    print(f"peak RSS growth of the call    {growth:8.1f} MB")
    print(f"one 64 MiB bytes (baseline)    {baseline:8.1f} MB")
    print(f"ratio {growth / max(baseline, 1.0):.3f} of baseline")
    verdict = "PASS" if growth < BUDGET_MB else "OVER"
    print(f"growth {growth:.1f} MB  budget < {BUDGET_MB:.0f} MB  {verdict}")


if __name__ == "__main__":
    main()
