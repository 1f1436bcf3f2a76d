"""A numpy-only training worker for juniper-cascor's ``/ws/v1/workers`` channel.

It trains candidate units as the server's own remote worker does, with numpy instead of torch,
so a worker image needs only numpy, websockets and ``juniper-cascor-protocol-worker``.
"""

import logging

from juniper_cascor_numpy_worker._version import __version__

# A library never prints on its own: without logging configured, its records go nowhere.
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = ["__version__"]
