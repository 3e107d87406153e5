"""``advisor rules check [DIR]``: validate and lint a rule set and run every rule's examples."""

from __future__ import annotations

import argparse
import sys


def add_parser(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = actions.add_parser(
        "check", help="validate, lint and run every rule's examples",
        description="Validate and lint a rule set and run every rule's examples, like a test runner.",
    )
    parser.add_argument(
        "dir", nargs="?", default=None, metavar="DIR",
        help="rule-set folder (default: $ADVISOR_RULES or the shipped set)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from advisor.core.rules_check import check_rules
    from advisor.views.rules_check import render_check_report

    report = check_rules(args.dir)
    sys.stdout.write(render_check_report(report))
    return report.exit_code
