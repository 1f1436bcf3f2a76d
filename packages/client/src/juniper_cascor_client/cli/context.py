"""What every command gets: the resolved service URL, credentials, timeout and output."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass

from juniper_cascor_client.cli.output import Output
from juniper_cascor_client_core import WS_ORIGIN_ENV
from juniper_cascor_client_core.urls import (
    http_base_url,
    redact_url,
    resolve_base_url,
    websocket_base_url,
)
from juniper_cascor_client_rest import JuniperCascorClient

__all__ = ["CLI_RETRIES", "Context"]

CLI_RETRIES = 1
"""Retries of a failed REST request made by the command line (the library default is 3)."""


@dataclass(frozen=True)
class Context:
    """The global options of one invocation, resolved.

    ``api_key`` is ``None`` when neither ``--api-key`` nor the environment gave one; the clients
    then read ``JUNIPER_CASCOR_API_KEY`` themselves. The key is never printed.
    """

    url: str
    api_key: str | None
    timeout: float
    out: Output

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Context:
        """Resolve the global options (``--url`` falls back to ``$JUNIPER_CASCOR_URL``).

        A ``ws://``/``wss://`` URL is accepted for the same service (``http``/``https``). A given
        ``--origin`` is exported as ``$JUNIPER_CASCOR_WS_ORIGIN``, where every stream the
        invocation opens reads its ``Origin`` header (without it, the variable as set applies).

        Raises:
            JuniperCascorConfigurationError: When the URL is malformed.
        """
        url = resolve_base_url(args.url or None)
        if args.origin is not None:
            os.environ[WS_ORIGIN_ENV] = args.origin
        return cls(
            url=http_base_url(url),
            api_key=args.api_key,
            timeout=args.timeout,
            out=Output(json_mode=args.json),
        )

    @property
    def display_url(self) -> str:
        """The service URL as printed: credentials in it are shown as ``***``."""
        return redact_url(self.url)

    @property
    def ws_url(self) -> str:
        """The WebSocket origin of the service (``ws://`` or ``wss://``)."""
        return websocket_base_url(self.url)

    def client(self) -> JuniperCascorClient:
        """A REST client for the service (use it as a context manager).

        It retries a failed request once (``CLI_RETRIES``) rather than the library's three
        times: a person waiting at a prompt is better served by a prompt exit code 3 than by
        seconds of backoff against a server that is not there.

        Raises:
            JuniperCascorConfigurationError: When the API key cannot be sent in a header.
        """
        return JuniperCascorClient(
            self.url, timeout=self.timeout, retries=CLI_RETRIES, api_key=self.api_key
        )
