"""Build every wheel of the workspace and check its ``Requires-Dist`` against the rules.

import-linter sees only our own imports; this check looks at what each published wheel asks
pip to install, which is what a slim worker image really gets. Run from the workspace root::

    uv run python tools/check_wheels.py [--dist-dir DIR]

Exits non-zero, listing every broken rule, when a wheel requires something it must not, misses
something it needs, pins a sibling of ours to anything but a range, ships
``juniper_cascor_protocol/__init__.py`` without being protocol-worker (or protocol-worker lacks
it), or ships a file that another wheel also ships.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

OURS = re.compile(r"^juniper-cascor-")

# The one file of the shared ``juniper_cascor_protocol`` package, and the distribution owning it.
PROTOCOL_INIT = "juniper_cascor_protocol/__init__.py"
PROTOCOL_INIT_OWNER = "juniper-cascor-protocol-worker"


@dataclass(frozen=True)
class Rule:
    """What one distribution's unconditional requirements must and must not contain."""

    requires: frozenset[str]
    forbids: frozenset[str] = field(default_factory=frozenset)
    only_ours: frozenset[str] | None = None  # which of our distributions it may require
    import_path: str = ""  # the package folder the wheel must ship, with its py.typed
    extras: dict[str, frozenset[str]] = field(default_factory=dict)  # extra -> what it requires


THIRD_PARTY_HEAVY = frozenset({"pydantic", "websockets", "requests", "urllib3", "numpy"})

RULES: dict[str, Rule] = {
    "juniper-cascor-protocol-worker": Rule(
        import_path="juniper_cascor_protocol/worker",
        requires=frozenset({"numpy"}),
        forbids=frozenset({"pydantic", "websockets", "requests"}),
        only_ours=frozenset(),
    ),
    "juniper-cascor-protocol-envelope": Rule(
        import_path="juniper_cascor_protocol/envelope",
        requires=frozenset({"pydantic"}),
        forbids=frozenset({"numpy", "websockets", "requests"}),
        only_ours=frozenset(),
    ),
    "juniper-cascor-protocol": Rule(
        import_path="juniper_cascor_protocol_compat",
        requires=frozenset({"juniper-cascor-protocol-worker", "juniper-cascor-protocol-envelope"}),
        forbids=THIRD_PARTY_HEAVY,
        only_ours=frozenset({"juniper-cascor-protocol-worker", "juniper-cascor-protocol-envelope"}),
    ),
    "juniper-cascor-client-core": Rule(
        import_path="juniper_cascor_client_core",
        requires=frozenset(),
        forbids=THIRD_PARTY_HEAVY,
        only_ours=frozenset(),
    ),
    "juniper-cascor-client-rest": Rule(
        import_path="juniper_cascor_client_rest",
        requires=frozenset({"juniper-cascor-client-core", "requests", "urllib3"}),
        forbids=frozenset({"websockets", "pydantic", "numpy"}),
        only_ours=frozenset({"juniper-cascor-client-core"}),
    ),
    "juniper-cascor-client-streams": Rule(
        import_path="juniper_cascor_client_streams",
        requires=frozenset(
            {"juniper-cascor-client-core", "juniper-cascor-protocol-envelope", "websockets"}
        ),
        forbids=frozenset({"requests", "numpy"}),
        only_ours=frozenset({"juniper-cascor-client-core", "juniper-cascor-protocol-envelope"}),
    ),
    "juniper-cascor-fake-server": Rule(
        import_path="juniper_cascor_fake_server",
        requires=frozenset(
            {
                "aiohttp",
                "numpy",
                "juniper-cascor-protocol-worker",
                "juniper-cascor-protocol-envelope",
                "juniper-cascor-numpy-worker",
            }
        ),
        # websockets reaches it only through juniper-cascor-numpy-worker (its test worker).
        forbids=frozenset({"requests", "websockets"}),
        only_ours=frozenset(
            {
                "juniper-cascor-protocol-worker",
                "juniper-cascor-protocol-envelope",
                "juniper-cascor-numpy-worker",
            }
        ),
    ),
    "juniper-cascor-numpy-worker": Rule(
        import_path="juniper_cascor_numpy_worker",
        requires=frozenset({"juniper-cascor-protocol-worker", "numpy", "websockets"}),
        forbids=frozenset({"pydantic", "torch", "requests", "aiohttp"}),
        only_ours=frozenset({"juniper-cascor-protocol-worker"}),
    ),
    "juniper-cascor-client": Rule(
        import_path="juniper_cascor_client",
        requires=frozenset(
            {
                "juniper-cascor-client-rest",
                "juniper-cascor-client-streams",
                "juniper-cascor-protocol",
            }
        ),
        forbids=frozenset({"juniper-cascor-fake-server", "aiohttp"}),
        extras={
            "testing": frozenset({"juniper-cascor-fake-server", "pytest-asyncio"}),
            "cli": frozenset({"juniper-cascor-fake-server", "rich"}),
        },
    ),
}

