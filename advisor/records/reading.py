"""A decision record as a reader sees it rendered: what verify holds to the inputs.

The record is parsed as GitHub renders it (markdown-it-py: CommonMark, with GitHub's tables
and ``~~strikethrough~~``), so what it shows is what a renderer shows: front matter is
metadata; HTML comments and inline HTML tags show nothing; struck-out text (``~~...~~``,
``<del>``, ``<s>``, ``<strike>``, inline or around whole blocks) is withdrawn, not stated, and
an element marked ``hidden`` shows nothing; a table's cell reads as a paragraph; code (fenced,
indented, in a block quote or a list item, or a code span) is code, not a heading or a
paragraph; the text a raw HTML block shows between its tags (``<p>``, ``<h1>``) is read as a
paragraph or a heading. The record's title is its first *visible* level-1 heading, and its
decision is stated by a visible *paragraph*: what a formatter hard-wraps over several lines
still reads as one.

A heading's or a paragraph's text, as shown (:func:`rendered`), is its inline content with
character references and backslash escapes decoded, emphasis and link markers and inline
HTML dropped, an image's alt text kept (a browser shows it where the image does not load), code
spans kept with their backticks, a paragraph's GitHub alert or footnote label ("[!NOTE]",
"[^1]:") dropped, and every run of whitespace (a soft line
break, a no-break space) one space. A leading byte-order mark is ignored.

markdown-it-py is imported only when a record is read: ``advisor recommend`` never loads it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from advisor.core.value_class import value_class

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n", re.DOTALL)
# The inline HTML a reader never sees as text: a comment.
_COMMENT = "<!--"
# In an HTML block, what a renderer shows no text of: comments (one never closed runs to the
# block's end), and the insides of script, style and template elements; and the tags
# themselves. Each pattern is linear: no group is both lazy and followed by a fallible tail.
_HTML_HIDDEN = re.compile(
    r"<!--.*?(?:-->|\Z)|<(script|style|template)\b.*?(?:</\1\s*>|\Z)", re.DOTALL | re.IGNORECASE
)
# What a reader takes as withdrawn, not stated: struck-out text (GitHub's ``~~...~~`` is the
# ``s`` token); and an element marked ``hidden``, which a browser does not show. Such an
# element's text is not read, in a paragraph or across the blocks it wraps.
_STRUCK = frozenset({"del", "s", "strike"})
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>")
# Elements with no content and no closing tag: hidden or not, they wrap nothing.
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)
_HIDDEN_ATTRIBUTE = re.compile(r"\shidden(?:\s|=|/|$)", re.IGNORECASE)


def _withdrawing(name: str, attributes: str) -> bool:
    """Does an opening tag strike out or hide what it wraps?"""
    return name.lower() in _STRUCK or _HIDDEN_ATTRIBUTE.search(attributes) is not None


class _Withdrawn:
    """The elements open at a point of the record that strike out or hide what they wrap, as a
    stack of [name, how many of the same name opened inside it]; fed each tag in order."""

    def __init__(self) -> None:
        self.open: list[list[Any]] = []

    def feed(self, html: str) -> None:
        for tag in _TAG.finditer(_HTML_HIDDEN.sub("", html)):
            closing, name, attributes = tag.group(1) == "/", tag.group(2).lower(), tag.group(3)
            if closing:
                if self.open and self.open[-1][0] == name:
                    if self.open[-1][1]:
                        self.open[-1][1] -= 1
                    else:
                        self.open.pop()
            elif not attributes.rstrip().endswith("/") and name not in _VOID:
                if _withdrawing(name, attributes):
                    self.open.append([name, 0])
                elif self.open and self.open[-1][0] == name:
                    self.open[-1][1] += 1

    def __bool__(self) -> bool:
        return bool(self.open)


# Characters a reader does not see (zero-width spaces and joiners, a byte-order mark inside the
# text, a soft hyphen, bidirectional marks): "C\u200bhosen option" reads as "Chosen option".
INVISIBLE = dict.fromkeys(
    [0x00AD, *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2065), *range(0x2066, 0x206A), 0xFEFF]
)
# What GitHub shows in place of a paragraph's first words: an alert's ("> [!IMPORTANT]", a
# coloured box titled Important, its text below) and a footnote's label ("[^1]: ...", the
# footnote's text at the page's foot). The paragraph reads from after it.
_GITHUB_MARKER = re.compile(r"^(?:\[!(?:note|tip|important|warning|caution)\]|\[\^[^\]\s]+\]:)\s*", re.IGNORECASE)
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>?")
_HTML_HEADING = re.compile(r"\s*<h([1-6])\b", re.IGNORECASE)


@value_class
class Block:
    """A heading or a paragraph a reader sees: its first line in the file (from 1), its level
    (1-6 for a heading, 0 for a paragraph), its inline Markdown as written (the lines joined
    with a space, without container markers or indentation) and its text as shown."""

    number: int
    level: int
    text: str
    shown: str


@value_class
class Line:
    """One line of a visible heading or paragraph: its number in the file (from 1), its inline
    Markdown as written (without block-quote or list markers, indentation, or what an inline
    HTML comment hides on it), and the block it belongs to."""

    number: int
    text: str
    block: Block


def front_matter(text: str) -> str | None:
    """The record's YAML front matter (without its ``---`` lines), or None."""
    match = _FRONT_MATTER.match(text.removeprefix("\ufeff"))
    return match.group(1) if match else None


