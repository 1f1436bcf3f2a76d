"""Facts about the host a worker reports: its capabilities at registration, its memory in
heartbeats."""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path
from typing import Any

import numpy as np

from juniper_cascor_numpy_worker._version import __version__
from juniper_cascor_protocol.worker import WorkerCapabilities

__all__ = ["DISTRIBUTION", "capabilities", "rss_mb"]

DISTRIBUTION = "juniper-cascor-numpy-worker"
"""This worker's distribution name, reported in its capabilities."""
_STATM = Path("/proc/self/statm")
_MIB = 1024 * 1024


def capabilities() -> dict[str, Any]:
    """The ``register`` capabilities: the keys the torch worker sends, and this worker's name.

    ``gpu`` is false and ``torch_version`` and ``gpu_name`` are null: this worker trains on
    the CPU with numpy.
    """
    facts = WorkerCapabilities(
        cpu_cores=os.cpu_count() or 1,
        gpu=False,
        python_version=platform.python_version(),
        os=platform.system(),
        numpy_version=np.__version__,
    ).to_dict()
    facts.update(worker=DISTRIBUTION, worker_version=__version__)
    return facts


def rss_mb() -> float | None:
    """The process's resident memory in MiB, or ``None`` where it cannot be read.

    Linux reads the current figure from ``/proc/self/statm``; other POSIX systems report the
    peak (``ru_maxrss``); Windows reports nothing.
    """
    try:
        resident_pages = int(_STATM.read_text().split()[1])
        return resident_pages * os.sysconf("SC_PAGE_SIZE") / _MIB
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / _MIB if sys.platform == "darwin" else peak / 1024
