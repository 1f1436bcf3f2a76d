"""Train a network on a CSV file over REST, wait for the run to end, print how it went.

    uv run python examples/rest_quick_start.py                              # XOR
    uv run python examples/rest_quick_start.py examples/data/two_spirals.csv

The CSV holds numeric rows whose last column is the target, after an optional header row (the
format ``juniper-cascor train --data FILE`` reads). The service is ``$JUNIPER_CASCOR_URL``, else
http://localhost:8200 (``uv run juniper-cascor serve-fake`` starts a fake one there).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from juniper_cascor_client import JuniperCascorClient

XOR_CSV = Path(__file__).parent / "data" / "xor.csv"


def read_csv(path: Path) -> tuple[list[list[float]], list[list[float]]]:
    """The inputs and targets (last column) of a numeric CSV file with a header row."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.reader(handle) if row][1:]
    inputs = [[float(cell) for cell in row[:-1]] for row in rows]
    targets = [[float(row[-1])] for row in rows]
    return inputs, targets


def main(argv: list[str]) -> None:
    path = Path(argv[1]) if len(argv) > 1 else XOR_CSV
    inputs, targets = read_csv(path)
    print(f"{path.name}: {len(inputs)} samples, {len(inputs[0])} inputs")

    with JuniperCascorClient(timeout=10) as client:
        health = client.health_check()
        print(f"service {client.base_url}: juniper-cascor {health['version']}")

        network = client.create_network(
            input_size=len(inputs[0]), output_size=1, max_hidden_units=8
        )["data"]
        print(f"network {network['uuid']}: {network['input_size']} -> {network['output_size']}")

        client.start_training(
            dataset={"source": "inline"}, inline_data={"train_x": inputs, "train_y": targets}
        )
        status = client.wait_for_training(timeout=300)["data"]

        metrics = client.get_metrics()["data"]
        print(
            f"{status['state_machine']['status']} ({status['completion_reason']}) "
            f"after {metrics['epoch']} epochs: loss {metrics['train_loss']:.4f}, "
            f"accuracy {metrics['train_accuracy']:.0%}, {metrics['hidden_units']} hidden units"
        )


if __name__ == "__main__":
    main(sys.argv)
