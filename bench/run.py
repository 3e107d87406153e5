"""``make bench``: every benchmark, one table of figure, measurement, goal and ratio.

    .venv/bin/python bench/run.py [--rounds N] [--only engine,assess,kept,review,memory,map,cli,app,calibrate]

Exits 1 when a ratio misses its goal (0 when every goal is met). docs/performance.md says
what each figure times and how. Takes several minutes: the review figures assess 10,000
and 100,000 workload files.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_app
import bench_calibrate
import bench_cli
import bench_core
from harness import machine, print_table

SECTIONS = (*bench_core.SECTIONS, "cli", "app", "calibrate")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds (default: 15)")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"sections, of {', '.join(SECTIONS)}")
    args = parser.parse_args(argv)
    # "Today" fixed at the prices' date, here and in every process a benchmark starts: the
    # figures stay put, and a workload's model shut down later does not stop the benchmark.
    os.environ["ADVISOR_TODAY"] = bench_core.PRICE_DATE.isoformat()
    sections = [s for s in args.only.split(",") if s]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s) {', '.join(sorted(unknown))}; sections: {', '.join(SECTIONS)}")
    print(f"advisor benchmarks on {machine()}")
    print(f"medians of {args.rounds} interleaved rounds unless a figure says otherwise; "
          "ratio: the figure over what its goal compares it with")
    rows = bench_core.rows([s for s in sections if s in bench_core.SECTIONS], args.rounds)
    if "cli" in sections:
        rows += bench_cli.rows(max(args.rounds, 21))
    if "app" in sections:
        rows += bench_app.rows(15)
    if "calibrate" in sections:
        rows += bench_calibrate.rows()
    missed = print_table(rows)
    print(f"{missed} goal{'s' if missed != 1 else ''} missed" if missed else "every goal met")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
