"""Benchmark: how long the CLI takes to start, against the libraries it stands on.

    .venv/bin/python bench/bench_cli.py [--rounds N]

The baseline is a fresh Python process importing pydantic, yaml, jinja2 and genai_prices
together. Each round runs the baseline, ``advisor --version`` and ``advisor recommend FILE
--format json`` once each, in a rotating order, every one in a fresh process; the figures
are the medians over the rounds, so a busy moment of the machine hits all three alike.
Byte-code caches are allowed, as on a user's machine. Goals: ``--version`` under a third of
the baseline, ``recommend`` at most 1.3 times it, and ``recommend`` never loading Jinja2
(it writes no template) nor the app's libraries. Like the other benchmarks this is a
report: it says when a figure misses its goal and never fails the build.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "support-reply-draft.yaml"
GOALS = {"advisor --version": 1 / 3, "advisor recommend FILE --format json": 1.3}
MUST_NOT_LOAD = ("jinja2", "streamlit", "pandas", "altair")


def advisor_command() -> list[str]:
    script = Path(sys.executable).parent / "advisor"
    return [str(script)] if script.exists() else [sys.executable, "-m", "advisor.cli"]


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=True, env=env, cwd=ROOT)
    return time.perf_counter() - start


def loaded_on_recommend(env: dict[str, str]) -> list[str]:
    probe = (
        "import sys; from advisor.cli import main; main(['recommend', sys.argv[1], '--format', 'json']);"
        f"print(','.join(m for m in {MUST_NOT_LOAD!r} if m in sys.modules), file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(EXAMPLE)], capture_output=True, text=True, env=env, check=True, cwd=ROOT
    )
    last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
    return [name for name in last.split(",") if name]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21, help="interleaved rounds (default: 21)")
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    advisor = advisor_command()
    commands = {
        "baseline: import pydantic, yaml, jinja2, genai_prices": [
            sys.executable, "-c", "import pydantic, yaml, jinja2, genai_prices"
        ],
        "advisor --version": [*advisor, "--version"],
        "advisor recommend FILE --format json": [*advisor, "recommend", str(EXAMPLE), "--format", "json"],
    }
    names = list(commands)
    for command in commands.values():  # warm the byte-code caches and the disk
        timed(command, env)
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(args.rounds):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(timed(commands[name], env))
    medians = {name: statistics.median(values) for name, values in times.items()}
    base = medians[names[0]]
    print(f"CLI start-up, median of {args.rounds} interleaved rounds, each command in a fresh process")
    print(f"  {names[0]:<52} {base * 1000:7.1f} ms")
    missed = 0
    for name in names[1:]:
        ratio = medians[name] / base
        goal = GOALS[name]
        verdict = "ok" if ratio <= goal else "MISSES ITS GOAL"
        missed += ratio > goal
        print(f"  {name:<52} {medians[name] * 1000:7.1f} ms  {ratio:5.2f}x the baseline (goal <= {goal:.2f}x) {verdict}")
    loaded = loaded_on_recommend(env)
    print(f"  {'libraries recommend must not load':<52} {', '.join(loaded) or 'none loaded'}")
    if missed or loaded:
        print("  a goal is missed: see docs/architecture.md, start-up")
    return 0


if __name__ == "__main__":
    sys.exit(main())
