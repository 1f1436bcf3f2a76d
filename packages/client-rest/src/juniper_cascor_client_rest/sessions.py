"""``client.session``: the requests settings a client applies to the calls of every thread.

The client sends through one ``requests.Session`` per thread (see
:mod:`juniper_cascor_client_rest._transport`), but callers configure a single object,
:class:`SharedSession`, exposed as ``client.session``. At the start of every call the sending
thread's session takes from it:

* ``headers``: a copy, with the ``X-API-Key`` entry checked (see below);
* ``auth``, ``params``, ``hooks`` and ``trust_env``;
* ``verify``, ``proxies`` and ``cert``, passed with the call so that, unlike with a plain
  ``requests.Session``, ``REQUESTS_CA_BUNDLE`` and the proxy variables of the environment do
  not override them (they still apply where the session keeps the default);
* ``cookies``: the very same jar, so a cookie the server sets is sent by every thread.

A change made from any thread therefore applies to the next call of every thread.

The API key lives in ``headers["X-API-Key"]``: the ``api_key`` property of the client reads and
writes that entry, and removing it (``session.headers.pop("X-API-Key", None)``) sends no key.
A client built with ``api_key=None`` reads ``JUNIPER_CASCOR_API_KEY`` once, when the key is
first needed (the first call, or reading ``client.api_key``), not at construction. A key that
cannot be an HTTP header value found there fails each call with a
:class:`~juniper_cascor_client_core.JuniperCascorConfigurationError` until the key is replaced
or removed; a key set by hand is checked the same way before each call. The header value never
shows in ``repr(session.headers)``.

Transport adapters cannot be mounted (:meth:`SharedSession.mount` raises): the client's retry
loop, its deadline and its shared connection pool live in its own adapter. Calling
``client.session.get(...)`` directly sends a plain ``requests`` call, without them.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from juniper_cascor_client_core import (
    API_KEY_HEADER,
    REDACTED,
    ApiKey,
    JuniperCascorConfigurationError,
    check_api_key,
    resolve_api_key,
)

__all__ = ["SharedSession"]

Headers = MutableMapping[str, str | bytes]
"""The type of ``requests.Session.headers``."""

if TYPE_CHECKING:
    _HeadersBase = CaseInsensitiveDict[str | bytes]
else:  # requests' class is not subscriptable at run time
    _HeadersBase = CaseInsensitiveDict

_KEY_NAME = API_KEY_HEADER.lower()
_HEADER_SOURCE = f"{API_KEY_HEADER} header of client.session"


class SharedSession(requests.Session):
    """The settings every thread's calls are sent with; see the module documentation.

    Args:
        api_key: The key to send; ``None`` reads ``JUNIPER_CASCOR_API_KEY`` when first needed,
            ``""`` sends none.
        user_agent: The ``User-Agent`` header.

    Raises:
        JuniperCascorConfigurationError: When ``api_key`` cannot be an HTTP header value.
    """

    def __init__(self, api_key: str | None, user_agent: str) -> None:
        self._lock = threading.RLock()
        self._sealed = False
        self._from_environment = False
        self._environment_error: str | None = None
        super().__init__()
        self._sealed = True
        self.headers.update({"User-Agent": user_agent, "Accept": "application/json"})
        if api_key is None:
            self._from_environment = True
            return
        key = check_api_key(api_key, "api_key argument")
        if key is not None:
            self.headers[API_KEY_HEADER] = key.reveal()

    # -- headers and the key ----------------------------------------------------------------

    @property
    def headers(self) -> CaseInsensitiveDict[str | bytes]:
        """The headers of every call; assigning a mapping replaces them (the key included)."""
        return self._headers

    @headers.setter
    def headers(self, value: Mapping[str, str | bytes]) -> None:
        replacement = _SharedHeaders(self, value)
        with self._lock:
            self._headers = replacement
            self.key_replaced()

    def key_replaced(self) -> None:
        """Record that the ``X-API-Key`` entry was set or removed by hand: the environment is
        no longer read, and an unusable key read from it is forgotten."""
        with self._lock:
            self._from_environment = False
            self._environment_error = None

    def api_key(self) -> str | None:
        """The key the next call sends (reading the environment if it is still due).

        Returns:
            The ``X-API-Key`` value, or ``None`` when no key is set or the environment's key
            cannot be used.
        """
        with self._lock:
            self._read_environment()
            value = self._headers.get(API_KEY_HEADER)
        return None if value is None else _text(value)

    def set_api_key(self, value: str | None) -> None:
        """Send ``value`` as the key from now on (``None`` or ``""``: no key).

        Raises:
            JuniperCascorConfigurationError: When ``value`` cannot be an HTTP header value.
        """
        key = None if value is None else check_api_key(value, "api_key attribute")
        if key is None:
            self._headers.pop(API_KEY_HEADER, None)
        else:
            self._headers[API_KEY_HEADER] = key.reveal()

    def describe_key(self) -> str:
        """How the key is set, for a repr: never the key, and without reading the environment."""
        with self._lock:
            if self._from_environment:
                return "<$JUNIPER_CASCOR_API_KEY, not read yet>"
            if self._environment_error is not None:
                return "<unusable $JUNIPER_CASCOR_API_KEY>"
            return repr(ApiKey(REDACTED)) if API_KEY_HEADER in self._headers else "None"

    def _read_environment(self) -> None:
        if not self._from_environment:
            return
        self._from_environment = False
        try:
            key = resolve_api_key(None)
        except JuniperCascorConfigurationError as exc:
            self._environment_error = str(exc)
            return
        if key is not None:
            self._headers[API_KEY_HEADER] = key.reveal()

    # -- what each call is sent with ------------------------------------------------------------

    def call_headers(self) -> tuple[CaseInsensitiveDict[str | bytes], ApiKey | None]:
        """The headers of one call, and the key among them.

        Returns:
            A copy of the headers whose ``X-API-Key`` (if any) is checked and trimmed, and that
            key (for redacting error messages).

        Raises:
            JuniperCascorConfigurationError: When the key cannot be an HTTP header value (the
                message never shows it).
        """
        with self._lock:
            self._read_environment()
            if self._environment_error is not None:
                raise JuniperCascorConfigurationError(self._environment_error)
            headers: CaseInsensitiveDict[str | bytes] = CaseInsensitiveDict(self._headers)
        value = headers.get(API_KEY_HEADER)
        key = None if value is None else check_api_key(_text(value), _HEADER_SOURCE)
        if key is None:
            headers.pop(API_KEY_HEADER, None)
        else:
            headers[API_KEY_HEADER] = key.reveal()
        return headers, key

    def configure(self, session: requests.Session, headers: Headers) -> dict[str, Any]:
        """Give a thread's ``session`` these settings for its next call.

        Returns:
            The keyword arguments of the call itself: ``verify``, ``proxies`` and ``cert``.
            Given per call they win over ``REQUESTS_CA_BUNDLE`` and the proxy variables of
            the environment, which ``requests`` would otherwise let override a session's own
            values; the environment still fills in what the session leaves at its default.
        """
        session.headers = headers
        session.auth = self.auth
        session.params = self.params
        session.hooks = self.hooks
        session.trust_env = self.trust_env
        session.cookies = self.cookies
        return {"verify": self.verify, "proxies": dict(self.proxies), "cert": self.cert}

    # -- adapters -------------------------------------------------------------------------------

    def mount(self, prefix: str | bytes, adapter: BaseAdapter) -> None:
        """Refused: the client's calls go through its own adapter.

        Raises:
            JuniperCascorConfigurationError: Always, once the session is built.
        """
        if self._sealed:
            raise JuniperCascorConfigurationError(
                "JuniperCascorClient.session does not take transport adapters: the client "
                "sends through its own adapter, which holds its retries, deadline and "
                "connection pool; configure those with the client's arguments instead"
            )
        super().mount(prefix, adapter)


class _SharedHeaders(_HeadersBase):
    """Headers whose ``X-API-Key`` changes are reported to their session, and that hide the
    key in their repr. Changes and copies hold the session's lock."""

    def __init__(self, owner: SharedSession, data: Mapping[str, str | bytes] | None) -> None:
        self._owner = owner
        super().__init__(data)

    def __setitem__(self, key: str, value: str | bytes) -> None:
        with self._owner._lock:
            super().__setitem__(key, value)
            if key.lower() == _KEY_NAME:
                self._owner.key_replaced()

    def __delitem__(self, key: str) -> None:
        with self._owner._lock:
            if key.lower() == _KEY_NAME:
                self._owner.key_replaced()
            super().__delitem__(key)

    def pop(self, key: str, /, *default: Any) -> Any:
        """Remove ``key`` and return its value (or ``default``); removing ``X-API-Key``, even
        when absent, means "send no key".

        Raises:
            KeyError: When ``key`` is absent and no default is given.
        """
        with self._owner._lock:
            if key.lower() == _KEY_NAME:
                self._owner.key_replaced()
            return super().pop(key, *default)

    def clear(self) -> None:
        """Remove every header, the key included."""
        with self._owner._lock:
            super().clear()
            self._owner.key_replaced()

    def copy(self) -> CaseInsensitiveDict[str | bytes]:
        """A plain copy, taken while no other thread changes the headers."""
        with self._owner._lock:
            return CaseInsensitiveDict(self)

    def __repr__(self) -> str:
        shown = {
            name: REDACTED if name.lower() == _KEY_NAME else value for name, value in self.items()
        }
        return repr(shown)


def _text(value: str | bytes) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value
