"""Envelope models and validation for the ``/ws/training`` and ``/ws/control`` frames."""

from juniper_cascor_protocol.envelope._version import __version__

__all__ = ["__version__"]
