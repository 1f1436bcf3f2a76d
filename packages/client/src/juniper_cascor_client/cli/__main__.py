"""``python -m juniper_cascor_client.cli``: the same as the ``juniper-cascor`` command."""

from juniper_cascor_client.cli import main

raise SystemExit(main())