@functools.cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt  # only when a record is read: not on `advisor recommend`'s path

    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _shown(children: Sequence[Token]) -> str:
    parts: list[str] = []
    withdrawn = _Withdrawn()  # struck-out or hidden text is not what the paragraph states
    for child in children:
        if child.type == "image":  # a browser shows its alt text where the image does not load
            if not withdrawn:
                parts.append(_shown(child.children or []))
            continue
        if child.type == "s_open":
            withdrawn.open.append(["~~", 0])
        elif child.type == "s_close":
            if withdrawn.open and withdrawn.open[-1][0] == "~~":
                withdrawn.open.pop()
        elif child.type == "html_inline":
            withdrawn.feed(child.content)
        elif withdrawn:
            continue
        elif child.type == "text":
            parts.append(child.content)
        elif child.type == "code_inline":
            parts.append(f"{child.markup}{child.content}{child.markup}")
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        # emphasis, link and inline HTML tokens show no text of their own
    return " ".join("".join(parts).translate(INVISIBLE).split())


def rendered(inline: str) -> str:
    """Inline Markdown (a title, a decision, as advisor writes them) as a reader sees it shown:
    the same text :class:`Block` ``shown`` holds for a heading or paragraph written so."""
    tokens = _parser().parseInline(inline)
    return _shown(tokens[0].children or []) if tokens else ""


def _source_lines(inline: Token) -> list[str]:
    """The inline content's lines as written, with each inline HTML comment blanked (its line
    breaks kept, so lines stay where they are in the file)."""
    source = inline.content
    cursor = 0
    for child in inline.children or []:
        if child.type == "html_inline" and child.content.startswith(_COMMENT):
            at = source.find(child.content, cursor)
            if at >= 0:
                blank = "\n" * child.content.count("\n")
                source = source[:at] + blank + source[at + len(child.content):]
                cursor = at + len(blank)
    return [row.strip() for row in source.split("\n")]


def _html_block(token: Token) -> list[Line]:
    """What a raw HTML block (``<p>``, ``<div>``, ``<h1>``...) shows as text, as lines of one
    block: a renderer shows the text between the tags, so a decision or a title written in HTML
    is read like one written in Markdown (a heading where the block opens with ``<hN>``)."""
    import html

    assert token.map is not None
    content = _HTML_HIDDEN.sub(lambda m: "\n" * m.group(0).count("\n"), token.content)
    content = _withdrawn_html(content)
    heading = _HTML_HEADING.match(content)
    rows = [" ".join(html.unescape(_HTML_TAG.sub(" ", row)).split()) for row in content.split("\n")]
    shown = " ".join(row for row in rows if row)
    if not shown:
        return []
    start = token.map[0] + 1
    block = Block(start, int(heading.group(1)) if heading else 0, shown, shown)
    return [Line(start + offset, row, block) for offset, row in enumerate(rows)]


