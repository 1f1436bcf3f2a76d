"""The WebSocket streams at their upstream import path, ``juniper_cascor_client.ws_client``.

``CascorTrainingStream`` (``/ws/training``) and ``CascorControlStream`` (``/ws/control``) live
in juniper-cascor-client-streams; this module re-exports them, with
``warn_if_legacy_auto_pong``, the warning the streams give for the ``auto_pong`` argument they
accept and ignore (pings are always answered).
"""

from juniper_cascor_client_streams import CascorControlStream, CascorTrainingStream
from juniper_cascor_client_streams.options import warn_auto_pong as warn_if_legacy_auto_pong

__all__ = ["CascorControlStream", "CascorTrainingStream", "warn_if_legacy_auto_pong"]
