"""``advisor calibrate TRACES... -o WORKLOAD.yaml``: a workload measured from OpenTelemetry traces."""

from __future__ import annotations

import argparse
import math
import os
import sys

from .common import EXIT_OK, add_force, path_argument, plain_float, printable, shell_word

EPILOG = """\
examples:
  advisor calibrate examples/traces/rag-chat.jsonl.gz --root rag.chat -o rag-chat.yaml
  advisor calibrate examples/traces/rag-chat.jsonl.gz --root rag.chat --into examples/rag-chat-rewrite.yaml \\
      -o rag-chat-measured.yaml && advisor recommend rag-chat-measured.yaml
  advisor calibrate examples/traces/rag-chat.jsonl.gz --root rag.chat --into rag-chat-measured.yaml \\
      -o rag-chat-measured.yaml --force    # next month's refresh: the answers kept, the file replaced
  advisor calibrate examples/traces/rag-chat.jsonl.gz --window-days 0.5 -o -    # print it

Reads OTLP/JSON as the OpenTelemetry Collector's file exporter writes it (one request per
line, or one JSON document; camelCase or snake_case; gzip or not), and finds the model
calls by the GenAI semantic conventions (gen_ai.operation.name, gen_ai.provider.name or the
older gen_ai.system, gen_ai.request.model, gen_ai.usage.*). A request is a trace; its model
calls in time order are the steps, consecutive calls of the same shape one step with a
repeat; a failed call followed by the same call is a retry.

Writes the steps (model, median tokens, p50 and p95 call time, first token, time outside the
model, repeat), requests a month, the busiest minute and the retry rate, with comments on the
sample and on every figure from fewer than 100 samples. Traces can't tell who waits, the
budget or who consumes the output: --into keeps those answers from an existing workload;
without it they are written as REQUIRED ANSWER and `advisor recommend` names them until they
are filled in. Then: advisor recommend WORKLOAD.yaml, advisor adr WORKLOAD.yaml.

The traces are read with Python's own json module, not protobuf's JSON mapping: it reads
the collector's hex trace ids that the mapping silently misreads as base64, accepts fields
newer OTLP versions add, is 5x faster, and needs no extra package (docs/calibration.md).

Nothing is written on an error (exit 2); -o never replaces a file without --force. To
refresh a calibrated workload, name it twice: --into FILE -o FILE --force reads its answers,
then replaces it whole (through a temporary file and a rename).
"""


def _days(text: str) -> float:
    try:
        value = plain_float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of days, got {text!r}") from None
    if not math.isfinite(value) or value * 86_400 < 60 or value > 3_650:
        raise argparse.ArgumentTypeError(f"expected a number of days from one minute (0.0007) to 3650, got {text!r}")
    return value


def _same_file(a: str, b: str) -> bool:
    """Whether two paths name one existing file (a link, ``..`` or a hard link included)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "calibrate",
        help="measure a workload from OpenTelemetry traces",
        description="Measure a workload from OpenTelemetry trace exports (OTLP/JSON) and write it as a workload "
        "file: steps, tokens, latencies, volume, peak and retries, with the evidence behind each figure.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "traces", nargs="+", metavar="TRACES", type=path_argument,
        help="OTLP/JSON trace export files (JSON Lines or one document, gzip or not)",
    )
    parser.add_argument(
        "-o", "--output", required=True, metavar="WORKLOAD.yaml", type=path_argument,
        help="the workload file to write (- prints it)",
    )
    parser.add_argument(
        "--into", metavar="BASE.yaml", type=path_argument, default=None,
        help="an existing workload whose answers (who waits, the budget, who consumes the output, tier, "
        "pricing...) are kept while its measured fields are replaced",
    )
    parser.add_argument(
        "--root", metavar="NAME", default=None,
        help="count only traces whose root span has this name: one feature among many in the export",
    )
    parser.add_argument(
        "--window-days", metavar="N", type=_days, default=None,
        help="the days the export covers, when longer than its traces' spread (default: first to last request)",
    )
    add_force(parser, "replace WORKLOAD.yaml if it exists")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from advisor.core.calibration import calibrate
    from advisor.core.errors import InputError, TraceError
    from advisor.core.files import check_output, write_output
    from advisor.core.profile import unanswered
    from advisor.core.yamlio import read_yaml_file
    from advisor.views.workload_file import calibrated_workload

    to_stdout = args.output == "-"
    # -o onto the --into file is the refresh the calibrated file's header describes: the
    # answers are read first, then the file is replaced whole (with --force, as any -o).
    refresh = args.into is not None and not to_stdout and _same_file(args.output, args.into)
    inputs = [*args.traces, *([args.into] if args.into and not refresh else [])]
    if refresh and not args.force:
        raise InputError(
            "is the --into workload: pass --force to refresh it in place (its answers are kept)",
            source=str(args.output), field="--output",
        )
    if not to_stdout:  # refused before the traces are read: a wrong -o costs nothing
        check_output(args.output, inputs=inputs, force=args.force, what="workload file")
    base = None
    if args.into is not None:
        base = read_yaml_file(args.into)
        if not isinstance(base, dict):
            raise InputError("expected a workload (a mapping of fields) to keep the answers of", source=args.into,
                             field="--into")
    try:
        result = calibrate(args.traces, root=args.root, window_days=args.window_days)
    except TraceError as exc:
        if exc.field == "window_days":
            exc.field = "--window-days"
            exc.args = (str(exc),)
        raise
    text = calibrated_workload(result, base, base_source=args.into)
    if to_stdout:
        sys.stdout.write(text)
        return EXIT_OK
    write_output(args.output, text, inputs=inputs, force=args.force, what="workload file")
    p = result.provenance
    steps = len(result.workload["steps"])
    missing = unanswered(result.into(base))
    then = (
        f"fill in {', '.join(missing)} (marked REQUIRED ANSWER), then: advisor recommend {shell_word(args.output)}"
        if missing else f"next: advisor recommend {shell_word(args.output)}"
    )
    print(
        f"wrote {printable(args.output)}: {steps} step{'s' if steps != 1 else ''} measured from {p['traces']:,} "
        f"traces between {p['start']} and {p['end']}; {then}",
        file=sys.stderr,
    )
    return EXIT_OK
