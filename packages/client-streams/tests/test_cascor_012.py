"""The streams against juniper-cascor 0.12's behaviour, on the fake server that twins it.

Rate limiting (answered at once, never a timeout; the opt-in retry), handshake refusals that
name their causes, command error codes, both spellings of the state names, and zero
unrecognised frames over a whole XOR run.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from typing import Any

import pytest

from juniper_cascor_client_core import (
    JuniperCascorAuthenticationError,
    JuniperCascorCommandError,
    JuniperCascorRateLimitedError,
)
from juniper_cascor_client_streams import (
    CascorControlStream,
    CascorTrainingStream,
    ReconnectPolicy,
    normalize_state,
)
from juniper_cascor_fake_server.config import DEFAULT_ALLOWED_ORIGINS

ALLOWED_ORIGIN = "http://localhost:8050"
BURST = 15  # over juniper-cascor's bucket of 10 commands per connection
GENEROUS = 10.0  # a deadline no healthy answer comes near


@pytest.fixture(autouse=True)
def _no_credentials_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JUNIPER_CASCOR_WS_ORIGIN", raising=False)
    monkeypatch.delenv("JUNIPER_CASCOR_API_KEY", raising=False)


def outcome(result: object) -> str:
    """``success``/``error`` for an answer, the exception's class name otherwise."""
    if isinstance(result, BaseException):
        return type(result).__name__
    assert isinstance(result, dict)
    return str(result["data"]["status"])


async def burst_of_set_params(control: CascorControlStream, **kwargs: Any) -> list[object]:
    return await asyncio.gather(
        *(
            control.set_params({"learning_rate": 0.01 + n / 1000}, timeout=GENEROUS, **kwargs)
            for n in range(BURST)
        ),
        return_exceptions=True,
    )


# -- rate limiting ------------------------------------------------------------------------


@pytest.mark.cascor_server(scenario="idle")
async def test_a_burst_of_set_params_is_answered_or_rate_limited_never_timed_out(
    cascor_server, unrecognised, caplog
) -> None:
    before = unrecognised(endpoint="control")
    with caplog.at_level(logging.WARNING, logger="juniper_cascor_client_streams"):
        async with CascorControlStream(cascor_server.ws_url) as control:
            results = await burst_of_set_params(control)
            assert control.pending_commands == 0
    counts = Counter(outcome(result) for result in results)
    assert counts == {"success": 10, "JuniperCascorRateLimitedError": 5}
    limited = [result for result in results if isinstance(result, JuniperCascorRateLimitedError)]
    assert all(error.retry_after is not None and error.retry_after >= 0 for error in limited)
    assert unrecognised(endpoint="control") == before
    assert not [record for record in caplog.records if "unrecognised" in record.message]


@pytest.mark.cascor_server(scenario="idle")
async def test_with_retry_rate_limited_the_whole_burst_succeeds(cascor_server) -> None:
    async with CascorControlStream(cascor_server.ws_url, retry_rate_limited=True) as control:
        results = await burst_of_set_params(control)
    assert [outcome(result) for result in results] == ["success"] * BURST


@pytest.mark.cascor_server(scenario="idle", commands_per_second=1)
async def test_retry_rate_limited_per_call_waits_out_the_limit(cascor_server) -> None:
    async with CascorControlStream(cascor_server.ws_url) as control:
        await control.set_params({"learning_rate": 0.02}, timeout=GENEROUS)  # the only token
        with pytest.raises(JuniperCascorRateLimitedError) as limited:
            await control.set_params({"learning_rate": 0.03}, timeout=GENEROUS)
        answer = await control.set_params(
            {"learning_rate": 0.04},
            timeout=GENEROUS,
            command_id="mine-1",
            retry_rate_limited=True,
        )
    assert limited.value.retry_after is not None
    assert limited.value.retry_after > 0
    assert answer["data"]["status"] == "success"
    assert answer["data"]["command_id"] == "mine-1"
    assert answer["data"]["result"]["learning_rate"] == 0.04


# -- handshake refusals --------------------------------------------------------------------


def control_handshakes(server: Any) -> int:
    return sum(1 for request in server.requests if request.path == "/ws/control")


@pytest.mark.cascor_server(allowed_origins=DEFAULT_ALLOWED_ORIGINS)
async def test_a_control_refusal_names_the_origin_allowlist_and_the_key(cascor_server) -> None:
    control = CascorControlStream(cascor_server.ws_url)
    with pytest.raises(JuniperCascorAuthenticationError) as refused:
        await control.connect(retries=3, delay=0.01)
    message = str(refused.value)
    assert refused.value.status_code == 403
    assert "HTTP 403" in message
    assert "Origin allowlist" in message
    assert "origin=" in message
    assert "JUNIPER_CASCOR_WS_ORIGIN" in message
    assert "no Origin header" in message
    assert "API key" in message
    assert "JUNIPER_CASCOR_API_KEY" in message
    assert control_handshakes(cascor_server) == 1  # never retried
    control.origin = ALLOWED_ORIGIN  # settable before the next connect
    async with control:
        answer = await control.command("stop")
    assert answer["data"]["status"] == "success"
    assert cascor_server.requests[-1].header("Origin") == ALLOWED_ORIGIN


