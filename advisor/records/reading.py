"""A decision record as a reader sees it rendered: what verify holds to the inputs.

A Markdown renderer hides HTML comments (``<!-- ... -->``) and shows fenced code as code,
not as headings or paragraphs; front matter is metadata. So the record's title is its first
*visible* level-1 heading, and the line that states its decision is the first *visible*
line of that shape: a copy inside a comment or a code block is not what anyone reads.

A leading byte-order mark is ignored; container markers (a block quote's ``>``, a list
item's bullet) are looked through, since a heading or a line inside them still shows.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .inputs import fence_opening

_FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n", re.DOTALL)
_COMMENT_OPEN = "<!--"
_COMMENT_CLOSE = "-->"
# A block quote's ">" or a list item's marker, up to three spaces in (CommonMark).
_CONTAINER = re.compile(r"^ {0,3}(?:>[ \t]?|[-+*][ \t]+|\d{1,9}[.)][ \t]+)")
# An ATX heading of level 1: "# Title", optional closing hashes, up to three spaces in.
_ATX_H1 = re.compile(r"^#(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
# A setext underline of level 1 ("===") under a paragraph line.
_SETEXT_H1 = re.compile(r"^=+[ \t]*$")
# Four spaces (or a tab) in: an indented code block, shown as code.
_CODE_INDENT = re.compile(r"^(?: {4}|\t| {0,3}\t)")


@dataclass(frozen=True)
class Line:
    """One line a reader sees: its number in the file (from 1) and its text, with what an HTML
    comment hid on it taken out."""

    number: int
    text: str


def front_matter(text: str) -> str | None:
    """The record's YAML front matter (without its ``---`` lines), or None."""
    match = _FRONT_MATTER.match(text.removeprefix("\ufeff"))
    return match.group(1) if match else None


def visible_lines(text: str) -> list[Line]:
    """The lines a rendered record shows as text: not its front matter, not what an HTML
    comment hides (a comment never closed hides the rest, as CommonMark has it), not the
    inside of a fenced code block (nor its fences)."""
    body = text.removeprefix("\ufeff")
    rows = body.split("\n")
    start = 0
    if (front := _FRONT_MATTER.match(body)) is not None:
        start = front.group(0).count("\n")
    out: list[Line] = []
    in_comment = False
    fence: re.Pattern[str] | None = None
    for number in range(start + 1, len(rows) + 1):
        row = rows[number - 1]
        if fence is not None:
            if fence.match(row):
                fence = None
            continue
        if not in_comment and (close := fence_opening(row)) is not None:
            fence = close
            continue
        shown: list[str] = []
        rest = row
        while rest:
            if in_comment:
                end = rest.find(_COMMENT_CLOSE)
                if end < 0:
                    rest = ""
                    break
                rest = rest[end + len(_COMMENT_CLOSE):]
                in_comment = False
            else:
                begin = rest.find(_COMMENT_OPEN)
                if begin < 0:
                    shown.append(rest)
                    break
                shown.append(rest[:begin])
                rest = rest[begin + len(_COMMENT_OPEN):]
                in_comment = True
        if in_comment and not "".join(shown).strip():
            continue  # a line that is all comment shows nothing
        if not in_comment or shown:
            out.append(Line(number, "".join(shown)))
    return out


def content(text: str) -> str | None:
    """A line's content as a reader sees it start: without block-quote and list-item markers
    and the (up to three spaces of) indent before it; None for a line of indented code."""
    while (match := _CONTAINER.match(text)) is not None:
        text = text[match.end():]
    if _CODE_INDENT.match(text):
        return None
    return text.lstrip(" ")


def first_heading(lines: list[Line]) -> Line | None:
    """The first visible level-1 heading (ATX ``# Title`` or a setext ``===`` underline), its
    text without the markers; None when the record shows none."""
    previous: tuple[int, str] | None = None
    for line in lines:
        shown = content(line.text)
        if shown is None:
            previous = None
            continue
        match = _ATX_H1.match(shown)
        if match is not None:
            return Line(line.number, (match.group(1) or "").strip())
        if _SETEXT_H1.match(shown) and previous is not None:
            return Line(previous[0], previous[1].strip())
        previous = (line.number, shown) if shown.strip() else None
    return None


def same_text(a: str, b: str) -> bool:
    """The same text to a reader: Unicode's canonical forms (NFC, NFD) of it are one."""
    return unicodedata.normalize("NFC", a) == unicodedata.normalize("NFC", b)
