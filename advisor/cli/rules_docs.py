"""``advisor rules docs [DIR]``: the Markdown reference of a rule set."""

from __future__ import annotations

import argparse
import sys

from .common import EXIT_OK, add_force, path_argument, printable

EPILOG = """\
examples:
  advisor rules docs
  advisor rules docs examples/rules-cost-first
  advisor rules docs examples/rules-cost-first -o rules-cost-first.md
  advisor rules docs examples/rules-cost-first -o rules-cost-first.md --force   # replace it
"""


def add_parser(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = actions.add_parser(
        "docs", help="generate the Markdown reference of a rule set",
        description="Generate a Markdown page documenting every rule: what, why, source, examples.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "dir", nargs="?", default=None, metavar="DIR", type=path_argument,
        help="rule-set folder (default: $ADVISOR_RULES, else the shipped default rule set)",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", type=path_argument, default=None,
        help="write the page to this new file (default: print it; - also prints it); never over a rule file",
    )
    add_force(parser, "replace the --output file if it exists")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from advisor.core.files import check_output, write_output
    from advisor.core.rules import load_rules
    from advisor.views.rules_docs import ruleset_markdown

    ruleset = load_rules(args.dir)
    inputs = ruleset.files()
    # "-" prints, as for calibrate and init; an empty name is refused, not taken for "print it".
    to_file = args.output not in (None, "-")
    if to_file:
        check_output(args.output, inputs=inputs, force=args.force, what="page")
    text = ruleset_markdown(ruleset)
    if to_file:
        write_output(args.output, text, inputs=inputs, force=args.force, what="page")
        print(f"wrote {printable(args.output)}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK
