"""The juniper-cascor client stack in one import."""

from juniper_cascor_client._version import __version__

__all__ = ["__version__"]
