"""``advisor init [FILE] [--example NAME]``: write a commented starter workload to fill in, or a worked example."""

from __future__ import annotations

import argparse
import sys

from .common import EXIT_OK, add_force, path_argument, printable, shell_word

DEFAULT_FILE = "workload.yaml"

EPILOG = """\
examples:
  advisor init
  advisor init my-feature.yaml && advisor recommend my-feature.yaml
  advisor init -                       # print it instead
  advisor init --example chatbot       # a worked example, to chatbot.yaml
  advisor init --example chatbot --force   # write it again over your changes
  advisor init --example gray-zone-30s -

The starter is a valid workload as it stands: every field is explained in a comment, the
optional ones are commented out with their defaults. An existing file is never replaced
unless --force is given.

--example NAME writes one of the worked examples instead: the workload files that the
README and every command's examples read from examples/ in a checkout, which an installed
advisor carries too (an unknown NAME is refused with the list of names). Outside a
checkout, `mkdir examples`, then `advisor init --example chatbot examples/chatbot.yaml`
makes `advisor recommend examples/chatbot.yaml` work as printed.
"""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "init",
        help="write a commented starter workload file (or a worked example)",
        description="Write a starter workload YAML file that `advisor recommend` accepts, every field explained.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "file", nargs="?", default=None, metavar="FILE", type=path_argument,
        help=f"the new workload file (default: {DEFAULT_FILE}, or NAME.yaml with --example; - prints it)",
    )
    parser.add_argument(
        "--example", metavar="NAME",
        help="write the worked example NAME (chatbot, gray-zone-30s, ...) instead of the starter",
    )
    add_force(parser, "replace FILE if it exists")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from advisor.core.files import write_output
    from advisor.core.profile import starter_workload

    text = starter_workload(example=args.example)
    if args.file is None:
        args.file = f"{args.example}.yaml" if args.example is not None else DEFAULT_FILE
    if args.file == "-":
        sys.stdout.write(text)
        return EXIT_OK
    write_output(args.file, text, force=args.force, field=None, what="workload file")
    then = "then" if args.example is not None else "fill it in, then"
    print(f"wrote {printable(args.file)}; {then}: advisor recommend {shell_word(args.file)}", file=sys.stderr)
    return EXIT_OK
