"""``wait_for_training``: polls the status until a run ends (or reaches a named state)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from juniper_cascor_client_core import (
    JuniperCascorClientError,
    JuniperCascorConfigurationError,
    JuniperCascorProtocolError,
    JuniperCascorTimeoutError,
)
from juniper_cascor_client_rest import JuniperCascorClient
from juniper_cascor_client_rest.polling import stop_states, training_state
from juniper_cascor_client_rest.responses import TrainingStatusResponse
from juniper_cascor_fake_server import FakeCascorServer

STATUS_PATH = "/v1/training/status"
SLOW = 1.0
"""``epoch_delay`` of a run that cannot end within the short waits below."""


def status_polls(server: FakeCascorServer) -> int:
    return sum(1 for seen in server.requests if seen.path == STATUS_PATH)


def waiting_in_thread(
    call: Callable[[], TrainingStatusResponse],
) -> tuple[threading.Thread, dict[str, Any]]:
    """Run ``call`` in a thread; its answer (or exception) lands in the returned dict."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["status"] = call()
        except Exception as exc:  # handed to the test, which asserts on it
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def wait_for_polls(server: FakeCascorServer, count: int, within: float = 30.0) -> None:
    end = time.monotonic() + within
    while status_polls(server) < count:
        assert time.monotonic() < end, f"fewer than {count} status polls within {within} s"
        time.sleep(0.01)


def wait_interrupted(
    server: FakeCascorServer,
    client: JuniperCascorClient,
    action: Callable[[], object],
    **wait_options: Any,
) -> tuple[threading.Thread, dict[str, Any]]:
    """Start a run, wait for it in a thread, call ``action`` after the first poll, and join
    the thread (for at most 30 s): the thread and its outcome, as ``waiting_in_thread``."""
    client.start_training()
    thread, outcome = waiting_in_thread(lambda: client.wait_for_training(**wait_options))
    wait_for_polls(server, 1)
    action()
    thread.join(timeout=30)
    return thread, outcome


@pytest.mark.cascor_server(scenario="idle")
def test_returns_the_completed_status_of_a_run(cascor_server: FakeCascorServer) -> None:
    with JuniperCascorClient(cascor_server.http_url) as client:
        client.start_training()
        final = client.wait_for_training(timeout=120, poll_interval=0.05)

    assert final["data"]["state_machine"]["status"] == "COMPLETED"
    assert final["data"]["training_active"] is False
    assert final["data"]["monitor"]["total_metrics"] > 0


@pytest.mark.cascor_server(scenario="xor_converged")
def test_a_run_that_had_already_ended_is_confirmed_by_a_second_poll(
    cascor_server: FakeCascorServer,
) -> None:
    """The status right after a start may still show the previous run's end: a final state
    seen at the first poll ends the wait only when the next poll reports one too."""
    with JuniperCascorClient(cascor_server.http_url) as client:
        final = client.wait_for_training(timeout=30, poll_interval=0.05)

    assert final["data"]["state_machine"]["status"] == "COMPLETED"
    assert status_polls(cascor_server) == 2


@pytest.mark.cascor_server(scenario="idle", epoch_delay=SLOW)
def test_stopping_the_run_ends_the_wait(cascor_server: FakeCascorServer) -> None:
    with JuniperCascorClient(cascor_server.http_url) as client:
        thread, outcome = wait_interrupted(
            cascor_server, client, client.stop_training, timeout=60, poll_interval=0.05
        )

    assert not thread.is_alive()
    assert outcome["status"]["data"]["state_machine"]["status"] == "STOPPED"


@pytest.mark.cascor_server(scenario="idle", epoch_delay=SLOW)
def test_closing_the_client_from_another_thread_ends_the_wait(
    cascor_server: FakeCascorServer,
) -> None:
    """close() cuts the pause between two polls short (60 s here); the wait raises."""
    client = JuniperCascorClient(cascor_server.http_url)
    thread, outcome = wait_interrupted(
        cascor_server, client, client.close, timeout=120, poll_interval=60
    )
    with JuniperCascorClient(cascor_server.http_url) as other:
        other.stop_training()

    assert not thread.is_alive()  # without the wake-up it would still be pausing
    assert isinstance(outcome["error"], JuniperCascorClientError)
    assert "closed" in str(outcome["error"])
    assert status_polls(cascor_server) == 1


