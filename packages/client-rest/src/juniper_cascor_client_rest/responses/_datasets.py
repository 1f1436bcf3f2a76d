"""The answers of the data routes. Data-set configurations are free-form (``dict[str, Any]``):
each generator takes its own keys."""

from typing import Any, NotRequired, TypeAlias, TypedDict

from juniper_cascor_client_rest.responses._envelope import Envelope


class DatasetInfo(TypedDict):
    """``GET /dataset``: only ``loaded`` (false) until a run has loaded data."""

    loaded: bool
    train_samples: NotRequired[int]
    val_samples: NotRequired[int]
    test_samples: NotRequired[int]
    input_features: NotRequired[int]
    output_features: NotRequired[int]


class DatasetData(TypedDict):
    """``GET /dataset/data``: the samples, a row each; validation and test when loaded."""

    train_x: list[list[float]]
    train_y: list[list[float]]
    val_x: NotRequired[list[list[float]]]
    val_y: NotRequired[list[list[float]]]
    test_x: NotRequired[list[list[float]]]
    test_y: NotRequired[list[list[float]]]


class DatasetStaged(TypedDict):
    """``POST /training/dataset``: ``staged`` with its ``config``, or ``cleared``."""

    status: str
    config: dict[str, Any] | None


class StagedDatasetDiscarded(TypedDict):
    """``DELETE /training/dataset``: the configuration that was staged, if any."""

    status: str
    discarded: dict[str, Any] | None


class PendingDataset(TypedDict):
    """``GET /training/dataset/pending``."""

    pending: dict[str, Any] | None


class LiveSwap(TypedDict):
    """``POST /training/dataset/live``: ``swapped`` with the details, or ``cancelled``."""

    status: str
    before_cfg: NotRequired[dict[str, Any] | None]
    after_cfg: NotRequired[dict[str, Any] | None]
    arch_changes: NotRequired[dict[str, Any]]
    mode: NotRequired[str]


class LiveSwapCancelled(TypedDict):
    """``DELETE /training/dataset/live``: ``status`` is ``cancel_requested``."""

    status: str


class DatasetSwaps(TypedDict):
    """``GET /history/dataset_swaps`` (or a snapshot's): the live swaps, oldest first."""

    events: list[dict[str, Any]]


DatasetResponse: TypeAlias = Envelope[DatasetInfo]
DatasetDataResponse: TypeAlias = Envelope[DatasetData]
DatasetStagedResponse: TypeAlias = Envelope[DatasetStaged]
StagedDatasetDiscardedResponse: TypeAlias = Envelope[StagedDatasetDiscarded]
PendingDatasetResponse: TypeAlias = Envelope[PendingDataset]
LiveSwapResponse: TypeAlias = Envelope[LiveSwap]
LiveSwapCancelledResponse: TypeAlias = Envelope[LiveSwapCancelled]
DatasetSwapsResponse: TypeAlias = Envelope[DatasetSwaps]
