"""The decision record of an assessment: MADR 4 or Nygard (as adr-tools writes it), or a
user's own template, rendered from ``reports/``; and ``write_adr``, which puts it in the
decisions folder with the next free number.

Every record embeds its exact inputs (advisor.records.inputs), so ``advisor verify`` can
re-evaluate it later under the rules and prices of the day.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from markupsafe import Markup
from pydantic_core import to_jsonable_python

from advisor.core.assessment import (
    FEASIBLE_ON_STAND_IN,
    Assessment,
    FiredRule,
    assess,
    feasible_on_stand_in,
    misses_on_stand_in,
    not_feasible_label,
)
from advisor.core.capacity import BYTES_PER_TOKEN, ENVELOPE_BYTES, Capacity
from advisor.core.clock import as_date, today
from advisor.core.conditions import condition_facts
from advisor.core.cost import ModeCost
from advisor.core.engine import first_sentence
from advisor.core.errors import AdvisorError, InputError, check_type
from advisor.core.figures import money_shown
from advisor.core.levers import Lever
from advisor.core.policy import answers_of, fill
from advisor.core.profile import MODES, WATCHED, Mode, check_name, load_profile
from advisor.core.provider import SHUTDOWN, batch_usually_in_time, batch_window_words
from advisor.core.steps import work_steps
from advisor.core.validation import given, plain
from advisor.core.whatif import Change
from advisor.records.folder import DEFAULT_DIR as DEFAULT_DIR  # the app says where records go
from advisor.records.folder import MAX_RECORD_NUMBER, RecordLink, write_record
from advisor.records.inputs import Statement, find_inputs, input_blocks, inputs_yaml
from advisor.records.reading import reads_as_the_records_own
from advisor.records.workload import change_lines, changed_fields, compared_data, recorded_path, workload_data

from . import markdown
from .formatting import (
    as_said,
    as_specified,
    batch_prices,
    bill_change,
    budget_digits,
    budget_lines,
    budget_words,
    caller_timeout,
    caller_timeout_line,
    caller_timeout_seconds,
    calls_p95,
    cost_column_likes,
    count,
    cut_off_share,
    decisive_first,
    headroom_words,
    larger,
    levers_note,
    measured_sentence,
    money,
    money_or_none,
    move_in_words,
    off_peak_note,
    peak_rate,
    percent,
    prices_of,
    reasoning_unpriced,
    retiring,
    retries_in_words,
    rounding_note,
    rule_role,
    seconds,
    times,
    token_prices,
    tradeoff_in_words,
    usual_batch,
)
from .limits import (
    NEVER_DRAINS,
    batch_files,
    drained,
    headroom,
    limit_fields,
    limits_page,
    limits_use,
    never_drains_why,
    over_limits_named,
    over_their_limits,
)
from .sources import cite, cited_titles
from .steps import distribution_line, distribution_rows, gantt, step_rows, steps_rounding_note
from .templates import render_shipped, render_user_template

TEMPLATES = {"madr": "madr.md.j2", "nygard": "nygard.md.j2"}
RETIRED_MODEL_MITIGATION = (
    "Choose its successor and assess the workload on it before that day; from then advisor verify reports"
    " this record as unverifiable."
)
# MADR 4's statuses ("superseded by ADR-NNNN" is what --supersedes writes into the old record).
STATUSES = ("proposed", "accepted", "rejected", "deprecated", "superseded")
PEOPLE = ("decision_makers", "consulted", "informed")  # MADR's front matter: decision-makers, ...
_NAME_MAX = 200


def record_title(assessment: Assessment) -> str:
    """The record's title, plain text: "<workload name>: <what we decided>"."""
    return f"{assessment.workload.name}: {assessment.rules.header.modes[assessment.recommendation].verb}"


_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def axes_in_words(n: int) -> str:
    """"five axes", "one axis": a rule set has as many axes as its header lists."""
    amount = _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else str(n)
    return f"{amount} {'axis' if n == 1 else 'axes'}"


def _lower_first(text: str) -> str:
    """"The user..." -> "the user..." and "User-facing..." -> "user-facing..." after "because";
    "UX ...", "OpenAI ..." and "GPT-5 ..." stay as they are."""
    if re.match(r"[A-Z][a-z]*\b(?!['/.]|-[^a-z])", text) and not re.match(r"[A-Z][a-z]*[A-Z]", text):
        return text[0].lower() + text[1:]
    return text


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _workload_words(a: Assessment) -> list[str]:
    w, words = a.workload, a.rules.header.answers
    sentences = [words.interaction[w.interaction].sentence]
    peak = (
        " (no peak rate given: the monthly average is used)" if w.peak_requests_per_minute is None
        # A peak given below the month's average is raised to it (docs/cost-model.md): the peak used is said.
        else f", peaking at {count(w.average_requests_per_minute)} a minute, the month's average (the peak given,"
        f" {count(w.peak_requests_per_minute)} a minute, is below it)"
        if w.peak_requests_per_minute < w.average_requests_per_minute
        else f", peaking at {count(w.peak_requests_per_minute)} a minute"
    )
    chain = ""
    if w.steps is None:
        # The tokens are a call's: a request of several calls says so before it counts them.
        who = (f"each makes {w.chained_calls} model calls in sequence, and each call" if w.chained_calls > 1
               else "each")
        # An embedding writes no tokens: it returns a vector, not "about 0 output tokens" of one.
        receives = (
            "returns one embedding vector" if w.output_format == "embedding" and not w.output_tokens
            else f"receives about {w.output_tokens or 0:,} output tokens of"
            f" {words.output_format[w.output_format].phrase}"
        )
        sentences.append(
            f"It makes {_plural(w.requests_per_month, 'request')} a month{peak}; {who} sends about"
            f" {w.input_tokens or 0:,} input"
            f" tokens and {receives} from {w.provider}/{w.model}."
        )
        if w.tool_latency_s:
            chain = f" Its tools add {seconds(w.tool_latency_s)} to each request."
    else:
        steps = a.latency.steps
        # Plain text, as every sentence here: the template escapes the sentences once.
        named = ", ".join(f"{s.name}{f' x{s.calls}' if s.calls > 1 else ''} ({s.model})" for s in steps)
        shown = next(s for s in steps if s.shown)
        read = (f"A person reads the output of the step '{shown.name}'" if w.interaction in WATCHED
                else f"The output of the step '{shown.name}' is the request's result")
        sentences.append(
            f"It makes {_plural(w.requests_per_month, 'request')} a month{peak};"
            f" each runs {_plural(len(steps), 'step')} in"
            f" sequence, {_plural(a.latency.calls, 'model call')} in all: {named}. {read}:"
            f" {words.output_format[w.output_format].phrase}."
        )
    sentences.append(f"The result must be usable within {budget_words(a, 0)} at p95.{chain}")
    if caller_timeout(a) is not None:
        sentences.append(
            f"Whoever holds the connection open (the caller: a webhook sender, a client, a gateway or a load"
            f" balancer) gives up after {caller_timeout_seconds(a)}."
        )
    sentences.append(words.downstream[w.downstream].sentence)
    sentences.append(words.side_effects[w.side_effects].sentence)
    if w.current_mode:
        sentences.append(f"Today it runs as {a.rules.header.modes[w.current_mode].phrase} ({w.current_mode}).")
    else:
        sentences.append("It is not built yet.")
    if w.evidence is not None:
        sentences.append(measured_sentence(w.evidence, str))
    return sentences


def _axis_answer(a: Assessment, axis_id: str) -> str:
    w, lat, cap, words = a.workload, a.latency, a.capacity, a.rules.header.answers
    if axis_id == "ux_contract":
        return words.interaction[w.interaction].sentence
    if axis_id == "latency":
        verdict = "within" if lat.within_budget else "over"
        how = "measured" if lat.measured else "estimated"
        tool_time = sum(s.calls * s.tool_latency_s for s in lat.steps)
        tools = f" + {seconds(tool_time)} tools" if tool_time else ""
        extra = budget_digits(a.facts)
        spread = f"p50 {seconds(lat.end_to_end_p50_s, extra)}, p99 {seconds(lat.end_to_end_p99_s, extra)}"
        if w.steps is None:
            _, calls, why = calls_p95(lat, w.retry_rate, how, extra)
            parts = f"{calls}{f', {why}' if why else ''}; {spread}"
        else:
            parts = f"{_plural(len(lat.steps), 'step')}, {_plural(lat.calls, 'call')}{tools}; {spread}"
        e2e, budget = seconds(lat.end_to_end_p95_s, extra), budget_words(a)
        answer = f"End-to-end p95 {e2e} ({parts}) against a budget of {budget}: {verdict} budget."
        window = a.facts.get("batch_window_s")
        if a.recommendation == "batch" and a.pricing.batch_available and window:
            # The p95 is a direct call's: a batch's results come by the provider's window.
            within = (f"the provider's window of {seconds(window)}" if lat.calls == 1 else
                      f"{seconds(window)} (the provider's window of {seconds(window / lat.calls)} for each of"
                      f" {lat.calls} dependent calls)")
            answer = (
                f"End-to-end p95 {e2e} ({parts}) against a budget of {budget}: {verdict} budget as a direct call;"
                f" as a batch, results come within {within}."
            )
        if held_whole(a, a.recommendation):
            answer += (
                f" Streamed, the first token comes after {seconds(lat.time_to_first_token_s, extra)}, but the"
                " answer is needed whole: the budget holds the whole answer."
            )
        elif a.recommendation == "streaming":
            first = lat.time_to_first_token_s
            where = "within" if first <= w.latency_budget_s else "over"
            answer += (
                f" Streamed, the first token comes after {seconds(first, extra)},"
                f" {where} the budget."
            )
        if caller := caller_timeout_line(a):
            answer += f" {caller}"
        return answer
    if axis_id == "cost_burst":
        sync = a.costs["sync"]
        batch = (
            f"{percent(a.pricing.batch_token_saving_fraction)} less at batch prices" if a.pricing.batch_available
            else "no batch API, so no batch discount"
        )
        unpriced = reasoning_unpriced(lat.reasoning_unpriced, a.pricing.unpriced_reasoning)
        # The latency waits for a reasoning model's reasoning; the token bill has none of it.
        caveat = f" Reasoning tokens are not priced: {unpriced}." if unpriced else ""
        return (
            f"{money(sync.tokens_usd)} a month in tokens at {token_prices(a)}, {batch};"
            + (f" peak {count(cap.peak_rpm)} requests/min" if cap.peak_given
               else f" at the monthly average of {count(cap.peak_rpm)} requests/min (no peak given)")
            # Each model over its limits is named, worst first, where the workload runs on several.
            + (f" is over the rate limits of {over_limits_named(cap)}." if cap.over_limit and len(cap.models) > 1
               else f" is over the rate limits ({times(1 - cap.headroom)} the limit)." if cap.over_limit
               and cap.headroom is not None
               else " against no known rate limit." if cap.headroom is None
               else f" with {percent(cap.headroom)} rate-limit headroom.")
            + caveat
        )
    if axis_id == "failure_retry":
        audit = " The output needs an audit trail." if w.downstream == "compliance_critical" else ""
        storm = (
            f"; stacked retries multiply calls by {count(cap.retry_amplification)} in a storm"
            if cap.retry_amplification > 1 else ""
        )
        repeat = words.side_effects[w.side_effects].sentence
        return f"{repeat} {retries_in_words(w.retry_rate, lat.calls)}{storm}.{audit}"
    if axis_id == "downstream":
        return words.downstream[w.downstream].sentence
    # An organisation's own axis: its answer is what its rules found.
    titles = [r.title for r in a.fired_rules if r.axis == axis_id]
    return "; ".join(titles) + "." if titles else "No rule on this axis fired for this workload."


def _drivers(a: Assessment) -> list[dict[str, Any]]:
    order = sorted(range(len(a.axes)), key=lambda i: (-a.axes[i].weight, i))
    return [
        {
            "id": a.axes[i].id,
            "name": a.axes[i].name,
            "weight": a.axes[i].weight,
            "priority": priority,
            "question": a.axes[i].question,
            "answer": _axis_answer(a, a.axes[i].id),
        }
        for priority, i in enumerate(order, start=1)
    ]


