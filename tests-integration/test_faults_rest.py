"""REST faults: silence, slow replies, 503 with Retry-After, connections closed mid-request."""

from __future__ import annotations

import pytest

from cascor_suite.data import XOR_EPOCHS, XOR_ONE_HOT, XOR_X, inline_start
from cascor_suite.target import Target
from juniper_cascor_client import (
    JuniperCascorClient,
    JuniperCascorConnectionError,
    JuniperCascorServiceUnavailableError,
    JuniperCascorTimeoutError,
)
from juniper_cascor_client.testing import FakeCascorServer

_STATUS = "/v1/training/status"
_START = "/v1/training/start"


def _hits(server: FakeCascorServer, method: str, path: str) -> int:
    return sum(1 for r in server.requests if (r.method, r.path) == (method, path))


def test_silent_server_times_out_a_call(target: Target, fake_server: FakeCascorServer) -> None:
    fake_server.faults.go_silent(0.8, "http")
    with target.client(timeout=0.2, retries=0) as client, pytest.raises(JuniperCascorTimeoutError):
        client.get_training_status()


def test_slow_replies_time_out_and_patient_calls_succeed(
    target: Target, fake_server: FakeCascorServer
) -> None:
    fake_server.faults.delay_responses(0.5, _STATUS)
    with target.client(timeout=0.15) as impatient:
        with pytest.raises(JuniperCascorTimeoutError):
            impatient.get_training_status()
        assert impatient.get_training_params()["status"] == "success"  # other paths are fast
    with target.client(timeout=5.0) as patient:
        assert patient.get_training_status()["data"]["training_active"] is False


def test_get_answered_503_with_retry_after_is_retried(
    fake_server: FakeCascorServer, client: JuniperCascorClient
) -> None:
    fake_server.faults.fail_requests(_STATUS, 503, times=2, retry_after=0.05)
    assert client.get_training_status()["status"] == "success"
    assert _hits(fake_server, "GET", _STATUS) == 3


def test_retry_after_beyond_the_cap_gives_up_at_once(
    target: Target, fake_server: FakeCascorServer
) -> None:
    fake_server.faults.fail_requests(_STATUS, 503, times=1, retry_after=120)
    with target.client(max_retry_after=30.0) as client:
        with pytest.raises(JuniperCascorServiceUnavailableError) as refused:
            client.get_training_status()
        assert refused.value.status_code == 503
    assert _hits(fake_server, "GET", _STATUS) == 1


def test_post_answered_503_is_not_retried(
    fake_server: FakeCascorServer, client: JuniperCascorClient
) -> None:
    client.create_network(input_size=2, output_size=2)
    fake_server.faults.fail_requests(_START, 503, times=1, retry_after=0)
    with pytest.raises(JuniperCascorServiceUnavailableError):
        client.start_training(**inline_start(XOR_X, XOR_ONE_HOT, XOR_EPOCHS))
    assert _hits(fake_server, "POST", _START) == 1
    assert client.get_training_status()["data"]["training_active"] is False


def test_post_closed_after_reading_is_sent_once(
    fake_server: FakeCascorServer, client: JuniperCascorClient
) -> None:
    client.create_network(input_size=2, output_size=2)
    fake_server.faults.close_after_read(_START, method="POST")
    with pytest.raises(JuniperCascorConnectionError) as lost:
        client.start_training(**inline_start(XOR_X, XOR_ONE_HOT, XOR_EPOCHS))
    assert not isinstance(lost.value, JuniperCascorTimeoutError)
    assert _hits(fake_server, "POST", _START) == 1
    assert client.get_training_status()["data"]["training_active"] is False


def test_get_closed_after_reading_is_retried(
    fake_server: FakeCascorServer, client: JuniperCascorClient
) -> None:
    client.create_network(input_size=2, output_size=2)
    fake_server.faults.close_after_read("/v1/network", times=2, method="GET")
    assert client.get_network()["data"]["input_size"] == 2
    assert _hits(fake_server, "GET", "/v1/network") == 3
