"""Id validation and encoding, and request paths, pure."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from juniper_cascor_client_rest import JuniperCascorValidationError
from juniper_cascor_client_rest.paths import (
    api_path,
    check_path,
    snapshot_segment,
    worker_segment,
)


@pytest.mark.parametrize("good", ["a", "snap_2024-01-01", "X" * 128, "-", "_"])
def test_valid_snapshot_ids_pass_unchanged(good: str) -> None:
    assert snapshot_segment(good) == good


@pytest.mark.parametrize("good", ["worker-0123456789ab", "w1", "gpu_box-7"])
def test_valid_worker_ids_pass_unchanged(good: str) -> None:
    assert worker_segment(good) == good


@pytest.mark.parametrize("bad", ["-leading-dash", "_x", "", "a" * 129, "a.b", "a/b"])
def test_invalid_worker_ids(bad: str) -> None:
    with pytest.raises(JuniperCascorValidationError, match="invalid worker id"):
        worker_segment(bad)


@given(st.text(max_size=200))
def test_a_segment_never_escapes(value: str) -> None:
    for encode in (snapshot_segment, worker_segment):
        try:
            segment = encode(value)
        except JuniperCascorValidationError:
            continue
        assert segment == value
        assert not set(segment) & set("/?#%.\\ \r\n")


@given(st.text(max_size=100))
def test_check_path_accepts_only_single_slash_rooted_paths_without_dot_segments(
    path: str,
) -> None:
    try:
        checked = check_path(path)
    except JuniperCascorValidationError:
        return
    assert checked.startswith("/")
    assert not checked.startswith("//")
    assert ".." not in checked.split("?", 1)[0].split("/")


@pytest.mark.parametrize(
    ("given_path", "relative"),
    [
        ("/training/start", "/training/start"),
        ("/v1/training/start", "/training/start"),
        ("/v1", "/"),
        ("/v1/", "/"),
        ("/v1/metrics/history?count=2", "/metrics/history?count=2"),
        ("/v10/x", "/v10/x"),
        ("/v1x", "/v1x"),
        ("/x/v1/y", "/x/v1/y"),
    ],
)
def test_api_path_drops_one_leading_v1_segment(given_path: str, relative: str) -> None:
    assert api_path(given_path) == relative


@pytest.mark.parametrize("bad", ["/v1//evil.example/x", "/v1/../health", "v1/metrics"])
def test_api_path_checks_what_is_left(bad: str) -> None:
    with pytest.raises(JuniperCascorValidationError):
        api_path(bad)
