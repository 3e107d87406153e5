"""``advisor adr FILE``: write the decision record of one workload into the decisions folder."""

from __future__ import annotations

import argparse
import os
import re
import sys

from .common import EXIT_OK, about_file, add_rules_and_price_date, parse_date, path_argument, printable

EPILOG = """\
examples:
  advisor adr examples/chatbot.yaml
  advisor adr examples/chatbot.yaml --template nygard --dir doc/adr --status accepted
  advisor adr examples/chatbot.yaml --supersedes 1 --date 2026-11-23
  advisor adr examples/gray-zone-30s.yaml --supersedes 2 --force    # supersede a record about another workload
  advisor adr examples/chatbot.yaml --status accepted --decision-makers "Ana Lima, Ben Okafor" \\
      --consulted "Platform team" --informed "Support leads"
  advisor adr examples/rules-cost-first/workloads/sales-call-summaries.yaml \\
      --rules examples/rules-cost-first --price-date 2026-11-01
"""
STATUSES = ("proposed", "accepted", "rejected", "deprecated", "superseded")


def record_number(text: str) -> int:
    """A record number as ASCII digits only: no sign, no spaces, no other scripts' digits."""
    if not re.fullmatch(r"[0-9]+", text) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected the number of an existing record, like 3 (got {text!r})")
    return int(text)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "adr",
        help="write a decision record (MADR or Nygard) for one workload",
        description="Assess a workload and write its architecture decision record as NNNN-title-slug.md. The "
        "record names FILE relative to its folder, so that advisor verify also checks it against the file as "
        "it is then.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", metavar="FILE", type=path_argument, help="workload YAML file")
    parser.add_argument(
        "--dir", type=path_argument, default="docs/decisions", help="decisions folder (default: docs/decisions)"
    )
    parser.add_argument(
        "--template", type=path_argument, default="madr", metavar="madr|nygard|PATH",
        help=(
            "MADR 4 (default), Nygard as adr-tools writes it, or your own Jinja2 template (sandboxed; it "
            "must write {{ inputs_block }} once, for verify)"
        ),
    )
    parser.add_argument(
        "--status", choices=STATUSES, default="proposed",
        help="the record's status, in MADR's front matter or Nygard's Status section (default: proposed)",
    )
    parser.add_argument(
        "--date", metavar="YYYY-MM-DD", type=parse_date, default=None, help="record date (default: today)"
    )
    parser.add_argument(
        "--supersedes", metavar="N", type=record_number, default=None,
        help="number of the record this one supersedes (an advisor record must be about the same workload)",
    )
    parser.add_argument(
        "--force", action="store_true",
        help="only with --supersedes: supersede a record about another workload (a record is never overwritten)",
    )
    for flag, who in (
        ("--decision-makers", "everyone involved in the decision"),
        ("--consulted", "everyone whose opinion was sought"),
        ("--informed", "everyone kept up to date"),
    ):
        parser.add_argument(
            flag, metavar="NAMES", action="append", default=None,
            help=f"{who}: names separated by commas, or the option repeated (MADR front matter)",
        )
    add_rules_and_price_date(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from advisor.core.assessment import assess
    from advisor.core.errors import InputError
    from advisor.core.profile import load_profile
    from advisor.records.folder import in_force_about
    from advisor.records.workload import recorded_path_refusal
    from advisor.views.adr import write_adr

    if args.force and args.supersedes is None:
        # Elsewhere --force replaces a file: here it would be taken to overwrite a record.
        raise InputError("--force only applies with --supersedes (a record is never overwritten)")
    profile = load_profile(args.file)
    with about_file(args.file):
        result = assess(profile, args.rules, price_date=args.price_date)
    new_folder = not os.path.lexists(args.dir)
    # Records in force about the same file: a second one beside them is allowed (it may be wanted),
    # but said, with how to replace one instead. (The one it supersedes is retired by this run.)
    in_force = [n for n in in_force_about(args.dir, args.file) if n != args.supersedes] if not new_folder else []
    path = write_adr(
        result, args.dir, template=args.template, status=args.status, date=args.date, supersedes=args.supersedes,
        force=args.force, decision_makers=args.decision_makers, consulted=args.consulted, informed=args.informed,
        workload_file=args.file,
    )
    if new_folder:  # a mistyped --dir would otherwise start a second record folder unseen
        print(f"created the decisions folder {printable(str(args.dir))}: it did not exist", file=sys.stderr)
    if (refusal := recorded_path_refusal(args.file, path.parent)) is not None:
        print(
            f"the record does not name its workload file {printable(str(args.file))}: {printable(refusal)}, "
            "so advisor verify checks the record's own inputs only",
            file=sys.stderr,
        )
    if len(in_force) == 1:
        print(
            f"record {in_force[0]} is about this workload file: pass --supersedes {in_force[0]} to replace it (remove "
            f"{printable(path.name)} and run again with it); as written, both are in force",
            file=sys.stderr,
        )
    elif in_force:  # one line for all (one --supersedes retires one record; verify says how to retire the rest)
        named = f"{', '.join(map(str, in_force[:-1]))} and {in_force[-1]}"
        print(
            f"records {named} are about this workload file too: as written, all {len(in_force) + 1} are in force;"
            f" pass --supersedes {in_force[-1]} to replace the newest of them (remove {printable(path.name)} and run"
            " again with it), and retire the older ones by their status, as advisor verify says",
            file=sys.stderr,
        )
    print(printable(str(path)))
    return EXIT_OK
