"""The WebSocket side: connections, the /ws/training broadcaster and the /ws/control channel."""
