"""``python -m juniper_cascor_client.testing``: run the fake server (the same flags as
``juniper-cascor serve-fake`` and ``juniper-cascor-fake-server``).

Without the ``[testing]`` extra it ends with one line naming the extra, and exit status 10 (as
``juniper-cascor`` does for a missing extra).
"""

import sys

from juniper_cascor_client._extras import require
from juniper_cascor_client.cli.exit_codes import ExitCode

PROG = "python -m juniper_cascor_client.testing"

try:
    require("juniper_cascor_fake_server.server", "testing")  # aiohttp, numpy: fail here, early
except ImportError as exc:
    print(f"{PROG}: error: {exc}", file=sys.stderr)
    raise SystemExit(int(ExitCode.MISSING_DEPENDENCY)) from None
raise SystemExit(require("juniper_cascor_fake_server.cli", "testing").main(prog=PROG))
