"""Every ```python sample of README.md and docs/QUICK_START.md runs as shown, on its own, and
passes ``mypy --strict``.

The Markdown marks its samples with HTML comments (invisible once rendered) on the lines right
before the fence:

- ``<!-- expect-output: REGEX -->``: what the sample prints; ``re.search`` must find REGEX in
  its standard output. Every sample that runs has one.
- ``<!-- not-run: REASON -->``: a sample that cannot run on its own, and why. Such samples stay
  few (``MAX_NOT_RUN``); they are type-checked all the same.

A sample that defines top-level ``test_*`` functions is a test file: it runs through pytest in a
folder whose ``pyproject.toml`` is the page's ```toml block holding ``[tool.pytest.ini_options]``
(the configuration the page tells its readers to use). Any other sample runs in a fresh
interpreter against a fresh fake server started as ``juniper-cascor serve-fake`` starts it (the
``idle`` scenario, 50 ms epochs, the real ``/ws/control`` Origin allowlist), which the sample
finds through ``JUNIPER_CASCOR_URL``: the text of a sample is never changed.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ("README.md", "docs/QUICK_START.md")
MAX_NOT_RUN = 2
"""The most samples that may be exempt from running."""

_FENCE = re.compile(r"^```(\w*)\s*$")
_DIRECTIVE = re.compile(r"^<!--\s*([a-z-]+):\s*(.*?)\s*-->$")
_DIRECTIVES = ("expect-output", "not-run")
_PYTEST_CONFIG = "[tool.pytest.ini_options]"


@dataclass(frozen=True)
class Block:
    """A fenced block of a Markdown page and the directives right before it."""

    document: str
    line: int
    language: str
    code: str
    directives: dict[str, str]

    @property
    def name(self) -> str:
        """``README.md:66``: where the fence opens."""
        return f"{self.document}:{self.line}"

    @property
    def module(self) -> str:
        """A module name for the sample's file, unique across the pages."""
        stem = re.sub(r"\W", "_", Path(self.document).stem.lower())
        return f"sample_{stem}_{self.line}"

    @property
    def is_test_file(self) -> bool:
        """Whether the sample defines top-level test functions (a pytest file)."""
        tree = ast.parse(self.code)
        functions = (ast.FunctionDef, ast.AsyncFunctionDef)
        return any(
            isinstance(node, functions) and node.name.startswith("test_") for node in tree.body
        )


def read_blocks(document: str) -> list[Block]:
    """The fenced blocks of ``document`` (a path relative to the repository root).

    Raises:
        ValueError: For an unclosed fence or an unknown directive before a ```python fence.
    """
    lines = (REPO_ROOT / document).read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        end = next((i for i in range(index + 1, len(lines)) if lines[i] == "```"), None)
        if end is None:
            raise ValueError(f"{document}:{index + 1}: unclosed fence")
        directives = _directives_before(lines, index, document)
        code = "\n".join(lines[index + 1 : end]) + "\n"
        blocks.append(Block(document, index + 1, opening.group(1), code, directives))
        index = end + 1
    return blocks


def _directives_before(lines: list[str], fence: int, document: str) -> dict[str, str]:
    directives: dict[str, str] = {}
    index = fence - 1
    while index >= 0 and (found := _DIRECTIVE.match(lines[index].strip())):
        name, value = found.groups()
        if name not in _DIRECTIVES:
            raise ValueError(f"{document}:{index + 1}: unknown directive {name!r}")
        directives[name] = value
        index -= 1
    return directives


BLOCKS = [block for document in DOCUMENTS for block in read_blocks(document)]
SAMPLES = [block for block in BLOCKS if block.language == "python"]
RUN = [sample for sample in SAMPLES if "not-run" not in sample.directives]


def pytest_configuration(document: str) -> str | None:
    """The page's ```toml block configuring pytest, if it has one.

    Raises:
        AssertionError: When the page has more than one.
    """
    found = [
        block.code
        for block in BLOCKS
        if block.document == document and block.language == "toml" and _PYTEST_CONFIG in block.code
    ]
    assert len(found) <= 1, f"{document} configures pytest in {len(found)} places"
    return found[0] if found else None


def test_the_pages_have_samples() -> None:
    for document in DOCUMENTS:
        assert any(sample.document == document for sample in SAMPLES), document
    assert len(RUN) >= 10


def test_every_sample_is_checked_or_says_why_not() -> None:
    for sample in SAMPLES:
        has = set(sample.directives)
        assert len(has) == 1, f"{sample.name}: give one of {_DIRECTIVES}, not {sorted(has)}"
        assert all(sample.directives.values()), f"{sample.name}: an empty directive"
    assert len(SAMPLES) - len(RUN) <= MAX_NOT_RUN


@pytest.mark.parametrize("sample", RUN, ids=[sample.name for sample in RUN])
def test_the_sample_runs_as_shown(
    sample: Block, tmp_path: Path, start_service: Any, run_python: Any
) -> None:
    path = tmp_path / f"{'test_' if sample.is_test_file else ''}{sample.module}.py"
    path.write_text(sample.code, encoding="utf-8")
    if sample.is_test_file:
        configuration = pytest_configuration(sample.document)
        if configuration is not None:
            (tmp_path / "pyproject.toml").write_text(configuration, encoding="utf-8")
        result = run_python("-m", "pytest", "-p", "no:cacheprovider", path.name, cwd=tmp_path)
        assert "Warning" not in result.stdout + result.stderr, f"{sample.name}: {result}"
    else:
        result = run_python(path.name, cwd=tmp_path, service=start_service())
    assert result.returncode == 0, f"{sample.name}: {result}"
    expected = sample.directives["expect-output"]
    assert re.search(expected, result.stdout), f"{sample.name}: no {expected!r} in {result}"


@pytest.mark.timeout(600)
def test_the_samples_pass_mypy_strict(tmp_path: Path, run_python: Any) -> None:
    paths = []
    for sample in SAMPLES:
        path = tmp_path / f"{sample.module}.py"
        path.write_text(sample.code, encoding="utf-8")
        paths.append(path)
    result = run_python("-m", "mypy", "--strict", *paths)
    assert result.returncode == 0, f"mypy --strict:\n{in_the_pages(result.stdout, tmp_path)}"


def in_the_pages(report: str, folder: Path) -> str:
    """``report`` with each ``<sample file>:<line>`` replaced by the page and line it is."""
    where = {str(folder / f"{sample.module}.py"): sample for sample in SAMPLES}

    def replace(found: re.Match[str]) -> str:
        sample = where.get(found.group(1))
        if sample is None:
            return found.group(0)
        return f"{sample.document}:{sample.line + int(found.group(2))}"

    return re.sub(r"^(\S+?\.py):(\d+)", replace, report, flags=re.MULTILINE)
