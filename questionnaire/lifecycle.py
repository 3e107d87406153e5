"""The four modes' request lifecycles as sequence diagrams, drawn as SVG on this machine.

The primitive of the MicroSim "Sync, Async, and Batch API Flow": one sequence diagram per
mode, side by side, each annotated with its latency and its cost multiplier, with the gaps
its review named closed: streaming has its own diagram, latency is given as the workload's
percentiles (not one number), and each mode's engineering cost (build and infrastructure)
is written beside its token price. The chosen mode is drawn in its colour; a ruled-out mode
is hatched grey and says which rule ruled it out.

Pure functions (no Streamlit): ``panels(assessment)`` gives what each diagram says,
``svg(panel)`` draws it. Every text that reaches the SVG is XML-escaped.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from html import escape
from typing import Literal

from advisor.core.assessment import Assessment
from advisor.core.profile import MODES, Mode
from advisor.views.formatting import money, seconds, times
from questionnaire.contract import contract_latency, unmet_modes
from questionnaire.vocabulary import MODE_COLORS, RULED_OUT_COLOR, Words

LANES = ("Client", "Your service", "Queue", "Model API")
# What the third lane holds in each mode; sync and streaming have none.
THIRD_LANE = {"sync": "(no queue)", "streaming": "(no queue)", "async": "Queue + worker", "batch": "Batch file"}


@dataclass(frozen=True)
class Message:
    """One arrow: from lane ``source`` to lane ``target``; ``timing`` names a figure of the
    workload written under it; ``reply`` arrows are dashed."""

    source: int
    target: int
    text: str
    timing: str = ""
    reply: bool = False


# The request lifecycle of each mode (seed 000's diagrams, with streaming added).
LIFECYCLES: dict[str, tuple[Message, ...]] = {
    "sync": (
        Message(0, 1, "request"),
        Message(1, 3, "call, connection held", "calls"),
        Message(3, 1, "whole answer", "answer_spread", reply=True),
        Message(1, 0, "response", "answer", reply=True),
    ),
    "streaming": (
        Message(0, 1, "request"),
        Message(1, 3, "call with stream=true", "calls"),
        Message(3, 1, "first token", "first_token_spread", reply=True),
        Message(1, 0, "tokens (SSE)", "first_token", reply=True),
        Message(3, 1, "last token", "answer_spread", reply=True),
        Message(1, 0, "done", "answer", reply=True),
    ),
    "async": (
        Message(0, 1, "submit"),
        Message(1, 2, "enqueue job"),
        Message(1, 0, "job id", "at_once", reply=True),
        Message(2, 3, "worker calls", "queue"),
        Message(3, 2, "answer", "answer_spread", reply=True),
        Message(2, 1, "result stored", reply=True),
        Message(1, 0, "notify (webhook)", "result", reply=True),
    ),
    "batch": (
        Message(0, 1, "requests pile up"),
        Message(1, 2, "write JSONL"),
        Message(1, 3, "upload file, create batch"),
        Message(3, 1, "batch id", reply=True),
        Message(3, 1, "results file", "window", reply=True),
        Message(1, 0, "results stored", "window", reply=True),
    ),
}
# Where the client is blocked (sync, streaming) or busy only briefly (async): the lifeline's
# activation bar runs from the first message to this one.
CLIENT_BUSY_UNTIL = {"sync": 3, "streaming": 5, "async": 2, "batch": 0}

Status = Literal["chosen", "allowed", "ruled_out", "unmet"]


@dataclass(frozen=True)
class Panel:
    mode: Mode
    title: str
    status: Status
    status_text: str  # "recommended", "ruled out by ...", "misses its latency budget"
    timings: dict[str, str]  # figure name -> text under an arrow
    footer: tuple[str, ...]  # latency, tokens multiplier, build and run cost


def panels(a: Assessment) -> list[Panel]:
    words = Words(a.rules)
    titles = {r.id: r.title for r in a.fired_rules}
    ruled_out = {e.mode: e.rules for e in a.excluded}
    unmet = unmet_modes(a)
    sync_request = a.pricing.request_tokens_usd["sync"]
    found = []
    for mode in MODES:
        judged = contract_latency(a, mode)
        cost = a.costs[mode]
        missed = f"misses its contract: {_title(titles, unmet[mode])}" if mode in unmet else ""
        if mode == a.recommendation:
            status: Status = "chosen"
            text = "recommended" + (f", but {missed}" if missed else "")
        elif mode in ruled_out:
            status = "ruled_out"
            text = f"ruled out: {_title(titles, ruled_out[mode])}"
        elif missed:
            status, text = "unmet", missed
        else:
            status, text = "allowed", f"ranked {a.rank_of(mode).rank} of {len(MODES)}"
        ratio = a.pricing.request_tokens_usd[mode] / sync_request if sync_request else 1.0
        weeks = cost.engineering_person_weeks
        charged = cost.engineering_person_weeks_charged
        if mode == a.workload.current_mode:
            build = "built already"
        elif cost.build_reused is not None and charged is not None:  # a move: what it adds to today's build
            build = ("built already, within today's" if charged == 0
                     else f"build {charged:g} person-week{'s' if charged != 1 else ''} on today's")
        else:
            build = f"build {weeks:g} person-week{'s' if weeks != 1 else ''}"
        found.append(
            Panel(
                mode=mode,
                title=words.mode(mode),
                status=status,
                status_text=text,
                timings=_timings(a),
                footer=(
                    f"{judged.label}: {judged.value}",
                    f"Tokens: {times(ratio)} the price of sync; {money(cost.total_usd)} a month in all",
                    f"Engineering: {build}, {money(cost.infra_usd)} a month to run",
                ),
            )
        )
    return found


def _title(titles: dict[str, str], rules: list[str]) -> str:
    """The first rule's title, as the assessment's fired rules word it."""
    return titles.get(rules[0], rules[0]) if rules else ""


def _timings(a: Assessment) -> dict[str, str]:
    """The figures under the arrows: the calls a request makes (its steps), the whole answer's
    and the first token's p50 and p95 where the model answers, the p95 where the client hears,
    and the queue a peak over the limits builds."""
    lat, cap = a.latency, a.capacity
    answer = f"p95 {seconds(lat.end_to_end_p95_s)}"
    steps = len(lat.steps)
    calls = (
        f"{steps} steps, {lat.calls} calls in turn" if steps > 1
        else f"{lat.calls} calls in turn" if lat.calls > 1 else ""
    )
    queue = "after the queue wait"
    if cap.backlog_requests > 0:
        queue = (  # the peak's backlog, from the peak's end (short: the arrow spans one lane)
            f"drains in {seconds(cap.drain_time_s)}" if cap.drain_time_s is not None else "never drains"
        )
    return {
        "calls": calls,
        "answer": answer,
        "answer_spread": f"p50 {seconds(lat.end_to_end_p50_s)}, {answer}",
        "first_token": f"p95 {seconds(lat.time_to_first_token_s)}",
        "first_token_spread": f"p50 {seconds(lat.time_to_first_token_p50_s)}, p95 {seconds(lat.time_to_first_token_s)}",
        "at_once": "at once",
        "queue": queue,
        "result": f"{answer} + queue wait",
        "window": contract_latency(a, "batch").value,
    }


# -- drawing -------------------------------------------------------------------------------

WIDTH = 360
_LANE_X = (38, 138, 238, 322)
_TOP = 76  # below the title and the status pill (up to two lines)
_LANE_BOX_H = 26
_STEP = 40
_FONT = "font-family='system-ui, -apple-system, Segoe UI, Roboto, sans-serif'"


def svg(panel: Panel) -> str:
    """One diagram: lanes, arrows with the workload's timings, an annotated footer."""
    steps = LIFECYCLES[panel.mode]
    colour = RULED_OUT_COLOR if panel.status == "ruled_out" else MODE_COLORS[panel.mode]
    ink = "#6b7280" if panel.status == "ruled_out" else "#111827"
    first_y = _TOP + _LANE_BOX_H + 26
    last_y = first_y + _STEP * (len(steps) - 1)
    bottom = last_y + 22
    height = bottom + 16 + 17 * len(panel.footer) + 8
    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {WIDTH} {height}' width='{WIDTH}' height='{height}'"
        f" role='img' {_FONT}>",
        f"<title>{escape(panel.title)}: {escape(panel.status_text)}</title>",
        "<defs><pattern id='hatch' width='8' height='8' patternUnits='userSpaceOnUse' patternTransform='rotate(45)'>"
        f"<line x1='0' y1='0' x2='0' y2='8' stroke='{RULED_OUT_COLOR}' stroke-width='2' opacity='0.35'/></pattern>"
        f"<marker id='arrow-{panel.mode}' viewBox='0 0 10 10' refX='9' refY='5' markerWidth='7' markerHeight='7'"
        f" orient='auto-start-reverse'><path d='M0,0 L10,5 L0,10 z' fill='{ink}'/></marker></defs>",
        f"<rect x='1' y='1' width='{WIDTH - 2}' height='{height - 2}' rx='8' fill='#ffffff'"
        f" stroke='{colour}' stroke-width='{4 if panel.status == 'chosen' else 1.5}'/>",
    ]
    if panel.status == "ruled_out":
        out.append(f"<rect x='1' y='1' width='{WIDTH - 2}' height='{height - 2}' rx='8' fill='url(#hatch)'/>")
    out.append(
        f"<text x='14' y='26' font-size='16' font-weight='700' fill='{ink}'>{escape(panel.title)}</text>"
    )
    badge_fill = {"chosen": colour, "ruled_out": "#e5e7eb", "unmet": "#fde2e1", "allowed": "#f3f4f6"}[panel.status]
    badge_ink = {"chosen": "#ffffff", "ruled_out": "#374151", "unmet": "#991b1b", "allowed": "#374151"}[panel.status]
    # The status as a pill, on two lines when long ("ruled out: <the rule's title>").
    # Sized for a wide sans-serif (DejaVu Sans Bold is some 8 px a character at 11 px).
    lines = _wrap(panel.status_text, 38)[:2]
    pill_h = 8 + 13 * len(lines)
    pill_w = min(WIDTH - 28, 16 + 8 * max(len(line) for line in lines))
    out.append(f"<rect x='14' y='34' width='{pill_w:.0f}' height='{pill_h}' rx='9' fill='{badge_fill}'/>")
    for n, line in enumerate(lines):
        out.append(
            f"<text x='21' y='{47 + 13 * n}' font-size='11' font-weight='600' fill='{badge_ink}'>{escape(line)}</text>"
        )
    third = THIRD_LANE[panel.mode]
    unused = panel.mode in ("sync", "streaming")
    for i, x in enumerate(_LANE_X):
        name = third if i == 2 else LANES[i]
        faded = i == 2 and unused
        stroke = "#d1d5db" if faded else ink
        out.append(
            f"<line x1='{x}' y1='{_TOP + _LANE_BOX_H}' x2='{x}' y2='{bottom}' stroke='{stroke}'"
            f" stroke-dasharray='{'2 4' if faded else '4 3'}' stroke-width='1'/>"
        )
        box_w = 72
        out.append(
            f"<rect x='{x - box_w / 2}' y='{_TOP}' width='{box_w}' height='{_LANE_BOX_H}' rx='5'"
            f" fill='{'#ffffff' if faded else '#f3f4f6'}' stroke='{stroke}'/>"
            f"<text x='{x}' y='{_TOP + 17}' font-size='10.5' text-anchor='middle'"
            f" fill='{'#9ca3af' if faded else ink}'>{escape(name)}</text>"
        )
    busy_until = CLIENT_BUSY_UNTIL[panel.mode]
    if busy_until:
        y2 = first_y + _STEP * busy_until
        out.append(
            f"<rect x='{_LANE_X[0] - 4}' y='{first_y}' width='8' height='{y2 - first_y}'"
            f" fill='{colour}' opacity='0.55'><title>the client waits here</title></rect>"
        )
    for n, step in enumerate(steps):
        y = first_y + _STEP * n
        x1, x2 = _LANE_X[step.source], _LANE_X[step.target]
        direction = 1 if x2 > x1 else -1
        dashes = " stroke-dasharray='5 3'" if step.reply else ""
        out.append(
            f"<line x1='{x1 + 5 * direction}' y1='{y}' x2='{x2 - 5 * direction}' y2='{y}' stroke='{ink}'"
            f" stroke-width='1.4'{dashes} marker-end='url(#arrow-{panel.mode})'/>"
        )
        middle = (x1 + x2) / 2
        out.append(
            f"<text x='{middle}' y='{y - 5}' font-size='11' text-anchor='middle' fill='{ink}'>"
            f"{escape(step.text)}</text>"
        )
        if panel.timings.get(step.timing):
            out.append(
                f"<text x='{middle}' y='{y + 13}' font-size='10.5' font-weight='700' text-anchor='middle'"
                f" fill='{ink}'>{escape(panel.timings.get(step.timing, ''))}</text>"
            )
    y = bottom + 20
    out.append(f"<line x1='14' y1='{bottom + 4}' x2='{WIDTH - 14}' y2='{bottom + 4}' stroke='#e5e7eb'/>")
    for line in panel.footer:
        out.append(f"<text x='14' y='{y}' font-size='11' fill='{ink}'>{escape(_clip(line, 62))}</text>")
        y += 17
    out.append("</svg>")
    return "".join(out)


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width) or [""]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
