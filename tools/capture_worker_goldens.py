"""Capture the torch candidate worker's results as goldens, and check the facts they rest on.

Run it with the Python of an environment holding the real worker (torch,
juniper-cascor-worker 0.6.1 and juniper-cascor-model), never with the workspace's:

    /path/to/real-venv/bin/python tools/capture_worker_goldens.py goldens
    /path/to/real-venv/bin/python tools/capture_worker_goldens.py activations
    /path/to/real-venv/bin/python tools/capture_worker_goldens.py facts

- ``goldens`` builds ``task_assign`` messages (the real server's fields), trains each with the
  real worker's ``execute_training_task`` and writes ``torch_<label>.json`` (``task_assign`` and
  ``task_result_torch_worker``) and ``torch_<label>.npz`` (``assign_*`` and ``result_*``
  tensors) to ``packages/numpy-worker/tests/data``, the layout of the captured ``allNN`` files.
- ``activations`` writes ``activations.npz`` there: for every activation the numpy worker
  supports, inputs ``z`` and upstream gradients ``g`` with torch's ``y = act(z)`` and the
  autograd gradient ``dL/dz``.
- ``facts`` writes ``reductions.npz`` (torch's single-threaded sums, strided sums, dot products
  and norms of vectors of many lengths, and row and column sums of matrices) and
  ``seeding.json`` (the real ``CandidateUnit``'s initial weights and bias for several seeds,
  sizes and ``sequence_max_value``), which the numpy worker's tests compare bit for bit.

The real packages are imported only when the script runs; the numpy worker is imported from
this checkout's source tree (``activations`` takes its list of names from there).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "packages" / "numpy-worker" / "tests" / "data"
sys.path.insert(0, str(ROOT / "packages" / "numpy-worker" / "src"))

F = np.float32


def _torch() -> Any:
    return importlib.import_module("torch")


def _dataset(kind: str, rows: int, inputs: int, outputs: int, seed: int) -> dict[str, Any]:
    """Inputs, targets and a residual error of a small problem."""
    rng = np.random.default_rng(seed)
    if kind == "xor":
        x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], F)[:, :inputs]
        y = np.array([[1, 0], [0, 1], [0, 1], [1, 0]], F)[:, :outputs]
    elif kind == "parity":
        bits = (np.arange(rows)[:, None] >> np.arange(inputs)) & 1
        x = bits.astype(F)
        parity = bits.sum(axis=1) % 2
        y = np.stack([parity, 1 - parity], axis=1).astype(F)[:, :outputs]
    else:
        x = rng.standard_normal((rows, inputs)).astype(F)
        y = np.tanh(x @ rng.standard_normal((inputs, outputs))).astype(F)
    prediction = np.tanh(x @ rng.standard_normal((x.shape[1], y.shape[1])) * 0.3)
    return {"candidate_input": x, "y": y, "residual_error": (y - prediction).astype(F)}


def _assign(
    label: str,
    tensors: dict[str, np.ndarray],
    *,
    activation: str,
    seed: int,
    index: int = 1,
    epochs: int = 200,
    learning_rate: float = 0.05,
    sequence_max_value: int = 100,
) -> dict[str, Any]:
    x = tensors["candidate_input"]
    return {
        "type": "task_assign",
        "task_id": f"golden-{label}",
        "round_id": "golden",
        "candidate_index": index,
        "candidate_data": {
            "input_size": int(x.shape[1]),
            "activation_name": activation,
            "random_value_scale": 0.1,
            "candidate_uuid": f"uuid-{label}",
            "candidate_seed": seed,
            "random_max_value": 4294967295,
            "sequence_max_value": sequence_max_value,
        },
        "training_params": {"epochs": epochs, "learning_rate": learning_rate},
        "tensor_manifest": {
            name: {"shape": list(array.shape), "dtype": "float32"}
            for name, array in tensors.items()
        },
    }


def _cases() -> list[tuple[str, dict[str, np.ndarray], dict[str, Any]]]:
    """(label, tensors, assign options) of every golden."""
    xor = _dataset("xor", 4, 2, 2, 0)
    parity3 = _dataset("parity", 8, 3, 2, 1)
    parity4 = _dataset("parity", 16, 4, 2, 7)
    medium = _dataset("random", 120, 3, 2, 2)
    vectorised = _dataset("random", 128, 3, 2, 8)  # no scalar tail in torch's kernels
    tanh: list[tuple[str, dict[str, np.ndarray], dict[str, Any]]] = [
        ("tanh_parity3", parity3, {"seed": 11}),
        ("tanh_large", _dataset("random", 1000, 10, 3, 3), {"seed": 12}),
        ("tanh_wide_inputs", _dataset("random", 60, 20, 2, 4), {"seed": 13}),
        ("tanh_one_output", _dataset("random", 50, 3, 1, 5), {"seed": 14}),
        ("tanh_one_row", _dataset("random", 1, 2, 2, 6), {"seed": 15}),
        ("tanh_no_epochs", medium, {"seed": 16, "epochs": 0}),
        ("tanh_sequence_0", medium, {"seed": 17, "sequence_max_value": 0}),
        ("tanh_sequence_2pow40", medium, {"seed": 18, "sequence_max_value": 2**40}),
        ("tanh_seed_zero", medium, {"seed": 0, "index": 0}),
        ("tanh_seed_too_large", medium, {"seed": 2**32 - 1, "index": 3}),
    ]
    cases = [(label, data, {"activation": "Tanh", **options}) for label, data, options in tanh]
    cases += [
        ("sigmoid_xor", xor, {"activation": "Sigmoid", "seed": 21}),
        ("relu_xor", xor, {"activation": "ReLU", "seed": 22}),
        ("gelu_parity4", parity4, {"activation": "GELU", "seed": 23}),
        ("softplus_parity4", parity4, {"activation": "Softplus", "seed": 24}),
        ("relu_lowercase_medium", medium, {"activation": "relu", "seed": 25}),
    ]
    medium_names = [
        "Sigmoid",
        "ReLU",
        "LeakyReLU",
        "PReLU",
        "ELU",
        "CELU",
        "SELU",
        "SiLU",
        "Hardtanh",
        "ReLU6",
        "Identity",
        "Softsign",
        "Tanhshrink",
        "Softshrink",
        "Hardshrink",
        "Threshold",
        "Hardsigmoid",
        "Hardswish",
    ]
    for offset, name in enumerate(medium_names):
        cases.append((f"{name.lower()}_medium", medium, {"activation": name, "seed": 30 + offset}))
    for offset, name in enumerate(("Softplus", "Mish", "LogSigmoid")):
        cases.append((f"{name.lower()}_128", vectorised, {"activation": name, "seed": 60 + offset}))
    return cases


def capture_goldens(out: Path) -> None:
    """Train every case with the real worker and write its golden."""
    executor = importlib.import_module("juniper_cascor_worker.task_executor")
    for label, tensors, options in _cases():
        assign = _assign(label, tensors, **options)
        candidate_data = dict(assign["candidate_data"], candidate_index=assign["candidate_index"])
        result, outputs = executor.execute_training_task(
            candidate_data, assign["training_params"], tensors
        )
        result = {"type": "task_result", "task_id": assign["task_id"], **result}
        (out / f"torch_{label}.json").write_text(
            json.dumps({"task_assign": assign, "task_result_torch_worker": result}, indent=1)
        )
        arrays: dict[str, Any] = {f"assign_{name}": array for name, array in tensors.items()}
        arrays.update({f"result_{name}": np.asarray(array) for name, array in outputs.items()})
        np.savez(out / f"torch_{label}.npz", **arrays)
        print(f"{label}: success={result['success']} correlation={result['correlation']:.6f}")


def _activation_module(name: str) -> Callable[[Any], Any]:
    activation = importlib.import_module("utils.activation")
    module: Callable[[Any], Any] = activation.ActivationWithDerivative.ACTIVATION_MAP[name]
    return module


def capture_activations(out: Path) -> None:
    """Write torch's forward values and autograd gradients for each supported activation."""
    torch = _torch()
    names = importlib.import_module("juniper_cascor_numpy_worker.activations").ACTIVATION_NAMES
    rng = np.random.default_rng(7)
    z = np.concatenate(
        [rng.standard_normal(400) * scale for scale in (0.01, 0.3, 1, 3, 10)]
        + [np.array([0.0, -0.0, 0.5, -0.5, 1, -1, 3, -3, 6, 20, 20.5, -20.5, 0.1])]
    ).astype(F)
    g = rng.standard_normal(z.size).astype(F)
    arrays: dict[str, Any] = {"z": z, "g": g}
    for name in names:
        module = _activation_module("Identity" if name == "Linear" else name)
        zt = torch.from_numpy(z.copy()).requires_grad_(True)
        yt = module(zt) if name != "Softmax" else torch.softmax(zt, dim=-1)
        yt.backward(torch.from_numpy(g))
        arrays[f"{name}_y"] = yt.detach().numpy()
        arrays[f"{name}_grad"] = zt.grad.numpy()
    np.savez(out / "activations.npz", **arrays)
    print(f"activations.npz: {len(names)} activations over {z.size} inputs")


