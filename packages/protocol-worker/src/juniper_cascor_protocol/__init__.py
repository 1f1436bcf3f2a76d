"""The juniper-cascor wire protocol: ``worker`` (numpy, no pydantic) and ``envelope`` (pydantic).

The two subpackages ship in separate distributions, ``juniper-cascor-protocol-worker`` (which
owns this file) and ``juniper-cascor-protocol-envelope``; install either or both.

At this level, as in juniper-cascor-protocol 0.2, the package offers ``WorkerMessageType`` and
``BinaryFrame`` from ``worker``, and ``__version__``: the version of the
``juniper-cascor-protocol`` distribution when it is installed, otherwise the version of
``juniper-cascor-protocol-worker``. Every name loads on first use, so importing
``juniper_cascor_protocol.envelope`` never loads numpy or the worker package.

The subpackages may live in different directories (editable installs put each distribution's
source folder on ``sys.path``), so ``__path__`` spans every ``juniper_cascor_protocol`` folder
on ``sys.path``, not only this one.
"""

from __future__ import annotations

import pkgutil
from typing import TYPE_CHECKING, Any

__path__ = pkgutil.extend_path(__path__, __name__)

if TYPE_CHECKING:
    from juniper_cascor_protocol.worker.binary_frame import BinaryFrame
    from juniper_cascor_protocol.worker.message_types import WorkerMessageType

    __version__: str

__all__ = ["BinaryFrame", "WorkerMessageType", "__version__"]

_COMPAT_MODULE = "juniper_cascor_protocol_compat"


def _version() -> str:
    """Return the ``juniper-cascor-protocol`` version if it is installed, else the worker's.

    Raises:
        ImportError: When ``juniper_cascor_protocol_compat`` is installed but fails to import.
    """
    try:
        from juniper_cascor_protocol_compat import __version__ as version
    except ModuleNotFoundError as exc:
        if exc.name != _COMPAT_MODULE:
            raise
        from juniper_cascor_protocol.worker import __version__ as version
    return version


def __getattr__(name: str) -> Any:
    """Load ``name`` on first access and cache it here.

    Raises:
        AttributeError: For a name this package does not offer.
    """
    if name == "__version__":
        value: Any = _version()
    elif name in ("BinaryFrame", "WorkerMessageType"):
        from juniper_cascor_protocol import worker

        value = getattr(worker, name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
