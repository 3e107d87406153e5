"""The charts of the result panel: ranking, cost, latency and the decision map.

Each takes an Assessment (or a DecisionMap) and returns a Vega-Lite specification, a plain
mapping that ``st.vega_lite_chart`` draws with the Vega-Lite Streamlit bundles; none draws
anything. The specs are written as Vega-Lite's own JSON rather than through Altair's
objects: Altair builds, deep-copies and validates a schema object for every channel on
every rerun, which cost the page a third of its rerun time for the same JSON. The tests
validate every spec against Vega-Lite's schema (the one Altair ships).

Every axis has a title with its unit, every category its label, every colour a legend; the
palettes are colour-blind-safe, and a ruled-out mode is drawn grey and says so.
"""

from __future__ import annotations

import json
import textwrap
from itertools import pairwise
from typing import Any, Literal

from advisor.core.assessment import Assessment
from advisor.core.decision_map import DecisionMap
from advisor.core.facts import FACTS
from advisor.core.profile import MODES
from advisor.views.formatting import budget_digits, budget_words, in_a_sentence, money, seconds
from questionnaire.vocabulary import AXIS_COLORS, COST_COLORS, MODE_COLORS, RULED_OUT_COLOR, Words, fact_label

Spec = dict[str, Any]

INK = "#111827"
MUTED = "#6b7280"


def layered(*layers: Spec, height: int) -> Spec:
    """Layers drawn over each other; Streamlit makes them as wide as their container."""
    return {"layer": list(layers), "height": height}


def layer(rows: list[dict[str, Any]], mark: Spec, **encoding: Any) -> Spec:
    return {"data": {"values": rows}, "mark": mark, "encoding": encoding}


def nominal(field: str, **more: Any) -> Spec:
    return {"field": field, "type": "nominal", **more}


def quantitative(field: str, **more: Any) -> Spec:
    return {"field": field, "type": "quantitative", **more}


def legend(**more: Any) -> Spec:
    """Below the plot, one entry a line: on a phone the plot (and so the legend) starts some
    170 px in, after the labels, and a row of entries would run off the screen."""
    return {
        "orient": "bottom", "direction": "vertical", "symbolType": "square", "labelLimit": 180, "title": None, **more
    }


# A legend's labels wrap at this many characters (a rule set's axis name runs to 34): below the
# plot on a phone there are some 180 px for them, and a cut name ("Latency budget vs model wo…")
# says less than two lines.
LEGEND_WRAP = 24


def wrapped_labels(labels: list[str], width: int = LEGEND_WRAP) -> Spec:
    """A legend's ``labelExpr`` that writes each label longer than ``width`` on several lines
    (the labels JSON-quoted: they are the rule set's text); {} when all are short."""
    expr = "datum.label"
    for text in labels:
        lines = textwrap.wrap(text, width)
        if len(lines) > 1:
            expr = f"datum.label == {json.dumps(text)} ? {json.dumps(lines)} : {expr}"
    return {} if expr == "datum.label" else {"labelExpr": expr}


# The ticks of a value axis: about one per 80 px of plot, so that a phone's narrow plot does
# not crowd them ("-15 -10"), and the last label flush with the axis's end, not cut at the edge.
# Flush for a tick up to FLUSH_PX short of the end too: at 390 px the cost chart's last tick
# ($1,500) sat 13 px short of it, its label centred on it and cut by the page's edge.
FLUSH_PX = 30  # about half the widest label ("$150,000"), and less than the 80 px between ticks


def value_ticks(**more: Any) -> Spec:
    return {"tickCount": {"expr": "min(8, ceil(width / 80))"}, "labelFlush": FLUSH_PX, **more}


def _is(label: str) -> str:
    """A Vega expression testing an axis label (JSON-quoted: the label is the rule set's text)."""
    return f"datum.value == {json.dumps(label)}"


# -- ranking ---------------------------------------------------------------------------------

RULED_OUT = "ruled out"


