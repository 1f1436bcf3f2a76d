"""The live training display: a progress bar over a table of the latest epochs.

:class:`LiveRunView` draws with rich; :class:`QuietRunView` shows nothing (``--json``). Both
implement :class:`~juniper_cascor_client.cli.follow.RunView`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from juniper_cascor_client.cli.follow import is_step, state_label
from juniper_cascor_client.cli.output import format_percent, format_value

__all__ = ["TABLE_ROWS", "LiveRunView", "QuietRunView"]

TABLE_ROWS = 8
"""The latest epochs the live table shows."""
_COLUMNS = (
    ("epoch", "epoch"),
    ("phase", "phase"),
    ("loss", "loss"),
    ("accuracy", "accuracy"),
    ("validation_loss", "val loss"),
    ("validation_accuracy", "val accuracy"),
    ("hidden_units", "hidden units"),
)


class QuietRunView:
    """Shows nothing; used with ``--json``."""

    def showing(self) -> AbstractContextManager[None]:
        """The span during which the view may be on screen (for this one, nothing)."""
        return nullcontext()

    def opened(self) -> None:
        """Nothing to draw."""

    def metrics(self, data: Mapping[str, Any]) -> None:
        """Ignore the metrics."""

    def unit_added(self, data: Mapping[str, Any]) -> None:
        """Ignore the new unit."""

    def state(self, data: Mapping[str, Any]) -> None:
        """Ignore the state."""


class LiveRunView(QuietRunView):
    """A progress bar (epoch, loss, accuracy, hidden units) and a table of the latest epochs.

    Args:
        console: Where to draw.
        title: Shown left of the bar until the first state frame replaces it.

    The bar pulses: a Cascade-Correlation run ends when it converges, not at a known epoch.
    """

    def __init__(self, console: Console, *, title: str) -> None:
        self.console = console
        self.rows: deque[Mapping[str, Any]] = deque(maxlen=TABLE_ROWS)
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("epoch {task.completed:>6.0f}"),
            TextColumn("{task.fields[scores]}"),
            TimeElapsedColumn(),
            console=console,
        )
        self.task = self.progress.add_task(title, total=None, scores="waiting for data")
        self.live = Live(console=console, refresh_per_second=8, get_renderable=self._render)

    @contextmanager
    def showing(self) -> Iterator[None]:
        """Draw live from :meth:`opened` until the block ends; the last frame stays on screen
        (nothing is drawn when the stream never opened)."""
        try:
            yield
        finally:
            if self.live.is_started:
                self.live.stop()
                if not self.console.is_terminal:  # the final frame was printed without a line end
                    self.console.line()

    def opened(self) -> None:
        """Start drawing (once)."""
        if not self.live.is_started:
            self.live.start()

    def metrics(self, data: Mapping[str, Any]) -> None:
        """Add the frame to the table; a training step also advances the bar to its epoch."""
        self.rows.append(data)
        if not is_step(data):
            return
        epoch = data.get("epoch")
        scores = (
            f"loss {format_value(data.get('loss'))}  "
            f"accuracy {format_percent(data.get('accuracy'))}  "
            f"hidden units {format_value(data.get('hidden_units'))}"
        )
        if isinstance(epoch, int):
            self.progress.update(self.task, completed=epoch, scores=scores)
        else:
            self.progress.update(self.task, scores=scores)

    def unit_added(self, data: Mapping[str, Any]) -> None:
        """Print a line for the new hidden unit above the live display (numbered from its
        ``hidden_unit_index``: a 0.12 server overstates ``total_hidden_units``)."""
        index = data.get("hidden_unit_index")
        number = format_value(index + 1 if isinstance(index, int) else None)
        correlation = format_value(data.get("correlation"))
        self.console.print(f"+ hidden unit {number} installed (correlation {correlation})")

    def state(self, data: Mapping[str, Any]) -> None:
        """Show the state and phase in the bar's description."""
        status, phase = data.get("status"), data.get("phase")
        if isinstance(status, str):
            label = state_label(status)
            if isinstance(phase, str):
                label = f"{label} / {state_label(phase)}"
            self.progress.update(self.task, description=label)

    def _render(self) -> Group:
        rows = tuple(self.rows)  # a snapshot: the refresh thread renders
        # Validation columns only when the server reports validation metrics.
        columns = [
            (key, header)
            for key, header in _COLUMNS
            if not key.startswith("validation_") or any(row.get(key) is not None for row in rows)
        ]
        table = Table(title="latest epochs", title_justify="left", expand=False)
        for _, header in columns:
            table.add_column(header, justify="right")
        for row in rows:
            table.add_row(*(_cell(row, key) for key, _ in columns))
        return Group(self.progress, table)


def _cell(row: Mapping[str, Any], key: str) -> str:
    value = row.get(key)
    return format_percent(value) if key.endswith("accuracy") else format_value(value)
