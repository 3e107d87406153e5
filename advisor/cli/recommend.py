"""``advisor recommend FILE``: assess one workload and print the recommendation."""

from __future__ import annotations

import argparse
import sys

from .common import EXIT_OK, about_file, add_rules_and_price_date, path_argument

EPILOG = """\
examples:
  advisor recommend examples/chatbot.yaml
  advisor recommend examples/nightly-ticket-triage.yaml --format json
  advisor recommend examples/rules-cost-first/workloads/sales-call-summaries.yaml \\
      --rules examples/rules-cost-first --price-date 2026-11-01

The JSON output is advisor.assess(profile).model_dump(mode="json"). Exit 0 with a
recommendation, 2 when the file or a value in it is unusable (one message naming the file
and the field).
"""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "recommend",
        help="assess one workload file and recommend a mode",
        description="Assess one workload YAML file: the recommended mode, the ranking, the reasons and the money.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", metavar="FILE", type=path_argument, help="workload YAML file")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    add_rules_and_price_date(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # The library is imported when the command runs, not when the parser is built.
    from advisor.core.assessment import assess
    from advisor.core.profile import load_profile

    profile = load_profile(args.file)
    with about_file(args.file):
        result = assess(profile, args.rules, price_date=args.price_date)
    if args.format == "json":
        from advisor.views.json_output import dump_json

        sys.stdout.write(dump_json(result.model_dump(mode="json")))
    else:
        from advisor.views.text import render_text

        sys.stdout.write(render_text(result))
    return EXIT_OK
