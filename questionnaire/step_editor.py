"""The steps question: a data editor of the request's model calls, one row a step, and
under it what each step takes and costs on the verdict in view.

Rows are added at the grid's foot and deleted by selecting them; every cell's bounds are the
Step model's own. A wrong cell (a name used twice, two steps shown, a model the catalogue
lacks) is marked right under the grid in the question's words.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from advisor.core.assessment import Assessment
from advisor.views.formatting import count, in_a_sentence, money, percent, seconds
from questionnaire.state import STEPS_GENERATION, STEPS_ROWS, md, steps_editor_key
from questionnaire.steps import COLUMNS, Column
from questionnaire.verdict import Shown
from questionnaire.vocabulary import HELP, Words

# How the grid holds each kind of cell: nullable, so a blank cell stays blank.
_DTYPES = {"text": "string", "int": "Int64", "float": "Float64", "share": "Float64", "bool": "boolean"}
_DEFAULTS = {"tool_latency_s": 0.0, "repeat": 1, "cached_input_fraction": 0.0, "shown": False}
# Pixels: wide enough for each header, so the first columns fit a form's width.
_WIDTHS = {
    "name": 120, "model": 120, "input_tokens": 100, "output_tokens": 105, "reasoning_tokens": 130,
    "tool_latency_s": 100, "repeat": 60, "shown": 70, "cached_input_fraction": 105, "provider": 90,
    "model_p50_s": 130, "model_p95_s": 130, "ttft_s": 135, "output_tokens_per_s": 130,
}


def step_editor(problems: dict[str, list[str]], shown: Shown | None) -> None:
    import pandas as pd  # the app's alone: never on the CLI's path

    rows = st.session_state.get(STEPS_ROWS) or []
    frame = pd.DataFrame(
        {c.field: pd.Series([row.get(c.field) for row in rows], dtype=_DTYPES[c.kind]) for c in COLUMNS}
    )
    st.data_editor(
        frame,
        key=steps_editor_key(st.session_state),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={c.field: _column(c) for c in COLUMNS},
        placeholder="default",
    )
    st.caption(md(HELP["steps"]))
    note = st.session_state.get("q_steps_note")
    if note and note[0] == st.session_state.get(STEPS_GENERATION, 0):
        st.info(note[1], icon=":material/info:")
    for line in problems.get("steps", ()):
        st.error(line, icon=":material/error:")
    if shown is not None:
        step_figures(shown.assessment, shown.stale)


def _column(c: Column) -> Any:
    help_text = c.help + (f" ({c.blank[0].upper()}{c.blank[1:]}.)" if c.blank else "")
    common: dict[str, Any] = {"help": help_text, "required": c.required or None, "width": _WIDTHS[c.field]}
    if c.field in _DEFAULTS:
        common["default"] = _DEFAULTS[c.field]
    if c.kind == "text":
        return st.column_config.TextColumn(
            c.label, pinned=c.field == "name" or None,
            max_chars=100 if c.field != "model" else 200, **common,
        )
    if c.kind == "bool":
        return st.column_config.CheckboxColumn(c.label, **common)
    low, high = c.bounds()
    if c.kind == "share":
        return st.column_config.NumberColumn(
            c.label, min_value=low, max_value=high, step=0.01, format="percent", **common
        )
    if c.kind == "int":
        return st.column_config.NumberColumn(
            c.label, min_value=int(low) if low is not None else None,
            max_value=int(high) if high is not None else None, step=1, format="localized", **common,
        )
    return st.column_config.NumberColumn(
        c.label, min_value=low, max_value=high, step=0.01, format="plain", **common
    )


def step_figures(a: Assessment, stale: bool) -> None:
    """Each step's share of one typical request and of the monthly token bill, at the
    recommended mode's prices: what an edit to a step moved."""
    words = Words(a.rules)
    costs = {c.name: c for c in a.pricing.steps}
    total = sum(s.duration_s for s in a.latency.steps) or 1.0
    bill = sum(c.tokens_usd_per_month[a.recommendation] for c in a.pricing.steps) or 1.0
    rows = []
    for s in a.latency.steps:
        cost = costs.get(s.name)
        monthly = cost.tokens_usd_per_month[a.recommendation] if cost else 0.0
        # The money second: on a phone the grid is 326 px wide and its last column is clipped
        # mid-figure ("$2,384 ("); one call's p95, also on the Latency tab, goes last.
        rows.append({
            "step": s.name + (f" \u00d7{s.calls}" if s.calls > 1 else ""),
            "cost": f"{money(monthly)} ({percent(monthly / bill)})",
            "time": f"{seconds(s.duration_s)} ({percent(s.duration_s / total)})",
            "p95": seconds(s.call_p95_s),
        })
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        key="steps_figures",
        column_config={
            "step": st.column_config.TextColumn("step", help="Each step, with the times it runs in a request."),
            "time": st.column_config.TextColumn(
                "time in a request", help="Its tools and calls at their medians, and its share of a typical request."
            ),
            "p95": st.column_config.TextColumn("one call, p95", help="One call of the step at p95, no retry."),
            "cost": st.column_config.TextColumn(
                "tokens a month", help="Its share of the monthly token bill at the recommended mode's prices, retries "
                "included.",
            ),
        },
    )
    lat = a.latency
    st.caption(
        (":orange[Stale:] from your last complete answers. " if stale else "")
        + f"The whole answer: p50 {seconds(lat.end_to_end_p50_s)}, p95 {seconds(lat.end_to_end_p95_s)}, "
        f"p99 {seconds(lat.end_to_end_p99_s)}; tokens at {md(in_a_sentence(words.mode(a.recommendation)))} prices."
        + request_tokens(a)
    )


def request_tokens(a: Assessment) -> str:
    """The tokens of one request over its calls, where it makes more than one: a step's
    tokens are one call's, and it runs its "Runs" times (" A request: 3 calls, 27,000 input
    and 1,200 output tokens.")."""
    steps = a.pricing.steps
    calls = sum(c.calls for c in steps)
    if calls < 2:
        return ""
    tokens_in = sum(c.calls * c.input_tokens for c in steps)
    tokens_out = sum(c.calls * c.output_tokens for c in steps)
    reasoning = sum(c.calls * c.reasoning_tokens for c in steps)
    thinking = f" (+ {count(reasoning)} reasoning)" if reasoning else ""
    return (
        f" A request: {count(calls)} calls, {count(tokens_in)} input and {count(tokens_out)} output tokens{thinking} "
        "(a step's tokens are one call's, times its runs)."
    )
