"""The fake juniper-cascor server for tests and demos (install the ``[testing]`` extra).

The server itself lives in its own distribution, ``juniper-cascor-fake-server``
(``juniper_cascor_fake_server``): a twin of the real juniper-cascor 0.12 server on one loopback
port, training a real, seeded Cascade-Correlation network. This package re-exports its public
names and adds the upstream (0.8) test kit at its import paths: ``FakeCascorClient``
(:mod:`.fake_client`, the real REST client bound to an in-process server preloaded with a
scenario), ``FakeCascorTrainingStream`` (:mod:`.fake_ws_client`, canned messages in memory, or
the real training stream bound to such a server) and the kit's fixture values
(:mod:`.constants`). The pytest fixtures ``cascor_server``, ``cascor_ws_url`` and
``cascor_client`` are registered by the installed plugins.

The names below load on first use, so importing this package needs neither aiohttp nor numpy
(and names the extra to install when they are missing).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from juniper_cascor_client._extras import require

if TYPE_CHECKING:
    from juniper_cascor_client.testing.fake_client import FakeCascorClient
    from juniper_cascor_client.testing.fake_ws_client import FakeCascorTrainingStream
    from juniper_cascor_fake_server import (
        SCENARIOS,
        CandidateWorker,
        FakeCascorServer,
        Faults,
        RecordedRequest,
        ServerConfig,
        WorkerThread,
    )

__all__ = [
    "SCENARIOS",
    "CandidateWorker",
    "FakeCascorClient",
    "FakeCascorServer",
    "FakeCascorTrainingStream",
    "Faults",
    "RecordedRequest",
    "ServerConfig",
    "WorkerThread",
]

_SERVER = "juniper_cascor_fake_server"
_HOMES = {
    "SCENARIOS": f"{_SERVER}.scenarios",
    "CandidateWorker": f"{_SERVER}.workers.candidate_worker",
    "FakeCascorServer": f"{_SERVER}.server",
    "Faults": f"{_SERVER}.faults",
    "RecordedRequest": f"{_SERVER}.recorder",
    "ServerConfig": f"{_SERVER}.config",
    "WorkerThread": f"{_SERVER}.workers.candidate_worker",
    "FakeCascorClient": f"{__name__}.fake_client",
    "FakeCascorTrainingStream": f"{__name__}.fake_ws_client",
}


def __getattr__(name: str) -> Any:
    """Import the public names lazily.

    Raises:
        AttributeError: for a name this package does not have.
        ImportError: naming the ``[testing]`` extra when its dependencies are missing.
    """
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(require(home, "testing"), name)
