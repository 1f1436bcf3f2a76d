"""The sub-commands of ``juniper-cascor``, one module per command group.

Each module has ``register(commands, shared)``, which adds its parsers (``shared`` holds the
shared options, see :mod:`~juniper_cascor_client.cli.options`) and sets ``handler`` on them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from juniper_cascor_client.cli.options import SharedOptions

__all__ = ["REGISTRARS"]

REGISTRARS: tuple[Callable[[SubParsers, SharedOptions], None], ...] = (
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
