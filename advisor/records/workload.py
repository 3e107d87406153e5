"""The workload file a record was written from: where the record says it lives, reading it
back, and what changed in it since.

``advisor adr FILE`` records the file's path relative to the folder the record is written
into, with ``/`` separators (``../../workloads/chat.yaml``), so the path holds wherever the
repository is cloned and whatever folder a command runs from. Both ends are resolved first
(``os.path.realpath``), the workload's folder but not its own name: a workload reached
through a linked folder is named by where it is, and a workload that is itself a link is
named as the link, which is what the repository holds. ``advisor verify`` resolves the path
against the real folder of the record file.

A record names, and verify reads, only a regular file inside the repository that holds the
record: the git work tree around the record's real folder (its nearest folder with a ``.git``
folder or file), both where the path leads and, when that is a link, the file it links to.
So a decisions folder moved to another depth, or a record edited to name ``/etc/passwd`` or
``/proc/self/environ``, does not make verify read a file from outside. A record in no git work
tree is bounded by the folder verify was asked to search instead. ``advisor adr`` names no
device, FIFO or file under ``/dev`` or ``/proc`` (``advisor adr /dev/stdin < FILE``).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from advisor.core.profile import SHORTHAND_FIELDS, WorkloadProfile

_DRIVE = re.compile(r"[A-Za-z]:[/\\]")  # C:/ or C:\: absolute on Windows
_TEXT_MAX = 40  # a changed text longer than this is shortened in a change line


# Where the operating system shows devices, processes and their open files as files.
_SPECIAL_FOLDERS = ("/dev", "/proc", "/sys")
NO_RELATIVE_PATH = "no relative path leads to it from the decisions folder"
NOT_UTF8 = "is not UTF-8 text"


def work_tree(path: str | os.PathLike[str]) -> Path | None:
    """The git work tree that holds ``path``: the nearest of its real folders with a ``.git``
    entry (a folder; or a file, as in a worktree or a submodule); None when there is none."""
    here = Path(os.path.realpath(path))
    for folder in (here, *here.parents):
        if os.path.lexists(folder / ".git"):
            return folder
    return None


def inside(path: str | os.PathLike[str], folder: str | os.PathLike[str]) -> bool:
    """Is ``path`` (absolute, normalised) ``folder`` or in it?"""
    try:
        return os.path.commonpath([os.fspath(path), os.fspath(folder)]) == os.fspath(folder)
    except ValueError:  # another drive, or one relative and one absolute
        return False


def _special(path: str) -> bool:
    return os.name == "posix" and any(inside(path, folder) for folder in _SPECIAL_FOLDERS)


def recorded_path_refusal(workload_file: str | os.PathLike[str], folder: str | os.PathLike[str]) -> str | None:
    """Why a record written into ``folder`` cannot name ``workload_file`` (None: it can):
    no relative path leads there (Windows: another drive; a file name that is not UTF-8 text),
    it is no regular file (a device, a FIFO, a file under /dev or /proc), or it lies outside
    the repository (git work tree) that holds the folder."""
    workload = Path(workload_file)
    try:
        real_folder = os.path.realpath(folder)
        where = os.path.join(os.path.realpath(workload.parent), workload.name)
        real = os.path.realpath(where)
        relative = os.path.relpath(where, real_folder)
        regular = stat.S_ISREG(os.stat(real).st_mode)
    except (OSError, ValueError):
        return NO_RELATIVE_PATH
    problem = recorded_path_problem(relative.replace(os.sep, "/"))
    if problem == NOT_UTF8:  # a Latin-1 name: a path leads to it, but a record is UTF-8 text
        return "its name cannot be written as UTF-8 text, which a record is"
    if problem is not None:
        return NO_RELATIVE_PATH
    if not regular or _special(where) or _special(real):
        return "it is no regular file (a device, a FIFO, or a file under /dev or /proc)"
    root = work_tree(real_folder)
    if root is not None and not (inside(where, root) and inside(real, root)):
        return f"it is outside the repository that holds the decisions folder ({root})"
    return None


def recorded_path(workload_file: str | os.PathLike[str], folder: str | os.PathLike[str]) -> str | None:
    """``workload_file``'s path relative to ``folder``, with ``/`` separators; None when a
    record cannot name it (``recorded_path_refusal`` says why)."""
    if recorded_path_refusal(workload_file, folder) is not None:
        return None
    workload = Path(workload_file)
    where = os.path.join(os.path.realpath(workload.parent), workload.name)
    return os.path.relpath(where, os.path.realpath(folder)).replace(os.sep, "/")


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
        return NOT_UTF8
    return None


_PATH_SHOWN = 120  # a longer recorded path is shortened in the middle where a message names it


def shown_path(recorded: str) -> str:
    """A recorded path as a message names it: whole, or, when longer than 120 characters, its
    start and its end with ``...`` between (``../../../...../../etc/passwd``)."""
    if len(recorded) <= _PATH_SHOWN:
        return recorded
    keep = (_PATH_SHOWN - 3) // 2
    return recorded[:keep] + "..." + recorded[-keep:]


def workload_path(record: str | os.PathLike[str], recorded: str) -> Path:
    """Where the workload file a record names is: ``recorded`` from the real folder of the record."""
    folder = os.path.dirname(os.path.realpath(record))
    return Path(os.path.normpath(os.path.join(folder, *recorded.split("/"))))


def workload_bound(record: str | os.PathLike[str], searched: str | os.PathLike[str] | None = None) -> Path:
    """The folder a record's workload file must lie in to be read: the git work tree that holds
    the record (``work_tree`` of its real folder); in none (a copy without its ``.git``), the
    working folder where it holds the record (a CI job runs at the repository's top), else
    ``searched`` (the folder verify was asked to search; a file's own folder)."""
    real_record = os.path.realpath(record)
    root = work_tree(os.path.dirname(real_record))
    if root is not None:
        return root
    here = os.path.realpath(os.getcwd())
    if searched is None or inside(real_record, here):
        return Path(here)
    real = os.path.realpath(searched)
    return Path(real if os.path.isdir(real) else os.path.dirname(real))


def within_bound(where: str | os.PathLike[str], bound: str | os.PathLike[str]) -> bool:
    """Does the workload file at ``where`` (``workload_path``) lie in ``bound``, and so does the
    file it links to when it is a link? Nothing is opened to find out."""
    try:
        real = os.path.realpath(where)
    except (OSError, ValueError):  # pragma: no cover - realpath does not raise on POSIX
        return False
    return inside(os.fspath(where), bound) and inside(real, bound)


# -- what changed ------------------------------------------------------------------------------


def workload_data(workload: WorkloadProfile) -> dict[str, Any]:
    """A validated workload as the record embeds it (a field not given is left out), so two
    files that differ only in comments, layout, key order or how a number is written compare
    equal."""
    return workload.model_dump(mode="json", exclude_none=True)


def compared_data(workload: WorkloadProfile) -> dict[str, Any]:
    """``workload_data`` as verify compares a workload file with a record's inputs: a text's
    trailing whitespace is layout too (``description: >`` and ``>-`` differ only in a final line
    break). For the comparison only: the data a record embeds, and its digest, are unchanged."""
    data: dict[str, Any] = _rstripped(workload_data(workload))
    return data


def _rstripped(value: Any) -> Any:
    if isinstance(value, str):
        return value.rstrip()
    if isinstance(value, dict):
        return {k: _rstripped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rstripped(v) for v in value]
    return value


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


def change_line(field: str, recorded: Any, current: Any, arrow: str = "->") -> str:
    """One changed field in words: ``model gpt-5.4 -> gpt-5.4-mini``. Two long texts that start
    alike are shown around where they first differ: ``description at character 58: '...the
    help widget...' -> '...the help page...'``. ``arrow``: the word between the two ("to" in
    Markdown, where ">" is escaped)."""
    if isinstance(recorded, str) and isinstance(current, str) and max(len(recorded), len(current)) > _TEXT_MAX:
        at = next((i for i, (a, b) in enumerate(zip(recorded, current, strict=False)) if a != b),
                  min(len(recorded), len(current)))
        if at >= _TEXT_MAX - 3 - _TEXT_BEFORE:  # the shortened texts would not show it
            start = at - _TEXT_BEFORE
            return (f"{field} at character {at + 1}: {_window(recorded, start)} {arrow} {_window(current, start)}")
    return f"{field} {shown(recorded)} {arrow} {shown(current)}"


def change_lines(changes: Iterable[tuple[str, Any, Any]], arrow: str = "->") -> list[str]:
    """Each change in words (``change_line``), with a change of shape said once: where a single
    call became steps (or steps a single call), its fields moved into the steps, not away, so
    "steps not given -> 2 items; input_tokens 1,800 -> not given; ..." reads "the calls: one
    call (input_tokens 1,800, output_tokens 180) -> 2 steps ('classify', 'draft')"."""
    changes = list(changes)
    shape = next((c for c in changes if c[0] == "steps" and (c[1] is None) != (c[2] is None)), None)
    if shape is None:
        return [change_line(field, then, now, arrow) for field, then, now in changes]
    to_steps = shape[1] is None
    moved = [(field, then if to_steps else now) for field, then, now in changes
             if field in SHORTHAND_FIELDS and (now if to_steps else then) is None]
    single = "one call" + (f" ({', '.join(f'{field} {shown(value)}' for field, value in moved)})" if moved else "")
    steps = shape[2] if to_steps else shape[1]
    names = [str(step.get("name")) for step in steps if isinstance(step, dict) and step.get("name") is not None]
    many = f"{len(steps)} step{'' if len(steps) == 1 else 's'}" + (
        f" ({', '.join(repr(name) for name in names)})" if names else "")
    said = f"the calls: {single} {arrow} {many}" if to_steps else f"the calls: {many} {arrow} {single}"
    skipped = {field for field, _ in moved} | {"steps"}
    return [said if field == "steps" else change_line(field, then, now, arrow)
            for field, then, now in changes if field not in skipped or field == "steps"]


_TEXT_BEFORE = 12  # characters shown before the first difference of two long texts


def _window(text: str, start: int) -> str:
    """``text`` from ``start``, shortened, with ``...`` where it was cut."""
    part = text[start : start + _TEXT_MAX - 6]
    end = "..." if start + len(part) < len(text) else ""
    return repr("..." + part + end)


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
