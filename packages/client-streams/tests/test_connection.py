"""Opening, refusing, retrying, liveness, idle detection and clean shutdown."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import pytest

from juniper_cascor_client_core import (
    JuniperCascorAuthenticationError,
    JuniperCascorConfigurationError,
    JuniperCascorConnectionError,
    JuniperCascorProtocolError,
    JuniperCascorStreamClosedError,
    JuniperCascorTimeoutError,
)
from juniper_cascor_client_streams import (
    CascorControlStream,
    CascorTrainingStream,
    ReconnectPolicy,
    reconnect,
)


@pytest.mark.parametrize("stream_type", [CascorTrainingStream, CascorControlStream])
@pytest.mark.parametrize("refusal", ["close4001", "http403"])
async def test_auth_refusals_raise_and_are_never_retried(
    server, refusal: str, stream_type: type[CascorTrainingStream | CascorControlStream]
) -> None:
    server.refuse = refusal
    stream = stream_type(server.url, reconnect=ReconnectPolicy(initial_delay=0.01))
    with pytest.raises(JuniperCascorAuthenticationError) as refused:
        await stream.connect(retries=3, delay=0.01)
    assert server.attempts == 1
    if refusal == "close4001":
        assert refused.value.close_code == 4001
        assert stream.close_code == 4001
    else:
        assert refused.value.status_code == 403
    assert not stream.is_connected


async def test_a_wrong_key_is_refused_with_4001(server) -> None:
    server.api_key = "right"
    with pytest.raises(JuniperCascorAuthenticationError):
        await CascorControlStream(server.url, api_key="wrong").connect()
    async with CascorControlStream(server.url, api_key="right") as control:
        assert control.is_connected


async def test_a_missing_handshake_times_out_and_is_retried(server) -> None:
    server.send_handshake = False
    stream = CascorTrainingStream(server.url, handshake_timeout=0.05)
    with pytest.raises(JuniperCascorTimeoutError):
        await stream.connect(retries=2, delay=0.01)
    assert server.attempts == 3


@pytest.mark.parametrize(
    "first_frame",
    [
        {"type": "state", "timestamp": 1.0, "data": {}},
        {"type": "connection_established", "data": "not an object"},
    ],
)
async def test_an_invalid_handshake_is_a_protocol_error(server, first_frame) -> None:
    server.bad_handshake = first_frame
    with pytest.raises(JuniperCascorProtocolError, match="connection_established"):
        await CascorTrainingStream(server.url).connect()


async def test_an_unreachable_server_is_a_connection_error(server) -> None:
    url = server.url
    await server.stop()
    with pytest.raises(JuniperCascorConnectionError) as failed:
        await CascorTrainingStream(url, open_timeout=1.0).connect(retries=1, delay=0.01)
    assert not isinstance(failed.value, JuniperCascorAuthenticationError)
    await server.start()  # so the fixture can stop it again


def test_a_url_without_host_is_a_configuration_error() -> None:
    with pytest.raises(JuniperCascorConfigurationError):
        CascorTrainingStream("ws://")


async def test_liveness_surface(server) -> None:
    stream = CascorControlStream(server.url)
    assert not stream.is_connected
    assert not stream.is_alive()
    assert stream.last_frame_at is None
    async with stream:
        assert stream.is_connected
        assert stream.is_alive(window_sec=5.0)
        assert stream.last_frame_at is not None
        assert stream.handshake is not None
        assert stream.handshake["data"] == {"channel": "control"}
        server.ping_all()
        await server.wait_for(lambda: stream.pongs_sent == 1)
    assert not stream.is_connected
    assert not stream.is_alive()
    assert stream.close_code == 1000


async def test_a_silent_server_is_detected_by_the_idle_timeout(server, caplog) -> None:
    server.send_initial_status = False
    lost: list[Any] = []
    stream = CascorTrainingStream(server.url, idle_timeout=0.2, on_disconnect=lost.append)
    with caplog.at_level(logging.WARNING, logger="juniper_cascor_client_streams"):
        async with stream:
            async with asyncio.timeout(5):
                messages = [message["type"] async for message in stream]
            assert not stream.is_connected
    assert messages == ["connection_established"]
    assert len(lost) == 1
    assert isinstance(lost[0], JuniperCascorStreamClosedError)
    assert "idle timeout" in (stream.close_reason or "")
    assert sum("connection lost" in record.message for record in caplog.records) == 1


async def test_disconnect_is_idempotent_and_ends_the_iterator(server) -> None:
    stream = CascorTrainingStream(server.url)
    await stream.connect()
    await stream.connect()  # already connected: a no-op
    assert server.attempts == 1
    await stream.disconnect()
    await stream.disconnect()
    async with asyncio.timeout(5):
        remaining = [message["type"] async for message in stream]
    assert "connection_established" in remaining
    assert not stream.is_connected


async def test_without_reconnect_a_drop_ends_the_stream_once(server) -> None:
    lost: list[Any] = []
    async with CascorTrainingStream(server.url, on_disconnect=lost.append) as stream:
        await server.wait_for(lambda: len(server.training) == 1)
        server.broadcast("metrics", {"epoch": 1})
        await server.wait_for(lambda: stream.last_seq == 1)
        server.drop_all()
        async with asyncio.timeout(5):
            types = [message["type"] async for message in stream]
    assert types == ["connection_established", "initial_status", "metrics"]
    assert [error.close_code for error in lost] == [1006]
    assert stream.close_code == 1006
    assert server.attempts == 1


async def test_the_control_server_closing_reports_its_code(server) -> None:
    async with CascorControlStream(server.url) as control:
        await server.wait_for(lambda: len(server.control) == 1)
        await server.control[0].ws.close(1012, "Service restart")
        await server.wait_for(lambda: not control.is_connected)
        with pytest.raises(JuniperCascorStreamClosedError) as closed:
            await control.stop()
    assert (control.close_code, control.close_reason) == (1012, "Service restart")
    assert closed.value.close_code == 1012


def test_no_task_is_left_running_after_disconnect(threaded_server) -> None:
    cascor, _ = threaded_server

    async def session() -> set[asyncio.Task[Any]]:
        policy = ReconnectPolicy(initial_delay=5.0, max_delay=5.0, jitter="none")
        training = CascorTrainingStream(cascor.url, reconnect=policy)
        control = CascorControlStream(cascor.url)
        await training.connect()
        await control.connect()
        await control.stop()
        assert len(asyncio.all_tasks()) > 1
        await training.disconnect()
        await control.disconnect()
        return asyncio.all_tasks() - {asyncio.current_task()}

    assert asyncio.run(session()) == set()


def test_no_task_is_left_when_disconnecting_during_reconnect_backoff(threaded_server) -> None:
    cascor, runner = threaded_server

    async def session() -> set[asyncio.Task[Any]]:
        policy = ReconnectPolicy(initial_delay=5.0, max_delay=5.0, jitter="none")
        lost = asyncio.Event()
        training = CascorTrainingStream(
            cascor.url, reconnect=policy, on_disconnect=lambda error: lost.set()
        )
        waiting = asyncio.Event()
        announces_its_wait = _OnLogRecord("connecting again in", waiting.set)
        streams_logger = logging.getLogger("juniper_cascor_client_streams")
        level = streams_logger.level
        streams_logger.setLevel(logging.INFO)
        streams_logger.addHandler(announces_its_wait)
        try:
            await training.connect()
            ready = cascor.wait_for(lambda: len(cascor.training) == 1)
            await asyncio.to_thread(runner.run, ready, 5.0)
            runner.loop.call_soon_threadsafe(cascor.drop_all)
            async with asyncio.timeout(5):
                await lost.wait()
                await waiting.wait()  # the reader now waits 5 s before its first attempt
        finally:
            streams_logger.removeHandler(announces_its_wait)
            streams_logger.setLevel(level)
        await training.disconnect()
        return asyncio.all_tasks() - {asyncio.current_task()}

    assert asyncio.run(session()) == set()


def test_disconnect_during_a_reconnect_handshake_closes_the_new_socket(threaded_server) -> None:
    cascor, runner = threaded_server

    async def session() -> tuple[set[asyncio.Task[Any]], bool]:
        policy = ReconnectPolicy(initial_delay=0.0, max_delay=0.0)
        training = CascorTrainingStream(cascor.url, reconnect=policy, handshake_timeout=5.0)
        await training.connect()
        ready = cascor.wait_for(lambda: len(cascor.training) == 1)
        await asyncio.to_thread(runner.run, ready, 5.0)
        cascor.send_handshake = False  # the next connection waits for its handshake
        old = cascor.training[0]
        runner.loop.call_soon_threadsafe(cascor.drop_all)
        reconnecting = cascor.wait_for(lambda: bool(cascor.training) and cascor.training[0] != old)
        await asyncio.to_thread(runner.run, reconnecting, 5.0)
        await training.disconnect()  # the reader is waiting for the new socket's handshake
        leftover = asyncio.all_tasks() - {asyncio.current_task()}
        gone = cascor.wait_for(lambda: not cascor.training)
        closed = await asyncio.to_thread(runner.run, gone, 5.0) is None
        return leftover, closed

    leftover, closed = asyncio.run(session())
    assert leftover == set()
    assert closed


def test_cancelling_connect_during_the_handshake_closes_the_socket(threaded_server) -> None:
    cascor, runner = threaded_server
    cascor.send_handshake = False

    async def session() -> set[asyncio.Task[Any]]:
        stream = CascorTrainingStream(cascor.url, handshake_timeout=5.0)
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.2):
                await stream.connect()
        assert not stream.is_connected
        return asyncio.all_tasks() - {asyncio.current_task()}

    assert asyncio.run(session()) == set()
    runner.run(cascor.wait_for(lambda: not cascor.training), 5.0)
    assert cascor.training == []


async def test_an_explicit_origin_wins_over_the_environment_and_empty_sends_none(
    server, monkeypatch
) -> None:
    monkeypatch.setenv("JUNIPER_CASCOR_WS_ORIGIN", "http://from-env.example")
    async with CascorControlStream(server.url, origin="http://given.example"):
        pass
    async with CascorControlStream(server.url, origin=""):
        pass
    assert server.origins == ["http://given.example", None]


async def test_the_key_from_the_environment_is_sent(server, monkeypatch) -> None:
    monkeypatch.setenv("JUNIPER_CASCOR_API_KEY", "env-key")
    async with CascorControlStream(server.url) as control:
        assert "env-key" not in repr(control)
    assert server.keys == ["env-key"]


async def test_open_timeout_bounds_a_server_that_never_upgrades() -> None:
    async def accept_and_stay_silent(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await reader.read(65536)  # the HTTP upgrade request, never answered
        async with asyncio.timeout(30.0):
            await reader.read()  # until the client gives up and closes
        writer.close()

    silent = await asyncio.start_server(accept_and_stay_silent, "127.0.0.1", 0)
    port = silent.sockets[0].getsockname()[1]
    async with silent:
        started = time.monotonic()
        with pytest.raises(JuniperCascorTimeoutError):
            await CascorControlStream(f"ws://127.0.0.1:{port}", open_timeout=0.5).connect()
        elapsed = time.monotonic() - started
        silent.close()
    assert 0.5 <= elapsed < 5.0  # open_timeout, not websockets' 10 s default


async def test_a_large_unchunked_frame_fits_the_default_max_size(server) -> None:
    big = {"units": ["x" * 1000] * 3000}  # about 3 MB, over websockets' own 1 MiB default
    async with CascorTrainingStream(server.url) as stream:
        await server.wait_for(lambda: len(server.training) == 1)
        server.push_training({"type": "topology", "timestamp": 1.0, "seq": 1, "data": big})
        async with asyncio.timeout(5):
            async for message in stream:
                if message["type"] == "topology":
                    break
        assert stream.is_connected
    assert message["data"] == big


async def test_a_frame_over_max_size_reports_close_1009(server) -> None:
    lost: list[object] = []
    stream = CascorTrainingStream(server.url, max_size=10_000, on_disconnect=lost.append)
    async with stream:
        await server.wait_for(lambda: len(server.training) == 1)
        big = {"units": ["x" * 1000] * 20}
        server.push_training({"type": "topology", "timestamp": 1.0, "seq": 1, "data": big})
        async with asyncio.timeout(5):
            types = [message["type"] async for message in stream]
    assert "topology" not in types
    assert stream.close_code == 1009
    assert stream.close_reason
    assert isinstance(lost[0], JuniperCascorStreamClosedError)
    assert lost[0].close_code == 1009


def test_concurrent_connects_open_one_socket_with_one_reader(threaded_server) -> None:
    cascor, _ = threaded_server

    async def session() -> tuple[int, set[asyncio.Task[Any]]]:
        control = CascorControlStream(cascor.url)
        await asyncio.gather(control.connect(), control.connect())
        answer = await control.stop()
        assert answer["data"]["status"] == "success"
        await control.disconnect()
        return cascor.attempts, asyncio.all_tasks() - {asyncio.current_task()}

    attempts, leftover = asyncio.run(session())
    assert attempts == 1
    assert leftover == set()


async def test_disconnect_while_connect_retries_leaves_the_stream_closed(
    server, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reconnect, "backoff_delay", lambda *args, **kwargs: 30.0)  # its ceiling
    server.send_handshake = False
    stream = CascorTrainingStream(server.url, handshake_timeout=0.05)
    with caplog.at_level(logging.INFO, logger="juniper_cascor_client_streams"):
        connecting = asyncio.create_task(stream.connect(retries=3, delay=30.0))
        waiting = "connecting again in 30.00 s (retry 1 of 3)"
        await server.wait_for(lambda: any(waiting in r.getMessage() for r in caplog.records))
    await stream.disconnect()
    server.send_handshake = True  # a retry would now succeed
    with pytest.raises(JuniperCascorStreamClosedError, match="disconnect"):
        await asyncio.wait_for(connecting, 5)
    assert not stream.is_connected
    assert server.attempts == 1  # no retry was made after disconnect()
    assert server.training == []


async def test_disconnect_abandons_an_attempt_still_opening(server) -> None:
    server.send_handshake = False  # the attempt waits for a handshake frame that never comes
    stream = CascorTrainingStream(server.url, handshake_timeout=60)
    connecting = asyncio.create_task(stream.connect())
    await server.wait_for(lambda: server.attempts == 1)
    await stream.disconnect()
    with pytest.raises(JuniperCascorStreamClosedError, match="disconnect"):
        await asyncio.wait_for(connecting, 10)  # well before the 60 s handshake timeout
    assert not stream.is_connected


async def test_cancelling_connect_cancels_the_attempt(server) -> None:
    server.send_handshake = False
    stream = CascorTrainingStream(server.url, handshake_timeout=60)
    connecting = asyncio.create_task(stream.connect())
    await server.wait_for(lambda: server.attempts == 1)
    connecting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(connecting, 10)
    server.send_handshake = True
    async with asyncio.timeout(10):
        await stream.connect()  # the stream is usable again
    assert stream.is_connected
    await stream.disconnect()


async def test_credentials_in_the_url_never_show(server, caplog) -> None:
    with_credentials = server.url.replace("ws://", "ws://bob:hunter2@")
    caplog.set_level(logging.DEBUG)
    stream = CascorTrainingStream(with_credentials, open_timeout=1.0)
    async with stream:  # the credentials still reach the server (HTTP basic auth)
        shown = [repr(stream), stream.url]
    await server.stop()
    with pytest.raises(JuniperCascorConnectionError) as failed:
        await CascorTrainingStream(with_credentials, open_timeout=1.0).connect()
    await server.start()  # so the fixture can stop it again
    shown += [str(failed.value), repr(failed.value), caplog.text]
    assert "***@" in stream.url
    for text in shown:
        assert "hunter2" not in text
        assert "bob" not in text


class _OnLogRecord(logging.Handler):
    """Calls ``action`` when a record whose message contains ``text`` is logged."""

    def __init__(self, text: str, action: Any) -> None:
        super().__init__(logging.DEBUG)
        self.text = text
        self.action = action

    def emit(self, record: logging.LogRecord) -> None:
        if self.text in record.getMessage():
            self.action()
