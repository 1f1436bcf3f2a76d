"""A snapshot replay session: plays a snapshot's metrics history back as ``metrics`` frames.

Like the real server's, a session starts paused at index 0; ``play`` emits one frame per
``1/|speed|`` seconds (backwards for a negative speed) until the end of its range, ``seek``
emits the frame it lands on. Replayed frames carry ``phase: "Replay"``, ``replay: true`` and the
snapshot id, and leave the live metrics history alone.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from juniper_cascor_fake_server.domain.errors import bad_request

__all__ = ["ReplaySession"]

_MAX_SPEED = 10.0
_MIN_SPEED = 0.1


class ReplaySession:
    """One replay of ``rows`` (the snapshot's metrics history), driven by a daemon thread."""

    def __init__(
        self,
        snapshot_id: str,
        rows: list[dict[str, Any]],
        emit: Callable[[str, dict[str, Any]], None],
    ) -> None:
        self.snapshot_id = snapshot_id
        self._rows = rows
        self._emit = emit
        self.length = len(rows)
        self.time_index = 0
        self.speed = 1.0
        self.paused = True
        self.range_start, self.range_end = 0, self.length
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fake-cascor-replay", daemon=True)
        self._thread.start()

    def summary(self) -> dict[str, Any]:
        """The session as the real server reports it (``session`` and control results)."""
        with self._lock:
            return {
                "snapshot_id": self.snapshot_id,
                "length": self.length,
                "time_index": self.time_index,
                "speed": self.speed,
                "paused": self.paused,
                "range": {"start": self.range_start, "end": self.range_end},
                "weights_available": False,
            }

    def control(self, action: str, params: dict[str, Any]) -> dict[str, Any]:
        """Apply ``play``, ``pause``, ``seek``, ``speed`` or ``range`` (``stop`` is the caller's).

        Raises:
            ServiceError: 400 for an unknown action or a missing parameter.
        """
        if action == "play":
            self._set(paused=False)
        elif action == "pause":
            self._set(paused=True)
        elif action == "seek":
            self._seek(_required(params, "time_index", action))
        elif action == "speed":
            self._speed(float(_required(params, "value", action)))
        elif action == "range":
            start = int(_required(params, "start", action))
            end = int(_required(params, "end", action))
            with self._lock:
                self.range_start = max(0, min(start, self.length))
                self.range_end = max(self.range_start, min(end, self.length))
                self.time_index = self._clamp(self.time_index)
        else:
            raise bad_request(f"Unknown replay action: {action!r}")
        self._wake.set()
        return self.summary()

    def stop(self) -> None:
        """End the session and its thread."""
        self._stopped.set()
        self._wake.set()
        self._thread.join(2.0)

    def _set(self, *, paused: bool) -> None:
        with self._lock:
            self.paused = paused

    def _seek(self, target: Any) -> None:
        with self._lock:
            self.time_index = self._clamp(int(target))
            landed = self.time_index
        self._frame(landed)

    def _speed(self, value: float) -> None:
        if abs(value) < _MIN_SPEED:
            value = 0.0
        value = max(-_MAX_SPEED, min(_MAX_SPEED, value))
        with self._lock:
            self.speed = value
            self.paused = self.paused or value == 0.0

    def _clamp(self, index: int) -> int:
        if self.range_end <= self.range_start:
            return self.range_start
        return max(self.range_start, min(self.range_end - 1, index))

    def _frame(self, index: int) -> None:
        if not 0 <= index < self.length:
            return
        row = self._rows[index]
        self._emit(
            "metrics",
            {
                "epoch": index + 1,
                "loss": row.get("loss"),
                "accuracy": row.get("accuracy"),
                "validation_loss": row.get("validation_loss"),
                "validation_accuracy": row.get("validation_accuracy"),
                "phase": "Replay",
                "replay": True,
                "snapshot_id": self.snapshot_id,
            },
        )

    def _step(self) -> None:
        with self._lock:
            if self.paused or self.speed == 0.0:
                return
            index = self.time_index
            step = 1 if self.speed > 0 else -1
            following = index + step
            if not self.range_start <= following < self.range_end:
                self.paused = True
            else:
                self.time_index = following
        self._frame(index)

    def _run(self) -> None:
        while not self._stopped.is_set():
            with self._lock:
                waiting = self.paused or self.speed == 0.0
                interval = 1.0 if waiting else 1.0 / abs(self.speed)
            if self._wake.wait(interval):
                self._wake.clear()
                continue
            self._step()


def _required(params: dict[str, Any], name: str, action: str) -> Any:
    value = params.get(name)
    if value is None:
        raise bad_request(f"{action} requires a '{name}' parameter")
    return value
