"""The Decision record tab: the ADR the CLI writes, its downloads and a Markdown preview."""

from __future__ import annotations

import datetime
import re

import streamlit as st

from advisor.core.assessment import Assessment
from advisor.core.clock import today
from advisor.core.errors import AdvisorError
from advisor.views.adr import record_title, render_adr
from advisor.views.json_output import dump_json
from advisor.views.markdown import slug
from questionnaire.state import friendly, md


def record_tab(a: Assessment, stale: bool = False) -> None:
    st.markdown("##### Decision record")
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
    adr: str | None = None
    try:
        adr = adr_text(a, template, status, date)
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
            st.markdown(preview_markdown(body))


ADR_TEMPLATES = {"madr": "MADR 4", "nygard": "Nygard"}


def adr_text(a: Assessment, template: str, status: str, date: datetime.date) -> str:
    """The record as the CLI writes it: the same function, the same arguments."""
    return render_adr(a, template=template, status=status, date=date)


_FRONT = re.compile(r"\A---\n(.*?\n)---\n", re.DOTALL)
_FENCE = re.compile(r"^(`{3,}|~{3,})")
# Streamlit's own Markdown extensions: $maths$ and :colour[text] directives (Streamlit reads
# one even where the record escapes its bracket: "\\[").
_STREAMLIT_SYNTAX = re.compile(r"(\$|:(?=[a-z-]+\\?\[))")


def split_front_matter(text: str) -> tuple[str, str]:
    match = _FRONT.match(text)
    return (match.group(1), text[match.end() :]) if match else ("", text)


def preview_markdown(body: str) -> str:
    """The record for st.markdown: outside code fences, a dollar is a dollar, not maths."""
    out, fence = [], ""
    for line in body.splitlines():
        opened = _FENCE.match(line.lstrip())
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
        elif opened:
            fence = opened.group(1)
        else:
            line = _STREAMLIT_SYNTAX.sub(r"\\\1", line)
        out.append(line)
    return "\n".join(out)


def assessment_json(a: Assessment) -> str:
    return dump_json(a.model_dump(mode="json"))