def ranking_chart(a: Assessment) -> Spec:
    """Stacked weighted axis scores per mode, best first; the tick is the mode's total.

    A ruled-out mode is drawn grey and its row says which rule ruled it out: its score may
    be high, but it cannot be recommended. The recommended mode's label is bold.
    """
    names = {x.id: x.name for x in a.axes}
    weights = {x.id: x.weight for x in a.axes}
    words = Words(a.rules)
    titles = {r.id: r.title for r in a.fired_rules}
    ruled_out = {e.mode: e.rules for e in a.excluded}
    labels = {
        r.mode: _rank_label(words, r.mode, r.rank, ruled_out.get(r.mode), titles, a.recommendation) for r in a.ranking
    }
    order = [labels[r.mode] for r in a.ranking]
    rows = [
        {
            "mode": labels[r.mode],
            "name": words.mode(r.mode),
            "axis": names.get(axis, axis),
            "part": RULED_OUT if r.mode in ruled_out else names.get(axis, axis),
            "weighted": weights.get(axis, 0) * score,
            "score": score,
            "weight": weights.get(axis, 0),
            "shown": 0.55 if r.mode in ruled_out else 1.0,
        }
        for r in a.ranking
        for axis, score in r.axis_scores.items()
        if score
    ]
    totals = [{"mode": labels[r.mode], "name": words.mode(r.mode), "total": r.total} for r in a.ranking]
    domain = [x.name for x in a.axes]
    y = nominal(
        "mode",
        sort=order,
        title=None,
        scale={"domain": order, "paddingInner": 0.35},
        axis={
            "labelLimit": 180,
            "labelFontSize": 13,
            "labelExpr": "split(datum.label, '|')",
            "labelFontWeight": {"expr": f"{_is(labels[a.recommendation])} ? 'bold' : 'normal'"},
            "labelColor": {"expr": f"indexof(datum.value, '|') >= 0 ? '{MUTED}' : '{INK}'"},
        },
    )
    bars = layer(
        rows,
        {"type": "bar", "cornerRadius": 2},
        x=quantitative(
            "weighted",
            aggregate="sum",
            title="points (axis score x priority)",
            axis=value_ticks(format="~f"),
        ),
        y=y,
        color=nominal(
            "part",
            sort=[*domain, RULED_OUT],
            scale={"domain": [*domain, RULED_OUT], "range": [*AXIS_COLORS[: len(domain)], RULED_OUT_COLOR]},
            legend=legend(**wrapped_labels([*domain, RULED_OUT])),
        ),
        opacity=quantitative("shown", scale=None, legend=None),
        tooltip=[
            nominal("name", title="mode"),
            nominal("axis"),
            quantitative("score", title="axis score"),
            quantitative("weight", title="priority"),
            quantitative("weighted", format="+.1f", title="points"),
        ],
    )
    zero = layer([{"x": 0}], {"type": "rule", "color": MUTED}, x=quantitative("x"))
    ticks = layer(
        totals,
        {"type": "tick", "color": INK, "thickness": 3},
        x=quantitative("total"),
        y=y,
        tooltip=[nominal("name", title="mode"), quantitative("total", format="+.1f", title="total points")],
    )
    lines = sum(label.count("|") + 1 for label in order)
    return layered(bars, zero, ticks, height=30 * len(order) + 16 * lines + 20 * len(domain) + 110)


def _rank_label(
    words: Words, mode: str, rank: int, rules: list[str] | None, titles: dict[str, str], chosen: str
) -> str:
    """"1. Synchronous call (recommended)"; a ruled-out mode gets more lines (split at "|")
    naming the rule that ruled it out."""
    text = f"{rank}. {words.mode(mode)}"
    if mode == chosen:
        return f"{text}|(recommended)"
    if rules:  # short lines: on a phone the labels share 360 px with the bars
        why = textwrap.wrap(f"ruled out by: {in_a_sentence(titles.get(rules[0], rules[0]))}", 24)
        return "|".join([text, *why])
    return text


# -- cost ------------------------------------------------------------------------------------


COST_PARTS = (("Tokens", "tokens_usd"), ("Infrastructure", "infra_usd"), ("Build (amortised)", "engineering_usd"))


