"""The Altair charts of the result panel: ranking, cost, latency and the decision map.

Each takes an Assessment (or a DecisionMap) and returns a chart; none draws anything.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any, Literal

import altair as alt

from advisor.core.assessment import Assessment
from advisor.core.decision_map import DecisionMap
from advisor.core.facts import FACTS
from advisor.core.profile import MODES
from advisor.views.formatting import money, seconds
from questionnaire.vocabulary import AXIS_COLORS, MODE_COLORS, Words, fact_label


class Layered(alt.LayerChart):
    """A layered Altair chart that skips JSON-schema validation when Streamlit serialises it.

    The specs are fixed by this file (only the data changes), the tests validate every one of
    them, and validating on each rerun would cost a tenth of a second per chart.
    """

    def to_dict(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("validate", False)
        return super().to_dict(*args, **kwargs)


def frame(rows: list[dict[str, Any]]) -> Any:
    """Chart data as a DataFrame: Streamlit ships it as Arrow, and Altair never deep-copies it."""
    import pandas as pd

    return pd.DataFrame(rows)


def layered(*charts: alt.Chart, height: int) -> Layered:
    return Layered(layer=list(charts)).properties(height=height)


def ranking_chart(a: Assessment) -> Layered:
    """Stacked weighted axis scores per mode, best first; the tick is the mode's total."""
    names = {x.id: x.name for x in a.axes}
    weights = {x.id: x.weight for x in a.axes}
    words = Words(a.rules)
    order = [_mode_row_label(words, r.mode, r.rank, r.excluded) for r in a.ranking]
    rows = [
        {
            "mode": _mode_row_label(words, r.mode, r.rank, r.excluded),
            "axis": names.get(axis, axis),
            "weighted": weights.get(axis, 0) * score,
            "score": score,
            "weight": weights.get(axis, 0),
        }
        for r in a.ranking
        for axis, score in r.axis_scores.items()
        if score
    ]
    totals = [{"mode": _mode_row_label(words, r.mode, r.rank, r.excluded), "total": r.total} for r in a.ranking]
    y = alt.Y(
        "mode:N",
        sort=order,
        title=None,
        scale=alt.Scale(domain=order, paddingInner=0.3),
        axis=alt.Axis(labelLimit=220, labelFontSize=13),
    )
    bars = (
        alt.Chart(frame(rows))
        .mark_bar(cornerRadius=2)
        .encode(
            x=alt.X("sum(weighted):Q", title="weighted score (axis score x priority)"),
            y=y,
            color=alt.Color(
                "axis:N",
                title=None,
                sort=[x.name for x in a.axes],
                scale=alt.Scale(domain=[x.name for x in a.axes], range=AXIS_COLORS),
                legend=alt.Legend(orient="bottom", columns=2, labelLimit=260),
            ),
            tooltip=[
                alt.Tooltip("mode:N"),
                alt.Tooltip("axis:N"),
                alt.Tooltip("score:Q", title="axis score"),
                alt.Tooltip("weight:Q", title="priority"),
                alt.Tooltip("weighted:Q", format="+.1f"),
            ],
        )
    )
    marks = (
        alt.Chart(frame(totals))
        .mark_tick(color="#111827", thickness=3)
        .encode(x=alt.X("total:Q"), y=y, tooltip=[alt.Tooltip("mode:N"), alt.Tooltip("total:Q", format="+.1f")])
    )
    return layered(bars, marks, height=44 * len(order) + 110)


def _mode_row_label(words: Words, mode: str, rank: int, excluded: bool) -> str:
    return f"{rank}. {words.mode(mode)}" + (" (excluded)" if excluded else "")


