"""Throughput and latency of the streams, against bare websockets, measured in the same run.

1. Frames per second consumed from a local server that sends ``metrics`` frames as fast as it
   can: ``CascorTrainingStream`` (envelope validation, seq tracking, queue) against a bare
   ``websockets`` receive loop with ``json.loads``. Budget: ratio >= 0.8.
2. Median round trip of one control command: ``CascorControlStream.command`` (command ids,
   pending table, deadlines) against a bare ``websockets`` send/receive/``json.loads`` of the
   same frames. Budget: ratio <= 1.3.

The server runs in its own process, so it does not compete with the client for the event loop.
Run: ``.venv/bin/python tools/bench/bench_streams.py``. It prints the figures and exits 0.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import statistics
import time
from typing import Any

from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from juniper_cascor_client_streams import CascorControlStream, CascorTrainingStream

FRAMES = 20_000
ROUNDS = 7
COMMANDS = 2_000
FRAMES_BUDGET = 0.8
ROUND_TRIP_BUDGET = 1.3


def _metrics_frames(count: int) -> list[str]:
    return [
        json.dumps(
            {
                "type": "metrics",
                "timestamp": 1_700_000_000.0 + seq,
                "seq": seq,
                "emitted_at_monotonic": seq * 0.01,
                "data": {
                    "epoch": seq,
                    "train_loss": 1.0 / seq,
                    "train_accuracy": 0.5,
                    "val_loss": 1.1 / seq,
                    "val_accuracy": 0.45,
                    "hidden_units": seq % 50,
                    "phase": "output",
                },
            }
        )
        for seq in range(1, count + 1)
    ]


async def _serve(port_queue: Any) -> None:
    frames = _metrics_frames(FRAMES)
    hello = json.dumps(
        {
            "type": "connection_established",
            "timestamp": time.time(),
            "data": {
                "connections": 1,
                "server_instance_id": "bench",
                "server_start_time": 0.0,
                "replay_buffer_capacity": 1024,
            },
        }
    )

    async def handler(ws: ServerConnection) -> None:
        if ws.request is not None and ws.request.path == "/ws/control":
            await ws.send(
                json.dumps({"type": "connection_established", "data": {"channel": "control"}})
            )
            async for raw in ws:
                command = json.loads(raw)
                data = {"command": command["command"], "status": "success", "result": {}}
                if "command_id" in command:
                    data["command_id"] = command["command_id"]
                await ws.send(
                    json.dumps({"type": "command_response", "timestamp": time.time(), "data": data})
                )
            return
        await ws.send(hello)
        for frame in frames:
            await ws.send(frame)
        await ws.close()

    async with serve(handler, "127.0.0.1", 0, compression=None, ping_interval=None) as server:
        port_queue.put(server.sockets[0].getsockname()[1])
        await asyncio.Future()  # until the process is terminated


def _server_process(port_queue: Any) -> None:
    asyncio.run(_serve(port_queue))


async def _bare_frames(url: str) -> float:
    async with connect(url + "/ws/training", max_size=2**24) as ws:
        json.loads(await ws.recv())
        started = time.perf_counter()
        count = 0
        try:
            while True:
                json.loads(await ws.recv())
                count += 1
        except ConnectionClosed:
            pass
    assert count == FRAMES, count
    return count / (time.perf_counter() - started)


async def _stream_frames(url: str) -> float:
    async with CascorTrainingStream(url) as stream:
        iterator = stream.stream()
        await anext(iterator)  # connection_established
        started = time.perf_counter()
        count = 0
        async for message in iterator:
            if message["type"] == "metrics":
                count += 1
    assert count == FRAMES, count
    assert stream.last_seq == FRAMES, stream.last_seq
    return count / (time.perf_counter() - started)


async def _bare_round_trips(url: str) -> list[float]:
    samples = []
    async with connect(url + "/ws/control") as ws:
        await ws.recv()
        for n in range(COMMANDS):
            frame = json.dumps({"type": "command", "command": "stop", "command_id": f"b{n}"})
            started = time.perf_counter()
            await ws.send(frame)
            json.loads(await ws.recv())
            samples.append(time.perf_counter() - started)
    return samples


async def _stream_round_trips(url: str) -> list[float]:
    samples = []
    async with CascorControlStream(url) as control:
        for _ in range(COMMANDS):
            started = time.perf_counter()
            await control.command("stop")
            samples.append(time.perf_counter() - started)
    return samples


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "OVER"


async def _paired(bare: Any, ours: Any, rounds: int) -> tuple[float, float, float]:
    """Run both ``rounds`` times, alternating which goes first; return the median of each and
    the median of the per-round ratios (ours / bare), which cancels slow drifts in load."""
    bare_values, our_values, ratios = [], [], []
    for round_number in range(rounds):
        if round_number % 2:
            our_value, bare_value = await ours(), await bare()
        else:
            bare_value, our_value = await bare(), await ours()
        bare_values.append(bare_value)
        our_values.append(our_value)
        ratios.append(our_value / bare_value)
    return statistics.median(bare_values), statistics.median(our_values), statistics.median(ratios)


async def _median_round_trip(run: Any, url: str) -> float:
    return float(statistics.median(await run(url)))


async def _measure(url: str) -> None:
    bare, ours, ratio = await _paired(
        lambda: _bare_frames(url), lambda: _stream_frames(url), ROUNDS
    )
    print(f"frames/s  bare websockets + json.loads: {bare:10.0f}")
    print(f"frames/s  CascorTrainingStream:         {ours:10.0f}")
    print(f"ratio {ratio:.2f} (budget >= {FRAMES_BUDGET}) {_verdict(ratio >= FRAMES_BUDGET)}")

    bare, ours, ratio = await _paired(
        lambda: _median_round_trip(_bare_round_trips, url),
        lambda: _median_round_trip(_stream_round_trips, url),
        ROUNDS,
    )
    print(f"median command round trip, bare websockets:     {bare * 1e6:8.1f} us")
    print(f"median command round trip, CascorControlStream: {ours * 1e6:8.1f} us")
    print(
        f"ratio {ratio:.2f} (budget <= {ROUND_TRIP_BUDGET}) {_verdict(ratio <= ROUND_TRIP_BUDGET)}"
    )


def main() -> None:
    context = multiprocessing.get_context("spawn")
    port_queue = context.Queue()
    server = context.Process(target=_server_process, args=(port_queue,), daemon=True)
    server.start()
    try:
        port = port_queue.get(timeout=30)
        asyncio.run(_measure(f"ws://127.0.0.1:{port}"))
    finally:
        server.terminate()
        server.join(5)


if __name__ == "__main__":
    main()
