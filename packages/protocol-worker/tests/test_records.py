"""``record`` classes behave like frozen dataclasses."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from juniper_cascor_protocol.worker import ResultAck, TokenRefresh
from juniper_cascor_protocol.worker._records import Record, record


@record
class Point(Record):
    x: int
    y: int = 0
    note: str = dataclasses.field(default="", repr=False, compare=False)


@record
class Other(Record):
    x: int
    y: int = 0


def test_equality_is_field_wise_and_class_bound() -> None:
    assert Point(1, 2) == Point(1, 2)
    assert Point(1, 2) != Point(1, 3)
    assert Point(1, 2, note="a") == Point(1, 2, note="b")  # compare=False is ignored
    assert Point(1, 2) != Other(1, 2)
    assert Point(1, 2).__eq__(object()) is NotImplemented


def test_hash_follows_equality() -> None:
    assert hash(Point(1, 2)) == hash(Point(1, 2, note="x"))
    assert len({Point(1, 2), Point(1, 2), Point(2, 1)}) == 2


def test_repr_honours_field_repr() -> None:
    assert repr(Point(1, 2, note="secret")) == "Point(x=1, y=2)"


def test_fields_are_written_once() -> None:
    point = Point(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 5  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.z = 5  # type: ignore[attr-defined]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del point.y  # type: ignore[misc]
    assert (point.x, point.y) == (1, 0)


def test_dataclass_helpers_work() -> None:
    point = Point(1, note="n")
    assert dataclasses.replace(point, y=7) == Point(1, 7)
    assert dataclasses.asdict(point) == {"x": 1, "y": 0, "note": "n"}
    assert pickle.loads(pickle.dumps(point)) == point
    assert copy.deepcopy(point) == point


def test_messages_are_records() -> None:
    ack = ResultAck(task_id="t-1", status="accepted")
    assert ack == ResultAck.from_json(ack.to_json())
    assert "accepted" in repr(ack)
    token = TokenRefresh(token="tok-123", expires_at=None)
    assert "tok-123" not in repr(token)
