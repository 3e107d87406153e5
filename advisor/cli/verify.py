"""``advisor verify [DIR|FILE...]``: re-check recorded decisions against today's rules and prices."""

from __future__ import annotations

import argparse
import math
import re
import sys

from .common import add_rules_and_price_date, path_argument, printable, started

EPILOG = """\
statuses:
  holds         today's rules and prices make the same decision; no option's monthly
                cost moved by more than the tolerance
  drifted       the decision changed, or the chosen mode stopped meeting its contract
                (or started to), or an option's monthly cost moved beyond the tolerance
  inconsistent  the text states another decision than its inputs, or the inputs were
                edited (they no longer match their digest, or it was taken out)
  unverifiable  advisor wrote it, but its inputs are missing, duplicated or invalid,
                or the workload file it names is no valid workload
  (files advisor did not write are skipped; a record visibly marked superseded is
  not re-checked when its successor exists and is a decision record: advisor's about
  the same workload, or one with a title; nor is one whose status says deprecated or
  rejected: neither is in force)

what it checks:
  the inputs each record embeds, as they were when it was written, against today's
  rules and prices; and the workload file the record names (`advisor adr FILE`
  records FILE's path relative to the record). When that file holds another workload
  (comments and layout aside), the record is judged against the file: drifted when
  the decision, whether it meets its contract, or a monthly cost moves, with the
  fields that changed; holds, with them noted, when not. A file that is not there, or
  a path outside the repository (the git work tree that holds the record; with none,
  the folder searched), is noted (a warning with --format github), never read, and
  the record's own inputs are checked; a file that is no valid workload makes the
  record unverifiable (on GitHub, an error on that file). To bring a record up to
  date, write a new one with `advisor adr FILE --supersedes N` (printed under a
  drifted record, with its values, and under an edited, inconsistent one, beside
  undoing the edit). Records written with your own rule set are verified with it:
  --rules DIR or ADVISOR_RULES (said first under each record when the ids differ). A record
  written with a template of your own has no stated text: only its inputs are
  checked (said under it). Two or more records in force about one workload file
  are said in one line, with how to retire the older; the exit status is theirs.

examples:
  advisor verify                            # every record in docs/decisions, subfolders too
  advisor verify docs/decisions doc/adr     # folders and files
  advisor verify --rules examples/rules-cost-first   # against your organisation's rule set
  advisor verify --format github            # annotations on a pull request (GitHub Actions)
  advisor verify --cost-tolerance 25%       # let monthly costs move by up to 25%
  advisor verify --price-date 2026-11-01    # against the prices of that day, not today's
  advisor verify --allow-empty              # a decisions folder with no record yet passes
"""


def cost_tolerance(text: str) -> float:
    """``10%`` or ``0.1``: how far an option's monthly cost may move before a record drifts.

    No ceiling: a cost falls by 100% at most but can rise by any multiple, so 300% still
    means something (a cost may quadruple and the record holds); only a number too long to
    hold (400 nines: infinity) means nothing, and is refused here, by the option's name."""
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*(%?)\s*", text)
    if match is None:
        raise argparse.ArgumentTypeError(f"expected a percentage (10%) or a fraction (0.1), got {text!r}")
    value = float(match.group(1))
    if not math.isfinite(value / 100):
        raise argparse.ArgumentTypeError(
            f"a number of {len(match.group(1)):,} digits is too large to be a tolerance; "
            "give a percentage such as 10% or 300%"
        )
    if match.group(2):
        return value / 100
    if value > 1:
        raise argparse.ArgumentTypeError(
            f"{text} as a fraction is more than 100%; write {text}% for a percentage, or a fraction like 0.1"
        )
    return value


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "verify",
        help="re-check recorded decisions against today's rules and prices",
        description="Re-check every advisor-written decision record (folders are searched with their "
        "subfolders and linked folders for Markdown files (.md, .markdown, .mdown, .mkdn, .mkd, .mdwn, .mdx) "
        "in any case; hidden folders such as "
        ".git are not searched, and each is listed) from the inputs it embeds. Exit 0 when all hold, "
        "1 when any drifted or is inconsistent, 2 when any is unverifiable, a path does not exist, "
        "or no record was found.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths", nargs="*", metavar="DIR|FILE", type=path_argument, default=["docs/decisions"],
        help="decision records, or folders to search for them (default: docs/decisions)",
    )
    parser.add_argument(
        "--format", choices=("text", "json", "github"), default="text",
        help="text (default), json, or github: workflow-command annotations for GitHub Actions",
    )
    parser.add_argument(
        "--cost-tolerance", metavar="PCT", type=cost_tolerance, default=None,
        help="how far an option's monthly cost may move before the record drifts: 10%% (default) or 0.1; "
        "above 100%% it limits only rises (a cost falls by 100%% at most)",
    )
    parser.add_argument(
        "--allow-empty", action="store_true",
        help="exit 0 when the paths hold no advisor record (default: exit 2, the path is probably wrong)",
    )
    add_rules_and_price_date(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from advisor.core.rules import load_rules
    from advisor.records.verify import DEFAULT_COST_TOLERANCE, found_nothing, verify, verify_exit_code

    tolerance = DEFAULT_COST_TOLERANCE if args.cost_tolerance is None else args.cost_tolerance
    ruleset = load_rules(args.rules)
    started()
    results = verify(args.paths, rules=ruleset, price_date=args.price_date, cost_tolerance=tolerance)
    code = verify_exit_code(results, allow_empty=args.allow_empty)
    from advisor.views.verify import render_verify

    sys.stdout.write(render_verify(results, args.format, allow_empty=args.allow_empty))
    if args.format == "json" and found_nothing(results) and not args.allow_empty:
        # The JSON holds no record to say why it is exit 2: the reason goes where errors go.
        searched = ", ".join(printable(str(path)) for path in args.paths)
        print(f"advisor: error: found no advisor record in {searched}: check the path, or pass --allow-empty"
              " when none is fine", file=sys.stderr)
    return code
