"""The protocol distributions installed alone and together, as wheels and editable.

``juniper_cascor_protocol`` is shared by three distributions: ``juniper-cascor-protocol-worker``
owns its ``__init__.py`` and ``worker``, ``juniper-cascor-protocol-envelope`` adds ``envelope``
and ``juniper-cascor-protocol`` (the 0.2 name) requires both, shipping only
``juniper_cascor_protocol_compat``. Each combination is installed into a throwaway venv, from the
built wheels and editable from the package folders, and probed in a fresh interpreter.

Installs are offline. The third-party closure of a combination (numpy, pydantic and theirs) is
exported from ``uv.lock`` and installed without resolution from uv's cache, which ``uv sync``
filled; our distributions are then resolved from the freshly built wheels alone
(``--no-index --find-links``), or installed editable, and ``uv pip check`` confirms every
requirement is met.
"""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ROOT / "packages"
WORKER = "juniper-cascor-protocol-worker"
ENVELOPE = "juniper-cascor-protocol-envelope"
COMPAT = "juniper-cascor-protocol"
FOLDERS = {WORKER: "protocol-worker", ENVELOPE: "protocol-envelope", COMPAT: "protocol"}
OURS = tuple(FOLDERS)
UPSTREAM_NAMES = ["BinaryFrame", "WorkerMessageType", "__version__"]

# Combination -> what is asked for, and which of our distributions end up installed.
COMBINATIONS = {
    "worker": ([WORKER], {WORKER}),
    "envelope": ([ENVELOPE], {ENVELOPE}),
    "both": ([WORKER, ENVELOPE], {WORKER, ENVELOPE}),
    "compat": ([COMPAT], {WORKER, ENVELOPE, COMPAT}),
}

UV = os.environ.get("UV") or shutil.which("uv")
TIMEOUT = 180

# Run by a fresh interpreter of the venv under test, with the distributions to report on as
# arguments; prints a JSON report.
PROBE = """
import importlib.metadata, json, sys
report = {}
try:
    import juniper_cascor_protocol as top
    report["top_file"] = getattr(top, "__file__", None)
    upstream = ["BinaryFrame", "WorkerMessageType", "__version__"]
    report["top_names"] = [name for name in upstream if hasattr(top, name)]
    report["version"] = getattr(top, "__version__", None)
except ImportError as exc:
    report["top_error"] = repr(exc)
def attempt(key, code):
    try:
        report[key] = code()
    except ModuleNotFoundError as exc:
        report[key] = "ModuleNotFoundError: " + str(exc.name)
def envelope():
    from juniper_cascor_protocol.envelope import validate_envelope
    import juniper_cascor_protocol.envelope as e
    return [validate_envelope('{"type": "pong"}').type, e.__file__]
def worker():
    import juniper_cascor_protocol.worker as w
    from juniper_cascor_protocol.worker import BinaryFrame
    import numpy
    frame = BinaryFrame.encode(numpy.arange(3, dtype=numpy.int32))
    return [BinaryFrame.decode(frame).tolist(), w.__file__]
attempt("envelope", envelope)
attempt("worker", worker)
report["installed"] = {}
for name in sys.argv[1:]:
    try:
        report["installed"][name] = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        pass
print(json.dumps(report))
"""

# Imports the module named in its argument and prints every module then loaded.
MODULES_AFTER = "import importlib, json, sys\nimportlib.import_module(sys.argv[1])\n" + (
    "print(json.dumps(list(sys.modules)))"
)

pytestmark = pytest.mark.skipif(UV is None, reason="uv is not installed")


