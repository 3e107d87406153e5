"""Markdown escaping: free text lands in a record as text, never as markup.

A workload's name, a description, a model id or a rule's reason can hold anything:
``<script>``, ``[a link](javascript:...)``, ``| pipes |``, ``# headings``, ``{{ 7*7 }}``.
``inline`` makes any text render as exactly that text (CommonMark backslash escapes and
HTML entities), on one line; ``paragraphs`` does it for each paragraph of a text; ``cell``
also escapes the table-cell separator. ``fence``
picks a code fence that no content can close early. ``slug`` makes a file-name fragment
that cannot leave its folder.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from markupsafe import Markup

from advisor.core.terminal import controls_escaped

# Characters that start or end Markdown inline syntax: emphasis, code, links, images,
# strikethrough. Escaped wherever they appear ("_" only where it could delimit emphasis).
_INLINE_SPECIAL = re.compile(r"[\\`*\[\]~]|(?<![^\W_])_|_(?![^\W_])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# "&" only where CommonMark could read it as the start of a character reference ("&amp;",
# "&#38;", "&#x26;"): before a letter, a digit or "#", and at the end of a piece of text,
# whatever a template puts after it. Elsewhere ("Models & Pricing") it is text as written.
_HTML_RE = re.compile(r"&(?=[A-Za-z0-9#]|\Z)|[<>]")
# At the start of a line these open a block: ATX heading, bullet or ordered list item,
# setext underline or thematic break. (A block quote's ">" is already an entity.)
_BLOCK_START = re.compile(r"^(?:#{1,6}(?=\s|$)|[-+](?=\s|$)|\d{1,9}[.)](?=\s|$)|=+\s*$|-+\s*$)")
# Bare URLs are written as autolinks: a linter flags bare URLs, and an autolink keeps the
# URL intact (no escapes inside) while nothing else in the text can become a link.
_URL = re.compile(r"https?://[^\s<>\"'`]+[^\s<>\"'`.,;:!?)\]]")
_WHITESPACE = re.compile(r"\s+")


def _escape_text(text: str) -> str:
    text = _HTML_RE.sub(lambda m: _HTML[m.group()], text)
    return _INLINE_SPECIAL.sub(lambda m: "\\" + m.group(), text)


def inline(value: object) -> Markup:
    """Any value as Markdown inline text that renders as itself, on one line."""
    if value is None:
        return Markup("")
    if isinstance(value, Markup):
        return value
    text = _WHITESPACE.sub(" ", str(value)).strip()
    parts: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        parts.append(_escape_text(text[last : match.start()]))
        parts.append(f"<{match.group()}>")
        last = match.end()
    parts.append(_escape_text(text[last:]))
    out = "".join(parts)
    return Markup(_BLOCK_START.sub(_escape_block_start, out, count=1))


_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")


def paragraphs(value: object, *, apart: Callable[[str], bool] = lambda text: True) -> Markup:
    """Free text as Markdown paragraphs that render as itself: each paragraph (text between blank
    lines) made ``inline``, one blank line between them; a single line break inside one is a
    space. A paragraph for which ``apart(its text, whitespace collapsed)`` is false joins the one
    before it, with a space (a record keeps apart none that would read as its own statement)."""
    if value is None:
        return Markup("")
    kept: list[str] = []
    for part in _BLANK_LINE.split(str(value)):
        text = _WHITESPACE.sub(" ", part).strip()
        if not text:
            continue
        if kept and not apart(text):
            kept[-1] += " " + text
        else:
            kept.append(text)
    return Markup("\n\n".join(str(inline(text)) for text in kept))


def _escape_block_start(match: re.Match[str]) -> str:
    marker = match.group()
    if marker[0].isdigit():  # "1." opens an ordered list; "1\\." renders "1."
        return marker[:-1] + "\\" + marker[-1]
    return "\\" + marker


def cell(value: object) -> Markup:
    """Any value as the content of one table cell: inline text with ``|`` escaped."""
    text = inline(value)
    # A pipe inside an autolink would still split the row: escape every unescaped pipe.
    return Markup(re.sub(r"(?<!\\)\|", r"\\|", str(text)))


def code(value: object) -> Markup:
    """Any value as an inline code span: shown verbatim, whatever backticks it holds (a control
    character as its escape: ``\x1b``, never raw)."""
    # A control character (a file name's escape sequence) is shown as its escape, never written raw.
    text = controls_escaped(_WHITESPACE.sub(" ", "" if value is None else str(value)).strip())
    ticks = fence(text, minimum=1)
    # A space pads content that starts or ends with a backtick (CommonMark strips one each side).
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return Markup(f"{ticks}{pad}{text}{pad}{ticks}")


def fence(content: str, minimum: int = 3) -> str:
    """A backtick fence longer than any backtick run inside ``content``."""
    longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
    return "`" * max(minimum, longest + 1)


SLUG_MAX = 60
# Latin letters that NFKD does not take apart into a letter and an accent, so that dropping
# what is not ASCII dropped them whole ("Straße" was "strae", "Søknad" "sknad", "Łódź" "odz"):
# each as it is usually written in ASCII.
_LETTERS = str.maketrans({
    "ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d",
    "ł": "l", "Ł": "l", "þ": "th", "Þ": "th", "ð": "d", "Ð": "d", "\u0131": "i", "ħ": "h", "Ħ": "h",
})


def slug(title: str, max_length: int = SLUG_MAX) -> str:
    """A file-name fragment of ``a-z0-9-`` only, at most ``max_length`` long, never empty."""
    ascii_text = unicodedata.normalize("NFKD", title.translate(_LETTERS)).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(words) > max_length:
        cut = words[:max_length]
        # Cut at a word boundary when one is near enough, never leaving a trailing dash.
        boundary = cut.rfind("-")
        words = (cut[:boundary] if boundary >= max_length // 2 else cut).strip("-")
    return words or "decision"

