"""``advisor init [FILE]``: write a commented starter workload to fill in."""

from __future__ import annotations

import argparse
import sys

from .common import EXIT_OK, add_force, path_argument, printable

DEFAULT_FILE = "workload.yaml"

EPILOG = """\
examples:
  advisor init
  advisor init my-feature.yaml && advisor recommend my-feature.yaml
  advisor init -                       # print it instead

The starter is a valid workload as it stands: every field is explained in a comment, the
optional ones are commented out with their defaults. An existing file is never replaced
unless --force is given.
"""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "init",
        help="write a commented starter workload file",
        description="Write a starter workload YAML file that `advisor recommend` accepts, every field explained.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "file", nargs="?", default=DEFAULT_FILE, metavar="FILE", type=path_argument,
        help=f"the new workload file (default: {DEFAULT_FILE}; - prints it)",
    )
    add_force(parser, "replace FILE if it exists")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from advisor.core.files import write_output
    from advisor.core.profile import starter_workload

    text = starter_workload()
    if args.file == "-":
        sys.stdout.write(text)
        return EXIT_OK
    write_output(args.file, text, force=args.force, field=None, what="workload file")
    shown = printable(args.file)
    print(f"wrote {shown}; fill it in, then: advisor recommend {shown}", file=sys.stderr)
    return EXIT_OK
