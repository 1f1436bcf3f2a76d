"""``juniper-cascor watch``: follow training live over ``/ws/training``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from rich.console import Console

from juniper_cascor_client.cli.commands._base import (
    SubParsers,
    add_command,
    data_of,
    object_of,
    positive_float,
    positive_int,
    records,
)
from juniper_cascor_client.cli.context import Context
from juniper_cascor_client.cli.follow import (
    RunRecord,
    RunView,
    follow_training,
    state_label,
)
from juniper_cascor_client.cli.options import SharedOptions
from juniper_cascor_client.cli.output import fields_table, format_percent
from juniper_cascor_client.cli.progress import TABLE_ROWS, LiveRunView, QuietRunView
from juniper_cascor_client_core.exceptions import JuniperCascorNotFoundError
from juniper_cascor_client_rest import JuniperCascorClient

__all__ = ["END_POLL_INTERVAL", "register", "render_run", "wait_for_end", "watch_run"]

END_POLL_INTERVAL = 0.1
"""Seconds between the status polls that wait for a finished run's final state."""

_SUMMARY_LABELS = (
    ("status", "status"),
    ("completion_reason", "completion"),
    ("epochs", "epochs"),
    ("final_loss", "final loss"),
    ("final_accuracy", "final accuracy"),
    ("hidden_units", "hidden units"),
    ("metrics_received", "metrics frames"),
)


def register(commands: SubParsers, shared: SharedOptions) -> None:
    """Add ``watch``."""
    parser = add_command(
        commands,
        shared,
        "watch",
        help="follow training live (progress bar and metrics table) until it finishes",
        description=(
            "Show the service's current training state and latest epochs, then subscribe to "
            "/ws/training and show each epoch as it arrives. Stops when a run seen running "
            "finishes, after --count metrics frames, after --duration seconds, or on Ctrl-C "
            "(which prints the summary and exits 0). A finished run sends nothing more: "
            "watching it shows its final state until a new run starts."
        ),
        handler=run_watch,
    )
    parser.add_argument(
        "--count", type=positive_int, metavar="N", help="stop after N live metrics frames"
    )
    parser.add_argument("--duration", type=positive_float, metavar="S", help="stop after S seconds")


def run_watch(args: argparse.Namespace, ctx: Context) -> int:
    """Follow the service's training and print the run summary.

    JSON keys: ``url``, ``run`` (the summary) and ``metrics`` (the newest metrics frames).

    Raises:
        JuniperCascorClientError: When the stream cannot be opened or closes early.
    """
    record = RunRecord()
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C ends watching normally
        watch_run(ctx, record, title="watching", count=args.count, duration=args.duration)
    document = {"url": ctx.display_url, "run": record.summary(), "metrics": list(record.recent)}

    def render(console: Console) -> None:
        render_run(console, record, title="run summary")

    ctx.out.emit(document, render)
    return 0


def watch_run(
    ctx: Context,
    record: RunRecord,
    *,
    title: str,
    count: int | None = None,
    duration: float | None = None,
    begin: Callable[[], Awaitable[object]] | None = None,
) -> RunRecord:
    """Follow a run with the live view (or quietly with ``--json``), blocking until it stops.

    Without ``begin`` (following whatever runs), the view and ``record`` start from the
    service's current state (:meth:`RunRecord.seed`), read over REST before the stream opens;
    with it, from nothing, as ``begin`` starts a new run. The live view draws once the stream
    is open, so a server that cannot be reached gets an error and no empty table.

    A finished run's outcome is then read from the training status once the state machine is
    in a final state (:func:`wait_for_end`): its ``completion_reason`` and the state machine's
    status, which is what the run ended as (the
    ``state`` frames are not: a 0.12 server follows a run's ``Completed`` frame with a
    ``Failed`` one while its state machine stays ``COMPLETED``).

    Raises:
        JuniperCascorClientError: As :func:`~juniper_cascor_client.cli.follow.follow_training`.
    """
    view = QuietRunView() if ctx.out.json_mode else LiveRunView(ctx.out.console, title=title)
    if begin is None:
        _seed(ctx, record, view)
    with view.showing():
        asyncio.run(
            follow_training(
                ctx.url,
                api_key=ctx.api_key,
                open_timeout=ctx.timeout,
                view=view,
                record=record,
                begin=begin,
                count=count,
                duration=duration,
            )
        )
        if record.finished:
            with ctx.client() as client:
                wait_for_end(ctx, client, record)
            if record.status is not None:
                view.state({"status": state_label(record.status)})
    return record


def _seed(ctx: Context, record: RunRecord, view: RunView) -> None:
    with ctx.client() as client:
        status = object_of(client.get_training_status(), "training status")
        try:
            history = records(
                data_of(client.get_metrics_history(count=TABLE_ROWS)), "metrics history"
            )
        except JuniperCascorNotFoundError:  # no network
            history = []
    record.seed(status, history, view)


def wait_for_end(ctx: Context, client: JuniperCascorClient, record: RunRecord) -> None:
    """Wait until the run has ended and record how: ``wait_for_training`` until the state
    machine is ``COMPLETED``, ``STOPPED`` or ``FAILED`` (for at most ``--timeout`` seconds),
    then that state and the ``completion_reason``.

    Raises:
        JuniperCascorTimeoutError: When the run has not ended by then.
        JuniperCascorClientError: When a request fails.
    """
    answer = client.wait_for_training(timeout=ctx.timeout, poll_interval=END_POLL_INTERVAL)
    status = object_of(answer, "training status")
    record.completion_reason = status.get("completion_reason")
    machine = status.get("state_machine")
    if isinstance(machine, dict) and isinstance(machine.get("status"), str):
        record.status = machine["status"]


def render_run(console: Console, record: RunRecord, *, title: str) -> None:
    """Print the run summary as a table."""
    summary = record.summary()
    fields: dict[str, Any] = {label: summary[key] for key, label in _SUMMARY_LABELS}
    fields["final accuracy"] = format_percent(summary["final_accuracy"])
    fields["wall time"] = f"{record.elapsed:.1f} s"
    console.print(fields_table(title, fields))
