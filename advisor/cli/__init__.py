"""The ``advisor`` command line: a thin shell over the library.

Every command lives in the module named after it (``advisor.cli.recommend``,
``advisor.cli.rules_check`` for ``advisor rules check``...), which adds its options to the
parser and runs it; each mirrors a library call of the same name. A command imports the
library only when it runs, so ``advisor --version`` and ``--help`` start at once. Errors
a user can cause end in one line on stderr and exit status 2; no traceback.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import errno
import gc
import io
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from advisor.core.errors import AdvisorError
from advisor.core.terminal import printable
from advisor.core.version import __version__

from . import adr, app, calibrate, init, recommend, review, rules_check, rules_docs, schema, verify
from . import map as map_command
from .common import EXIT_INPUT, warn_about_price_date

# Ctrl-C: the shell's convention, 128 + SIGINT (and 128 + the signal for SIGTERM and SIGHUP).
EXIT_INTERRUPTED = 130


class Stopped(BaseException):
    """SIGTERM or SIGHUP (a cancelled CI job, a closed terminal), raised where the command is,
    as Ctrl-C raises KeyboardInterrupt: what it was writing is taken away on the way out.
    A BaseException, so that no ``except Exception`` takes it for an error of the command."""

    def __init__(self, number: int, name: str):
        super().__init__(name)
        self.number = number
        self.name = name

EPILOG = """\
examples:
  advisor init my-feature.yaml
  advisor recommend examples/chatbot.yaml
  advisor review examples/

Exit status, the same for every command: 0 done, 1 findings (a record drifted, a rule
failed its check), 2 unusable input (a bad file, value, option or rule set; nothing is
written) or output that cannot be written (a full disk). Run 'advisor COMMAND --help' for
the options and examples of each command.
"""
RULES_EPILOG = """\
examples:
  advisor rules check examples/rules-cost-first
  advisor rules docs examples/rules-cost-first
"""


class _StoreOnce(argparse._StoreAction):
    """An option that takes one value, refused when given twice: argparse keeps the last without
    a word, so ``--supersedes 1 --supersedes 4`` would leave record 1 in force and ``-o a -o b``
    write b only."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: str | Sequence[Any] | None, option_string: str | None = None) -> None:
        if self.option_strings:
            given: dict[str, tuple[str | None, object]] = namespace.__dict__.setdefault("_options_given", {})
            if self.dest in given:
                first_option, first = given[self.dest]
                parser.error(
                    f"argument {'/'.join(self.option_strings)}: given twice ({first_option} {printable(str(first))} "
                    f"and {option_string} {printable(str(values))}); give it once"
                )
            given[self.dest] = (option_string, values)
        super().__call__(parser, namespace, values, option_string)


