"""``juniper-cascor status``: health, network and training state of a service."""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console

from juniper_cascor_client.cli.commands._base import SubParsers, add_command, object_of
from juniper_cascor_client.cli.context import Context
from juniper_cascor_client.cli.options import SharedOptions
from juniper_cascor_client.cli.output import fields_table, format_percent
from juniper_cascor_client_core.exceptions import JuniperCascorNotFoundError

__all__ = ["register"]


def register(commands: SubParsers, shared: SharedOptions) -> None:
    """Add ``status``."""
    add_command(
        commands,
        shared,
        "status",
        help="show the service's health, network and training state",
        handler=run_status,
    )


def run_status(args: argparse.Namespace, ctx: Context) -> int:
    """Print health, network, metrics and training status.

    JSON keys: ``url``, ``health`` (the flat ``/v1/health`` answer), ``network`` and
    ``metrics`` (``null`` when the service has no network) and ``training``.

    Raises:
        JuniperCascorClientError: When a request fails.
    """
    with ctx.client() as client:
        health = client.health_check()
        training = object_of(client.get_training_status(), "training status")
        network: dict[str, Any] | None
        metrics: dict[str, Any] | None
        try:
            network = object_of(client.get_network(), "network")
            metrics = object_of(client.get_metrics(), "metrics")
        except JuniperCascorNotFoundError:
            network = metrics = None
    document = {
        "url": ctx.display_url,
        "health": health,
        "network": network,
        "metrics": metrics,
        "training": training,
    }

    def render(console: Console) -> None:
        console.print(fields_table("juniper-cascor status", _summary(document)))

    ctx.out.emit(document, render)
    return 0


def _summary(document: dict[str, Any]) -> dict[str, Any]:
    health, training = document["health"], document["training"]
    network, metrics = document["network"], document["metrics"] or {}
    machine = training.get("state_machine") or {}
    progress = training.get("training_state") or {}
    fields: dict[str, Any] = {
        "url": document["url"],
        "health": health.get("status"),
        "version": health.get("version"),
        "network": "none" if network is None else network.get("uuid") or "loaded",
    }
    if network is not None:
        fields["inputs / outputs"] = f"{network.get('input_size')} / {network.get('output_size')}"
        fields["hidden units"] = network.get("hidden_units")
    fields.update(
        {
            "training": machine.get("status"),
            "phase": machine.get("phase"),
            "active": training.get("training_active"),
            "epoch": progress.get("current_epoch"),
            "completion": training.get("completion_reason"),
            "loss": metrics.get("train_loss"),
            "accuracy": format_percent(metrics.get("train_accuracy")),
        }
    )
    return fields