def _arguments(a: Assessment, mode: Mode) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Pros and cons of one mode, from the rules that fired: score > 0 is a pro, < 0 or exclusion a con."""
    pros: list[dict[str, Any]] = []
    cons: list[dict[str, Any]] = []
    # A mode that misses its contract says so first, with the numbers.
    missed = next((dict(zip(u.rules, u.reasons, strict=True)) for u in a.unmet if u.mode == mode), {})
    # Ruled out by a rule's exclude, or by one it must pay its way under and does not.
    ruled_out = next((dict(zip(e.rules, e.reasons, strict=True)) for e in a.excluded if e.mode == mode), {})
    for rule in a.fired_rules:
        base = {"rule": rule.id, "title": rule.title, "because": _lower_first(rule.because), "source": rule.source}
        if mode in rule.exclude or rule.id in ruled_out:
            why = ruled_out.get(rule.id, rule.because)
            cons.append({**base, "score": None, "excluded": True, "reason": "it is ruled out: " + _first(why)})
            continue
        if rule.id in missed:
            because = "it misses its contract: " + _lower_first(missed[rule.id])
            cons.append({**base, "because": because, "score": None, "excluded": False, "missed": True,
                         "reason": because})
            continue
        score = rule.scores.get(mode, 0.0)
        if score:
            # The title argues for the mode the rule favours: "reason" is why it scores this one.
            argued = {**base, "score": score, "excluded": False, "reason": _scored_because(a, rule, mode)}
            (pros if score > 0 else cons).append(argued)
    # Strongest arguments first; the rule set's order breaks ties (sort is stable).
    pros.sort(key=lambda x: -x["score"])
    cons.sort(key=lambda x: (not (x["excluded"] or x.get("missed")), x["score"] or 0.0))
    return pros, cons


def _options(a: Assessment) -> list[dict[str, Any]]:
    options = []
    for r in a.ranking:
        pros, cons = _arguments(a, r.mode)
        options.append(
            {
                "mode": r.mode,
                "label": a.rules.header.modes[r.mode].label,
                "rank": r.rank,
                "total": r.total,
                "axis_scores": r.axis_scores,
                "excluded": r.excluded,
                "chosen": r.mode == a.recommendation,
                "current": r.mode == a.workload.current_mode,
                "pros": pros,
                "cons": cons,
                "cost": to_jsonable_python(a.costs[r.mode]),
            }
        )
    return options


# -- the case for each option, argued from the assessment ------------------------------------

def streams_nothing(a: Assessment, mode: str) -> bool:
    """A stream of an embedding: a vector has no tokens to show as they come, so there is no
    first token to set against the budget (the rule that rules streaming out says why)."""
    return mode == "streaming" and a.workload.output_format == "embedding"


# The times of the whole answer a rule may read: one that has a stream miss its contract on
# them holds the stream to its whole answer, not its first token.
WHOLE_ANSWER_FACTS = frozenset({"end_to_end_p95_s", "within_budget"})


def held_whole(a: Assessment, mode: str) -> bool:
    """Do the rules hold this stream to its whole answer? So they do where a rule that has
    it miss its contract reads the whole answer's time (the answer is needed whole: prose a
    person acts on at once, JSON parsed once it is complete), not only its first token. The
    budget then holds the whole answer, and the record says so wherever it sets the stream
    against it."""
    if mode != "streaming":
        return False
    missed = next((u for u in a.unmet if u.mode == mode), None)
    return missed is not None and any(
        condition_facts(a.rules.rule(rule_id).spec.when) & WHOLE_ANSWER_FACTS for rule_id in missed.rules
    )


def latency_against_budget(a: Assessment, mode: str) -> tuple[bool, str]:
    """Does this option answer within the budget, and how: a streaming option is judged by
    its first token (the reader reads along from then on) and says how long the whole
    answer takes; a batch option by the provider's batch window (the catalogue's)."""
    lat, budget = a.latency, a.workload.latency_budget_s
    e2e, first = lat.end_to_end_p95_s, lat.time_to_first_token_s
    extra = budget_digits(a.facts)

    def judged(value: float) -> str:  # a time set against the budget, in digits that tell the two apart
        return seconds(value, extra)

    def verdict(value: float) -> str:
        said = budget_words(a)
        return f"within the budget of {said}" if value <= budget else f"over the budget of {said}"

    # A peak over the rate limits holds back a call made without a queue as long as a queued one
    # (its retries wait for the same backlog): said with its time, as a job's queue is.
    retried = _retried_at_the_limits(a)
    never = _never_clear(a)
    held = (f", but {never}" if never is not None
            else "" if retried is None
            else f", the last request of a peak after up to {judged(retried)} of retries at the rate limits")

    def late(value: float) -> float:  # the time judged against the budget, the peak's last request's where later
        if never is not None:  # no wait at the limits ends: over any budget
            return math.inf
        return value if retried is None else max(value, retried)

    if streams_nothing(a, mode):
        return False, f"an embedding has no tokens to stream: the vector comes whole after {seconds(e2e)} at p95"
    if held_whole(a, mode):
        return late(e2e) <= budget, (
            f"the answer is needed whole and takes {judged(e2e)} at p95{held}, {verdict(late(e2e))};"
            f" its first token comes after {judged(first)}"
        )
    if mode == "streaming":
        return late(first) <= budget, (
            f"its first token comes after {judged(first)} at p95{held}, {verdict(late(first))};"
            f" the whole answer takes {judged(e2e)}"
        )
    if mode == "async":
        wait = a.capacity.peak_worst_wait_s
        # Where the caller's timeout is stated: a job id comes at once, before it gives up.
        acknowledged = f", within its timeout of {caller_timeout_seconds(a)}," if caller_timeout(a) else ""
        if (refused := a.capacity.refused_words) is not None:  # no request fits the limits: none is served
            return False, (
                f"the caller gets a job id at once{acknowledged.rstrip(',')}, but no request is served: {refused},"
                f" so the queue a peak builds never drains, over the budget of {budget_words(a)}"
            )
        if wait is None:  # the limits are below the average rate: the queue only grows
            return False, (
                f"the caller gets a job id at once{acknowledged.rstrip(',')}, but the queue a peak builds never"
                f" drains ({NEVER_DRAINS}), over the budget of {budget_words(a)}"
            )
        if wait > 0:  # the peak is over the limits: its last request waits for the backlog ahead of it
            last = max(e2e, wait)
            return last <= budget, (
                f"the caller gets a job id at once{acknowledged} and the result after about"
                f" {judged(e2e)} at p95, the last request of a peak after up to {judged(wait)} in the queue first,"
                f" {verdict(last)}"
            )
        spare = _queue_spare(a)
        if spare is None:
            return False, (
                f"the caller gets a job id at once{acknowledged} and the result after about {judged(e2e)} at p95 plus"
                f" any queue wait, {verdict(e2e)}"
            )
        # Within the budget only if the queue adds no more than the rest of it: said, with what the
        # limits say of the queue at peak, not as a wait the record cannot put a figure on. Where the
        # call takes under half the budget, the rest is no constraint worth a figure.
        if not _spare_is_tight(a, spare):
            return True, (
                f"the caller gets a job id at once{acknowledged} and the result about {judged(e2e)} at p95 after a"
                f" worker takes"
                f" the job, {verdict(e2e)} ({_no_backlog(a)})"
            )
        return True, (
            f"the caller gets a job id at once{acknowledged} and the result about {judged(e2e)} at p95 after a worker"
            f" takes the"
            f" job: {verdict(e2e)} if it waits no more than {judged(spare)} for one ({_no_backlog(a)})"
        )
    if mode == "batch":
        window = a.facts.get("batch_window_s")
        if not a.pricing.batch_available or window is None:
            return False, "the provider has no batch API"
        words = batch_window_words(window, budget, a.latency.calls, extra=extra, lines=budget_lines(a),
                                   usual_s=usual_batch(a))
        if budget >= window:
            return True, f"{words}, within the budget of {budget_words(a)}"
        return False, words
    return late(e2e) <= budget, f"the whole answer comes after {judged(e2e)} at p95{held}, {verdict(late(e2e))}"


def _retried_at_the_limits(a: Assessment) -> float | None:
    """How long the last request of a peak over the rate limits waits when it is made without a
    queue: as long as a queued one, the backlog ahead of it being served at the rate the limits
    allow (cost-backlog-misses-budget: calls made without a queue fail at the limit and wait just
    as long in their retries). None: the peak fits the limits, or its backlog never drains (said
    by the rules that find it)."""
    wait = a.capacity.peak_worst_wait_s
    return wait if wait is not None and wait > 0 else None


def _never_clear(a: Assessment) -> str | None:
    """Why a call made without a queue is never served in time where the peak's backlog at the
    rate limits never drains (its retries wait behind it as a queued job does): "a peak's
    retries at the rate limits never clear (the limits are below even the monthly average
    rate)"; None where the peak fits the limits or its backlog drains (``_retried_at_the_limits``)."""
    cap = a.capacity
    if not cap.over_limit or cap.peak_worst_wait_s is not None:
        return None
    if cap.refused_words is not None:
        return f"no request is served ({cap.refused_words})"
    return f"a peak's retries at the rate limits never clear ({NEVER_DRAINS})"


def _queue_spare(a: Assessment) -> float | None:
    """What a queued option's budget leaves for the queue where the peak builds no backlog at
    the rate limits (its wait then is the workers', which no figure of the record measures):
    the budget less the end-to-end p95. None: the peak builds a backlog or never drains (said
    with its wait), or the call alone misses the budget."""
    wait = a.capacity.peak_worst_wait_s
    budget, e2e = a.workload.latency_budget_s, a.latency.end_to_end_p95_s
    if wait is None or wait > 0 or e2e > budget:
        return None
    # Set against the p95 as the record says it, so that the reader's sum comes out: 1 min less
    # "57.6 s" is 2.40 s (not the 2.42 s of 57.58 s).
    return max(0.0, budget - as_said(e2e, budget_digits(a.facts)))


def _spare_is_tight(a: Assessment, spare: float) -> bool:
    """Whether what the budget leaves the queue is worth its figure: under half the budget
    (the clause check's 2.40 s of 1 min), not the nearly 8 h a 0.90 s call leaves of 8 h."""
    return spare < a.workload.latency_budget_s / 2


def _no_backlog(a: Assessment) -> str:
    """Why a queue at this load waits only for a worker: the peak (or, with none given, the
    month's average rate) is within the rate limits; or no limits are known to say so."""
    if a.capacity.headroom is None:
        return "no rate limits are known to check the peak against"
    where = "the peak builds" if a.capacity.peak_given else "the monthly average rate, no peak given, builds"
    return f"{where} no backlog at the rate limits"


def per_request(a: Assessment) -> str:
    """What one request sends and receives, as the cost note says it."""
    w = a.workload
    retried = f"{percent(w.retry_rate)} of calls"
    if w.steps is None:
        cached = percent(w.cached_input_fraction)
        reasoning = f" (+ {count(w.reasoning_tokens)} reasoning)" if w.reasoning_tokens else ""
        calls = f" per call, {w.chained_calls} calls" if w.chained_calls > 1 else ""
        return (
            f"{count(w.input_tokens or 0)} input tokens ({cached} cached), {count(w.output_tokens or 0)}"
            f" output{reasoning}{calls}, {retried} retried"
        )
    steps = a.pricing.steps
    total_in = sum(s.calls * s.input_tokens for s in steps)
    total_cached = sum(s.calls * s.input_tokens * s.cached_input_fraction for s in steps)
    total_out = sum(s.calls * s.output_tokens for s in steps)
    total_reasoning = sum(s.calls * s.reasoning_tokens for s in steps)
    share = percent(total_cached / total_in) if total_in else percent(0)
    thought = f" (+ {count(total_reasoning)} reasoning)" if total_reasoning else ""
    return (
        f"{count(total_in)} input tokens ({share} cached), {count(total_out)} output{thought} over"
        f" {_plural(a.latency.calls, 'call')} of {_plural(len(steps), 'step')}, each at its own model's prices,"
        f" {retried} retried"
    )


def budget_beside(a: Assessment) -> str:
    """The budget in words beside an option's latency, in the record's digits for times."""
    return budget_words(a)


