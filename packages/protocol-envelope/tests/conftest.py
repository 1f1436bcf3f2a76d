"""Shared fixtures of the envelope tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from juniper_cascor_protocol.envelope import reset_unknown_label_state


@pytest.fixture
def fresh_labels() -> Iterator[None]:
    """Start and end the test with the whole unknown-type budget free."""
    reset_unknown_label_state()
    yield
    reset_unknown_label_state()
