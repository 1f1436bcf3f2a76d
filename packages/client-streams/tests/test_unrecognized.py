"""Unrecognised frames: logged, counted in Prometheus, and zero from a healthy server."""

from __future__ import annotations

import asyncio
import logging
import sys

from prometheus_client import REGISTRY

from juniper_cascor_client_streams import (
    UNRECOGNIZED_FRAMES_METRIC,
    CascorControlStream,
    CascorTrainingStream,
    ReconnectPolicy,
)
from juniper_cascor_client_streams import metrics as metrics_module

FAST = ReconnectPolicy(initial_delay=0.005, max_delay=0.02)


def counted(frame_type: str | None = None, endpoint: str | None = None) -> float:
    """Sum of the counter's samples matching the given labels."""
    total = 0.0
    for family in REGISTRY.collect():
        for sample in family.samples:
            if sample.name != UNRECOGNIZED_FRAMES_METRIC:
                continue
            if frame_type is not None and sample.labels.get("type") != frame_type:
                continue
            if endpoint is not None and sample.labels.get("endpoint") != endpoint:
                continue
            total += sample.value
    return total


async def test_a_healthy_server_yields_zero_unrecognised_frames(server, caplog) -> None:
    before = counted()
    with caplog.at_level(logging.WARNING, logger="juniper_cascor_client_streams"):
        async with (
            CascorTrainingStream(server.url, reconnect=FAST) as training,
            CascorControlStream(server.url) as control,
        ):
            await server.wait_for(lambda: len(server.training) == 1)
            server.ping_all()
            for kind in ("metrics", "state", "topology", "cascade_add", "event"):
                server.broadcast(kind, {"value": kind})
            server.broadcast("candidate_progress", {"candidate_id": 0, "epoch": 1})
            server.broadcast("topology", {"blob": "x" * 100_000})  # chunked
            await control.start()
            await server.wait_for(lambda: training.last_seq == server.seq)
            await server.drop_and_wait_for_reconnect()  # resume_ok, then nothing to replay
            server.broadcast("metrics", {"epoch": 2})
            await server.wait_for(lambda: training.last_seq == server.seq)
            await server.wait_for(lambda: control.pongs_sent == 1 and training.pongs_sent == 1)
    assert server.resumes
    assert counted() == before
    assert not [record for record in caplog.records if "unrecognised" in record.message]


async def test_a_bad_frame_is_logged_counted_and_still_delivered(server, caplog) -> None:
    before_bogus = counted("bogus_kind", "training")
    before_malformed = counted("_malformed", "training")
    with caplog.at_level(logging.WARNING, logger="juniper_cascor_client_streams"):
        async with CascorTrainingStream(server.url) as stream:
            await server.wait_for(lambda: len(server.training) == 1)
            server.push_training({"type": "bogus_kind", "data": {"x": 1}})
            server.push_training("this is not json")
            server.broadcast("event", {"event": "end"})
            types = []
            async with asyncio.timeout(5):
                async for message in stream:
                    types.append(message["type"])
                    if message["type"] == "event":
                        break
    assert counted("bogus_kind", "training") == before_bogus + 1
    assert counted("_malformed", "training") == before_malformed + 1
    assert "bogus_kind" in types
    assert types.index("bogus_kind") < types.index("event")
    warnings = [record.message for record in caplog.records if "unrecognised" in record.message]
    assert len(warnings) == 2


async def test_a_bad_control_frame_is_counted_under_control(server) -> None:
    before = counted("weird_control", "control")
    async with CascorControlStream(server.url) as control:
        await server.wait_for(lambda: len(server.control) == 1)
        server.control[0].push({"type": "weird_control"})
        await control.stop()  # answered after the weird frame: it has been read by then
    assert counted("weird_control", "control") == before + 1


def test_the_counter_is_reused_when_already_registered(monkeypatch) -> None:
    before = counted("reuse_probe", "training")
    metrics_module.count_unrecognized_frame("reuse_probe", "training")
    existing = metrics_module._counter
    assert existing is not None
    # A fresh module state finds the counter already in the default registry.
    monkeypatch.setattr(metrics_module, "_counter", None)
    monkeypatch.setattr(metrics_module, "_resolved", False)
    metrics_module.count_unrecognized_frame("reuse_probe", "training")
    assert metrics_module._counter is existing
    assert counted("reuse_probe", "training") == before + 2


def test_counting_is_a_no_op_without_prometheus_client(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "prometheus_client", None)  # makes the import fail
    monkeypatch.setattr(metrics_module, "_counter", None)
    monkeypatch.setattr(metrics_module, "_resolved", False)
    metrics_module.count_unrecognized_frame("without_prometheus", "control")
    assert metrics_module._resolved
    assert metrics_module._counter is None


async def test_a_top_level_rate_limited_answer_is_not_unrecognised(server, caplog) -> None:
    async def limit(peer, frame) -> None:
        peer.push(
            {
                "type": "command_response",
                "command": frame["command"],
                "status": "rate_limited",
                "retry_after": 0.1,
                "command_id": frame["command_id"],
            }
        )

    server.on_command = limit
    before = counted(endpoint="control")
    with caplog.at_level(logging.WARNING, logger="juniper_cascor_client_streams"):
        async with CascorControlStream(server.url) as control:
            answer = await control.stop()
    assert answer["status"] == "rate_limited"
    assert counted(endpoint="control") == before
    assert not [record for record in caplog.records if "unrecognised" in record.message]