def latency_short(a: Assessment, mode: str) -> str:
    """The latency an option offers, in a few words: "answer after 4.00 s", "first token 0.50 s":
    the figure judged against the budget, which the record writes next to it ("..., within the
    budget of 2.50 s"). A stream is judged by its first token; its whole answer is said after
    the budget (``latency_after``), so that it does not read as the figure within it."""
    lat = a.latency
    extra = budget_digits(a.facts)

    def said(value: float) -> str:
        return seconds(value, extra)

    retried = _retried_at_the_limits(a)
    never = _never_clear(a)
    held = (f", but {never.split(' (')[0]}" if never is not None
            else "" if retried is None else f" plus up to {said(retried)} of retries at the rate limits after a peak")
    if streams_nothing(a, mode):
        return "an embedding has no tokens to stream"
    if held_whole(a, mode):
        return f"whole answer {said(lat.end_to_end_p95_s)}{held}"
    if mode == "streaming":
        return f"first token {said(lat.time_to_first_token_s)}{held}"
    if mode == "async":
        wait = a.capacity.peak_worst_wait_s
        if wait is None:
            if a.capacity.refused_words is not None:
                return "no result: the provider refuses every request, each larger than its per-minute token limit"
            return f"result after {said(lat.end_to_end_p95_s)}, but the queue a peak builds never drains"
        if wait > 0:  # the longest wait: the peak's last request's
            return f"result after {said(lat.end_to_end_p95_s)} plus up to {said(wait)} in the queue after a peak"
        if lat.end_to_end_p95_s <= a.workload.latency_budget_s:  # within it only if the queue leaves it the rest
            return f"result after {said(lat.end_to_end_p95_s)} once a worker takes the job"
        return f"result after {said(lat.end_to_end_p95_s)} plus queue wait"
    if mode == "batch":
        window = a.facts.get("batch_window_s")
        if not a.pricing.batch_available or not window:
            return "no batch API"
        usual = usual_batch(a)
        if batch_usually_in_time(window, a.workload.latency_budget_s, lat.calls, usual_s=usual):  # as its words say
            most = "most batches well under an hour" if usual is None else f"most batches in under {seconds(usual)}"
            return f"results guaranteed within {said(window)}, {most}"
        return f"results within {said(window)}"
    return f"answer after {said(lat.end_to_end_p95_s)}{held}"


def latency_after(a: Assessment, mode: str) -> str:
    """What an option's latency says after the budget it is judged against: a stream's whole
    answer ("whole answer 4.65 s"); a batch's number of batches a month, at the least, where
    more than one ("at least 800 batches a month (50,000 requests or 200 MB each)") unless it is
    ruled out, and, chosen, that its batch queue limit is not checked (the assumptions say so
    with the source); "" for the others."""
    if mode == "batch" and a.pricing.batch_available:
        # A ruled-out batch is argued by the rule that rules it out, not by its files.
        files = batch_files(a.capacity) if all(e.mode != mode for e in a.excluded) else ""
        unchecked = "its batch queue limit not checked" if a.recommendation == "batch" else ""
        return ", ".join(part for part in (files, unchecked) if part)
    cut_off = _cut_off_after(a, mode)
    if mode == "async":
        spare = _queue_spare(a)
        tight = "" if spare is None or not _spare_is_tight(a, spare) else (
            f"{seconds(spare, budget_digits(a.facts))} to spare for the queue")
        return ", ".join(part for part in (tight, cut_off) if part)
    if mode != "streaming" or streams_nothing(a, mode):
        return cut_off
    if held_whole(a, mode):  # the whole answer is the figure judged: the first token comes after
        said = f"first token {seconds(a.latency.time_to_first_token_s, budget_digits(a.facts))}"
    else:
        said = f"whole answer {seconds(a.latency.end_to_end_p95_s, budget_digits(a.facts))}"
    return f"{said}, {cut_off}" if cut_off else said


def _cut_off_after(a: Assessment, mode: str) -> str:
    """What the caller's timeout, where stated, does to an option: the share of a held
    connection's calls it cuts off (sync, streaming), or that a job acknowledges within it."""
    stated = caller_timeout(a)
    if stated is None or streams_nothing(a, mode):
        return ""
    if mode in ("sync", "streaming"):
        return f"{cut_off_share(stated[1])} cut off by the caller's timeout of {caller_timeout_seconds(a)}"
    if mode == "async":
        return f"job id at once, within the caller's timeout of {caller_timeout_seconds(a)}"
    return ""


def _phrase(title: str) -> str:
    """A rule's title inside a sentence: "Compliance-critical output goes async" -> "compliance-critical ..."."""
    return title[0].lower() + title[1:] if re.match(r"[A-Z](?:[a-z]|\s)", title) else title


def _scored_because(a: Assessment, rule: FiredRule, mode: Mode) -> str:
    """Why a rule scores this mode as it does, as the mode's pro or con. The title argues for
    the mode the rule favours (and against those it scores below zero); a mode it scores
    above zero but below the favoured one gets the rule's own words for it, or, where the
    rule set gives none, its score set against the favoured mode's, never the title."""
    said = a.rules.rule(rule.id).spec.effect.score_reasons.get(mode)
    if said:
        return said
    score = rule.scores[mode]
    favoured = max((m for m in MODES if m in rule.scores), key=lambda m: (rule.scores[m], -MODES.index(m)))
    top = rule.scores[favoured]
    if 0 < score < top:
        return (f'the rule "{rule.title}" scores it {score:+g}, against {top:+g} for'
                f" {a.rules.header.modes[favoured].label}")
    return _phrase(rule.title)


def _preferred_over(a: Assessment, rule: FiredRule, mode: Mode, ruled_out: set[Mode]) -> Mode | None:
    """The mode a rule favours over this one, where it scores this one above zero but below
    that mode and that mode is still an option (not ruled out): the rule then weighs for
    another option, and its score for this one is no good of it ("it keeps the synchronous
    contract a conversation needs" is said of a synchronous call beside the stream the rule
    favours, not as its pro). None: the rule's score is a plain pro or con of this mode (it
    scores it highest, below zero, or the mode it favours is ruled out, which leaves this
    one the best the rule finds open)."""
    score = rule.scores.get(mode, 0.0)
    if score <= 0:
        return None
    better = [m for m in MODES if rule.scores.get(m, 0.0) > score and m not in ruled_out]
    if not better:
        return None
    return max(better, key=lambda m: (rule.scores[m], -MODES.index(m)))


def _first(text: str) -> str:
    return _lower_first(first_sentence(text))


def _choosable(a: Assessment) -> set[Mode]:
    """The modes that can be chosen as they stand: neither ruled out nor missing their contract."""
    return set(MODES) - {e.mode for e in a.excluded} - {u.mode for u in a.unmet}


def _case(a: Assessment, mode: Mode) -> dict[str, Any]:
    """One option argued: its cost, its latency against the budget, the rules for and against
    it (a ruled-out option names the rule that rules it out), and its main risk."""
    modes = a.rules.header.modes
    totals = {m: a.costs[m].total_usd for m in MODES}
    cheapest = min(MODES, key=lambda m: (totals[m], MODES.index(m)))
    cost = a.costs[mode]
    pros: list[Markup] = []
    cons: list[Markup] = []
    # Rules first: why the rule set ranks it where it does, the strongest two. A mode is ruled
    # out by a rule's exclude or by a rule it must pay its way under and does not (the
    # assessment's exclusions hold both, each with its reason).
    exclusion = next((e for e in a.excluded if e.mode == mode), None)
    excluded_modes = {e.mode for e in a.excluded}
    reasons = dict(zip(exclusion.rules, exclusion.reasons, strict=True)) if exclusion else {}
    ruled_out = [r for r in a.fired_rules if r.id in reasons]
    rule_args: list[tuple[bool | None, Markup]] = []  # True: a pro; False: a con; None: neutral
    chosen_despite: list[tuple[bool | None, Markup]] = []  # cons on cost, failure or downstream
    quoted: list[str] = []  # rules whose whole reason this case quotes
    missed = next((u for u in a.unmet if u.mode == mode), None)
    # A contract missed on latency is said by the latency line below; any other miss (no
    # batch API, a rate limit) is said here.
    missed_in_latency = missed is not None and all(
        rule.axis == "latency" for rule in a.fired_rules if rule.id in missed.rules
    ) and not latency_against_budget(a, mode)[0]
    if ruled_out:
        first = ruled_out[0]
        reason = " ".join(reasons[first.id].split())
        if reason == " ".join(first.because.split()) and _first(reason) == _lower_first(reason):
            quoted.append(first.id)
        also = "".join(f"; also {markdown.code(r.id)}" for r in ruled_out[1:])
        rule_args.append((False, Markup(
            f"it is ruled out: {markdown.inline(_first(reason))} ({markdown.code(first.id)}{also})"
        )))
    elif missed is not None and not missed_in_latency:  # right contract, but the numbers miss it
        rule_args.append((False, Markup(
            f"it misses its contract: {markdown.inline(_lower_first(missed.reasons[0]))}"
            f" ({markdown.code(missed.rules[0])})"
        )))
    scored = sorted(
        (r for r in a.fired_rules if r.scores.get(mode, 0.0) and mode not in r.exclude),
        key=lambda r: -abs(r.scores[mode]),
    )
    for r in scored:
        said = markdown.inline(_scored_because(a, r, mode))
        preferred = _preferred_over(a, r, mode, excluded_modes)
        if preferred is None:
            rule_args.append((r.scores[mode] > 0, Markup(f"{said} ({markdown.code(r.id)})")))
            if r.scores[mode] < 0 and r.axis not in ("ux_contract", "latency"):
                chosen_despite.append(rule_args[-1])
        elif a.rules.rule(r.id).spec.effect.score_reasons.get(mode):  # its own words: name the mode it favours
            rule_args.append((None, Markup(
                f"{said} ({markdown.code(r.id)}, which favours {markdown.inline(modes[preferred].label)})"
            )))
        else:  # the score set against the favoured mode's says which
            rule_args.append((None, Markup(f"{said} ({markdown.code(r.id)})")))
    # The chosen option's two strongest rules; one for each other option (all are listed under
    # More Information with their full reasons). A rule that scores the option above zero but
    # favours another option still open is neither for nor against it: neutral.
    neutral: list[Markup] = []
    shown = rule_args[: 2 if mode == a.recommendation else 1]
    if mode == a.recommendation:
        # And every further rule on cost, failure or downstream that weighs against it, what it
        # was chosen despite (a peak at 79% of the rate limit). Not one on latency, which the line
        # on its time against the budget says, nor on the UX contract, which the decision argues.
        shown += [arg for arg in chosen_despite if arg not in shown]
    for good, line in shown:
        (neutral if good is None else pros if good else cons).append(line)
    # Then the numbers: latency against the budget, the monthly cost against the cheapest and today.
    # A Batch API the provider lacks has no time to set against the budget: the rule that
    # says so is the argument, not a second line saying it again.
    within, latency = latency_against_budget(a, mode)
    timed = (
        mode != "batch" or (a.pricing.batch_available and a.facts.get("batch_window_s") is not None)
    ) and not streams_nothing(a, mode)
    # A queue whose peak's last request waits past the budget (or never drains), each call within
    # it, is the miss said above with its numbers (how many queued, how long the last waits): the line would say
    # it again.
    wait = a.capacity.peak_worst_wait_s
    late_only_in_the_queue = (
        missed is not None and not missed_in_latency and mode != "batch" and not within
        and (wait is None or wait > 0) and a.latency.end_to_end_p95_s <= a.workload.latency_budget_s
    )
    if (timed or not rule_args) and not late_only_in_the_queue:
        (pros if within else cons).append(markdown.inline(latency))
    # Money as an argument. The chosen option, and any other that meets its contract, is priced
    # against the cheapest option that meets its contract (a chat is not told it costs more
    # than the batch it rules out). A chosen option that misses its contract where no option
    # meets it is not "the cheapest option the rules leave open" (a reader takes that for an
    # acceptable choice): a cheaper one the rules leave open is named with its own miss, and
    # the cheapest of them says nothing of its price. An option that cannot be chosen as it
    # stands (ruled out, or missing its contract) is priced against the chosen one: what
    # accepting it would save or cost.
    chosen = a.recommendation
    viable = [m for m in MODES if m in _choosable(a)]
    priced_against: Mode | None = None  # the option a difference is said against, beside both costs or in the table
    if mode == chosen and viable and chosen not in viable:  # another option meets it: the chosen is priced against that
        against = min(viable, key=lambda m: (totals[m], MODES.index(m)))
        if totals[mode] - totals[against] > 0.005:
            priced_against = against
            cons.append(markdown.inline(
                f"its monthly cost of {money(cost.total_usd)} is"
                f" {money(cost.total_usd - totals[against], larger(cost.total_usd, totals[against]))}"
                f" a month more than the cheapest option that meets its contract ({modes[against].label})"
            ))
    elif mode == chosen and chosen not in viable:  # none meets its contract
        open_ = sorted((m for m in MODES if m not in excluded_modes and m != mode),
                       key=lambda m: (totals[m], MODES.index(m)))
        cheaper = open_[0] if open_ else None
        if cheaper is not None and totals[mode] - totals[cheaper] > 0.005:
            priced_against = cheaper
            unmet = next((u for u in a.unmet if u.mode == cheaper), None)
            # Its own miss, said once where it is the chosen one's too (a queue both wait in).
            why = ("" if unmet is None or not unmet.reasons
                   else ", for the same reason" if missed is not None and unmet.reasons[0] in missed.reasons
                   else f" ({_first(unmet.reasons[0]).rstrip('.')})")
            cons.append(markdown.inline(
                f"its monthly cost of {money(cost.total_usd)} is"
                f" {money(cost.total_usd - totals[cheaper], larger(cost.total_usd, totals[cheaper]))}"
                f" a month more than {modes[cheaper].label}, which is cheaper but also misses its contract{why}"
            ))
    elif mode == chosen or (mode in viable and chosen in viable):
        against = min(viable, key=lambda m: (totals[m], MODES.index(m)))
        which = "cheapest option" if against == cheapest else "cheapest option that meets its contract"
        if mode == against and len(viable) > 1:
            pros.append(markdown.inline(f"it is the {which}, at {money(cost.total_usd)} a month"))
        elif mode != against:
            priced_against = against
            cons.append(markdown.inline(
                f"its monthly cost of {money(cost.total_usd)} is"
                f" {money(cost.total_usd - totals[against], larger(cost.total_usd, totals[against]))}"
                f" a month more than the {which} ({modes[against].label})"
            ))
    elif (gap := totals[chosen] - cost.total_usd) > 0.005:
        priced_against = chosen
        pros.append(markdown.inline(
            f"it would cost {money(gap, larger(cost.total_usd, totals[chosen]))} a month less than the chosen"
            f" {modes[chosen].label}"
            f" ({money(cost.total_usd)} against {money(totals[chosen])})"
        ))
    elif gap < -0.005:
        priced_against = chosen
        cons.append(markdown.inline(
            f"it would cost {money(-gap, larger(cost.total_usd, totals[chosen]))} a month more than the chosen"
            f" {modes[chosen].label}"
            f" ({money(cost.total_usd)} against {money(totals[chosen])})"
        ))
    # Its main risk: a risk belongs to an option that can be chosen, so a ruled-out one has none
    # (the rule that rules it out is the argument). The chosen option's risks are its
    # consequences, each with its mitigation.
    risks = a.risks_of(mode)
    risk = (markdown.inline(first_sentence(risks[0].risk))
            if mode != a.recommendation and not ruled_out and risks else None)
    rank = a.rank_of(mode)
    if mode == a.recommendation:
        verdict = "chosen"
    elif ruled_out:
        verdict = "ruled out"
    elif missed is not None:
        verdict = "misses its contract"
    else:
        verdict = f"ranked {rank.rank} of {len(a.ranking)}"
    return {"mode": mode, "label": modes[mode].label, "pros": pros, "neutral": neutral, "cons": cons,
            "verdict": verdict,
            "latency": latency, "latency_short": latency_short(a, mode), "latency_after": latency_after(a, mode),
            "within_budget": within,
            # Batch the rule set accepts with a budget shorter than its window: a risk, not a miss.
            "at_risk": mode == "batch" and not within and timed and missed is None and not ruled_out,
            "budget": budget_beside(a),
            # Whether its time can be set against the budget: a Batch API the provider lacks has none.
            "timed": timed,
            "monthly_cost": cost.total_usd,
            # The option its monthly cost is set against ("$272 a month more than ..."); None: none.
            "priced_against": priced_against,
            "cheapest": mode == cheapest, "ruled_out": bool(ruled_out), "rank": rank.rank, "score": rank.total,
            "quoted": quoted, "risk": risk}


