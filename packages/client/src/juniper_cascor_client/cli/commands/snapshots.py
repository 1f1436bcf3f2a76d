"""``juniper-cascor snapshots list|save|load``: network snapshots on the service."""

from __future__ import annotations

import argparse

from rich.console import Console

from juniper_cascor_client.cli.commands._base import (
    SubParsers,
    add_command,
    add_group,
    data_of,
    object_of,
    records,
)
from juniper_cascor_client.cli.context import Context
from juniper_cascor_client.cli.options import SharedOptions
from juniper_cascor_client.cli.output import records_table

__all__ = ["register"]

_COLUMNS = (
    ("id", "id"),
    ("size_bytes", "bytes"),
    ("modified", "modified"),
    ("path", "path"),
)


def register(commands: SubParsers, shared: SharedOptions) -> None:
    """Add ``snapshots`` and its actions."""
    actions = add_group(commands, shared, "snapshots", help="list, save or load snapshots")
    add_command(actions, shared, "list", help="list the saved snapshots", handler=run_list)
    save = add_command(actions, shared, "save", help="save the current network", handler=run_save)
    save.add_argument("--description", default="", help="a note stored with the snapshot")
    load = add_command(
        actions,
        shared,
        "load",
        help="restore the network from a snapshot, for inspection",
        handler=run_load,
    )
    load.add_argument("snapshot_id", metavar="ID", help="the snapshot's id")


def run_list(args: argparse.Namespace, ctx: Context) -> int:
    """Print the snapshots (JSON: ``{"snapshots": [...]}``).

    Raises:
        JuniperCascorClientError: When the request fails.
    """
    with ctx.client() as client:
        snapshots = records(data_of(client.list_snapshots()), "snapshot list")

    def render(console: Console) -> None:
        console.print(records_table(f"{len(snapshots)} snapshot(s)", snapshots, _COLUMNS))

    ctx.out.emit({"snapshots": snapshots}, render)
    return 0


def run_save(args: argparse.Namespace, ctx: Context) -> int:
    """Save a snapshot and print it (JSON: the snapshot object).

    Raises:
        JuniperCascorClientError: When the request fails (e.g. 404 without a network).
    """
    with ctx.client() as client:
        snapshot = object_of(client.save_snapshot(args.description), "saved snapshot")
    ctx.out.fields("saved snapshot", snapshot)
    return 0


def run_load(args: argparse.Namespace, ctx: Context) -> int:
    """Restore a snapshot for inspection (JSON: the server's answer: ``snapshot_id``,
    ``status``, ``fsm_state`` (``INVESTIGATING``: a start is refused until the snapshot is
    retrained or resumed), ``operation``, ``time_index`` and ``training_params``).

    Raises:
        JuniperCascorValidationError: When the id is malformed.
        JuniperCascorNotFoundError: When there is no such snapshot.
        JuniperCascorClientError: When the request fails otherwise.
    """
    with ctx.client() as client:
        answer = object_of(client.load_snapshot(args.snapshot_id), "restore answer")
    ctx.out.fields("restored snapshot", answer)
    return 0