def _withdrawn_html(content: str) -> str:
    """An HTML block's content with what its struck-out or hidden elements wrap blanked (line
    breaks kept): from such an element's opening tag to its closing tag, or the block's end."""
    out: list[str] = []
    withdrawn = _Withdrawn()
    cursor = 0
    for tag in _TAG.finditer(content):
        before = content[cursor:tag.start()]
        out.append("\n" * before.count("\n") if withdrawn else before)
        was = bool(withdrawn)
        withdrawn.feed(tag.group(0))
        out.append(" " if was or withdrawn else tag.group(0))
        cursor = tag.end()
    rest = content[cursor:]
    out.append("\n" * rest.count("\n") if withdrawn else rest)
    return "".join(out)


@functools.lru_cache(maxsize=16)
def _read(text: str) -> tuple[Line, ...]:
    body = text.removeprefix("\ufeff")
    if (front := _FRONT_MATTER.match(body)) is not None:  # kept as blank lines: line numbers stay
        body = "\n" * front.group(0).count("\n") + body[front.end():]
    tokens = _parser().parse(body)
    out: list[Line] = []
    # HTML blocks that open a struck-out or hidden element (``<del>``, ``<div hidden>``) on a line
    # of their own wrap the Markdown blocks up to the one that closes it: those are not read.
    withdrawn = _Withdrawn()
    for index, token in enumerate(tokens):
        if token.type == "html_block" and token.map is not None:
            if not withdrawn:
                out += _html_block(token)
            withdrawn.feed(token.content)
            continue
        if withdrawn:
            continue
        cell = token.type in ("th_open", "td_open")  # a table's cell reads as a paragraph
        if not cell and (token.type not in ("heading_open", "paragraph_open") or token.map is None):
            continue
        inline = tokens[index + 1]
        if cell and inline.map is None:
            continue
        token = inline if cell else token
        assert token.map is not None
        level = int(token.tag[1]) if token.type == "heading_open" else 0
        rows = _source_lines(inline)
        start = token.map[0] + 1
        source = " ".join(row for row in rows if row) if level else "\n".join(rows)
        shown = _shown(inline.children or [])
        block = Block(start, level, source, shown if level else _GITHUB_MARKER.sub("", shown, count=1))
        out += [Line(start + offset, row, block) for offset, row in enumerate(rows)]
    return tuple(out)


def visible_lines(text: str) -> list[Line]:
    """The lines of every heading and paragraph a rendered record shows, in order: not its
    front matter, not an HTML block or comment, not code (nor a code block's fences)."""
    return list(_read(text))


def visible_blocks(text: str) -> list[Block]:
    """Every heading and paragraph a rendered record shows, in order."""
    blocks: list[Block] = []
    for line in _read(text):
        if not blocks or blocks[-1] is not line.block:
            blocks.append(line.block)
    return blocks


def first_heading(lines: Iterable[Line]) -> Block | None:
    """The first visible level-1 heading (ATX ``# Title`` or a setext ``===`` underline): its
    first line, its text as written without the markers, and as shown; None when the record
    shows none."""
    return next((line.block for line in lines if line.block.level == 1), None)


# How a paragraph starts that a reader of a record takes as the record's own word: its decision
# (verify's "Chosen option: ..." and "We will ... (`mode`"), a superseded mark (advisor.records.folder:
# "Superseded by ADR-3", either spelling), advisor's signature ("Written by advisor ...",
# "advisor-record: 2"). Matched loosely (any case, after any punctuation): a false match costs a
# paragraph break, a missed one a record that no longer verifies.
_OWN_WORD = re.compile(
    r"^\W*(?:chosen\s+option|we\s+will|super[sc]eded\s+by|supersedes|written\s+by\s+advisor|advisor-record)",
    re.IGNORECASE,
)


def reads_as_the_records_own(text: str) -> bool:
    """Would a paragraph of free text (a description) that starts with ``text`` be read as
    something the record says of itself? Such a paragraph is not set apart in a record."""
    return _OWN_WORD.match(text) is not None


def same_text(a: str, b: str) -> bool:
    """The same text to a reader: Unicode's canonical forms (NFC, NFD) of it are one."""
    return unicodedata.normalize("NFC", a) == unicodedata.normalize("NFC", b)
