"""``advisor rules check [DIR]``: validate and lint a rule set and run every rule's examples."""

from __future__ import annotations

import argparse
import sys

from .common import path_argument

EPILOG = """\
examples:
  advisor rules check
  advisor rules check examples/rules-cost-first

Exit 0 when every rule passes, 1 when a rule fails a check or an example (findings), 2
when the rule set cannot be loaded at all (unusable input, as for recommend --rules): a
file that is not YAML or holds no list of rules, a rule file not named *.yaml (org.yml), a
ruleset.yaml whose header, extends, disable or weights are wrong, a folder that does not
exist or holds no ruleset.yaml. No rule is run then, and only the problems are listed.
"""


def add_parser(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = actions.add_parser(
        "check", help="validate, lint and run every rule's examples",
        description="Validate and lint a rule set and run every rule's examples, like a test runner.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "dir", nargs="?", default=None, metavar="DIR", type=path_argument,
        help="rule-set folder (default: $ADVISOR_RULES, else the shipped default rule set)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from advisor.core.rules_check import check_rules
    from advisor.views.rules_check import render_check_report

    report = check_rules(args.dir)
    sys.stdout.write(render_check_report(report))
    return report.exit_code
