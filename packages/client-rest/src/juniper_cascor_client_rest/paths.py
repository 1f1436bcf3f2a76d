"""Validation of path ids and of caller-supplied request paths.

Ids are checked against the server's own patterns before anything is sent, then
percent-encoded, so an id can never leave its path segment (``../x``, ``a/b``, ``?q``...).
Request paths are relative to ``{base_url}/v1``; one that already starts with the ``/v1``
segment (as the full route names in the documentation do) is taken relative to the base URL
instead, so ``/training/start`` and ``/v1/training/start`` name the same route.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from juniper_cascor_client_core import JuniperCascorValidationError
from juniper_cascor_client_core.constants import API_PREFIX

__all__ = [
    "API_PREFIX",
    "HTTP_METHODS",
    "SNAPSHOT_ID_PATTERN",
    "WORKER_ID_PATTERN",
    "api_path",
    "check_method",
    "check_path",
    "snapshot_segment",
    "worker_segment",
]

SNAPSHOT_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,128}")
"""Snapshot ids the server accepts."""

WORKER_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")
"""Worker ids: the registration pattern and the server-assigned ``worker-<hex>`` form."""

HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

_FORBIDDEN_IN_PATH = re.compile(r"[\s\\#\x00-\x1f\x7f]")
_SEPARATORS = re.compile(r"[/\\]")


def snapshot_segment(snapshot_id: str) -> str:
    """Return ``snapshot_id`` as an encoded path segment.

    Raises:
        JuniperCascorValidationError: When the id is not a string matching
            ``^[A-Za-z0-9_-]{1,128}$``.
    """
    return _segment(snapshot_id, SNAPSHOT_ID_PATTERN, "snapshot id")


def worker_segment(worker_id: str) -> str:
    """Return ``worker_id`` as an encoded path segment.

    Raises:
        JuniperCascorValidationError: When the id is not a string matching
            ``^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$``.
    """
    return _segment(worker_id, WORKER_ID_PATTERN, "worker id")


def check_method(method: str) -> str:
    """Return the upper-cased HTTP method.

    Raises:
        JuniperCascorValidationError: When it is not a standard HTTP method.
    """
    upper = method.upper() if isinstance(method, str) else ""
    if upper not in HTTP_METHODS:
        raise JuniperCascorValidationError(f"unsupported HTTP method: {method!r}")
    return upper


def check_path(path: str) -> str:
    """Check a path relative to ``{base_url}/v1`` given to ``request()``.

    It must start with ``/``, and must not contain whitespace, control characters, ``\\``,
    ``#``, a ``.`` or ``..`` segment or start with ``//``. Dot segments are looked for after
    percent-decoding, with an encoded ``/`` or ``\\`` counted as a separator, since a server or
    proxy may decode them. A query string is allowed.

    Raises:
        JuniperCascorValidationError: When the path breaks one of these rules.
    """
    if not isinstance(path, str) or not path.startswith("/") or path.startswith("//"):
        raise JuniperCascorValidationError(
            f"path must be a string starting with a single '/': {path!r}"
        )
    if _FORBIDDEN_IN_PATH.search(path):
        raise JuniperCascorValidationError(f"path contains a forbidden character: {path!r}")
    decoded = unquote(path.split("?", 1)[0])
    if any(part in (".", "..") for part in _SEPARATORS.split(decoded)):
        raise JuniperCascorValidationError(f"path must not contain dot segments: {path!r}")
    return path


def api_path(path: str) -> str:
    """Check a caller's path (see :func:`check_path`) and return it relative to ``/v1``.

    A path whose first segment is ``v1`` loses it: ``/v1/training/start`` becomes
    ``/training/start`` and ``/v1`` becomes ``/``.

    Raises:
        JuniperCascorValidationError: When the path breaks a rule of :func:`check_path`.
    """
    checked = check_path(path)
    if checked == API_PREFIX or checked.startswith(API_PREFIX + "/"):
        return check_path(checked[len(API_PREFIX) :] or "/")
    return checked


def _segment(value: str, pattern: re.Pattern[str], what: str) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise JuniperCascorValidationError(f"invalid {what}: {value!r}")
    return quote(value, safe="")
