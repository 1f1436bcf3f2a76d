"""``juniper-cascor demo``: train XOR or the two spirals on an embedded fake server.

The demo starts the fake server in this process on a free loopback port, creates a network,
subscribes to ``/ws/training`` and starts training on the problem's points, showing each epoch
live. It ends when the run converges or after ``--time-limit`` seconds (then it stops the run and
waits until it has stopped), prints a summary and, with ``--plot``, writes the loss curve and the
decision boundary (fetched from the trained network) as one PNG. It takes no connection options.
With ``--workers N`` it also connects N numpy workers to the server before training, which train
candidates remotely, and reports how many of their results the server accepted and rejected.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
from typing import TYPE_CHECKING, Any

from rich.console import Console

from juniper_cascor_client._extras import require
from juniper_cascor_client.cli.commands._base import (
    SubParsers,
    add_command,
    data_of,
    positive_float,
)
from juniper_cascor_client.cli.commands.serve import start_fake_server
from juniper_cascor_client.cli.commands.train import INLINE_DATASET
from juniper_cascor_client.cli.commands.watch import render_run, wait_for_end, watch_run
from juniper_cascor_client.cli.context import Context
from juniper_cascor_client.cli.data import TrainingData
from juniper_cascor_client.cli.follow import RunRecord
from juniper_cascor_client.cli.options import SharedOptions
from juniper_cascor_client.cli.plotting import LossCurve, save_training_plot
from juniper_cascor_client.cli.remote import fetch_boundary
from juniper_cascor_client_core.exceptions import JuniperCascorConflictError
from juniper_cascor_client_rest import JuniperCascorClient

if TYPE_CHECKING:
    from juniper_cascor_fake_server import WorkerThread

__all__ = ["PROBLEMS", "register"]


@dataclasses.dataclass(frozen=True)
class Problem:
    """A demo problem: the fake server's data set, its pacing and its plot title."""

    dataset: str
    title: str
    epoch_delay: float


PROBLEMS = {
    # XOR converges in a few dozen epochs: paced so the progress stays visible.
    "xor": Problem("xor", "XOR", 0.03),
    # The two spirals need ~1,700 epochs and a dozen hidden units: paced lightly.
    "spiral": Problem("two_spiral", "Two spirals", 0.002),
}
_TIME_LIMIT = 40.0
_RESOLUTION = 100
_RESUME_WINDOW = 0.05
_MAX_WORKERS = 8
_WORKER_HEARTBEAT = 0.1  # an idle worker is handed queued candidates on its heartbeats


def register(commands: SubParsers, shared: SharedOptions) -> None:
    """Add ``demo``."""
    parser = add_command(
        commands,
        shared,
        "demo",
        help="train XOR (or the two spirals) on an embedded fake server, live",
        description=(
            "Start a fake juniper-cascor server in this process on a free loopback port, "
            "create a network and train it on the problem's points, showing each epoch live. "
            "Ends when the run converges or after --time-limit seconds (the run is then "
            "stopped), prints a summary and, with --plot, writes the loss curve and the "
            "decision boundary as one PNG. With --workers N, N numpy workers connected "
            "before training train candidates remotely."
        ),
        handler=run_demo,
        remote=False,
    )
    parser.add_argument(
        "--problem", choices=sorted(PROBLEMS), default="xor", help="what to learn (xor)"
    )
    parser.add_argument(
        "--plot", metavar="FILE.png", help="write the loss curve and decision boundary here"
    )
    parser.add_argument(
        "--time-limit",
        type=positive_float,
        default=_TIME_LIMIT,
        metavar="S",
        help=f"stop training after S seconds if it has not converged ({_TIME_LIMIT:g})",
    )
    parser.add_argument(
        "--epoch-delay",
        type=float,
        metavar="S",
        help="seconds per output epoch on the fake server (default: per problem)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        choices=range(_MAX_WORKERS + 1),
        default=0,
        metavar="N",
        help=f"connect N numpy workers (0-{_MAX_WORKERS}) that train candidates remotely (0)",
    )


def run_demo(args: argparse.Namespace, ctx: Context) -> int:
    """Run the demo (JSON keys: problem, server, network, run, stopped_at_time_limit, plot,
    workers).

    Raises:
        ImportError: When the fake server's dependencies (the ``[cli]`` extra) are missing, or
            with ``--plot`` when matplotlib (the ``[plot]`` extra) is.
        JuniperCascorClientError: When talking to the embedded server fails.
        OSError: When the server cannot start or the PNG cannot be written.
        RuntimeError: When a worker does not register with the embedded server.
    """
    learner = require("juniper_cascor_fake_server.learner", "cli")  # only for the demo
    if args.plot:
        require("matplotlib", "plot")
    problem = PROBLEMS[args.problem]
    dataset = learner.dataset_by_name(problem.dataset)
    data = TrainingData.from_arrays(dataset.x, dataset.y)
    delay = problem.epoch_delay if args.epoch_delay is None else args.epoch_delay
    record = RunRecord()
    # A fresh subscription never resumes: no need to wait out the 5 s resume window.
    # The demo's own clients send no Origin: the control allowlist is turned off explicitly.
    server = start_fake_server(
        epoch_delay=max(delay, 0.0), resume_window=_RESUME_WINDOW, allowed_origins=()
    )
    server_url = server.http_url
    workers: list[WorkerThread] = []
    try:
        local = dataclasses.replace(ctx, url=server_url, api_key="")
        with contextlib.ExitStack() as stack, local.client() as client:
            workers = _start_workers(stack, server.ws_url, args.workers)
            network = data_of(
                client.create_network(input_size=data.input_size, output_size=data.output_size)
            )
            stopped = _train(local, client, data, record, args.time_limit)
            stack.close()  # the workers stop once training has ended
            if args.plot:
                _plot(args.plot, client, data, record, problem)
    finally:
        server.stop()
    results = {
        "count": len(workers),
        "accepted": sum(thread.worker.accepted for thread in workers),
        "rejected": sum(thread.worker.rejected for thread in workers),
    }
    document: dict[str, Any] = {
        "problem": args.problem,
        "server": server_url,
        "network": network,
        "run": record.summary(),
        "stopped_at_time_limit": stopped,
        "plot": args.plot,
        "workers": results,
    }

    def render(console: Console) -> None:
        render_run(console, record, title=f"{problem.title} demo")
        if stopped:
            console.print(f"stopped after the {args.time_limit:g} s time limit")
        if workers:
            console.print(
                f"{results['count']} worker(s): {results['accepted']} result(s) accepted, "
                f"{results['rejected']} rejected"
            )
        if args.plot:
            console.print(f"wrote {args.plot}")

    ctx.out.emit(document, render)
    return 0


def _start_workers(stack: contextlib.ExitStack, ws_url: str, count: int) -> list[WorkerThread]:
    """Connect ``count`` numpy workers to ``ws_url``, each stopped when ``stack`` closes.

    Raises:
        RuntimeError: When a worker does not register (those already started are stopped
            when ``stack`` closes).
    """
    worker_thread = require("juniper_cascor_fake_server", "cli").WorkerThread
    return [
        stack.enter_context(
            worker_thread(ws_url, name=f"demo-worker-{index}", heartbeat_interval=_WORKER_HEARTBEAT)
        )
        for index in range(1, count + 1)
    ]


def _train(
    ctx: Context,
    client: JuniperCascorClient,
    data: TrainingData,
    record: RunRecord,
    time_limit: float,
) -> bool:
    """Start training once subscribed and follow it; at the time limit, stop it and wait
    until it has stopped. Returns whether it was stopped."""

    async def begin() -> None:
        await asyncio.to_thread(
            client.start_training, dataset=INLINE_DATASET, inline_data=data.inline_data()
        )

    watch_run(ctx, record, title="training", duration=time_limit, begin=begin)
    if record.finished:
        return False
    with contextlib.suppress(JuniperCascorConflictError):  # it finished meanwhile
        client.stop_training()
    wait_for_end(ctx, client, record)
    return True


def _plot(
    path: str,
    client: JuniperCascorClient,
    data: TrainingData,
    record: RunRecord,
    problem: Problem,
) -> None:
    summary = record.summary()
    curve = LossCurve(record.epochs, record.losses, record.unit_epochs)
    title = (
        f"{problem.title}: {summary['hidden_units']} hidden unit(s), {summary['epochs']} epochs, "
        f"accuracy {summary['final_accuracy']:.1%}"
        if summary["final_accuracy"] is not None
        else problem.title
    )
    save_training_plot(path, curve, fetch_boundary(client, _RESOLUTION), data, title=title)
