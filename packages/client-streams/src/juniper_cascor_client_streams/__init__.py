"""Async WebSocket clients for the juniper-cascor ``/ws/training`` and ``/ws/control`` streams."""

from juniper_cascor_client_streams._version import __version__

__all__ = ["__version__"]
