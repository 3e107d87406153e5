"""The decisions folder: ``NNNN-title.md`` files, their numbering, and superseding one
record by another, as adr-tools does it.

A record is written whole or not at all, with the next free number, and never over an
existing file; rendering it is the caller's part (advisor.views.adr).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from advisor.core.errors import InputError
from advisor.core.files import create_exclusive, read_text, write_atomic

DEFAULT_DIR = "docs/decisions"

_RECORD_FILE = re.compile(r"^(\d+)-.*\.md$")
_FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n", re.DOTALL)


@dataclass(frozen=True)
class RecordLink:
    """Another record: its number, its title as Markdown, its file name (same folder)."""

    number: int
    title: str | None = None
    file: str | None = None

    @property
    def text(self) -> str:
        """The link as adr-tools writes it: ``[N. Title](file)``, as Markdown."""
        title = self.title or f"ADR-{self.number:04d}"
        if not re.match(rf"^0*{self.number}\.\s", title):
            title = f"{self.number}. {title}"
        if self.file is None:
            return title
        return f"[{title}]({self.file})"


def record_files(directory: str | Path) -> list[tuple[int, Path]]:
    """(number, path) of every ``NNNN-*.md`` file in the folder, by number, whoever wrote it."""
    folder = Path(directory)
    if not folder.is_dir():
        return []
    found = []
    for entry in folder.iterdir():
        match = _RECORD_FILE.match(entry.name)
        if match and entry.is_file():
            found.append((int(match.group(1)), entry))
    return sorted(found, key=lambda x: (x[0], x[1].name))


def next_number(directory: str | Path) -> int:
    """One more than the highest ``NNNN-*.md`` in the folder, whichever tool wrote it."""
    return max((n for n, _ in record_files(directory)), default=0) + 1


def find_record(directory: str | Path, number: int) -> Path:
    for n, path in record_files(directory):
        if n == number:
            return path
    raise InputError(f"no decision record number {number} (no file {number:04d}-*.md)", source=str(directory))


def record_title_line(text: str) -> str | None:
    """The first ``# `` heading after any front matter, as adr-tools reads titles."""
    body = text[m.end():] if (m := _FRONT_MATTER.match(text)) else text
    for line in body.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return None


def mark_superseded(text: str, by: RecordLink, source: str) -> str:
    """``text`` of an old record, marked as superseded by ``by`` (as adr-tools does)."""
    front = _FRONT_MATTER.match(text)
    lines = text.split("\n")
    if front:
        # MADR: the front-matter status says so, and a line under the title links to the new record.
        fm_lines = front.group(1).split("\n")
        status = f"status: superseded by ADR-{by.number:04d}"
        replaced = [status if re.match(r"^status\s*:", line) else line for line in fm_lines]
        if replaced == fm_lines:
            replaced.insert(0, status)
        body = text[front.end():]
        body_lines = body.split("\n")
        for i, line in enumerate(body_lines):
            if line.startswith("# "):
                body_lines[i + 1 : i + 1] = ["", f"Superseded by {by.text}"]
                break
        else:
            raise InputError("has front matter but no '# ' title line; cannot mark it superseded", source=source)
        return "---\n" + "\n".join(replaced) + "---\n" + "\n".join(body_lines)
    # Nygard: the Status section's status lines give way to the link; other links stay.
    try:
        start = lines.index("## Status")
    except ValueError:
        raise InputError(
            "has neither front matter nor a '## Status' section; cannot mark it superseded", source=source
        ) from None
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("##")), len(lines))
    kept = [line for line in lines[start + 1 : end] if re.match(r"^\S.*\[.*\]\(.*\)\s*$", line)]
    section = [""]
    for line in [*kept, f"Superseded by {by.text}"]:
        section += [line, ""]
    return "\n".join([*lines[: start + 1], *section, *lines[end:]])


def is_superseded(text: str) -> bool:
    front = _FRONT_MATTER.match(text)
    if front and re.search(r"^status\s*:\s*[\"']?superseded", front.group(1), re.MULTILINE | re.IGNORECASE):
        return True
    return re.search(r"^## Status\n(?:(?!##).*\n)*?Superseded by ", text, re.MULTILINE) is not None


def write_record(
    directory: str | Path,
    *,
    stem: str,
    title: str,
    render: Callable[[int, RecordLink | None], str],
    supersedes: int | None = None,
) -> Path:
    """Write a new record as ``NNNN-<stem>.md`` with the next free number; return its path.

    ``render(number, superseded)`` gives the record's text; ``title`` (Markdown) is how
    the record it supersedes links back to it. Never overwrites; the file appears whole
    or not at all. ``supersedes=N`` marks record N as superseded by the new one
    (rewritten atomically).
    """
    folder = Path(directory)
    old: tuple[Path, str, RecordLink] | None = None
    if supersedes is not None:
        old_path = find_record(folder, supersedes)
        old_text = read_text(old_path)
        old_title = record_title_line(old_text) or old_path.stem
        old = (old_path, old_text, RecordLink(supersedes, old_title, old_path.name))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the decisions folder: {exc.strerror or exc}", source=str(folder)) from None
    number = next_number(folder)
    path = folder / f"{number:04d}-{stem}.md"
    text = render(number, old[2] if old else None)
    marked = None
    if old:
        # Checked before anything is written: an old record we cannot mark stops everything.
        marked = mark_superseded(old[1], RecordLink(number, title, path.name), str(old[0]))
    create_exclusive(path, text, what="decision record")
    if old and marked is not None:
        try:
            write_atomic(old[0], marked)
        except InputError as exc:
            path.unlink(missing_ok=True)
            raise InputError(f"cannot rewrite the superseded record: {exc.message}", source=str(old[0])) from None
    return path