def cost_chart(a: Assessment) -> Spec:
    """Each mode's monthly cost as its parts; the recommended mode's row is bold, a ruled-out
    mode's is faded and says so."""
    order = [_cost_row_label(a, m) for m in MODES]
    ruled_out = {e.mode for e in a.excluded}
    rows = [
        {
            "mode": _cost_row_label(a, m),
            "part": part,
            "usd": getattr(a.costs[m], attr),
            "order": i,
            "shown": 0.45 if m in ruled_out else 1.0,
            "amount": money(getattr(a.costs[m], attr)),
        }
        for m in MODES
        for i, (part, attr) in enumerate(COST_PARTS)
    ]
    totals = [
        {
            "mode": _cost_row_label(a, m),
            "total": a.costs[m].total_usd,
            "label": money(a.costs[m].total_usd),
        }
        for m in MODES
    ]
    y = nominal(
        "mode",
        sort=order,
        title=None,
        scale={"domain": order, "paddingInner": 0.3},
        axis={
            "labelLimit": 180,
            "labelFontSize": 13,
            "labelExpr": "split(datum.label, '|')",
            "labelFontWeight": {"expr": f"{_is(_cost_row_label(a, a.recommendation))} ? 'bold' : 'normal'"},
        },
    )
    top = max(max(c.total_usd for c in a.costs.values()), 0.01)
    bars = layer(
        rows,
        {"type": "bar", "cornerRadius": 2},
        x=quantitative(
            "usd", aggregate="sum", title="USD per month", axis=value_ticks(format="$,.0f"),
            scale={"domainMax": 1.35 * top},
        ),
        y=y,
        order=quantitative("order"),
        color=nominal(
            "part",
            sort=[p for p, _ in COST_PARTS],
            scale={"domain": [p for p, _ in COST_PARTS], "range": COST_COLORS},
            legend=legend(),
        ),
        opacity=quantitative("shown", scale=None, legend=None),
        tooltip=[nominal("mode"), nominal("part"), nominal("amount", title="a month")],
    )
    labels = layer(
        totals,
        {"type": "text", "align": "left", "dx": 4, "fontWeight": "bold"},
        x=quantitative("total"),
        y=y,
        text=nominal("label"),
    )
    return layered(bars, labels, height=52 * len(order) + 90)


def _cost_row_label(a: Assessment, mode: str) -> str:
    tags = []
    if mode == a.recommendation:
        tags.append("recommended")
    if mode == a.workload.current_mode:
        tags.append("today")
    if mode in {e.mode for e in a.excluded}:
        tags.append("ruled out")
    return Words(a.rules).mode(mode) + (f"|({', '.join(tags)})" if tags else "")  # "|": a second line


# -- latency ---------------------------------------------------------------------------------


# The rows of the latency chart: one typical request step by step, then the distributions.
STEPS_ROW = "Steps|(a typical request)"
ANSWER_ROW = "Whole answer"
FIRST_ROW = "First visible token"
LATENCY_ROWS = (STEPS_ROW, ANSWER_ROW, FIRST_ROW)
# Step segments: the model's share and the tools' (retrieval, APIs) before it.
SEGMENT_COLORS = {"model call": "#4477AA", "tools": "#CCBB44"}
# A budget more than this many times the slowest figure is written at the chart's edge
# rather than drawn: on its true scale the request would be a sliver.
FAR_BUDGET = 5.0


