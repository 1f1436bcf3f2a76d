"""The ``juniper-cascor-protocol`` distribution: its version, and nothing else.

The distribution exists so that projects requiring ``juniper-cascor-protocol`` get
``juniper-cascor-protocol-worker`` and ``juniper-cascor-protocol-envelope``, which provide
``juniper_cascor_protocol.worker`` and ``juniper_cascor_protocol.envelope``. It ships no file of
``juniper_cascor_protocol`` itself; ``juniper_cascor_protocol.__version__`` reports this version
when it is installed.
"""

from juniper_cascor_protocol_compat._version import __version__

__all__ = ["__version__"]
