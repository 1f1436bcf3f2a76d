"""Every knob of the fake server, with the real service's values as defaults."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_ALLOWED_ORIGINS", "SERVER_VERSION", "ServerConfig"]

SERVER_VERSION = "0.12.0"
"""The juniper-cascor release this server is a twin of (reported in ``/v1/health`` and ``meta``)."""

DEFAULT_ALLOWED_ORIGINS: tuple[str, ...] = (
    "http://localhost:8050",
    "http://127.0.0.1:8050",
    "https://localhost:8050",
    "https://127.0.0.1:8050",
)
"""The real server's default ``/ws/control`` Origin allowlist."""


@dataclass(frozen=True)
class ServerConfig:
    """Configuration of a ``FakeCascorServer``; pass any field as a keyword to the server.

    Attributes:
        host, port: where to listen (``port=0`` picks a free port).
        api_keys: accepted ``X-API-Key`` values; empty means no authentication.
        allowed_origins: the ``/ws/control`` Origin allowlist (the real default), compared
            without case and without a trailing ``/``; a handshake without one of these
            ``Origin`` values is refused with HTTP 403 before the upgrade. Empty turns the
            allowlist off, as on the real server: any Origin, or none, connects.
        handshake_cooldown: model the real server's cooldown: 10 refused ``/ws/control``
            handshakes (bad key or Origin) from one address within 60 s block it for 5 minutes,
            every handshake refused meanwhile (off by default, so tests that provoke refusals
            do not lock themselves out).
        resume_buffer_always: number and buffer ``/ws/training`` broadcasts even while no
            subscriber is connected. Off by default, like the real server, which assigns no
            ``seq`` and keeps nothing then (a lone client that reconnects is answered
            ``resume_ok`` with nothing replayed).
        workers_enabled: serve ``/ws/v1/workers`` and ``/v1/workers``; off gives 503 and a
            refused (HTTP 403) handshake.
        max_workers: registry size; a register beyond it is closed with 4013.
        max_connections: ``/ws/training`` connections (pending ones too) before a handshake is
            refused (HTTP 403, as every handshake gate).
        max_connections_per_ip: ``/ws/training`` connections from one address.
        max_connections_global: WebSocket connections over the three endpoints.
        max_connections_per_identity: ``/ws/control`` connections per API key (connections
            without a key are not limited by it).
        ping_interval, pong_timeout: application pings on ``/ws/training`` and ``/ws/control``
            (``ping_interval <= 0`` sends none); any client frame counts as the pong.
        resume_window: how long ``/ws/training`` waits for a ``resume`` first frame.
        idle_timeout: a control connection with no inbound frame for this long is closed
            (``<= 0``: never).
        commands_per_second: the control rate limit, a leaky bucket per connection holding this
            many tokens and refilled this many per second.
        replay_capacity: frames kept for ``resume``.
        initial_metrics_count: metrics sent in ``initial_metrics`` on connect (0 sends none)
            and the most a ``subscribe_metrics`` gets.
        epoch_delay: seconds to sleep after each output epoch (0 is fastest; ~0.05 is watchable).
        command_delay: seconds a control command waits (after a ``queued`` answer) before it
            runs; the real server never sends ``queued``, so keep 0 for its behaviour.
        queued_interval: while a command waits, a ``queued`` answer is repeated this often.
        worker_task_timeout: how long a candidate task may stay on a worker before it runs locally.
        register_timeout: how long a worker connection may wait before its ``register``.
        seed: seed of the learner (networks are deterministic for a seed).
        version: the version reported in ``meta.version`` and ``/health``.
    """

    host: str = "127.0.0.1"
    port: int = 0
    api_keys: tuple[str, ...] = ()
    allowed_origins: tuple[str, ...] = DEFAULT_ALLOWED_ORIGINS
    handshake_cooldown: bool = False
    resume_buffer_always: bool = False
    workers_enabled: bool = True
    max_workers: int = 250
    max_connections: int = 50
    max_connections_per_ip: int = 5
    max_connections_global: int = 200
    max_connections_per_identity: int = 5
    ping_interval: float = 30.0
    pong_timeout: float = 10.0
    resume_window: float = 5.0
    idle_timeout: float = 120.0
    commands_per_second: int = 10
    replay_capacity: int = 1024
    initial_metrics_count: int = 100
    epoch_delay: float = 0.0
    command_delay: float = 0.0
    queued_interval: float = 1.0
    worker_task_timeout: float = 30.0
    register_timeout: float = 10.0
    seed: int = 0
    version: str = SERVER_VERSION
