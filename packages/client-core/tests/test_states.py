"""Training state names: every spelling maps to the state machine's upper-case name."""

from __future__ import annotations

import pytest

from juniper_cascor_client_core import FINAL_STATES, STATE_MACHINE_STATES, normalize_state


@pytest.mark.parametrize(
    ("spelled", "name"),
    [
        ("STARTED", "STARTED"),
        ("Started", "STARTED"),
        (" paused ", "PAUSED"),
        ("Running", "STARTED"),
        ("training", "STARTED"),
        ("Complete", "COMPLETED"),
        ("resume_ready", "RESUME_READY"),
        ("Tuning", "TUNING"),  # a newer server's state still compares consistently
    ],
)
def test_every_spelling_is_normalised(spelled: str, name: str) -> None:
    assert normalize_state(spelled) == name


@pytest.mark.parametrize("value", [None, "", "   ", 3, b"STARTED"])
def test_what_is_not_a_name_is_none(value: object) -> None:
    assert normalize_state(value) is None


def test_the_final_states_are_states_of_the_machine() -> None:
    assert {"COMPLETED", "STOPPED", "FAILED"} == FINAL_STATES
    assert set(STATE_MACHINE_STATES) > FINAL_STATES
    assert {"PAUSED", "INVESTIGATING"}.isdisjoint(FINAL_STATES)
    assert all(normalize_state(name) == name for name in STATE_MACHINE_STATES)