def _levers_shown(a: Assessment, most: int = 2) -> list[Lever]:
    """The levers the decision names: the first ``most`` (the largest effect first), and the
    first that changes the mode where none of those does (a lever that makes a reasoning step a
    4 s sync call matters more to a board than a third model swap that keeps it a job)."""
    shown = list(a.levers[:most])
    if all(lever.recommendation == a.recommendation for lever in shown):
        shown += [lever for lever in a.levers[most:] if lever.recommendation != a.recommendation][:1]
    return shown


def _changes_unlike_levers(a: Assessment) -> list[Change]:
    """The what-ifs a record lists beside its levers: those that change the mode, and, where
    the recommendation misses its contract, those that make it meet it (a way out is worth
    as much as a flip); not one a lever already says (the same answer to the same mode). Where
    it misses, the ways to meet it come first, each list in the what-if's own order."""
    found = [
        c for c in a.what_would_change
        if (c.new_recommendation != a.recommendation or (c.feasible and not a.feasible))
        and not any(set(lever.changes) == {c.fact} and lever.recommendation == c.new_recommendation
                    for lever in a.levers)
    ]
    return sorted(found, key=lambda c: not a.feasible and not c.feasible)


def _since_superseded(a: Assessment, link: RecordLink) -> Markup | None:
    """What the record this one supersedes chose, on what, and what has changed since: a reader
    of the new record sees why it exists without opening the old one ("Record 15 chose
    Synchronous call at $864 a month ... Changed since: requests_per_month 120,000 to 200,000.
    This record keeps Synchronous call, now at $1,440 a month."). None: the old record's
    inputs are unknown (written by hand or by another tool)."""
    old = link.inputs
    if old is None:
        return None
    if old.version >= 2 and not old.sealed:
        # Edited by hand since it was written: its figures are no longer what it chose (a cost
        # typed in would be restated as its choice, and subtracted from this record's).
        return Markup(
            f"Record {link.number}'s inputs were edited by hand after it was written (they no longer match"
            " the digest written with them; `advisor verify` says it is inconsistent), so what it chose and"
            " what has changed since are not restated from them."
        )
    modes = a.rules.header.modes
    stamp = old.stamp

    def label(mode: str) -> str:
        return modes[mode].label if mode in modes else mode

    cost = (stamp.monthly_cost or {}).get(stamp.mode)
    # A monthly cost that leaves a model's reasoning out is a floor: said beside it, or the two
    # records' figures read as like for like (gpt-5 at $5,297 without its reasoning "rising" to
    # gpt-5.4 at $9,122 with nothing left out).
    # The old workload assessed again (an assess() of its own) only where a sentence reads it:
    # what its cost left out, and whether it met its contract where this record does not.
    recorded = _recorded_assessment(a, link) if cost is not None or not a.feasible else None
    then_left_out = "" if cost is None else _reasoning_left_out(recorded, stamp.mode)
    chose = markdown.inline(
        f"Record {link.number} chose {label(stamp.mode)}"
        f"{'' if cost is None else f' at {money(cost)} a month{then_left_out}'},"
        " with the rule set") + Markup(" ") + markdown.code(stamp.ruleset.id) + Markup(" ") + markdown.inline(
        f"{stamp.ruleset.version} and the prices in force on {stamp.prices.price_date.isoformat()}.")
    # Its workload field by field, as verify says a change (the workload's own text escaped).
    changes = change_lines(changed_fields(compared_data(old.workload), compared_data(a.workload)), arrow="to")
    if stamp.ruleset.hash != a.ruleset.hash:
        changes.append(f"rule set {stamp.ruleset.id} {stamp.ruleset.version} (sha256 {stamp.ruleset.hash[:12]}) to"
                       f" {a.ruleset.id} {a.ruleset.version} (sha256 {a.ruleset.hash[:12]})")
    then, now_dated = stamp.prices.price_date.isoformat(), a.pricing.price_date.isoformat()
    if then != now_dated:
        # A new price date alone reads as new prices: say so where the model's are the same.
        same = (old.workload.provider, old.workload.model) == (a.workload.provider, a.workload.model) and (
            stamp.prices.standard, stamp.prices.batch) == (a.pricing.standard.describe(), a.pricing.batch.describe())
        changes.append(f"prices in force on {then} to {now_dated}"
                       + (f" ({a.workload.model}'s prices the same)" if same else ""))
    if stamp.prices.data_version != a.pricing.data_version:
        changes.append(f"price data {stamp.prices.data_version} to {a.pricing.data_version}")
    since = ("Changed since: " + "; ".join(changes) + "." if changes
             else "Nothing in its workload, its rule set or its prices has changed since.")
    mode = a.recommendation
    total, now_left_out = a.costs[mode].total_usd, _reasoning_left_out(a, mode)
    now = f"now at {money(total)} a month{now_left_out}"
    # The spend difference in words, so a board does not subtract ("$3,456 a month more than
    # record 1's"); none where the record gave no cost, the two round to the same figure, or
    # either leaves a model's reasoning out (a floor set against a whole bill is no difference).
    if cost is not None and money(total) != money(cost) and not then_left_out and not now_left_out:
        more = "more" if total > cost else "less"
        now += f", {money(abs(total - cost), larger(total, cost))} a month {more} than record {link.number}'s"
        said = money_shown(abs(total - cost), larger(total, cost))
        before, after = money_shown(cost), money_shown(total)
        if said is not None and before is not None and after is not None and said != abs(after - before):
            now += " (each figure rounded on its own)"
    # A decision that misses its contract says so here too: "keeps Synchronous call, now at
    # $2,967 a month" alone reads as the old decision still holding.
    misses = "" if a.feasible else (
        ", and as specified it no longer meets its contract" if recorded is not None and recorded.feasible
        else ", and as specified it does not meet its contract either" if recorded is not None and mode == stamp.mode
        else ", though as specified it does not meet its contract")
    verdict = (f"This record keeps {label(mode)}, {now}{misses}." if mode == stamp.mode
               else f"This record chooses {label(mode)} instead, {now}{misses}.")
    return chose + Markup(" ") + markdown.inline(f"{since} {verdict}")


def _recorded_assessment(a: Assessment, link: RecordLink) -> Assessment | None:
    """The superseded record's embedded workload assessed at its own price date (for what its
    costs left out); None where it cannot be assessed now (a model no longer in the data)."""
    old = link.inputs
    if old is None:
        return None
    try:
        return assess(old.workload, a.rules, price_date=old.stamp.prices.price_date, what_if=False)
    except AdvisorError:
        return None


def _reasoning_left_out(a: Assessment | None, mode: str) -> str:
    """", not counting the reasoning of gpt-5 (not priced: about $6,618 a month more)" where a
    mode's monthly cost leaves a model's reasoning out; "" where it leaves nothing out."""
    if a is None:
        return ""
    unpriced = a.pricing.unpriced_reasoning_usd_per_month
    if not unpriced or mode not in unpriced:
        return ""
    models = list(dict.fromkeys(u.model for u in a.pricing.unpriced_reasoning))
    return (f", not counting the reasoning of {' and '.join(models)} (not priced:"
            f" about {money(unpriced[mode])} a month more)")


def _fired(a: Assessment, quoted: set[str]) -> list[dict[str, Any]]:
    """Every rule that fired, the decisive ones first, each with what it did to the options
    (``role``), its full reason said once (``quoted``: already said in full where it argues),
    its source by title."""
    sources = a.rules.header.sources
    ordered = decisive_first(a)
    return [
        {"id": r.id, "title": r.title, "axis": r.axis, "because": r.because, "source": cite(r.source, sources),
         "decisive": r.id in a.decided_by, "role": rule_role(a, r), "quoted": r.id in quoted}
        for r in ordered
    ]


# Said elsewhere in the record (the cost note, the capacity line) or not used by it. Not the
# prices: the cost note names whose prices, not what they are, and a reader redoes a token
# bill from them (a step on another model says its own, as "prices (model)").
_ASSUMPTIONS_SAID_ELSEWHERE = frozenset(
    {"engineering cost", "amortisation", "rate limits", "concurrent connections", "batch file size"}
)


