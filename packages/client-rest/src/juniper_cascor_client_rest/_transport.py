"""HTTP transport of the REST client: per-thread sessions, the one retry loop, the deadline.

Thread safety: ``requests.Session`` is not documented as thread-safe (it carries a cookie jar,
default headers and per-call merging state), so every thread gets its own session, created
lazily and kept in a ``threading.local``. Each call first gives that session the settings of
the client's one :class:`~juniper_cascor_client_rest.sessions.SharedSession` (headers, key,
auth, proxies, TLS, cookies), so a setting changed from any thread applies to every thread's
next call. All those sessions mount one shared ``HTTPAdapter``, whose urllib3 ``PoolManager``
is thread-safe, so the client keeps one bounded pool of keep-alive connections however many
threads call it. Closing the transport closes that pool; the per-thread sessions then hold no
sockets.

Every read of a response, from the status line to the last body byte, waits at most for the
time left before the call's deadline (see :mod:`juniper_cascor_client_rest._deadline`), and a
body longer than ``max_response_bytes`` once decoded (``Content-Encoding`` undone) fails the
call with a :class:`~juniper_cascor_client_core.JuniperCascorProtocolError`.

The adapter is built with ``Retry(total=0, read=False, ...)`` so urllib3 never retries on its
own; :meth:`Transport.call` owns every retry (see :mod:`juniper_cascor_client_rest.retry`).
Redirects are not followed, so the API key is never sent to another host.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeAlias

import requests
from urllib3.exceptions import HTTPError
from urllib3.util.retry import Retry

from juniper_cascor_client_core import (
    JuniperCascorClientError,
    JuniperCascorConfigurationError,
    JuniperCascorProtocolError,
    JuniperCascorTimeoutError,
)
from juniper_cascor_client_core.defaults import DEFAULT_MAX_RESPONSE_BYTES
from juniper_cascor_client_core.options import is_finite_number
from juniper_cascor_client_rest._deadline import DeadlineAdapter, deadline_of_calls
from juniper_cascor_client_rest._version import __version__
from juniper_cascor_client_rest.errors import (
    decode_json_object,
    delivery_of,
    error_for_failure,
    error_for_status,
)
from juniper_cascor_client_rest.paths import API_PREFIX
from juniper_cascor_client_rest.retry import RetryPolicy, parse_retry_after
from juniper_cascor_client_rest.sessions import SharedSession

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "USER_AGENT",
    "Timeout",
    "Transport",
    "timeout_pair",
]

logger = logging.getLogger("juniper_cascor_client_rest")

USER_AGENT = f"juniper-cascor-client-rest/{__version__}"

Timeout: TypeAlias = float | tuple[float, float]
"""One number for both the connect and the read timeout, or ``(connect, read)``, in seconds."""

_MIN_ATTEMPT_SECONDS = 0.01
"""A retry is only started when at least this much of the deadline is left after the wait."""

_BODY_READ_SIZE = 65536

_NO_URLLIB3_RETRIES = Retry(total=0, connect=0, read=False, redirect=False, status=0, other=0)


def timeout_pair(value: object, name: str = "timeout") -> tuple[float, float]:
    """Return a timeout as ``(connect, read)`` seconds.

    Raises:
        JuniperCascorConfigurationError: When it is not one positive number or a pair of them.
    """
    pair = tuple(value) if isinstance(value, tuple | list) else (value, value)
    if len(pair) != 2 or not all(is_finite_number(part) and part > 0 for part in pair):
        raise JuniperCascorConfigurationError(
            f"{name} must be a positive number or a (connect, read) pair of them: {value!r}"
        )
    return float(pair[0]), float(pair[1])


class Transport:
    """Sends requests to ``{base_url}/v1`` and returns parsed JSON objects.

    Args:
        base_url: The normalised service URL, without ``/v1``.
        shared: The settings every call is sent with (headers and key included).
        timeout: Default ``(connect, read)`` timeouts of one attempt.
        deadline: Default total time of a call, retries and waits included; ``None`` derives
            it per call as connect + read timeout.
        policy: The retry policy.
        pool_maxsize: Keep-alive connections kept per host.
        max_response_bytes: Longest response body accepted, in bytes after decoding.
    """

    def __init__(
        self,
        base_url: str,
        *,
        shared: SharedSession,
        timeout: tuple[float, float],
        deadline: float | None,
        policy: RetryPolicy,
        pool_maxsize: int,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self._prefix = base_url + API_PREFIX
        self._shared = shared
        self.timeout = timeout
        self._deadline = deadline
        self.policy = policy
        self._max_response_bytes = max_response_bytes
        self._adapter = DeadlineAdapter(pool_maxsize=pool_maxsize, max_retries=_NO_URLLIB3_RETRIES)
        self._local = threading.local()
        self._closing = threading.Event()

    timeout: tuple[float, float]
    """Default ``(connect, read)`` timeouts of one attempt (replaceable at any time)."""

    policy: RetryPolicy
    """The retry policy."""

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closing.is_set()

    def close(self) -> None:
        """Close every pooled connection and wake every :meth:`pause`; later calls raise.
        Idempotent."""
        self._closing.set()
        self._adapter.close()

    def pause(self, seconds: float) -> bool:
        """Wait ``seconds``, or less when :meth:`close` is called meanwhile (from any thread).

        Returns:
            ``True`` when the transport is still open.
        """
        return not self._closing.wait(seconds)

    def ensure_open(self) -> None:
        """Raise when the transport is closed.

        Raises:
            JuniperCascorClientError: When :meth:`close` was called.
        """
        if self._closing.is_set():
            raise JuniperCascorClientError(
                "JuniperCascorClient is closed; create a new client to send requests"
            )

    def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Any = None,
        timeout: tuple[float, float] | None = None,
        deadline: float | None = None,
        retry: bool = True,
    ) -> dict[str, Any]:
        """Send one call, retrying as the policy allows, within the call's deadline.

        Args:
            method: Upper-case HTTP method.
            path: Path under ``/v1``, starting with ``/``, already validated and encoded.
            json: JSON body, or ``None`` for no body.
            params: Query parameters, or ``None``.
            timeout: ``(connect, read)`` of each attempt, instead of the transport's.
            deadline: Total seconds for the call, instead of the transport's.
            retry: ``False`` sends exactly one attempt.

        Returns:
            The response body parsed as a JSON object (``{}`` for an empty body).

        Raises:
            JuniperCascorConfigurationError: When the API key cannot be an HTTP header value.
            JuniperCascorTimeoutError: When the deadline passes before the response is whole
                (or an attempt times out and no retry fits in the deadline).
            JuniperCascorProtocolError: When the body exceeds ``max_response_bytes``.
            JuniperCascorClientError: A subclass for the HTTP status or transport failure
                (see :mod:`juniper_cascor_client_rest.errors`), or the base class when the
                transport is closed.
        """
        self.ensure_open()
        connect, read = self.timeout if timeout is None else timeout
        budget = deadline or self._deadline or connect + read
        end = time.monotonic() + budget
        headers, api_key = self._shared.call_headers()
        session = self._session()
        options = self._shared.configure(session, headers)
        url = self._prefix + path
        retry_index = 0
        while True:
            remaining = max(end - time.monotonic(), 0.001)
            started = time.monotonic()
            try:
                with deadline_of_calls(end):
                    response = session.request(
                        method,
                        url,
                        params=params,
                        json=json,
                        timeout=(min(connect, remaining), min(read, remaining)),
                        allow_redirects=False,
                        stream=True,
                        **options,
                    )
                    with _closed_on_error(response):
                        _read_body(response, self._max_response_bytes)
            except (requests.RequestException, HTTPError) as exc:
                error = error_for_failure(exc, method, path, api_key=api_key)
                if isinstance(error, JuniperCascorTimeoutError) and time.monotonic() >= end:
                    raise JuniperCascorTimeoutError(
                        f"{method} {path}: timed out: the response was not complete within "
                        f"the call's {budget:g} s deadline"
                    ) from exc
                logger.debug("%s (after %.1f ms)", error, (time.monotonic() - started) * 1000)
                retryable = retry and self.policy.retries_failure(method, delivery_of(exc))
                if not self._wait_before_retry(error, retryable, retry_index, None, end):
                    raise error from exc
            except OSError as exc:  # e.g. requests refusing a missing CA bundle of the session
                raise error_for_failure(exc, method, path, api_key=api_key) from exc
            except _BodyTooLongError:
                raise JuniperCascorProtocolError(
                    f"{method} {path}: response body too long: it exceeds the client's "
                    f"max_response_bytes={self._max_response_bytes} bytes"
                ) from None
            else:
                status = response.status_code
                if logger.isEnabledFor(logging.DEBUG):
                    elapsed_ms = (time.monotonic() - started) * 1000
                    logger.debug("%s %s -> %d in %.1f ms", method, path, status, elapsed_ms)
                if 200 <= status < 300:
                    return decode_json_object(response, method, path, api_key=api_key)
                retry_after = parse_retry_after(response.headers.get("Retry-After"), time.time())
                error = error_for_status(
                    response, method, path, api_key=api_key, retry_after=retry_after
                )
                retryable = retry and self.policy.retries_status(method, status)
                if not self._wait_before_retry(error, retryable, retry_index, retry_after, end):
                    raise error
            retry_index += 1

    def _wait_before_retry(
        self,
        error: JuniperCascorClientError,
        retryable: bool,
        retry_index: int,
        retry_after: float | None,
        end: float,
    ) -> bool:
        """Sleep before the next attempt and return ``True``, or return ``False`` to give up
        (also when the transport was closed during the sleep)."""
        if not retryable:
            return False
        delay = self.policy.delay(retry_index, retry_after, random.random)
        if delay is None or time.monotonic() + delay + _MIN_ATTEMPT_SECONDS >= end:
            logger.debug("giving up after %d retries: %s", retry_index, error)
            return False
        logger.debug(
            "%s; retry %d of %d in %.3f s", error, retry_index + 1, self.policy.retries, delay
        )
        if not self.pause(delay):  # closed by another thread: no new connection, no resend
            logger.debug("client closed while waiting to retry: %s", error)
            return False
        return True

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.mount("http://", self._adapter)
            session.mount("https://", self._adapter)
            self._local.session = session
        return session


class _BodyTooLongError(Exception):
    """The response body grew past ``max_response_bytes``."""


@contextmanager
def _closed_on_error(response: requests.Response) -> Iterator[None]:
    """Close ``response`` (and its connection, left mid-body) when the block raises."""
    try:
        yield
    except BaseException:
        response.close()
        raise


def _read_body(response: requests.Response, limit: int) -> None:
    """Read the body of a streamed ``response`` into ``response.content``.

    Every read returns after at most one ``recv``, bounded by the call's deadline (see
    :mod:`juniper_cascor_client_rest._deadline`), and decodes at most ``_BODY_READ_SIZE``
    bytes, so neither a trickled nor a compressed body can outrun the checks.

    Raises:
        _BodyTooLongError: When the decoded body exceeds ``limit`` bytes.
        urllib3.exceptions.HTTPError: When the connection breaks or a read times out (the
            deadline passing included).
    """
    raw = response.raw
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = raw.read1(_BODY_READ_SIZE, decode_content=True)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise _BodyTooLongError
        chunks.append(chunk)
    response._content = b"".join(chunks)
