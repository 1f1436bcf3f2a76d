"""Rendering command results: one JSON document with ``--json``, rich tables otherwise.

Every command hands :meth:`Output.emit` the JSON document it would print and a function that
renders the same result for people. With ``--json`` only the document is written (one line of
JSON on stdout, nothing else), so scripts can parse stdout as a whole.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table

__all__ = [
    "Output",
    "fields_table",
    "format_field",
    "format_percent",
    "format_value",
    "records_table",
]

Document = Mapping[str, Any]

_TIME_FIELDS = frozenset({"modified", "timestamp", "last_heartbeat", "server_start_time"})


class Output:
    """Where a command's result goes: JSON or rich rendering on stdout.

    Args:
        json_mode: Write one JSON document instead of human-readable output.
        stream: The stream to write to (standard output by default).
    """

    def __init__(self, *, json_mode: bool, stream: TextIO | None = None) -> None:
        self.json_mode = json_mode
        self.stream = sys.stdout if stream is None else stream
        self.console = Console(file=self.stream, highlight=False, soft_wrap=False)

    def emit(self, document: Document, render: Callable[[Console], None]) -> None:
        """Write ``document`` as JSON in JSON mode, else call ``render`` with the console."""
        if self.json_mode:
            self.stream.write(json.dumps(document, default=str) + "\n")
            self.stream.flush()
        else:
            render(self.console)

    def fields(self, title: str, document: Document) -> None:
        """Emit ``document``, rendered for people as a table of its fields."""
        self.emit(document, lambda console: console.print(fields_table(title, document)))

    def note(self, text: str) -> None:
        """Print a progress note for people; silent in JSON mode."""
        if not self.json_mode:
            self.console.print(text)


def format_field(name: str, value: Any) -> str:
    """Format a named value: epoch-second timestamps (``modified``, ``*_at``...) as local time."""
    if _is_time_field(name) and isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value).isoformat(sep=" ", timespec="seconds")
        except (OverflowError, OSError, ValueError):
            pass  # not a plausible timestamp: shown as the number it is
    return format_value(value)


def _is_time_field(name: str) -> bool:
    return name in _TIME_FIELDS or name.endswith("_at")


def format_value(value: Any) -> str:
    """Format a value for a table cell: 4 significant digits for floats, ``-`` for nothing."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, Mapping | list):
        return json.dumps(value, default=str)
    return str(value)


def format_percent(value: Any) -> str:
    """Format a fraction as a percentage (``0.975`` -> ``97.5%``), ``-`` for nothing."""
    return f"{value:.1%}" if isinstance(value, int | float) else format_value(value)


def fields_table(title: str, fields: Mapping[str, Any]) -> Table:
    """A two-column table of names and values."""
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column("field", style="bold")
    table.add_column("value")
    for name, value in fields.items():
        table.add_row(name, format_field(name, value))
    return table


def records_table(
    title: str, records: Iterable[Mapping[str, Any]], columns: Sequence[tuple[str, str]]
) -> Table:
    """A table with one row per record; ``columns`` pairs each record key with its header.

    The first column (an id, to be copied) is never shortened; the others fold when narrow.
    """
    rows = [[format_field(key, record.get(key)) for key, _ in columns] for record in records]
    table = Table(title=title, title_justify="left")
    for index, (_, header) in enumerate(columns):
        if index == 0:
            widest = max((len(row[0]) for row in rows), default=0)
            table.add_column(header, no_wrap=True, min_width=max(widest, len(header)))
        else:
            table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table
