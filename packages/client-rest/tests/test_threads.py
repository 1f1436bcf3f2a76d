"""One client shared by many threads."""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from juniper_cascor_client_rest import JuniperCascorClient, JuniperCascorClientError


def test_eight_threads_share_one_client_for_1000_calls(
    server: Any, client: JuniperCascorClient
) -> None:
    def work(worker: int) -> list[tuple[str, str]]:
        seen = []
        for i in range(125):
            tag = f"{worker}-{i}"
            if i % 5 == 0:
                echo: Any = client.update_params({"tag": tag})  # the server echoes the request
                echoed = echo["data"]["body"]["tag"]
            else:
                answer = client.request("GET", "/training/status", params={"tag": tag})
                echoed = answer["data"]["query"]["tag"][0]
            seen.append((tag, echoed))
        return seen

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = [pair for chunk in pool.map(work, range(8)) for pair in chunk]

    assert len(results) == 1000
    assert all(tag == echoed for tag, echoed in results)
    assert len(server.requests) == 1000
    assert sum(r.method == "PATCH" for r in server.requests) == 200


def test_each_thread_has_its_own_session_sharing_one_pool(client: JuniperCascorClient) -> None:
    transport = client._transport
    sessions: list[Any] = []

    def grab() -> None:
        sessions.append(transport._session())

    threads = [threading.Thread(target=grab) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)

    assert len({id(s) for s in sessions}) == 3
    assert {id(s.get_adapter("http://x")) for s in sessions} == {id(transport._adapter)}


def test_close_from_another_thread_stops_later_calls(
    server: Any, client: JuniperCascorClient
) -> None:
    client.get_metrics()
    closer = threading.Thread(target=client.close)
    closer.start()
    closer.join(timeout=5)
    with pytest.raises(JuniperCascorClientError, match="closed"):
        client.get_metrics()
    assert len(server.requests) == 1


class _Signal(logging.Handler):
    """Keeps every logged message in ``messages``; sets ``seen`` at the first containing
    ``text``."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        self.seen = threading.Event()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
        if self.text in record.getMessage():
            self.seen.set()


def test_close_during_a_retry_wait_ends_it_and_sends_no_further_attempt(
    server: Any, make_client: Any
) -> None:
    """close() from another thread cuts a 30 s Retry-After wait short: the call raises the
    last error at once instead of sending the retry."""
    client = make_client(retries=3, deadline=120.0)
    server.responder = lambda r: {"status": 503, "headers": {"Retry-After": "30"}}
    signal = _Signal("; retry 1 of 3 in 30.000 s")
    logger = logging.getLogger("juniper_cascor_client_rest")
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(signal)
    closer = threading.Thread(target=lambda: signal.seen.wait(10) and client.close())
    closer.start()
    try:
        started = time.monotonic()
        with pytest.raises(JuniperCascorClientError, match="HTTP 503"):
            client.get_metrics()
        elapsed = time.monotonic() - started
    finally:
        closer.join(timeout=10)
        logger.removeHandler(signal)
        logger.setLevel(level)
    assert signal.seen.is_set()
    assert client.closed
    assert elapsed < 20  # correctness bound: the wait ended long before its 30 s
    assert any("client closed while waiting to retry" in m for m in signal.messages)
    assert len(server.requests) == 1
