"""The Decision record tab: the ADR the CLI writes, its downloads and a Markdown preview."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any

import streamlit as st

from advisor.core.assessment import Assessment
from advisor.core.clock import today
from advisor.core.errors import AdvisorError
from advisor.views.adr import record_title, render_adr
from advisor.views.json_output import dump_json
from advisor.views.markdown import slug
from questionnaire.state import friendly, md


def record_tab(a: Assessment, stale: bool = False) -> None:
    st.markdown("### Decision record")
    st.session_state.setdefault("adr_template", "madr")
    st.session_state.setdefault("adr_status", "proposed")
    st.session_state.setdefault("adr_date", today())
    st.session_state.setdefault("adr_view", "Preview")
    c1, c2, c3 = st.columns([3, 2, 2])
    template: str = c1.segmented_control(
        "Format",
        list(ADR_TEMPLATES),
        key="adr_template",
        format_func=ADR_TEMPLATES.__getitem__,
        required=True,
        help="MADR 4 (Markdown Architectural Decision Records) or Nygard's format as adr-tools writes it.",
    ) or "madr"  # required=True: never empty
    status = c2.selectbox("Status", ("proposed", "accepted"), key="adr_status", help="Proposed until the team agrees.")
    date = c3.date_input("Date", key="adr_date", help="The date written in the record.")
    people = st.columns(3)
    for column, (field, label, help_text) in zip(people, PEOPLE, strict=True):
        column.text_input(
            label, key=f"adr_{field}", max_chars=500, placeholder="names, separated by commas",
            help=f"{help_text} Optional; the record names them (MADR in its front matter).",
        )
    adr: str | None = None
    try:
        adr = adr_text(a, template, status, date, **record_people(st.session_state))
    except AdvisorError as exc:
        st.error(f"The record cannot be written: {friendly(exc)}")
    d1, d2 = st.columns(2)
    if adr is not None:
        d1.download_button(
            f"Download this record ({ADR_TEMPLATES[template]})",
            data=adr.encode("utf-8"),
            file_name=f"{slug(record_title(a))}.md",
            mime="text/markdown",
            key="download_adr",
            on_click="ignore",
            icon=":material/description:",
            width="stretch",
            disabled=stale,
            help="Markdown to commit next to the code, e.g. as docs/decisions/NNNN-title.md. "
            "`advisor adr` writes the same record with the next free number.",
        )
    d2.download_button(
        "Download the assessment (JSON)",
        data=lambda: assessment_json(a),
        file_name=f"{slug(a.workload.name)}.json",
        mime="application/json",
        key="download_json",
        on_click="ignore",
        icon=":material/data_object:",
        width="stretch",
        disabled=stale,
        help="Exactly what `advisor recommend --format json` prints for these answers.",
    )
    # The page cannot number a record or retire one in your repository; the command can, and
    # says what changed since the record it replaces.
    st.caption(
        "Replacing an earlier record of this feature? Download the answers and run `advisor adr <answers file> "
        "--supersedes N` where your records are kept (N: the earlier record's number): it numbers this record, "
        "marks record N superseded by it and says what has changed since."
    )
    if adr is None:
        return
    view = st.segmented_control(
        "View", ("Preview", "Markdown source"), key="adr_view", required=True, label_visibility="collapsed"
    )
    with st.container(border=True, height=640, key="adr_preview"):
        if view == "Markdown source":
            st.code(adr, language="markdown", wrap_lines=True)
        else:
            front, body = split_front_matter(adr)
            if front:
                st.caption(" · ".join(md(line) for line in front.splitlines() if line.strip()))
            for language, text in preview_blocks(body):
                if language is None:
                    st.markdown(text)
                else:
                    st.code(text, language=language or None, wrap_lines=True)


ADR_TEMPLATES = {"madr": "MADR 4", "nygard": "Nygard"}
# The record's people (MADR's front matter), as `advisor adr --decision-makers ...` takes them.
PEOPLE = (
    ("decision_makers", "Decision-makers", "Everyone involved in the decision: who accepts it."),
    ("consulted", "Consulted", "Everyone whose opinion was sought."),
    ("informed", "Informed", "Everyone kept up to date."),
)


def record_people(state: Mapping[Any, Any]) -> dict[str, list[str]]:
    """The names typed in the Decision record tab, as ``render_adr`` takes them ("A, B" is
    two names; render_adr splits and checks them)."""
    typed = {field: state.get(f"adr_{field}") for field, _, _ in PEOPLE}
    return {field: [text] for field, text in typed.items() if isinstance(text, str) and text.strip()}


def adr_text(
    a: Assessment,
    template: str,
    status: str,
    date: datetime.date,
    *,
    decision_makers: list[str] | None = None,
    consulted: list[str] | None = None,
    informed: list[str] | None = None,
) -> str:
    """The record as the CLI writes it: the same function, the same arguments."""
    return render_adr(
        a, template=template, status=status, date=date,
        decision_makers=decision_makers, consulted=consulted, informed=informed,
    )


_FRONT = re.compile(r"\A---\n(.*?\n)---\n", re.DOTALL)
_FENCE = re.compile(r"^(`{3,}|~{3,})")
# Streamlit's own Markdown extensions: $maths$ and :colour[text] directives (Streamlit reads
# one even where the record escapes its bracket: "\\[").
_STREAMLIT_SYNTAX = re.compile(r"(\$|:(?=[a-z-]+\\?\[))")
# Emoji and icon shortcodes, ":rocket:" and ":material/home:". Streamlit draws the emoji of
# every shortcode in a Markdown text, escaped or not, once its source holds one anywhere (a
# code block included), and an icon unless the slash after "material" is escaped. So no colon
# may close a word that a colon opens: "a:b:c" is written "a:b\\:c\\:".
_SHORTCODE = re.compile(r":([\w+-]+)(?=:)")
_ICON = re.compile(r":material/")
# Streamlit's own test for a shortcode in a Markdown source (StreamlitMarkdown, 1.67).
_EMOJI_SWITCH = re.compile(r":(?!material/|streamlit:)[\w+-][\w_+-]*:")
# What Markdown shows verbatim, where a backslash would show: code spans and autolinks.
_VERBATIM = re.compile(r"(`+)(.*?)(?<!`)\1(?!`)|<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>")


def split_front_matter(text: str) -> tuple[str, str]:
    match = _FRONT.match(text)
    return (match.group(1), text[match.end() :]) if match else ("", text)


def preview_blocks(body: str) -> list[tuple[str | None, str]]:
    """The record as the preview draws it, reading as the file does: its prose as Markdown
    (language None) in which a dollar is a dollar, not maths, and ":rocket:" is text, not an
    emoji; each fenced code block as code, with its language ("" for none). A code block is
    not left inside the Markdown, where Streamlit would still read the shortcodes in it."""
    blocks: list[tuple[str | None, str]] = []
    prose: list[str] = []
    code: list[str] = []
    fence = language = ""
    for line in body.splitlines():
        opened = _FENCE.match(line.lstrip())
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                blocks.append((language, "\n".join(code)))
                code, fence = [], ""
            else:
                code.append(line)
        elif opened:
            if any(p.strip() for p in prose):
                blocks.append((None, "\n".join(prose).strip("\n")))
            prose, fence = [], opened.group(1)
            language = line.lstrip()[len(fence) :].strip().split(" ")[0]
        else:
            prose.append(_outside_verbatim(line))
    if fence:  # a block left open runs to the end, as CommonMark reads it
        blocks.append((language, "\n".join(code)))
    elif any(p.strip() for p in prose):
        blocks.append((None, "\n".join(prose).strip("\n")))
    return blocks


def _outside_verbatim(line: str) -> str:
    parts, last = [], 0
    for match in _VERBATIM.finditer(line):
        verbatim = match.group()
        if _EMOJI_SWITCH.search(verbatim) or _ICON.search(verbatim):
            # Read by Streamlit even as code (and a backslash would show): plain text instead.
            verbatim = md(match.group(2) if match.group(1) else match.group(3))
        parts += [_inert(line[last : match.start()]), verbatim]
        last = match.end()
    parts.append(_inert(line[last:]))
    return "".join(parts)


def _inert(text: str) -> str:
    text = _ICON.sub(r":material\\/", _SHORTCODE.sub(r":\1\\", text))
    return _STREAMLIT_SYNTAX.sub(r"\\\1", text)


def assessment_json(a: Assessment) -> str:
    return dump_json(a.model_dump(mode="json"))
