"""``JuniperCascorClient``: the synchronous REST client of the juniper-cascor service."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from types import TracebackType
from typing import Any

from juniper_cascor_client_core import (
    DEFAULT_BASE_URL,
    JuniperCascorClientError,
    JuniperCascorConfigurationError,
    normalize_base_url,
    redact_url,
    resolve_api_key,
)
from juniper_cascor_client_rest._transport import (
    Timeout,
    Transport,
    positive,
    timeout_pair,
)
from juniper_cascor_client_rest.endpoints import CascorEndpoints
from juniper_cascor_client_rest.paths import check_method, check_path
from juniper_cascor_client_rest.retry import RetryPolicy

__all__ = ["JuniperCascorClient"]

logger = logging.getLogger("juniper_cascor_client_rest")


class JuniperCascorClient(CascorEndpoints):
    """Synchronous client of the juniper-cascor REST API (``{base_url}/v1``).

    Every endpoint has a method (listed in
    :class:`~juniper_cascor_client_rest.endpoints.CascorEndpoints`) and :meth:`request` reaches
    any other path. Each returns the parsed JSON envelope.

    Thread safety: one client may be shared by any number of threads (for instance through
    ``asyncio.to_thread``). Each thread sends through its own ``requests.Session``; all of them
    share one thread-safe urllib3 connection pool of up to ``pool_maxsize`` keep-alive
    connections. :meth:`close` may be called from any thread; calls that start afterwards raise.

    Timeouts and retries: ``timeout`` bounds each attempt (connect and each read); ``deadline``
    bounds the whole call, attempts, retries and waits included. By default the deadline is
    connect + read timeout (60 s for ``timeout=30``), so retrying never makes a call last longer
    than a single attempt could. ``GET`` and ``HEAD`` are retried on connection failures, read
    timeouts and HTTP 429/502/503/504, with full-jitter exponential backoff or the server's
    ``Retry-After`` (up to ``max_retry_after``; a longer one makes the call give up at once). A
    mutating call is retried only when its connection could not even be established, so it is
    never sent twice. See :mod:`juniper_cascor_client_rest.retry`.

    Args:
        base_url: Service URL; ``http://`` is assumed and a trailing ``/`` or ``/v1`` dropped.
        timeout: Seconds per attempt, one number or ``(connect, read)``.
        retries: Most retries after the first attempt (0 disables retrying).
        backoff_factor: Base of the exponential backoff, in seconds.
        api_key: Sent as ``X-API-Key``; ``None`` reads ``JUNIPER_CASCOR_API_KEY``, ``""`` sends
            none. It never appears in reprs, logs or exception messages.
        deadline: Total seconds a call may take; ``None`` derives it from ``timeout``.
        max_retry_after: Longest ``Retry-After`` (seconds) the client is willing to wait.
        pool_maxsize: Keep-alive connections kept open to the server.

    Raises:
        JuniperCascorConfigurationError: For a base URL without a host, a non-positive
            timeout or deadline, a negative ``retries`` or backoff.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        timeout: Timeout = 30,
        retries: int = 3,
        backoff_factor: float = 0.5,
        api_key: str | None = None,
        *,
        deadline: float | None = None,
        max_retry_after: float = 30.0,
        pool_maxsize: int = 32,
    ) -> None:
        self._base_url = normalize_base_url(base_url)
        self._api_key = resolve_api_key(api_key)
        if isinstance(pool_maxsize, bool) or not isinstance(pool_maxsize, int) or pool_maxsize < 1:
            raise JuniperCascorConfigurationError(
                f"pool_maxsize must be a positive int: {pool_maxsize!r}"
            )
        self._transport = Transport(
            self._base_url,
            api_key=self._api_key,
            timeout=timeout_pair(timeout),
            deadline=None if deadline is None else positive(deadline, "deadline"),
            policy=RetryPolicy(
                retries=retries, backoff_factor=backoff_factor, max_retry_after=max_retry_after
            ),
            pool_maxsize=pool_maxsize,
        )

    @property
    def base_url(self) -> str:
        """The normalised service URL, without ``/v1``."""
        return self._base_url

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._transport.closed

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        timeout: Timeout | None = None,
    ) -> dict[str, Any]:
        """Call any endpoint: ``method`` on ``{base_url}/v1{path}``.

        For endpoints without a named method, e.g.
        ``client.request("POST", "/training/dataset", json={...})`` or
        ``client.request("PATCH", "/network/weights", json={...})``. The retry policy and the
        deadline apply as for the named methods.

        Args:
            method: HTTP method, any case.
            path: Path under ``/v1`` starting with ``/``; ids inside it must already be
                percent-encoded. A query string is allowed.
            json: JSON body; ``None`` sends no body.
            params: Query parameters.
            timeout: Per-attempt timeout for this call instead of the client's. Unless the
                client has an explicit ``deadline``, the call's deadline follows it.

        Returns:
            The response body parsed as a JSON object; ``{}`` for an empty body (e.g. 204).

        Raises:
            JuniperCascorValidationError: HTTP 400/422, or a method or path rejected before
                sending.
            JuniperCascorAuthenticationError: HTTP 401/403.
            JuniperCascorNotFoundError: HTTP 404.
            JuniperCascorConflictError: HTTP 409.
            JuniperCascorRateLimitedError: HTTP 429 (``retry_after`` set when the server said).
            JuniperCascorServiceUnavailableError: HTTP 503.
            JuniperCascorConnectionError: The server could not be reached or dropped the link.
            JuniperCascorTimeoutError: An attempt timed out and no retry fitted the deadline.
            JuniperCascorProtocolError: A 2xx body that is not a JSON object.
            JuniperCascorClientError: Any other non-2xx (``HTTP <status>: <message>``), or the
                client is closed.
        """
        return self._transport.call(
            check_method(method),
            check_path(path),
            json=json,
            params=params,
            timeout=None if timeout is None else timeout_pair(timeout),
        )

    # -- compatibility aliases (kept for callers written against earlier clients) -----------

    def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        """Alias of :meth:`request`; ``kwargs`` may be ``json``, ``params``, ``timeout``.

        Raises:
            JuniperCascorClientError: As :meth:`request`.
        """
        return self.request(method, path, **kwargs)

    def _get(self, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Alias of ``request("GET", path, params=params)``.

        Raises:
            JuniperCascorClientError: As :meth:`request`.
        """
        return self.request("GET", path, params=params)

    def _post(self, path: str, json: Any = None) -> dict[str, Any]:
        """Alias of ``request("POST", path, json=json)``.

        Raises:
            JuniperCascorClientError: As :meth:`request`.
        """
        return self.request("POST", path, json=json)

    def _patch(self, path: str, json: Any = None) -> dict[str, Any]:
        """Alias of ``request("PATCH", path, json=json)``.

        Raises:
            JuniperCascorClientError: As :meth:`request`.
        """
        return self.request("PATCH", path, json=json)

    def _delete(self, path: str) -> dict[str, Any]:
        """Alias of ``request("DELETE", path)``.

        Raises:
            JuniperCascorClientError: As :meth:`request`.
        """
        return self.request("DELETE", path)

    # -- probes -----------------------------------------------------------------------------

    def is_alive(self) -> bool:
        """``GET /health/live`` once (no retries): ``True`` on a 2xx answer.

        Returns:
            ``False`` on any HTTP, connection or timeout error.

        Raises:
            JuniperCascorClientError: Only when the client is closed.
        """
        self._transport.ensure_open()
        try:
            self._transport.call("GET", "/health/live", retry=False)
        except JuniperCascorClientError as exc:
            logger.debug("liveness probe failed: %s", exc)
            return False
        return True

    def is_ready(self) -> bool:
        """``GET /health/ready`` once (no retries): whether the server has a network loaded.

        Reads ``details.network_loaded`` of the body, or ``data.network_loaded`` as older
        servers send it.

        Returns:
            ``False`` when not loaded, or on any HTTP, connection or timeout error.

        Raises:
            JuniperCascorClientError: Only when the client is closed.
        """
        return self._probe_ready(None)

    def wait_for_ready(self, timeout: float = 30.0, poll_interval: float = 0.5) -> bool:
        """Poll :meth:`is_ready` until the server is ready or ``timeout`` seconds have passed.

        The wait runs on a monotonic clock and each probe is bounded by the time left, so the
        call returns within about ``timeout`` even when the server hangs.

        Returns:
            ``True`` once ready, ``False`` at the timeout.

        Raises:
            JuniperCascorConfigurationError: When ``timeout`` or ``poll_interval`` is not a
                positive number.
            JuniperCascorClientError: When the client is closed.
        """
        interval = positive(poll_interval, "poll_interval")
        end = time.monotonic() + positive(timeout, "timeout")
        polls = 0
        while True:
            polls += 1
            if self._probe_ready(max(end - time.monotonic(), 0.001)):
                return True
            remaining = end - time.monotonic()
            if remaining <= 0:
                logger.debug("not ready after %d polls in %.3g s", polls, timeout)
                return False
            time.sleep(min(interval, remaining))

    def _probe_ready(self, deadline: float | None) -> bool:
        self._transport.ensure_open()
        try:
            body = self._transport.call("GET", "/health/ready", deadline=deadline, retry=False)
        except JuniperCascorClientError as exc:
            logger.debug("readiness probe failed: %s", exc)
            return False
        for section in (body.get("details"), body.get("data")):
            if isinstance(section, dict) and "network_loaded" in section:
                return section["network_loaded"] is True
        return False

    # -- lifecycle --------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection pool; later calls raise. Safe to call more than once."""
        self._transport.close()

    def __enter__(self) -> JuniperCascorClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = ", closed" if self.closed else ""
        shown = redact_url(self._base_url)
        return f"JuniperCascorClient(base_url={shown!r}, api_key={self._api_key!r}{state})"
