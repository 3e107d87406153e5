"""Child process of the kept-assessments benchmark (bench_core.py runs it).

    python bench/kept.py keep|discard COUNT

Calls ``advisor.assess(profile)`` COUNT times over the benchmark's 100 workloads, in turn,
and either keeps every assessment in a list (as a script or an app that collects them
does) or lets each go; the cyclic garbage collector on, as a user has it. Prints the
seconds per call.
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workloads import varied_workloads

import advisor


def main() -> None:
    keep, count = sys.argv[1] == "keep", int(sys.argv[2])
    profiles = [advisor.parse_profile(data) for data in varied_workloads()]
    for profile in profiles:  # warm: every price card and cache
        advisor.assess(profile)
    gc.collect()
    kept = []
    start = time.perf_counter()
    for i in range(count):
        assessment = advisor.assess(profiles[i % len(profiles)])
        if keep:
            kept.append(assessment)
    print((time.perf_counter() - start) / count)
    assert len(kept) == (count if keep else 0)


if __name__ == "__main__":
    main()
