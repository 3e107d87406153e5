"""``advisor map FILE --x FACT --y FACT``: the recommended mode over a grid of two facts."""

from __future__ import annotations

import argparse
import math
import sys
from typing import TYPE_CHECKING

from advisor.core.errors import InputError

from .common import EXIT_OK, about_file, add_rules_and_price_date, path_argument, plain_count, plain_float, started

if TYPE_CHECKING:  # the library is imported when the command runs
    from advisor.core.profile import WorkloadProfile
    from advisor.core.variables import Value

EPILOG = """\
examples:
  advisor map examples/nightly-ticket-triage.yaml --x latency_budget_s=1:86400:12 --y requests_per_month=50:10000000:8
  advisor map examples/chatbot.yaml --x interaction --y latency_budget_s=1:600:4
  advisor map examples/chatbot.yaml --x interaction --y downstream --format json
  advisor map examples/chatbot.yaml --x interaction --y downstream --rules examples/rules-cost-first \\
      --price-date 2026-11-01

Facts that can vary: latency_budget_s, chained_calls, tool_latency_s, model_p95_s,
input_tokens, output_tokens, requests_per_month, peak_requests_per_minute (numbers: from
START to STOP in N points, log-spaced where they span orders of magnitude), interaction,
output_format, downstream, side_effects (choices: each of their values). A workload
described as steps takes neither chained_calls, tool_latency_s, model_p95_s, input_tokens
nor output_tokens: they are single-call fields.
"""
AXIS_FORMAT = "FACT or FACT=START:STOP:N, e.g. latency_budget_s=1:3600:20"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "map",
        help="the recommended mode over a grid of two facts",
        description="Vary two facts of a workload over a grid and print the recommended mode at each point,"
        " marked where it misses its contract: 'sync (not feasible)', and where a peak given below the"
        " month's average was raised to it: 'sync (peak raised to 1,389)'.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", metavar="FILE", type=path_argument, help="workload YAML file")
    parser.add_argument(
        "--x", required=True, metavar="FACT[=START:STOP:N]",
        help="the fact across the columns, and its range (default range: one a CTO would recognise)",
    )
    parser.add_argument(
        "--y", required=True, metavar="FACT[=START:STOP:N]",
        help="the fact down the rows, and its range (default range: one a CTO would recognise)",
    )
    parser.add_argument(
        "--format", choices=("csv", "json"), default="csv",
        help="a CSV grid (default) or JSON with the grid and the workload's own point",
    )
    add_rules_and_price_date(parser)
    parser.set_defaults(handler=run)


def parse_axis(spec: str, profile: WorkloadProfile, option: str) -> tuple[str, list[Value]]:
    """``FACT`` (its default grid) or ``FACT=START:STOP:N``; InputError naming the option otherwise."""
    from advisor.core.decision_map import MAX_POINTS, MIN_POINTS, default_values, spaced_values
    from advisor.core.variables import CHOICE_FACTS, check_variable, choices, field_range

    name, sep, spread = spec.partition("=")
    fact = name.strip()
    check_variable(fact, option, profile)
    if not sep:
        return fact, default_values(fact, profile)
    if fact in CHOICE_FACTS:
        raise InputError(
            f"'{fact}' is a choice ({', '.join(choices(fact))}); give it without a range", source=option
        )
    parts = spread.split(":")
    if len(parts) != 3:
        raise InputError(f"expected {AXIS_FORMAT} (got {spec!r})", source=option)
    rng = field_range(fact)
    bounds: list[float] = []
    for label, text in zip(("START", "STOP"), parts[:2], strict=True):
        try:
            number = plain_float(text)
        except ValueError:
            message = f"{label} must be a number (got {text!r}); expected {AXIS_FORMAT}"
            raise InputError(message, source=option) from None
        if not math.isfinite(number) or not rng.contains(number) or (rng.integer and number != int(number)):
            raise InputError(f"{label} of {fact} must be {rng.describe()} (got {text.strip()})", source=option)
        bounds.append(number)
    try:
        n = plain_count(parts[2])
    except ValueError:
        raise InputError(f"N must be a whole number of points (got {parts[2]!r})", source=option) from None
    if not MIN_POINTS <= n <= MAX_POINTS:
        raise InputError(f"N must be between {MIN_POINTS} and {MAX_POINTS} points (got {n})", source=option)
    start, stop = bounds
    if start >= stop:
        raise InputError(f"START must be below STOP (got {parts[0]}:{parts[1]})", source=option)
    return fact, spaced_values(fact, start, stop, n)


def run(args: argparse.Namespace) -> int:
    from advisor.core.decision_map import decision_map
    from advisor.core.profile import load_profile
    from advisor.core.rules import load_rules

    profile = load_profile(args.file)
    ruleset = load_rules(args.rules)
    started()
    x_fact, xs = parse_axis(args.x, profile, "--x")
    y_fact, ys = parse_axis(args.y, profile, "--y")
    if x_fact == y_fact:
        raise InputError(f"--x and --y both vary '{x_fact}'; a map needs two different facts")
    with about_file(args.file):
        result = decision_map(profile, x_fact, xs, y_fact, ys, rules=ruleset, price_date=args.price_date)
    if args.format == "json":
        from advisor.views.json_output import dump_json

        sys.stdout.write(dump_json(result.model_dump(mode="json")))
    else:
        from advisor.views.decision_map import render_csv

        sys.stdout.write(render_csv(result))
    return EXIT_OK
