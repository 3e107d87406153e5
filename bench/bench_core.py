"""Benchmarks of the library: the engine against zen-engine and a straight-line floor,
assess(), the full JSON, kept assessments, and ``advisor review`` at scale.

    .venv/bin/python bench/bench_core.py [--rounds N] [--only engine,assess,kept,review,memory,map]

Every figure times exactly what its label says, per the unit it prints, over the same 100
workloads as its comparison (bench/workloads.py), as medians of interleaved rounds
(bench/harness.py). zen-engine is a benchmark-only dependency (the ``bench`` extra).
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from floor import floor_function  # noqa: E402
from harness import Row, interleaved, micro, milli  # noqa: E402
from workloads import forget_workloads, varied_workloads  # noqa: E402

import advisor  # noqa: E402
from advisor.core.situation import situate  # noqa: E402

PRICE_DATE = datetime.date(2026, 11, 1)
SECTIONS = ("engine", "assess", "steps", "kept", "review", "memory", "map")


def _evaluator(rules: Any) -> Callable[[Mapping[str, Any]], Any]:
    """The public ``load_rules().evaluate`` (before it existed: advisor.core.engine.evaluate)."""
    method = getattr(rules, "evaluate", None)
    if method is not None:
        return method  # type: ignore[no-any-return]
    from advisor.core.engine import evaluate

    return lambda facts: evaluate(rules, facts)


def _fired(evaluation: Any) -> list[str]:
    ids = getattr(evaluation, "fired_ids", None)
    return list(ids) if ids is not None else [rule.id for rule in evaluation.fired]


def engine_rows(rounds: int) -> list[Row]:
    from zen_table import fired_ids, zen_evaluator

    rules = advisor.load_rules()
    profiles = [advisor.parse_profile(d) for d in varied_workloads()]
    facts = [situate(p, rules, PRICE_DATE).facts for p in profiles]
    evaluate = _evaluator(rules)
    zen = zen_evaluator(rules)
    floor = floor_function(rules, facts)
    for f in facts:  # the same work: the same rules fire, the same recommendation
        ours = evaluate(f)
        if _fired(ours) != fired_ids(zen(f)):
            raise SystemExit("zen-engine's table fires other rules than the engine: the comparison is void")
        low = floor(f)
        if (ours.recommendation, list(ours.order), _fired(ours), ours.feasible) != (low[0], low[1], low[2], low[3]):
            raise SystemExit("the floor decides otherwise than the engine: the comparison is void")
    timing = interleaved(
        {
            "advisor": lambda: [evaluate(f) for f in facts],
            "zen": lambda: [zen(f) for f in facts],
            "floor": lambda: [floor(f) for f in facts],
        },
        units=len(facts), rounds=rounds, repeat=20,
    )
    n = len(rules.rules)
    return [
        Row(f"zen-engine: the {n} rules as one decision table (collect), per evaluation",
            micro(timing.median("zen")), "", None, None),
        Row("straight-line Python floor (every rule, scores, ranking), per evaluation",
            micro(timing.median("floor")), "", None, None),
        Row("load_rules().evaluate(facts), per evaluation", micro(timing.median("advisor")),
            "<= 1/3 of zen-engine", timing.ratio("advisor", "zen"), 1 / 3),
        Row("  the same, against the straight-line floor", "", "<= 2x the floor",
            timing.ratio("advisor", "floor"), 2.0),
    ]


def assess_rows(rounds: int) -> list[Row]:
    from zen_table import zen_evaluator

    from advisor.views.json_output import dump_json

    rules = advisor.load_rules()
    profiles = [advisor.parse_profile(d) for d in varied_workloads()]
    facts = [situate(p, rules, PRICE_DATE).facts for p in profiles]
    zen = zen_evaluator(rules)
    assess = advisor.assess
    timing = interleaved(
        {
            "zen": lambda: [zen(f) for f in facts],
            "assess": lambda: [assess(p) for p in profiles],
            "json": lambda: [dump_json(assess(p).model_dump(mode="json")) for p in profiles],
        },
        units=len(profiles), rounds=rounds, repeat=1, before=forget_workloads,
    )
    return [
        Row("advisor.assess(profile), per workload (what-if and levers when first read)",
            milli(timing.median("assess")), "<= 2x zen-engine's evaluation",
            timing.ratio("assess", "zen"), 2.0),
        Row("full JSON of an assessment, what-if and levers included, per workload",
            milli(timing.median("json")), "<= 20x zen-engine's evaluation", timing.ratio("json", "zen"), 20.0),
    ]


# The fields a workload of steps moves into its steps (a step holds each of them).
_PER_CALL = ("input_tokens", "output_tokens", "tool_latency_s", "model_p95_s", "ttft_s", "output_tokens_per_s",
             "cached_input_fraction")
STEPS = 25


def as_steps(data: Mapping[str, Any], count: int) -> dict[str, Any]:
    """The workload as ``count`` named steps, each one call of the workload's own (its model,
    tokens and tools), instead of its one-call shorthand."""
    out = {k: v for k, v in data.items() if k not in (*_PER_CALL, "chained_calls")}
    call = {k: data[k] for k in _PER_CALL if k in data}
    out["steps"] = [{"name": f"step {i + 1:02d}", **call} for i in range(count)]
    return out


def steps_rows(rounds: int) -> list[Row]:
    """advisor.assess(profile) of each workload as 25 steps, against the same workloads as
    one call: the work a step adds (its latency in the distribution, its cost, its limits)."""
    if "steps" not in advisor.WorkloadProfile.model_fields:
        return [Row(f"advisor.assess(profile) of a {STEPS}-step workload", "n/a", "(workloads have no steps here)",
                    None, None)]
    one, many = [], []
    for data in varied_workloads():
        try:
            pair = advisor.parse_profile(as_steps(data, 1)), advisor.parse_profile(as_steps(data, STEPS))
            advisor.assess(pair[1], what_if=False)
        except advisor.AdvisorError:  # e.g. 25 steps of 120,000 tokens over a model's context
            continue
        one.append(pair[0])
        many.append(pair[1])
    from advisor.views.json_output import dump_json

    assess = advisor.assess
    timing = interleaved(
        {
            "one": lambda: [assess(p) for p in one],
            "many": lambda: [assess(p) for p in many],
            # What a person waits for: what would change and the levers, each a re-assessment.
            "one json": lambda: [dump_json(assess(p).model_dump(mode="json")) for p in one],
            "many json": lambda: [dump_json(assess(p).model_dump(mode="json")) for p in many],
        },
        units=len(one), rounds=rounds, before=forget_workloads,
    )
    return [
        Row(f"advisor.assess(profile) of a {STEPS}-step workload, per workload ({len(many)} workloads)",
            milli(timing.median("many")), "<= 2x the same as one step", timing.ratio("many", "one"), 2.0),
        Row(f"full JSON of a {STEPS}-step workload, what-if and levers included, per workload",
            milli(timing.median("many json")), "<= 2x the same as one step", timing.ratio("many json", "one json"),
            2.0),
    ]


def kept_rows(rounds: int) -> list[Row]:
    """advisor.assess(profile) 5,000 times, keeping each assessment in a list, against letting
    each go: each in a fresh process (a list cannot be un-kept), alternately."""
    with_list: list[float] = []
    without: list[float] = []
    for _ in range(max(3, rounds // 3)):
        for how, into in (("discard", without), ("keep", with_list)):
            done = subprocess.run(
                [sys.executable, str(HERE / "kept.py"), how, "5000"], capture_output=True, text=True,
                check=True, cwd=ROOT,
            )
            into.append(float(done.stdout))
    ratio = statistics.median(a / b for a, b in zip(with_list, without, strict=True))
    return [
        Row("advisor.assess(profile), 5,000 calls, each assessment kept in a list, per call",
            milli(statistics.median(with_list)), "<= 1.5x letting each go", ratio, 1.5),
    ]


def write_workloads(folder: Path, count: int) -> list[Path]:
    """``count`` workload files: the 100 workloads in turn, each with its own name and volume,
    and each round of them a few more output tokens than the last, so that no file copies
    another's latency (a review's workloads are each a feature of their own). Workloads
    alike by chance still share it, as a user's would: an embedding's time does not depend
    on its size, so those of one model and retry rate do."""
    base = varied_workloads()
    paths = []
    for i in range(count):
        data = dict(base[i % len(base)])
        data["name"] = f"feature {i:06d}"
        data["requests_per_month"] = int(data["requests_per_month"]) + i
        if data["output_tokens"]:
            data["output_tokens"] = int(data["output_tokens"]) + i // len(base)
        data.pop("peak_requests_per_minute", None) if i % 7 == 0 else None
        sub = folder / f"team{i // 1000:03d}"
        sub.mkdir(exist_ok=True)
        path = sub / f"w{i:06d}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return paths


def _advisor() -> list[str]:
    script = Path(sys.executable).parent / "advisor"
    return [str(script)] if script.exists() else [sys.executable, "-m", "advisor.cli"]


def review_rows(rounds: int) -> list[Row]:
    loader = yaml.CSafeLoader
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = write_workloads(folder, 10_000)
        env = dict(os.environ)

        def parse() -> None:
            for path in paths:
                yaml.load(path.read_text(encoding="utf-8"), Loader=loader)

        def review() -> None:
            subprocess.run([*_advisor(), "review", str(folder), "--format", "json", "--price-date", "2026-11-01"],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)

        timing = interleaved({"parse": parse, "review": review}, units=len(paths), rounds=max(3, rounds // 4))
    return [
        Row("libyaml's safe loader parsing the 10,000 workload files, per file",
            micro(timing.median("parse")), "", None, None),
        Row("advisor review of the 10,000 files (the command, JSON), per file", micro(timing.median("review")),
            "<= 3x libyaml parsing them", timing.ratio("review", "parse"), 3.0),
    ]


def memory_rows() -> list[Row]:
    """Peak memory of ``advisor review`` over 100,000 workload files, JSON to a file."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "workloads"
        folder.mkdir()
        write_workloads(folder, 100_000)
        out = Path(tmp) / "review.json"
        start = time.perf_counter()
        child = subprocess.Popen(
            [*_advisor(), "review", str(folder), "--format", "json", "--price-date", "2026-11-01", "-o", str(out)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
        )
        _, status, usage = os.wait4(child.pid, 0)
        took = time.perf_counter() - start
        if status != 0:
            raise SystemExit(f"advisor review of 100,000 workloads failed (status {status})")
    peak_mb = usage.ru_maxrss / 1024  # Linux: kilobytes
    return [
        Row(f"advisor review of 100,000 workload files, JSON to a file: peak memory ({took:.0f} s)",
            f"{peak_mb:.0f} MB", "<= 300 MB", peak_mb / 300, 1.0),
    ]


def map_rows() -> list[Row]:
    from advisor.core.decision_map import decision_map, default_values

    rules = advisor.load_rules()
    profile = advisor.load_profile(ROOT / "examples" / "support-reply-draft.yaml")
    xs = default_values("latency_budget_s", profile, 100)
    ys = default_values("requests_per_month", profile, 100)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        decision_map(profile, "latency_budget_s", xs, "requests_per_month", ys, rules=rules, price_date=PRICE_DATE)
        times.append(time.perf_counter() - start)
    took = statistics.median(times)
    return [Row("decision map, 100 x 100 cells (median of 3)", f"{took:.2f} s", "<= 1 s", took / 1.0, 1.0)]


def rows(sections: Sequence[str], rounds: int) -> list[Row]:
    out: list[Row] = []
    for section in sections:
        if section == "engine":
            out += engine_rows(rounds)
        elif section == "assess":
            out += assess_rows(rounds)
        elif section == "steps":
            out += steps_rows(rounds)
        elif section == "kept":
            out += kept_rows(rounds)
        elif section == "review":
            out += review_rows(rounds)
        elif section == "memory":
            out += memory_rows()
        elif section == "map":
            out += map_rows()
    return out


def main(argv: list[str] | None = None) -> int:
    from harness import machine, print_table

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds (default: 15)")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"sections, of {', '.join(SECTIONS)}")
    args = parser.parse_args(argv)
    print(f"advisor {advisor.__version__} on {machine()}")
    return 1 if print_table(rows(args.only.split(","), args.rounds)) else 0


if __name__ == "__main__":
    sys.exit(main())
