"""The cascade network: inputs, frozen hidden units in a cascade, and trainable outputs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from juniper_cascor_fake_server.learner.activations import activation_by_name, sigmoid

__all__ = ["CascadeNetwork", "HiddenUnit"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class HiddenUnit:
    """An installed hidden unit. Its weights are frozen: the arrays are read-only copies.

    ``weights`` has one entry per input and per earlier hidden unit (the cascade).
    """

    index: int
    weights: FloatArray
    bias: float
    activation: str
    correlation: float
    installed_at_epoch: int

    def __post_init__(self) -> None:
        frozen = np.array(self.weights, dtype=np.float64, copy=True)
        frozen.setflags(write=False)
        object.__setattr__(self, "weights", frozen)

    def to_dict(self) -> dict[str, Any]:
        """The unit as JSON-ready data."""
        return {
            "id": f"hidden_{self.index}",
            "index": self.index,
            "weights": self.weights.tolist(),
            "bias": self.bias,
            "activation": self.activation,
            "correlation": self.correlation,
            "installed_at_epoch": self.installed_at_epoch,
            "fan_in": int(self.weights.shape[0]),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HiddenUnit:
        """Rebuild a unit from ``to_dict`` output.

        Raises:
            KeyError, TypeError, ValueError: when ``data`` is not such output.
        """
        return cls(
            index=int(data["index"]),
            weights=np.asarray(data["weights"], dtype=np.float64),
            bias=float(data["bias"]),
            activation=str(data["activation"]),
            correlation=float(data["correlation"]),
            installed_at_epoch=int(data["installed_at_epoch"]),
        )


class CascadeNetwork:
    """Inputs plus hidden units in a cascade, feeding sigmoid outputs through one weight matrix.

    ``output_weights`` has shape (input_size + len(hidden) + 1, output_size); its last row is
    the output bias.
    """

    def __init__(self, input_size: int, output_size: int, rng: np.random.Generator) -> None:
        self.input_size = input_size
        self.output_size = output_size
        self.hidden: list[HiddenUnit] = []
        self.output_weights: FloatArray = rng.uniform(-0.1, 0.1, (input_size + 1, output_size))

    @property
    def feature_count(self) -> int:
        """Inputs plus hidden units (the columns a new candidate receives)."""
        return self.input_size + len(self.hidden)

    def features(self, x: FloatArray) -> FloatArray:
        """Inputs followed by every hidden unit's value, each unit fed by all columns before it."""
        columns = np.empty((x.shape[0], self.feature_count))
        columns[:, : self.input_size] = x
        for unit in self.hidden:
            width = unit.weights.shape[0]
            net = columns[:, :width] @ unit.weights + unit.bias
            columns[:, width] = activation_by_name(unit.activation).forward(net)
        return columns

    def outputs_from_features(self, biased_features: FloatArray) -> FloatArray:
        """Sigmoid outputs for precomputed features that end with a bias column (``with_bias``)."""
        return sigmoid(biased_features @ self.output_weights)

    def predict(self, x: FloatArray) -> FloatArray:
        """Network outputs for inputs ``x`` of shape (n, input_size)."""
        return self.outputs_from_features(with_bias(self.features(x)))

    def install(self, unit: HiddenUnit, rng: np.random.Generator) -> None:
        """Append ``unit`` and give it a small output weight per output, before the bias row."""
        if unit.weights.shape[0] != self.feature_count:
            raise ValueError("unit fan-in does not match the network")
        self.hidden.append(unit)
        row = rng.uniform(-0.1, 0.1, (1, self.output_size))
        self.output_weights = np.vstack([self.output_weights[:-1], row, self.output_weights[-1:]])

    def remove_last_unit(self) -> HiddenUnit:
        """Remove the newest hidden unit and its output weights.

        Raises:
            IndexError: when there is no hidden unit.
        """
        unit = self.hidden.pop()
        keep = np.ones(self.output_weights.shape[0], dtype=bool)
        keep[-2] = False
        self.output_weights = self.output_weights[keep]
        return unit

    def weight_count(self) -> int:
        """Trainable plus frozen weights, biases included."""
        frozen = sum(int(u.weights.shape[0]) + 1 for u in self.hidden)
        return frozen + int(self.output_weights.size)

    def to_dict(self) -> dict[str, Any]:
        """The full network as JSON-ready data (the topology frames and snapshots use it)."""
        return {
            "input_size": self.input_size,
            "output_size": self.output_size,
            "hidden_units": [unit.to_dict() for unit in self.hidden],
            "output_weights": self.output_weights.tolist(),
            "output_activation": "sigmoid",
            "total_units": self.input_size + len(self.hidden) + self.output_size,
            "total_weights": self.weight_count(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CascadeNetwork:
        """Rebuild a network from ``to_dict`` output.

        Raises:
            KeyError, TypeError, ValueError: when ``data`` is not such output.
        """
        network = cls(int(data["input_size"]), int(data["output_size"]), np.random.default_rng(0))
        network.hidden = [HiddenUnit.from_dict(unit) for unit in data["hidden_units"]]
        weights = np.asarray(data["output_weights"], dtype=np.float64)
        if weights.shape != (network.feature_count + 1, network.output_size):
            raise ValueError("output weights do not match the network")
        network.output_weights = weights
        return network


def with_bias(features: FloatArray) -> FloatArray:
    """``features`` with a trailing column of ones."""
    return np.hstack([features, np.ones((features.shape[0], 1))])
