"""The workload file a record was written from: where the record says it lives, reading it
back, and what changed in it since.

``advisor adr FILE`` records the file's path relative to the folder the record is written
into, with ``/`` separators (``../../workloads/chat.yaml``), so the path holds wherever the
repository is cloned and whatever folder a command runs from. Both ends are resolved first
(``os.path.realpath``), the workload's folder but not its own name: a workload reached
through a linked folder is named by where it is, and a workload that is itself a link is
named as the link, which is what the repository holds. ``advisor verify`` resolves the path
against the real folder of the record file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from advisor.core.profile import WorkloadProfile

_DRIVE = re.compile(r"[A-Za-z]:[/\\]")  # C:/ or C:\: absolute on Windows
_TEXT_MAX = 40  # a changed text longer than this is shortened in a change line


def recorded_path(workload_file: str | os.PathLike[str], folder: str | os.PathLike[str]) -> str | None:
    """``workload_file``'s path relative to ``folder``, with ``/`` separators; None when no
    path leads from one to the other that a record can hold (Windows: another drive; a file
    name that is not UTF-8 text)."""
    workload = Path(workload_file)
    try:
        where = os.path.join(os.path.realpath(workload.parent), workload.name)
        relative = os.path.relpath(where, os.path.realpath(folder))
    except (OSError, ValueError):
        return None
    relative = relative.replace(os.sep, "/")
    if recorded_path_problem(relative) is not None:
        return None
    return relative


def recorded_path_problem(text: str) -> str | None:
    """Why ``text`` cannot be a workload file's path as a record names it, or None."""
    if not text:
        return "is empty"
    if "\x00" in text:
        return "holds a NUL character"
    if text.startswith(("/", "\\")) or _DRIVE.match(text):
        return "must be relative to the record's folder, not absolute"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "is not UTF-8 text"
    return None


def workload_path(record: str | os.PathLike[str], recorded: str) -> Path:
    """Where the workload file a record names is: ``recorded`` from the real folder of the record."""
    folder = os.path.dirname(os.path.realpath(record))
    return Path(os.path.normpath(os.path.join(folder, *recorded.split("/"))))


# -- what changed ------------------------------------------------------------------------------


def workload_data(workload: WorkloadProfile) -> dict[str, Any]:
    """A validated workload as the record embeds it (a field not given is left out), so two
    files that differ only in comments, layout, key order or how a number is written compare
    equal."""
    return workload.model_dump(mode="json", exclude_none=True)


def changed_fields(then: Any, now: Any, at: str = "") -> Iterator[tuple[str, Any, Any]]:
    """(field, recorded, current) for every leaf that differs, by dotted path (``steps[1].model``);
    a field that is not given is None."""
    if isinstance(then, dict) and isinstance(now, dict):
        for key in [*then, *(k for k in now if k not in then)]:
            yield from changed_fields(then.get(key), now.get(key), f"{at}.{key}" if at else str(key))
        return
    if isinstance(then, list) and isinstance(now, list) and len(then) == len(now):
        for i, (a, b) in enumerate(zip(then, now, strict=True)):
            yield from changed_fields(a, b, f"{at}[{i}]")
        return
    if then != now:  # both validated: a field has one type in each
        yield at, then, now


def shown(value: Any) -> str:
    """A workload value in a change line: 1,200,000; 2.5; gpt-5.4; 'two words'; not given."""
    if value is None:
        return "not given"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 1e15):
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:,.6g}" if abs(value) >= 1000 else f"{value:.6g}"
    if isinstance(value, list):
        return f"{len(value)} item{'' if len(value) == 1 else 's'}"
    if isinstance(value, dict):
        return "given"
    text = str(value)
    if len(text) > _TEXT_MAX:
        text = text[: _TEXT_MAX - 3] + "..."
    return repr(text) if not text or any(ch.isspace() for ch in text) else text
