"""The connect loop against scripted servers on 127.0.0.1: the handshake's headers, refusals
that are never retried, and failures that are, with backoff."""

from __future__ import annotations

import asyncio
import socket

import pytest

from juniper_cascor_numpy_worker import NumpyWorker, WorkerRefusedError

from .scripted import ASSIGNED_ID, Peer, ScriptedServer, running, until

FAST = {"backoff_base": 0.05, "backoff_max": 0.2, "heartbeat_interval": 60}


async def _refuse_after_upgrade(peer: Peer, code: int) -> None:
    await peer.connection.close(code, "refused")


async def _refuse_registration(peer: Peer, code: int) -> None:
    await peer.send({"type": "connection_established", "data": {"channel": "workers"}})
    await peer.recv_json()
    await peer.send({"type": "error", "error": "Invalid registration", "timestamp": 1.0})
    await peer.connection.close(code, "Invalid registration")


@pytest.mark.parametrize("status", [401, 403])
async def test_an_http_refusal_before_the_upgrade_is_not_retried(status: int) -> None:
    async with ScriptedServer(refuse=(status, status)) as server:
        worker = NumpyWorker(server.url, api_key="wrong", **FAST)
        with pytest.raises(WorkerRefusedError) as caught:
            await asyncio.wait_for(worker.run(), 20)
    assert caught.value.status_code == status
    assert f"HTTP {status}" in str(caught.value)
    assert len(server.handshakes) == 1


@pytest.mark.parametrize(
    ("code", "refuse"),
    [
        (4001, _refuse_after_upgrade),
        (4003, _refuse_after_upgrade),
        (4008, _refuse_registration),
        (4007, _refuse_registration),
    ],
)
async def test_a_refusal_after_the_upgrade_is_not_retried(code: int, refuse: object) -> None:
    async with ScriptedServer() as server:
        worker = NumpyWorker(server.url, **FAST)
        running_worker = asyncio.create_task(worker.run())
        peer = await server.next_peer()
        await refuse(peer, code)  # type: ignore[operator]
        with pytest.raises(WorkerRefusedError) as caught:
            await asyncio.wait_for(running_worker, 20)
    assert caught.value.close_code == code
    assert f"close code {code}" in str(caught.value)
    assert worker.close_code == code
    assert len(server.handshakes) == 1
    if refuse is _refuse_registration:
        assert worker.errors == ["Invalid registration"]


async def test_a_dropped_connection_is_reconnected() -> None:
    async with ScriptedServer() as server:
        worker = NumpyWorker(server.url, **FAST)
        async with running(worker):
            first = await server.next_peer()
            await first.register("worker-aaaaaaaaaaaa")
            await until(lambda: worker.worker_id == "worker-aaaaaaaaaaaa")
            await first.connection.close(1011, "server restarting")
            second = await server.next_peer()
            await second.register()
            await until(lambda: worker.worker_id == ASSIGNED_ID)
    assert worker.stats.registrations == 2
    assert len(server.handshakes) == 2


@pytest.mark.parametrize("code", [1000, 1011, 4013, 4029])
async def test_other_close_codes_are_retried(code: int) -> None:
    async with ScriptedServer() as server:
        worker = NumpyWorker(server.url, **FAST)
        async with running(worker):
            first = await server.next_peer()
            await first.connection.close(code, "try again")
            second = await server.next_peer()
            await second.register()
            await until(lambda: worker.worker_id == ASSIGNED_ID)
            assert (worker.close_code, worker.close_reason) == (code, "try again")


async def test_failed_handshakes_are_retried_until_one_succeeds() -> None:
    async with ScriptedServer(refuse=(503, 500, 404)) as server:
        worker = NumpyWorker(server.url, **FAST)
        async with running(worker):
            peer = await server.next_peer()
            await peer.register()
            await until(lambda: worker.registered.is_set())
    assert len(server.handshakes) == 4


async def test_an_unreachable_server_is_retried_until_stopped() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    worker = NumpyWorker(f"ws://127.0.0.1:{port}", backoff_base=0.01, backoff_max=0.02)
    task = asyncio.create_task(worker.run())
    await until(lambda: worker.stats.failed_connections >= 3)
    worker.stop()
    await asyncio.wait_for(task, 10)
    assert worker.worker_id is None


async def _register_once(server: ScriptedServer, api_key: str | None) -> None:
    worker = NumpyWorker(server.url, api_key=api_key, **FAST)
    async with running(worker):
        await (await server.next_peer()).register()
        await until(lambda: worker.registered.is_set())


async def test_the_handshake_sends_no_origin_and_the_key_only_when_given() -> None:
    async with ScriptedServer() as server:
        await _register_once(server, "s3cret")
        await _register_once(server, None)
    with_key, without_key = server.handshakes
    assert "Origin" not in with_key
    assert "Origin" not in without_key
    assert with_key["X-API-Key"] == "s3cret"
    assert "X-API-Key" not in without_key
    assert with_key["User-Agent"].startswith("juniper-cascor-numpy-worker/")


async def test_stop_before_run_returns_at_once() -> None:
    worker = NumpyWorker("ws://127.0.0.1:9")
    worker.stop()
    await asyncio.wait_for(worker.run(), 5)
    assert worker.close_code is None


async def test_stop_during_a_handshake_the_server_never_answers_returns_at_once() -> None:
    """The server accepts the socket and says nothing: ``stop()`` does not wait for
    ``open_timeout`` (60 s here) to end the handshake."""
    accepted = asyncio.Event()
    held: list[asyncio.StreamWriter] = []

    async def silent(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)
        accepted.set()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        worker = NumpyWorker(f"ws://127.0.0.1:{port}", open_timeout=60, **FAST)
        task = asyncio.create_task(worker.run())
        await asyncio.wait_for(accepted.wait(), 10)
        worker.stop()
        await asyncio.wait_for(task, 10)
        for writer in held:
            writer.close()
    assert worker.stats.failed_connections == 0
    assert worker.close_code is None
