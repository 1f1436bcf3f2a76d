"""The upstream quick start runs against the fake server as a user would run it.

Each example below is the upstream client's published quick-start code, character for
character, except that ``http://localhost:8200`` / ``ws://localhost:8200`` is replaced by the
fake server's address. Two facts of the real 0.12 server, which the fake reproduces, need no
code change but are met as a user would meet them: ``/ws/control`` wants an Origin on its
allowlist, given through ``JUNIPER_CASCOR_WS_ORIGIN`` in the script's environment; and the
stream's ``metrics`` frames name the loss ``loss`` (``/v1/metrics`` keeps ``train_loss``), so
the training-stream example, which reads ``train_loss`` and raises ``KeyError`` against a
0.12 server, runs with the real key.

The REST, training-stream and control-stream examples run as scripts in a child interpreter (as
a user would run them) and the test reads what they print. The reconnection pattern is a
function with no call site upstream, so it runs in-process, fed a ``process`` callable, and is
stopped by cancellation.
"""

from __future__ import annotations

import ast
import asyncio
import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from juniper_cascor_client import JuniperCascorClient
from juniper_cascor_client.testing import FakeCascorServer

ALLOWED_ORIGIN = "http://localhost:8050"
"""An Origin on the real server's default ``/ws/control`` allowlist."""
UPSTREAM_HTTP_URL = "http://localhost:8200"
UPSTREAM_WS_URL = "ws://localhost:8200"

REST_EXAMPLE = """\
from juniper_cascor_client import JuniperCascorClient

with JuniperCascorClient("http://localhost:8200") as client:
    client.create_network(input_size=2, output_size=2, learning_rate=0.01)
    client.start_training(
        dataset={"source": "inline"},
        inline_data={
            "train_x": [[0, 0], [1, 0], [0, 1], [1, 1]],
            "train_y": [[1, 0], [0, 1], [0, 1], [1, 0]],
        },
        epochs=100,
    )
    status = client.get_training_status()
    print(status["data"]["training_active"])
    metrics = client.get_metrics()
    print(f"Loss: {metrics['data']['train_loss']}")
"""

TRAINING_STREAM_EXAMPLE = """\
import asyncio
from juniper_cascor_client import CascorTrainingStream

async def monitor():
    async with CascorTrainingStream("ws://localhost:8200") as stream:
        async for message in stream:
            if message["type"] == "metrics":
                print(f"Epoch {message['data']['epoch']}: loss={message['data']['train_loss']}")
            elif message["type"] == "cascade_add":
                print("New hidden unit added")

asyncio.run(monitor())
"""

CONTROL_STREAM_EXAMPLE = """\
import asyncio
from juniper_cascor_client import CascorControlStream

async def control():
    async with CascorControlStream("ws://localhost:8200") as ctrl:
        result = await ctrl.command("start", {"epochs": 200})
        print(result)

asyncio.run(control())
"""

RECONNECTION_EXAMPLE = """\
import asyncio
from juniper_cascor_client import CascorTrainingStream

async def resilient_stream(url, api_key):
    while True:
        try:
            async with CascorTrainingStream(url, api_key=api_key) as stream:
                async for message in stream.stream():
                    process(message)
        except Exception:
            await asyncio.sleep(5)  # backoff before reconnect
"""

XOR_NETWORK: dict[str, Any] = {"input_size": 2, "output_size": 2, "learning_rate": 0.01}
XOR_DATA = {
    "train_x": [[0, 0], [1, 0], [0, 1], [1, 1]],
    "train_y": [[1, 0], [0, 1], [0, 1], [1, 0]],
}
FLOAT = r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
EPOCH_LINE = re.compile(rf"Epoch (\d+): loss=({FLOAT})")
PROBE_LINE = "Epoch 0: loss=0.0"
DEADLINE = 20.0


def with_url(example: str, upstream: str, actual: str) -> str:
    """The example with its one upstream URL replaced by the fake server's."""
    assert example.count(upstream) == 1
    return example.replace(upstream, actual)


def child_env() -> dict[str, str]:
    """The environment of an example script: unbuffered, no API key from the caller, and an
    Origin the control allowlist accepts."""
    env = {key: value for key, value in os.environ.items() if key != "JUNIPER_CASCOR_API_KEY"}
    env["PYTHONUNBUFFERED"] = "1"
    env["JUNIPER_CASCOR_WS_ORIGIN"] = ALLOWED_ORIGIN
    return env


def run_script(code: str) -> str:
    """Run ``code`` in a child interpreter; its stdout, after checking it succeeded."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=DEADLINE,
        env=child_env(),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


class ScriptOutput:
    """A running example script whose stdout lines are read by a thread into a queue."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))

    def wait_for(
        self,
        wanted: Callable[[str], bool],
        *,
        poke: Callable[[], object] | None = None,
        within: float = DEADLINE,
    ) -> str:
        """Collect lines until one satisfies ``wanted``; that line.

        ``poke`` is called whenever no line came for 50 ms.
        """
        end = time.monotonic() + within
        while (left := end - time.monotonic()) > 0:
            try:
                line = self._queue.get(timeout=min(left, 0.05))
            except queue.Empty:
                if poke is not None:
                    poke()
                continue
            self.lines.append(line)
            if wanted(line):
                return line
        pytest.fail(f"no awaited line within {within} s; got {self.lines}")

    def finish(self) -> int:
        """Wait for the script to exit; its exit code (the rest of stdout is collected)."""
        code = self.process.wait(DEADLINE)
        self._reader.join(DEADLINE)
        while not self._queue.empty():
            self.lines.append(self._queue.get_nowait())
        return code


