"""The juniper-cascor client stack in one import.

    >>> from juniper_cascor_client import JuniperCascorClient, CascorTrainingStream
    >>> from juniper_cascor_client import JuniperCascorClientError

``JuniperCascorClient`` is the synchronous REST client (from juniper-cascor-client-rest;
the types of its answers are in ``juniper_cascor_client.responses``);
``CascorTrainingStream`` and ``CascorControlStream`` are the async WebSocket streams, with
``iter_training`` and ``BlockingControlStream`` for synchronous code (from
juniper-cascor-client-streams). Every exception of the hierarchy drawn in
:mod:`juniper_cascor_client_core.exceptions` is importable from here and from
``juniper_cascor_client.exceptions``.

Optional parts: ``juniper_cascor_client.testing`` (the fake server and pytest fixtures, extra
``[testing]``), the ``juniper-cascor`` command (extra ``[cli]``), plots (extra ``[plot]``) and
Prometheus counters of unrecognised frames (extra ``[observability]``).
"""

import logging

from juniper_cascor_client._version import __version__
from juniper_cascor_client.exceptions import (
    JuniperCascorAuthenticationError,
    JuniperCascorClientError,
    JuniperCascorCommandError,
    JuniperCascorConfigurationError,
    JuniperCascorConflictError,
    JuniperCascorConnectionError,
    JuniperCascorNotFoundError,
    JuniperCascorOverloadError,
    JuniperCascorProtocolError,
    JuniperCascorRateLimitedError,
    JuniperCascorServiceUnavailableError,
    JuniperCascorStreamClosedError,
    JuniperCascorTimeoutError,
    JuniperCascorValidationError,
)
from juniper_cascor_client_rest import JuniperCascorClient, RetryPolicy
from juniper_cascor_client_streams import (
    BlockingControlStream,
    CascorControlStream,
    CascorTrainingStream,
    QueuePolicy,
    ReconnectPolicy,
    iter_training,
)

# A library never prints on its own: without logging configured, its records go nowhere
# (not to the last-resort stderr handler).
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "BlockingControlStream",
    "CascorControlStream",
    "CascorTrainingStream",
    "JuniperCascorAuthenticationError",
    "JuniperCascorClient",
    "JuniperCascorClientError",
    "JuniperCascorCommandError",
    "JuniperCascorConfigurationError",
    "JuniperCascorConflictError",
    "JuniperCascorConnectionError",
    "JuniperCascorNotFoundError",
    "JuniperCascorOverloadError",
    "JuniperCascorProtocolError",
    "JuniperCascorRateLimitedError",
    "JuniperCascorServiceUnavailableError",
    "JuniperCascorStreamClosedError",
    "JuniperCascorTimeoutError",
    "JuniperCascorValidationError",
    "QueuePolicy",
    "ReconnectPolicy",
    "RetryPolicy",
    "__version__",
    "iter_training",
]
