"""Benchmark: one rerun of the Streamlit app on the built-in example, in AppTest.

    .venv/bin/python bench/bench_app.py [--runs N]

AppTest re-executes the whole script on every run, as Streamlit does after each answer;
it also recompiles the script each time, which a real server caches, so the figure is an
upper bound. Each rerun starts with the latency model's cache empty, as after a changed
answer. Goal: median <= 0.3 s.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from harness import Row, print_table  # noqa: E402
from workloads import forget_workloads  # noqa: E402

AIM_S = 0.3


def rows(runs: int) -> list[Row]:
    os.chdir(ROOT)  # Streamlit reads .streamlit/config.toml from the working directory
    sys.path.insert(0, str(ROOT))
    from streamlit.testing.v1 import AppTest

    # AppTest runs without a browser session; Streamlit warns about that on every run.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.run()  # first run: imports, rule set, scenarios, price catalogue (cached from here on)
    if app.exception:
        raise SystemExit(f"the app failed: {app.exception[0].message}")
    times = []
    for _ in range(runs):
        forget_workloads()  # a rerun follows a changed answer: a workload the app has not seen
        start = time.perf_counter()
        app.run()
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    return [Row(f"Streamlit: a rerun of the default example in AppTest (median of {runs})", f"{median:.3f} s",
                f"<= {AIM_S} s", median / AIM_S, 1.0)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed reruns (default: 15)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return 1 if print_table(rows(args.runs)) else 0


if __name__ == "__main__":
    sys.exit(main())
