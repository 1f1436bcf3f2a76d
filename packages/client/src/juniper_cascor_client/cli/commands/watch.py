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
    object_of,
    positive_float,
    positive_int,
)
from juniper_cascor_client.cli.context import Context
from juniper_cascor_client.cli.follow import (
    TERMINAL_STATES,
    RunRecord,
    follow_training,
    same_state,
    state_label,
)
from juniper_cascor_client.cli.output import fields_table, format_percent
from juniper_cascor_client.cli.progress import LiveRunView, QuietRunView

__all__ = ["register", "render_run", "watch_run"]

_SUMMARY_LABELS = (
    ("status", "status"),
    ("completion_reason", "completion"),
    ("epochs", "epochs"),
    ("final_loss", "final loss"),
    ("final_accuracy", "final accuracy"),
    ("hidden_units", "hidden units"),
    ("metrics_received", "metrics frames"),
)


def register(commands: SubParsers, common: argparse.ArgumentParser) -> None:
    """Add ``watch``."""
    parser = add_command(
        commands,
        common,
        "watch",
        help="follow training live (progress bar and metrics table) until it finishes",
        description=(
            "Subscribe to /ws/training and show each epoch as it arrives. Stops when a run "
            "seen running finishes, after --count metrics frames, after --duration seconds, "
            "or on Ctrl-C (which prints the summary and exits 0)."
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

    A finished run's outcome is then read from the training status: its ``completion_reason``
    and, when terminal, the state machine's status, which is what the run ended as (the
    ``state`` frames are not: a 0.12 server follows a run's ``Completed`` frame with a
    ``Failed`` one while its state machine stays ``COMPLETED``).

    Raises:
        JuniperCascorClientError: As :func:`~juniper_cascor_client.cli.follow.follow_training`.
    """
    view = QuietRunView() if ctx.out.json_mode else LiveRunView(ctx.out.console, title=title)
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
            _read_outcome(ctx, record)
            if record.status is not None:
                view.state({"status": state_label(record.status)})
    return record


def _read_outcome(ctx: Context, record: RunRecord) -> None:
    with ctx.client() as client:
        status = object_of(client.get_training_status(), "training status")
    record.completion_reason = status.get("completion_reason")
    machine = status.get("state_machine")
    final = machine.get("status") if isinstance(machine, dict) else None
    if same_state(final, TERMINAL_STATES):
        record.status = final


def render_run(console: Console, record: RunRecord, *, title: str) -> None:
    """Print the run summary as a table."""
    summary = record.summary()
    fields: dict[str, Any] = {label: summary[key] for key, label in _SUMMARY_LABELS}
    fields["final accuracy"] = format_percent(summary["final_accuracy"])
    fields["wall time"] = f"{record.elapsed:.1f} s"
    console.print(fields_table(title, fields))
