"""``advisor verify [DIR|FILE...]``: re-check recorded decisions against today's rules and prices."""

from __future__ import annotations

import argparse
import sys

from .common import add_rules_and_price_date

EPILOG = """\
examples:
  advisor verify                       # every record in docs/decisions
  advisor verify doc/adr 0004-chat.md  # folders and files
  advisor verify --rules ./our-rules   # against your organisation's rule set
"""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "verify",
        help="re-check recorded decisions against today's rules and prices",
        description="Re-evaluate every advisor-written decision record from its embedded inputs. "
        "Exit 0 when all hold, 1 when any drifted, 2 on unreadable input.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", metavar="DIR|FILE", default=["docs/decisions"])
    parser.add_argument("--format", choices=("text", "json"), default="text")
    add_rules_and_price_date(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from advisor.records.verify import verify, verify_exit_code

    results = verify(args.paths, rules=args.rules, price_date=args.price_date)
    code = verify_exit_code(results)
    if args.format == "json":
        from advisor.views.json_output import dump_json

        payload = {"exit_code": code, "records": [r.model_dump(mode="json") for r in results]}
        sys.stdout.write(dump_json(payload))
    else:
        from advisor.views.verify import format_verify

        sys.stdout.write(format_verify(results))
    return code
