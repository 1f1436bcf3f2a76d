"""The WebSocket side: connections and their handshake gates (``origin``, ``cooldown``), the
``/ws/training`` broadcaster and replay (``broadcast``, ``training``) and the ``/ws/control``
channel with its rate limit (``control``, ``rate_limit``)."""
