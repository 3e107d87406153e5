"""``advisor rules docs [DIR]``: the Markdown reference of a rule set."""

from __future__ import annotations

import argparse
import sys

from .common import EXIT_OK


def add_parser(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = actions.add_parser(
        "docs", help="generate the Markdown reference of a rule set",
        description="Generate a Markdown page documenting every rule: what, why, source, examples.",
    )
    parser.add_argument("dir", nargs="?", default=None, metavar="DIR")
    parser.add_argument("-o", "--output", metavar="FILE", default=None, help="write here (default: stdout)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from advisor.core.files import write_atomic
    from advisor.views.rules_docs import rules_docs

    text = rules_docs(args.dir)
    if args.output:
        write_atomic(args.output, text)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK
