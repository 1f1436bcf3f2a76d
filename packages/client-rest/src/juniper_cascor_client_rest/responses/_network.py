"""The answers of the network routes."""

from typing import TypeAlias, TypedDict

from juniper_cascor_client_core.payloads import TopologyData
from juniper_cascor_client_rest.responses._envelope import Envelope


class NetworkInfo(TypedDict):
    """``GET|POST /network``."""

    uuid: str
    input_size: int
    output_size: int
    hidden_units: int
    max_hidden_units: int
    learning_rate: float


class NetworkDeleted(TypedDict):
    """``DELETE /network``."""

    deleted: bool


class NetworkStats(TypedDict):
    """``GET /network/stats``: statistics of the output weights."""

    total_hidden_units: int
    output_weight_mean: float
    output_weight_std: float
    output_weight_min: float
    output_weight_max: float


class NetworkEdited(NetworkInfo):
    """``PATCH /network/weights``: the network after the edit, the ``operation`` and the
    state entered (``fsm_state``, ``INVESTIGATING``)."""

    operation: str
    fsm_state: str


class HiddenUnitAdded(NetworkEdited):
    """``POST /network/hidden-units``."""

    unit_index: int
    num_hidden_units: int


class HiddenUnitRemoved(NetworkEdited):
    """``DELETE /network/hidden-units/{idx}``."""

    removed_index: int
    num_hidden_units: int


class DecisionBoundary(TypedDict):
    """``GET /decision-boundary``: the predicted class at each point of a square grid."""

    resolution: int
    x_range: list[float]
    y_range: list[float]
    grid_x: list[list[float]]
    grid_y: list[list[float]]
    predictions: list[list[int]]


NetworkResponse: TypeAlias = Envelope[NetworkInfo]
NetworkDeletedResponse: TypeAlias = Envelope[NetworkDeleted]
TopologyResponse: TypeAlias = Envelope[TopologyData]
NetworkStatsResponse: TypeAlias = Envelope[NetworkStats]
WeightsPatchedResponse: TypeAlias = Envelope[NetworkEdited]
HiddenUnitAddedResponse: TypeAlias = Envelope[HiddenUnitAdded]
HiddenUnitRemovedResponse: TypeAlias = Envelope[HiddenUnitRemoved]
DecisionBoundaryResponse: TypeAlias = Envelope[DecisionBoundary]
