"""Benchmarks of the paths a user waits on. Run with `make bench`.

Each figure is the best of several repeats (the least disturbed by other processes) and is
printed against its aim. This is a report, not a test: it never fails the build.
"""

from __future__ import annotations

import datetime
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import advisor  # noqa: E402
from advisor.core.assessment import build_assessment  # noqa: E402
from advisor.core.engine import evaluate, evaluate_rule  # noqa: E402
from advisor.core.situation import situate  # noqa: E402

PRICE_DATE = datetime.date(2026, 11, 1)
EXAMPLE = ROOT / "examples" / "support-reply-draft.yaml"


def best_of(fn: Callable[[], object], *, number: int, repeat: int = 7) -> float:
    """Seconds per call, best of `repeat` runs of `number` calls."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def row(name: str, value: float, unit: str, aim: float) -> None:
    verdict = "ok" if value <= aim else "OVER"
    print(f"  {name:<44} {value:>10.2f} {unit:<3} (aim <= {aim:g} {unit}) {verdict}")


def main() -> None:
    print(f"advisor {advisor.__version__} benchmarks on {machine()}")
    rules = advisor.load_rules()
    profile = advisor.load_profile(EXAMPLE)
    situation = situate(profile, rules, PRICE_DATE)  # warms the price-card cache
    facts = situation.facts

    per_rule = best_of(lambda: [evaluate_rule(r, facts) for r in rules.rules], number=500) / len(rules.rules)
    row("rule evaluation with trace", per_rule * 1e6, "us", 5)

    decision = best_of(lambda: evaluate(rules, situate(profile, rules, PRICE_DATE).facts), number=500)
    row("full assessment (latency, cost x4, capacity, rules)", decision * 1e6, "us", 100)

    evaluation = evaluate(rules, facts)
    report = best_of(lambda: build_assessment(rules, situation, evaluation), number=200)
    print(f"  {'  + building the Assessment report object':<44} {report * 1e6:>10.2f} us")

    whatif = best_of(lambda: advisor.assess(profile, rules, price_date=PRICE_DATE), number=5, repeat=3)
    print(f"  {'  assess() with what-would-change':<44} {whatif * 1e3:>10.2f} ms")

    try:
        from advisor.core.decision_map import decision_map, default_values
    except ImportError:
        print("  decision map: not available")
    else:
        xs = default_values("latency_budget_s", profile, 100)
        ys = default_values("requests_per_month", profile, 100)
        grid = best_of(
            lambda: decision_map(profile, "latency_budget_s", xs, "requests_per_month", ys, rules=rules,
                                 price_date=PRICE_DATE),
            number=1, repeat=3,
        )
        row("decision map 100 x 100", grid, "s", 1)

    with tempfile.TemporaryDirectory() as tmp:
        base = yaml.safe_load(EXAMPLE.read_text())
        for i in range(1000):
            data = {**base, "name": f"feature {i}", "requests_per_month": 1000 + 997 * i,
                    "latency_budget_s": [2, 4, 30, 600, 28800][i % 5],
                    "interaction": ["chat", "request_response", "submit_and_notify", "pipeline"][i % 4]}
            Path(tmp, f"w{i:04}.yaml").write_text(yaml.safe_dump(data))
        try:
            from advisor.views.review import review
        except ImportError:
            print("  review: not available")
        else:
            took = best_of(lambda: review([tmp], rules=None, price_date=PRICE_DATE), number=1, repeat=3)
            row("review of 1,000 workloads", took, "s", 2)
    print("  (CLI start-up: bench/bench_cli.py)")

if __name__ == "__main__":
    main()
