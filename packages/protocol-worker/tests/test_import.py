"""The package's import surface: names, namespace layout and what importing it pulls in."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import juniper_cascor_protocol
import juniper_cascor_protocol.worker as worker


def test_every_exported_name_exists_and_is_documented() -> None:
    for name in worker.__all__:
        value = getattr(worker, name)
        if callable(value) and name != "WORKER_ID_PATTERN":
            assert value.__doc__, name
    assert len(worker.__all__) == len(set(worker.__all__))


def test_lazy_table_and_all_list_the_same_names() -> None:
    assert {*worker._SUBMODULE_OF, "__version__"} == set(worker.__all__)
    assert set(worker.__all__) <= set(dir(worker))


def test_unknown_attributes_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        _ = worker.Nope


def test_this_distribution_owns_the_top_level_package() -> None:
    source = Path(worker.__file__).parent.parent
    assert source.name == "juniper_cascor_protocol"
    assert (source / "__init__.py").is_file()
    assert Path(juniper_cascor_protocol.__file__ or "") == source / "__init__.py"


def test_top_level_offers_the_upstream_names() -> None:
    assert set(juniper_cascor_protocol.__all__) == {
        "BinaryFrame",
        "WorkerMessageType",
        "__version__",
    }
    assert juniper_cascor_protocol.BinaryFrame is worker.BinaryFrame
    assert juniper_cascor_protocol.WorkerMessageType is worker.WorkerMessageType
    assert isinstance(juniper_cascor_protocol.__version__, str)
    assert set(juniper_cascor_protocol.__all__) <= set(dir(juniper_cascor_protocol))
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        _ = juniper_cascor_protocol.Nope


def test_top_level_path_spans_the_envelope_folder_of_another_distribution(
    tmp_path: Path,
) -> None:
    # An editable install of each distribution puts its own ``src`` folder on ``sys.path``.
    portion = tmp_path / "juniper_cascor_protocol" / "elsewhere"
    portion.mkdir(parents=True)
    (portion / "__init__.py").write_text("FOUND = True\n")
    code = (
        "import sys\n"
        f"sys.path.append({str(tmp_path)!r})\n"
        "import juniper_cascor_protocol.elsewhere as e\n"
        "print(e.FOUND)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "True"


def _modules_after(code: str) -> set[str]:
    """Run ``code`` in a fresh interpreter and return the names in its ``sys.modules``."""
    probe = f"import sys\n{code}\nprint(' '.join(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return set(result.stdout.split())


def test_importing_loads_submodules_only_on_first_use() -> None:
    package = "juniper_cascor_protocol.worker"
    bare = _modules_after(f"import {package}")
    assert f"{package}.binary_frame" not in bare
    assert f"{package}.messages" not in bare
    codec_only = _modules_after(f"from {package} import BinaryFrame, WorkerMessageType")
    assert f"{package}.binary_frame" in codec_only
    assert f"{package}.messages" not in codec_only
    assert "json" not in codec_only


def test_importing_the_top_level_loads_nothing_until_a_name_is_used() -> None:
    bare = _modules_after("import juniper_cascor_protocol")
    assert not {"numpy", "juniper_cascor_protocol.worker"} & bare
    used = _modules_after("from juniper_cascor_protocol import WorkerMessageType")
    assert "juniper_cascor_protocol.worker.message_types" in used
    assert "juniper_cascor_protocol.worker.binary_frame" not in used


def test_importing_pulls_in_no_pydantic_websockets_requests_or_schema_libraries() -> None:
    loaded = _modules_after("from juniper_cascor_protocol.worker import *")
    assert "juniper_cascor_protocol.worker.sequence" in loaded
    forbidden = {"pydantic", "websockets", "requests", "jsonschema", "juniper_cascor_client_core"}
    assert not forbidden & loaded
