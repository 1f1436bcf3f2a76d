"""The package's import surface: names, namespace layout and what importing it pulls in."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import juniper_cascor_protocol.worker as worker


def test_every_exported_name_exists_and_is_documented() -> None:
    for name in worker.__all__:
        value = getattr(worker, name)
        if callable(value) and name != "WORKER_ID_PATTERN":
            assert value.__doc__, name
    assert sorted(worker.__all__) == sorted(set(worker.__all__))


def test_juniper_cascor_protocol_is_a_namespace_package() -> None:
    source = Path(worker.__file__).parent.parent
    assert source.name == "juniper_cascor_protocol"
    assert not (source / "__init__.py").exists()


def test_importing_pulls_in_no_pydantic_websockets_requests_or_schema_libraries() -> None:
    forbidden = ("pydantic", "websockets", "requests", "jsonschema", "juniper_cascor_client_core")
    code = (
        "import sys, juniper_cascor_protocol.worker as w; w.BinaryFrame; "
        f"print(','.join(m for m in {forbidden!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""
