"""The snapshot routes: save, list, describe, and the four ways to load one.

Loading: ``load_snapshot`` restores a snapshot and leaves the server ``INVESTIGATING`` it (the
network surgery routes are allowed, ``start_training`` is refused) until
``retrain_from_snapshot`` (back to ``STOPPED`` with the snapshot's network and no history),
``resume_from_snapshot`` (ready to continue where the snapshot ended) or ``reset_training``.
``replay_snapshot`` opens a replay session driven by ``control_replay``.

Snapshot ids must match ``^[A-Za-z0-9_-]{1,128}$``; any other id is refused with
``JuniperCascorValidationError`` before anything is sent.
"""

from __future__ import annotations

from typing import Any, cast

from juniper_cascor_client_core.constants import (
    ENDPOINT_SNAPSHOT_BY_ID_TEMPLATE,
    ENDPOINT_SNAPSHOT_DATASET_SWAPS_TEMPLATE,
    ENDPOINT_SNAPSHOT_REPLAY_CONTROL_TEMPLATE,
    ENDPOINT_SNAPSHOT_REPLAY_TEMPLATE,
    ENDPOINT_SNAPSHOT_RESTORE_TEMPLATE,
    ENDPOINT_SNAPSHOT_RESUME_TEMPLATE,
    ENDPOINT_SNAPSHOT_RETRAIN_TEMPLATE,
    ENDPOINT_SNAPSHOTS,
)
from juniper_cascor_client_rest.paths import snapshot_segment
from juniper_cascor_client_rest.responses import (
    DatasetSwapsResponse,
    ReplayControlResponse,
    ReplayOpenedResponse,
    SnapshotListResponse,
    SnapshotLoadedResponse,
    SnapshotResponse,
    SnapshotSavedResponse,
)
from juniper_cascor_client_rest.routes.base import Requester, compact

__all__ = ["SnapshotRoutes"]


