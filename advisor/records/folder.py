"""The decisions folder: ``NNNN-title.md`` files, their numbering, and superseding one
record by another, as adr-tools does it.

A record is written whole or not at all, with a number no other record has (any
``NNNN-*.md`` or ``.markdown`` name, or another of GitHub's Markdown extensions, in any case,
holds its number), and never over an existing file. Several ``advisor adr`` runs into one
folder at once each get their own number: a run reserves a number by creating ``.NNNN.advisor-reserved`` exclusively,
checks that no record took it meanwhile, writes its record and lets the reservation go;
when the number is taken it tries the next. Rendering a record is the caller's part
(advisor.views.adr).
"""

from __future__ import annotations

import codecs
import contextlib
import dataclasses
import functools
import io
import os
import re
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

from advisor.core.errors import AdvisorError, InputError
from advisor.core.files import create_exclusive, folder_problem, read_text, write_atomic
from advisor.core.value_class import value_class

from .inputs import RecordInputs, claims_advisor, read_inputs
from .reading import first_heading, front_matter, visible_blocks, visible_lines
from .workload import workload_path

DEFAULT_DIR = "docs/decisions"

# What verify reads in a folder, and what holds a record's number: Markdown files, whatever the
# case of their extension; every extension GitHub renders as Markdown (github-markup's md, mkdn?,
# mdwn, mdown, markdown, mdx), so a record renamed 0001-x.mkdn still reads as a record on GitHub.
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd", ".mdwn", ".mdx")
# A record's name: a number, a dash, and a Markdown suffix in any case (verify reads them all).
_RECORD_FILE = re.compile(
    rf"^(\d+)-.*(?:{'|'.join(re.escape(suffix) for suffix in MARKDOWN_SUFFIXES)})$", re.IGNORECASE | re.DOTALL
)
_FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n", re.DOTALL)
# adr-tools has written both spellings over its versions; both mean the same.
# The link text may hold escaped brackets: "[2. Chat \[beta\]: stream the answer](0002-...md)".
_SUPERSEDED_LINE = re.compile(r"^Super[sc]eded by (?:\[(\d+)\.(?:[^\]\\\n]|\\.)*\]\(([^)\s]+)\)|ADR-(\d+))")
# A front matter's status (its value, as YAML reads it) that says superseded.
_FRONT_STATUS = re.compile(r"^[\"']?superseded(?:\s+by\s+ADR-0*(\d+))?", re.IGNORECASE)
# A reservation older than this was left by a run that died; it no longer holds its number.
STALE_RESERVATION_S = 60.0


@value_class
class RecordLink:
    """Another record: its number, its title as Markdown, its file name (same folder)."""

    number: int
    title: str | None = None
    file: str | None = None
    # The record's inputs, where advisor wrote it and they can be read: a record that supersedes
    # it says what it chose then and what has changed since. None: unknown.
    inputs: RecordInputs | None = dataclasses.field(default=None, compare=False)

    @property
    def text(self) -> str:
        """The link as adr-tools writes it: ``[N. Title](file)``, as Markdown."""
        title = self.title or f"ADR-{self.number:04d}"
        if not re.match(rf"^0*{self.number}\.\s", title):
            title = f"{self.number}. {title}"
        if self.file is None:
            return title
        # A hand-written title is Markdown, kept as it is, but a bracket of its own would end
        # the link text early ("Postgres](https://elsewhere) [x"): the link must go to the file.
        text = _BRACKET_OR_CODE.sub(lambda m: m["code"] or f"{m['esc']}\\{m['b']}", title)
        # A hand-named file ("0001-use postgres.md"): a space or parenthesis ends a bare link
        # target, so the name goes between angle brackets (escaping "<", ">" and backslashes).
        target = self.file
        if re.search(r"[\s()<>]", target):
            target = "<" + re.sub(r"([<>\\])", r"\\\1", target) + ">"
        return f"[{text}]({target})"


# A code span (whose brackets are text already), or a bracket no backslash escapes.
_BRACKET_OR_CODE = re.compile(r"(?P<code>(?<!`)(`+)(?!`).*?(?<!`)\2(?!`))|(?<!\\)(?P<esc>(?:\\\\)*)(?P<b>[\[\]])")