@pytest.mark.cascor_server(scenario="idle", epoch_delay=SLOW)
def test_until_paused_ends_the_wait_when_the_run_is_paused(
    cascor_server: FakeCascorServer,
) -> None:
    with JuniperCascorClient(cascor_server.http_url) as client:
        thread, outcome = wait_interrupted(
            cascor_server,
            client,
            client.pause_training,
            timeout=60,
            poll_interval=0.05,
            until={"paused"},
        )
        client.stop_training()

    assert not thread.is_alive()
    assert outcome["status"]["data"]["state_machine"]["status"] == "PAUSED"


@pytest.mark.cascor_server(scenario="idle", epoch_delay=SLOW)
def test_a_paused_run_does_not_end_a_default_wait(cascor_server: FakeCascorServer) -> None:
    with JuniperCascorClient(cascor_server.http_url) as client:
        client.start_training()
        client.pause_training()
        with pytest.raises(JuniperCascorTimeoutError, match=r"within 0\.5 s; last state: PAUSED"):
            client.wait_for_training(timeout=0.5, poll_interval=0.05)
        client.stop_training()


@pytest.mark.cascor_server(scenario="idle", epoch_delay=SLOW)
def test_times_out_naming_the_last_state_and_the_timeout(cascor_server: FakeCascorServer) -> None:
    with JuniperCascorClient(cascor_server.http_url) as client:
        client.start_training()
        started = time.monotonic()
        with pytest.raises(JuniperCascorTimeoutError) as caught:
            client.wait_for_training(timeout=0.5, poll_interval=0.1)
        elapsed = time.monotonic() - started
        client.stop_training()

    assert "COMPLETED, FAILED, STOPPED within 0.5 s; last state: STARTED" in str(caught.value)
    assert elapsed >= 0.5  # it never gives up early
    assert elapsed < 10  # correctness bound: the deadline holds (generous for a loaded host)
    assert status_polls(cascor_server) >= 2


def test_a_hanging_poll_is_bounded_by_the_deadline(server: Any) -> None:
    """A server that never answers in time cannot hold the wait past its timeout."""
    server.push(delay=30.0)
    with JuniperCascorClient(server.url, retries=0) as client:
        started = time.monotonic()
        with pytest.raises(JuniperCascorTimeoutError, match="last state: unknown"):
            client.wait_for_training(timeout=0.5)
        elapsed = time.monotonic() - started

    assert elapsed < 15  # correctness bound: far below the server's 30 s delay


def test_a_status_without_a_state_is_a_protocol_error(server: Any) -> None:
    server.push(body={"status": "success", "data": {"training_active": False}, "meta": {}})
    with (
        JuniperCascorClient(server.url) as client,
        pytest.raises(JuniperCascorProtocolError, match="reports no state"),
    ):
        client.wait_for_training(timeout=5)


@pytest.mark.parametrize(
    "options",
    [
        {"timeout": 0},
        {"timeout": -1.0},
        {"timeout": float("nan")},
        {"timeout": "60"},
        {"poll_interval": 0},
        {"poll_interval": True},
        {"until": "PAUSED"},
        {"until": {"PASUED"}},
        {"until": [3]},
        {"until": 5},
    ],
    ids=repr,
)
def test_bad_options_are_refused_before_polling(
    cascor_server: FakeCascorServer, options: dict[str, Any]
) -> None:
    with (
        JuniperCascorClient(cascor_server.http_url) as client,
        pytest.raises(JuniperCascorConfigurationError),
    ):
        client.wait_for_training(**options)
    assert status_polls(cascor_server) == 0


def test_until_adds_states_in_any_case_to_the_final_ones() -> None:
    assert stop_states(None) == {"COMPLETED", "STOPPED", "FAILED"}
    assert stop_states(["paused", " Investigating "]) == {
        "COMPLETED",
        "STOPPED",
        "FAILED",
        "PAUSED",
        "INVESTIGATING",
    }
    with pytest.raises(JuniperCascorConfigurationError, match=r"until must be one of .*'PASUED'"):
        stop_states({"PASUED"})


def test_the_state_is_read_from_the_state_machine_else_the_training_state() -> None:
    both = {"data": {"state_machine": {"status": "PAUSED"}, "training_state": {"status": "Paused"}}}
    assert training_state(both) == "PAUSED"
    assert training_state({"data": {"training_state": {"status": "Completed"}}}) == "COMPLETED"
    with pytest.raises(JuniperCascorProtocolError):
        training_state({"data": {"state_machine": {"status": ""}}})
