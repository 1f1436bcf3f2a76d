"""The shape of a candidate activation: a forward function and its autograd backward."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

from juniper_cascor_numpy_worker.float32_ops import Float32Array

__all__ = ["Activation", "Backward", "Forward", "Pair"]

Forward: TypeAlias = Callable[[Float32Array], Float32Array]
"""``z -> y``, float32 to float32."""
Backward: TypeAlias = Callable[[Float32Array, Float32Array, Float32Array], Float32Array]
"""``(z, y, grad_y) -> grad_z``, the gradient through the activation."""
Pair: TypeAlias = tuple[Forward, Backward]


@dataclass(frozen=True)
class Activation:
    """An activation function and its autograd backward.

    Attributes:
        name: The canonical (TitleCase) name.
        forward: ``z -> y``, float32 to float32.
        backward: ``(z, y, grad_y) -> grad_z``, the gradient through the activation.
    """

    name: str
    forward: Forward
    backward: Backward