class CommandParser(argparse.ArgumentParser):
    """A command's parser, whose one-value options refuse a second value (``_StoreOnce``)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.register("action", None, _StoreOnce)
        self.register("action", "store", _StoreOnce)


class Parser(argparse.ArgumentParser):
    """The top-level parser, which knows each command's own parser (``commands``: "recommend",
    "rules check"...) to report what that command does not take."""

    commands: dict[str, argparse.ArgumentParser]

    def refuse_unknown(self, argv: Sequence[str], args: argparse.Namespace, unknown: list[str]) -> NoReturn:
        """Arguments no parser took: reported by the command they were given to, with its usage
        and the option each unknown one most likely misspells. (argparse reports them at the
        top level, with the top level's usage, as if they had been given to ``advisor``.)"""
        import difflib  # only a mistake needs it: kept off the start-up path

        words = [args.command, *([args.rules_command] if args.command == "rules" else [])]
        command = self.commands.get(" ".join(words))
        before = argv[: argv.index(words[0])] if words[0] in argv else []
        if command is None or any(word in unknown for word in before):  # given to `advisor` itself
            self.error(f"unrecognized arguments: {' '.join(unknown)}")
        options = sorted(command._option_string_actions)
        hints = []
        for word in unknown:
            if word.startswith("-") and len(word) > 1 and not word[1:2].isdigit():
                given = word.split("=", 1)[0]
                close = difflib.get_close_matches(given, options, n=1, cutoff=0.6)
                if close:
                    hints.append((given, close[0]))
        hint = ""
        if len(hints) == 1:
            hint = f" (did you mean {hints[0][1]}?)"
        elif hints:
            hint = " (did you mean " + ", ".join(f"{meant} for {given}" for given, meant in hints) + "?)"
        command.error(f"unrecognized arguments: {' '.join(unknown)}{hint}")


def build_parser() -> Parser:
    parser = Parser(
        prog="advisor",
        description="Should an LLM feature call its model sync, streaming, async or batch? And why?",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"advisor {__version__}")
    # Typed as ArgumentParser's: each command module adds to it as to any subparsers action.
    commands: argparse._SubParsersAction[argparse.ArgumentParser] = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=CommandParser
    )
    for command in (init, calibrate, recommend, adr, verify, review, map_command, schema, app):
        command.add_parser(commands)
    rules = commands.add_parser(
        "rules", help="check or document a rule set", description="Author a rule set: check it, document it.",
        epilog=RULES_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = rules.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    rules_check.add_parser(actions)
    rules_docs.add_parser(actions)
    parser.commands = {
        **{name: sub for name, sub in commands.choices.items() if name != "rules"},
        **{f"rules {name}": sub for name, sub in actions.choices.items()},
    }
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    args, unknown = parser.parse_known_args(words)
    if unknown:
        parser.refuse_unknown(words, args, unknown)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        warn_about_price_date(args)
        return handler(args)
    except AdvisorError as exc:
        print(f"advisor: error: {printable(str(exc))}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("advisor: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Stopped as exc:
        with contextlib.suppress(OSError, ValueError):  # a closed terminal may have taken stderr with it
            print(f"advisor: stopped by {exc.name}", file=sys.stderr)
        return 128 + exc.number
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); that is not our error.
        sys.stderr.close()
        return 0
    except OSError as exc:  # what reading and writing files raise is an AdvisorError by now
        return _cannot_write(exc)


def _cannot_write(exc: OSError) -> int:
    """An operating-system error no command turned into an AdvisorError, in one line, no
    traceback: in practice the output could not be written (a full disk)."""
    where = f"{printable(str(exc.filename))}: " if exc.filename else "cannot write the output: "
    with contextlib.suppress(OSError, ValueError):
        print(f"advisor: error: {where}{exc.strerror or exc}", file=sys.stderr)
    return EXIT_INPUT


def run() -> NoReturn:
    """The ``advisor`` command (and ``python -m advisor``): one command, then exit.

    What a command builds first lives to the end (pydantic's validators, genai-prices'
    catalogue, the rule set), and the cyclic garbage collector would scan it again and
    again, and once more at exit, to free nothing. So a command starts with the collector
    off: recommend starts about a tenth sooner. A command whose work grows with its input
    (review, verify and map: many files, many cells) then freezes what start-up built, out
    of every collection, and turns the collector back on (``common.started``): each file
    leaves cyclic garbage (a review of 20,000 files left 1.2 million objects of it, 100 MB
    with the collector off), freed as it goes, so a review of 100,000 files stays within
    300 MB. The others (recommend, adr, init, schema, rules) read one bounded file, leave a
    few thousand objects of garbage at most, and end. ``main`` leaves the collector alone,
    for callers in a process of their own.

    Once the command has returned, the process ends without the interpreter's teardown
    (``end``).
    """
    gc.disable()
    _stop_on_signals()
    if sys.stderr is None:  # started with its messages closed (`2>&-`): they go nowhere
        # (print(file=None) would write them to standard output, into the document there).
        sys.stderr = _Discarded()
    if sys.stdout is None:  # started with its output closed (`>&-`)
        sys.stdout = _ClosedOutput()
    elif isinstance(sys.stdout, io.TextIOWrapper):
        # What a command prints is a document (Markdown, JSON, YAML, CSV), in UTF-8 as the
        # files it writes are, whatever the locale's encoding: the same bytes everywhere,
        # and no '→' that a Latin-1 or ASCII locale can't encode. A file name that is not
        # UTF-8 is printed as its own bytes, as in a written file (core.files).
        sys.stdout.reconfigure(encoding="utf-8", errors="surrogateescape")
    end(main())


def _stop_on_signals() -> None:
    """SIGTERM and SIGHUP raise Stopped, so that they clean up as Ctrl-C does: without this they
    end the process at once, and a file being written leaves its hidden temporary file behind.
    One the process was started ignoring (``nohup``) is left ignored.
    The command's process only: ``main``, what a caller in its own process uses, leaves its
    signals alone."""
    import signal

    def stop(number: int, frame: object) -> None:
        raise Stopped(number, signal.Signals(number).name)

    for name in ("SIGTERM", "SIGHUP"):  # Windows has no SIGHUP
        # A signal the process was started ignoring stays ignored: `nohup advisor review ...`
        # asked to outlive the terminal (Python leaves an ignored SIGINT alone the same way).
        if hasattr(signal, name) and signal.getsignal(getattr(signal, name)) is not signal.SIG_IGN:
            signal.signal(getattr(signal, name), stop)


class _ClosedOutput(io.TextIOBase):
    """Standard output when the process has none: writing to it fails as writing to a closed
    descriptor does, and the command says so in one line (status 2) instead of a traceback."""

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


class _Discarded(io.TextIOBase):
    """Standard error when the process has none: what the command says there is dropped, as
    a closed stderr asks."""

    def write(self, text: str) -> int:
        return len(text)


def end(status: int) -> NoReturn:
    """End the process now: run the exit handlers the libraries registered (logging's),
    flush what the command wrote, and leave with ``os._exit``.

    The interpreter's own teardown, skipped here, frees every object of every module one
    at a time: pydantic's validators, genai-prices' catalogue, the rule set. That is about
    40 ms of CPU of the 280 that ``advisor recommend`` takes, for a process that is ending
    anyway (measured in bench/bench_cli.py). Nothing of advisor's waits for it: every file
    a command writes is closed (and renamed into place) before the command returns, and no
    command starts a thread or a process. Output that cannot be written (a full disk) is an
    error, as anywhere in the command; a reader that went away before the last flush is not
    (``| head``), and the command's own status stands.
    """
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        pass
    except OSError as exc:
        if status != EXIT_INPUT:  # not reported yet (2: the command has said what failed)
            status = _cannot_write(exc)
    except ValueError:  # closed: nothing can be written to it
        pass
    if sys.stderr is not None:
        with contextlib.suppress(OSError, ValueError):  # closed by main on a broken pipe
            sys.stderr.flush()
    os._exit(status)
