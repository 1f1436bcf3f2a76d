"""``python -m juniper_cascor_fake_server``: run the fake server (see ``cli``)."""

from juniper_cascor_fake_server.cli import main

raise SystemExit(main(prog="python -m juniper_cascor_fake_server"))
