"""A one-line progress bar on a terminal's stderr, for commands that take a while."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Drawn only on a terminal, and only once a run has taken ``delay_s``; ``close`` wipes it."""

    WIDTH = 30

    def __init__(self, stream: TextIO | None = None, delay_s: float = 0.5, label: str = "reviewing"):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _is_terminal(self.stream)
        self.start = time.monotonic()
        self.delay_s = delay_s
        self.label = label
        self.last = 0.0
        self.drawn = 0

    def update(self, done: int, total: int) -> None:
        if not self.enabled or total < 2:
            return
        now = time.monotonic()
        if now - self.start < self.delay_s or (now - self.last < 0.1 and done < total):
            return
        self.last = now
        filled = self.WIDTH * done // total
        line = f"\r{self.label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total}"
        self.stream.write(line)
        self.stream.flush()
        self.drawn = len(line)

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r" + " " * self.drawn + "\r")
            self.stream.flush()
            self.drawn = 0


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
