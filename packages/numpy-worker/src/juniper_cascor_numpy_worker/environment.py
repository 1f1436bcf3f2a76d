"""The environment variables the worker command reads, with the torch worker's names.

Each setting has a canonical name and the older ``CASCOR_*`` aliases the torch worker still
honours. For every name, canonical first, ``<NAME>_FILE`` (a file holding the value, as
Docker secrets are mounted) is read before ``<NAME>`` itself; empty values count as unset.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "AUTH_TOKEN",
    "HEARTBEAT_INTERVAL",
    "NAME",
    "SERVER_URL",
    "TASK_TIMEOUT",
    "TLS_CA",
    "TLS_CERT",
    "TLS_KEY",
    "EnvSetting",
]

logger = logging.getLogger(__name__)

_FILE_SUFFIX = "_FILE"


@dataclass(frozen=True)
class EnvSetting:
    """One setting's environment variable and its legacy aliases."""

    name: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every name read, in order."""
        return (self.name, *self.aliases)

    def find(self, environ: Mapping[str, str] | None = None) -> tuple[str, str] | None:
        """The variable that sets this (``<NAME>_FILE`` or ``<NAME>``) and its value, or
        ``None`` when none is set in ``environ`` (``os.environ``).

        A ``<NAME>_FILE`` that cannot be read, or is empty, is logged and skipped.
        """
        env = os.environ if environ is None else environ
        for name in self.names:
            file_name = name + _FILE_SUFFIX
            path = env.get(file_name)
            if path:
                try:
                    content = Path(path).read_text(encoding="utf-8").strip()
                except OSError as exc:
                    logger.warning("ignoring %s: %s", file_name, exc)
                else:
                    if content:
                        return file_name, content
                    logger.warning("ignoring %s: the file is empty", file_name)
            value = env.get(name)
            if value:
                return name, value
        return None

    def read(self, environ: Mapping[str, str] | None = None) -> str | None:
        """The value ``find`` finds, or ``None``."""
        found = self.find(environ)
        return None if found is None else found[1]


SERVER_URL = EnvSetting("JUNIPER_CASCOR_WORKER_SERVER_URL", ("CASCOR_SERVER_URL",))
AUTH_TOKEN = EnvSetting("JUNIPER_CASCOR_WORKER_AUTH_TOKEN", ("CASCOR_AUTH_TOKEN", "CASCOR_API_KEY"))
HEARTBEAT_INTERVAL = EnvSetting(
    "JUNIPER_CASCOR_WORKER_HEARTBEAT_INTERVAL", ("CASCOR_HEARTBEAT_INTERVAL",)
)
TASK_TIMEOUT = EnvSetting("JUNIPER_CASCOR_WORKER_TASK_TIMEOUT", ("CASCOR_TASK_TIMEOUT",))
TLS_CERT = EnvSetting("JUNIPER_CASCOR_WORKER_TLS_CERT", ("CASCOR_TLS_CERT",))
TLS_KEY = EnvSetting("JUNIPER_CASCOR_WORKER_TLS_KEY", ("CASCOR_TLS_KEY",))
TLS_CA = EnvSetting("JUNIPER_CASCOR_WORKER_TLS_CA", ("CASCOR_TLS_CA",))
NAME = EnvSetting("JUNIPER_CASCOR_WORKER_NAME")
