"""``JuniperCascorClient``: the synchronous REST client of the juniper-cascor service."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any

from juniper_cascor_client_core import (
    URL_ENV,
    JuniperCascorConfigurationError,
    normalize_base_url,
    redact_url,
    resolve_base_url,
)
from juniper_cascor_client_core.defaults import (
    DEFAULT_BACKOFF_FACTOR,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRY_AFTER,
    DEFAULT_REST_POOL_MAXSIZE,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
)
from juniper_cascor_client_core.options import positive_int, positive_number
from juniper_cascor_client_rest._transport import USER_AGENT, Timeout, Transport, timeout_pair
from juniper_cascor_client_rest.compat import LegacyRequests
from juniper_cascor_client_rest.endpoints import CascorEndpoints
from juniper_cascor_client_rest.paths import API_PREFIX, api_path, check_method
from juniper_cascor_client_rest.polling import Polling
from juniper_cascor_client_rest.retry import RetryPolicy
from juniper_cascor_client_rest.sessions import SharedSession

__all__ = ["JuniperCascorClient"]


class JuniperCascorClient(Polling, CascorEndpoints, LegacyRequests):
    """Synchronous client of the juniper-cascor REST API (``{base_url}/v1``).

    Every route has a method (listed in
    :class:`~juniper_cascor_client_rest.endpoints.CascorEndpoints`) and :meth:`request` reaches
    any path. Each returns the parsed JSON body, declared with its shape (the ``...Response``
    types of :mod:`juniper_cascor_client_rest.responses`; plain dicts at run time).
    :meth:`wait_for_training` polls the status until a run ends.

    The service URL: ``base_url=None`` reads ``JUNIPER_CASCOR_URL`` here, at construction,
    and falls back to ``http://localhost:8200``.

    Thread safety: one client may be shared by any number of threads (for instance through
    ``asyncio.to_thread``). Each thread sends through its own ``requests.Session``; all of them
    share one thread-safe urllib3 connection pool of up to ``pool_maxsize`` keep-alive
    connections, and all of them take their headers, key, auth, proxies, TLS settings and
    cookies from the one :attr:`session` at the start of each call. :meth:`close` may be called
    from any thread; calls that start afterwards raise.

    Timeouts and retries: ``timeout`` bounds each attempt (connect and each read); ``deadline``
    bounds the whole call, attempts, retries and waits included, from connecting to the last
    byte of the body (the status line and headers too: every read waits only for the time
    left). By default the deadline is connect + read timeout (60 s for ``timeout=30``), so
    retrying never makes a call last longer than a single attempt could. ``GET`` and ``HEAD``
    are retried on connection failures, read timeouts and HTTP 429/502/503/504, with
    full-jitter exponential backoff or the server's ``Retry-After`` (up to
    ``max_retry_after``; a longer one makes the call give up at once). A
    mutating call is retried only when its connection could not even be established, so it is
    never sent twice. See :mod:`juniper_cascor_client_rest.retry`.

    The API key: ``api_key=None`` reads ``JUNIPER_CASCOR_API_KEY`` once, when the key is first
    needed (the first call, or reading :attr:`api_key`), not here; a key found there that
    cannot be an HTTP header value fails the calls with
    :class:`~juniper_cascor_client_core.JuniperCascorConfigurationError`, not the construction.
    ``""`` sends no key. Assigning :attr:`api_key`, or setting or removing ``X-API-Key`` in
    ``session.headers``, replaces the key for every thread and ends the environment lookup.
    The key never appears in reprs, logs or exception messages.

    Args:
        base_url: Service URL; ``http://`` is assumed and a trailing ``/`` or ``/v1`` dropped.
            ``None`` reads ``JUNIPER_CASCOR_URL``, else uses ``http://localhost:8200``.
        timeout: Seconds per attempt, one number or ``(connect, read)``.
        retries: Most retries after the first attempt (0 disables retrying).
        backoff_factor: Base of the exponential backoff, in seconds.
        api_key: Sent as ``X-API-Key``; ``None`` reads ``JUNIPER_CASCOR_API_KEY`` when first
            needed, ``""`` sends none.
        deadline: Total seconds a call may take; ``None`` derives it from ``timeout``.
        max_retry_after: Longest ``Retry-After`` (seconds) the client is willing to wait.
        pool_maxsize: Keep-alive connections kept open to the server.
        max_response_bytes: Longest response body a call accepts, counted after decoding
            (``Content-Encoding`` undone), 64 MiB by default; a longer one fails the call with
            :class:`~juniper_cascor_client_core.JuniperCascorProtocolError`, not retried.

    Raises:
        JuniperCascorConfigurationError: For a base URL (given or from
            ``JUNIPER_CASCOR_URL``) without a host, a non-positive
            timeout or deadline, a negative ``retries`` or backoff, a ``pool_maxsize`` or
            ``max_response_bytes`` that is not a positive int, or an ``api_key`` argument
            that cannot be an HTTP header value.
    """

    def __init__(
        self,
        base_url: str | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        backoff_factor: float = DEFAULT_BACKOFF_FACTOR,
        api_key: str | None = None,
        *,
        deadline: float | None = None,
        max_retry_after: float = DEFAULT_MAX_RETRY_AFTER,
        pool_maxsize: int = DEFAULT_REST_POOL_MAXSIZE,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self._base_url = _service_url(base_url)
        positive_int("pool_maxsize", pool_maxsize)
        positive_int("max_response_bytes", max_response_bytes)
        pair = timeout_pair(timeout)
        policy = RetryPolicy(
            retries=retries, backoff_factor=backoff_factor, max_retry_after=max_retry_after
        )
        limit = positive_number("deadline", deadline, allow_none=True)
        self._timeout = timeout
        self._session = SharedSession(api_key, USER_AGENT)
        self._transport = Transport(
            self._base_url,
            shared=self._session,
            timeout=pair,
            deadline=limit,
            policy=policy,
            pool_maxsize=pool_maxsize,
            max_response_bytes=max_response_bytes,
        )

    # -- attributes -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The normalised service URL, without ``/v1``."""
        return self._base_url

    @property
    def api_url(self) -> str:
        """The URL every REST path is appended to: :attr:`base_url` + ``/v1``."""
        return self._base_url + API_PREFIX

    @property
    def timeout(self) -> Timeout:
        """Seconds per attempt, as given (one number or ``(connect, read)``).

        Assigning it changes the calls that start afterwards, on every thread.

        Raises:
            JuniperCascorConfigurationError: On assignment of a value that is not a positive
                number or a pair of them.
        """
        return self._timeout

    @timeout.setter
    def timeout(self, value: Timeout) -> None:
        self._transport.timeout = timeout_pair(value)
        self._timeout = value

    @property
    def retries(self) -> int:
        """The most retries after the first attempt."""
        return self._transport.policy.retries

    @property
    def backoff_factor(self) -> float:
        """The base of the exponential backoff, in seconds."""
        return self._transport.policy.backoff_factor

    @property
    def api_key(self) -> str | None:
        """The key the next call sends as ``X-API-Key``, or ``None`` for none.

        Reading it reads ``JUNIPER_CASCOR_API_KEY`` if that is still due (``None`` when the
        variable's key cannot be used). Assigning a key, or ``None`` for none, applies to every
        thread from the next call and ends the environment lookup.

        Raises:
            JuniperCascorConfigurationError: On assignment of a key that cannot be an HTTP
                header value (the message never shows it).
        """
        return self._session.api_key()

    @api_key.setter
    def api_key(self, value: str | None) -> None:
        self._session.set_api_key(value)

    @property
    def session(self) -> SharedSession:
        """The ``requests.Session`` whose ``headers``, ``auth``, ``proxies``, ``verify``,
        ``cert`` and ``cookies`` every call, from any thread, is sent with.

        It does not take transport adapters (``mount`` raises); see
        :mod:`juniper_cascor_client_rest.sessions`.
        """
        return self._session

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
        """Call any route: ``method`` on ``{base_url}/v1{path}``.

        For example ``client.request("GET", "/training/status")``. A path that already starts
        with ``/v1`` is not prefixed again. The retry policy and the deadline apply as for the
        named methods.

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
            JuniperCascorConfigurationError: The API key cannot be an HTTP header value.
            JuniperCascorClientError: Any other non-2xx (``HTTP <status>: <message>``), or the
                client is closed. Every HTTP error carries ``status_code``, the server's
                ``code`` and ``detail``.
        """
        return self._transport.call(
            check_method(method),
            api_path(path),
            json=json,
            params=params,
            timeout=None if timeout is None else timeout_pair(timeout),
        )

    # -- lifecycle --------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection pool and the session; later calls raise. Idempotent."""
        self._transport.close()
        self._session.close()

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
        key = self._session.describe_key()
        return f"JuniperCascorClient(base_url={shown!r}, api_key={key}{state})"


def _service_url(base_url: str | None) -> str:
    """The normalised ``base_url``, else ``JUNIPER_CASCOR_URL``, else the default.

    Raises:
        JuniperCascorConfigurationError: For an invalid URL; the message names
            ``JUNIPER_CASCOR_URL`` when the URL came from it.
    """
    try:
        return normalize_base_url(resolve_base_url(base_url))
    except JuniperCascorConfigurationError as exc:
        if base_url is not None:
            raise
        raise JuniperCascorConfigurationError(f"{URL_ENV}: {exc.message}") from exc
