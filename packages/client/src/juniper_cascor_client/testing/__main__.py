"""``python -m juniper_cascor_client.testing``: run the fake server (the same flags as
``juniper-cascor serve-fake`` and ``juniper-cascor-fake-server``)."""

from juniper_cascor_client._extras import require

_cli = require("juniper_cascor_fake_server.cli", "testing")
raise SystemExit(_cli.main(prog="python -m juniper_cascor_client.testing"))