@pytest.mark.cascor_server(allowed_origins=DEFAULT_ALLOWED_ORIGINS)
async def test_a_control_refusal_shows_the_origin_that_was_sent(cascor_server) -> None:
    with pytest.raises(JuniperCascorAuthenticationError) as refused:
        await CascorControlStream(cascor_server.ws_url, origin="http://evil.example").connect()
    assert "the Origin 'http://evil.example'" in str(refused.value)


@pytest.mark.cascor_server(api_keys=("right-key",))
async def test_a_training_refusal_names_the_api_key(cascor_server) -> None:
    stream = CascorTrainingStream(cascor_server.ws_url, api_key="wrong-key")
    with pytest.raises(JuniperCascorAuthenticationError) as refused:
        await stream.connect(retries=3, delay=0.01)
    message = str(refused.value)
    assert refused.value.status_code == 403
    assert "API key" in message
    assert "JUNIPER_CASCOR_API_KEY" in message
    assert "a key was sent" in message
    assert "wrong-key" not in message
    assert "Origin" not in message
    assert sum(1 for r in cascor_server.requests if r.path == "/ws/training") == 1
    stream.api_key = "right-key"  # settable before the next connect
    async with stream:
        first = await anext(aiter(stream))
    assert first["type"] == "connection_established"


# -- command errors ------------------------------------------------------------------------


@pytest.mark.cascor_server(scenario="idle")
async def test_command_errors_carry_the_servers_code(cascor_server) -> None:
    async with CascorControlStream(cascor_server.ws_url, raise_on_error=True) as control:
        with pytest.raises(JuniperCascorCommandError) as conflict:
            await control.pause()  # nothing to pause
        with pytest.raises(JuniperCascorCommandError) as invalid:
            await control.set_params({"learning_rate": -1.0}, timeout=GENEROUS)
        with pytest.raises(JuniperCascorCommandError) as unknown:
            await control.command("dance")
    assert (conflict.value.code, str(conflict.value)) == (None, "Command execution failed")
    assert conflict.value.command == "pause"
    assert invalid.value.code == "invalid_params"
    assert unknown.value.code == "unknown_command"


# -- state names and a whole run -----------------------------------------------------------


@pytest.mark.cascor_server(scenario="idle", ping_interval=0.2)
async def test_a_whole_xor_run_has_no_unrecognised_frame_and_both_state_spellings(
    cascor_server, unrecognised, caplog
) -> None:
    before = unrecognised()
    seen: Counter[str] = Counter()
    raw_states: list[str] = []
    stream = CascorTrainingStream(
        cascor_server.ws_url, reconnect=ReconnectPolicy(initial_delay=0.01, max_delay=0.05)
    )
    stream.on_state(lambda data: raw_states.append(data["status"]))

    async def until(kind: str, *, event: str | None = None) -> None:
        async for message in stream:
            seen[message["type"]] += 1
            data = message.get("data") or {}
            if message["type"] == kind and event in (None, data.get("event")):
                return

    with caplog.at_level(logging.WARNING, logger="juniper_cascor_client_streams"):
        async with (
            stream,
            CascorControlStream(cascor_server.ws_url, origin=ALLOWED_ORIGIN) as control,
            asyncio.timeout(60),
        ):
            await until("initial_metrics")
            assert stream.training_state == "STOPPED"  # from initial_status (upper case)
            await control.start()
            await until("event", event="training_complete")
            assert stream.training_state == "COMPLETED"
            with pytest.raises(JuniperCascorCommandError):
                await control.command("dance", raise_on_error=True)
            await burst_of_set_params(control)  # rate-limited answers included
            while stream.pongs_sent == 0 or control.pongs_sent == 0:  # noqa: ASYNC110
                await asyncio.sleep(0.05)  # pings come every 0.2 s
            cascor_server.faults.drop_connections("training")
            await until("resume_ok")
            cascor_server.faults.restart()  # closes both streams; the training one comes back
            await until("resume_failed")
            await until("initial_metrics")
    assert unrecognised() == before
    assert not [record for record in caplog.records if "unrecognised" in record.message]
    real_types = {
        "connection_established",
        "initial_status",
        "state",
        "initial_metrics",
        "metrics",
        "cascade_add",
        "topology",
        "event",
        "resume_ok",
        "resume_failed",
    }
    assert real_types <= set(seen)
    assert any(state != state.upper() for state in raw_states)  # title case on state frames
    assert {normalize_state(state) for state in raw_states} >= {"STARTED", "COMPLETED"}
