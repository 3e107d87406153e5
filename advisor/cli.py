"""The ``advisor`` command line: a thin shell over the library.

Every subcommand mirrors a library call of the same name. Errors a user can cause end in
one line on stderr and exit status 2; no traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import sys
from typing import Any, Callable, Iterator, Sequence

from .errors import AdvisorError, InputError

EXIT_INPUT = 2

RECOMMEND_EPILOG = """\
examples:
  advisor recommend examples/chatbot.yaml
  advisor recommend examples/nightly-ticket-triage.yaml --format json
  advisor recommend my-feature.yaml --rules ./our-rules --price-date 2026-11-01

The JSON output is advisor.assess(profile).model_dump(mode="json").
"""


ADR_EPILOG = """\
examples:
  advisor adr examples/chatbot.yaml
  advisor adr examples/chatbot.yaml --template nygard --dir doc/adr --status accepted
  advisor adr examples/chatbot.yaml --supersedes 3 --date 2026-11-23
"""

VERIFY_EPILOG = """\
examples:
  advisor verify                       # every record in docs/decisions
  advisor verify doc/adr 0004-chat.md  # folders and files
  advisor verify --rules ./our-rules   # against your organisation's rule set
"""

REVIEW_EPILOG = """\
examples:
  advisor review examples/
  advisor review workloads/ --decisions docs/decisions -o review.md
  advisor review a.yaml b.yaml --format json
"""

MAP_EPILOG = """\
examples:
  advisor map examples/gray-zone-30s.yaml --x latency_budget_s=1:3600:20 --y requests_per_month=100:10000000:20
  advisor map examples/chatbot.yaml --x interaction --y downstream --format json
"""


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


@contextlib.contextmanager
def about_file(path: str) -> Iterator[None]:
    """Errors about a workload's values (an unknown model...) name the file they came from."""
    try:
        yield
    except InputError as exc:
        if exc.source is None:
            exc.source = str(path)
            exc.args = (str(exc),)
        raise


def dump_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def cmd_recommend(args: argparse.Namespace) -> int:
    from .assessment import assess
    from .profile import load_profile

    profile = load_profile(args.file)
    with about_file(args.file):
        result = assess(profile, args.rules, price_date=args.price_date)
    if args.format == "json":
        sys.stdout.write(dump_json(result.model_dump(mode="json")))
    else:
        from .summary import render_text

        sys.stdout.write(render_text(result))
    return 0


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rules", metavar="DIR", default=None,
        help="rule-set folder (default: $ADVISOR_RULES, else the shipped default rule set)",
    )
    parser.add_argument(
        "--price-date", metavar="YYYY-MM-DD", type=_date, default=None,
        help="use the prices in force on this date (default: today, UTC)",
    )


