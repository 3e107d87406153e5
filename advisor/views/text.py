"""The plain-text summary of an assessment, as ``advisor recommend`` prints it."""

from __future__ import annotations

import re
import textwrap

from advisor.core.assessment import FEASIBLE_ON_STAND_IN, Assessment, feasible_on_stand_in, not_feasible_label
from advisor.core.capacity import Capacity
from advisor.core.cost import CACHE_MINIMUM, ModeCost
from advisor.core.levers import unset_words
from advisor.core.profile import WATCHED
from advisor.core.provider import batch_window_words

from .formatting import (
    as_specified,
    at_risk_sentence,
    batch_prices,
    budget_digits,
    budget_lines,
    budget_words,
    caller_timeout_line,
    calls_p95,
    count,
    count_from,
    decisive_first,
    larger,
    levers_note,
    measured_sentence,
    money,
    money_or_none,
    move_in_words,
    off_peak_note,
    percent,
    priced_models,
    reasoning_unpriced,
    retiring,
    rounding_note,
    rule_role,
    saving_cell,
    seconds,
    setting,
    tradeoff_against,
    tradeoff_in_words,
    usual_batch,
)
from .limits import batch_files, drained, model_summary, never_drains_why, peak_summary
from .sources import cite
from .steps import distribution_line, step_rows

WIDTH = 100


# A figure and its unit stay on one line ("0.70 s", "5 min", "8 h"): joined by a character
# no text contains while the paragraph is wrapped.
_GLUE = "\x00"
_UNIT = re.compile(r"(?<=\d) (?=(?:s|ms|min|h|days)\b)")


def _wrap(text: str, indent: str = "    ", hang: str = "") -> str:
    """A paragraph wrapped at WIDTH; ``hang`` indents its later lines further."""
    glued = _UNIT.sub(_GLUE, " ".join(text.split()))
    return textwrap.fill(
        glued, WIDTH, initial_indent=indent, subsequent_indent=indent + hang, break_on_hyphens=False
    ).replace(_GLUE, " ")


def plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def backlog_words(cap: Capacity) -> str:
    """The backlog a peak builds, how long its last request waits (first in first out) and when
    the queue is empty again, or that there is none. With no peak given the figures are the
    monthly average's, and the words say so, as the heading above them does."""
    where, what = ("at peak", "the peak") if cap.peak_given else ("at the monthly average", "it")
    if cap.backlog_requests <= 0:
        return f"backlog {where}: none (the rate limits hold {what})" if cap.limits_known else (
            f"backlog {where}: unknown (no rate limit known)"
        )
    after = drained(cap)
    wait = cap.peak_worst_wait_s
    drain = (
        f"the last of them waits {seconds(wait)} (first in first out), and the queue drains {after}"
        if after is not None and wait is not None else f"never drains: {never_drains_why(cap)}"
    )
    return (
        f"backlog {where}: {count(cap.backlog_requests)} requests queued after {count(cap.peak_minutes)} min"
        f" (the limits let {count(cap.sustainable_rpm or 0)} requests/min through); {drain}"
    )


