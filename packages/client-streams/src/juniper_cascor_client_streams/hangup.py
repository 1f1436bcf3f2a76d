"""Noticing that the server hung up while the reader is not reading (no I/O of its own).

When the consumer falls behind under the ``"block"`` policy, the reader stops reading the
socket so the server sees backpressure; the event loop then stops watching the socket too, and a
connection the server closed or reset would go unnoticed until the consumer caught up. While it
waits for room, the reader asks :func:`peer_hung_up` every :data:`HANGUP_POLL_INTERVAL` seconds.
It polls the socket's descriptor for the hang-up and error conditions only, without reading a
byte: the kernel reports them as soon as the server's FIN or RST arrives, even with unread data
in the buffer.
"""

from __future__ import annotations

import select

from websockets.asyncio.client import ClientConnection
from websockets.protocol import State

__all__ = ["HANGUP_POLL_INTERVAL", "peer_hung_up"]

HANGUP_POLL_INTERVAL = 0.25
"""Seconds between two checks while the reader waits for room."""

_POLLRDHUP = getattr(select, "POLLRDHUP", 0)  # Linux: the peer shut its side down
_HANGUP_EVENTS = select.POLLHUP | select.POLLERR | _POLLRDHUP if hasattr(select, "poll") else 0


def peer_hung_up(connection: ClientConnection) -> bool:
    """Whether the server closed or reset ``connection``, or it is no longer open.

    Where ``select.poll`` is missing (Windows), only the connection's own state is known.
    """
    if connection.state is not State.OPEN:
        return True
    if not _HANGUP_EVENTS:
        return False
    raw = connection.transport.get_extra_info("socket")
    descriptor = raw.fileno() if raw is not None else -1
    if descriptor < 0:
        return True
    poller = select.poll()
    poller.register(descriptor, _HANGUP_EVENTS)
    return bool(poller.poll(0))
