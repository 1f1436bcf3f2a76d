"""The sub-commands of ``juniper-cascor``, one module per command group.

Each module has ``register(commands, common)``, which adds its parsers (``common`` carries the
global options) and sets ``handler`` on them.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from juniper_cascor_client.cli.commands import (
    control,
    demo,
    plot,
    serve,
    snapshots,
    status,
    train,
    watch,
    workers,
)
from juniper_cascor_client.cli.commands._base import SubParsers

__all__ = ["REGISTRARS"]

REGISTRARS: tuple[Callable[[SubParsers, argparse.ArgumentParser], None], ...] = (
    demo.register,
    status.register,
    watch.register,
    train.register,
    control.register,
    snapshots.register,
    workers.register,
    plot.register,
    serve.register,
)
