"""Version of this distribution (the single source read by the build)."""

__version__ = "0.8.1"
