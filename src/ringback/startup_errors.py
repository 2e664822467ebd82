"""A problem found while starting: `ringback serve` prints it as one line and exits 2."""

from __future__ import annotations


class StartupError(Exception):
    pass
