"""REST faults: silence, slow replies, 503 with Retry-After, connections closed mid-request."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cascor_suite.data import XOR_EPOCHS, XOR_ONE_HOT, XOR_X, inline_start
from cascor_suite.recorded import count_requests
from cascor_suite.target import Target
from juniper_cascor_client import (
    JuniperCascorClient,
    JuniperCascorClientError,
    JuniperCascorConnectionError,
    JuniperCascorServiceUnavailableError,
    JuniperCascorTimeoutError,
)
from juniper_cascor_client.testing import FakeCascorServer

_STATUS = "/v1/training/status"
_START = "/v1/training/start"


def test_silent_server_times_out_a_call(target: Target, fake_server: FakeCascorServer) -> None:
    fake_server.faults.go_silent(2.0, "http")
    with target.client(timeout=0.5, retries=0) as client, pytest.raises(JuniperCascorTimeoutError):
        client.get_training_status()


def test_slow_replies_time_out_and_patient_calls_succeed(
    target: Target, fake_server: FakeCascorServer
) -> None:
    fake_server.faults.delay_responses(1.0, _STATUS)
    with target.client(timeout=0.5) as impatient:
        with pytest.raises(JuniperCascorTimeoutError):
            impatient.get_training_status()
        assert impatient.get_metrics_history()["status"] == "success"  # other paths are fast
    with target.client(timeout=5.0) as patient:
        assert patient.get_training_status()["data"]["training_active"] is False


def test_get_answered_503_with_retry_after_is_retried(
    fake_server: FakeCascorServer, client: JuniperCascorClient
) -> None:
    fake_server.faults.fail_requests(_STATUS, 503, times=2, retry_after=0.05)
    assert client.get_training_status()["status"] == "success"
    assert count_requests(fake_server, _STATUS, "GET") == 3


def test_other_server_errors_are_the_base_error_and_not_retried(
    fake_server: FakeCascorServer, client: JuniperCascorClient
) -> None:
    fake_server.faults.fail_requests(_STATUS, 500, times=1)
    with pytest.raises(JuniperCascorClientError) as failed:
        client.get_training_status()
    assert type(failed.value) is JuniperCascorClientError
    assert failed.value.status_code == 500
    assert str(failed.value).startswith("HTTP 500: ")
    assert count_requests(fake_server, _STATUS, "GET") == 1


def test_retry_after_beyond_the_cap_gives_up_at_once(
    target: Target, fake_server: FakeCascorServer
) -> None:
    fake_server.faults.fail_requests(_STATUS, 503, times=1, retry_after=120)
    with target.client(max_retry_after=30.0) as client:
        with pytest.raises(JuniperCascorServiceUnavailableError) as refused:
            client.get_training_status()
        assert refused.value.status_code == 503
    assert count_requests(fake_server, _STATUS, "GET") == 1


def _answer_503(server: FakeCascorServer) -> None:
    server.faults.fail_requests(_START, 503, times=1, retry_after=0)


def _close_after_read(server: FakeCascorServer) -> None:
    server.faults.close_after_read(_START, method="POST")


@pytest.mark.parametrize(
    ("inject", "error"),
    [
        (_answer_503, JuniperCascorServiceUnavailableError),
        (_close_after_read, JuniperCascorConnectionError),
    ],
    ids=["503-retry-after", "closed-after-read"],
)
def test_a_failed_post_is_sent_exactly_once(
    fake_server: FakeCascorServer,
    client: JuniperCascorClient,
    inject: Callable[[FakeCascorServer], None],
    error: type[JuniperCascorClientError],
) -> None:
    client.create_network(input_size=2, output_size=2)
    inject(fake_server)
    with pytest.raises(error) as failed:
        client.start_training(**inline_start(XOR_X, XOR_ONE_HOT, XOR_EPOCHS))
    assert not isinstance(failed.value, JuniperCascorTimeoutError)
    assert count_requests(fake_server, _START, "POST") == 1
    assert client.get_training_status()["data"]["training_active"] is False


def test_get_closed_after_reading_is_retried(target: Target, fake_server: FakeCascorServer) -> None:
    with target.client(backoff_factor=0.01) as client:
        client.create_network(input_size=2, output_size=2)
        fake_server.faults.close_after_read("/v1/network", times=2, method="GET")
        assert client.get_network()["data"]["input_size"] == 2
    assert count_requests(fake_server, "/v1/network", "GET") == 3