def latency_chart(a: Assessment) -> Spec:
    """The latency against the budget: one typical request as its steps (each call at its
    median, tools before it), then the whole answer's and the first visible token's p50, p95
    and p99. The row the recommended mode is judged on is drawn in its colour; the budget is
    a dashed line (red when the verdict misses its contract)."""
    lat = a.latency
    budget = lat.latency_budget_s
    segments = _step_segments(a)
    # The legend names only the parts drawn: no "tools" where no step waits on one.
    parts = [p for p in SEGMENT_COLORS if any(row["part"] == p for row in segments)] or list(SEGMENT_COLORS)
    typical = max((row["end"] for row in segments), default=0.0)
    slowest = max(lat.end_to_end_p99_s, lat.time_to_first_token_p99_s, typical, 1e-3)
    far = budget > FAR_BUDGET * slowest
    top = 1.25 * slowest if far else 1.15 * max(budget, slowest)
    scale = {"domain": [0, top], "nice": False}
    judged = {"streaming": FIRST_ROW, "batch": None}.get(a.recommendation, ANSWER_ROW)
    y = nominal(
        "row",
        title=None,
        sort=list(LATENCY_ROWS),
        scale={"domain": list(LATENCY_ROWS), "paddingInner": 0.3},
        axis={
            "labelExpr": "split(datum.label, '|')",
            "labelLimit": 160,
            "labelFontSize": 12,
            "labelFontWeight": {"expr": f"{_is(judged)} ? 'bold' : 'normal'"} if judged else "normal",
        },
    )
    x_axis = value_ticks(labelExpr=SECONDS_LABEL)
    bars = layer(
        segments,
        {"type": "bar", "stroke": "#ffffff", "strokeWidth": 1.5, "cornerRadius": 1},
        x=quantitative("start", title="seconds", scale=scale, axis=x_axis),
        x2={"field": "end"},
        y=y,
        color=nominal(
            "part",
            scale={"domain": parts, "range": [SEGMENT_COLORS[p] for p in parts]},
            legend=legend(),
        ),
        tooltip=[nominal("step"), nominal("part", title="time of"), nominal("shown", title="median")],
    )
    names = layer(
        [row for row in segments if row["label"]],
        {"type": "text", "align": "center", "baseline": "middle", "color": "#ffffff", "fontSize": 11},
        x=quantitative("middle"),
        y=y,
        text=nominal("label"),
        # A name only where it fits its segment at the width the chart is drawn (a phone's
        # segments are a quarter of a desktop's).
        opacity={
            "condition": {"test": "scale('x', datum.end) - scale('x', datum.start) > 6.5 * length(datum.label) + 8",
                          "value": 1},
            "value": 0,
        },
    )
    spreads = _spreads(a, judged)
    ranges = layer(
        [{"row": r["row"], "p50": r["s"], "p99": r["p99"], "ink": r["ink"]} for r in spreads if r["p"] == "p50"],
        {"type": "rule", "strokeWidth": 2},
        x=quantitative("p50"),
        x2={"field": "p99"},
        y=y,
        color={"field": "ink", "type": "nominal", "scale": None},
    )
    points = layer(
        spreads,
        {"type": "point", "filled": True, "opacity": 1},
        x=quantitative("s"),
        y=y,
        shape=nominal("p", scale={"domain": ["p50", "p95", "p99"], "range": ["circle", "diamond", "triangle-right"]},
                      legend=None),
        size=nominal("p", scale={"domain": ["p50", "p95", "p99"], "range": [60, 150, 70]}, legend=None),
        color={"field": "ink", "type": "nominal", "scale": None},
        tooltip=[nominal("row_name", title=""), nominal("p", title="percentile"), nominal("shown", title="time")],
    )
    above = layer(
        [r for r in spreads if r["p"] == "p95"],
        {"type": "text", "baseline": "bottom", "dy": -9, "fontSize": 11, "fontWeight": "bold"},
        x=quantitative("s"),
        y=y,
        text=nominal("text"),
        color={"field": "ink", "type": "nominal", "scale": None},
    )
    below = layer(
        [r for r in spreads if r["p"] != "p95"],
        {"type": "text", "baseline": "top", "dy": 8, "fontSize": 10, "color": MUTED},
        x=quantitative("s"),
        y=y,
        text=nominal("p"),
    )
    colour = INK if a.feasible else "#dc2626"
    label = f"budget {budget_words(a)}"
    if far:
        edge = [{"s": top, "label": f"{label} \u2192"}]  # off the chart, to the right
        budget_layers = [
            layer(edge, {"type": "text", "align": "right", "baseline": "bottom", "y": -5, "color": colour,
                         "fontWeight": "bold"}, x=quantitative("s"), text=nominal("label")),
        ]
    else:
        line = [{"s": budget, "label": label}]
        budget_layers = [
            layer(line, {"type": "rule", "color": colour, "strokeWidth": 2, "strokeDash": [5, 3]}, x=quantitative("s")),
            layer(line, {"type": "text", "align": "right", "dx": -3, "baseline": "bottom", "y": -5, "color": colour,
                         "fontWeight": "bold"}, x=quantitative("s"), text=nominal("label")),
        ]
    # Streamlit fits the whole chart, axis and legend included (~130 px), into the height.
    return layered(bars, names, ranges, points, above, below, *budget_layers, height=320)