@contextmanager
def running_script(code: str) -> Iterator[ScriptOutput]:
    """Start ``code`` in a child interpreter; it is killed if still running afterwards."""
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    try:
        yield ScriptOutput(process)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(DEADLINE)
        for pipe in (process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()


def test_rest_example_creates_trains_and_reads_metrics() -> None:
    with FakeCascorServer() as server:
        out = run_script(with_url(REST_EXAMPLE, UPSTREAM_HTTP_URL, server.http_url))
        started = [r for r in server.requests if r.path == "/v1/training/start"]
        network = [r for r in server.requests if r.path == "/v1/network"]

    active, loss = out.splitlines()
    assert active in ("True", "False")
    match = re.fullmatch(rf"Loss: ({FLOAT})", loss)
    assert match is not None, loss
    assert 0.0 < float(match.group(1)) < 1.0
    assert [r.body for r in network] == [XOR_NETWORK]
    assert [r.body for r in started] == [
        {"epochs": 100, "dataset": {"source": "inline"}, "inline_data": XOR_DATA}
    ]


def test_training_stream_example_prints_every_epoch_and_the_new_unit() -> None:
    with FakeCascorServer(resume_window=0.05, epoch_delay=0.005) as server:
        example = TRAINING_STREAM_EXAMPLE.replace("['train_loss']", "['loss']")
        code = with_url(example, UPSTREAM_WS_URL, server.ws_url)
        with running_script(code) as script, JuniperCascorClient(server.http_url) as client:
            # Probe frames through the real broadcast path tell when the script is live,
            # so no epoch of the run below can be missed.
            script.wait_for(
                lambda line: line == PROBE_LINE,
                poke=lambda: server.faults.broadcast("metrics", {"epoch": 0, "loss": 0.0}),
            )
            client.create_network(**XOR_NETWORK)
            client.start_training(dataset={"source": "inline"}, inline_data=XOR_DATA, epochs=100)
            assert server.wait_until_idle(DEADLINE)
            final_epoch = client.get_metrics()["data"]["epoch"]
            script.wait_for(lambda line: line.startswith(f"Epoch {final_epoch}:"))
            # Upstream contract: without reconnection the iterator just stops when the
            # connection is lost, and the script ends normally.
            server.faults.drop_connections("training")
            assert script.finish() == 0

    training = [line for line in script.lines if line != PROBE_LINE]
    epochs = [int(m.group(1)) for line in training if (m := EPOCH_LINE.fullmatch(line))]
    assert epochs == list(range(1, final_epoch + 1))
    assert "New hidden unit added" in training
    assert all(EPOCH_LINE.fullmatch(line) or line == "New hidden unit added" for line in training)


def test_control_stream_example_prints_the_command_response() -> None:
    with FakeCascorServer(scenario="idle") as server:
        out = run_script(with_url(CONTROL_STREAM_EXAMPLE, UPSTREAM_WS_URL, server.ws_url))
        assert server.wait_until_idle(DEADLINE)

    result: Any = ast.literal_eval(out.strip())
    assert result["type"] == "command_response"
    assert isinstance(result["timestamp"], float)
    data = result["data"]
    assert data["command"] == "start"
    assert data["status"] == "success"
    assert re.fullmatch(r"[0-9a-f]{32}", data["command_id"])


async def test_reconnection_pattern_reconnects_after_drops_and_restarts() -> None:
    received: list[dict[str, Any]] = []
    arrived = asyncio.Event()

    def process(message: dict[str, Any]) -> None:
        received.append(message)
        arrived.set()

    namespace: dict[str, Any] = {"process": process}
    exec(RECONNECTION_EXAMPLE, namespace)

    def greetings() -> list[dict[str, Any]]:
        return [m for m in received if m["type"] == "connection_established"]

    async def wait_for_greetings(count: int) -> None:
        async with asyncio.timeout(DEADLINE):
            while len(greetings()) < count:
                arrived.clear()
                await arrived.wait()

    with FakeCascorServer(api_keys=["s3cret"], resume_window=0.05) as server:
        task = asyncio.create_task(namespace["resilient_stream"](server.ws_url, "s3cret"))
        try:
            await wait_for_greetings(1)
            await asyncio.to_thread(server.faults.drop_connections, "training")
            await wait_for_greetings(2)
            new_instance = await asyncio.to_thread(server.faults.restart)
            await wait_for_greetings(3)
        finally:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        handshakes = [r for r in server.requests if r.path == "/ws/training"]

    instances = [g["data"]["server_instance_id"] for g in greetings()]
    assert instances[0] == instances[1] != instances[2] == new_instance
    assert len(handshakes) == 3
    assert all(r.header("X-API-Key") == "s3cret" for r in handshakes)
