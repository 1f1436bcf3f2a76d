"""Throughput of ``validate_envelope`` on raw frame text, against ``json.loads`` alone and
against the naive ``json.loads`` + per-type ``model_validate`` path, measured in the same run.

Budget: ``validate_envelope(text)`` parses *and* validates at least as fast as ``json.loads``
only parses (ratio >= 1.0). Run: ``.venv/bin/python tools/bench/bench_envelope.py``.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from juniper_cascor_protocol.envelope import (
    KNOWN_ENVELOPES,
    reset_unknown_label_state,
    validate_envelope,
)

BUDGET = 1.0
CORPUS_SIZE = 2_000
REPEATS = 7


def _stamp(seq: int) -> dict[str, Any]:
    return {"timestamp": 1_700_000_000.0 + seq / 10, "seq": seq, "emitted_at_monotonic": seq * 0.1}


def _metrics(rng: random.Random, seq: int) -> dict[str, Any]:
    data = {
        "epoch": seq,
        "train_loss": rng.random(),
        "train_accuracy": rng.random(),
        "val_loss": rng.random(),
        "val_accuracy": rng.random(),
        "hidden_units": rng.randrange(50),
        "phase": "output",
    }
    return {"type": "metrics", **_stamp(seq), "data": data}


def _topology(rng: random.Random, seq: int) -> dict[str, Any]:
    inputs = 2
    units = [
        {
            "id": unit,
            "activation": "sigmoid",
            "bias": rng.uniform(-1, 1),
            "weights": [rng.uniform(-1, 1) for _ in range(inputs + unit)],
        }
        for unit in range(50)
    ]
    data = {
        "input_size": inputs,
        "output_size": 1,
        "hidden_units": units,
        "output_weights": [[rng.uniform(-1, 1) for _ in range(inputs + 50)]],
    }
    return {"type": "topology", **_stamp(seq), "data": data}


def _other(rng: random.Random, seq: int, kind: int) -> dict[str, Any] | str:
    if kind == 0:
        return {"type": "state", **_stamp(seq), "data": {"status": "Started", "phase": "Output"}}
    if kind == 1:
        unit = {"id": seq % 50, "activation": "tanh", "correlation": rng.random()}
        return {"type": "cascade_add", **_stamp(seq), "data": unit}
    if kind == 2:
        data = {"candidate_id": seq % 8, "epoch": seq % 100, "correlation": rng.random()}
        return {"type": "candidate_progress", **_stamp(seq), "data": data}
    if kind == 3:
        return {"type": "future_frame", **_stamp(seq), "data": {"x": 1}}
    return '{"type": "metrics", "data": '  # malformed: truncated JSON


def build_corpus(size: int = CORPUS_SIZE, seed: int = 7) -> list[str]:
    """Return ``size`` frame texts: ~80% metrics, 5% candidate_progress, and state, topology
    (50 hidden units), cascade_add, an unknown type and truncated JSON at ~2-3% each."""
    rng = random.Random(seed)
    corpus = []
    for seq in range(1, size + 1):
        roll = rng.random()
        frame: dict[str, Any] | str
        if roll < 0.80:
            frame = _metrics(rng, seq)
        elif roll < 0.82:
            frame = _topology(rng, seq)
        elif roll < 0.87:
            frame = _other(rng, seq, 2)
        else:
            frame = _other(rng, seq, int((roll - 0.87) / 0.13 * 4) % 5)
        corpus.append(frame if isinstance(frame, str) else json.dumps(frame))
    return corpus


def loads_only(text: str) -> object:
    """``json.loads`` that swallows the malformed frames of the corpus, as a consumer must."""
    try:
        return json.loads(text)
    except ValueError:
        return None


def naive(text: str) -> object:
    """The path this package replaces: parse, then validate with the type's model."""
    try:
        obj = json.loads(text)
    except ValueError:
        return None
    kind = obj.get("type") if isinstance(obj, dict) else None
    model = KNOWN_ENVELOPES.get(kind) if isinstance(kind, str) else None
    if model is None:
        return None
    try:
        return model.model_validate(obj)
    except ValidationError:
        return None


def best_rate(function: Callable[[str], object], corpus: list[str]) -> float:
    """Frames per second of ``function`` over ``corpus``, best of ``REPEATS`` passes."""
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        for text in corpus:
            function(text)
        best = min(best, time.perf_counter() - start)
    return len(corpus) / best


def main() -> int:
    corpus = build_corpus()
    reset_unknown_label_state()
    megabytes = sum(len(text) for text in corpus) / 1e6
    print(f"corpus: {len(corpus)} frames, {megabytes:.2f} MB")
    rates = {
        "json.loads": best_rate(loads_only, corpus),
        "json.loads + model_validate": best_rate(naive, corpus),
        "validate_envelope(text)": best_rate(validate_envelope, corpus),
    }
    for name, rate in rates.items():
        print(f"{name:<30} {rate:>12,.0f} frames/s")
    ours = rates["validate_envelope(text)"]
    ratio = ours / rates["json.loads"]
    print(f"ratio vs json.loads: {ratio:.2f}x (budget >= {BUDGET:.1f}x)")
    print(f"ratio vs naive path: {ours / rates['json.loads + model_validate']:.2f}x")
    print(f"{'PASS' if ratio >= BUDGET else 'OVER'}: validate_envelope at {ratio:.2f}x json.loads")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
