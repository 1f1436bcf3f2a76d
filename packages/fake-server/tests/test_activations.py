"""Activations by their TitleCase names: values, derivatives and lookups."""

from __future__ import annotations

import math

import numpy as np
import pytest

from juniper_cascor_fake_server.learner.activations import ACTIVATIONS, activation_by_name

# f(x) at a few points, as the usual definitions (and torch's defaults) give them.
REFERENCE = {
    "Tanh": {1.0: math.tanh(1.0)},
    "Sigmoid": {0.0: 0.5, 2.0: 1 / (1 + math.exp(-2.0))},
    "ReLU": {-1.0: 0.0, 2.0: 2.0},
    "LeakyReLU": {-2.0: -0.02, 3.0: 3.0},
    "ELU": {-1.0: math.exp(-1.0) - 1.0, 2.0: 2.0},
    "SELU": {-1.0: -1.1113307378125628, 1.0: 1.0507009873554805},
    "Softplus": {0.0: math.log(2.0), 50.0: 50.0},
    "GELU": {1.0: 0.8413447460685429, -1.0: -0.15865525393145707},
    "SiLU": {1.0: 1 / (1 + math.exp(-1.0))},
    "Hardtanh": {-3.0: -1.0, 0.25: 0.25, 2.0: 1.0},
    "Identity": {-4.0: -4.0},
    "Softsign": {1.0: 0.5, -3.0: -0.75},
    "Tanhshrink": {1.0: 1.0 - math.tanh(1.0)},
}


def test_every_activation_has_reference_values() -> None:
    assert set(REFERENCE) == set(ACTIVATIONS)


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_values(name: str) -> None:
    points = REFERENCE[name]
    net = np.array(list(points))
    np.testing.assert_allclose(ACTIVATIONS[name].forward(net), list(points.values()), rtol=1e-9)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivatives_match_finite_differences(name: str) -> None:
    activation = ACTIVATIONS[name]
    net = np.array([-2.5, -0.7, -0.2, 0.3, 0.6, 1.7, 2.4])  # away from the kinks at 0 and +-1
    step = 1e-6
    numeric = (activation.forward(net + step) - activation.forward(net - step)) / (2 * step)
    analytic = activation.derivative(net, activation.forward(net))
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize(
    ("spelling", "name"),
    [("Tanh", "Tanh"), ("tanh", "Tanh"), ("relu", "ReLU"), ("LEAKYRELU", "LeakyReLU"),
     ("Linear", "Identity"), ("gelu", "GELU")],
)  # fmt: skip
def test_lookups_ignore_case(spelling: str, name: str) -> None:
    assert activation_by_name(spelling).name == name


@pytest.mark.parametrize("name", ["Softmax", "GLU", "", "tan h"])
def test_unknown_names_raise_key_error(name: str) -> None:
    with pytest.raises(KeyError, match="unknown activation"):
        activation_by_name(name)


def test_large_inputs_do_not_overflow() -> None:
    net = np.array([-800.0, 800.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        for activation in ACTIVATIONS.values():
            assert np.isfinite(activation.forward(net)).all(), activation.name
