"""``FakeCascorServer``: a real HTTP + WebSocket cascor server on one loopback port.

Why aiohttp: one small, well-kept dependency that serves HTTP and WebSocket on the same port
(like the real service) and gives low-level control over frames and transports: the fault
injection needs to send arbitrary text and binary frames, close with any code, abort a TCP
connection without a close frame, and drop a request after reading it. The server runs on its
own event loop in a daemon thread, so synchronous and asynchronous tests can use it alike.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import replace
from types import TracebackType
from typing import Any

from aiohttp import web

from juniper_cascor_fake_server.app import build_app
from juniper_cascor_fake_server.config import ServerConfig
from juniper_cascor_fake_server.context import ServerContext
from juniper_cascor_fake_server.domain.state import TrainingState
from juniper_cascor_fake_server.faults import Faults
from juniper_cascor_fake_server.recorder import RecordedRequest
from juniper_cascor_fake_server.scenarios import apply_scenario

__all__ = ["FakeCascorServer"]

_START_TIMEOUT = 10.0
_STOP_TIMEOUT = 10.0
_SHUTDOWN_TIMEOUT = 2.0


class FakeCascorServer:
    """A fake juniper-cascor service that trains a real Cascade-Correlation network.

    Use it as a context manager (``with FakeCascorServer() as server:``) or call ``start()``
    and ``stop()``. Any ``ServerConfig`` field can be passed as a keyword, e.g.
    ``FakeCascorServer(api_keys=["secret"], ping_interval=0.2)``.

    Args:
        config: A full configuration (keywords override its fields).
        scenario: ``empty``, ``idle``, ``xor_converged``, ``two_spiral_training`` or
            ``error_prone`` (see ``juniper_cascor_fake_server.scenarios``).
        **options: ``ServerConfig`` fields.

    Raises:
        TypeError: for an unknown option.
        ValueError: for an unknown scenario.
    """

    def __init__(
        self, config: ServerConfig | None = None, *, scenario: str = "empty", **options: Any
    ) -> None:
        for name in ("api_keys", "allowed_origins"):
            if options.get(name) is not None:
                options[name] = tuple(options[name])
        self.config = replace(config or ServerConfig(), **options)
        self.scenario = scenario
        self.context = ServerContext(self.config)
        apply_scenario(scenario, self.context, dry_run=True)
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._error: BaseException | None = None

    # -- addresses -----------------------------------------------------------------------------
    @property
    def port(self) -> int:
        """The bound port.

        Raises:
            RuntimeError: when the server is not running.
        """
        if self._port is None:
            raise RuntimeError("the server is not running")
        return self._port

    @property
    def http_url(self) -> str:
        """``http://127.0.0.1:<port>`` (the REST client's base URL)."""
        return f"http://{self.config.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        """``ws://127.0.0.1:<port>`` (the streams' origin; paths are /ws/training etc.)."""
        return f"ws://{self.config.host}:{self.port}"

    # -- test helpers --------------------------------------------------------------------------
    @property
    def faults(self) -> Faults:
        """Fault injection switches (see ``juniper_cascor_fake_server.faults``)."""
        return self.context.faults

    @property
    def state(self) -> TrainingState:
        """The training state (network, status, metrics history)."""
        return self.context.state

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every HTTP request and WebSocket handshake received, oldest first."""
        return self.context.recorder.snapshot()

    def clear_requests(self) -> None:
        """Forget the recorded requests."""
        self.context.recorder.clear()

    @property
    def epoch_delay(self) -> float:
        """Seconds the trainer sleeps after each output epoch (settable while running)."""
        return self.context.trainer.epoch_delay

    @epoch_delay.setter
    def epoch_delay(self, seconds: float) -> None:
        self.context.trainer.epoch_delay = seconds

    def wait_until_idle(self, timeout: float = 30.0) -> bool:
        """Wait until training is neither started nor paused; ``False`` on timeout."""
        deadline = time.monotonic() + timeout
        while self.context.state.training_active:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)
        return True

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> FakeCascorServer:
        """Start serving in a background thread; returns ``self`` once the port is bound.

        Raises:
            RuntimeError: when it is already running or could not start.
        """
        if self._thread is not None:
            raise RuntimeError("the server is already running")
        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._serve, args=(ready,), name="fake-cascor-server", daemon=True
        )
        self._thread.start()
        if not ready.wait(_START_TIMEOUT) or self._error is not None:
            self.stop()
            raise RuntimeError(f"the fake cascor server did not start: {self._error}")
        apply_scenario(self.scenario, self.context)
        return self

    def _serve(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._startup())
        except Exception as exc:
            self._error = exc
            ready.set()
            loop.close()
            return
        ready.set()
        try:
            loop.run_forever()
        finally:
            if self._runner is not None:
                loop.run_until_complete(self._runner.cleanup())
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

    async def _startup(self) -> None:
        self.context.attach(asyncio.get_running_loop())
        runner = web.AppRunner(
            build_app(self.context),
            handle_signals=False,
            access_log=None,
            shutdown_timeout=_SHUTDOWN_TIMEOUT,
        )
        await runner.setup()
        self._runner = runner
        site = web.TCPSite(runner, self.config.host, self.config.port)
        await site.start()
        address = runner.addresses[0]
        self._port = int(address[1])

    def stop(self) -> None:
        """Stop training, close every connection and the port; waits for the thread."""
        thread, loop = self._thread, self._loop
        if thread is None:
            return
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(loop.stop)
        thread.join(_STOP_TIMEOUT)
        self.context.shutdown_training()
        self._thread = self._loop = self._runner = None
        self._port = None

    def __enter__(self) -> FakeCascorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
