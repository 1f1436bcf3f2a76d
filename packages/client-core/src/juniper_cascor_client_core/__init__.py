"""Shared exceptions and configuration of the juniper-cascor clients (standard library only).

Both clients raise the classes of :mod:`juniper_cascor_client_core.exceptions`, resolve
their base URL and API key with the helpers here, read state names with
:mod:`juniper_cascor_client_core.states` and declare the data they return with the types of
:mod:`juniper_cascor_client_core.payloads`, so they behave alike.
"""

import logging

from juniper_cascor_client_core._version import __version__
from juniper_cascor_client_core.credentials import (
    API_KEY_ENV,
    API_KEY_HEADER,
    REDACTED,
    WS_ORIGIN_ENV,
    ApiKey,
    check_api_key,
    redact,
    redact_secrets,
    resolve_api_key,
)
from juniper_cascor_client_core.exceptions import (
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
from juniper_cascor_client_core.states import (
    FINAL_STATES,
    STATE_MACHINE_STATES,
    normalize_state,
)
from juniper_cascor_client_core.urls import (
    DEFAULT_BASE_URL,
    URL_ENV,
    http_base_url,
    normalize_base_url,
    redact_url,
    resolve_base_url,
    websocket_base_url,
)

# A library never prints on its own: without logging configured, its records go nowhere
# (not to the last-resort stderr handler).
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "API_KEY_ENV",
    "API_KEY_HEADER",
    "DEFAULT_BASE_URL",
    "FINAL_STATES",
    "REDACTED",
    "STATE_MACHINE_STATES",
    "URL_ENV",
    "WS_ORIGIN_ENV",
    "ApiKey",
    "JuniperCascorAuthenticationError",
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
    "__version__",
    "check_api_key",
    "http_base_url",
    "normalize_base_url",
    "normalize_state",
    "redact",
    "redact_secrets",
    "redact_url",
    "resolve_api_key",
    "resolve_base_url",
    "websocket_base_url",
]
