"""Unrecognised frames: logged, counted in Prometheus, and zero from a healthy server."""

from __future__ import annotations

import asyncio
import logging
import sys

import pytest

from juniper_cascor_client_core import JuniperCascorRateLimitedError
from juniper_cascor_client_streams import (
    CascorControlStream,
    CascorTrainingStream,
    ReconnectPolicy,
)
from juniper_cascor_client_streams import metrics as metrics_module
from juniper_cascor_client_streams.metrics import UNRECOGNIZED_FRAMES_METRIC

FAST = ReconnectPolicy(initial_delay=0.005, max_delay=0.02)


async def test_a_healthy_server_yields_zero_unrecognised_frames(
    server, caplog, unrecognised
) -> None:
    before = unrecognised()
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
    assert unrecognised() == before
    assert not [record for record in caplog.records if "unrecognised" in record.message]


async def test_a_bad_frame_is_logged_counted_and_still_delivered(
    server, caplog, unrecognised
) -> None:
    before_bogus = unrecognised("bogus_kind", "training")
    before_malformed = unrecognised("_malformed", "training")
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
    assert unrecognised("bogus_kind", "training") == before_bogus + 1
    assert unrecognised("_malformed", "training") == before_malformed + 1
    assert "bogus_kind" in types
    assert types.index("bogus_kind") < types.index("event")
    warnings = [record.message for record in caplog.records if "unrecognised" in record.message]
    assert len(warnings) == 2


async def test_a_bad_control_frame_is_counted_under_control(server, unrecognised) -> None:
    before = unrecognised("weird_control", "control")
    async with CascorControlStream(server.url) as control:
        await server.wait_for(lambda: len(server.control) == 1)
        server.control[0].push({"type": "weird_control"})
        await control.stop()  # answered after the weird frame: it has been read by then
    assert unrecognised("weird_control", "control") == before + 1


def test_the_counter_is_reused_when_already_registered(monkeypatch, unrecognised) -> None:
    before = unrecognised("reuse_probe", "training")
    metrics_module.count_unrecognized_frame("reuse_probe", "training")
    existing = metrics_module._counters[UNRECOGNIZED_FRAMES_METRIC]
    assert existing is not None
    # A fresh module state finds the counter already in the default registry.
    monkeypatch.setattr(metrics_module, "_counters", {})
    metrics_module.count_unrecognized_frame("reuse_probe", "training")
    assert metrics_module._counters[UNRECOGNIZED_FRAMES_METRIC] is existing
    assert unrecognised("reuse_probe", "training") == before + 2


def test_reset_counter_starts_a_fresh_counter_from_zero(unrecognised) -> None:
    metrics_module.count_unrecognized_frame("reset_probe", "control")
    assert unrecognised("reset_probe", "control") >= 1
    old = metrics_module._counters[UNRECOGNIZED_FRAMES_METRIC]
    metrics_module.reset_counter()
    assert unrecognised() == 0  # unregistered: nothing of it is collected any more
    metrics_module.reset_counter()  # idempotent
    metrics_module.count_unrecognized_frame("reset_probe", "control")
    assert metrics_module._counters[UNRECOGNIZED_FRAMES_METRIC] is not old
    assert unrecognised("reset_probe", "control") == 1


def test_counting_is_a_no_op_without_prometheus_client(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "prometheus_client", None)  # makes the import fail
    monkeypatch.setattr(metrics_module, "_counters", {})
    metrics_module.count_unrecognized_frame("without_prometheus", "control")
    assert metrics_module._counters == {UNRECOGNIZED_FRAMES_METRIC: None}


async def test_a_top_level_rate_limited_answer_is_not_unrecognised(
    server, caplog, unrecognised
) -> None:
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
    before = unrecognised(endpoint="control")
    with caplog.at_level(logging.WARNING, logger="juniper_cascor_client_streams"):
        async with CascorControlStream(server.url) as control:
            with pytest.raises(JuniperCascorRateLimitedError) as limited:
                await control.stop()
    assert limited.value.retry_after == 0.1
    assert unrecognised(endpoint="control") == before
    assert not [record for record in caplog.records if "unrecognised" in record.message]
