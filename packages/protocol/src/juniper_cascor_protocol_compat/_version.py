"""Version of this distribution (the single source read by the build)."""

__version__ = "0.2.1"
