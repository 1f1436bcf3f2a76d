"""The private request helpers of the 0.8 client, kept working and deprecated.

Code written for juniper-cascor-client 0.8 calls ``client._post("/training/start", json=...)``
and its siblings, with paths relative to ``/v1``. They still work, with the same arguments,
and accept a path that already starts with ``/v1``; each call emits a ``DeprecationWarning``
naming the ``request()`` call to use instead.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

from juniper_cascor_client_rest.routes.base import Requester

__all__ = ["LegacyRequests"]

_SUGGESTION = {
    "_request": "request(method, path, json=..., params=...)",
    "_get": 'request("GET", path, params=...)',
    "_post": 'request("POST", path, json=...)',
    "_patch": 'request("PATCH", path, json=...)',
    "_delete": 'request("DELETE", path)',
}


class LegacyRequests(Requester):
    """``_request``, ``_get``, ``_post``, ``_patch`` and ``_delete``, as in the 0.8 client."""

    def _request(
        self,
        method: str,
        path: str,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Deprecated: use ``request()``.

        Raises:
            JuniperCascorClientError: As ``request()``.
        """
        return self._legacy("_request", method, path, json, params)

    def _get(self, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Deprecated: use ``request("GET", path, params=...)``.

        Raises:
            JuniperCascorClientError: As ``request()``.
        """
        return self._legacy("_get", "GET", path, None, params)

    def _post(self, path: str, json: Any = None) -> dict[str, Any]:
        """Deprecated: use ``request("POST", path, json=...)``.

        Raises:
            JuniperCascorClientError: As ``request()``.
        """
        return self._legacy("_post", "POST", path, json, None)

    def _patch(self, path: str, json: Any = None) -> dict[str, Any]:
        """Deprecated: use ``request("PATCH", path, json=...)``.

        Raises:
            JuniperCascorClientError: As ``request()``.
        """
        return self._legacy("_patch", "PATCH", path, json, None)

    def _delete(self, path: str) -> dict[str, Any]:
        """Deprecated: use ``request("DELETE", path)``.

        Raises:
            JuniperCascorClientError: As ``request()``.
        """
        return self._legacy("_delete", "DELETE", path, None, None)

    def _legacy(
        self,
        alias: str,
        method: str,
        path: str,
        json: Any,
        params: Mapping[str, Any] | None,
    ) -> dict[str, Any]:
        warnings.warn(
            f"JuniperCascorClient.{alias}() is deprecated; call client.{_SUGGESTION[alias]} "
            "instead (paths are relative to /v1 in both)",
            DeprecationWarning,
            stacklevel=3,
        )
        return self.request(method, path, json=json, params=params)
