"""In-memory snapshots of the network and its training progress."""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from juniper_cascor_fake_server.learner import CascadeNetwork
from juniper_cascor_fake_server.domain.errors import invalid, not_found
from juniper_cascor_fake_server.domain.state import TrainingPhase, TrainingState, TrainingStatus

__all__ = ["SNAPSHOT_ID_PATTERN", "Snapshot", "SnapshotStore", "check_snapshot_id"]

SNAPSHOT_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


def check_snapshot_id(snapshot_id: str) -> str:
    """``snapshot_id`` when it matches ``^[A-Za-z0-9_-]{1,128}$``.

    Raises:
        ServiceError: 422 naming ``("path", "snapshot_id")`` otherwise.
    """
    if not SNAPSHOT_ID_PATTERN.fullmatch(snapshot_id):
        raise invalid(
            ("path", "snapshot_id"),
            "String should match pattern '^[A-Za-z0-9_-]{1,128}$'",
            "string_pattern_mismatch",
        )
    return snapshot_id


@dataclass(frozen=True)
class Snapshot:
    """A saved network with its history; ``blob`` is the serialised form."""

    id: str
    description: str
    modified: float
    hidden_units: int
    epoch: int
    blob: str

    def info(self) -> dict[str, Any]:
        """The listing entry: ``{id, path, size_bytes, modified, ...}``."""
        return {
            "id": self.id,
            "path": f"snapshots/{self.id}.json",
            "size_bytes": len(self.blob.encode()),
            "modified": self.modified,
            "description": self.description,
            "hidden_units": self.hidden_units,
            "epoch": self.epoch,
        }


class SnapshotStore:
    """Snapshots kept in memory, newest last."""

    def __init__(self, state: TrainingState) -> None:
        self.state = state
        self._lock = threading.Lock()
        self._snapshots: dict[str, Snapshot] = {}

    def save(self, description: str) -> dict[str, Any]:
        """``POST /snapshots``.

        Raises:
            ServiceError: 404 without a network.
        """
        state = self.state
        with state.lock:
            network = state.require_network()
            blob = json.dumps(
                {
                    "network": network.to_dict(),
                    "history": list(state.history),
                    "epochs_done": state.epochs_done,
                }
            )
            stamp = time.strftime("%Y%m%d_%H%M%S")
            snapshot = Snapshot(
                id=f"snapshot_{stamp}_{secrets.token_hex(4)}",
                description=description,
                modified=time.time(),
                hidden_units=len(network.hidden),
                epoch=state.epochs_done,
                blob=blob,
            )
        with self._lock:
            self._snapshots[snapshot.id] = snapshot
        return snapshot.info()

    def list(self) -> list[dict[str, Any]]:
        """``GET /snapshots``."""
        with self._lock:
            return [snapshot.info() for snapshot in self._snapshots.values()]

    def get(self, snapshot_id: str) -> Snapshot:
        """The snapshot called ``snapshot_id``.

        Raises:
            ServiceError: 422 for a malformed id, 404 for an unknown one.
        """
        check_snapshot_id(snapshot_id)
        with self._lock:
            snapshot = self._snapshots.get(snapshot_id)
        if snapshot is None:
            raise not_found(f"Snapshot not found: {snapshot_id}")
        return snapshot

    def restore(self, snapshot_id: str) -> dict[str, Any]:
        """``POST /snapshots/{id}/restore``: the network and history come back.

        Raises:
            ServiceError: 422/404 for the id, 409 while training.
        """
        snapshot = self.get(snapshot_id)
        saved = json.loads(snapshot.blob)
        state = self.state
        with state.lock:
            state.require_network()
            state.require_idle()
            state.network = CascadeNetwork.from_dict(saved["network"])
            state.learner, state.outcome = None, None
            state.history.clear()
            state.history.extend(saved["history"])
            state.epochs_done = int(saved["epochs_done"])
            state.set_status(TrainingStatus.STOPPED, TrainingPhase.IDLE)
            topology = state.network.to_dict()
        state.emit("topology", topology)
        return {"snapshot_id": snapshot_id, "status": "restored"}

    def replay(self, snapshot_id: str) -> dict[str, Any]:
        """``POST /snapshots/{id}/replay``: broadcast the snapshot's metrics and topology.

        Raises:
            ServiceError: 422/404 for the id.
        """
        saved = json.loads(self.get(snapshot_id).blob)
        for metrics in saved["history"]:
            self.state.emit("metrics", metrics)
        self.state.emit("topology", saved["network"])
        return {
            "snapshot_id": snapshot_id,
            "status": "replayed",
            "frames": len(saved["history"]) + 1,
        }
