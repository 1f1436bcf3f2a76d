"""Read-only views of the training state, in the real server's shapes.

``GET /v1/network``, ``/network/topology``, ``/network/stats``, ``/metrics``, ``/dataset`` and
``/dataset/data``, plus the ``topology`` and ``cascade_add`` frame data.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np

from juniper_cascor_fake_server.domain.errors import not_found
from juniper_cascor_fake_server.domain.params import canonical_activation
from juniper_cascor_fake_server.domain.state import TrainingState
from juniper_cascor_fake_server.learner import CascadeNetwork, HiddenUnit

__all__ = [
    "cascade_add",
    "dataset_data",
    "dataset_info",
    "latest_metrics",
    "network_info",
    "network_stats",
    "topology",
    "topology_of",
]


def topology_of(network: CascadeNetwork) -> dict[str, Any]:
    """``GET /v1/network/topology`` and the ``topology`` frames.

    ``output_weights`` has one row per input and hidden unit (one column per output);
    ``output_bias`` one value per output.
    """
    return {
        "input_size": network.input_size,
        "output_size": network.output_size,
        "hidden_units": [
            {
                "id": unit.index,
                "weights": unit.weights.tolist(),
                "bias": unit.bias,
                "activation": canonical_activation(unit.activation),
            }
            for unit in network.hidden
        ],
        "output_weights": network.output_weights[:-1].tolist(),
        "output_bias": network.output_weights[-1].tolist(),
    }


def cascade_add(unit: HiddenUnit, total: int) -> dict[str, Any]:
    """The data of a ``cascade_add`` frame."""
    return {
        "hidden_unit_index": unit.index,
        "correlation": unit.correlation,
        "total_hidden_units": total,
        "timestamp": datetime.now().isoformat(),
    }


def network_info(state: TrainingState) -> dict[str, Any]:
    """``GET|POST /v1/network``.

    Raises:
        ServiceError: 404 without a network.
    """
    with state.lock:
        network = state.require_network()
        return {
            "input_size": network.input_size,
            "output_size": network.output_size,
            "hidden_units": len(network.hidden),
            "max_hidden_units": state.params.max_hidden_units,
            "learning_rate": state.params.learning_rate,
            "uuid": state.network_uuid,
        }


def topology(state: TrainingState) -> dict[str, Any]:
    """``GET /v1/network/topology``.

    Raises:
        ServiceError: 404 without a network.
    """
    with state.lock:
        return topology_of(state.require_network())


def network_stats(state: TrainingState) -> dict[str, Any]:
    """``GET /v1/network/stats``: statistics of the output weights.

    Raises:
        ServiceError: 404 without a network.
    """
    with state.lock:
        network = state.require_network()
        weights = network.output_weights[:-1]
        return {
            "total_hidden_units": len(network.hidden),
            "output_weight_mean": float(np.mean(weights)),
            "output_weight_std": float(np.std(weights)),
            "output_weight_min": float(np.min(weights)),
            "output_weight_max": float(np.max(weights)),
        }


def latest_metrics(state: TrainingState) -> dict[str, Any]:
    """``GET /v1/metrics``: the newest epoch's values (``None`` before the first epoch).

    Raises:
        ServiceError: 404 without a network.
    """
    with state.lock:
        network = state.require_network()
        latest = state.history[-1] if state.history else {}
        return {
            "epoch": state.epochs_done,
            "train_loss": latest.get("loss"),
            "train_accuracy": latest.get("accuracy"),
            "val_loss": latest.get("validation_loss"),
            "val_accuracy": latest.get("validation_accuracy"),
            "hidden_units": len(network.hidden),
            "timestamp": datetime.now().isoformat(),
            "dataset_shortfall": None,
            "f1": None,
            "precision": None,
            "recall": None,
            "roc_auc": None,
            "eval_metrics": {
                "enabled": False,
                "average": "macro",
                "split": None,
                "n_samples": None,
                "n_classes": None,
                "undefined": {},
                "final": None,
            },
        }


def dataset_info(state: TrainingState) -> dict[str, Any]:
    """``GET /v1/dataset``: ``{"loaded": false}`` until a run has loaded data."""
    with state.lock:
        data = state.data
        if data is None:
            return {"loaded": False}
        return {
            "loaded": True,
            "train_samples": len(data.train),
            "val_samples": len(data.validation) if data.validation else 0,
            "test_samples": len(data.test) if data.test else 0,
            "input_features": data.train.input_size,
            "output_features": data.train.output_size,
        }


def dataset_data(state: TrainingState) -> dict[str, Any]:
    """``GET /v1/dataset/data``: ``train_x``/``train_y`` (and ``val_*``/``test_*`` when loaded).

    Raises:
        ServiceError: 404 "No dataset loaded".
    """
    with state.lock:
        data = state.data
        if data is None:
            raise not_found("No dataset loaded")
        result: dict[str, Any] = {
            "train_x": data.train.x.tolist(),
            "train_y": data.train.y.tolist(),
        }
        for part, dataset in (("val", data.validation), ("test", data.test)):
            if dataset is not None:
                result[f"{part}_x"] = dataset.x.tolist()
                result[f"{part}_y"] = dataset.y.tolist()
        return result
