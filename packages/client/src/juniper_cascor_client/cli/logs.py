"""``-v/--verbose``: the stack's log records on standard error.

Without ``-v`` logging is left alone: the libraries log to no handler, so nothing extra is
printed. ``-v`` shows the ``juniper_cascor_*`` loggers' INFO records (stream connections,
retries), ``-vv`` their DEBUG records too (every REST request with its status and time);
other libraries' records show from WARNING up. API keys are never logged.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

__all__ = ["LOG_FORMAT", "OUR_LOGGERS", "configure_logging"]

OUR_LOGGERS = "juniper_cascor"
"""The prefix of the stack's top-level logger names (``juniper_cascor_client_rest``...)."""
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_LEVELS = (logging.WARNING, logging.INFO, logging.DEBUG)


class _VerbosityFilter(logging.Filter):
    """Passes the stack's records from ``level`` up and other records from WARNING up."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        ours = record.name.startswith(OUR_LOGGERS)
        return record.levelno >= (self.level if ours else logging.WARNING)


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to ``sys.stderr`` as it is when a record is emitted, so the live training
    display, which redirects it while drawing, prints the lines above itself."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    def emit(self, record: logging.LogRecord) -> None:
        self.setStream(sys.stderr)
        super().emit(record)


def configure_logging(verbosity: int) -> None:
    """Log the stack's records on stderr from INFO (``verbosity`` 1) or DEBUG (2 or more);
    do nothing for 0."""
    if verbosity < 1:
        return
    level = _LEVELS[min(verbosity, len(_LEVELS) - 1)]
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(_VerbosityFilter(level))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
