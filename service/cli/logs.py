"""Logging for the CLI: plain lines on stderr that say what happened and how long it took."""
from __future__ import annotations

import logging
import sys


def configure(level: str = "info") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S"))
    root = logging.getLogger("fenliu")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False