def read_record(path: str | Path) -> str | None:
    """A decision record's text, with its line endings as advisor writes them (``\n``): a
    record checked out with CRLF (Git for Windows does by default) reads as written.

    None for a file that is no record advisor could read (not UTF-8, or larger than
    MAX_FILE_BYTES) and does not say advisor wrote it: written by hand or by another tool, it
    is not advisor's to check. One that says so, or cannot be read at all, is an InputError
    (advisor.core.files.read_text)."""
    try:
        return _lf(read_text(path, what="decision record"))
    except InputError:
        if _says_advisor_wrote(Path(path)) is False:
            return None
        raise


# A line that says advisor wrote a record is far shorter; a longer one is read in pieces.
_LINE_CHARS = 4096


def _says_advisor_wrote(path: Path) -> bool | None:
    """Does a regular file say advisor wrote it (advisor.records.inputs.claims_advisor), read a
    line at a time from its bytes, whatever its size or encoding? None when it cannot be read."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        with open(fd, "rb") as raw:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None  # a FIFO or a device: what read_text said of it stands
            # A record re-saved as UTF-16 (as Windows PowerShell writes files) still says so.
            bom = raw.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
            raw.seek(0)
            with io.TextIOWrapper(raw, encoding="utf-16" if bom else "utf-8", errors="replace") as text:
                at_line_start = True
                while line := text.readline(_LINE_CHARS):
                    if at_line_start and claims_advisor(line):
                        return True
                    at_line_start = line.endswith("\n")
    except OSError:
        return None
    return False


def _lf(text: str) -> str:
    """Line endings as advisor writes them: CRLF (Windows) and a lone CR (classic Mac OS, which
    CommonMark and GitHub also read as a line ending) each one ``\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def record_files(directory: str | Path) -> list[tuple[int, Path]]:
    """(number, path) of every ``NNNN-*.md``, ``.markdown`` (or another Markdown extension) name
    in the folder (any case), by number, whoever wrote it: a file, a link (even one to nothing)
    or a folder, since each holds its number."""
    folder = Path(directory)
    if not folder.is_dir():
        return []
    found = []
    for entry in folder.iterdir():
        match = _RECORD_FILE.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry))
    return sorted(found, key=lambda x: (x[0], x[1].name))


def record_number(path: str | Path) -> int | None:
    """The number a record's file name gives it (``0007-title.md``: 7), or None."""
    match = _RECORD_FILE.match(Path(path).name)
    return int(match.group(1)) if match else None


# A record's number, as a file name's NNNN: a folder of a billion records is no folder.
MAX_RECORD_NUMBER = 999_999_999


def next_number(directory: str | Path) -> int:
    """One more than the highest ``NNNN-*.md`` (or ``.markdown``, any case) in the folder,
    whichever tool wrote it. A file numbered at the highest or beyond it leaves no next number:
    an InputError naming that file (it was "field 'number': must be a record number ...", a
    field the user never gave)."""
    files = record_files(directory)
    if not files:
        return 1
    highest, path = files[-1]
    if highest >= MAX_RECORD_NUMBER:
        raise InputError(
            f"{path.name} is numbered {highest:,}, so the next record would be numbered beyond "
            f"{MAX_RECORD_NUMBER:,}, the highest a record takes: renumber or move that file",
            source=str(directory),
        )
    return highest + 1


def find_record(directory: str | Path, number: int) -> Path:
    """The one record numbered ``number``; two records with one number is an error."""
    found = [path for n, path in record_files(directory) if n == number]
    if not found:
        raise InputError(f"no decision record number {number} (no file {number:04d}-*.md)", source=str(directory))
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise InputError(
            f"{len(found)} records are numbered {number} ({names}); give one of them a free number first",
            source=str(directory),
        )
    return found[0]


def record_title_line(text: str) -> str | None:
    """The record's title: its first level-1 heading a reader sees (after any front matter;
    not one inside an HTML comment or a code block), as adr-tools reads titles."""
    heading = first_heading(visible_lines(text))
    return heading.text if heading is not None else None


