"""``advisor review DIR|FILE...``: one architecture-review report over many workloads."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from .common import EXIT_INPUT, EXIT_OK, add_force, add_rules_and_price_date, path_argument, printable, started
from .progress import Progress

EPILOG = """\
examples:
  advisor review examples/
  advisor review examples/ --format json
  advisor review examples/chatbot.yaml examples/gray-zone-30s.yaml -o review.md
  advisor review examples/ -o review.md --force       # replace the report
  advisor review examples/ --no-recurse --rules examples/rules-cost-first --price-date 2026-11-01
  advisor adr examples/chatbot.yaml && advisor review examples/ --decisions docs/decisions   # link the records

Folders are searched with their subfolders for *.yaml and *.yml files (any case); hidden
files, other files and a rule set's own files (a folder with a ruleset.yaml) are skipped,
and the report lists each with why, but only counts the files that are not YAML. Every
workload is assessed with one rule set (--rules, else the default); one under a folder that
holds a rule set of its own is flagged, with the --rules that would use it. Exit 0
when every file was reviewed, 2 when a file could not be read or assessed (the others are
still reviewed).
"""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "review",
        help="review a portfolio of workloads: mode mix, moves, money, risks",
        description="Assess every workload file and write one architecture-review report.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths", nargs="+", metavar="DIR|FILE", type=path_argument,
        help="workload files, or folders to search for them (with their subfolders)",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", type=path_argument, default=None,
        help="write the report to this new file (default: print it; - also prints it); never over one of the inputs",
    )
    add_force(parser, "replace the --output file if it exists")
    parser.add_argument(
        "--format", choices=("md", "json"), default="md", help="Markdown report or JSON (default: md)"
    )
    parser.add_argument(
        "--decisions", metavar="DIR", type=path_argument, default=None, action="append",
        help="decisions folder, searched with its subfolders as advisor verify searches it: link each "
        "workload to its advisor-written decision records there (give it again for another folder)",
    )
    parser.add_argument(
        "--no-recurse", dest="recurse", action="store_false",
        help="search only the folders given, not their subfolders",
    )
    add_rules_and_price_date(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from advisor.core.files import check_output, write_output
    from advisor.core.rules import load_rules
    from advisor.views.review import ReviewRun, workload_files

    # "-" prints, as for calibrate and init; an empty name is refused, not taken for "print it".
    output = None if args.output in (None, "-") else Path(args.output)
    inputs: list[Path] = []
    ruleset = load_rules(args.rules)
    if output is not None:
        # Before the work, not after it: the report may not replace a file, let alone an input
        # (a workload, a decision record, a file of the rule set it is judged by).
        inputs = [*workload_files(args.paths, recurse=args.recurse)[0], *ruleset.files()]
        check_output(args.output, inputs=inputs, force=args.force, what="report")  # as given: a trailing '/' too
    bar = Progress()
    if output is None and args.format == "json" and sys.stdout.isatty():
        bar.enabled = False  # the report streams to the terminal the bar would draw on
    try:
        run = ReviewRun(
            args.paths, rules=ruleset, decisions_dir=args.decisions, price_date=args.price_date,
            progress=bar.update, recurse=args.recurse,
        )
        if output is not None and run.records is not None:
            # The decision records are known once found (in subfolders too): none may be replaced.
            inputs += run.records.read
            check_output(args.output, inputs=inputs, force=args.force, what="report")
        started()
        # Written as it is made: JSON a workload at a time (a review of 100,000 files keeps
        # none of them); Markdown, whose summary comes first, once every workload's line is.
        if args.format == "json":
            text = run.json()
        else:
            text = _after(bar, run.markdown(link_base=output.parent if output is not None else None))
        if output is None:
            for chunk in text:
                sys.stdout.write(chunk)
        else:
            write_output(args.output, text, inputs=inputs, force=args.force, what="report")
    finally:
        bar.close()
    for error in run.errors:
        print(f"advisor: error: {printable(error.file)}: {printable(error.error)}", file=sys.stderr)
    if output is not None:
        print(f"wrote {printable(args.output)}", file=sys.stderr)  # as init, calibrate and rules docs say it
    return EXIT_INPUT if run.errors else EXIT_OK


def _after(bar: Progress, chunks: Iterator[str]) -> Iterator[str]:
    """The chunks, the progress bar gone before the first of them."""
    for chunk in chunks:
        bar.close()
        yield chunk
