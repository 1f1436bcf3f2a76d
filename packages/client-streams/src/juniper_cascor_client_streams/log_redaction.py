"""Keeping credentials out of the ``websockets`` handshake log lines.

At DEBUG, websockets logs every request header it sends (``> X-API-Key: ...``,
``> Authorization: Basic ...``) on the ``websockets.client`` logger. :class:`SecretsFilter`,
installed on that logger by :func:`install`, rewrites such records with the values masked
(:func:`~juniper_cascor_client_core.redact_secrets`); the lines are kept, only the secrets go.
"""

from __future__ import annotations

import logging

from juniper_cascor_client_core import redact_secrets

__all__ = ["HANDSHAKE_LOGGER", "SecretsFilter", "install"]

HANDSHAKE_LOGGER = "websockets.client"


class SecretsFilter(logging.Filter):
    """Mask credentials in a record's message and arguments; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite ``record`` in place when its formatted text holds a credential."""
        message = record.getMessage()
        masked = redact_secrets(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True


def install(name: str = HANDSHAKE_LOGGER) -> SecretsFilter:
    """Install one :class:`SecretsFilter` on the logger ``name`` (idempotent) and return it."""
    target = logging.getLogger(name)
    for existing in target.filters:
        if isinstance(existing, SecretsFilter):
            return existing
    installed = SecretsFilter()
    target.addFilter(installed)
    return installed
