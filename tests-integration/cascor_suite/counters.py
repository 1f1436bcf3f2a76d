"""Reading ``juniper_cascor_client_unrecognized_ws_frames_total`` from the default registry."""

from __future__ import annotations

from prometheus_client import REGISTRY

from juniper_cascor_client_streams import UNRECOGNIZED_FRAMES_METRIC

__all__ = ["unrecognized_frames"]


def unrecognized_frames(endpoint: str, frame_type: str | None = None) -> float:
    """The counter's total for ``endpoint`` (and ``frame_type`` when given); 0 before the first
    unrecognised frame of the process created it."""
    total = 0.0
    for family in REGISTRY.collect():
        for sample in family.samples:
            if sample.name != UNRECOGNIZED_FRAMES_METRIC:
                continue
            labels = sample.labels
            if labels.get("endpoint") == endpoint and frame_type in (None, labels.get("type")):
                total += sample.value
    return total
