"""``WorkerMessageType``: the ``type`` values of ``/ws/v1/workers`` text frames."""

from __future__ import annotations

from enum import StrEnum


class WorkerMessageType(StrEnum):
    """Every message type of the worker protocol, in contract order.

    Worker to server: ``register``, ``heartbeat``, ``task_result``. Server to worker:
    ``registration_ack``, ``result_ack``, ``task_assign``, ``token_refresh``,
    ``connection_established``. Either way: ``error``. Members compare equal to their
    string values, so ``frame["type"] == WorkerMessageType.TASK_ASSIGN`` works on raw dicts.
    """

    REGISTER = "register"
    HEARTBEAT = "heartbeat"
    TASK_RESULT = "task_result"
    REGISTRATION_ACK = "registration_ack"
    RESULT_ACK = "result_ack"
    TASK_ASSIGN = "task_assign"
    TOKEN_REFRESH = "token_refresh"
    CONNECTION_ESTABLISHED = "connection_established"
    ERROR = "error"