def run(*args: str | Path, cwd: Path = ROOT) -> str:
    """Run a command, failing the test with its output when it fails; return its stdout."""
    result = subprocess.run(
        [str(arg) for arg in args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        cwd=cwd,
        check=False,
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def fresh(python: str | Path, code: str, *args: str) -> Any:
    """Run ``code`` in a fresh, isolated interpreter and return the JSON it prints."""
    return json.loads(run(python, "-I", "-c", code, *args))


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheels of the three protocol distributions once for the module."""
    dist = tmp_path_factory.mktemp("dist")
    for folder in FOLDERS.values():
        assert UV is not None
        run(UV, "build", "--offline", "--quiet", "--wheel", "--out-dir", dist, PACKAGES / folder)
    return dist


@pytest.fixture(scope="module")
def third_party(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Export each distribution's third-party closure, pinned by uv.lock, as a requirements file."""
    folder = tmp_path_factory.mktemp("requirements")
    files = {}
    for distribution in OURS:
        assert UV is not None
        pins = run(
            *(UV, "export", "--frozen", "--offline", "--package", distribution),
            *("--no-emit-workspace", "--no-default-groups", "--no-hashes", "--no-header"),
            "--no-annotate",
        )
        files[distribution] = folder / f"{distribution}.txt"
        files[distribution].write_text(pins)
    return files


def new_venv(tmp_path: Path, requested: list[str], third_party: dict[str, Path]) -> Path:
    """Create a venv holding the pinned third-party closure of ``requested``; return its python."""
    assert UV is not None
    venv = tmp_path / "venv"
    run(UV, "venv", "--offline", "--quiet", "--python", sys.executable, venv)
    python = venv / "bin" / "python"
    requirements = [arg for name in requested for arg in ("-r", third_party[name])]
    run(
        UV, "pip", "install", "--offline", "--no-deps", "--quiet", "--python", python, *requirements
    )
    return python


def check_combination(python: Path, combination: str) -> dict[str, Any]:
    """Probe ``python`` and assert what every install of ``combination`` must offer."""
    assert UV is not None
    run(UV, "pip", "check", "--python", python)
    report: dict[str, Any] = fresh(python, PROBE, "numpy", "pydantic", *OURS)
    installed = report["installed"]
    expected = COMBINATIONS[combination][1]
    assert {name for name in installed if name in OURS} == expected
    if WORKER in expected:
        assert report["top_file"].endswith(os.path.join("juniper_cascor_protocol", "__init__.py"))
        assert report["top_names"] == UPSTREAM_NAMES
        # The version of juniper-cascor-protocol when it is installed, else the worker's.
        assert report["version"] == installed[COMPAT if COMPAT in expected else WORKER]
        assert report["worker"][0] == [0, 1, 2]
    else:  # a namespace package: no file, none of the names
        assert report["top_file"] is None
        assert report["top_names"] == []
        assert "numpy" not in installed
        assert report["worker"] == "ModuleNotFoundError: juniper_cascor_protocol.worker"
    if ENVELOPE in expected:
        assert report["envelope"][0] == "pong"
        loaded = set(fresh(python, MODULES_AFTER, "juniper_cascor_protocol.envelope"))
        assert "pydantic" in loaded
        assert (
            not {"numpy", "juniper_cascor_protocol.worker", "juniper_cascor_protocol_compat"}
            & loaded
        )
    else:
        assert report["envelope"] == "ModuleNotFoundError: juniper_cascor_protocol.envelope"
        assert "pydantic" not in installed
    return report


@pytest.mark.parametrize("combination", COMBINATIONS)
def test_wheel_installs(
    combination: str, wheels: Path, third_party: dict[str, Path], tmp_path: Path
) -> None:
    requested = COMBINATIONS[combination][0]
    python = new_venv(tmp_path, requested, third_party)
    assert UV is not None
    offline = ["--offline", "--no-index", "--quiet", "--find-links", str(wheels)]
    run(UV, "pip", "install", *offline, "--python", python, *requested)
    report = check_combination(python, combination)
    if ENVELOPE in COMBINATIONS[combination][1] and WORKER in COMBINATIONS[combination][1]:
        # One folder holds both subpackages: the usual layout of an installed package.
        top = Path(report["top_file"]).parent
        assert Path(report["envelope"][1]).parent.parent == top
        assert Path(report["worker"][1]).parent.parent == top


@pytest.mark.parametrize("combination", COMBINATIONS)
def test_editable_installs(combination: str, third_party: dict[str, Path], tmp_path: Path) -> None:
    installed = COMBINATIONS[combination][1]
    python = new_venv(tmp_path, COMBINATIONS[combination][0], third_party)
    editables = [arg for name in sorted(installed) for arg in ("-e", PACKAGES / FOLDERS[name])]
    assert UV is not None
    run(UV, "pip", "install", "--offline", "--quiet", "--python", python, *editables)
    report = check_combination(python, combination)
    if ENVELOPE in installed:
        # Each editable install puts its own source folder on sys.path.
        expected = PACKAGES / FOLDERS[ENVELOPE] / "src" / "juniper_cascor_protocol" / "envelope"
        assert Path(report["envelope"][1]).parent == expected
    if WORKER in installed:
        expected = PACKAGES / FOLDERS[WORKER] / "src" / "juniper_cascor_protocol"
        assert Path(report["top_file"]).parent == expected


# --- the workspace itself: every protocol distribution is installed editable ---


def test_workspace_top_level_offers_the_upstream_names_from_the_worker_folder() -> None:
    code = (
        "import json, juniper_cascor_protocol as p, juniper_cascor_protocol.envelope as e\n"
        "print(json.dumps([p.__file__, e.__file__, p.__version__, p.BinaryFrame.__module__,"
        " p.WorkerMessageType.TASK_ASSIGN]))\n"
    )
    top, envelope, version, codec, task_assign = fresh(sys.executable, code)
    assert Path(top) == PACKAGES / "protocol-worker/src/juniper_cascor_protocol/__init__.py"
    assert (
        Path(envelope).parent == PACKAGES / "protocol-envelope/src/juniper_cascor_protocol/envelope"
    )
    assert version == importlib.metadata.version(COMPAT)
    assert codec == "juniper_cascor_protocol.worker.binary_frame"
    assert task_assign == "task_assign"


def test_workspace_top_level_import_loads_nothing_heavy() -> None:
    loaded = set(fresh(sys.executable, MODULES_AFTER, "juniper_cascor_protocol"))
    assert "juniper_cascor_protocol" in loaded
    assert not {"numpy", "pydantic", "juniper_cascor_protocol.worker"} & loaded


# --- static imports: grimp cannot see envelope in the workspace (see pyproject.toml) ---


def imported_modules(src: Path, package: str) -> Iterator[tuple[str, str]]:
    """Yield ``(file, module)`` for every import statement, at any depth, of ``package``."""
    for path in sorted((src / Path(*package.split("."))).rglob("*.py")):
        # A relative import counts from the module's package (the module itself for __init__).
        base = list(path.relative_to(src).parent.parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path.name, alias.name
            elif isinstance(node, ast.ImportFrom):
                prefix = base[: len(base) - node.level + 1] if node.level else []
                yield path.name, ".".join([*prefix, *(node.module or "").split(".")]).strip(".")


@pytest.mark.parametrize(
    ("folder", "package", "third_party_roots"),
    [
        ("protocol-envelope", "juniper_cascor_protocol.envelope", {"pydantic", "pydantic_core"}),
        ("protocol-worker", "juniper_cascor_protocol.worker", {"numpy"}),
    ],
)
def test_each_subpackage_imports_only_itself_its_dependency_and_the_standard_library(
    folder: str, package: str, third_party_roots: set[str]
) -> None:
    allowed_roots = third_party_roots | set(sys.stdlib_module_names)
    seen = set()
    for file, module in imported_modules(PACKAGES / folder / "src", package):
        seen.add(module)
        own = module == package or module.startswith(package + ".")
        assert own or module.split(".")[0] in allowed_roots, f"{file} imports {module}"
    assert third_party_roots & {module.split(".")[0] for module in seen}


# --- tools/check_wheels.py on the wheels built above ---


@pytest.fixture(scope="module")
def check_wheels() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_wheels", ROOT / "tools/check_wheels.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


def test_built_wheels_pass_the_wheel_rules(check_wheels: ModuleType, wheels: Path) -> None:
    files_by_name = {}
    for wheel in sorted(wheels.glob("*.whl")):
        name, requirements, files = check_wheels.wheel_metadata(wheel)
        assert check_wheels.check(name, requirements, files) == []
        files_by_name[name] = files
    assert set(files_by_name) == set(OURS)
    assert check_wheels.shared_files(files_by_name) == []
    assert "juniper_cascor_protocol/__init__.py" in files_by_name[WORKER]
    assert not any(f.startswith("juniper_cascor_protocol/") for f in files_by_name[COMPAT])
    with zipfile.ZipFile(next(wheels.glob("juniper_cascor_protocol_envelope-*.whl"))) as archive:
        assert "juniper_cascor_protocol/envelope/base.py" in archive.namelist()


def test_wheel_rules_refuse_a_second_owner_of_the_top_level(check_wheels: ModuleType) -> None:
    init = "juniper_cascor_protocol/__init__.py"
    typed = "juniper_cascor_protocol/envelope/py.typed"
    requirements = [check_wheels.Requirement("pydantic", ">=2", "")]
    problems = check_wheels.check(ENVELOPE, requirements, {typed, init})
    assert problems == [f"{ENVELOPE}: only {WORKER} may ship {init}"]
    worker_files = {"juniper_cascor_protocol/worker/py.typed"}
    numpy = [check_wheels.Requirement("numpy", ">=1", "")]
    assert check_wheels.check(WORKER, numpy, worker_files) == [f"{WORKER}: wheel lacks {init}"]
    shared = check_wheels.shared_files({WORKER: {init, "a/"}, COMPAT: {init, "a/"}})
    assert shared == [f"{init}: shipped by {COMPAT} and {WORKER}"]