def _step_segments(a: Assessment) -> list[dict[str, Any]]:
    """One typical request's segments: each step's tools, then its calls, at their medians.
    A step's name is written inside its model segment when the segment is wide enough."""
    rows = []
    for s in a.latency.steps:
        runs = f" \u00d7{s.calls}" if s.calls > 1 else ""
        tools = s.calls * s.tool_latency_s
        start = s.start_s
        for part, length in (("tools", tools), ("model call", s.duration_s - tools)):
            if length <= 0:
                continue
            name = f"{s.name}{runs}"
            rows.append({
                "row": STEPS_ROW, "step": name, "part": part, "start": start, "end": start + length,
                "middle": start + length / 2, "shown": seconds(length),
                "label": _clip(name, 18) if part == "model call" else "",
            })
            start += length
    return rows


def _spreads(a: Assessment, judged: str | None) -> list[dict[str, Any]]:
    """The p50, p95 and p99 of the whole answer and of the first visible token; the row the
    recommended mode is judged on in its colour, the other in grey."""
    lat = a.latency
    extra = budget_digits(a.facts)  # as the card and the summary say them beside the budget
    found = []
    for row, figures in (
        (ANSWER_ROW, (lat.end_to_end_p50_s, lat.end_to_end_p95_s, lat.end_to_end_p99_s)),
        (FIRST_ROW, (lat.time_to_first_token_p50_s, lat.time_to_first_token_s, lat.time_to_first_token_p99_s)),
    ):
        ink = MODE_COLORS[a.recommendation] if row == judged else (INK if judged is None else MUTED)
        for p, value in zip(("p50", "p95", "p99"), figures, strict=True):
            found.append({
                "row": row, "row_name": row, "p": p, "s": value, "p99": figures[2], "ink": ink,
                "shown": seconds(value, extra), "text": f"p95 {seconds(value, extra)}",
            })
    return found


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


# -- the decision map -----------------------------------------------------------------------


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


