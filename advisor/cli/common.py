"""What the commands share: exit codes, the ``--rules`` and ``--price-date`` options, dates,
and naming the workload file in errors about its values."""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gc
import sys
from collections.abc import Iterator

from advisor.core.clock import as_date
from advisor.core.errors import InputError
from advisor.core.terminal import printable as printable

EXIT_OK = 0
EXIT_INPUT = 2  # unusable input: a bad file, a bad value, a bad rule set


def parse_date(text: str) -> datetime.date:
    """A date option, read as the library reads a date (``core.clock.as_date``)."""
    try:
        return as_date(text)
    except InputError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def plain_float(text: str) -> float:
    """``float(text)`` for a number written in ASCII with no digit separator; float() alone
    also reads ``1_0`` as 10 and Arabic-Indic or full-width digits, which no file or other
    option of advisor takes. ValueError otherwise, as float() raises it."""
    if not text.isascii() or "_" in text:
        raise ValueError(f"not a plain number: {text!r}")
    return float(text)


def plain_count(text: str) -> int:
    """``int(text)`` for ASCII digits only (int() also takes ``1_0``, ``٣`` and ``+3``)."""
    stripped = text.strip()
    if not (stripped.isascii() and stripped.isdigit()):
        raise ValueError(f"not a whole number: {text!r}")
    return int(stripped)


def path_argument(text: str) -> str:
    """A file or folder named on the command line: never empty. An empty name (an unset
    variable in a script) would otherwise be taken for the current folder, or for no name."""
    if text == "":
        raise argparse.ArgumentTypeError("expected a path, got an empty string")
    return text


def shell_word(path: str) -> str:
    """``path`` as one word of a command the user can paste: quoted for the shell where it needs
    it (a space, a quote, ``;``), and ``./`` before a name that starts with a dash, which the
    command would otherwise read as an option. Control characters are shown, not obeyed."""
    import shlex

    shown = printable(path)
    return shlex.quote(f"./{shown}" if shown.startswith("-") else shown)


def add_rules_and_price_date(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rules", metavar="DIR", type=path_argument, default=None,
        help="rule-set folder (default: $ADVISOR_RULES, else the shipped default rule set)",
    )
    parser.add_argument(
        "--price-date", metavar="YYYY-MM-DD", type=parse_date, default=None,
        help="use the prices in force on this date (default: today, UTC)",
    )


def warn_about_price_date(args: argparse.Namespace) -> None:
    """An explicit --price-date outside what the price catalogue knows gets a warning."""
    when = getattr(args, "price_date", None)
    if when is None:
        return
    from advisor.core.prices import price_date_caveat

    caveat = price_date_caveat(when)
    if caveat is not None:
        print(f"advisor: warning: --price-date {caveat}", file=sys.stderr)


def add_force(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--force", action="store_true", help=f"{what} (never one of the command's inputs)")


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


def started() -> None:
    """The command has loaded the library and its rule set: what start-up built lives to the
    end, so keep it out of every collection from here on (``gc.freeze``), and turn the cyclic
    garbage collector back on (``advisor.cli.run`` starts with it off) for the work ahead, so
    that a review of 100,000 files frees each file's garbage as it goes."""
    gc.freeze()
    gc.enable()
