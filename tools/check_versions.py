"""Check that each package's version matches the top entry of its CHANGELOG.

A release bumps ``_version.py`` and adds a CHANGELOG section in the same change; this check
keeps the two from drifting. Run from the workspace root::

    uv run python tools/check_versions.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

VERSION = re.compile(r'^__version__\s*=\s*"([^"]+)"', re.MULTILINE)
HEADING = re.compile(r"^## \[?([0-9][^\]\s]*)\]?", re.MULTILINE)


def package_version(package: Path) -> str | None:
    """Return the version in the package's single ``_version.py``, if there is exactly one."""
    sources = sorted(package.glob("src/**/_version.py"))
    if len(sources) != 1:
        return None
    match = VERSION.search(sources[0].read_text(encoding="utf-8"))
    return match[1] if match else None


def changelog_version(package: Path) -> str | None:
    """Return the version of the first ``## <version>`` heading of the package's CHANGELOG."""
    changelog = package / "CHANGELOG.md"
    if not changelog.is_file():
        return None
    match = HEADING.search(changelog.read_text(encoding="utf-8"))
    return match[1] if match else None


def main(root: Path = Path("packages")) -> int:
    problems = 0
    for package in sorted(p for p in root.iterdir() if (p / "pyproject.toml").is_file()):
        version, top = package_version(package), changelog_version(package)
        ok = version is not None and version == top
        problems += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {package.name}: version {version}, changelog {top}")
    print(f"version check: {problems} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
