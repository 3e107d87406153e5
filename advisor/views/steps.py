"""A request's steps as the views show them: one row per step (its model, calls, time and
cost), the latency distribution in one line, and a Mermaid Gantt of one typical request.

The text summary and the decision record read these; the app reads the same figures from
the Assessment (``latency.steps``, ``pricing.steps``).
"""

from __future__ import annotations

import re

from advisor.core.assessment import Assessment
from advisor.core.cost import StepCost
from advisor.core.figures import money_shown, money_step, round_half_up
from advisor.core.value_class import value_class

from .formatting import budget_digits, count, money, seconds


@value_class
class StepRow:
    name: str
    model: str
    calls: int
    shown: bool
    tools: str  # each run's tool time
    call_p50: str  # one call
    call_p95: str
    call_p99: str
    tokens: str  # per call: "1,200 in, 300 out (+ 2,000 reasoning)"
    monthly: str  # its tokens a month at standard prices, retries included
    # The day its provider shuts the step's model down ("" for none announced): the record's
    # decision says it of the model; the table says which step it stops.
    shuts_down: str = ""


def _shuts_down(a: Assessment, provider: str, model: str) -> str:
    entry = a.rules.catalogue.resolve(provider, model).model
    if entry is None or entry.shutdown is None or entry.shutdown.date <= a.price_date:
        return ""
    return entry.shutdown.date.isoformat()


def tokens_per_call(cost: StepCost | None) -> str:
    """One call's tokens: "1,200 in, 300 out (+ 2,000 reasoning)" ("" when not priced)."""
    if cost is None:
        return ""
    tokens = f"{count(cost.input_tokens)} in, {count(cost.output_tokens)} out"
    return tokens + (f" (+ {count(cost.reasoning_tokens)} reasoning)" if cost.reasoning_tokens else "")


def step_rows(a: Assessment) -> list[StepRow]:
    costs = {c.name: c for c in a.pricing.steps}
    rows = []
    for s in a.latency.steps:
        c = costs.get(s.name)
        tokens = tokens_per_call(c)
        rows.append(
            StepRow(
                name=s.name, model=s.model, calls=s.calls, shown=s.shown, tools=seconds(s.tool_latency_s),
                call_p50=seconds(s.call_p50_s), call_p95=seconds(s.call_p95_s), call_p99=seconds(s.call_p99_s),
                tokens=tokens,
                monthly=money(c.tokens_usd_per_month["sync"]) if c is not None else "n/a",
                shuts_down=_shuts_down(a, s.provider, s.model),
            )
        )
    return rows


@value_class
class DistributionRow:
    what: str  # "Whole request", "First visible token (answer)"
    p50: str
    p95: str
    p99: str
    # The whole request's token bill a month, the steps' added up, so that the column's sum is
    # on the page (the cost table's sync, streaming and async bill); "" on the first-token row.
    monthly: str = ""


def first_token_read(a: Assessment) -> bool:
    """Does the first visible token mean something to a reader? Only where someone waits for
    the answer (a person, or a service in its request path: the fact ``someone_waiting``) and
    it has tokens to show: a pipeline or a job told later shows nothing as it is written, and
    a vector has no token."""
    return bool(a.facts.get("someone_waiting")) and a.workload.output_format != "embedding"


def distribution_rows(a: Assessment) -> list[DistributionRow]:
    """The latency distribution of one request: the whole of it, and until the first token a
    person reads (where someone waits to read it)."""
    lat = a.latency
    shown = next((s.name for s in lat.steps if s.shown), "")
    # A step's row is one attempt of its call, without its tools; the whole request adds both
    # (its tools, and its retries: a retried call is a whole attempt more), which is why its
    # p99 can stand well above the steps' added up. Said, so that no reader takes it for a slip.
    added = [part for part, there in (("tools", any(s.tool_latency_s for s in lat.steps)),
                                      ("retries", a.workload.retry_rate > 0)) if there]
    whole = "Whole request" + (f" ({' and '.join(added)} included)" if added else "")
    rows = [
        DistributionRow(whole, seconds(lat.end_to_end_p50_s), seconds(lat.end_to_end_p95_s),
                        seconds(lat.end_to_end_p99_s), monthly=money(_steps_monthly(a))),
    ]
    if first_token_read(a):
        rows.append(DistributionRow(f"First visible token ({shown})", seconds(lat.time_to_first_token_p50_s),
                                    seconds(lat.time_to_first_token_s), seconds(lat.time_to_first_token_p99_s)))
        if a.facts.get("steps_after_shown"):  # the person has read it all before the steps after it end
            rows.append(DistributionRow(f"Shown step done ({shown})", seconds(lat.shown_step_p50_s),
                                        seconds(lat.shown_step_p95_s), seconds(lat.shown_step_p99_s)))
    return rows