def build_parser() -> argparse.ArgumentParser:
    from .version import __version__

    parser = argparse.ArgumentParser(
        prog="advisor",
        description="Should an LLM feature call its model sync, streaming, async or batch? And why?",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Run 'advisor COMMAND --help' for the options and examples of each command.",
    )
    parser.add_argument("--version", action="version", version=f"advisor {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    rec = sub.add_parser(
        "recommend",
        help="assess one workload file and recommend a mode",
        description="Assess one workload YAML file: the recommended mode, the ranking, the reasons and the money.",
        epilog=RECOMMEND_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    rec.add_argument("file", metavar="FILE", help="workload YAML file")
    rec.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    add_common(rec)
    rec.set_defaults(handler=cmd_recommend)

    adr = sub.add_parser(
        "adr",
        help="write a decision record (MADR or Nygard) for one workload",
        description="Assess a workload and write its architecture decision record as NNNN-title-slug.md.",
        epilog=ADR_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    adr.add_argument("file", metavar="FILE", help="workload YAML file")
    adr.add_argument("--dir", default="docs/decisions", help="decisions folder (default: docs/decisions)")
    adr.add_argument(
        "--template", default="madr", metavar="madr|nygard|PATH",
        help="MADR 4 (default), Nygard as adr-tools writes it, or your own Jinja2 template (sandboxed)",
    )
    adr.add_argument("--status", choices=("proposed", "accepted"), default="proposed")
    adr.add_argument("--date", metavar="YYYY-MM-DD", type=_date, default=None, help="record date (default: today)")
    adr.add_argument("--supersedes", metavar="N", type=int, default=None, help="number of the record this one supersedes")
    add_common(adr)
    adr.set_defaults(handler=_lazy("records", "cmd_adr"))

    ver = sub.add_parser(
        "verify",
        help="re-check recorded decisions against today's rules and prices",
        description="Re-evaluate every advisor-written decision record from its embedded inputs. "
        "Exit 0 when all hold, 1 when any drifted, 2 on unreadable input.",
        epilog=VERIFY_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ver.add_argument("paths", nargs="*", metavar="DIR|FILE", default=["docs/decisions"])
    ver.add_argument("--format", choices=("text", "json"), default="text")
    add_common(ver)
    ver.set_defaults(handler=_lazy("drift", "cmd_verify"))

    rev = sub.add_parser(
        "review",
        help="review a portfolio of workloads: mode mix, moves, savings, risks",
        description="Assess every workload file and write one architecture-review report.",
        epilog=REVIEW_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    rev.add_argument("paths", nargs="+", metavar="DIR|FILE")
    rev.add_argument("-o", "--output", metavar="FILE", default=None, help="write the report here (default: stdout)")
    rev.add_argument("--format", choices=("md", "json"), default="md")
    rev.add_argument("--decisions", metavar="DIR", default=None, help="link each workload to its decision records here")
    add_common(rev)
    rev.set_defaults(handler=_lazy("portfolio", "cmd_review"))

    mp = sub.add_parser(
        "map",
        help="the recommended mode over a grid of two facts",
        description="Vary two facts of a workload over a grid and print the recommended mode at each point.",
        epilog=MAP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    mp.add_argument("file", metavar="FILE", help="workload YAML file")
    mp.add_argument("--x", required=True, metavar="FACT[=START:STOP:N]", help="first fact and its range")
    mp.add_argument("--y", required=True, metavar="FACT[=START:STOP:N]", help="second fact and its range")
    mp.add_argument("--format", choices=("csv", "json"), default="csv")
    add_common(mp)
    mp.set_defaults(handler=_lazy("modemap", "cmd_map"))

    rules = sub.add_parser("rules", help="check or document a rule set", description="Author a rule set.")
    rules_sub = rules.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    chk = rules_sub.add_parser(
        "check", help="validate, lint and run every rule's examples",
        description="Validate and lint a rule set and run every rule's examples, like a test runner.",
    )
    chk.add_argument("dir", nargs="?", default=None, metavar="DIR", help="rule-set folder (default: $ADVISOR_RULES or the shipped set)")
    chk.set_defaults(handler=_lazy("authoring", "cmd_rules_check"))
    docs = rules_sub.add_parser(
        "docs", help="generate the Markdown reference of a rule set",
        description="Generate a Markdown page documenting every rule: what, why, source, examples.",
    )
    docs.add_argument("dir", nargs="?", default=None, metavar="DIR")
    docs.add_argument("-o", "--output", metavar="FILE", default=None, help="write here (default: stdout)")
    docs.set_defaults(handler=_lazy("ruledocs", "cmd_rules_docs"))
    return parser


def _lazy(module: str, name: str) -> Callable[[argparse.Namespace], int]:
    """Import a command's module only when it runs: the CLI starts fast."""

    def run(args: argparse.Namespace) -> int:
        import importlib

        return getattr(importlib.import_module(f"advisor.{module}"), name)(args)

    return run


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except AdvisorError as exc:
        print(f"advisor: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("advisor: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); that is not our error.
        sys.stderr.close()
        return 0



__all__ = ["main", "build_parser", "InputError"]


if __name__ == "__main__":
    sys.exit(main())
