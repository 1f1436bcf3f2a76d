"""``juniper-cascor status``: health, network and training state of a service."""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console

from juniper_cascor_client.cli.commands._base import (
    SubParsers,
    add_command,
    data_of,
    object_of,
)
from juniper_cascor_client.cli.context import Context
from juniper_cascor_client.cli.follow import metric
from juniper_cascor_client.cli.output import fields_table, format_percent
from juniper_cascor_client_core.exceptions import JuniperCascorNotFoundError

__all__ = ["register"]


def register(commands: SubParsers, common: argparse.ArgumentParser) -> None:
    """Add ``status``."""
    add_command(
        commands,
        common,
        "status",
        help="show the service's health, network and training state",
        handler=run_status,
    )


def run_status(args: argparse.Namespace, ctx: Context) -> int:
    """Print health, network and training status (JSON keys: url, health, network, training).

    ``network`` is ``null`` when the service has no network.

    Raises:
        JuniperCascorClientError: When a request fails.
    """
    with ctx.client() as client:
        health = data_of(client.health_check())
        training = object_of(client.get_training_status(), "training status")
        network: dict[str, Any] | None
        try:
            network = object_of(client.get_network(), "network")
        except JuniperCascorNotFoundError:
            network = None
    document = {"url": ctx.display_url, "health": health, "network": network, "training": training}

    def render(console: Console) -> None:
        console.print(fields_table("juniper-cascor status", _summary(document)))

    ctx.out.emit(document, render)
    return 0


def _summary(document: dict[str, Any]) -> dict[str, Any]:
    health, training = document["health"], document["training"]
    network = document["network"]
    machine = training.get("state_machine") or {}
    fields: dict[str, Any] = {
        "url": document["url"],
        "health": health.get("status") if isinstance(health, dict) else health,
        "version": health.get("version") if isinstance(health, dict) else None,
        "network": "none" if network is None else network.get("network_id", "loaded"),
    }
    if network is not None:
        fields["inputs / outputs"] = f"{network.get('input_size')} / {network.get('output_size')}"
        fields["hidden units"] = network.get("hidden_units")
    fields.update(
        {
            "training": machine.get("status", training.get("status")),
            "phase": machine.get("phase", training.get("phase")),
            "active": training.get("training_active"),
            "epoch": training.get("current_epoch"),
            "loss": metric(training, "train_loss"),
            "accuracy": format_percent(metric(training, "train_accuracy")),
        }
    )
    return fields
