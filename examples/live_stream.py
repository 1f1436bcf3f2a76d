"""Follow ``/ws/training`` with a progress display while a network trains on XOR.

    uv run python examples/live_stream.py

The script creates a network, connects to the training stream and starts training once the
stream is live (its ``initial_metrics`` frame has arrived), so no epoch is missed. Each
``metrics`` frame redraws one progress line (one line per epoch when the output is not a
terminal); each hidden unit installed gets a line of its own. The service is
``$JUNIPER_CASCOR_URL``, else http://localhost:8200 (``uv run juniper-cascor serve-fake``).
"""

from __future__ import annotations

import asyncio
import sys

from juniper_cascor_client import CascorTrainingStream, JuniperCascorClient

XOR = {
    "train_x": [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]],
    "train_y": [[0.0], [1.0], [1.0], [0.0]],
}
BAR_WIDTH = 20


class Progress:
    """One line that shows the latest epoch, redrawn in place on a terminal."""

    def __init__(self) -> None:
        self.live = sys.stdout.isatty()
        self.drawn = False

    def show(self, epoch: int, loss: float, accuracy: float, hidden: int) -> None:
        filled = round(accuracy * BAR_WIDTH)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        line = f"epoch {epoch:4d}  loss {loss:.4f}  [{bar}] {accuracy:4.0%}  hidden {hidden}"
        if self.live:
            print("\r" + line, end="", flush=True)
        else:
            print(line)
        self.drawn = True

    def note(self, text: str) -> None:
        """Print ``text`` on a line of its own, below the progress line."""
        if self.live and self.drawn:
            print()
        print(text)
        self.drawn = False


async def main() -> None:
    progress = Progress()
    with JuniperCascorClient() as client:
        client.create_network(input_size=2, output_size=1, max_hidden_units=8)
        async with CascorTrainingStream() as stream:
            async for message in stream:
                kind = message["type"]
                if kind == "initial_metrics":  # the stream is live: start now
                    await asyncio.to_thread(
                        client.start_training, dataset={"source": "inline"}, inline_data=XOR
                    )
                elif kind == "metrics":
                    data = message["data"]
                    progress.show(
                        data["epoch"], data["loss"], data["accuracy"], data["hidden_units"]
                    )
                elif kind == "cascade_add":
                    unit = message["data"]["total_hidden_units"]
                    correlation = message["data"]["correlation"]
                    progress.note(f"hidden unit {unit} installed (correlation {correlation:.3f})")
                elif kind == "event" and message["data"]["event"] == "training_complete":
                    break
        status = client.get_training_status()["data"]
        progress.note(f"training complete: {status['completion_reason']}")


if __name__ == "__main__":
    asyncio.run(main())
