"""The two-spiral benchmark, its first output pass bounded by an epoch budget, is learnt."""

from __future__ import annotations

import time
from collections.abc import Callable

from cascor_suite.data import inline_start, two_spirals
from cascor_suite.target import Target
from cascor_suite.training import finished_status, metrics_rows
from juniper_cascor_client import JuniperCascorClient

SPIRAL_EPOCHS = 800
ACCURACY_FLOOR = 0.8
"""A linear model scores about 0.5 on the spirals; 0.8 needs several hidden units. The floor
holds the fake server's learner to it; a real server's learner is not what this suite tests
(juniper-cascor 0.12.0 with its defaults stays near 0.5 within this budget), so against one the
run must complete and report an accuracy and a unit count, whatever their values (it has been
seen to stop with no hidden unit)."""


def test_two_spirals_within_a_fixed_budget(
    target: Target, client: JuniperCascorClient, report_figure: Callable[[str, str], None]
) -> None:
    x, y = two_spirals()
    client.create_network(input_size=2, output_size=1)
    rows = metrics_rows(client)
    started = time.monotonic()
    client.start_training(**inline_start(x, y, SPIRAL_EPOCHS))
    status = finished_status(client, within=80.0, rows_before=rows)
    wall = time.monotonic() - started

    assert status["state_machine"]["status"] == "COMPLETED"
    metrics = client.get_metrics()["data"]
    accuracy = metrics["train_accuracy"]
    hidden_units = client.get_network()["data"]["hidden_units"]
    assert 0.0 <= accuracy <= 1.0
    assert hidden_units >= 0
    if target.is_fake:
        assert accuracy >= ACCURACY_FLOOR, f"{accuracy:.3f} after {SPIRAL_EPOCHS} epochs"
        assert hidden_units >= 1

    where = "fake server" if target.is_fake else "target server"
    report_figure(
        f"two spirals after {SPIRAL_EPOCHS} epochs ({where}), accuracy", f"{accuracy:.3f}"
    )
    report_figure(
        f"two spirals after {SPIRAL_EPOCHS} epochs ({where}), hidden units", str(hidden_units)
    )
    report_figure(
        f"two spirals after {SPIRAL_EPOCHS} epochs ({where}), wall seconds", f"{wall:.2f}"
    )
