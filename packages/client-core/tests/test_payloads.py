"""The shared answer types: what is optional is optional at run time too, not only for mypy."""

from __future__ import annotations

from juniper_cascor_client_core.payloads import ParamsUpdateData, StatusData, TrainingStateData


def test_keys_sent_only_with_a_network_are_not_required() -> None:
    assert {"input_size", "output_size"} <= TrainingStateData.__optional_keys__
    assert "status" in TrainingStateData.__required_keys__


def test_nested_and_inherited_keys_are_required() -> None:
    assert {"state_machine", "training_state", "monitor"} <= StatusData.__required_keys__
    assert {"learning_rate", "applied", "skipped"} <= ParamsUpdateData.__required_keys__
