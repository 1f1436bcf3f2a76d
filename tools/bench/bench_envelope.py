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


def _state(rng: random.Random, seq: int) -> dict[str, Any]:
    phase = rng.choice(["Output", "Candidate"])
    return {"type": "state", **_stamp(seq), "data": {"status": "Started", "phase": phase}}


def _topology(rng: random.Random, seq: int) -> dict[str, Any]:
    inputs, units = 2, 50
    hidden = [
        {
            "id": unit,
            "activation": "sigmoid",
            "bias": rng.uniform(-1, 1),
            "weights": [rng.uniform(-1, 1) for _ in range(inputs + unit)],
        }
        for unit in range(units)
    ]
    data = {
        "input_size": inputs,
        "output_size": 1,
        "hidden_units": hidden,
        "output_weights": [[rng.uniform(-1, 1) for _ in range(inputs + units)]],
    }
    return {"type": "topology", **_stamp(seq), "data": data}


def _cascade_add(rng: random.Random, seq: int) -> dict[str, Any]:
    unit = {"id": seq % 50, "activation": "tanh", "correlation": rng.random()}
    return {"type": "cascade_add", **_stamp(seq), "data": unit}


def _candidate_progress(rng: random.Random, seq: int) -> dict[str, Any]:
    data = {"candidate_id": seq % 8, "epoch": seq % 100, "correlation": rng.random()}
    return {"type": "candidate_progress", **_stamp(seq), "data": data}


def _unknown(rng: random.Random, seq: int) -> dict[str, Any]:
    return {"type": f"future_{seq % 4}", **_stamp(seq), "data": {"x": rng.random()}}


def _malformed(rng: random.Random, seq: int) -> str:
    return json.dumps(_metrics(rng, seq))[: rng.randrange(5, 60)]  # a truncated frame


KINDS: dict[str, tuple[Callable[[random.Random, int], dict[str, Any] | str], int]] = {
    "metrics": (_metrics, 80),
    "state": (_state, 3),
    "topology": (_topology, 2),
    "cascade_add": (_cascade_add, 2),
    "candidate_progress": (_candidate_progress, 8),
    "unknown": (_unknown, 3),
    "malformed": (_malformed, 2),
}
"""Frame kinds of the corpus and their weights (percent)."""


def build_corpus(kinds: list[str], size: int = CORPUS_SIZE, seed: int = 7) -> list[str]:
    """Return ``size`` frame texts drawn from ``kinds`` by their weights."""
    rng = random.Random(seed)
    weights = [KINDS[kind][1] for kind in kinds]
    corpus = []
    for seq, kind in enumerate(rng.choices(kinds, weights, k=size), start=1):
        frame = KINDS[kind][0](rng, seq)
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


def measure(corpus: list[str]) -> dict[str, float]:
    """Frames per second of the three paths over ``corpus``, from fresh unknown labels."""
    reset_unknown_label_state()
    return {
        "json.loads": best_rate(loads_only, corpus),
        "json.loads + model_validate": best_rate(naive, corpus),
        "validate_envelope(text)": best_rate(validate_envelope, corpus),
    }


def main() -> int:
    corpus = build_corpus(list(KINDS))
    megabytes = sum(len(text) for text in corpus) / 1e6
    mix = ", ".join(f"{kind} {weight}%" for kind, (_, weight) in KINDS.items())
    print(f"mixed corpus: {len(corpus)} frames, {megabytes:.2f} MB ({mix})")
    rates = measure(corpus)
    for name, rate in rates.items():
        print(f"  {name:<30} {rate:>10,.0f} frames/s")
    ours = rates["validate_envelope(text)"]
    ratio = ours / rates["json.loads"]
    print(f"  ratio vs json.loads: {ratio:.2f}x (budget >= {BUDGET:.1f}x)")
    print(f"  ratio vs naive path: {ours / rates['json.loads + model_validate']:.2f}x")
    print("single-kind corpora (for information, ratio vs json.loads / vs naive):")
    for kind in KINDS:
        single = measure(build_corpus([kind], size=CORPUS_SIZE // 4))
        mine = single["validate_envelope(text)"]
        versus_loads = mine / single["json.loads"]
        versus_naive = mine / single["json.loads + model_validate"]
        print(f"  {kind:<20} {mine:>10,.0f} frames/s  {versus_loads:.2f}x / {versus_naive:.2f}x")
    print(f"{'PASS' if ratio >= BUDGET else 'OVER'}: validate_envelope at {ratio:.2f}x json.loads")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
