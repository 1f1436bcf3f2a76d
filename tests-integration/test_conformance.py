"""The target answers every step of the conformance session as juniper-cascor 0.12.0 does.

The session (``cascor_suite/conformance.py``) walks the target once for the module: a fresh fake
server, or the real server named by ``JUNIPER_CASCOR_TEST_URL``. Each step of the capture of the
real server (``cascor_suite/real-0.12.0.json``) is its own test. On the fake server, a step
listed in ``KNOWN_DIFFERENCES`` of ``tools/conformance.py`` must differ exactly as documented
there (so the list cannot go stale), steps the capture lacks must be listed there too, and
``docs/CONFORMANCE.md`` must be what ``tools/conformance.py table`` writes.
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import pytest

from cascor_suite.conformance import Capture, probe
from cascor_suite.target import Target

ROOT = Path(__file__).resolve().parent.parent
CAPTURE = Capture.load()

pytestmark = pytest.mark.timeout(600)  # the walk trains several times; its waits have deadlines


def _load_tool() -> ModuleType:
    """``tools/conformance.py`` (a script, not a package): the known differences and the table."""
    name = "conformance_tool"
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / "conformance.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


TOOL = _load_tool()


@dataclass(frozen=True)
class Walked:
    """The shapes the target answered to the session."""

    shapes: dict[str, str] = field(repr=False)
    on_fake: bool


@pytest.fixture(scope="module")
def walked() -> Walked:
    """One walk of the session over the target (fresh fake server, or the real one)."""
    real = Target.from_environment()
    if real is None:
        return Walked(TOOL.fake_shapes(), on_fake=True)
    return Walked(probe(real.http_url, real.api_key), on_fake=False)


@pytest.mark.parametrize("step", sorted(CAPTURE.shapes))
def test_step_answers_as_the_real_server(walked: Walked, step: str) -> None:
    """The step's shape is the real server's, or the documented known difference."""
    answered = walked.shapes.get(step, TOOL.MISSING)
    real = CAPTURE.shapes[step]
    known = TOOL.KNOWN_DIFFERENCES.get(step)
    if walked.on_fake and known is not None:
        assert answered != real, f"{step} now matches the real server: drop it from the list"
        assert answered == known.fake, f"{step} no longer differs as documented ({known.reason})"
    else:
        assert answered == real


def test_steps_beyond_the_capture_are_known_differences(walked: Walked) -> None:
    """A step the capture lacks (a new frame type, an aborted section) is a known difference.

    Against the real server there must be none.
    """
    extra = {step: shape for step, shape in walked.shapes.items() if step not in CAPTURE.shapes}
    documented = {
        step: known.fake
        for step, known in TOOL.KNOWN_DIFFERENCES.items()
        if step not in CAPTURE.shapes
    }
    assert extra == (documented if walked.on_fake else {})


def test_known_differences_are_documented() -> None:
    """Every known difference documents a shape other than the real one, and a reason."""
    for step, known in TOOL.KNOWN_DIFFERENCES.items():
        assert known.fake != CAPTURE.shapes.get(step, TOOL.MISSING), step
        assert known.reason.strip(), step


def test_conformance_table_is_current(walked: Walked) -> None:
    """docs/CONFORMANCE.md is what ``tools/conformance.py table`` writes for this fake server."""
    if not walked.on_fake:
        pytest.skip("docs/CONFORMANCE.md describes the fake server")
    written = (ROOT / "docs" / "CONFORMANCE.md").read_text(encoding="utf-8")
    assert written == TOOL.render(CAPTURE.server, CAPTURE.shapes, walked.shapes), (
        "docs/CONFORMANCE.md is not current: run `uv run python tools/conformance.py table`"
    )