def map_chart(result: DecisionMap, words: Words) -> Spec:
    """Heatmap of the recommended mode; numeric answers on continuous (often log) axes,
    choices with every label shown."""
    channels: dict[str, Spec] = {}
    ends: dict[str, Spec] = {}
    edges: dict[str, list[float]] = {}
    for axis, fact, values in (("x", result.x_fact, result.x_values), ("y", result.y_fact, result.y_values)):
        if words.choices(fact) is not None:
            labels = [_choice_label(words, fact, v) for v in values]
            channels[axis] = nominal(
                f"{axis}_label",
                sort=labels,
                title=fact_label(fact),
                axis={
                    # Every category labelled, whole: slanted across when many, on two
                    # lines up the side, never dropped for overlapping.
                    "labelAngle": -30 if axis == "x" and len(labels) > 3 else 0,
                    "labelExpr": "split(datum.label, '|')",
                    "labelLimit": 200,
                    "labelOverlap": False,
                    "labelFontSize": 12,
                },
            )
        else:
            scale_type, edges[axis] = _map_scale(fact, values)
            unit = FACTS[fact].unit
            label = SECONDS_LABEL if unit == "s" else PERCENT_LABEL if unit == "fraction" else COUNT_LABEL
            ticks: Spec = {"labelExpr": label, "grid": False, "labelFontSize": 12, "labelFlush": True}
            if scale_type == "log":  # ticks at values a person would say: 1 s, 5 min, 8 h; 10k, 1M
                ticks["values"] = _round_ticks(unit, edges[axis][0], edges[axis][-1])
            channels[axis] = quantitative(
                f"{axis}0",
                title=fact_label(fact),
                scale={"type": scale_type, "nice": False, "zero": False},
                axis=ticks,
            )
            ends[f"{axis}2"] = {"field": f"{axis}1"}
    rows = []
    for j, yv in enumerate(result.y_values):
        for i, xv in enumerate(result.x_values):
            row: dict[str, Any] = {
                "mode": words.mode(result.cells[j][i]),
                "x": words.format_fact(result.x_fact, xv),
                "y": words.format_fact(result.y_fact, yv),
                "contract": "met" if result.feasible[j][i] else "not met: not feasible",
            }
            for axis, index, value, fact in (("x", i, xv, result.x_fact), ("y", j, yv, result.y_fact)):
                if axis in edges:
                    row[f"{axis}0"], row[f"{axis}1"] = edges[axis][index], edges[axis][index + 1]
                else:
                    row[f"{axis}_label"] = _choice_label(words, fact, value)
            rows.append(row)
    here: dict[str, Any] = {
        "what": "your workload",
        "x": words.format_fact(result.x_fact, result.current.x),
        "y": words.format_fact(result.y_fact, result.current.y),
    }
    for axis, fact, value in (("x", result.x_fact, result.current.x), ("y", result.y_fact, result.current.y)):
        if axis in edges:
            here[f"{axis}0"] = float(value)
        else:
            here[f"{axis}_label"] = _choice_label(words, fact, value)
    modes = [words.mode(m) for m in MODES]
    cells = layer(
        rows,
        {"type": "rect", "stroke": "#ffffff", "strokeWidth": 0.5},
        color=nominal(
            "mode",
            title="recommended",
            scale={"domain": modes, "range": [MODE_COLORS[m] for m in MODES]},
            legend=legend(title="recommended"),
        ),
        # A cell whose mode misses its contract there is pale: the best of what is allowed, not
        # an answer that works.
        opacity={"condition": {"test": "datum.contract == 'met'", "value": 1}, "value": 0.35},
        tooltip=[
            nominal("x", title=fact_label(result.x_fact)),
            nominal("y", title=fact_label(result.y_fact)),
            nominal("mode", title="recommended"),
            nominal("contract", title="its contract"),
        ],
        **channels,
        **ends,
    )
    marker = layer(
        [here],
        {"type": "point", "shape": "circle", "size": 260, "filled": False, "color": INK, "strokeWidth": 3},
        tooltip=[
            nominal("what", title=""),
            nominal("x", title=fact_label(result.x_fact)),
            nominal("y", title=fact_label(result.y_fact)),
        ],
        **channels,
    )
    return layered(cells, marker, height=420)


def _choice_label(words: Words, fact: str, value: Any) -> str:
    """A choice's short label, on lines of at most 24 characters ("|" splits them)."""
    return "|".join(textwrap.wrap(words.short_choice(fact, value), 24)) or str(value)


# Durations a person would name, for the ticks of a log axis in seconds.
_SECOND_TICKS = (
    0.01, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 1800, 3600, 4 * 3600, 8 * 3600, 86_400, 7 * 86_400, 30 * 86_400,
)


def _round_ticks(unit: str, low: float, high: float) -> list[float]:
    """Tick values inside [low, high]: round durations, or 1, 3, 10, 30... for counts."""
    if unit == "s":
        found = [t for t in _SECOND_TICKS if low <= t <= high]
    else:
        found, step = [], 1.0
        while step <= high:
            found += [v for v in (step, 3 * step) if low <= v <= high]
            step *= 10
    return [float(t) for t in found]


# Axis labels in the unit a person would say, to three significant digits: 30 s, 5 min,
# 8 h, 2 d; 20k, 5M, 1B; 25%.
SECONDS_LABEL = (
    "datum.value >= 86400 ? format(datum.value / 86400, '.3~g') + ' d'"
    " : datum.value >= 3600 ? format(datum.value / 3600, '.3~g') + ' h'"
    " : datum.value >= 60 ? format(datum.value / 60, '.3~g') + ' min'"
    " : format(datum.value, '.3~g') + ' s'"
)
COUNT_LABEL = (
    "datum.value >= 1e9 ? format(datum.value / 1e9, '.3~g') + 'B'"
    " : datum.value >= 1e6 ? format(datum.value / 1e6, '.3~g') + 'M'"
    " : datum.value >= 1e3 ? format(datum.value / 1e3, '.3~g') + 'k'"
    " : format(datum.value, '.3~g')"
)
PERCENT_LABEL = "format(datum.value, '.0%')"
