"""Errors a user can cause. Each one carries the file, the field and what is allowed.

The CLI prints ``str(error)`` and exits with status 2; nothing else is shown.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .terminal import printable


class AdvisorError(Exception):
    """Base class of every error caused by input (a file, a value, a rule set)."""

    def __init__(self, message: str, *, source: str | None = None, field: str | None = None):
        self.message = message
        self.source = source
        self.field = field
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.source:
            where.append(self.source)
        if self.field:
            # A command-line option is named as one; anything else is a field of the input.
            where.append(f"option {self.field}" if self.field.startswith("-") else f"field '{self.field}'")
        return _one_line(where, self.message)


def _one_line(where: list[str], message: str) -> str:
    """The message after where it happened, on one line: a value quoted from the input (a
    path or a name given to the Python API with a line break in it) is shown with its control
    characters escaped, as the CLI prints it, never as a message of several lines."""
    text = f"{': '.join(where)}: {message}" if where else message
    return text if text.isprintable() else printable(text)


class InputError(AdvisorError):
    """A workload file or value is malformed or out of range."""


class RuleSetError(AdvisorError):
    """A rule set is malformed: unknown fact, operator, value of the wrong type..."""


class SourceIdError(RuleSetError):
    """One id would name two documents: one of the rule set's and one of its provider catalogue's."""


class UnknownModelError(InputError):
    """The model has no price to pay: it is not in the price catalogue and no pricing override
    was given, or its provider has shut it down."""


class TraceError(InputError):
    """A trace export is unreadable, is not OTLP, or cannot be calibrated.

    ``field`` is a place in the file (``line 2: resourceSpans[0].scopeSpans[0].spans[3].traceId``)
    or an option (``--window-days``); it is printed as it is spelled there.
    """

    def __str__(self) -> str:
        where = [part for part in (self.source, self.field) if part]
        if self.field and self.field.startswith("-"):
            where[-1] = f"option {self.field}"
        return _one_line(where, self.message)


def check_type(value: object, kinds: type | tuple[type, ...], parameter: str, allowed: str) -> None:
    """A value given to the Python API of the wrong type is an InputError naming the parameter
    and what it takes ("field 'directory': must be the path of a folder (got int)"), not a
    TypeError or AttributeError from deep inside. A bool is no number."""
    kinds = kinds if isinstance(kinds, tuple) else (kinds,)
    if isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds):
        return
    raise InputError(f"must be {allowed} (got {type(value).__name__})", field=parameter)


def check_paths(value: object, parameter: str, allowed: str) -> Any:
    """``value`` if it is one path (text or a path object), else a list of the paths it holds
    (any iterable of them); anything else is an InputError naming the parameter."""
    if isinstance(value, (str, os.PathLike)):
        return value
    if isinstance(value, Iterable) and not isinstance(value, (bytes, bytearray, dict)):
        paths = list(value)
        wrong = [p for p in paths if not isinstance(p, (str, os.PathLike))]
        if not wrong:
            return paths
        raise InputError(f"must be {allowed} or a list of them (got a {type(value).__name__} holding a "
                         f"{type(wrong[0]).__name__})", field=parameter)
    raise InputError(f"must be {allowed} or a list of them (got {type(value).__name__})", field=parameter)


def each(step: Callable[..., Any], items: Sequence[Any], *more: Sequence[Any]) -> list[Any]:
    """``step(item, *the same entry of each of more)`` for each item, or the AdvisorError it
    raised: a batch's files taken one step at a time (advisor review). An item that is
    already an error (an earlier step's) stays as it is, so a chain of steps, each given the
    list the step before it made, keeps each file's first error to the end."""
    out: list[Any] = []
    # Each entry's arguments as zip makes them (no list of the others unpacked and packed again).
    for args in zip(items, *more, strict=True):
        item = args[0]
        if isinstance(item, AdvisorError):
            out.append(item)
            continue
        try:
            out.append(step(*args))
        except AdvisorError as exc:
            out.append(exc)
    return out
