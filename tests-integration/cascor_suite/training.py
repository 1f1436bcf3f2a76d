"""REST-only training helpers (for tests that need a trained network, not the stream)."""

from __future__ import annotations

from typing import Any

from cascor_suite.data import XOR_EPOCHS, XOR_ONE_HOT, XOR_X, inline_start
from cascor_suite.waits import wait_until
from juniper_cascor_client import JuniperCascorClient

__all__ = ["finished_status", "train_xor"]


def finished_status(client: JuniperCascorClient, *, within: float) -> dict[str, Any]:
    """Poll ``GET /training/status`` until training is no longer active; its ``data``.

    Raises:
        AssertionError: When training is still active after ``within`` seconds.
    """

    def idle() -> dict[str, Any] | None:
        data: dict[str, Any] = client.get_training_status()["data"]
        return None if data["training_active"] else data

    return wait_until(idle, within=within, what="training finished")


def train_xor(
    client: JuniperCascorClient, *, within: float = 60.0, **network: Any
) -> dict[str, Any]:
    """Create the quick start's XOR network, train it to the end; the final status ``data``.

    ``network`` adds ``create_network`` arguments (e.g. ``candidate_pool_size``).

    Raises:
        AssertionError: When training does not finish within ``within`` seconds.
    """
    client.create_network(input_size=2, output_size=2, learning_rate=0.01, **network)
    client.start_training(**inline_start(XOR_X, XOR_ONE_HOT, XOR_EPOCHS))
    return finished_status(client, within=within)
