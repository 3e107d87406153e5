"""The plain-text summary of an assessment, as ``advisor recommend`` prints it."""

from __future__ import annotations

import textwrap

from advisor.core.assessment import Assessment

from .formatting import money, percent, seconds
from .sources import cite

WIDTH = 100


def _wrap(text: str, indent: str = "    ") -> str:
    return textwrap.fill(" ".join(text.split()), WIDTH, initial_indent=indent, subsequent_indent=indent)


def render_text(a: Assessment) -> str:
    w, modes = a.workload, a.rules.header.modes
    sources = a.rules.header.sources
    lines: list[str] = []
    add = lines.append
    add(f"{w.name}: {a.recommendation.upper()} ({a.contract} contract)")
    add(_wrap(a.reason, "  "))
    if a.decided_by:
        add(f"  Decided by: {', '.join(a.decided_by)}")
    if w.current_mode and w.current_mode != a.recommendation:
        saving = a.costs[a.recommendation].saving_vs_current_usd or 0.0
        if saving > 0:
            note = f", saving {money(saving)} a month (its build amortised)"
        elif saving < 0:
            note = f", at {money(-saving)} a month more (its build amortised; today's is already paid)"
        else:
            note = ""
        old, new = modes[w.current_mode], modes[a.recommendation]
        add(f"  Today it runs as {old.phrase} ({w.current_mode}): move to {new.phrase} ({a.recommendation}){note}.")
    add("")

    add("Ranking (weighted score; " + ", ".join(f"{x.name} x{x.weight:g}" for x in a.axes) + ")")
    for r in a.ranking:
        scores = "  ".join(f"{axis}={score:+g}" for axis, score in r.axis_scores.items() if score)
        flag = "  EXCLUDED" if r.excluded else ""
        add(f"  {r.rank}. {r.mode:<10} {r.total:+7.1f}{flag}  {scores}")
    if a.excluded:
        add("")
        add("Excluded")
        for e in a.excluded:
            add(f"  {e.mode} ({modes[e.mode].label}): {', '.join(e.rules)}")
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
    add(
        f"  end-to-end p95 {seconds(lat.end_to_end_p95_s)} = {w.chained_calls} x {seconds(lat.per_call_p95_s)}"
        f" per call + {seconds(w.tool_latency_s)} tools; budget {seconds(w.latency_budget_s)} ({verdict} budget)"
    )
    add(f"  first visible token when streaming: {seconds(lat.time_to_first_token_s)}")
    add("")

    pricing = a.pricing
    add(
        f"Cost per month at {w.requests_per_month:,} requests ({pricing.provider}/{pricing.model}, prices as of "
        f"{pricing.price_date}, {pricing.data_version}; batch prices: {cite(pricing.batch_source, sources)})"
    )
    add(f"  {'mode':<10} {'tokens':>12} {'infra':>9} {'build/mo':>9} {'total':>12} {'per 1K req':>11}")
    for mode, cost in a.costs.items():
        marker = "  <- recommended" if mode == a.recommendation else ""
        add(
            f"  {mode:<10} {money(cost.tokens_usd):>12} {money(cost.infra_usd):>9} {money(cost.engineering_usd):>9}"
            f" {money(cost.total_usd):>12} {money(cost.per_1k_requests_usd):>11}{marker}"
        )
    breakeven = pricing.batch_breakeven_requests_per_month
    add(
        f"  build cost amortised over {pricing.amortisation_months} months"
        f" at {money(pricing.usd_per_person_week)}/person-week;"
        f" batch breaks even at {f'{breakeven:,.0f} requests/month' if breakeven is not None else 'no volume'}"
    )
    add("")

    cap = a.capacity
    add("Capacity at peak")
    add(
        f"  {cap.peak_rpm:,.1f} requests/min of {cap.rpm_limit:,.0f} RPM, {cap.peak_tpm:,.0f} tokens/min of"
        f" {cap.tpm_limit:,.0f} TPM: headroom {percent(cap.headroom)}{' (OVER LIMIT)' if cap.over_limit else ''}"
    )
    add(f"  limits: {cite(cap.limits_source, sources)}")
    add(f"  {cap.concurrent_connections:,.1f} concurrent connections for sync/streaming (Little's law)")
    add("")

    add("Why (rules that fired)")
    for rule in a.fired_rules:
        add(f"  [{rule.axis}] {rule.id}: {rule.title}")
        add(_wrap(rule.because))
        add(f"    source: {cite(rule.source, sources)}")
    if a.what_would_change:
        add("")
        add("What would change the decision")
        for ch in a.what_would_change:
            add(f"  {ch.fact} = {ch.value} -> {ch.new_recommendation}: {ch.because}")
    add("")
    add("Assumptions")
    for asm in a.assumptions:
        add(f"  - {asm.name}: {cite(asm.value, sources)} [{cite(asm.source, sources)}]")
    add("")
    add(f"Rule set {a.ruleset.id} {a.ruleset.version} (sha256 {a.ruleset.hash[:12]}), advisor {a.advisor_version}")
    return "\n".join(lines) + "\n"
