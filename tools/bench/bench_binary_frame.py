"""Cost of ``BinaryFrame`` encode and decode against one ``np.copy`` of the same array.

Measured in the same run for float32 arrays of 128x128 (64 KiB) and 1024x1024 (4 MiB):
``encode`` and ``decode(copy=True)`` each against one ``np.copy`` (budget: at most 1.3x one
copy at 4 MiB, i.e. the payload is copied once), and ``decode(copy=False)`` in absolute
time (budget: under 10 us at both sizes, i.e. independent of the payload size).
Run: ``.venv/bin/python tools/bench/bench_binary_frame.py``.
"""

from __future__ import annotations

import timeit
from collections.abc import Callable
from functools import partial

import numpy as np

from juniper_cascor_protocol.worker import BinaryFrame

COPY_BUDGET = 1.3
VIEW_BUDGET_US = 10.0
REPEATS = 9
SHAPES = ((128, 128), (1024, 1024))


def _best_seconds(operation: Callable[[], object], target_seconds: float = 0.05) -> float:
    """Best per-call time over ``REPEATS`` batches sized to take about ``target_seconds``."""
    timer = timeit.Timer(operation)
    calls, elapsed = timer.autorange()
    batch = max(1, int(calls * target_seconds / max(elapsed, 1e-9)))
    return min(timer.repeat(repeat=REPEATS, number=batch)) / batch


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "OVER"


def main() -> None:
    """Measure and print every ratio and budget line."""
    rng = np.random.default_rng(0)
    view_times: list[float] = []
    for shape in SHAPES:
        array = rng.standard_normal(shape, dtype=np.float32)
        frame = BinaryFrame.encode(array)
        label = f"float32 {shape[0]}x{shape[1]} ({array.nbytes // 1024} KiB)"
        copy = _best_seconds(partial(np.copy, array))
        encode = _best_seconds(partial(BinaryFrame.encode, array))
        decode = _best_seconds(partial(BinaryFrame.decode, frame))
        view = _best_seconds(partial(BinaryFrame.decode, frame, copy=False))
        view_times.append(view)
        print(f"{label}: np.copy {copy * 1e6:9.1f} us")
        print(f"  encode             {encode * 1e6:9.1f} us  = {encode / copy:5.2f}x one copy")
        print(f"  decode(copy=True)  {decode * 1e6:9.1f} us  = {decode / copy:5.2f}x one copy")
        print(f"  decode(copy=False) {view * 1e6:9.2f} us")
        if shape == SHAPES[-1]:
            for name, seconds in (("encode", encode), ("decode(copy=True)", decode)):
                ratio = seconds / copy
                print(
                    f"{_verdict(ratio <= COPY_BUDGET)} {name} at 4 MiB: {ratio:.2f}x one copy "
                    f"(budget <= {COPY_BUDGET}x)"
                )
    for shape, seconds in zip(SHAPES, view_times, strict=True):
        micros = seconds * 1e6
        print(
            f"{_verdict(micros < VIEW_BUDGET_US)} decode(copy=False) {shape[0]}x{shape[1]}: "
            f"{micros:.2f} us (budget < {VIEW_BUDGET_US:g} us)"
        )
    print(f"decode(copy=False) 4 MiB / 64 KiB time ratio: {view_times[1] / view_times[0]:.2f}")


if __name__ == "__main__":
    main()
