"""``/ws/control`` over real loopback WebSockets, and its rate limit and cooldown (sans-I/O)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from juniper_cascor_fake_server import FakeCascorServer
from juniper_cascor_fake_server.config import DEFAULT_ALLOWED_ORIGINS
from juniper_cascor_fake_server.ws.cooldown import HandshakeCooldown
from juniper_cascor_fake_server.ws.rate_limit import LeakyBucket
from juniper_cascor_protocol.envelope import (
    CommandRateLimitedEnvelope,
    CommandResponseEnvelope,
    validate_envelope,
)

from .conftest import close_code, recv_json, ws_connect
from .handshakes import refused_403

ALLOWED = "http://localhost:8050"
REAL_ALLOWLIST = pytest.mark.cascor_server(allowed_origins=DEFAULT_ALLOWED_ORIGINS)


def _url(server: FakeCascorServer) -> str:
    return server.ws_url + "/ws/control"


def _command(name: Any, command_id: Any = None, params: Any = None, **extra: Any) -> str:
    frame: dict[str, Any] = {"type": "command", "command": name, **extra}
    if command_id is not None:
        frame["command_id"] = command_id
    if params is not None:
        frame["params"] = params
    return json.dumps(frame)


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# -- the channel ---------------------------------------------------------------------------------


@pytest.mark.cascor_server(scenario="idle")
async def test_greeting_and_command_answers(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(_url(cascor_server)) as ws:
        greeting = await ws.recv()
        assert greeting == '{"type":"connection_established","data":{"channel":"control"}}'
        exchanges = [
            _command("set_params", "ok", {"learning_rate": 0.03}),
            _command("set_params", "invalid", {"learning_rate": -1}),
            _command("set_params", "empty", {}),
            _command("pause", "conflict"),
            _command("dance", "unknown"),
            json.dumps({"type": "greeting", "command_id": "other"}),
        ]
        texts = []
        for exchange in exchanges:
            await ws.send(exchange)
            texts.append(await ws.recv())
    answers = [json.loads(text) for text in texts]
    assert all(list(a) == ["type", "timestamp", "data"] for a in answers)
    assert all(type(validate_envelope(text)) is CommandResponseEnvelope for text in texts)
    ok, invalid, empty, conflict, unknown, other = (a["data"] for a in answers)
    assert (ok["command"], ok["status"], ok["command_id"]) == ("set_params", "success", "ok")
    assert ok["result"]["learning_rate"] == 0.03
    assert invalid == {
        "command": "set_params",
        "status": "error",
        "command_id": "invalid",
        "error": "Invalid parameters",
        "code": "invalid_params",
    }
    failed = {"status": "error", "error": "Command execution failed"}
    assert empty == {"command": "set_params", "command_id": "empty", **failed}
    assert conflict == {"command": "pause", "command_id": "conflict", **failed}
    assert unknown == {
        "command": "dance",
        "status": "error",
        "command_id": "unknown",
        "error": "Unknown command: dance",
        "code": "unknown_command",
    }
    assert other == {
        "command": "",
        "status": "error",
        "command_id": "other",
        "error": "Unknown command: ",
        "code": "unknown_command",
    }


@pytest.mark.cascor_server(scenario="idle")
async def test_start_ignores_params_and_commands_run_in_order(
    cascor_server: FakeCascorServer,
) -> None:
    async with ws_connect(_url(cascor_server)) as ws:
        await recv_json(ws)
        await ws.send(_command("start", "1", {"epochs": "not even a number"}))
        await ws.send(_command("stop", "2"))
        await ws.send(_command("stop", "3"))
        answers = [(await recv_json(ws, within=15))["data"] for _ in range(3)]
    assert [(a["command_id"], a["status"]) for a in answers][:2] == [
        ("1", "success"),
        ("2", "success"),
    ]
    assert answers[2]["command_id"] == "3"


async def test_a_burst_is_rate_limited_with_the_top_level_answer(
    cascor_server: FakeCascorServer,
) -> None:
    async with ws_connect(_url(cascor_server)) as ws:
        await recv_json(ws)
        for index in range(15):
            await ws.send(_command("dance", f"r{index}"))
        texts = [await ws.recv() for _ in range(15)]
        await ws.send(_command("dance"))  # no command_id: none echoed
        unnamed = json.loads(await ws.recv())
    answers = [json.loads(text) for text in texts]
    assert [a.get("status", a.get("data", {}).get("status")) for a in answers] == ["error"] * 10 + [
        "rate_limited"
    ] * 5
    limited = answers[10:]
    assert all(
        list(a) == ["type", "command", "status", "retry_after", "command_id"] for a in limited
    )
    assert [a["command_id"] for a in limited] == [f"r{i}" for i in range(10, 15)]
    assert all(0 <= a["retry_after"] <= 0.1 for a in limited)
    assert all(type(validate_envelope(t)) is CommandRateLimitedEnvelope for t in texts[10:])
    assert set(unnamed) == {"type", "command", "status", "retry_after"}


async def test_a_pong_takes_no_token_and_gets_no_answer(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(_url(cascor_server)) as ws:
        await recv_json(ws)
        for _ in range(20):
            await ws.send(json.dumps({"type": "pong"}))
        await ws.send(_command("dance", "after"))
        answer = await recv_json(ws)
    assert answer["data"]["command_id"] == "after"


async def test_invalid_json_is_answered_and_closes_1003(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(_url(cascor_server)) as ws:
        await recv_json(ws)
        await ws.send("{nope")
        answer = await recv_json(ws)
        assert answer["data"] == {"command": "unknown", "status": "error", "error": "Invalid JSON"}
        assert await close_code(ws) == 1003
        assert ws.close_reason == "Malformed JSON"


async def test_json_that_is_not_an_object_is_answered_and_the_connection_stays(
    cascor_server: FakeCascorServer,
) -> None:
    async with ws_connect(_url(cascor_server)) as ws:
        await recv_json(ws)
        await ws.send("[1, 2]")
        answer = (await recv_json(ws))["data"]
        await ws.send(_command("dance", "after"))
        assert (await recv_json(ws))["data"]["command_id"] == "after"
    assert answer == {
        "command": "unknown",
        "status": "error",
        "error": "Invalid JSON: expected object",
        "code": "invalid_message",
    }


async def test_oversized_text_is_refused_and_the_connection_stays(
    cascor_server: FakeCascorServer,
) -> None:
    async with ws_connect(_url(cascor_server)) as ws:
        await recv_json(ws)
        await ws.send("x" * 65_537)
        assert (await recv_json(ws))["data"] == {
            "command": "unknown",
            "status": "error",
            "error": "Message too large",
        }
        await ws.send(_command("dance", "after"))
        assert (await recv_json(ws))["data"]["command_id"] == "after"


@pytest.mark.parametrize(
    "frame",
    [
        b"\x00\x01",
        "[" * 60_000,
        _command(5, "x"),
        _command(["stop"], "x"),
        _command("dance", 7),
    ],
    ids=["binary", "nested-too-deep", "int-command", "list-command", "int-command-id"],
)
async def test_a_frame_the_real_handler_fails_on_drops_the_connection(
    cascor_server: FakeCascorServer, frame: str | bytes
) -> None:
    async with ws_connect(_url(cascor_server)) as ws:
        await recv_json(ws)
        await ws.send(frame)
        assert await close_code(ws) is None  # dropped, no close frame


@pytest.mark.cascor_server(idle_timeout=0.3)
async def test_idle_timeout(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(_url(cascor_server)) as ws:
        await recv_json(ws)
        assert await close_code(ws) == 1000
        assert ws.close_reason == "Idle timeout"


@pytest.mark.cascor_server(ping_interval=0.1, pong_timeout=0.5)
async def test_any_frame_answers_a_ping(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(_url(cascor_server)) as ws:
        await recv_json(ws)
        for _ in range(3):
            assert set(await recv_json(ws)) == {"type", "ts"}
            await ws.send(_command("dance"))
            assert (await recv_json(ws))["type"] == "command_response"
        assert (await recv_json(ws))["type"] == "ping"
        assert await close_code(ws) == 1011


@pytest.mark.cascor_server(command_delay=1.0, queued_interval=0.1)  # about ten queued
async def test_queued_then_final_answer(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(_url(cascor_server)) as ws:
        await recv_json(ws)
        await ws.send(_command("pause", "slow"))
        answers = [(await recv_json(ws))["data"]]
        while answers[-1]["status"] == "queued":
            answers.append((await recv_json(ws))["data"])
    assert len(answers) >= 3
    assert {a["command_id"] for a in answers} == {"slow"}
    assert answers[-1]["status"] == "error"


# -- the handshake gates -------------------------------------------------------------------------


@REAL_ALLOWLIST
async def test_a_missing_or_foreign_origin_is_refused_before_the_upgrade(
    cascor_server: FakeCascorServer,
) -> None:
    url = _url(cascor_server)
    assert await refused_403(url)
    assert await refused_403(url, origin="http://evil.test")
    assert await refused_403(url, origin="http://localhost:8051")
    for origin in (ALLOWED, "HTTP://LocalHost:8050/", "https://127.0.0.1:8050"):
        async with ws_connect(url, origin=origin) as ws:
            assert (await recv_json(ws))["data"] == {"channel": "control"}


async def test_an_empty_allowlist_lets_any_origin_in(cascor_server: FakeCascorServer) -> None:
    assert cascor_server.config.allowed_origins == ()
    for origin in (None, "http://evil.test"):
        async with ws_connect(_url(cascor_server), origin=origin) as ws:
            assert (await recv_json(ws))["data"] == {"channel": "control"}


@pytest.mark.cascor_server(api_keys=["k"], allowed_origins=DEFAULT_ALLOWED_ORIGINS)
async def test_a_bad_key_is_refused_before_the_upgrade(cascor_server: FakeCascorServer) -> None:
    url = _url(cascor_server)
    assert await refused_403(url, origin=ALLOWED)
    assert await refused_403(url, origin=ALLOWED, additional_headers={"X-API-Key": "wrong"})
    async with ws_connect(url, origin=ALLOWED, additional_headers={"X-API-Key": "k"}) as ws:
        assert (await recv_json(ws))["type"] == "connection_established"


@pytest.mark.cascor_server(allowed_origins=DEFAULT_ALLOWED_ORIGINS, handshake_cooldown=True)
async def test_the_cooldown_blocks_an_address_after_ten_refusals(
    cascor_server: FakeCascorServer,
) -> None:
    url = _url(cascor_server)
    for _ in range(9):
        assert await refused_403(url)
    async with ws_connect(url, origin=ALLOWED) as ws:  # nine refusals: not blocked yet
        await recv_json(ws)
    assert await refused_403(url, origin="http://evil.test")
    assert await refused_403(url, origin=ALLOWED), "a blocked address is refused whatever it sends"
    async with ws_connect(cascor_server.ws_url + "/ws/training") as ws:  # only control is gated
        await recv_json(ws)


@REAL_ALLOWLIST
async def test_without_the_cooldown_refusals_never_block(cascor_server: FakeCascorServer) -> None:
    url = _url(cascor_server)
    for _ in range(12):
        assert await refused_403(url)
    async with ws_connect(url, origin=ALLOWED) as ws:
        await recv_json(ws)


@pytest.mark.cascor_server(api_keys=["a", "b"], max_connections_per_identity=1)
async def test_connections_per_key_are_limited(cascor_server: FakeCascorServer) -> None:
    url = _url(cascor_server)
    async with ws_connect(url, additional_headers={"X-API-Key": "a"}) as first:
        await recv_json(first)
        assert await refused_403(url, additional_headers={"X-API-Key": "a"})
        async with ws_connect(url, additional_headers={"X-API-Key": "b"}) as other_key:
            await recv_json(other_key)


@pytest.mark.cascor_server(max_connections_per_ip=1)
async def test_control_has_no_per_address_limit(cascor_server: FakeCascorServer) -> None:
    async with ws_connect(_url(cascor_server)) as first, ws_connect(_url(cascor_server)) as second:
        assert [(await recv_json(ws))["type"] for ws in (first, second)] == [
            "connection_established"
        ] * 2


# -- sans-I/O ------------------------------------------------------------------------------------


def test_the_leaky_bucket_holds_ten_and_refills_ten_per_second() -> None:
    clock = _Clock()
    bucket = LeakyBucket(10, 10.0, clock)
    assert [bucket.try_acquire() for _ in range(11)] == [True] * 10 + [False]
    assert bucket.retry_after() == 0.1
    clock.now += 0.05
    assert not bucket.try_acquire()
    assert bucket.retry_after() == 0.1  # 0.05 s to go, to 0.1 s
    clock.now += 0.06
    assert bucket.try_acquire()
    clock.now += 100
    assert sum(bucket.try_acquire() for _ in range(20)) == 10
    assert LeakyBucket(1, 0.0, clock).retry_after() == 0.0


def test_the_cooldown_counts_refusals_within_its_window() -> None:
    clock = _Clock()
    cooldown = HandshakeCooldown(clock=clock)
    for _ in range(9):
        assert not cooldown.record_refusal("10.0.0.1")
    clock.now += 61  # the nine are forgotten
    assert not cooldown.record_refusal("10.0.0.1")
    for _ in range(8):
        assert not cooldown.record_refusal("10.0.0.1")
    assert not cooldown.blocked("10.0.0.1")
    assert cooldown.record_refusal("10.0.0.1")
    assert cooldown.blocked("10.0.0.1")
    assert not cooldown.blocked("10.0.0.2")
    clock.now += 299
    assert cooldown.blocked("10.0.0.1")
    clock.now += 1
    assert not cooldown.blocked("10.0.0.1")
    assert not cooldown.record_refusal("10.0.0.1"), "a block starts a fresh count"
