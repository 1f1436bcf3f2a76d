"""Fuzz ``validate_envelope`` with many more examples than the test suite runs.

It draws from the strategies of ``packages/protocol-envelope/tests/test_fuzz.py`` (objects, their
text and bytes, lone surrogates in keys, values and types), calls ``validate_envelope`` on each
input, and counts the inputs for which it raised.
Run from the workspace root::

    uv run python tools/fuzz_envelope.py [--examples N]

Prints the number of examples, the number that escaped and the time taken, and exits non-zero
when any escaped (the first few are printed).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from juniper_cascor_protocol.envelope import validate_envelope

STRATEGIES = Path(__file__).parent.parent / "packages/protocol-envelope/tests/test_fuzz.py"
SHOWN = 5


def load_strategies() -> ModuleType:
    """Import the envelope fuzz test module, which holds the strategies, by its path.

    Raises:
        ImportError: When the module cannot be loaded.
    """
    spec = importlib.util.spec_from_file_location("envelope_fuzz_strategies", STRATEGIES)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {STRATEGIES}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fuzz(inputs: st.SearchStrategy[Any], examples: int) -> tuple[int, list[str]]:
    """Run up to ``examples`` inputs through ``validate_envelope``.

    Returns:
        The number of inputs tried and a line per escape.

    Raises:
        Nothing of the inputs: every escape is recorded, not raised.
    """
    escapes: list[str] = []
    tried = 0

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(inputs)
    def run(value: Any) -> None:
        nonlocal tried
        tried += 1
        try:
            validate_envelope(value)
        except Exception as exc:  # counting what escapes is the point
            escapes.append(f"{type(exc).__name__} for {value!r:.200}")

    run()
    return tried, escapes


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, fuzz, print the figures; return the exit status.

    Raises:
        SystemExit: On bad arguments.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100_000, help="inputs to try")
    args = parser.parse_args(argv)
    inputs = load_strategies().inputs
    started = time.perf_counter()
    tried, escapes = fuzz(inputs, args.examples)
    elapsed = time.perf_counter() - started
    print(f"{tried} examples, {len(escapes)} escaped, {elapsed:.1f} s")
    for line in escapes[:SHOWN]:
        print(f"  {line}")
    return 1 if escapes else 0


if __name__ == "__main__":
    sys.exit(main())
