"""``advisor schema``: the JSON Schema of a workload file, for editors and other tools."""

from __future__ import annotations

import argparse
import sys

from .common import EXIT_OK

EPILOG = """\
examples:
  advisor schema
  advisor schema > workload.schema.json

With the schema beside your workload files, this first line gives editors with the YAML
extension (yaml-language-server) completion and checking of every field:

  # yaml-language-server: $schema=workload.schema.json
"""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "schema",
        help="print the JSON Schema of a workload file",
        description="Print the JSON Schema (draft 7) of a workload file, generated from the profile's own model.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from advisor.core.profile import workload_schema
    from advisor.views.json_output import dump_json

    sys.stdout.write(dump_json(workload_schema()))
    return EXIT_OK