def title_line_number(text: str) -> int | None:
    """The line (from 1) of the title, or None."""
    heading = first_heading(visible_lines(text))
    return heading.number if heading is not None else None


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
    kept = [line for line in lines[start + 1 : end] if _has_link(line)]
    section = [""]
    for line in [*kept, f"Superseded by {by.text}"]:
        section += [line, ""]
    return "\n".join([*lines[: start + 1], *section, *lines[end:]])


def _has_link(line: str) -> bool:
    """Does a line (not indented) end in a Markdown link, ``... [text](target)``? Checked with
    ``find``, not a pattern of three ``.*``, which backtracks on a long line of brackets."""
    text = line.rstrip()
    if not text or text[0].isspace() or not text.endswith(")"):
        return False
    opened = text.find("[")
    closed = text.find("](", opened + 1) if opened >= 0 else -1
    return closed >= 0 and closed + 2 < len(text)


@value_class
class Successor:
    """The record that a superseded record names: its number and file, where it says them."""

    number: int | None
    file: str | None


def superseded_by(text: str) -> Successor | None:
    """Whom a record says supersedes it (MADR front matter, or a visible ``Superseded by`` line
    in either spelling); None when it does not say it is superseded."""
    said = front_status(text)
    status = _FRONT_STATUS.match(said) if said is not None else None
    # A line a reader sees: one inside an HTML comment or a code block says nothing.
    line = next((m for row in visible_lines(text) if (m := _SUPERSEDED_LINE.match(row.text))), None)
    if line is not None:
        number = line.group(1) or line.group(3)
        return Successor(number=int(number), file=line.group(2))
    if status is not None:
        return Successor(number=int(status.group(1)) if status.group(1) else None, file=None)
    return None


def is_superseded(text: str) -> bool:
    return superseded_by(text) is not None


def _linked_file(record: Path, successor: Successor) -> Path | None:
    """The file a successor's link points to, relative to ``record``; None for a URL or no link."""
    if not successor.file or re.match(r"^[a-z][a-z0-9+.-]*:", successor.file, re.IGNORECASE):
        return None
    return record.parent / successor.file


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def supersedes_itself(record: Path, successor: Successor) -> bool:
    """Does the record name itself as its successor (its own file, or its own number)?"""
    linked = _linked_file(record, successor)
    if linked is not None and _same_file(linked, record):
        return True
    own = _RECORD_FILE.match(record.name)
    return linked is None and own is not None and successor.number == int(own.group(1))


def _successor_file(record: Path, successor: Successor) -> Path | None:
    """The record that supersedes ``record`` (next to it, by file or by number), or None.
    Another decision record (``NNNN-*.md``) only: not the record itself, nor any other file."""
    linked = _linked_file(record, successor)
    if (
        linked is not None and linked.is_file() and _RECORD_FILE.match(linked.name)
        and not _same_file(linked, record)
    ):
        return linked
    if successor.number is not None:
        for n, path in record_files(record.parent):
            if n == successor.number and path.is_file() and not _same_file(path, record):
                return path
    return None


def _is_record(path: Path) -> bool:
    """Is the file a decision record that can supersede another: one advisor wrote (its inputs,
    or its claim to be advisor's, whatever is wrong with it), or one written by hand or by
    another tool with a title a reader sees? A note ("hello"), an empty file, or a file advisor
    cannot read that does not say advisor wrote it, is not."""
    try:
        text = read_record(path)
    except InputError:
        return True  # it says advisor wrote it: what is wrong with it is its own result
    if text is None:
        return False
    return claims_advisor(text) or bool((record_title_line(text) or "").strip())


def successor_about_another_workload(record: Path, successor: Successor, workload: str) -> str | None:
    """The workload the record that supersedes ``record`` is about, when advisor wrote it about
    another one than ``workload`` (compared as ``advisor adr --supersedes`` compares them); None
    otherwise (the same workload, a record advisor did not write, or one it cannot read)."""
    current = _successor_file(record, successor)
    if current is None:
        return None
    try:
        text = read_record(current)
        inputs = read_inputs(text, str(current)) if text is not None else None
    except AdvisorError:
        return None  # what is wrong with it is its own result
    if inputs is None or _normal(inputs.workload.name) == _normal(workload):
        return None
    return inputs.workload.name


