"""``python -m juniper_cascor_numpy_worker``: the worker command (see ``cli``)."""

import sys

from juniper_cascor_numpy_worker.cli import main

if __name__ == "__main__":
    sys.exit(main())
