"""In-memory snapshots of the network, its parameters and metrics history, and their verbs.

The verbs follow the real server's state machine: ``restore`` loads a snapshot for inspection
(``INVESTIGATING``: starts are refused until ``retrain``, ``resume`` or a reset), ``retrain``
loads it with a cleared history (``STOPPED``), ``resume`` loads it to continue training
(``RESUME_READY``: the next start goes on from its history), ``replay`` plays its history back
(``REPLAYING`` until ``replay/control`` ``stop`` or a reset).
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from juniper_cascor_fake_server.domain.errors import bad_request, conflict, not_found
from juniper_cascor_fake_server.domain.machine import ACTIVE, TrainingPhase, TrainingStatus
from juniper_cascor_fake_server.domain.params import TrainingParams
from juniper_cascor_fake_server.domain.replay import ReplaySession
from juniper_cascor_fake_server.domain.state import TrainingState
from juniper_cascor_fake_server.learner import CascadeNetwork

__all__ = ["SNAPSHOT_ID_PATTERN", "Snapshot", "SnapshotStore", "check_snapshot_id"]

SNAPSHOT_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_REFUSED = ACTIVE | {TrainingStatus.REPLAYING}
_VERB_STATE = {
    "restore": TrainingStatus.INVESTIGATING,
    "retrain": TrainingStatus.STOPPED,
    "resume": TrainingStatus.RESUME_READY,
    "replay": TrainingStatus.REPLAYING,
}
_TIME_INDEX: dict[str, str | int] = {"restore": "end", "retrain": 0, "resume": "end"}
_REFUSAL = {
    "restore": "Cannot restore from snapshot while training is {}",
    "retrain": "Cannot retrain from snapshot while training is {}",
    "resume": "Cannot resume from snapshot while training is {}",
    "replay": "Cannot start replay while training is {}",
}


def check_snapshot_id(snapshot_id: str) -> str:
    """``snapshot_id`` when it matches ``^[A-Za-z0-9_-]{1,128}$``.

    Raises:
        ServiceError: 400 "Invalid snapshot_id format" otherwise.
    """
    if not SNAPSHOT_ID_PATTERN.fullmatch(snapshot_id):
        raise bad_request("Invalid snapshot_id format")
    return snapshot_id


@dataclass(frozen=True)
class Snapshot:
    """A saved network with its parameters and history; ``blob`` is the serialised form."""

    id: str
    description: str
    modified: float
    blob: str

    def info(self) -> dict[str, Any]:
        """The listing entry: ``{id, path, size_bytes, modified}``."""
        return {
            "id": self.id,
            "path": f"snapshots/{self.id}.h5",
            "size_bytes": len(self.blob.encode()),
            "modified": datetime.fromtimestamp(self.modified, UTC).isoformat(),
        }


class SnapshotStore:
    """Snapshots kept in memory, oldest first."""

    def __init__(self, state: TrainingState) -> None:
        self.state = state
        self._lock = threading.Lock()
        self._snapshots: dict[str, Snapshot] = {}

    def save(self, description: str, snapshot_id: str | None = None) -> dict[str, Any]:
        """``POST /v1/snapshots``; ``snapshot_id`` names the snapshot (scenarios preload named
        ones), else it is ``snapshot_<UTC stamp>`` as on the real server.

        Raises:
            ServiceError: 404 without a network.
        """
        state = self.state
        with state.lock:
            network = state.require_network()
            blob = json.dumps(
                {
                    "network": network.to_dict(),
                    "params": state.params.to_dict(),
                    "history": list(state.history),
                    "epochs_done": state.epochs_done,
                    "swap_events": state.swap_events,
                }
            )
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        with self._lock:
            if snapshot_id is None:
                snapshot_id, suffix = f"snapshot_{stamp}", 1
                while snapshot_id in self._snapshots:
                    suffix += 1
                    snapshot_id = f"snapshot_{stamp}_{suffix}"
            snapshot = Snapshot(snapshot_id, description, time.time(), blob)
            self._snapshots[snapshot_id] = snapshot
        info = snapshot.info()
        return {
            "id": snapshot_id,
            "path": info["path"],
            "description": description,
            "timestamp": stamp,
        }

    def list(self) -> list[dict[str, Any]]:
        """``GET /v1/snapshots``."""
        with self._lock:
            return [snapshot.info() for snapshot in self._snapshots.values()]

    def get(self, snapshot_id: str, code: str | None = None) -> Snapshot:
        """The snapshot called ``snapshot_id``.

        Raises:
            ServiceError: 400 for a malformed id, 404 (with ``code``) for an unknown one.
        """
        check_snapshot_id(snapshot_id)
        with self._lock:
            snapshot = self._snapshots.get(snapshot_id)
        if snapshot is None:
            raise not_found(f"Snapshot '{snapshot_id}' not found", code)
        return snapshot

    def swap_events(self, snapshot_id: str) -> dict[str, Any]:
        """``GET /v1/snapshots/{id}/history/dataset_swaps``.

        Raises:
            ServiceError: 400/404 for the id.
        """
        saved = json.loads(self.get(snapshot_id).blob)
        return {"events": list(saved["swap_events"])}

    def load(self, snapshot_id: str, verb: str) -> dict[str, Any]:
        """``POST /v1/snapshots/{id}/{restore|retrain|resume|replay}``.

        Raises:
            ServiceError: 400 for a malformed id, 409 while training (or replaying, except for
                a new replay), 404 ``SNAPSHOT_ABSENT`` for an unknown snapshot.
        """
        check_snapshot_id(snapshot_id)
        state = self.state
        with state.lock:
            refused = ACTIVE if verb == "replay" else _REFUSED
            state.refuse_when(refused, _REFUSAL[verb].format(state.status.value))
        saved = json.loads(self.get(snapshot_id, "SNAPSHOT_ABSENT").blob)
        with state.lock:
            previous, state.replay = state.replay, None
            network = CascadeNetwork.from_dict(saved["network"])
            state.install_network(network, TrainingParams().apply(_params(saved))[0])
            state.history.clear()
            state.epochs_done = 0
            if verb != "retrain":
                state.history.extend(saved["history"])
                state.epochs_done = int(saved["epochs_done"])
            state.progress.current_epoch = state.epochs_done
            state.swap_events = list(saved["swap_events"])
            end = state.epochs_done
            extra: dict[str, Any] = {"status": "restored" if verb == "restore" else "ready"}
            if verb == "resume":
                state.resume_point_epoch = extra["resume_point_epoch"] = end
            if verb == "replay":
                state.replay = ReplaySession(snapshot_id, list(state.history), state.emit)
                extra = {"status": "replaying", "session": state.replay.summary()}
            state.set_status(_VERB_STATE[verb], TrainingPhase.IDLE)
            payload = {
                "snapshot_id": snapshot_id,
                "operation": verb,
                "fsm_state": state.status.value,
                "time_index": {
                    "default": _TIME_INDEX.get(verb, "start"),
                    "snapshot_window": {"start_epoch": 0, "end_epoch": end},
                },
                "training_params": state.params.to_dict(),
                **extra,
            }
        if previous is not None:
            previous.stop()
        return payload

    def replay_control(self, snapshot_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /v1/snapshots/{id}/replay/control``: ``play``, ``pause``, ``seek``, ``speed``,
        ``range`` or ``stop`` (which ends ``REPLAYING``).

        Raises:
            ServiceError: 400 for a malformed id or action, 409 without a replay of this id.
        """
        check_snapshot_id(snapshot_id)
        state = self.state
        action = str(body["action"]).lower()
        with state.lock:
            session = state.replay
            if session is None or state.status is not TrainingStatus.REPLAYING:
                raise conflict("No active replay session — call POST /snapshots/{id}/replay first")
            if session.snapshot_id != snapshot_id:
                raise conflict(f"Active replay is for '{session.snapshot_id}', not '{snapshot_id}'")
            payload: dict[str, Any] = {
                "snapshot_id": snapshot_id,
                "operation": "replay_control",
                "action": action,
            }
            if action == "stop":
                state.replay = None
                state.set_status(TrainingStatus.STOPPED)
                payload["fsm_state"] = state.status.value
                payload["result"] = {"status": "stopped", "snapshot_id": snapshot_id}
        if action == "stop":
            session.stop()
            return payload
        payload["result"] = session.control(action, body)
        return payload


def _params(saved: dict[str, Any]) -> dict[str, Any]:
    names = set(TrainingParams.__dataclass_fields__)
    return {key: value for key, value in saved["params"].items() if key in names}