def _steps_monthly(a: Assessment) -> float:
    return sum(c.tokens_usd_per_month["sync"] for c in a.pricing.steps)


def steps_rounding_note(a: Assessment) -> str | None:
    """Where the steps' token bills as shown do not add up to the whole request's as shown
    (each rounded on its own), the line that says so, lest a reader take it for a slip."""
    shown = [money_shown(c.tokens_usd_per_month["sync"]) for c in a.pricing.steps]
    whole = money_shown(_steps_monthly(a))
    if whole is None or None in shown:
        return None
    # Added up and shown as the whole is ($0.0480 + $194 + $592 is $786, as the whole says).
    if round_half_up(sum(x for x in shown if x is not None), money_step(float(whole))) == whole:
        return None
    return ("Each step's token bill is rounded on its own, so the steps can add up to a dollar more or"
            " less than the whole request's.")


def distribution_line(a: Assessment) -> str:
    """"p50 3.29 s, p95 3.47 s, p99 3.54 s end to end; first visible token 0.42 s (p95)", in the
    digits the times need where one would otherwise read as the budget, as everywhere else."""
    lat = a.latency
    extra = budget_digits(a.facts)
    whole = (
        f"p50 {seconds(lat.end_to_end_p50_s, extra)}, p95 {seconds(lat.end_to_end_p95_s, extra)},"
        f" p99 {seconds(lat.end_to_end_p99_s, extra)} end to end"
    )
    if not first_token_read(a):  # no one waits to see it, or a vector: no token a person sees
        return whole
    first = f"{whole}; first visible token {seconds(lat.time_to_first_token_s, extra)} (p95)"
    if not a.facts.get("steps_after_shown"):
        return first
    # Steps follow the one the person reads: when they have read it all, which a split answers at.
    shown = next(s.name for s in lat.steps if s.shown)
    return f"{first}; step '{shown}' done at {seconds(lat.shown_step_p95_s, extra)} (p95)"


# Characters that end or break a Mermaid task title: its separators, a comment, a fence.
_MERMAID_UNSAFE = re.compile(r"[:;#%`\\\[\]{}<>\"]")
# A line of a Gantt that starts with one of its statements' keywords (in any case) or a date is
# read as that statement, not as a task: a step named "title Q3 plan" became the chart's title
# and lost its bar, "dateFormat YYYY" broke every bar after it (Mermaid's gantt.jison lexer).
_MERMAID_KEYWORD = re.compile(
    r"(?:gantt|dateformat|axisformat|tickinterval|inclusiveenddates|topaxis|includes|excludes|todaymarker"
    r"|weekday|weekend|title|acctitle|accdescr|accdescription|section|click|call|href)(?![a-z0-9_])"
    r"|\d{4}-\d\d-\d\d",
    re.IGNORECASE,
)


def _task_title(text: str) -> str:
    title = " ".join(_MERMAID_UNSAFE.sub(" ", text).split())[:60] or "step"
    # A task title that would read as a statement is said as a step's ("step title Q3 plan").
    return f"step {title}" if _MERMAID_KEYWORD.match(title) else title


def gantt(a: Assessment) -> str | None:
    """A Mermaid Gantt of one typical request (every call at its median), in milliseconds:
    one bar per step, from its start to its end; None for a request of one call."""
    steps = a.latency.steps
    if a.latency.calls < 2:
        return None
    total = sum(s.duration_s for s in steps)
    axis = "%S.%L" if total < 60 else "%M:%S" if total < 3600 else "%H:%M"
    lines = ["gantt", "    dateFormat x", f"    axisFormat {axis}"]
    for s in steps:
        start = round(s.start_s * 1000)
        end = max(start + 1, round((s.start_s + s.duration_s) * 1000))
        label = f"{s.name} ({s.model}{' x' + str(s.calls) if s.calls > 1 else ''})"
        lines.append(f"    {_task_title(label)} : {start}, {end}")
    return "\n".join(lines)
