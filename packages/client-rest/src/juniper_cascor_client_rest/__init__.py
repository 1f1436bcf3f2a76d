"""Synchronous REST client for the juniper-cascor training service."""

from juniper_cascor_client_rest._version import __version__

__all__ = ["__version__"]
