"""A fake juniper-cascor server for tests and demos (install the ``[testing]`` extra)."""
