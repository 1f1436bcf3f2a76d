"""Activations: names, derivatives against finite differences, values against torch's.

``data/activations.npz`` holds, for inputs ``z`` (2013 values, so that torch's kernels run both
their vectorised part and their scalar tail) and upstream gradients ``g``, torch's
``y = act(z)`` and autograd gradient for every supported name
(``tools/capture_worker_goldens.py activations``).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from juniper_cascor_numpy_worker.activations import ACTIVATION_NAMES, activation_for
from juniper_cascor_numpy_worker.candidate import CandidateError
from juniper_cascor_numpy_worker.smooth_activations import erf
from juniper_cascor_numpy_worker.vector_math import (
    VECTOR_STEP,
    sleef_exp,
    sleef_expm1,
    sleef_log1p,
    sleef_tanh,
    torch_kernel,
)

TORCH = np.load(Path(__file__).parent / "data" / "activations.npz")
REQUIRED = [
    "Tanh",
    "Sigmoid",
    "ReLU",
    "LeakyReLU",
    "ELU",
    "SELU",
    "Softplus",
    "GELU",
    "SiLU",
    "Hardtanh",
    "Identity",
    "Linear",
    "Softsign",
    "Tanhshrink",
    "Softmax",
    "Softshrink",
]
# Equal to torch bit for bit, values and gradients, on vectorised part and tail alike.
EXACT = [
    "CELU",
    "ELU",
    "Hardshrink",
    "Hardsigmoid",
    "Hardswish",
    "Hardtanh",
    "Identity",
    "LeakyReLU",
    "Linear",
    "PReLU",
    "ReLU",
    "ReLU6",
    "SELU",
    "SiLU",
    "Sigmoid",
    "Softshrink",
    "Softsign",
    "Threshold",
]
# Where torch's values come from MKL (tanh), the C library (scalar tails) or an erf / softmax
# kernel not reproduced: the measured largest difference, relative to max(1, |torch|).
CLOSE = {
    "Tanh": 1e-8,
    "Tanhshrink": 1e-8,
    "Softplus": 1e-8,
    "LogSigmoid": 2e-7,
    "Mish": 1e-7,
    "Softmax": 2e-7,
    "GELU": 1e-6,
}
# Where the kinks are, so that finite differences stay clear of them.
KINKS = np.array([0.0, 0.1, 0.5, -0.5, 1.0, -1.0, 3.0, -3.0, 6.0, 20.0])


def test_every_required_name_is_supported() -> None:
    assert set(REQUIRED) <= set(ACTIVATION_NAMES)
    assert set(ACTIVATION_NAMES) == set(EXACT) | set(CLOSE)


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("tanh", "Tanh"),
        ("TANH", "Tanh"),
        ("sigmoid", "Sigmoid"),
        ("relu", "ReLU"),
        ("Relu", "ReLU"),
        ("elu", "ELU"),
        ("identity", "Identity"),
        ("Linear", "Identity"),
        ("hardshrink", "Hardshrink"),
        ("softmax", "Softmax"),
    ],
)
def test_names_are_looked_up_as_the_torch_worker_does(name: str, canonical: str) -> None:
    assert activation_for(name).name == canonical


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("RReLU", "RReLU is not supported: its negative slopes are random"),
        ("GLU", "GLU is not supported: it halves its input"),
        ("leakyrelu", "unknown activation 'leakyrelu'"),
        ("Swish", "unknown activation 'Swish'; supported: CELU, ELU, GELU"),
        ("", "unknown activation ''"),
    ],
)
def test_unknown_and_unreproducible_names_raise(name: str, message: str) -> None:
    with pytest.raises(CandidateError, match=message):
        activation_for(name)


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_backward_is_the_derivative_of_forward(name: str) -> None:
    """The gradient along a random direction against a central difference in float64."""
    activation = activation_for(name)
    rng = np.random.default_rng(len(name))
    z = rng.uniform(-4, 4, 64)
    z = z[np.abs(z[:, None] - KINKS).min(axis=1) > 0.05].astype(np.float32)
    direction = rng.standard_normal(z.size)
    grad = rng.standard_normal(z.size).astype(np.float32)
    step = 1e-3

    def forward(values: np.ndarray) -> np.ndarray:
        return activation.forward(values.astype(np.float32)).astype(np.float64)

    difference = (forward(z + step * direction) - forward(z - step * direction)) / (2 * step)
    expected = float(np.dot(grad, difference))
    backward = activation.backward(z, activation.forward(z), grad).astype(np.float64)
    assert float(np.dot(backward, direction)) == pytest.approx(expected, rel=2e-2, abs=2e-3)


@pytest.mark.parametrize("name", EXACT)
def test_values_and_gradients_equal_torch_bit_for_bit(name: str) -> None:
    activation = activation_for(name)
    y = activation.forward(TORCH["z"])
    np.testing.assert_array_equal(y, TORCH[f"{name}_y"])
    np.testing.assert_array_equal(
        activation.backward(TORCH["z"], y, TORCH["g"]), TORCH[f"{name}_grad"]
    )


@pytest.mark.parametrize("name", sorted(CLOSE))
def test_values_and_gradients_are_within_the_measured_distance_of_torch(name: str) -> None:
    activation = activation_for(name)
    y = activation.forward(TORCH["z"])
    grad = activation.backward(TORCH["z"], y, TORCH["g"])
    for ours, key in ((y, f"{name}_y"), (grad, f"{name}_grad")):
        theirs = TORCH[key].astype(np.float64)
        error = np.abs(ours - theirs) / np.maximum(1.0, np.abs(theirs))
        assert error.max() <= CLOSE[name], key


def test_outputs_are_float32_and_keep_the_shape() -> None:
    z = np.linspace(-3, 3, 50, dtype=np.float32)
    for name in ACTIVATION_NAMES:
        activation = activation_for(name)
        y = activation.forward(z)
        grad = activation.backward(z, y, np.ones_like(z))
        assert (y.dtype, grad.dtype) == (np.float32, np.float32), name
        assert y.shape == grad.shape == z.shape, name


def test_erf_matches_the_standard_library() -> None:
    x = np.concatenate([np.linspace(-7, 7, 4001), [0.0, -0.0, 1e-300, 2.5, -2.5, 40.0, -40.0]])
    expected = np.array([math.erf(value) for value in x])
    np.testing.assert_allclose(erf(x), expected, rtol=0, atol=2e-15)
    assert math.copysign(1.0, float(erf(np.array([-0.0]))[0])) == -1.0


@pytest.mark.parametrize(
    ("function", "reference"),
    [(sleef_exp, np.exp), (sleef_expm1, np.expm1), (sleef_log1p, np.log1p), (sleef_tanh, np.tanh)],
)
def test_sleef_functions_are_within_one_ulp(function: object, reference: object) -> None:
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.standard_normal(5000) * scale for scale in (1e-3, 0.3, 3, 30)])
    x = x.astype(np.float32)
    if reference is np.log1p:
        x = np.abs(x)
    assert callable(function)
    assert callable(reference)
    with np.errstate(over="ignore"):
        ours = function(x).astype(np.float64)
        exact = reference(x.astype(np.float64))
        finite = np.isfinite(exact) & (np.abs(exact) < np.finfo(np.float32).max)
    ulp = np.spacing(np.abs(exact[finite]).astype(np.float32)).astype(np.float64)
    assert (np.abs(ours[finite] - exact[finite]) <= ulp).all()


def test_torch_kernel_uses_sleef_on_whole_steps_and_the_c_library_on_the_tail() -> None:
    # An input whose SLEEF exp is one ulp off the correctly rounded value.
    rng = np.random.default_rng(0)
    candidates = rng.standard_normal(10000).astype(np.float32)
    rounded = np.exp(candidates.astype(np.float64)).astype(np.float32)
    value = candidates[sleef_exp(candidates) != rounded][0]
    values = np.full(VECTOR_STEP + 5, value, np.float32)
    result = torch_kernel(sleef_exp, values)
    assert (result[:VECTOR_STEP] == sleef_exp(values[:1])[0]).all()
    assert (result[VECTOR_STEP:] == np.float32(math.exp(float(value)))).all()
