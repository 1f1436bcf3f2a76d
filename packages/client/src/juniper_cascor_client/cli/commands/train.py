"""``juniper-cascor train --data FILE``: train the service's network on a local data file."""

from __future__ import annotations

import argparse
import asyncio
from functools import partial
from typing import Any

from rich.console import Console

from juniper_cascor_client.cli.commands._base import (
    SubParsers,
    add_command,
    object_of,
    positive_float,
    positive_int,
)
from juniper_cascor_client.cli.commands.watch import render_run, watch_run
from juniper_cascor_client.cli.context import Context
from juniper_cascor_client.cli.data import TrainingData, load_training_data
from juniper_cascor_client.cli.follow import RunRecord
from juniper_cascor_client.cli.options import SharedOptions
from juniper_cascor_client.cli.output import fields_table
from juniper_cascor_client_core.exceptions import (
    JuniperCascorNotFoundError,
    JuniperCascorValidationError,
)
from juniper_cascor_client_rest import JuniperCascorClient

__all__ = ["register"]

INLINE_DATASET = {"source": "inline"}


def register(commands: SubParsers, shared: SharedOptions) -> None:
    """Add ``train``."""
    parser = add_command(
        commands,
        shared,
        "train",
        help="train the network on a .npz, .csv or .json data file",
        description=(
            "Load the data file, create a network sized from it unless one of that size "
            "exists (--recreate replaces it), and start training with the data inline. "
            ".npz: arrays inputs/targets (or x/y). .csv: numeric rows, the last --targets "
            "columns are targets, an optional header row. .json: "
            '{"inputs": [[...]], "targets": [[...]]} (or x/y).'
        ),
        handler=run_train,
    )
    parser.add_argument("--data", required=True, metavar="FILE", help="the training data file")
    parser.add_argument(
        "--targets",
        type=positive_int,
        default=1,
        metavar="N",
        help="CSV only: the number of trailing target columns (default: 1)",
    )
    parser.add_argument(
        "--epochs",
        type=positive_int,
        metavar="N",
        help="epochs of the first output-training pass (the network then grows as usual)",
    )
    parser.add_argument(
        "--recreate", action="store_true", help="replace an existing network with a new one"
    )
    parser.add_argument("--watch", action="store_true", help="follow the run until it finishes")
    network = parser.add_argument_group("network parameters (used when a network is created)")
    network.add_argument("--learning-rate", type=positive_float, metavar="X")
    network.add_argument("--max-hidden-units", type=positive_int, metavar="N")
    network.add_argument("--candidate-pool-size", type=positive_int, metavar="N")


def run_train(args: argparse.Namespace, ctx: Context) -> int:
    """Ensure a network fits the data, start training and optionally follow it.

    JSON keys: ``network``, ``created``, ``samples``, ``training`` and, with ``--watch``,
    ``run``.

    Raises:
        JuniperCascorValidationError: When the data file is unusable or the existing network
            does not fit the data (without ``--recreate``).
        JuniperCascorClientError: When a request fails.
    """
    data = load_training_data(args.data, target_columns=args.targets)
    with ctx.client() as client:
        network, created = _ensure_network(client, data, args)
        start = partial(
            client.start_training,
            epochs=args.epochs,
            dataset=INLINE_DATASET,
            inline_data=data.inline_data(),
        )
        document: dict[str, Any] = {"network": network, "created": created, "samples": len(data)}
        ctx.out.note(
            f"{'created' if created else 'using'} network {network.get('uuid', '')} "
            f"({data.input_size} inputs, {data.output_size} outputs); "
            f"training on {len(data)} samples from {args.data}"
        )
        record = RunRecord()
        if args.watch:

            async def begin() -> None:
                document["training"] = object_of(await asyncio.to_thread(start), "training answer")

            watch_run(ctx, record, title="training", begin=begin)
            document["run"] = record.summary()
        else:
            document["training"] = object_of(start(), "training answer")

    def render(console: Console) -> None:
        if args.watch:
            render_run(console, record, title="run summary")
        else:
            console.print(fields_table("training", document["training"]))

    ctx.out.emit(document, render)
    return 0


def _ensure_network(
    client: JuniperCascorClient, data: TrainingData, args: argparse.Namespace
) -> tuple[dict[str, Any], bool]:
    """The service's network if it fits the data, else a new one; and whether it is new."""
    if not args.recreate:
        try:
            network = object_of(client.get_network(), "network")
        except JuniperCascorNotFoundError:
            pass
        else:
            sizes = (network.get("input_size"), network.get("output_size"))
            if sizes == (data.input_size, data.output_size):
                return network, False
            raise JuniperCascorValidationError(
                f"the network has {sizes[0]} inputs and {sizes[1]} outputs but the data has "
                f"{data.input_size} and {data.output_size}; pass --recreate to replace it"
            )
    created = client.create_network(
        input_size=data.input_size,
        output_size=data.output_size,
        learning_rate=args.learning_rate,
        max_hidden_units=args.max_hidden_units,
        candidate_pool_size=args.candidate_pool_size,
    )
    return object_of(created, "new network"), True
