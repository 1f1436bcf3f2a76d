"""A server restart (resume fails with ``server_restarted``, fresh state follows, REST works)
and a server shutdown."""

from __future__ import annotations

import asyncio

import pytest

from cascor_suite.data import XOR_EPOCHS, XOR_ONE_HOT, XOR_X, inline_start
from cascor_suite.target import QUICK_RECONNECT, Target
from cascor_suite.waits import async_wait_until
from juniper_cascor_client import (
    JuniperCascorClient,
    JuniperCascorClientError,
    JuniperCascorConnectionError,
    JuniperCascorStreamClosedError,
    JuniperCascorTimeoutError,
)
from juniper_cascor_client.testing import FakeCascorServer

_RESTART_CLOSE = 1012
_SHUTDOWN_CLOSE = 1001
_FRESH = ["connection_established", "resume_failed", "initial_status", "state", "initial_metrics"]


def _instance(client: JuniperCascorClient) -> str:
    """The server instance, as ``GET /training/status`` reports it."""
    return str(client.get_training_status()["data"]["server_instance_id"])


async def test_restart_delivers_resume_failed_then_fresh_state(
    target: Target, fake_server: FakeCascorServer, client: JuniperCascorClient
) -> None:
    old_id = _instance(client)
    lost: list[JuniperCascorClientError] = []
    async with (
        target.watch_training(reconnect=QUICK_RECONNECT, on_disconnect=lost.append) as watch,
        target.control_stream(reconnect=QUICK_RECONNECT) as control,
    ):
        assert watch.stream.server_instance_id == old_id
        await asyncio.to_thread(client.create_network, input_size=2, output_size=2)
        fake_server.faults.broadcast("event", {"event": "numbered"})
        await watch.wait_event("numbered", since=0)  # a seq to resume from
        since = watch.mark()
        new_id = fake_server.faults.restart()
        failed = await watch.next_of_type("resume_failed", since=since)
        await watch.next_of_type("initial_metrics", since=since)
        assert watch.types(since) == _FRESH
        assert failed["data"]["reason"] == "server_restarted"
        assert watch.of_type("connection_established", since)[0]["data"]["server_instance_id"] == (
            new_id
        )
        assert watch.stream.server_instance_id == new_id != old_id

        await async_wait_until(lambda: control.reconnects == 1, within=5.0, what="control back")
        assert (await control.set_params({"patience": 30}))["data"]["status"] == "success"
        after = watch.mark()
        await asyncio.to_thread(
            client.start_training, **inline_start(XOR_X, XOR_ONE_HOT, XOR_EPOCHS)
        )
        await watch.wait_event("training_complete", since=after)

    seqs = watch.seqs(after)
    assert seqs == list(range(1, len(seqs) + 1)), "numbering did not restart from 1 without gaps"
    assert len(lost) == 1
    assert [e.close_code for e in lost if isinstance(e, JuniperCascorStreamClosedError)] == [
        _RESTART_CLOSE
    ]
    assert _instance(client) == new_id
    assert client.get_training_status()["data"]["training_active"] is False
    assert client.get_metrics()["data"]["train_accuracy"] == 1.0


async def test_restart_ends_streams_without_a_policy(
    target: Target, fake_server: FakeCascorServer
) -> None:
    async with target.watch_training() as watch, target.control_stream() as control:
        fake_server.faults.restart()
        await watch.wait_ended(within=5.0)
        await async_wait_until(lambda: control.last_error, within=5.0, what="control closed")
        assert not control.is_connected
        assert watch.error is None
        assert watch.stream.close_code == _RESTART_CLOSE
        assert control.close_code == _RESTART_CLOSE
    with target.client() as client:
        assert client.get_training_status()["status"] == "success"


async def test_shutdown_ends_streams_and_rest_cannot_connect(
    target: Target, fake_server: FakeCascorServer
) -> None:
    async with target.watch_training() as watch, target.control_stream() as control:
        await asyncio.to_thread(fake_server.stop)
        await watch.wait_ended(within=5.0)
        await async_wait_until(lambda: control.last_error, within=5.0, what="control closed")
        assert (watch.stream.close_code, control.close_code) == (_SHUTDOWN_CLOSE, _SHUTDOWN_CLOSE)
        with pytest.raises(JuniperCascorStreamClosedError):
            await control.set_params({"patience": 30})
    with target.client(retries=1, backoff_factor=0.01) as client:
        with pytest.raises(JuniperCascorConnectionError) as refused:
            client.get_training_status()
        assert not isinstance(refused.value, JuniperCascorTimeoutError)
        assert client.is_alive() is False
