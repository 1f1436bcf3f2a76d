"""The client's exceptions, importable from their upstream path.

The classes live in :mod:`juniper_cascor_client_core.exceptions`, which draws the hierarchy;
this module re-exports them so ``from juniper_cascor_client.exceptions import ...`` keeps working.
"""

from juniper_cascor_client_core.exceptions import *  # noqa: F403
from juniper_cascor_client_core.exceptions import __all__ as __all__
