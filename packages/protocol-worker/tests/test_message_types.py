"""WorkerMessageType: values, contract order and string behaviour."""

from __future__ import annotations

from enum import StrEnum

from juniper_cascor_protocol.worker import WorkerMessageType


def test_members_are_in_contract_order() -> None:
    assert [member.value for member in WorkerMessageType] == [
        "register",
        "heartbeat",
        "task_result",
        "registration_ack",
        "result_ack",
        "task_assign",
        "token_refresh",
        "connection_established",
        "error",
    ]


def test_is_a_str_enum_comparing_equal_to_raw_strings() -> None:
    assert issubclass(WorkerMessageType, StrEnum)
    assert {"type": "task_assign"}["type"] == WorkerMessageType.TASK_ASSIGN
    assert f"{WorkerMessageType.RESULT_ACK}" == "result_ack"
    assert WorkerMessageType("heartbeat") is WorkerMessageType.HEARTBEAT