def successor_written_by_advisor(record: Path, successor: Successor) -> bool:
    """Does the record that supersedes ``record`` say advisor wrote it (its inputs, or its claim)?"""
    current = _successor_file(record, successor)
    if current is None:
        return False
    try:
        text = read_record(current)
    except InputError:
        return True  # it says advisor wrote it, or cannot be read at all: its own result says
    return text is not None and claims_advisor(text)


_STATUS_LINE = re.compile(r"^status[ \t]*:[ \t]*([^\n]*)", re.MULTILINE | re.IGNORECASE)


@functools.lru_cache(maxsize=16)
def _front_status(front: str) -> str | None:
    import yaml

    try:
        data = yaml.safe_load(front)
    except yaml.YAMLError:
        data = None
    if isinstance(data, dict):
        value = data.get("status")
        return None if value is None or isinstance(value, (dict, list)) else str(value).strip()
    # No mapping YAML reads: the last status line, as a YAML reader takes the last of a key.
    lines = _STATUS_LINE.findall(front)
    return lines[-1].strip() if lines else None


def front_status(text: str) -> str | None:
    """The front matter's ``status`` as a reader of it sees it: as YAML reads it (GitHub shows the
    front matter as a table), so of two ``status:`` keys the last, not the first a search meets;
    None when it has none (or no front matter)."""
    front = front_matter(text)
    return _front_status(front) if front is not None else None


def status_not_superseded(text: str) -> str | None:
    """The front matter's ``status:`` when it does not say superseded (a record marked superseded
    by a visible line, whose front matter still says ``proposed``); None when it does, or has none."""
    status = front_status(text)
    if status is None or _FRONT_STATUS.match(status):
        return None
    return status


# The statuses that retire a record of itself (MADR's, and Nygard's as adr-tools writes them):
# no longer in force, as a superseded record is not, whatever its inputs say today.
Retired = Literal["deprecated", "rejected"]
_RETIRED_WORD = re.compile(r"^[\"']?(deprecated|rejected)\b", re.IGNORECASE)


def retired_status(text: str) -> Retired | None:
    """``deprecated`` or ``rejected`` when the record's status says so where a reader sees it:
    its front matter's ``status:`` (MADR) or, with no status there, the first paragraph of its
    ``## Status`` section (Nygard, ``Deprecated``); None for any other status, or none."""
    said = front_status(text)
    if said is None:
        blocks = visible_blocks(text)
        at = next((i for i, b in enumerate(blocks) if b.level == 2 and b.shown.strip().casefold() == "status"), None)
        if at is None or at + 1 >= len(blocks) or blocks[at + 1].level != 0:
            return None
        said = blocks[at + 1].shown
    word = _RETIRED_WORD.match(said)
    if word is None:
        return None
    return "deprecated" if word.group(1).lower() == "deprecated" else "rejected"


def in_force_about(directory: str | Path, workload_file: str | os.PathLike[str]) -> list[int]:
    """The numbers of the advisor records in ``directory`` (not its subfolders) that are in force
    and name ``workload_file`` (the same file, whatever path reaches it): not superseded by a record
    that exists, not deprecated, not rejected. What ``advisor adr`` says before a second record in
    force about one file is written beside them."""
    target = os.path.realpath(workload_file)
    found = []
    for number, path in record_files(directory):
        if not path.is_file():
            continue
        try:
            text = read_record(path)
            inputs = read_inputs(text, str(path)) if text is not None else None
        except AdvisorError:
            continue  # what is wrong with it is verify's to say
        if inputs is None or inputs.stamp.workload_file is None or text is None:
            continue
        if os.path.realpath(workload_path(path, inputs.stamp.workload_file)) != target:
            continue
        successor = superseded_by(text)
        if (successor is not None and successor_exists(path, successor)) or retired_status(text) is not None:
            continue
        found.append(number)
    return found


