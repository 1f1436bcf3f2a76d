"""The ``juniper-cascor`` command line (install the ``[cli]`` extra; plots need ``[plot]``).

``main()`` is the console-script entry point. It checks the extra's libraries (rich, numpy)
before loading the commands, so a slim install fails with one line naming the extra instead
of a traceback. The parser lives in :mod:`~juniper_cascor_client.cli.app`, one module per
command group in :mod:`~juniper_cascor_client.cli.commands`.
"""

from __future__ import annotations

from collections.abc import Sequence

from juniper_cascor_client._extras import require
from juniper_cascor_client.cli.exit_codes import ExitCode, print_error

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``juniper-cascor`` with ``argv`` (default: the process arguments).

    Returns:
        The exit code (see :mod:`~juniper_cascor_client.cli.exit_codes`).
    """
    try:
        for module in ("rich", "numpy"):
            require(module, "cli")
    except ImportError as exc:
        print_error(str(exc))
        return int(ExitCode.MISSING_DEPENDENCY)
    from juniper_cascor_client.cli.app import run

    return run(argv)