def render_text(a: Assessment) -> str:
    w, modes = a.workload, a.rules.header.modes
    sources = a.rules.header.sources
    lines: list[str] = []
    add = lines.append
    add(f"{w.name}: {a.recommendation.upper()} ({a.contract} contract)")
    add(_wrap(a.reason, "  "))
    if a.feasible:
        at_risk = at_risk_sentence(a)
        if at_risk:  # as the record says it: a batch whose window outlasts the budget is at risk against it
            add(_wrap(at_risk, "  "))
        elif stand_in := feasible_on_stand_in(a):  # as the not-feasible verdict says it: the speed is assumed
            add(_wrap(f"{FEASIBLE_ON_STAND_IN}: {a.recommendation} meets its contract for this workload, but "
                      f"{stand_in}", "  "))
        else:
            add(_wrap(f"Feasible: {a.recommendation} meets its contract for this workload.", "  "))
    else:
        label = not_feasible_label(a).replace("Not feasible", "NOT FEASIBLE", 1)
        add(_wrap(f"{label}: {a.infeasible_reason or ''}", "  "))
    if a.decided_by:
        add(f"  Decided by: {', '.join(a.decided_by)}")
    for said in retiring(a):
        add(_wrap(f"Model retiring: {said}", "  "))
    move = move_in_words(a)
    set_against: list[tuple[ModeCost, ModeCost]] = []
    if w.current_mode and move is not None:
        old, new = modes[w.current_mode], modes[a.recommendation]
        add(_wrap(
            f"Today it runs as {old.phrase} ({w.current_mode}) at {money(a.costs[w.current_mode].total_usd)} a month:"
            f" move to {new.phrase} ({a.recommendation}), {move}.",
            "  ",
        ))
    elif (tradeoff := tradeoff_in_words(a, allowed_only=True)) is not None:  # a dearer mode chosen: why
        add(_wrap(tradeoff, "  "))
        # The difference it says: the note under the cost table covers it.
        if (traded := tradeoff_against(a, allowed_only=True)) is not None:
            set_against.append((a.costs[a.recommendation], a.costs[traded]))
    add("")

    add("Ranking (weighted score; " + ", ".join(f"{x.name} x{x.weight:g}" for x in a.axes) + ")")
    for r in a.ranking:
        scores = "  ".join(f"{axis}={score:+g}" for axis, score in r.axis_scores.items() if score)
        flag = "  EXCLUDED" if r.excluded else ""
        add(f"  {r.rank}. {r.mode:<10} {r.total:+7.1f}{flag}  {scores}".rstrip())  # no scores: nothing after
    if a.excluded:
        add("")
        add("Excluded")
        for e in a.excluded:
            add(f"  {e.mode} ({modes[e.mode].label}): {', '.join(e.rules)}")
    if a.unmet:
        add("")
        add("Missing their contract")
        for e in a.unmet:
            add(_wrap(f"{e.mode} ({modes[e.mode].label}): {e.reasons[0]} ({', '.join(e.rules)})", "  "))
    if a.off_peak is not None:  # priced in the off-peak hours, not re-run: said apart from the levers
        add("")
        add("Off-peak hours (the same cost model, the tokens at those hours' prices)")
        add(f"  {', '.join(a.off_peak.windows_utc)} UTC -> {a.off_peak.mode}")
        add(_wrap(a.off_peak.because))
    if a.levers:
        add("")
        add(_wrap(f"Levers ({levers_note(a.levers, a.workload.output_format == 'embedding')})", ""))
        for lever in a.levers:
            changes = ", ".join(
                f"{field} = {setting(value, field)}" if value is not None
                # a measurement or limit of the model it replaces, left out: what is used instead
                else f"{field} unset ({unset_words(a.rules.catalogue, w, lever.changes, field)})"
                for field, value in lever.changes.items()
            )
            feasible = "" if lever.feasible else " (not feasible)"
            add(f"  {changes} -> {lever.recommendation}{feasible}")
            add(_wrap(lever.because))
    if a.patterns:
        add("")
        add("Complementary patterns")
        for p in a.patterns:
            add(f"  {p.name} ({cite(p.source, sources)})")
            add(_wrap(p.description))
    add("")

    lat = a.latency
    verdict = "within" if lat.within_budget else "OVER"
    add("Latency")
    tools = sum(s.calls * s.tool_latency_s for s in lat.steps)
    extra = budget_digits(a.facts)  # a time that would read as the budget gets the digits to tell it apart
    e2e, budget = seconds(lat.end_to_end_p95_s, extra), budget_words(a)
    if w.steps is None:
        exact, calls, why = calls_p95(lat, w.retry_rate, extra=extra)
        made = f"= {calls}" if exact else f"for {calls} ({why})"
        add(f"  end-to-end p95 {e2e} {made}; budget {budget} ({verdict} budget)")
    else:
        add(
            f"  end-to-end p95 {e2e}: {plural(len(lat.steps), 'step')},"
            f" {plural(lat.calls, 'call')}{f', {seconds(tools)} tools' if tools else ''};"
            f" budget {budget} ({verdict} budget)"
        )
    add(f"  {distribution_line(a)}")
    if caller := caller_timeout_line(a):
        add(_wrap(caller[0].lower() + caller[1:], "  ", "  "))
    if a.recommendation == "batch" and (window := a.facts.get("batch_window_s")) is not None:
        # The figures above are a direct call's; a batch's results come by its window.
        words = batch_window_words(window, w.latency_budget_s, lat.calls, extra=extra, lines=budget_lines(a),
                                   usual_s=usual_batch(a))
        add(_wrap(f"as a batch: {words}", "  "))
    if w.evidence is not None:
        add(_wrap(measured_sentence(w.evidence)))
    if w.steps is not None:
        add("  steps (one call of each, p50 / p95; tools per call; tokens per call; tokens a month):")
        width = max(len(row.name) for row in step_rows(a)) + 2
        for row, step in zip(step_rows(a), lat.steps, strict=True):
            name = f"{row.name}{' *' if row.shown else ''}"
            calls = f"{row.calls} call{'s' if row.calls > 1 else ''}"
            tooled = f", tools {row.tools}" if step.tool_latency_s else ""  # a step without tools says none
            add(
                f"    {name:<{width}} {row.model}, {calls}: {row.call_p50} / {row.call_p95}{tooled};"
                f" {row.tokens}; {row.monthly}"
            )
        if w.interaction in WATCHED:
            add("    (* the step whose output the person reads as it appears)")
        else:
            add("    (* the step whose output is the request's result)")
    add("")

    pricing = a.pricing
    models = priced_models(pricing)
    whose = (
        f"{models[0]}, prices" if len(models) == 1
        else f"each step at its own model's prices: {', '.join(models[:-1])} and {models[-1]},"
    )
    add(
        f"Cost per month at {plural(w.requests_per_month, 'request')} ({whose} as of "
        f"{pricing.price_date}, {pricing.data_version}; {batch_prices(pricing)})"
    )
    unpriced = reasoning_unpriced(lat.reasoning_unpriced, a.pricing.unpriced_reasoning)
    if unpriced is not None:  # the latency waits for the reasoning; the bill below has none of it
        add(_wrap(f"reasoning tokens not priced: {unpriced}", "  ", hang="  "))
    today = w.current_mode
    against = "  vs today" if today else ""
    add(
        f"  {'mode':<10} {'tokens':>12} {'infra':>9} {'build/mo':>9} {'monthly cost':>13} {'per 1K req':>11}{against}"
    )
    ruled_out, missing = {x.mode for x in a.excluded}, {x.mode for x in a.unmet}
    for mode, cost in a.costs.items():
        build = "paid" if mode == today else money(cost.engineering_usd)
        line = (
            f"  {mode:<10} {money(cost.tokens_usd):>12} {money(cost.infra_usd):>9} {build:>9}"
            f" {money(cost.total_usd):>13} {money_or_none(cost.per_1k_requests_usd):>11}"
        )
        if today:
            against = saving_cell(cost.saving_vs_current_usd, larger(a.costs[today].total_usd, cost.total_usd))
            line += f"  {'today' if mode == today else against:<16}"
        if mode == a.recommendation:
            line += "  <- recommended"
        elif mode in ruled_out:  # marked as the record's cost table marks it: no saving the rules forbid
            line += "  (ruled out)"
        elif mode in missing:
            line += "  (misses its contract)"
        if mode == "batch" and not pricing.batch_available:
            line += "  (no batch API: standard prices)"
        add(line.rstrip())
    rounded = rounding_note(a.costs.values(), None if today is None else a.costs[today], set_against)
    if rounded is not None:  # a row whose figures as shown miss its total by a rounding
        add(f"  {rounded}")
    flex = a.costs["async"].flex_total_usd
    if flex is not None:
        add(f"  async on the flex tier (slower, may be unavailable at times): {money(flex)} a month in total")
    off_peak = off_peak_note(a)
    if off_peak is not None:
        add(_wrap(off_peak, "  ", hang="  "))
    fallback = pricing.fallback_tokens_usd_per_month
    if fallback is not None:  # flex refuses calls at times: each that falls back pays the standard price
        add(_wrap(f"on the flex tier, which refuses calls when it lacks capacity: {money(fallback)} a month in tokens"
                  " at standard prices if every call falls back to the standard tier", "  "))
    hits = pricing.batch_cache_hits
    if hits is not None:  # its provider does not promise the workload's hit rate inside a batch
        add(_wrap(f"batch's tokens at {percent(hits.low)} of input cached, the low end of the cache hits"
                  f" {hits.provider} provides in a batch (best-effort, typically {percent(hits.low)} to"
                  f" {percent(hits.high)}): {hits.at_low_words()}", "  "))
    for note in (x for x in a.assumptions if x.name == CACHE_MINIMUM):  # cached below what the provider caches
        add(_wrap(f"{note.name}: {note.value} [{cite(note.source, sources)}]", "  ", hang="  "))
    breakeven = pricing.batch_breakeven_requests_per_month
    paid = f"; {today}'s build is paid (it runs today)" if today else ""
    reused = next((cost.build_reused for cost in a.costs.values() if cost.build_reused is not None), None)
    if today and reused is not None:  # a move pays only what its build adds (advisor.core.cost.move_build)
        paid += (", and another mode counts only what its build adds to " +
                 ("it" if reused == today else f"the {reused} build within it"))
    if breakeven is not None:
        pays = f"batch pays for itself from {count_from(breakeven)} requests/month"
    else:  # no saving a request: at no volume does batch pay back its build
        pays = "batch never pays for itself" + ("" if pricing.batch_available else " (no batch API: no discount)")
    add(
        f"  build cost amortised over {pricing.amortisation_months} months"
        f" at {money(pricing.usd_per_person_week)}/person-week{paid}; {pays}"
    )
    add("")

    cap = a.capacity
    add(f"Capacity {cap.figures_taken}")
    if lat.calls > 1:
        add(f"  {count(cap.peak_rpm)} requests/min x {lat.calls} calls = {count(cap.peak_calls_per_minute)} calls/min")
    # A batch runs under limits of its own: the real-time limits are said as such, not as a
    # limit the recommendation is over.
    real_time = "real-time limits (batch runs under its own): " if a.recommendation == "batch" else ""
    add(f"  {real_time}{peak_summary(cap)}")
    for other in cap.models if len(cap.models) > 1 else ():
        if other.model != cap.model:
            add(f"  {model_summary(other)}")
    add(f"  limits: {cite(cap.limits_source, sources)}")
    add(f"  {'real-time ' if real_time else ''}{backlog_words(cap)}")
    add(f"  {count(cap.concurrent_connections)} concurrent connections for sync/streaming (Little's law)")
    busy = "at peak" if cap.peak_given else "at the monthly average"
    add(f"  {count(cap.async_workers_at_peak)} async workers busy {busy} (Little's law on the mean request time)")
    if a.recommendation == "batch" and a.pricing.batch_available:
        # The batch's own limits: how many batches the month takes, and the queue, not checked.
        files = batch_files(cap)
        queue = "its batch queue limit is not checked (see the assumptions)"
        add(_wrap(f"batch: {files}; {queue}" if files else f"batch: {queue}", "  "))
    add("")

    add("Why (rules that fired)")
    for rule in decisive_first(a):
        add(f"  [{rule.axis}] {rule.id} ({rule_role(a, rule)}): {rule.title}")
        add(_wrap(rule.because))
        add(f"    source: {cite(rule.source, sources)}")
    if a.what_would_change:
        add("")
        add("What would change the decision")
        for ch in a.what_would_change:
            feasible = "" if ch.feasible else " (not feasible)"
            # The value as specified beside the new one, as the record says it: how far the decision is from changing.
            add(f"  {ch.fact} = {setting(ch.value, ch.fact)}, instead of {as_specified(a, ch)}"
                f" -> {ch.new_recommendation}{feasible}: {ch.because}")
    add("")
    add("Assumptions")
    for asm in a.assumptions:
        add(f"  - {asm.name}: {cite(asm.value, sources)} [{cite(asm.source, sources)}]")
    add("")
    add(f"Rule set {a.ruleset.id} {a.ruleset.version} (sha256 {a.ruleset.hash[:12]}), advisor {a.advisor_version}")
    return "\n".join(lines) + "\n"