_REQ = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^;]*?)\s*(;.*)?$")


@dataclass(frozen=True)
class Requirement:
    name: str
    specifier: str
    marker: str


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def wheel_metadata(wheel: Path) -> tuple[str, list[Requirement], set[str]]:
    """Return the distribution name, the ``Requires-Dist`` entries and the files of a wheel."""
    with zipfile.ZipFile(wheel) as archive:
        files = set(archive.namelist())
        meta_name = next(n for n in files if n.endswith(".dist-info/METADATA"))
        text = archive.read(meta_name).decode("utf-8")
    name = ""
    requirements = []
    for line in text.splitlines():
        if line.startswith("Name: "):
            name = normalize(line[len("Name: ") :])
        elif line.startswith("Requires-Dist: "):
            match = _REQ.match(line[len("Requires-Dist: ") :])
            if match is None:
                raise ValueError(f"{wheel.name}: unparsable requirement {line!r}")
            requirements.append(
                Requirement(normalize(match[1]), match[3].strip(), (match[4] or "").lstrip("; "))
            )
        elif not line.strip():
            break  # the headers end at the first blank line
    return name, requirements, files


def check(name: str, requirements: list[Requirement], files: set[str]) -> list[str]:
    """Return the broken rules of one wheel (empty when it is fine)."""
    rule = RULES.get(name)
    if rule is None:
        return [f"{name}: no rule for this distribution; add one to tools/check_wheels.py"]
    problems = []
    if f"{rule.import_path}/py.typed" not in files:
        problems.append(f"{name}: wheel lacks {rule.import_path}/py.typed")
    if name == PROTOCOL_INIT_OWNER and PROTOCOL_INIT not in files:
        problems.append(f"{name}: wheel lacks {PROTOCOL_INIT}")
    elif name != PROTOCOL_INIT_OWNER and PROTOCOL_INIT in files:
        problems.append(f"{name}: only {PROTOCOL_INIT_OWNER} may ship {PROTOCOL_INIT}")
    unconditional = {r.name for r in requirements if "extra ==" not in r.marker}
    for missing in sorted(rule.requires - unconditional):
        problems.append(f"{name}: must require {missing}")
    for bad in sorted(rule.forbids & unconditional):
        problems.append(f"{name}: must not require {bad}")
    for extra, needed in rule.extras.items():
        marker = re.compile(rf"extra\s*==\s*['\"]{extra}['\"]")
        provided = {r.name for r in requirements if marker.search(r.marker)}
        for missing in sorted(needed - provided):
            problems.append(f"{name}: extra [{extra}] must require {missing}")
    ours = {n for n in unconditional if OURS.match(n)}
    if rule.only_ours is not None:
        for bad in sorted(ours - rule.only_ours):
            problems.append(f"{name}: must not require {bad}")
    if name != "juniper-cascor-client":
        for req in requirements:
            if OURS.match(req.name) and not (">=" in req.specifier and "<" in req.specifier):
                problems.append(
                    f"{name}: sibling {req.name} must be a range (>=a,<b), got {req.specifier!r}"
                )
    return problems


def shared_files(files_by_name: dict[str, set[str]]) -> list[str]:
    """Return one problem per file that more than one wheel ships (installers would clash)."""
    owners: dict[str, list[str]] = {}
    for name, files in sorted(files_by_name.items()):
        for file in files:
            if not file.endswith("/"):
                owners.setdefault(file, []).append(name)
    return [
        f"{file}: shipped by {' and '.join(names)}"
        for file, names in sorted(owners.items())
        if len(names) > 1
    ]


def build(dist_dir: Path) -> list[Path]:
    uv = os.environ.get("UV", "uv")  # ``uv run`` names its own executable in $UV
    subprocess.run(
        [uv, "build", "--all-packages", "--wheel", "--out-dir", str(dist_dir), "--quiet"],
        check=True,
    )
    return sorted(dist_dir.glob("*.whl"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist-dir", type=Path, help="output folder (default: temp)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        wheels = build(args.dist_dir or Path(tmp))
        files_by_name: dict[str, set[str]] = {}
        problems: list[str] = []
        for wheel in wheels:
            name, requirements, files = wheel_metadata(wheel)
            files_by_name[name] = files
            problems += check(name, requirements, files)
            shown = ", ".join(f"{r.name}{r.specifier}" for r in requirements if not r.marker)
            print(f"{wheel.name}: requires [{shown}]")
        seen = set(files_by_name)
        problems += [f"{name}: no wheel was built" for name in sorted(set(RULES) - seen)]
        problems += shared_files(files_by_name)
    for problem in problems:
        print(f"FAIL {problem}", file=sys.stderr)
    print(f"wheel check: {len(seen)} wheels, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
