"""A fake juniper-cascor server for tests and demos (install the ``[testing]`` extra).

``FakeCascorServer`` serves the real REST and WebSocket protocol on one loopback port and
trains a real, seeded Cascade-Correlation network (``juniper_cascor_client.testing.cascor``).
``server.faults`` injects failures; ``server.requests`` records what reached it. The pytest
plugin (``juniper_cascor_client.testing.pytest_plugin``) provides ``cascor_server``,
``cascor_client`` and ``cascor_ws_url`` fixtures; ``juniper_cascor_client.testing.worker``
is a candidate-training worker for ``/ws/v1/workers``.
"""

from juniper_cascor_client.testing.config import ServerConfig
from juniper_cascor_client.testing.faults import Faults
from juniper_cascor_client.testing.recorder import RecordedRequest
from juniper_cascor_client.testing.scenarios import SCENARIOS
from juniper_cascor_client.testing.server import FakeCascorServer

__all__ = ["SCENARIOS", "FakeCascorServer", "Faults", "RecordedRequest", "ServerConfig"]
