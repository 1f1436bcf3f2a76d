"""Synchronous REST client for the juniper-cascor training service.

    >>> from juniper_cascor_client_rest import JuniperCascorClient
    >>> with JuniperCascorClient("http://localhost:8200") as client:  # doctest: +SKIP
    ...     client.get_training_status()["data"]["training_active"]

The exceptions are those of :mod:`juniper_cascor_client_core`, re-exported here;
``SharedSession`` is the type of ``client.session``.
"""

import logging

from juniper_cascor_client_core.exceptions import (
    JuniperCascorAuthenticationError,
    JuniperCascorClientError,
    JuniperCascorConfigurationError,
    JuniperCascorConflictError,
    JuniperCascorConnectionError,
    JuniperCascorNotFoundError,
    JuniperCascorProtocolError,
    JuniperCascorRateLimitedError,
    JuniperCascorServiceUnavailableError,
    JuniperCascorTimeoutError,
    JuniperCascorValidationError,
)
from juniper_cascor_client_rest._version import __version__
from juniper_cascor_client_rest.client import JuniperCascorClient
from juniper_cascor_client_rest.retry import RetryPolicy
from juniper_cascor_client_rest.sessions import SharedSession

# A library never prints on its own: without logging configured, its records go nowhere
# (not to the last-resort stderr handler).
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "JuniperCascorAuthenticationError",
    "JuniperCascorClient",
    "JuniperCascorClientError",
    "JuniperCascorConfigurationError",
    "JuniperCascorConflictError",
    "JuniperCascorConnectionError",
    "JuniperCascorNotFoundError",
    "JuniperCascorProtocolError",
    "JuniperCascorRateLimitedError",
    "JuniperCascorServiceUnavailableError",
    "JuniperCascorTimeoutError",
    "JuniperCascorValidationError",
    "RetryPolicy",
    "SharedSession",
    "__version__",
]
