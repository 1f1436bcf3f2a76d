"""Shared exceptions and configuration of the juniper-cascor clients (standard library only)."""

from juniper_cascor_client_core._version import __version__

__all__ = ["__version__"]
