"""The activations a candidate can be trained with, by the names the server sends.

``activation_for(name)`` looks a name up as the torch worker does: the exact name, then its lower
case among the functional names (``tanh``, ``sigmoid``, ``relu``, ``elu``, ``identity``,
``hardshrink``, ``softmax``); ``Linear`` is ``Identity``. ``RReLU`` (random slopes in training
mode) and ``GLU`` (which halves its input) cannot be trained here and raise ``CandidateError``,
as does any unknown name (the torch worker would silently train a sigmoid instead). The
formulas live in ``piecewise_activations`` (exact) and ``smooth_activations``.
"""

from __future__ import annotations

from juniper_cascor_numpy_worker.activation_types import Activation
from juniper_cascor_numpy_worker.candidate_error import CandidateError
from juniper_cascor_numpy_worker.piecewise_activations import PIECEWISE_ACTIVATIONS
from juniper_cascor_numpy_worker.smooth_activations import SMOOTH_ACTIVATIONS

__all__ = ["ACTIVATION_NAMES", "Activation", "activation_for"]

_ACTIVATIONS = {
    name: Activation(name, *pair)
    for name, pair in {**PIECEWISE_ACTIVATIONS, **SMOOTH_ACTIVATIONS}.items()
}
_ACTIVATIONS["Linear"] = _ACTIVATIONS["Identity"]
_LOWERCASE = {
    name.lower(): _ACTIVATIONS[name]
    for name in ("Identity", "Tanh", "Sigmoid", "ReLU", "ELU", "Hardshrink", "Softmax")
}
_UNREPRODUCIBLE = {
    "RReLU": "its negative slopes are random draws in training mode",
    "GLU": "it halves its input, so its output cannot match the residual error's rows",
}

ACTIVATION_NAMES: tuple[str, ...] = tuple(sorted(_ACTIVATIONS))
"""Every TitleCase name ``activation_for`` accepts (the lower-case functional names aside)."""


def activation_for(name: str) -> Activation:
    """The activation the torch worker would use for ``name``.

    Raises:
        CandidateError: When ``name`` is unknown or names an activation that cannot be
            reproduced (``RReLU``, ``GLU``).
    """
    found = _ACTIVATIONS.get(name) or _LOWERCASE.get(name.lower())
    if found is not None:
        return found
    if name in _UNREPRODUCIBLE:
        raise CandidateError(f"activation {name} is not supported: {_UNREPRODUCIBLE[name]}")
    raise CandidateError(f"unknown activation {name!r}; supported: {', '.join(ACTIVATION_NAMES)}")