def _key_assumptions(a: Assessment) -> list[str]:
    """The assumptions behind the figures not said elsewhere in the record, one line each;
    what is per option in one line, the model's speed in one."""
    sources = a.rules.header.sources
    per_mode: dict[str, list[str]] = {"engineering": [], "infrastructure": []}
    build_source = ""
    lines: list[str] = []
    for x in a.assumptions:
        head = x.name.split(" ", 1)
        if len(head) == 2 and head[0] in MODES and head[1] in per_mode:
            per_mode[head[1]].append(f"{head[0]} {x.value.split(' (')[0]}")
            if head[1] == "engineering":
                build_source = build_source or cite(x.source, sources)
            continue
        if x.name == "batch file size" and (sized := _batch_file_size(a)) is not None:
            # The record counts batches a month: the size it packs them to is one of its figures.
            lines.append(f"{x.name}: {cite(x.value, sources)}{sized} ({cite(x.source, sources)})")
            continue
        if x.name in _ASSUMPTIONS_SAID_ELSEWHERE:
            continue
        lines.append(f"{x.name}: {cite(x.value, sources)} ({cite(x.source, sources)})")
    if per_mode["engineering"]:
        lines.insert(0, "build effort per option: " + ", ".join(per_mode["engineering"])
                     + "; infrastructure: " + ", ".join(per_mode["infrastructure"]) + f" ({build_source})")
    return lines