class SnapshotRoutes(Requester):
    """``/snapshots``, ``/snapshots/{id}``, ``/snapshots/{id}/history/dataset_swaps``,
    ``/snapshots/{id}/restore|retrain|resume|replay`` and ``/snapshots/{id}/replay/control``."""

    def save_snapshot(self, description: str = "") -> SnapshotSavedResponse:
        """``POST /snapshots`` with ``{"description": description}``: ``{id, path, ...}``.

        Raises:
            JuniperCascorClientError: As ``request()``.
        """
        return cast(
            SnapshotSavedResponse,
            self.request("POST", ENDPOINT_SNAPSHOTS, json={"description": description}),
        )

    def list_snapshots(self) -> SnapshotListResponse:
        """``GET /snapshots``: ``data`` lists ``{id, path, size_bytes, modified}``.

        Raises:
            JuniperCascorClientError: As ``request()``.
        """
        return cast(SnapshotListResponse, self.request("GET", ENDPOINT_SNAPSHOTS))

    def get_snapshot(self, snapshot_id: str) -> SnapshotResponse:
        """``GET /snapshots/{snapshot_id}``: ``{id, path, size_bytes, modified}``.

        Raises:
            JuniperCascorValidationError: For an invalid id (nothing is sent).
            JuniperCascorNotFoundError: When there is no such snapshot.
            JuniperCascorClientError: As ``request()``.
        """
        return cast(
            SnapshotResponse,
            self.request("GET", _snapshot_path(ENDPOINT_SNAPSHOT_BY_ID_TEMPLATE, snapshot_id)),
        )

    def get_snapshot_dataset_swaps(self, snapshot_id: str) -> DatasetSwapsResponse:
        """``GET /snapshots/{snapshot_id}/history/dataset_swaps``: ``{events}`` saved with it.

        Raises:
            JuniperCascorValidationError: For an invalid id (nothing is sent).
            JuniperCascorNotFoundError: When there is no such snapshot.
            JuniperCascorClientError: As ``request()``.
        """
        path = _snapshot_path(ENDPOINT_SNAPSHOT_DATASET_SWAPS_TEMPLATE, snapshot_id)
        return cast(DatasetSwapsResponse, self.request("GET", path))

    def load_snapshot(self, snapshot_id: str) -> SnapshotLoadedResponse:
        """``POST /snapshots/{snapshot_id}/restore``: restore it and investigate it
        (``fsm_state: "INVESTIGATING"``).

        Raises:
            JuniperCascorValidationError: For an invalid id (nothing is sent).
            JuniperCascorNotFoundError: When there is no such snapshot (``code`` is
                ``SNAPSHOT_ABSENT``).
            JuniperCascorConflictError: While training runs.
            JuniperCascorClientError: As ``request()``.
        """
        return cast(
            SnapshotLoadedResponse, self._load(ENDPOINT_SNAPSHOT_RESTORE_TEMPLATE, snapshot_id)
        )

    def retrain_from_snapshot(self, snapshot_id: str) -> SnapshotLoadedResponse:
        """``POST /snapshots/{snapshot_id}/retrain``: keep its network, drop its history, and
        be ready to start (``fsm_state: "STOPPED"``).

        Raises:
            JuniperCascorValidationError: For an invalid id (nothing is sent).
            JuniperCascorNotFoundError: When there is no such snapshot.
            JuniperCascorConflictError: While training runs (a replay: also while replaying).
            JuniperCascorClientError: As ``request()``.
        """
        return cast(
            SnapshotLoadedResponse, self._load(ENDPOINT_SNAPSHOT_RETRAIN_TEMPLATE, snapshot_id)
        )

    def resume_from_snapshot(self, snapshot_id: str) -> SnapshotLoadedResponse:
        """``POST /snapshots/{snapshot_id}/resume``: be ready to continue training where it
        ended (``resume_point_epoch``).

        Raises:
            JuniperCascorValidationError: For an invalid id (nothing is sent).
            JuniperCascorNotFoundError: When there is no such snapshot.
            JuniperCascorConflictError: While training runs (a replay: also while replaying).
            JuniperCascorClientError: As ``request()``.
        """
        return cast(
            SnapshotLoadedResponse, self._load(ENDPOINT_SNAPSHOT_RESUME_TEMPLATE, snapshot_id)
        )

    def replay_snapshot(self, snapshot_id: str) -> ReplayOpenedResponse:
        """``POST /snapshots/{snapshot_id}/replay``: open a paused replay of its history
        (``session``: length, range, speed, time index...).

        Raises:
            JuniperCascorValidationError: For an invalid id (nothing is sent).
            JuniperCascorNotFoundError: When there is no such snapshot.
            JuniperCascorConflictError: While training runs (a replay: also while replaying).
            JuniperCascorClientError: As ``request()``.
        """
        return cast(
            ReplayOpenedResponse, self._load(ENDPOINT_SNAPSHOT_REPLAY_TEMPLATE, snapshot_id)
        )

    def control_replay(
        self,
        snapshot_id: str,
        action: str,
        *,
        time_index: int | None = None,
        value: float | None = None,
        start: int | None = None,
        end: int | None = None,
    ) -> ReplayControlResponse:
        """``POST /snapshots/{snapshot_id}/replay/control``: drive the open replay.

        Args:
            snapshot_id: The snapshot being replayed.
            action: ``play``, ``pause``, ``seek`` (with ``time_index``), ``speed`` (with
                ``value``), ``range`` (with ``start`` and ``end``) or ``stop``.
            time_index: The epoch index to seek to.
            value: The playback speed.
            start: First epoch index of the range.
            end: Last epoch index of the range.

        Raises:
            JuniperCascorValidationError: For an invalid id (nothing is sent) or parameters
                the server rejects.
            JuniperCascorConflictError: When no replay of this snapshot is open.
            JuniperCascorClientError: As ``request()``.
        """
        body = compact(
            {"action": action, "time_index": time_index, "value": value, "start": start, "end": end}
        )
        path = _snapshot_path(ENDPOINT_SNAPSHOT_REPLAY_CONTROL_TEMPLATE, snapshot_id)
        return cast(ReplayControlResponse, self.request("POST", path, json=body))

    def _load(self, template: str, snapshot_id: str) -> dict[str, Any]:
        return self.request("POST", _snapshot_path(template, snapshot_id))


def _snapshot_path(template: str, snapshot_id: str) -> str:
    """``template`` (an ``ENDPOINT_SNAPSHOT_*_TEMPLATE``) with the checked, encoded id.

    Raises:
        JuniperCascorValidationError: For an invalid id.
    """
    return template.format(snapshot_id=snapshot_segment(snapshot_id))