def successor_not_a_record(record: Path, successor: Successor) -> Path | None:
    """The file ``record`` names as its successor when it exists but is no decision record."""
    current = _successor_file(record, successor)
    return current if current is not None and not _is_record(current) else None


def successor_in_a_loop(record: Path, successor: Successor) -> bool:
    """Is the record that supersedes ``record`` a decision record whose chain of successors leads
    back round (1 superseded by 2, 2 by 1), so that none of them is in force? (It exists: only the
    loop keeps it from retiring ``record``.)"""
    current = _successor_file(record, successor)
    return current is not None and _is_record(current) and not successor_exists(record, successor)


def successor_exists(record: Path, successor: Successor) -> bool:
    """Does the record that supersedes ``record`` exist, as a decision record (advisor's, or
    one with a title: not any file named ``NNNN-*.md``), with a record in force at the end
    of its chain? Records that supersede each other in a loop leave none in force: each of
    them is then not superseded."""
    current = _successor_file(record, successor)
    if current is None or not _is_record(current):
        return False
    chain = [record]
    while not any(_same_file(current, earlier) for earlier in chain):
        try:
            text = read_record(current)
        except InputError:
            return True  # it exists; what is wrong with it is its own result
        if text is None:  # pragma: no cover - _is_record said it is a record
            return True
        after = superseded_by(text)
        following = _successor_file(current, after) if after is not None else None
        if following is None or not _is_record(following):
            return True  # ``current`` is in force
        chain.append(current)
        current = following
    return False


# -- reservations ----------------------------------------------------------------------------


@contextlib.contextmanager
def _reservation(path: Path, busy: str) -> Iterator[bool]:
    """Hold ``path`` (created exclusively) for the duration; yields False when someone else does."""
    for _ in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            try:
                age = time.time() - path.stat().st_mtime
            except FileNotFoundError:
                continue  # let go just now: try again
            if age > STALE_RESERVATION_S:
                path.unlink(missing_ok=True)  # its run died: take it over
                continue
            yield False
            return
        except OSError as exc:
            raise InputError(f"cannot write here: {exc.strerror or exc}", source=str(path.parent)) from None
        os.close(fd)
        try:
            yield True
        finally:
            path.unlink(missing_ok=True)
        return
    raise InputError(busy, source=str(path.parent))


# -- superseding -------------------------------------------------------------------------------


def _normal(name: str) -> str:
    return " ".join(name.split()).casefold()


def _check_supersedable(path: Path, text: str, number: int, workload: str | None, force: bool) -> None:
    """Refuse what must not be superseded: an already superseded record, a record about another
    workload (unless ``force``)."""
    source = str(path)
    previous = superseded_by(text)
    if previous is not None:
        by = f" by record {previous.number}" if previous.number is not None else ""
        raise InputError(f"record {number} is already superseded{by}; supersede that one instead", source=source)
    if workload is None or force:
        return
    try:
        inputs = read_inputs(text, source)
    except AdvisorError as exc:
        raise InputError(
            f"record {number} says advisor wrote it but its inputs cannot be read ({exc.message}), so its workload "
            "is unknown; pass --force to supersede it anyway",
            source=source,
        ) from None
    if inputs is None:
        if claims_advisor(text):
            raise InputError(
                f"record {number} says advisor wrote it but has no inputs block, so its workload is unknown; "
                "pass --force to supersede it anyway",
                source=source,
            )
        return  # written by hand or another tool: nothing says which workload it is about
    if _normal(inputs.workload.name) != _normal(workload):
        raise InputError(
            f"record {number} is about {inputs.workload.name!r}, not {workload!r}; "
            "pass --force to supersede a record about another workload",
            source=source,
        )


