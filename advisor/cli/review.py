"""``advisor review DIR|FILE...``: one architecture-review report over many workloads."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from advisor.core.errors import InputError

from .common import EXIT_INPUT, EXIT_OK, add_rules_and_price_date
from .progress import Progress

EPILOG = """\
examples:
  advisor review examples/
  advisor review workloads/ --decisions docs/decisions -o review.md
  advisor review a.yaml b.yaml --format json
"""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "review",
        help="review a portfolio of workloads: mode mix, moves, savings, risks",
        description="Assess every workload file and write one architecture-review report.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="+", metavar="DIR|FILE")
    parser.add_argument(
        "-o", "--output", metavar="FILE", default=None, help="write the report here (default: stdout)"
    )
    parser.add_argument("--format", choices=("md", "json"), default="md")
    parser.add_argument(
        "--decisions", metavar="DIR", default=None, help="link each workload to its decision records here"
    )
    add_rules_and_price_date(parser)
    parser.set_defaults(handler=run)


def _check_output(path: Path) -> None:
    if path.is_dir():
        raise InputError("is a folder; give the report's file name", source=str(path), field="--output")
    if not path.parent.is_dir():
        raise InputError("the folder to write the report in does not exist", source=str(path), field="--output")


def _printable(text: str) -> str:
    """One line for a terminal: control characters (escape sequences, newlines) shown, not obeyed."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def run(args: argparse.Namespace) -> int:
    from advisor.core.files import write_atomic
    from advisor.views.review import render_review, review

    output = Path(args.output) if args.output else None
    if output is not None:
        _check_output(output)  # before the work, not after it
    bar = Progress()
    try:
        result = review(
            args.paths, rules=args.rules, decisions_dir=args.decisions, price_date=args.price_date,
            progress=bar.update,
        )
    finally:
        bar.close()
    text = render_review(result, args.format, link_base=output.parent if output is not None else None)
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text, field="--output")
    for error in result.errors:
        print(f"advisor: error: {_printable(error.file)}: {_printable(error.error)}", file=sys.stderr)
    return EXIT_INPUT if result.errors else EXIT_OK
