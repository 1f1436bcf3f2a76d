"""``juniper-cascor plot boundary FILE.png``: draw the network's decision boundary."""

from __future__ import annotations

import argparse

from juniper_cascor_client._extras import require
from juniper_cascor_client.cli.commands._base import SubParsers, add_command, add_group
from juniper_cascor_client.cli.context import Context
from juniper_cascor_client.cli.options import SharedOptions
from juniper_cascor_client.cli.plotting import save_boundary_plot
from juniper_cascor_client.cli.remote import fetch_boundary, fetch_training_points

__all__ = ["BOUNDARY_RESOLUTION", "register", "resolution"]

BOUNDARY_RESOLUTION = (5, 200)
"""The resolutions the service accepts."""


def resolution(text: str) -> int:
    """An argparse type: a grid resolution within :data:`BOUNDARY_RESOLUTION`."""
    low, high = BOUNDARY_RESOLUTION
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"must be between {low} and {high}, not {value}")
    return value


def register(commands: SubParsers, shared: SharedOptions) -> None:
    """Add ``plot`` and its kinds."""
    kinds = add_group(
        commands, shared, "plot", help="draw PNG plots of the network", metavar="PLOT"
    )
    boundary = add_command(
        kinds,
        shared,
        "boundary",
        help="the decision boundary with the training points (two-input networks)",
        handler=run_boundary,
    )
    boundary.add_argument("file", metavar="FILE.png", help="the PNG file to write")
    boundary.add_argument(
        "--resolution",
        type=resolution,
        default=100,
        metavar="N",
        help="grid points per axis, 5..200 (default: 100)",
    )


def run_boundary(args: argparse.Namespace, ctx: Context) -> int:
    """Fetch the boundary and the training points and write the PNG.

    JSON keys: ``file``, ``resolution``, ``points``.

    Raises:
        ImportError: When matplotlib (the ``[plot]`` extra) is missing.
        JuniperCascorClientError: When a request fails (e.g. 404 without a network, 400 when the
            network does not have two inputs).
        OSError: When the file cannot be written.
    """
    require("matplotlib", "plot")
    with ctx.client() as client:
        grid = fetch_boundary(client, args.resolution)
        points = fetch_training_points(client)
    save_boundary_plot(args.file, grid, points, title=f"Decision boundary at {ctx.display_url}")
    document = {"file": args.file, "resolution": args.resolution, "points": len(points or ())}
    ctx.out.fields("plot written", document)
    return 0