def cost_chart(a: Assessment) -> Layered:
    parts = (("Tokens", "tokens_usd"), ("Infrastructure", "infra_usd"), ("Build (amortised)", "engineering_usd"))
    order = [_cost_row_label(a, m) for m in MODES]
    rows = [
        {"mode": _cost_row_label(a, m), "part": part, "usd": getattr(a.costs[m], attr), "order": i}
        for m in MODES
        for i, (part, attr) in enumerate(parts)
    ]
    totals = [
        {"mode": _cost_row_label(a, m), "total": a.costs[m].total_usd, "label": money(a.costs[m].total_usd)}
        for m in MODES
    ]
    y = alt.Y(
        "mode:N",
        sort=order,
        title=None,
        scale=alt.Scale(domain=order, paddingInner=0.3),
        axis=alt.Axis(labelLimit=240, labelFontSize=13),
    )
    bars = (
        alt.Chart(frame(rows))
        .mark_bar(cornerRadius=2)
        .encode(
            x=alt.X(
                "sum(usd):Q",
                title="USD per month",
                axis=alt.Axis(format="$,.0f"),
                scale=alt.Scale(domainMax=1.18 * max(c.total_usd for c in a.costs.values())),
            ),
            order=alt.Order("order:Q"),
            y=y,
            color=alt.Color(
                "part:N",
                title=None,
                sort=[p for p, _ in parts],
                scale=alt.Scale(range=["#2563eb", "#94a3b8", "#f59e0b"]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[alt.Tooltip("mode:N"), alt.Tooltip("part:N"), alt.Tooltip("usd:Q", format="$,.2f")],
        )
    )
    labels = (
        alt.Chart(frame(totals))
        .mark_text(align="left", dx=4, fontWeight="bold")
        .encode(x=alt.X("total:Q"), y=y, text=alt.Text("label:N"))
    )
    return layered(bars, labels, height=44 * len(order) + 90)


def _cost_row_label(a: Assessment, mode: str) -> str:
    tags = []
    if mode == a.recommendation:
        tags.append("recommended")
    if mode == a.workload.current_mode:
        tags.append("today")
    return Words(a.rules).mode(mode) + (f" ({', '.join(tags)})" if tags else "")


def latency_chart(a: Assessment) -> Layered:
    """The end-to-end p95 as its parts, against the budget (dashed, red when missed)."""
    lat, w = a.latency, a.workload
    rows = [{"what": f"{w.chained_calls} x model call p95", "s": w.chained_calls * lat.per_call_p95_s, "order": 0}]
    if w.tool_latency_s:
        rows.append({"what": "tools", "s": w.tool_latency_s, "order": 1})
    top = 1.12 * max(lat.latency_budget_s, lat.end_to_end_p95_s)
    x = alt.X("sum(s):Q", title="seconds at p95", scale=alt.Scale(domain=[0, top], nice=False))
    bar = (
        alt.Chart(frame(rows))
        .mark_bar(cornerRadius=2)
        .encode(
            x=x,
            color=alt.Color("what:N", scale=alt.Scale(range=["#2563eb", "#93c5fd"]), legend=None),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("what:N"), alt.Tooltip("s:Q", format=".2f")],
        )
    )
    budget = alt.Chart(frame([{"s": lat.latency_budget_s, "label": f"budget {seconds(lat.latency_budget_s)}"}]))
    color = "#111827" if lat.within_budget else "#dc2626"
    rule = budget.mark_rule(color=color, strokeWidth=2, strokeDash=[5, 3]).encode(
        x=alt.X("s:Q", scale=alt.Scale(domain=[0, top], nice=False))
    )
    text = budget.mark_text(align="right", dx=-5, baseline="top", y=2, color=color, fontWeight="bold").encode(
        x=alt.X("s:Q"), text=alt.Text("label:N")
    )
    return layered(bar, rule, text, height=115)  # the x axis alone takes ~80 px


def _map_scale(fact: str, values: list[Any]) -> tuple[Literal["linear", "log"], list[float]]:
    """Scale type and cell edges of a numeric axis: cells meet halfway between grid values
    (geometrically on a log scale), so the workload's own value lands in the cell that holds it."""
    nums = [float(v) for v in values]
    log = nums[0] > 0 and len(nums) > 1 and nums[-1] / nums[0] >= 20
    if len(nums) == 1:
        v = nums[0]
        return ("log", [v / 1.5, v * 1.5]) if v > 0 else ("linear", [v - 0.5, v + 0.5])
    if log:
        mids = [(a * b) ** 0.5 for a, b in pairwise(nums)]
        return "log", [nums[0] ** 2 / mids[0], *mids, nums[-1] ** 2 / mids[-1]]
    mids = [(a + b) / 2 for a, b in pairwise(nums)]
    return "linear", [2 * nums[0] - mids[0], *mids, 2 * nums[-1] - mids[-1]]


def map_chart(result: DecisionMap, words: Words) -> Layered:
    """Heatmap of the recommended mode; numeric answers on continuous (often log) axes."""
    encodings: dict[str, dict[str, Any]] = {}
    for axis, fact, values in (("x", result.x_fact, result.x_values), ("y", result.y_fact, result.y_values)):
        title = fact_label(fact)
        if words.choices(fact) is not None:
            labels = [words.short_choice(fact, v) for v in values]
            enc = alt.X if axis == "x" else alt.Y
            encodings[axis] = {
                "kind": "choice",
                "labels": labels,
                "channel": enc(
                    f"{axis}_label:N", sort=labels, title=title, axis=alt.Axis(labelAngle=0, labelLimit=140)
                ),
            }
        else:
            scale_type, edges = _map_scale(fact, values)
            unit = FACTS[fact].unit
            ticks = alt.Axis(labelExpr=SECONDS_LABEL, grid=False) if unit == "s" else alt.Axis(format="~s", grid=False)
            enc = alt.X if axis == "x" else alt.Y
            encodings[axis] = {
                "kind": "number",
                "edges": edges,
                "channel": enc(
                    f"{axis}0:Q", title=title, scale=alt.Scale(type=scale_type, nice=False, zero=False), axis=ticks
                ),
                "end": (alt.X2 if axis == "x" else alt.Y2)(f"{axis}1:Q"),
            }
    rows = []
    for j, yv in enumerate(result.y_values):
        for i, xv in enumerate(result.x_values):
            row = {
                "mode": words.mode(result.cells[j][i]),
                "x": words.format_fact(result.x_fact, xv),
                "y": words.format_fact(result.y_fact, yv),
            }
            for axis, index, value, fact in (("x", i, xv, result.x_fact), ("y", j, yv, result.y_fact)):
                info = encodings[axis]
                if info["kind"] == "choice":
                    row[f"{axis}_label"] = words.short_choice(fact, value)
                else:
                    row[f"{axis}0"], row[f"{axis}1"] = info["edges"][index], info["edges"][index + 1]
            rows.append(row)
    here: dict[str, Any] = {
        "what": "your workload",
        "x": words.format_fact(result.x_fact, result.current.x),
        "y": words.format_fact(result.y_fact, result.current.y),
    }
    point_enc: dict[str, Any] = {}
    for axis, fact, value in (("x", result.x_fact, result.current.x), ("y", result.y_fact, result.current.y)):
        info = encodings[axis]
        if info["kind"] == "choice":
            here[f"{axis}_label"] = words.short_choice(fact, value)
            point_enc[axis] = info["channel"]
        else:
            here[f"{axis}0"] = float(value)
            point_enc[axis] = info["channel"]
    encode: dict[str, Any] = {"x": encodings["x"]["channel"], "y": encodings["y"]["channel"]}
    for axis in ("x", "y"):
        if encodings[axis]["kind"] == "number":
            encode[f"{axis}2"] = encodings[axis]["end"]
    labels = [words.mode(m) for m in MODES]
    cells = (
        alt.Chart(frame(rows))
        .mark_rect(stroke="#ffffff", strokeWidth=0.5)
        .encode(
            color=alt.Color(
                "mode:N",
                title="recommended",
                scale=alt.Scale(domain=labels, range=[MODE_COLORS[m] for m in MODES]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("x:N", title=fact_label(result.x_fact)),
                alt.Tooltip("y:N", title=fact_label(result.y_fact)),
                alt.Tooltip("mode:N", title="recommended"),
            ],
            **encode,
        )
    )
    marker = (
        alt.Chart(frame([here]))
        .mark_point(shape="circle", size=260, filled=False, color="#111827", strokeWidth=3)
        .encode(
            tooltip=[
                alt.Tooltip("what:N", title=""),
                alt.Tooltip("x:N", title=fact_label(result.x_fact)),
                alt.Tooltip("y:N", title=fact_label(result.y_fact)),
            ],
            **point_enc,
        )
    )
    return layered(cells, marker, height=420)


# Axis labels in the unit a person would say: 30 s, 5 min, 8 h, 2 d.
SECONDS_LABEL = (
    "datum.value >= 86400 ? format(datum.value / 86400, '~g') + ' d'"
    " : datum.value >= 3600 ? format(datum.value / 3600, '~g') + ' h'"
    " : datum.value >= 60 ? format(datum.value / 60, '~g') + ' min'"
    " : format(datum.value, '~g') + ' s'"
)
