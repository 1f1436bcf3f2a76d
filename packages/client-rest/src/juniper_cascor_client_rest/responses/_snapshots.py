"""The answers of the snapshot routes."""

from typing import Any, NotRequired, TypeAlias, TypedDict

from juniper_cascor_client_core.payloads import TrainingParamsData
from juniper_cascor_client_rest.responses._envelope import Envelope


class SnapshotInfo(TypedDict):
    """One snapshot: ``modified`` is an ISO-8601 time."""

    id: str
    path: str
    size_bytes: int
    modified: str


class SnapshotSaved(TypedDict):
    """``POST /snapshots``: ``timestamp`` as ``YYYYMMDDTHHMMSSZ``."""

    id: str
    path: str
    description: str
    timestamp: str


class SnapshotWindow(TypedDict):
    """The epochs a loaded snapshot covers."""

    start_epoch: int
    end_epoch: int


class TimeIndex(TypedDict):
    """Where a loaded snapshot is positioned: ``default`` is ``"start"``, ``"end"`` or an
    epoch."""

    default: str | int
    snapshot_window: SnapshotWindow


class SnapshotLoaded(TypedDict):
    """``POST /snapshots/{id}/restore|retrain|resume``: the state entered (``fsm_state``), the
    snapshot's parameters; ``resume_point_epoch`` after a resume."""

    snapshot_id: str
    operation: str
    status: str
    fsm_state: str
    time_index: TimeIndex
    training_params: TrainingParamsData
    resume_point_epoch: NotRequired[int]


class ReplayRange(TypedDict):
    """The epochs a replay plays."""

    start: int
    end: int


class ReplaySession(TypedDict):
    """An open replay."""

    snapshot_id: str
    length: int
    time_index: int
    speed: float
    paused: bool
    range: ReplayRange
    weights_available: bool
    weight_sampling: NotRequired[dict[str, Any]]


class ReplayOpened(SnapshotLoaded):
    """``POST /snapshots/{id}/replay``: ``status`` is ``replaying``."""

    session: ReplaySession


class ReplayControl(TypedDict):
    """``POST /snapshots/{id}/replay/control``: the ``result`` of the ``action`` (the session
    after it); after ``stop`` also ``fsm_state``."""

    snapshot_id: str
    operation: str
    action: str
    result: dict[str, Any]
    fsm_state: NotRequired[str]


SnapshotSavedResponse: TypeAlias = Envelope[SnapshotSaved]
SnapshotListResponse: TypeAlias = Envelope[list[SnapshotInfo]]
SnapshotResponse: TypeAlias = Envelope[SnapshotInfo]
SnapshotLoadedResponse: TypeAlias = Envelope[SnapshotLoaded]
ReplayOpenedResponse: TypeAlias = Envelope[ReplayOpened]
ReplayControlResponse: TypeAlias = Envelope[ReplayControl]
