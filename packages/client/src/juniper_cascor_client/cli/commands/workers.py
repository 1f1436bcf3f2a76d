"""``juniper-cascor workers list|stats``: the service's remote candidate workers."""

from __future__ import annotations

import argparse

from rich.console import Console

from juniper_cascor_client.cli.commands._base import (
    SubParsers,
    add_command,
    add_group,
    object_of,
    records,
)
from juniper_cascor_client.cli.context import Context
from juniper_cascor_client.cli.options import SharedOptions
from juniper_cascor_client.cli.output import records_table

__all__ = ["register"]

_COLUMNS = (
    ("worker_id", "worker"),
    ("idle", "idle"),
    ("in_flight_tasks", "in flight"),
    ("tasks_completed", "completed"),
    ("tasks_failed", "failed"),
    ("health_score", "health"),
    ("rss_mb", "RSS MB"),
    ("last_heartbeat", "last heartbeat"),
)


def register(commands: SubParsers, shared: SharedOptions) -> None:
    """Add ``workers`` and its actions."""
    actions = add_group(commands, shared, "workers", help="list the workers or their stats")
    add_command(actions, shared, "list", help="list the connected workers", handler=run_list)
    add_command(actions, shared, "stats", help="show the worker pool's totals", handler=run_stats)


def run_list(args: argparse.Namespace, ctx: Context) -> int:
    """Print the workers (JSON: ``{"workers": [...], "count": n}``).

    Raises:
        JuniperCascorServiceUnavailableError: When the worker system is off.
        JuniperCascorClientError: When the request fails otherwise.
    """
    with ctx.client() as client:
        listing = object_of(client.list_workers(), "worker list")
    workers = records(listing.get("workers") or [], "worker list")

    def render(console: Console) -> None:
        console.print(records_table(f"{len(workers)} worker(s)", workers, _COLUMNS))

    ctx.out.emit({"workers": workers, "count": listing.get("count", len(workers))}, render)
    return 0


def run_stats(args: argparse.Namespace, ctx: Context) -> int:
    """Print the pool's totals (JSON: the stats object).

    Raises:
        JuniperCascorServiceUnavailableError: When the worker system is off.
        JuniperCascorClientError: When the request fails otherwise.
    """
    with ctx.client() as client:
        stats = object_of(client.get_worker_stats(), "worker stats")
    ctx.out.fields("worker pool", stats)
    return 0
