"""Endpoint paths, default timeouts and training state names, at their upstream import path.

The values live in :mod:`juniper_cascor_client_core.constants`, shared by every package.
"""

from juniper_cascor_client_core.constants import *  # noqa: F403
from juniper_cascor_client_core.constants import __all__ as __all__