def write_record(
    directory: str | Path,
    *,
    stem: str,
    title: str,
    render: Callable[[int, RecordLink | None], str],
    supersedes: int | None = None,
    workload: str | None = None,
    force: bool = False,
) -> Path:
    """Write a new record as ``NNNN-<stem>.md`` with a number no other record has; return its path.

    ``render(number, superseded)`` gives the record's text; ``title`` (Markdown) is how
    the record it supersedes links back to it. Never overwrites; the file appears whole
    or not at all. ``supersedes=N`` marks record N as superseded by the new one
    (rewritten atomically); it must exist, be a regular file, not be superseded already
    and, when it is an advisor record, be about the same ``workload`` (unless ``force``).
    """
    if supersedes is not None and (isinstance(supersedes, bool) or not isinstance(supersedes, int) or supersedes < 1):
        raise InputError(f"must be the number of an existing record, 1 or more (got {supersedes!r})",
                         field="supersedes")
    folder = Path(directory)
    problem = folder_problem(folder)
    if problem is not None and problem != "no such folder":
        said = f"the decisions folder {problem}" if problem.startswith("is ") else problem
        raise InputError(f"cannot write the record: {said}", source=str(folder))
    # The folders this run creates, outermost first: removed again if no record is written.
    created = [p for p in (folder, *folder.parents) if not os.path.lexists(p)][::-1]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the decisions folder: {exc.strerror or exc}", source=str(folder)) from None
    try:
        return _write_record(folder, stem, title, render, supersedes, workload, force)
    except BaseException:
        for path in reversed(created):
            with contextlib.suppress(OSError):
                path.rmdir()  # only ever an empty folder
        raise


def _write_record(
    folder: Path,
    stem: str,
    title: str,
    render: Callable[[int, RecordLink | None], str],
    supersedes: int | None,
    workload: str | None,
    force: bool,
) -> Path:
    if supersedes is None:
        return _write_numbered(folder, stem, title, render, None)
    old_path = find_record(folder, supersedes)
    if old_path.is_symlink():
        raise InputError(
            f"record {supersedes} is a symbolic link; advisor does not rewrite a linked record "
            "(supersede the file it points to, in its own folder)",
            source=str(old_path),
        )
    lock = folder / f".{supersedes:04d}.advisor-superseding"
    busy = f"record {supersedes} is being superseded by another advisor run; try again"
    with _reservation(lock, busy) as held:
        if not held:
            raise InputError(busy, source=str(old_path))
        old_text = read_text(old_path)  # read under the lock: no other run rewrites it now
        _check_supersedable(old_path, _lf(old_text), supersedes, workload, force)
        old_title = record_title_line(_lf(old_text)) or old_path.stem
        try:
            old_inputs = read_inputs(_lf(old_text), str(old_path))
        except InputError:  # hand-edited past reading (superseded with force): what it chose is unknown
            old_inputs = None
        link = RecordLink(supersedes, old_title, old_path.name, old_inputs)
        return _write_numbered(folder, stem, title, render, (old_path, old_text, link))


def _write_numbered(
    folder: Path,
    stem: str,
    title: str,
    render: Callable[[int, RecordLink | None], str],
    old: tuple[Path, str, RecordLink] | None,
) -> Path:
    candidate = 1
    for _ in range(10_000):
        number = max(next_number(folder), candidate)
        candidate = number + 1
        reserved = folder / f".{number:04d}.advisor-reserved"
        with _reservation(reserved, f"cannot reserve record number {number}") as held:
            if not held:
                continue  # another run holds it: take the next
            if any(n == number for n, _ in record_files(folder)):
                continue  # a record took it between our look and our reservation
            path = folder / f"{number:04d}-{stem}.md"
            text = render(number, old[2] if old else None)
            marked = None
            if old:
                # Checked before anything is written: an old record we cannot mark stops everything.
                marked = mark_superseded(_lf(old[1]), RecordLink(number, title, path.name), str(old[0]))
                if "\r\n" in old[1]:  # rewritten with the line endings it has
                    marked = marked.replace("\n", "\r\n")
            create_exclusive(path, text, what="decision record")
            if old and marked is not None:
                try:
                    write_atomic(old[0], marked)
                except InputError as exc:
                    path.unlink(missing_ok=True)
                    raise InputError(
                        f"cannot rewrite the superseded record: {exc.message}", source=str(old[0])
                    ) from None
            return path
    raise InputError("found no free record number", source=str(folder))  # pragma: no cover - 10,000 tries
