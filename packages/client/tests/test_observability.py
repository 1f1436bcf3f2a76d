"""``juniper_cascor_client.observability``: the upstream names for reporting unrecognised frames."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from prometheus_client import REGISTRY

from juniper_cascor_client import observability


def _count(type_label: str, endpoint: str) -> float:
    value = REGISTRY.get_sample_value(
        observability.UNRECOGNIZED_FRAMES_METRIC, {"type": type_label, "endpoint": endpoint}
    )
    return 0.0 if value is None else value


@pytest.fixture
def fresh_counter() -> Iterator[None]:
    observability.reset_for_tests()
    yield
    observability.reset_for_tests()


def test_record_logs_the_type_and_endpoint_and_counts(
    fresh_counter: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="juniper_cascor_client.observability"):
        observability.record_unrecognized_frame("bogus_kind", "training")
        observability.record_unrecognized_frame("bogus_kind", "training")
    (first, second) = caplog.records
    assert first.getMessage() == (
        "juniper_cascor_client_unrecognized_ws_frame type=bogus_kind endpoint=training"
    )
    assert (first.__dict__["type"], first.__dict__["endpoint"]) == ("bogus_kind", "training")
    assert second.levelno == logging.WARNING
    assert _count("bogus_kind", "training") == 2.0
    assert _count("bogus_kind", "control") == 0.0


def test_reset_starts_the_counter_from_zero(fresh_counter: None) -> None:
    observability.record_unrecognized_frame("_unmatched", "control")
    assert _count("_unmatched", "control") == 1.0
    observability.reset_for_tests()
    assert _count("_unmatched", "control") == 0.0  # no longer registered
    observability.record_unrecognized_frame("_unmatched", "control")
    assert _count("_unmatched", "control") == 1.0


def test_the_streams_count_in_the_same_counter(fresh_counter: None) -> None:
    from juniper_cascor_client_streams import metrics

    metrics.count_unrecognized_frame("from_a_stream", "training")
    observability.record_unrecognized_frame("from_a_stream", "training")
    assert _count("from_a_stream", "training") == 2.0
