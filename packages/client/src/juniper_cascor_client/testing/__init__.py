"""A fake juniper-cascor server for tests and demos (install the ``[testing]`` extra).

``FakeCascorServer`` serves the real REST and WebSocket protocol on one loopback port and
trains a real, seeded Cascade-Correlation network (``juniper_cascor_client.testing.cascor``).
``server.faults`` injects failures; ``server.requests`` records what reached it. The pytest
plugin (``juniper_cascor_client.testing.pytest_plugin``) provides ``cascor_server``,
``cascor_client`` and ``cascor_ws_url`` fixtures; ``juniper_cascor_client.testing.worker``
is a candidate-training worker for ``/ws/v1/workers``. ``FakeCascorClient`` and
``FakeCascorTrainingStream`` keep the upstream test-kit names: real clients bound to an
in-process server preloaded with a scenario.

The names below load on first use, so the pytest plugin can live in this package without
importing aiohttp or numpy into every test run (or failing where the extra is not installed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from juniper_cascor_client._extras import require

if TYPE_CHECKING:
    from juniper_cascor_client.testing.config import ServerConfig
    from juniper_cascor_client.testing.fakes import FakeCascorClient, FakeCascorTrainingStream
    from juniper_cascor_client.testing.faults import Faults
    from juniper_cascor_client.testing.recorder import RecordedRequest
    from juniper_cascor_client.testing.scenarios import SCENARIOS
    from juniper_cascor_client.testing.server import FakeCascorServer

__all__ = [
    "SCENARIOS",
    "FakeCascorClient",
    "FakeCascorServer",
    "FakeCascorTrainingStream",
    "Faults",
    "RecordedRequest",
    "ServerConfig",
]

_HOMES = {
    "SCENARIOS": "scenarios",
    "FakeCascorServer": "server",
    "FakeCascorClient": "fakes",
    "FakeCascorTrainingStream": "fakes",
    "Faults": "faults",
    "RecordedRequest": "recorder",
    "ServerConfig": "config",
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
    return getattr(require(f"{__name__}.{home}", "testing"), name)
