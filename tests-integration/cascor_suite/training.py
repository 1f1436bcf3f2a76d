"""REST-only training helpers (for tests that need a trained network, not the stream)."""

from __future__ import annotations

from typing import Any

from cascor_suite.data import XOR_EPOCHS, XOR_ONE_HOT, XOR_X, inline_start
from cascor_suite.waits import wait_until
from juniper_cascor_client import JuniperCascorClient

__all__ = ["finished_status", "metrics_rows", "train_xor"]


_RUNNING = ("STARTED", "PAUSED")


def metrics_rows(client: JuniperCascorClient) -> int:
    """How many metrics rows the service holds (``monitor.total_metrics``)."""
    return int(client.get_training_status()["data"]["monitor"]["total_metrics"])


def finished_status(
    client: JuniperCascorClient, *, within: float, rows_before: int
) -> dict[str, Any]:
    """Poll ``GET /training/status`` until a run started after ``rows_before`` metrics rows
    (see ``metrics_rows``) has ended; its ``data``.

    The real server moves to ``STARTED`` on its training thread, after the start request was
    answered: a run counts as ended once it added metrics rows and is neither started nor
    paused.

    Raises:
        AssertionError: When training has not ended after ``within`` seconds.
    """

    def ended() -> dict[str, Any] | None:
        data: dict[str, Any] = client.get_training_status()["data"]
        running = data["state_machine"]["status"] in _RUNNING
        return None if running or data["monitor"]["total_metrics"] <= rows_before else data

    return wait_until(ended, within=within, what="training finished")


def train_xor(
    client: JuniperCascorClient, *, within: float = 60.0, **network: Any
) -> dict[str, Any]:
    """Create the quick start's XOR network, train it to the end; the final status ``data``.

    ``network`` adds ``create_network`` arguments (e.g. ``candidate_pool_size``).

    Raises:
        AssertionError: When training does not finish within ``within`` seconds.
    """
    client.create_network(input_size=2, output_size=2, learning_rate=0.01, **network)
    rows = metrics_rows(client)
    client.start_training(**inline_start(XOR_X, XOR_ONE_HOT, XOR_EPOCHS))
    return finished_status(client, within=within, rows_before=rows)
