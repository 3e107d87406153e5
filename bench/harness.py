"""What every benchmark shares: the machine it ran on, interleaved timing, the table.

Timing: contenders are timed in rounds; in each round every contender runs once over the
same inputs, in a rotating order, right after the others, so a busy moment of this shared
machine hits them alike. A figure is the median over the rounds; a ratio is the median of
the rounds' own ratios (each round's two figures were taken seconds apart). The cyclic
garbage collector runs as it would for a user; a collection is forced before each round
so that no round inherits another's garbage.
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ""
    if hasattr(os, "getloadavg"):
        load = f", load average {os.getloadavg()[0]:.2f} at the start"
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}{load}"


@dataclass
class Timing:
    """Seconds per unit of each contender, per round."""

    rounds: dict[str, list[float]] = field(default_factory=dict)

    def median(self, name: str) -> float:
        return statistics.median(self.rounds[name])

    def ratio(self, name: str, against: str) -> float:
        """The median over rounds of ``name``'s time / ``against``'s time in the same round."""
        return statistics.median(a / b for a, b in zip(self.rounds[name], self.rounds[against], strict=True))


def interleaved(
    contenders: dict[str, Callable[[], object]], *, units: int, rounds: int, repeat: int = 1,
    before: Callable[[], object] | None = None,
) -> Timing:
    """Time each contender (one call does ``units`` units of work) ``repeat`` times per round,
    in ``rounds`` rounds, rotating the order; seconds per unit. ``before`` runs, untimed,
    before each timed run (e.g. to forget what an earlier run worked out)."""
    names = list(contenders)
    for fn in contenders.values():  # warm caches, imports and the branch predictor
        fn()
    timing = Timing({name: [] for name in names})
    for round_ in range(rounds):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            fn = contenders[name]
            if before is not None:
                before()
            gc.collect()
            start = time.perf_counter()
            for _ in range(repeat):
                fn()
            timing.rounds[name].append((time.perf_counter() - start) / (units * repeat))
    return timing


@dataclass
class Row:
    figure: str  # what was timed, exactly
    measured: str  # the figure with its unit
    goal: str  # e.g. "<= 1/3 of zen-engine"
    ratio: float | None  # measured / the comparison (None: a report without a goal)
    limit: float | None  # the ratio's goal (None: no goal)

    @property
    def met(self) -> bool:
        return self.limit is None or self.ratio is None or self.ratio <= self.limit


def print_table(rows: Sequence[Row]) -> int:
    """The table of figure, measurement, goal and ratio; the number of goals missed."""
    headers = ("figure", "measured", "goal", "ratio", "")
    body = [
        (r.figure, r.measured, r.goal, "" if r.ratio is None else f"{r.ratio:.2f}",
         "" if r.limit is None else ("ok" if r.met else "MISSED"))
        for r in rows
    ]
    widths = [max(len(h), *(len(line[i]) for line in body)) for i, h in enumerate(headers)]
    for line in (headers, tuple("-" * w for w in widths), *body):
        cells = zip(line, widths, strict=True)
        print("  ".join(cell.rjust(w) if i == 3 else cell.ljust(w) for i, (cell, w) in enumerate(cells)).rstrip())
    return sum(not r.met for r in rows)


def micro(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} µs"


def milli(seconds: float) -> str:
    return f"{seconds * 1e3:.2f} ms"
