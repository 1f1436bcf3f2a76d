"""Compare the fake server with the real juniper-cascor 0.12.0, shape by shape.

    uv run python tools/conformance.py diff        # run the session on a fresh fake server and
                                                   # print every step whose shape differs

The real server's shapes live in ``tests-integration/cascor_suite/real-0.12.0.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests-integration"))

from cascor_suite.conformance import probe  # noqa: E402
from juniper_cascor_fake_server import FakeCascorServer  # noqa: E402

REAL = ROOT / "tests-integration" / "cascor_suite" / "real-0.12.0.json"


def fake_shapes() -> dict[str, str]:
    """The session's shapes on a fresh fake server with the real defaults."""
    with FakeCascorServer(resume_window=0.25) as server:
        return probe(server.http_url)


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["diff"])
    parser.parse_args(argv)
    real: dict[str, str] = json.loads(REAL.read_text())
    fake = fake_shapes()
    differ = 0
    for name in sorted(set(real) | set(fake)):
        if real.get(name) != fake.get(name):
            differ += 1
            print(f"{name}\n    real: {real.get(name)}\n    fake: {fake.get(name)}")
    print(f"{len(real) - differ} of {len(real)} steps match")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
