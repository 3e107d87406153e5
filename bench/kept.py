"""Child process of the kept-assessments benchmark (bench_core.py runs it).

    python bench/kept.py KEEP ROUNDS

Keeps KEEP assessments (``advisor.assess`` of the benchmark's workloads, in turn) in a
list, then times ``advisor.assess(profile)`` over the 100 workloads ROUNDS times, with the
collector on as a user has it; prints the seconds per call of each round, one per line.
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
    keep, rounds = int(sys.argv[1]), int(sys.argv[2])
    profiles = [advisor.parse_profile(data) for data in varied_workloads()]
    kept = [advisor.assess(profiles[i % len(profiles)]) for i in range(keep)]
    for profile in profiles:  # warm: every price card and cache, as in the kept list
        advisor.assess(profile)
    gc.collect()
    for _ in range(rounds):
        start = time.perf_counter()
        for profile in profiles:
            advisor.assess(profile)
        print((time.perf_counter() - start) / len(profiles), flush=True)
    assert len(kept) == keep


if __name__ == "__main__":
    main()
