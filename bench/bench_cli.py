"""Benchmark: how long the CLI takes to start, against the libraries it stands on.

    .venv/bin/python bench/bench_cli.py [--rounds N]

The baseline is a fresh Python process importing pydantic, yaml, jinja2 and genai_prices
together. Each round runs the baseline, ``advisor --version`` and ``advisor recommend FILE
--format json`` once each, in a rotating order, every one in a fresh process; the figures
are the medians over the rounds, so a busy moment of the machine hits all three alike.
Byte-code caches are allowed, as on a user's machine. Goals: ``--version`` under a third of
the baseline, ``recommend`` at most 1.3 times it, and ``recommend`` never loading Jinja2
(it writes no template) nor the app's libraries. It exits 1 when a figure misses its goal.

The advisor command ends with ``os._exit`` once its output is flushed, skipping the
interpreter's teardown; the baseline, a plain Python, pays its own. So the table also
reports, without a goal, the baseline ending the same way and ``recommend`` against it:
the libraries' import cost alone, like for like.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from harness import Row, print_table  # noqa: E402

EXAMPLE = ROOT / "examples" / "support-reply-draft.yaml"
BASELINE = "baseline: import pydantic, yaml, jinja2, genai_prices"
BASELINE_NO_TEARDOWN = "the same imports, ending with os._exit (no teardown, as advisor ends)"
GOALS = {"advisor --version": 1 / 3, "advisor recommend FILE --format json": 1.3}
MUST_NOT_LOAD = ("jinja2", "streamlit", "pandas", "altair")


def advisor_command() -> list[str]:
    script = Path(sys.executable).parent / "advisor"
    return [str(script)] if script.exists() else [sys.executable, "-m", "advisor.cli"]


def timed(command: list[str], env: dict[str, str]) -> float:
    """The CPU time (user and system) the process took from its start to its exit.

    CPU time, not the wall clock: on a machine others share, a process that waits for a
    core is not slower, and the wall clock of a fresh process swings by half with the load.
    The process is single-threaded, so on an idle machine the two are the same.
    """
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
    _, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed (status {status})")
    return usage.ru_utime + usage.ru_stime


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


def measure(rounds: int) -> dict[str, float]:
    """Median seconds of each command over ``rounds`` interleaved rounds."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    advisor = advisor_command()
    commands = {
        BASELINE: [sys.executable, "-c", "import pydantic, yaml, jinja2, genai_prices"],
        BASELINE_NO_TEARDOWN: [sys.executable, "-c", "import pydantic, yaml, jinja2, genai_prices, os; os._exit(0)"],
        "advisor --version": [*advisor, "--version"],
        "advisor recommend FILE --format json": [*advisor, "recommend", str(EXAMPLE), "--format", "json"],
    }
    names = list(commands)
    for command in commands.values():  # warm the byte-code caches and the disk
        timed(command, env)
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(rounds):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(timed(commands[name], env))
    return {name: statistics.median(values) for name, values in times.items()}


def rows(rounds: int) -> list[Row]:
    medians = measure(rounds)
    base = medians[BASELINE]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out = [Row(f"{BASELINE} (fresh process, median of {rounds})", f"{base * 1000:.1f} ms", "", None, None)]
    for name, goal in GOALS.items():
        out.append(Row(f"{name} (fresh process)", f"{medians[name] * 1000:.1f} ms",
                       f"<= {goal:.2f}x the baseline", medians[name] / base, goal))
    recommend = "advisor recommend FILE --format json"
    bare = medians[BASELINE_NO_TEARDOWN]
    out.append(Row(f"{BASELINE_NO_TEARDOWN} (median of {rounds})", f"{bare * 1000:.1f} ms", "", None, None))
    out.append(Row(f"{recommend}, against that: like for like (reported, no goal)",
                   f"{medians[recommend] * 1000:.1f} ms", "", medians[recommend] / bare, None))
    loaded = loaded_on_recommend(env)
    out.append(Row("libraries recommend must not load (jinja2, streamlit, pandas, altair)",
                   ", ".join(loaded) or "none", "none", float(len(loaded)), 0.0))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21, help="interleaved rounds (default: 21)")
    args = parser.parse_args(argv)
    return 1 if print_table(rows(args.rounds)) else 0


if __name__ == "__main__":
    sys.exit(main())
