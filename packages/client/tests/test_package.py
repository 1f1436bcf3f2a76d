"""The meta package re-exports the stack and keeps the upstream import paths."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import juniper_cascor_client
import juniper_cascor_client_core.constants as core_constants
import juniper_cascor_client_core.exceptions as core_exceptions
from juniper_cascor_client import constants, exceptions
from juniper_cascor_client._extras import require


def test_upstream_names_are_importable() -> None:
    from juniper_cascor_client import (
        CascorControlStream,
        CascorTrainingStream,
        JuniperCascorClient,
        __version__,
    )

    assert JuniperCascorClient.__module__.startswith("juniper_cascor_client_rest")
    assert CascorTrainingStream.__module__.startswith("juniper_cascor_client_streams")
    assert CascorControlStream.__module__.startswith("juniper_cascor_client_streams")
    assert __version__ == "0.8.1"


@pytest.mark.parametrize("name", core_exceptions.__all__)
def test_every_exception_is_reexported_at_both_paths(name: str) -> None:
    original = getattr(core_exceptions, name)
    assert getattr(juniper_cascor_client, name) is original
    assert getattr(exceptions, name) is original
    assert name in juniper_cascor_client.__all__


def test_all_lists_only_real_names() -> None:
    for name in juniper_cascor_client.__all__:
        assert hasattr(juniper_cascor_client, name), name


def test_constants_have_the_upstream_values() -> None:
    assert constants.ENDPOINT_TRAINING_START == "/training/start"  # under API_VERSION_PATH
    assert constants.API_VERSION_PATH == constants.API_PREFIX == "/v1"
    assert constants.WS_TRAINING_PATH == "/ws/training"
    assert constants.TRAINING_STATE_STARTED == "STARTED"
    assert constants.DEFAULT_TIMEOUT == 30.0
    assert "Started" in constants.TRAINING_STATES
    assert "learning_rate" in constants.RUNTIME_PARAMS


@pytest.mark.parametrize(
    ("module", "names", "home"),
    [
        ("client", ["JuniperCascorClient"], "juniper_cascor_client_rest"),
        (
            "ws_client",
            ["CascorTrainingStream", "CascorControlStream"],
            "juniper_cascor_client_streams",
        ),
        ("constants", core_constants.__all__, "juniper_cascor_client_core.constants"),
        ("exceptions", core_exceptions.__all__, "juniper_cascor_client_core.exceptions"),
    ],
)
def test_upstream_module_paths_reexport_the_same_objects(
    module: str, names: list[str], home: str
) -> None:
    reexport = importlib.import_module(f"juniper_cascor_client.{module}")
    original = importlib.import_module(home)
    for name in names:
        assert getattr(reexport, name) is getattr(original, name), name
    assert set(names) <= set(reexport.__all__)


def test_missing_optional_dependency_names_the_extra() -> None:
    with pytest.raises(ImportError, match=r"juniper-cascor-client\[plot\]") as info:
        require("surely_not_an_installed_module_xyz", "plot")
    assert isinstance(info.value.__cause__, ImportError)


def test_missing_dependency_of_a_module_is_the_one_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "needs_a_missing_dependency.py").write_text("import surely_missing_dep_xyz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ImportError, match=r"'surely_missing_dep_xyz' is not installed.*\[cli\]"):
        require("needs_a_missing_dependency", "cli")


def test_testing_without_its_extra_names_the_extra() -> None:
    code = (
        "import sys\n"
        "sys.modules['aiohttp'] = None  # as if the [testing] extra were not installed\n"
        "from juniper_cascor_client import testing\n"
        "try:\n"
        "    testing.FakeCascorServer\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert "'aiohttp' is not installed" in out.stdout
    assert "juniper-cascor-client[testing]" in out.stdout


def test_require_returns_the_module() -> None:
    assert require("json", "cli").dumps([1]) == "[1]"


def test_base_import_does_not_load_optional_dependencies() -> None:
    code = (
        "import sys, juniper_cascor_client\n"
        "heavy = {'aiohttp', 'numpy', 'rich', 'matplotlib'} & set(sys.modules)\n"
        "print(sorted(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"
