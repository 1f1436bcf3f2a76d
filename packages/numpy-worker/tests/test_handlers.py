"""``HandlerRegistry``: ``on_<type>`` methods found by name, unknown types reported."""

from __future__ import annotations

import pytest

from juniper_cascor_numpy_worker.handlers import HandlerRegistry


class _Owner:
    def __init__(self) -> None:
        self.seen: list[object] = []

    async def on_result_ack(self, message: object) -> None:
        self.seen.append(("ack", message))

    async def on_error(self, message: object) -> None:
        self.seen.append(("error", message))

    async def on_probe(self, message: object) -> None:  # not a worker message type
        self.seen.append(("probe", message))

    on_heartbeat = "not callable"


def test_handlers_are_found_by_name() -> None:
    assert HandlerRegistry.of(_Owner()).types == {"result_ack", "error"}


async def test_dispatch_calls_the_handler_of_the_type() -> None:
    owner = _Owner()
    registry = HandlerRegistry.of(owner)
    assert await registry.dispatch("error", 1)
    assert await registry.dispatch("result_ack", 2)
    assert owner.seen == [("error", 1), ("ack", 2)]


@pytest.mark.parametrize("kind", ["probe", "heartbeat", "task_assign"])
async def test_a_type_without_handler_is_reported(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    owner = _Owner()
    assert not await HandlerRegistry.of(owner).dispatch(kind, 3)
    assert owner.seen == []
    assert f"ignoring a {kind!r} message" in caplog.text