def _batch_file_size(a: Assessment) -> str | None:
    """Where the record counts the batches a month takes ("at least 16 batches a month"), what
    the file-size cap holds, so that the count can be redone: "; a request of 3,000 input
    tokens takes about 12,300 bytes, so 200 MB holds 16,260 of them, fewer than the 50,000
    requests a batch may hold" ("" where the steps differ in size). None where the record
    counts no batches, or the request cap binds (the count is then the requests over it)."""
    cap = a.capacity
    if not batch_files(cap) or any(e.mode == "batch" for e in a.excluded):
        return None
    sizes = {s.input_tokens for s in work_steps(a.workload)}
    if cap.batch_max_mb is None or len(sizes) != 1:
        return ""
    tokens = sizes.pop()
    line = tokens * BYTES_PER_TOKEN + ENVELOPE_BYTES
    held = int(cap.batch_max_mb * 1_000_000 // line)
    if cap.batch_max_requests is not None and held >= cap.batch_max_requests:
        return None
    fewer = (f", fewer than the {cap.batch_max_requests:,} requests a batch may hold"
             if cap.batch_max_requests is not None else "")
    return (f"; a request of {tokens:,} input tokens takes about {line:,.0f} bytes, so {cap.batch_max_mb:g} MB holds"
            f" {held:,} of them{fewer}")


def _migration(a: Assessment) -> dict[str, Any] | None:
    """The rule set's migration advice for this move, and its effect on the monthly bill."""
    w, header = a.workload, a.rules.header
    old, new = w.current_mode, a.recommendation
    if old is None or old == new:
        return None
    move = {
        "from": old, "to": new, "from_contract": header.modes[old].contract, "to_contract": header.modes[new].contract,
        **answers_of(w),
    }
    steps = header.migration.steps_for(move)
    effect = move_in_words(a)
    if effect is not None:
        # The bill prices what the new mode's build adds, not the move's own work (board read 4,
        # P5: "a saving of $50 a month" read as free beside a new endpoint version to ship).
        above = " (the steps above)" if steps else ""
        built = "no build is added, and " if a.costs[new].engineering_usd == 0 else "beyond the new mode's build, "
        steps.append(f"Expected effect on the monthly bill: {effect}; {built}the migration itself{above}"
                     " is not priced.")
    return {"from": old, "from_phrase": header.modes[old].phrase, "to": new, "to_phrase": header.modes[new].phrase,
            "steps": steps, "source": cite(header.migration.source, header.sources),
            "sources": header.migration.sources_for(move)}


def _weighed_against(a: Assessment) -> Mode | None:
    """The option the chosen one's money is weighed against: today's mode where it moves from
    one, else the cheapest other option that meets its contract (None: there is none)."""
    mode, today = a.recommendation, a.workload.current_mode
    choosable = _choosable(a)
    others = [r.mode for r in a.ranking if r.mode != mode and r.mode in choosable]
    if today is not None and today != mode:
        return today
    if others:
        return min(others, key=lambda m: (a.costs[m].total_usd, others.index(m)))
    return None


def _net_saving(a: Assessment) -> str | None:
    """Where batch is chosen and saves, the saving net of its build and running costs, beside
    the decisive reason, whose rules speak of batch's token discount ("whose tokens cost about
    half as much"): the total saving and its share, the token bill, and how long its build takes
    to pay back. "Net of its build and running costs, Batch API saves $65 a month (11%) against
    today's synchronous call: its token bill falls from $575 to $288, and its $8,000 build pays
    back in 28 months" (for a move that reuses today's build: "the $4,000 its build adds to
    today's pays back in 14 months"). None elsewhere: where batch costs more, the trade-off sentence says so."""
    if a.recommendation != "batch" or (other := _weighed_against(a)) is None:
        return None
    against = _money_against(a)
    if against is None or against[0] <= 0:
        return None
    modes, months = a.rules.header.modes, a.pricing.amortisation_months
    chosen, compared = a.costs[a.recommendation], a.costs[other]
    difference = against[0]
    noun = modes[other].label[0].lower() + modes[other].label[1:]
    whom = f"today's {noun}" if other == a.workload.current_mode else f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"
    shown = money(difference, larger(compared.total_usd, chosen.total_usd))
    said = (f"Net of its build and running costs, {modes[a.recommendation].label} saves {shown} a month"
            f" ({percent(difference / compared.total_usd)}) against {whom}{_cache_hits_hedge(a, compared, whom)}: "
            f"{bill_change(compared.tokens_usd, chosen.tokens_usd)}")
    payback = _payback(chosen, compared, months)
    if payback is not None:
        build, months_back = payback
        what = (_build_against_today(chosen, build) if other == a.workload.current_mode
                else f"its build ({money(build)} more)")
        said += f", and {what} pays back in {months_back} month{'' if months_back == 1 else 's'}"
    return said + "."


def _payback(chosen: ModeCost, compared: ModeCost, months: int) -> tuple[float, int] | None:
    """What the chosen option's build costs beyond the compared one's (amortised over
    ``months``), and the months its lower running cost takes to pay that back; None where it
    takes no more to build, or does not run cheaper."""
    build = (chosen.engineering_usd - compared.engineering_usd) * months
    running = (compared.tokens_usd + compared.infra_usd) - (chosen.tokens_usd + chosen.infra_usd)
    if build > 0.5 and running > 0:
        return build, math.ceil(build / running - 1e-9)
    return None


def _build_against_today(chosen: ModeCost, build: float) -> str:
    """The build a move from today's mode pays: its whole build, or, where it reuses today's,
    what it adds to it."""
    return (f"its {money(build)} build" if chosen.build_reused is None
            else f"the {money(build)} its build adds to today's")


def _cache_hits_hedge(a: Assessment, compared: ModeCost, whom: str) -> str:
    """Where batch is chosen and its saving assumes a prompt-cache hit rate its provider provides
    inside a batch on a best-effort basis only (``pricing.batch_cache_hits``), the condition the
    saving holds on and what batch costs against ``compared`` (``whom``, in words) in all at the
    low end of the range the provider states: " if batches keep the 92% cache hits real time gets
    (Anthropic provides them best-effort, 30-98%, and at 30% batch would cost $2,254 a month more
    than a synchronous call in all)". Empty elsewhere. The Decision Outcome's net saving and the
    saving among the Consequences both say it."""
    if a.recommendation != "batch":
        return ""
    hits = a.pricing.batch_cache_hits
    low_total = None if hits is None else hits.low_total_usd()
    if hits is None or low_total is None:
        return ""
    kept = ("each step's cache hits" if hits.cached_input_fraction is None
            else f"the {percent(hits.cached_input_fraction)} cache hits")
    low, high = percent(hits.low), percent(hits.high)
    change = low_total - compared.total_usd
    shown = money(abs(change), larger(low_total, compared.total_usd))
    at_low = (f"batch would cost {shown} a month more than {whom} in all" if change > 0
              else f"batch would still save {shown} a month against {whom} in all")
    return (f" if batches keep {kept} real time gets ({hits.provider} provides them best-effort,"
            f" {low.removesuffix('%')}-{high}, and at {low} {at_low})")


def _money_against(a: Assessment) -> tuple[float, str] | None:
    """What the chosen option costs a month against the option it is weighed against, and
    that option in words: today's mode where it moves from one, else the cheapest other option
    that meets its contract (None: there is none, or the costs are the same). Positive: it
    costs less (a saving); negative: more."""
    mode, today, modes = a.recommendation, a.workload.current_mode, a.rules.header.modes
    choosable = _choosable(a)
    other = _weighed_against(a)
    if other is None:
        return None
    chosen, compared = a.costs[mode], a.costs[other]
    difference = compared.total_usd - chosen.total_usd
    if abs(difference) < 0.005:
        return None
    label = modes[other].label
    noun = label[0].lower() + label[1:]
    # "other" only where the chosen option meets its contract too.
    cheapest = f"the cheapest {'other ' if mode in choosable else ''}option that meets its contract"
    named = f"today's {noun}" if other == today else f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"
    whom = named if other == today else f"{named}, {cheapest}"
    # "$65", as $615 less $550: in the step of the larger of the two (the Decision's trade-off says the same).
    shown = money(abs(difference), larger(compared.total_usd, chosen.total_usd))
    said = (f"it costs {shown} a month {'less' if difference > 0 else 'more'} than {whom}"
            f" ({money(chosen.total_usd)} against {money(compared.total_usd)})")
    if difference < 0:
        return difference, said
    # The condition the saving holds on, as the Decision Outcome says it (batch's cache hits).
    said += _cache_hits_hedge(a, compared, named)
    # The saving rests on the build spread over months where the chosen option takes more to
    # build than the one it is set against (today's build is paid): how long it takes to pay back.
    months = a.pricing.amortisation_months
    payback = _payback(chosen, compared, months)
    if payback is not None:
        build, months_back = payback
        what = (_build_against_today(chosen, build) if other == today
                else f"its build, {money(build)} more than {whom.split(',')[0]}'s,")
        said += (f", with its build amortised over {months} months: {what} pays back in"
                 f" {months_back} month{'' if months_back == 1 else 's'}")
    return difference, said


def _saving(a: Assessment) -> str | None:
    """The chosen option's cost advantage, as a good consequence, where it has one: what it
    saves a month against today's mode, or, where it stays in it or there is none, against the
    cheapest other option that meets its contract; with the amortisation where the saving
    rests on a build spread over months (how long the build takes to pay back). None: no saving.

    "it costs $176 a month less than today's synchronous call ($439 against $615), with its
    build amortised over 36 months: the $4,000 its build adds to today's pays back in 14 months"."""
    against = _money_against(a)
    return against[1] if against is not None and against[0] > 0 else None


def _extra_cost(a: Assessment) -> str | None:
    """The chosen option's extra cost, as a bad consequence, against the same option a saving
    is set against (see ``_saving``), in the same words: "it costs $101 a month more than a
    synchronous call, the cheapest other option that meets its contract ($272 against $171)".
    None: it costs no more."""
    against = _money_against(a)
    return against[1] if against is not None and against[0] < 0 else None


# How the chosen option stands against its budget, as Nygard's Consequences label it (MADR
# says Good or Bad): the same sentence follows in both.
CONTRACT_LABELS = {"within": "Meets its budget", "at_risk": "At risk against its budget", "over": "Misses its budget"}


def contract_consequence(case: dict[str, Any]) -> dict[str, Any]:
    """The chosen option's first consequence, in both shipped templates: whether it meets, is
    at risk against or misses its budget, and how ("the caller gets a job id at once and the
    result after about 18.5 s at p95 plus any queue wait, over the budget of 5.00 s"), from
    its case (``_case``): MADR's "Bad, because ...", Nygard's "Misses its budget: ..."."""
    state = "within" if case["within_budget"] else "at_risk" if case["at_risk"] else "over"
    return {"good": bool(case["within_budget"]), "state": state, "label": CONTRACT_LABELS[state],
            "said": case["latency"]}


def _token_limits(cap: Capacity) -> str:
    """The token limits where the provider does not count input and output together."""
    parts = [f"{count(v)} {what}" for v, what in ((cap.input_tpm_limit, "input"), (cap.output_tpm_limit, "output"))
             if v is not None]
    return " + ".join(parts) if parts else "unknown"


def _peak_use(a: Assessment) -> str:
    """The peak against every limit the provider sets, as the cost note says it: "At peak
    (1.9 requests/min x 2 calls = 3.7 calls/min): 3.7 of 1,000 requests/min, ...; 99%
    headroom" (the text summary's figures, each limit as the provider counts it)."""
    cap, calls = a.capacity, a.latency.calls
    chain = (
        f"{count(cap.peak_rpm)} requests/min x {calls} calls = {count(cap.peak_calls_per_minute)} calls/min"
        if calls > 1 else ""
    )
    # No peak given: the figures are the monthly average's, and the line says so.
    where = "At peak" + (f" ({chain})" if chain else "") if cap.peak_given else (
        "At the monthly average (no peak given" + (f"; {chain}" if chain else "") + ")"
    )
    over = over_their_limits(cap)
    # Several models over their limits: limits_use names each with how far over it is.
    state = f"{len(over)} models over their limits" if len(over) > 1 else headroom_words(cap.headroom, cap.over_limit)
    return f"{where}: {limits_use(cap)}; {state}"


def _shutdown_risks(a: Assessment) -> list[dict[str, str]]:
    """A model its provider will shut down puts the decision itself at risk: the record says
    so among its consequences, not only among the assumptions."""
    # It starts with the provider's name ("Google (Gemini API) shuts ..."), which "because"
    # does not lower-case as it does a common noun; a name written in lower case starts with a capital.
    return [
        {"risk": f"{x.value}.", "because": f"{x.value[:1].upper()}{x.value[1:]}.",
         "mitigation": RETIRED_MODEL_MITIGATION, "source": x.source}
        for x in a.assumptions if x.name == SHUTDOWN
    ]


def _token_cost(a: Assessment) -> str:
    """What the provider's bill can be checked against: the chosen mode's tokens, per 1,000
    requests with the month beside it ("$36.00 per 1,000 requests ($2,880 a month at 80,000
    requests)"), or the month alone under 1,000 requests a month ("$1.35 a month at 100
    requests"); plus what a reasoning model reasons where it is not priced."""
    said = _bill_words(a, a.costs[a.recommendation].tokens_usd)
    peak = peak_rate(a)
    if peak is not None:  # priced at one hour, the dearest: the bill is at most this
        said += f" at {peak}"
    unpriced = a.latency.reasoning_unpriced
    if unpriced:
        said += f" plus what {' and '.join(unpriced)} {'reasons' if len(unpriced) == 1 else 'reason'} (not priced)"
    return said


def _bill_words(a: Assessment, tokens: float) -> str:
    """A monthly token bill as the confirmation says it: per 1,000 requests with the month
    beside it ("$36.00 per 1,000 requests ($2,880 a month at 80,000 requests)"), or the month
    alone under 1,000 requests a month ("$1.35 a month at 100 requests")."""
    w = a.workload
    month = f"{money(tokens)} a month at {_plural(w.requests_per_month, 'request')}"
    return (
        f"{money(tokens / w.requests_per_month * 1000)} per 1,000 requests ({month})"
        if w.requests_per_month >= 1000 else month
    )


def _flex_refusal(a: Assessment) -> str:
    """What the flex tier answers when it lacks capacity, in the provider's words from the
    provider catalogue ('429 "Resource Unavailable" (not charged)'); "a 429" where it gives none."""
    spec = a.rules.catalogue.provider(a.workload.provider)
    refusal = spec.flex.refusal.strip() if spec is not None and spec.flex is not None else ""
    return refusal or "a 429"


def _fallback_token_cost(a: Assessment) -> str:
    """The token bill at the standard tier's prices, should every call on flex fall back to it."""
    fallback = a.pricing.fallback_tokens_usd_per_month
    return "unknown (no standard price is known here)" if fallback is None else _bill_words(a, fallback)


def _not_billed(a: Assessment) -> str:
    """The rest of the chosen mode's monthly cost, which no provider's bill shows: "; the
    $3,263 a month the record counts adds $333 of amortised build and $50.00 of
    infrastructure, which are not on the provider's bill"; "" when there is none."""
    cost = a.costs[a.recommendation]
    parts = [f"{money(value)} of {what}" for value, what in
             ((cost.engineering_usd, "amortised build"), (cost.infra_usd, "infrastructure")) if value > 0]
    if not parts:
        return ""
    verb = "is" if len(parts) == 1 else "are"
    return (f"; the {money(cost.total_usd)} a month the record counts adds {' and '.join(parts)}, which {verb} not"
            " on the provider's bill")


def _watched(a: Assessment) -> tuple[list[str], dict[str, str], bool, bool]:
    """The chosen mode's confirmation lines as their variants read for this workload, one an
    item in the rule set's order, unfilled; the figures they are filled with; whether the
    estimate is within the budget; and whether it misses on a stand-in speed."""
    w, lat, cap = a.workload, a.latency, a.capacity
    cost = a.costs[a.recommendation]
    extra = budget_digits(a.facts)
    figures = {
        "budget": budget_words(a),
        "end_to_end_p95": seconds(lat.end_to_end_p95_s, extra),
        "time_to_first_token": seconds(lat.time_to_first_token_s, extra),
        "peak_rpm": count(cap.model_calls_per_minute),
        "rpm_limit": count(cap.rpm_limit) if cap.rpm_limit is not None else "unknown",
        "peak_tpm": count(cap.peak_tpm),
        "tpm_limit": count(cap.tpm_limit) if cap.tpm_limit is not None else _token_limits(cap),
        # The rule set says "peak use was estimated at {limits_use}": with no peak given, the
        # figures are the monthly average's, and they say so.
        "limits_use": limits_use(cap) + ("" if cap.peak_given else " at the monthly average, as no peak was given"),
        # Several models over their limits: {limits_use} says how far over each is.
        "headroom": "none" if len(over_their_limits(cap)) > 1 else f"none, {headroom(cap)}" if cap.over_limit
        else headroom(cap),
        "cost_per_1k": money_or_none(cost.per_1k_requests_usd),
        "token_cost": _token_cost(a),
        "not_billed": _not_billed(a),
        "monthly_cost": money(cost.total_usd),
        "requests_per_month": count(w.requests_per_month),
        "queue_drain": drained(cap) or f"never: {never_drains_why(cap)}",
        # "is back to zero never" is no sentence: the queue that never drains is said as such.
        "queue_age": (f"rises at each peak and is back to zero {after}" if (after := drained(cap)) is not None
                      else f"rises at each peak and never returns to zero ({never_drains_why(cap)})"),
        "never_drains_why": never_drains_why(cap),
        "limits_unknown": cap.limits_unknown_because or "a limit is known",
        "limit_fields": limit_fields(cap),
        "limits_page": limits_page(cap, a.rules.catalogue, w.provider),
        "flex_refusal": _flex_refusal(a),
        "fallback_token_cost": _fallback_token_cost(a),
    }
    within, latency = latency_against_budget(a, a.recommendation)
    figures["estimate"] = latency
    figures["stand_ins"] = " and ".join(lat.stand_ins) or "no model"
    # Over the budget on a stand-in speed (not a queue the rate limits build): the estimate
    # is an assumption, so the record has the call measured before it has an alert set.
    stand_in = not within and a.recommendation != "batch" and misses_on_stand_in(a) and not _queued(a)
    texts = a.rules.header.modes[a.recommendation].watch(
        cap.over_limit, cap.limits_known, held_whole(a, a.recommendation), stand_in, w.service_tier == "flex",
        never_drains=drained(cap) is None,
    )
    return texts, figures, within, stand_in


def _confirmation(a: Assessment) -> list[str]:
    """What to watch in production: the chosen mode's metrics, with this workload's figures.

    When the estimate itself already misses the budget (not a batch window, which usually
    finishes early), an alert against the budget would fire from the first day: the record
    says so and has the team alert against the estimate instead.
    """
    texts, figures, within, stand_in = _watched(a)
    latency = figures["estimate"]
    if within or stand_in or a.recommendation == "batch":
        return _with_prompt_cache(a, texts, _with_cache_hits(a, texts, [fill(text, figures) for text in texts]))
    unmet = (
        f"The estimate already misses the budget of {figures['budget']} ({latency}): an alert on the budget would"
        f" fire from the first day. {_until_met(a)}"
    )
    kept = [text for text in texts if "{budget}" not in text]
    return [unmet, *_with_prompt_cache(a, kept, [fill(text, figures) for text in kept])]


def _with_prompt_cache(a: Assessment, texts: list[str], said: list[str]) -> list[str]:
    """A real-time bill that assumes input read from the prompt cache holds only while the cache
    is hit: the share read from it is watched, next to the token bill (before the line that names
    it), with the bill should none be read (a prefix not marked for caching, a cache expired
    between calls). Batch watches its own hits per batch (_with_cache_hits)."""
    uncached = a.pricing.uncached_tokens_usd_per_month
    tokens = a.costs[a.recommendation].tokens_usd
    if a.recommendation == "batch" or uncached is None or uncached <= tokens:
        return said
    fractions = {s.cached_input_fraction for s in a.pricing.steps if s.cached_input_fraction > 0}
    assumed = (f"the {percent(next(iter(fractions)))} of input tokens" if len(fractions) == 1
               else "each step's share of input tokens")
    line = (
        f"Prompt-cache reads stay near {assumed} the estimate assumes (the cached input tokens the provider's usage"
        f" reports, over all input tokens): the token bill of {money(tokens)} a month holds only while they do, and"
        f" is {money(uncached)} with none read from the cache; alert when the share falls."
    )
    at = next((i for i, text in enumerate(texts) if "{token_cost}" in text), len(said))
    return [*said[:at], line, *said[at:]]


def _with_cache_hits(a: Assessment, texts: list[str], said: list[str]) -> list[str]:
    """A batch whose bill assumes a prompt-cache hit rate its provider provides inside a batch
    on a best-effort basis only: the hit rate of each batch is watched, next to the token bill
    (before the line that names it), against the low end the provider states and, where there
    is one, the rate below which batch costs what a synchronous call does in all (and, beside it,
    the rate at which its tokens alone do: BatchCacheHitsRisk.below_words)."""
    hits = a.pricing.batch_cache_hits
    if hits is None or a.recommendation != "batch":
        return said
    assumed = ("each step's cached share" if hits.cached_input_fraction is None
               else f"the {percent(hits.cached_input_fraction)}")
    field = hits.usage_field or "the tokens read from the cache"
    line = (
        f"Prompt-cache hits inside each batch stay near {assumed} the estimate assumes ({field} over all input tokens,"
        f" per batch): {hits.provider} provides them on a best-effort basis only, typically {percent(hits.low)} to"
        f" {percent(hits.high)}, and at {percent(hits.low)} batch's tokens would cost {hits.at_low_words()}"
    )
    where = hits.below_words()
    if where is not None:
        line += f"; alert when a batch's hit rate falls below {where}"
    at = next((i for i, text in enumerate(texts) if "{token_cost}" in text), len(said))
    return [*said[:at], f"{line}.", *said[at:]]


def rate_limit_watch(a: Assessment) -> str | None:
    """The chosen mode's line on the rate limits as the record's confirmation says it (the
    rule set's words, this workload's figures): the item with a variant for no known limit.
    None: the mode's confirmation has no such line."""
    texts, figures, _, _ = _watched(a)
    items = a.rules.header.modes[a.recommendation].confirmation
    for item, text in zip(items, texts, strict=True):
        if not isinstance(item, str) and item.limit_unknown is not None:
            return fill(text, figures)
    return None


def _queued(a: Assessment) -> bool:
    """An async job whose peak builds a queue whose last request waits past the budget (or
    that never drains), as cost-backlog-misses-budget and cost-backlog-never-drains read it."""
    wait = a.capacity.peak_worst_wait_s
    return a.recommendation == "async" and (wait is None or wait > a.workload.latency_budget_s)


def _until_met(a: Assessment) -> str:
    """What to alert on while the estimate misses the budget, and what has to change first:
    the latency where the calls are too slow; the rate limits where the queue a peak builds
    keeps its last request past the budget (async), with the ways out (a higher tier, a
    smoother peak, the Batch API for the overflow where its window fits the budget); both
    where both miss."""
    w, cap = a.workload, a.capacity
    budget = w.latency_budget_s
    slow = _judged_p95(a) > budget
    drain = cap.drain_time_s
    queued = _queued(a)
    # A call made without a queue whose peak's retries at the limits wait past the budget (or
    # never clear) misses it for the same cause as a queued job: the limits, not the latency.
    retried = _retried_at_the_limits(a)
    held = a.recommendation != "async" and (
        _never_clear(a) is not None or (retried is not None and retried > budget))
    if not queued and not held:
        return (
            "Alert when the measured p95 grows beyond the estimate, and treat the budget as unmet until the latency is"
            " cut."
        )
    over = over_their_limits(cap)
    whose = f" of {' and '.join(m.model for m in over)}" if len(cap.models) > 1 and over else ""
    ways = ["a higher account tier" if cap.tier else "higher limits from the provider"]
    if drain is not None:  # limits below the month's average rate: a smoother peak does not drain the queue
        ways.append("a smoother peak")
    window = a.facts.get("batch_window_s")
    if a.pricing.batch_available and window is not None and window <= budget:  # its results come in time
        ways.append("the Batch API for the overflow")
    said = ways[0] if len(ways) == 1 else ", ".join(ways[:-1]) + " or " + ways[-1]
    fix = f"the peak fits the rate limits{whose} ({said})"
    if cap.refused_words is not None:  # no peak, budget or batch overflow gets one request through
        ways = ["a higher account tier" if cap.tier else "higher limits from the provider", "fewer tokens per request"]
        fix = f"one request fits the per-minute token limit{whose} ({' or '.join(ways)})"
    cause = "the rate limits, not the model's speed, are the cause" if not slow else "both are the cause"
    measured = "time from submission to result" if queued else "p95"
    return (
        f"Alert when the measured {measured} grows beyond the estimate, and treat the budget as"
        f" unmet until {'the latency is cut and ' if slow else ''}{fix}: {cause}."
    )


def _judged_p95(a: Assessment) -> float:
    """The chosen option's own time set against the budget, without any wait at the rate
    limits: a stream's first token (its whole answer where the rules hold it whole), else the
    end-to-end p95."""
    lat = a.latency
    if a.recommendation == "streaming" and not held_whole(a, "streaming"):
        return lat.time_to_first_token_s
    return lat.end_to_end_p95_s


def _plain(value: float) -> str:
    """A chart bound as Mermaid reads it: digits, never an exponent (2.5e+16)."""
    return f"{value:.0f}" if value >= 1 else f"{value:.6f}".rstrip("0").rstrip(".")


def nice_ceiling(top: float) -> float:
    """A round axis maximum at least 10% above ``top``: 1, 2, 2.5 or 5 times a power of ten."""
    if top <= 0:
        return 1.0
    target = max(top, 0.01) * 1.1  # dollars: nothing below a cent is drawn
    magnitude = 10.0 ** math.floor(math.log10(target))
    for factor in (1.0, 2.0, 2.5, 5.0, 10.0):
        if magnitude * factor >= target:
            return float(f"{magnitude * factor:.6g}")  # 0.30000000000000004 -> 0.3
    return float(f"{magnitude * 10:.6g}")  # pragma: no cover - factor 10 always reaches the target


def _chart(a: Assessment) -> dict[str, Any]:
    """The cost chart's data, formatted here: a code block must not be escaped."""
    values = [round(a.costs[m].total_usd, 2) for m in MODES]
    return {
        "x_axis": Markup(", ".join(MODES)),
        "bars": Markup(", ".join(f"{v:.2f}" for v in values)),
        "y_max": Markup(_plain(nice_ceiling(max(values, default=0.0)))),
        "totals": values,
    }


def _lifecycle(a: Assessment) -> dict[str, Markup]:
    """Figures the sequence diagram annotates, formatted here: a code block must not be escaped."""
    sync_request = a.pricing.request_tokens_usd["sync"]
    batch_request = a.pricing.request_tokens_usd["batch"]
    ratio = batch_request / sync_request if sync_request else 1.0
    lat = a.latency
    return {
        "end_to_end": Markup(seconds(lat.end_to_end_p95_s)),
        "budget": Markup(budget_words(a, 0)),
        "first_token": Markup(seconds(lat.time_to_first_token_s)),
        "standard_cost": Markup("1.0x"),
        "batch_cost": Markup(f"{ratio:.2g}x"),
    }


def record_context(
    assessment: Assessment,
    *,
    number: int | None = None,
    status: str = "proposed",
    date: datetime.date | None = None,
    supersedes: RecordLink | None = None,
    template: str = "custom",
    decision_makers: list[str] | None = None,
    consulted: list[str] | None = None,
    informed: list[str] | None = None,
    workload_file: str | None = None,
) -> dict[str, Any]:
    """Everything a record template may print, as plain data (no methods to reach through)."""
    a = assessment
    mode = a.recommendation
    modes = a.rules.header.modes
    title = record_title(a)
    sources = a.rules.header.sources
    stated = statement(a, template) or statement(a, "madr")
    assert stated is not None
    crowd = {"decision_makers": decision_makers or [], "consulted": consulted or [], "informed": informed or []}
    cases = [_case(a, r.mode) for r in a.ranking]
    chosen_case = next(c for c in cases if c["mode"] == mode)
    levers_shown = _levers_shown(a)
    migration = _migration(a)
    cost_likes = cost_column_likes(a.costs[m] for m in MODES)  # each cost column's largest figure
    key_assumptions = _key_assumptions(a)
    # The same, each a sentence: the shipped templates list them, one bullet each.
    assumption_sentences = [f"{x[0].upper()}{x[1:]}." for x in key_assumptions]
    return {
        "record": {
            "number": number if number is not None else 1,
            "title": title,
            "date": (date or today()).isoformat(),
            "status": status,
            "people": crowd,
            "people_line": " ".join(
                f"{label}: {', '.join(crowd[key])}." for key, label in
                (("decision_makers", "Decision-makers"), ("consulted", "Consulted"), ("informed", "Informed"))
                if crowd[key]
            ),
            "front_matter": {key: _front_matter_list(names) for key, names in crowd.items()},
            "supersedes": None if supersedes is None else {
                "number": supersedes.number, "title": supersedes.title, "file": supersedes.file,
                "link": Markup(supersedes.text),
                # What it chose, and what has changed since (None: unknown).
                "changed": _since_superseded(a, supersedes),
            },
        },
        "workload": a.workload.model_dump(mode="json"),
        # The description's paragraphs, Markdown-escaped, a blank line between them (a paragraph a
        # reader of the record would take as its own word, "Chosen option: ...", joins the one before).
        "description": markdown.paragraphs(
            a.workload.description, apart=lambda text: not reads_as_the_records_own(text)
        ),
        "words": _workload_words(a),
        "drivers": _drivers(a),
        "axes_in_words": axes_in_words(len(a.axes)),
        "options": _options(a),
        "chosen": {
            "mode": mode,
            "label": modes[mode].label,
            "phrase": modes[mode].phrase,
            "verb": modes[mode].verb,
            "statement": Markup(stated.decision),
            "contract": a.contract,
            "reason": a.reason,
            "because": _lower_first(a.reason),
            "feasible": a.feasible,
            "infeasible_reason": a.infeasible_reason,
            # "Not feasible as specified", and where the miss is on a stand-in speed, so said.
            "not_feasible": not_feasible_label(a),
            # Where it meets its contract on a model timed at a stand-in: why that is only as
            # good as the assumed speed (None: it does not rest on one).
            "stand_in": feasible_on_stand_in(a),
            "feasible_on_stand_in": FEASIBLE_ON_STAND_IN,
            # Each model of the workload its provider will shut down: the date, what then becomes
            # of a request, and that the costs hold only until then (the text summary's
            # "Model retiring" headline, said where the board reads the decision).
            "retiring": retiring(a),
            # Where money and mode seem to disagree (it costs more than today's mode or a
            # cheaper one), one sentence on why.
            "tradeoff": tradeoff_in_words(a, allowed_only=True),
            # Where batch is chosen and saves: the saving net of its build, beside a reason that
            # speaks of its token discount (None elsewhere).
            "net_saving": _net_saving(a),
            # Its cost advantage, a good consequence (None: it has none).
            "saving": _saving(a),
            # Its extra cost against the same option, a bad consequence (None: it costs no more).
            "extra_cost": _extra_cost(a),
            "decided_by": list(a.decided_by),
            "patterns": [{**p.model_dump(mode="json"), "source": cite(p.source, sources)} for p in a.patterns],
            "excluded": [e.model_dump(mode="json") for e in a.excluded],
        },
        "mode_labels": {m: modes[m].label for m in MODES},
        "mode_phrases": {m: modes[m].phrase for m in MODES},
        "costs": [
            {**to_jsonable_python(a.costs[m]), "label": modes[m].label, "chosen": m == mode,
             "current": m == a.workload.current_mode,
             # What the considered options say of it, so the table alone does not offer a saving
             # the rules forbid ("ruled out", "misses its contract"; None: chosen or ranked).
             "mark": next((c["verdict"] for c in cases if c["mode"] == m
                           and c["verdict"] in ("ruled out", "misses its contract")), None),
             # The larger of the two monthly costs the saving against today is the difference of.
             "saving_like_usd": None if a.workload.current_mode is None else larger(
                 a.costs[a.workload.current_mode].total_usd, a.costs[m].total_usd)}
            for m in MODES
        ],
        # Each cost column's largest figure, whose step the column's figures are shown in.
        "cost_likes": cost_likes,
        # The line under the cost table where a row's figures as shown miss its total (None: none does).
        "rounding_note": rounding_note((a.costs[m] for m in MODES),
                                       None if a.workload.current_mode is None else a.costs[a.workload.current_mode],
                                       [(a.costs[c["mode"]], a.costs[c["priced_against"]])
                                        for c in cases if c["priced_against"] is not None],
                                       likes=cost_likes),
        "chart": _chart(a),
        "pricing": a.pricing.model_dump(mode="json"),
        "assumptions": [x.model_dump(mode="json") for x in a.assumptions],
        "latency": to_jsonable_python(a.latency),
        "capacity": to_jsonable_python(a.capacity),
        # The steps of a workload that gives them (empty for the single-call shorthand): one row
        # each, the distribution in a line, a Mermaid Gantt of one request (code: not escaped).
        # "(read as it appears)" marks the step a person reads; a pipeline's result is read by no one as it comes.
        "steps": [row.__dict__ | {"name": markdown.cell(row.name), "model": markdown.cell(row.model),
                                  "shown": row.shown and a.workload.interaction in WATCHED}
                  for row in step_rows(a)] if a.workload.steps is not None else [],
        "distribution": distribution_line(a),
        "distribution_rows": [
            row.__dict__ | {"what": markdown.cell(row.what)} for row in distribution_rows(a)
        ] if a.workload.steps is not None else [],
        "steps_rounding_note": steps_rounding_note(a) if a.workload.steps is not None else None,
        "correlation": plain(a.latency.latency_correlation),
        "gantt": Markup(chart) if a.workload.steps is not None and (chart := gantt(a)) else None,
        "per_request": per_request(a),
        # Why the token bill leaves out reasoning the latency waits for (None: it does not).
        "reasoning_unpriced": reasoning_unpriced(a.latency.reasoning_unpriced, a.pricing.unpriced_reasoning),
        # Where a price depends on the hour: the off-peak hours, their prices and a job's month there.
        "off_peak_note": off_peak_note(a, lambda m: a.rules.header.modes[m].label),
        "calls_per_minute": a.capacity.model_calls_per_minute,
        "peak_use": _peak_use(a),
        "lifecycle": _lifecycle(a),
        "risks": [
            *_shutdown_risks(a),
            *({**r.model_dump(mode="json"), "because": _lower_first(r.risk), "source": cite(r.source, sources)}
              for r in a.risks),
        ],
        "checklist": list(a.checklist),
        "migration": migration,
        "confirmation": _confirmation(a),
        "what_would_change": [c.model_dump(mode="json") for c in a.what_would_change],
        # The levers (what would make it feasible or cheaper) beside the decision; the what-ifs
        # that change the mode, or make a recommendation that misses its contract meet it, and
        # that no lever already says.
        "levers": [lever.model_dump(mode="json") for lever in a.levers],
        "levers_shown": [lever.model_dump(mode="json") for lever in levers_shown],
        "levers_note": levers_note(levers_shown, a.workload.output_format == "embedding"),
        # The recommended mode run in a provider's off-peak hours, where it can be scheduled
        # into them (a sentence, said before the levers; None: no such hours, or no job).
        "off_peak": a.off_peak.because if a.off_peak is not None else None,
        "what_would_change_unlike_levers": [{**c.model_dump(mode="json"), "specified": as_specified(a, c)}
                                            for c in _changes_unlike_levers(a)],
        "ruleset": a.ruleset.model_dump(mode="json"),
        "advisor_version": a.advisor_version,
        "price_date": a.pricing.price_date.isoformat(),
        "price_data_version": a.pricing.data_version,
        "inputs_block": inputs_block(a, template, workload_file),
        # The workload file it was written from, relative to the record's folder (None: not from a file).
        "workload_file": workload_file,
        # The case for each option (ranking order), argued from the assessment.
        "cases": cases,
        "chosen_case": chosen_case,
        # The chosen option against its budget: the first consequence in either template.
        "contract_consequence": contract_consequence(chosen_case),
        # A ruled-out option that scores above one ranked before it: the record says why it still lost.
        "outscored": any(
            c["ruled_out"] and c["score"] > other["score"] for c in cases for other in cases if not other["ruled_out"]
        ),
        "fired": _fired(a, {rule for c in cases for rule in c["quoted"]}),
        "key_assumptions": key_assumptions,
        "assumption_sentences": assumption_sentences,
        "assumptions_text": " ".join(assumption_sentences),
        "limits_source": cite(a.capacity.limits_source, sources),
        "limits_unknown_because": a.capacity.limits_unknown_because,  # None when a limit is known
        "batch_source": cite(a.pricing.batch_source, sources),  # kept for templates of one's own
        "batch_prices": batch_prices(a.pricing),
        # Whose prices: the one model, or each step's own where the steps run on several.
        "prices_of": prices_of(a.pricing),
        "sources": cited_titles(
            [r.source for r in a.fired_rules] + [r.source for r in a.risks] + [p.source for p in a.patterns]
            + [x.source for x in a.assumptions] + [a.capacity.limits_source]
            + (migration["sources"] if migration is not None else []),
            sources,
        ),
    }


def statement(assessment: Assessment, template: str) -> Statement | None:
    """What a shipped template states the decision to be, as Markdown: its title (the H1,
    without Nygard's number) and how the line that states the choice begins. The templates
    print these very strings; verify holds the record's text to them."""
    a = assessment
    title = str(markdown.inline(record_title(a)))
    mode = a.rules.header.modes[a.recommendation]
    if template == "madr":
        return Statement(title=title, decision=f'Chosen option: "{markdown.inline(mode.label)}"')
    if template == "nygard":
        verb, code = markdown.inline(mode.verb), markdown.code(a.recommendation)
        return Statement(title=title, decision=f"We will {verb} ({code}")
    return None


def inputs_block(assessment: Assessment, template: str = "custom", workload_file: str | None = None) -> Markup:
    """The fenced YAML block that ``advisor verify`` reads back."""
    body = inputs_yaml(
        assessment, template=template if template in TEMPLATES else "custom", statement=statement(assessment, template),
        workload_file=workload_file,
    )
    # The fence is longer than any backtick run in the YAML, so no value can close it early.
    ticks = markdown.fence(body)
    return Markup(f"{ticks}yaml\n{body}{ticks}")


def people(names: Iterable[str] | None, field: str) -> list[str]:
    """Names for MADR's front matter: each on one line, none empty, each once; "A, B" gives two. Each is
    a name as a workload's is (nothing that repaints a terminal or reorders what is shown)."""
    out: list[str] = []
    if isinstance(names, str):  # "Ana Lima, Ben Okafor", as --decision-makers takes them: two names, not letters
        names = [names]
    if not isinstance(names, Iterable | None) or isinstance(names, Mapping | bytes):
        raise InputError(f"expected names as text or a list of them (got {type(names).__name__})", field=field)
    for entry in names or ():
        if not isinstance(entry, str):
            raise InputError(f"expected names as text (got {type(entry).__name__})", field=field)
        for name in entry.split(","):
            name = " ".join(name.split())
            if not name:
                continue
            if len(name) > _NAME_MAX:
                raise InputError(f"a name is longer than {_NAME_MAX} characters", field=field)
            try:
                name = check_name(name)
            except ValueError as exc:
                raise InputError(f"{exc} (got {name!r})", field=field) from None
            if name not in out:  # a person given twice (a script's list and the user's) is one person
                out.append(name)
    return out


def _front_matter_list(names: list[str]) -> Markup:
    """A YAML flow list that any YAML reader parses back to exactly these names."""
    return Markup(json.dumps(names, ensure_ascii=False))


def _as_date(value: datetime.date | str | None) -> datetime.date:
    """A record's date: a datetime.date or text YYYY-MM-DD (``core.clock.as_date``, as every
    date advisor takes), else today; a datetime gives its day (a record is dated by the day)."""
    if value is None:
        return today()
    if isinstance(value, datetime.datetime):
        return value.date()
    return as_date(value, field="date")


def _check_workload_file(assessment: Assessment, workload_file: object) -> None:
    """The workload file must hold the workload assessed, or the record would drift at once."""
    if not isinstance(workload_file, (str, os.PathLike)):
        raise InputError(
            f"expected the path of the workload file (got {type(workload_file).__name__})", field="workload_file"
        )
    on_file = workload_data(load_profile(Path(workload_file)))
    assessed = workload_data(assessment.workload)
    if on_file != assessed:
        fields = ", ".join(field for field, _, _ in changed_fields(assessed, on_file))
        raise InputError(
            f"does not hold the workload assessed (it differs in {fields}): assess the file, then record it",
            source=str(workload_file), field="workload_file",
        )


def workload_file_named(workload_file: str | os.PathLike[str], directory: str | Path) -> bool:
    """Does a record written into ``directory`` name ``workload_file``? It does unless no
    relative path leads from the folder to the file (Windows: another drive; a file name
    that is not UTF-8 text), or the file is no regular file inside the repository that holds
    the folder (advisor.records.workload.recorded_path_refusal)."""
    return recorded_path(workload_file, directory) is not None


def _check_assessment(assessment: object) -> None:
    if not isinstance(assessment, Assessment):
        raise InputError(
            f"expects an Assessment, as advisor.assess(profile) returns (got {type(assessment).__name__})",
            field="assessment",
        )


def _check_record_number(value: object, field: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_RECORD_NUMBER:
        raise InputError(f"must be a record number from 1 to {MAX_RECORD_NUMBER:,} (got {given(value)})", field=field)


def render_adr(
    assessment: Assessment,
    *,
    template: str = "madr",
    status: str = "proposed",
    date: datetime.date | str | None = None,
    number: int | None = None,
    supersedes: int | RecordLink | None = None,
    decision_makers: Iterable[str] | None = None,
    consulted: Iterable[str] | None = None,
    informed: Iterable[str] | None = None,
    workload_file: str | None = None,
) -> str:
    """The decision record of an assessment as Markdown.

    ``template`` is ``madr`` (MADR 4), ``nygard`` (as adr-tools writes it) or the path of
    a Jinja2 template (rendered in a sandbox; it must write ``{{ inputs_block }}`` once, as
    given, or the record is refused: verify checks a record from them). ``status`` is one
    of MADR's: proposed, accepted, rejected, deprecated, superseded. ``decision_makers``, ``consulted`` and
    ``informed`` fill MADR's front matter (names; "A, B" is two). ``date`` defaults to
    today (UTC); ``number`` (Nygard's ``# N. Title``) to 1. ``workload_file`` is the path of
    the workload file the assessment came from as the record names it: relative to the folder
    the record goes into, with ``/`` separators (``write_adr`` works it out from the file's
    path); verify then reads that file too. Same assessment and arguments, same bytes.
    """
    _check_assessment(assessment)
    check_type(template, (str, os.PathLike), "template", "madr, nygard or the path of a Jinja2 template")
    template = os.fspath(template)  # a Path names the file in a message as text does
    if status not in STATUSES:
        raise InputError(f"must be one of {', '.join(STATUSES)} (got {status!r})", field="status")
    for field, value in (("number", number), ("supersedes", supersedes)):
        if value is None or (isinstance(value, RecordLink) and field == "supersedes"):
            continue
        _check_record_number(value, field)
    if workload_file is not None and not isinstance(workload_file, str):
        raise InputError(
            f"must be a path relative to the record's folder, as text (got {type(workload_file).__name__})",
            field="workload_file",
        )
    link = RecordLink(supersedes) if isinstance(supersedes, int) else supersedes
    context = record_context(
        assessment, number=number, status=status, date=_as_date(date), supersedes=link,
        template=template if template in TEMPLATES else "custom",
        decision_makers=people(decision_makers, "decision-makers"), consulted=people(consulted, "consulted"),
        informed=people(informed, "informed"), workload_file=workload_file,
    )
    if template in TEMPLATES:
        return render_shipped(TEMPLATES[template], context)
    text = render_user_template(template, context, tuple(TEMPLATES))
    blocks = input_blocks(text)
    if len(blocks) != 1 or blocks[0].body != find_inputs(context["inputs_block"]):
        # verify reads the inputs back; a record without them would be skipped, never checked.
        written = {0: "none", 1: "one, changed"}.get(len(blocks), str(len(blocks)))
        raise InputError(
            f"the template must write the record's inputs once, as {{{{ inputs_block }}}} gives them (it writes "
            f"{written}): advisor verify checks a record from them, so no record is written without them",
            source=template,
        )
    return text


def write_adr(
    assessment: Assessment,
    directory: str | Path = DEFAULT_DIR,
    *,
    template: str = "madr",
    status: str = "proposed",
    date: datetime.date | str | None = None,
    supersedes: int | None = None,
    force: bool = False,
    decision_makers: Iterable[str] | None = None,
    consulted: Iterable[str] | None = None,
    informed: Iterable[str] | None = None,
    workload_file: str | os.PathLike[str] | None = None,
) -> Path:
    """Write the record as ``NNNN-title-slug.md`` with a number no other record has; return its path.

    Never overwrites; the file appears whole or not at all, and parallel runs into one
    folder get distinct numbers. ``supersedes=N`` marks record N as superseded by the new
    one (rewritten atomically) and links back to it; N must be a regular file that is not
    superseded yet and, when advisor wrote it, about the same workload (``force=True``, only
    with ``supersedes``, supersedes a record about another workload; it never overwrites).

    ``workload_file``: the workload file the assessment came from (``advisor adr FILE``'s
    FILE). It must hold the assessed workload; the record names it relative to its folder,
    so that ``advisor verify`` checks the record against the file as it is then. Without it
    (or when no relative path leads to it: see ``workload_file_named``) the record names
    no file and verify checks its own inputs only.
    """
    _check_assessment(assessment)
    check_type(directory, (str, os.PathLike), "directory", "the path of the decisions folder")
    # force lifts a safety check: "false" from a config file must not be taken for True.
    check_type(force, bool, "force", "True or False")
    if force and supersedes is None:
        raise InputError("only applies with supersedes (a record is never overwritten)", field="force")
    if supersedes is not None:
        _check_record_number(supersedes, "supersedes")
    title = record_title(assessment)
    crowd = {"decision_makers": decision_makers, "consulted": consulted, "informed": informed}
    if workload_file is not None:
        _check_workload_file(assessment, workload_file)

    def render(number: int, superseded: RecordLink | None) -> str:
        # Worked out once the folder exists, from its real path: where the record really goes.
        named = None if workload_file is None else recorded_path(workload_file, directory)
        return render_adr(
            assessment, template=template, status=status, date=date, number=number, supersedes=superseded,
            workload_file=named, **crowd,
        )

    return write_record(
        directory, stem=markdown.slug(title), title=str(markdown.inline(title)), render=render, supersedes=supersedes,
        workload=assessment.workload.name, force=force,
    )