def _wide(rng: np.random.Generator, *shape: int) -> np.ndarray:
    """float32 values spread over many magnitudes, so that every summation order shows."""
    return (rng.standard_normal(shape) * np.exp(rng.uniform(-5, 5, shape))).astype(F)


REDUCTION_LENGTHS = [*range(1, 81), 127, 128, 129, 255, 256, 257, 511, 512, 513, 1000, 4097, 20000]
MATRIX_SHAPES = [(r, c) for r in (1, 4, 7, 8, 33, 200) for c in (1, 2, 3, 5, 8, 9, 33, 40)]
SEEDING_CASES = [
    (seed, index, size, high)
    for seed, index in ((1181241943, 1), (0, 0), (2**32 - 2, 1), (12345, 7))
    for size in (1, 2, 3, 15, 16, 17, 40)
    for high in (1, 100, 0, 2**40)
]


def capture_facts(out: Path) -> None:
    """Write torch's reductions (``reductions.npz``) and initial weights (``seeding.json``).

    Reductions run single-threaded: multi-threaded torch splits long ones across its threads.
    """
    torch = _torch()
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    arrays: dict[str, Any] = {}
    for n in REDUCTION_LENGTHS:
        v, w = _wide(rng, n), _wide(rng, n, 2)
        tv, tw = torch.from_numpy(v), torch.from_numpy(w)
        arrays[f"v{n}"], arrays[f"w{n}"] = v, w
        arrays[f"sums{n}"] = np.array(
            [
                tv.sum().item(),
                tw[:, 0].sum().item(),
                torch.dot(tv, tw[:, 0].contiguous()).item(),
                torch.linalg.norm(tv).item(),
            ],
            F,
        )
    for rows, columns in MATRIX_SHAPES:
        m = _wide(rng, rows, columns)
        tm = torch.from_numpy(m)
        arrays[f"m{rows}x{columns}"] = m
        arrays[f"rows{rows}x{columns}"] = tm.sum(dim=1).numpy()
        arrays[f"columns{rows}x{columns}"] = tm.sum(dim=0).numpy()
    np.savez(out / "reductions.npz", **arrays)
    cases = []
    for seed, index, size, high in SEEDING_CASES:
        weights, bias = _torch_initial_parameters(seed, index, size, high)
        cases.append(
            {
                "candidate_seed": seed,
                "candidate_index": index,
                "input_size": size,
                "sequence_max_value": high,
                "weights": weights.tolist(),
                "bias": bias.tolist(),
            }
        )
    (out / "seeding.json").write_text(json.dumps(cases, indent=1))
    print(f"reductions.npz: {len(REDUCTION_LENGTHS)} lengths; seeding.json: {len(cases)} cases")


def _torch_initial_parameters(seed: int, index: int, size: int, high: int) -> list[np.ndarray]:
    """The real CandidateUnit's initial weights and bias."""
    unit = importlib.import_module("candidate_unit.candidate_unit").CandidateUnit(
        CandidateUnit__input_size=size,
        CandidateUnit__random_seed=seed,
        CandidateUnit__candidate_index=index,
        CandidateUnit__sequence_max_value=high,
        CandidateUnit__random_value_scale=0.1,
        CandidateUnit__log_level_name="ERROR",
    )
    return [unit.weights.numpy(), unit.bias.numpy()]


def main() -> None:
    """Parse the command and run it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("goldens", "activations", "facts"))
    parser.add_argument("--out", type=Path, default=DATA)
    arguments = parser.parse_args()
    if arguments.command == "goldens":
        capture_goldens(arguments.out)
    elif arguments.command == "activations":
        capture_activations(arguments.out)
    else:
        capture_facts(arguments.out)


if __name__ == "__main__":
    main()
