"""The ``advisor`` command line: a thin shell over the library.

Every subcommand mirrors a library call of the same name. Errors a user can cause end in
one line on stderr and exit status 2; no traceback.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from typing import Any, Callable, Sequence

from .errors import AdvisorError, InputError

EXIT_INPUT = 2

RECOMMEND_EPILOG = """\
examples:
  advisor recommend examples/chatbot.yaml
  advisor recommend examples/nightly-ticket-triage.yaml --format json
  advisor recommend my-feature.yaml --rules ./our-rules --price-date 2026-11-01

The JSON output is advisor.assess(profile).model_dump(mode="json").
"""


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def dump_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def cmd_recommend(args: argparse.Namespace) -> int:
    from .assessment import assess
    from .profile import load_profile

    profile = load_profile(args.file)
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
    return parser


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
