"""The result panel: the headline and the tabs, each a view of one Assessment.

Nothing here decides: every figure is read off the Assessment that ``advisor.assess`` returns.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

import advisor
from advisor.core.assessment import Assessment
from advisor.core.conditions import op_symbol
from advisor.core.decision_map import decision_map, default_values
from advisor.core.errors import AdvisorError
from advisor.core.facts import FACTS
from advisor.core.profile import MODES, WorkloadProfile
from advisor.core.rules import RuleSet
from advisor.core.variables import VARIABLE_FACTS
from advisor.views.formatting import count, money, move_in_words, percent, saving_cell, seconds, value
from advisor.views.limits import headroom, peak_summary
from advisor.views.sources import cite
from questionnaire.charts import cost_chart, latency_chart, map_chart, ranking_chart
from questionnaire.record import record_tab
from questionnaire.state import friendly, md
from questionnaire.vocabulary import FIELD_LABELS, Words, fact_label


def headline(a: Assessment, custom_weights: bool) -> None:
    words = Words(a.rules)
    rules = {r.id: r for r in a.fired_rules}
    w, lat, cap = a.workload, a.latency, a.capacity
    cost = a.costs[a.recommendation]
    with st.container(border=True, key="headline"):
        badges = [f":blue-badge[{a.contract} contract]"]
        if w.current_mode and w.current_mode != a.recommendation:
            badges.append(f":orange-badge[move from {w.current_mode}]")
        elif w.current_mode:
            badges.append(":green-badge[keep the current mode]")
        if custom_weights:
            badges.append(":violet-badge[your axis priorities]")
        st.markdown("Recommended execution mode &nbsp; " + " ".join(badges))
        st.markdown(f"# {md(words.mode(a.recommendation))}")
        st.markdown(md(a.reason))
        if not a.feasible:
            st.warning(f"Not feasible as specified: {md(a.infeasible_reason or '')}", icon="⚠️")
            for lever in a.levers[:3]:
                st.markdown(f"- {md(lever.because)}")
        if a.decided_by:
            decisive = " · ".join(md(rules[r].title) if r in rules else f"`{r}`" for r in a.decided_by[:4])
            st.caption(f"Decided by: {decisive}")
        m1, m2, m3, m4 = st.columns(4)
        m1.metric(
            "Monthly cost",
            money(cost.total_usd),
            help="The recommended mode's monthly cost: tokens, infrastructure and its build amortised "
            "(a build that runs today is paid).",
        )
        if w.current_mode and w.current_mode != a.recommendation and cost.saving_vs_current_usd is not None:
            saving = cost.saving_vs_current_usd
            m2.metric(
                "Saving against today" if saving >= 0 else "Extra cost against today",
                money(abs(saving)),
                delta=f"{money(abs(saving) * 12)} a year",
                delta_color="normal" if saving >= 0 else "inverse",
                delta_arrow="off",
                help=f"Today's monthly cost ({w.current_mode}, its build paid) against the recommended mode's "
                "(its build amortised).",
            )
        else:
            cheapest = min(a.costs.values(), key=lambda c: c.total_usd)
            m2.metric(
                "Cheapest mode",
                words.short(cheapest.mode),
                delta=money(cheapest.total_usd) + " a month",
                delta_color="off",
                delta_arrow="off",
                help="The mode with the lowest monthly total; cost is one axis of five.",
            )
        m3.metric(
            "End-to-end p95",
            seconds(lat.end_to_end_p95_s),
            delta=f"budget {seconds(lat.latency_budget_s)}",
            delta_color="normal" if lat.within_budget else "inverse",
            delta_arrow="off",
            help="Chained calls x per-call p95 + tool time, against the latency budget.",
        )
        m4.metric(
            "Headroom",
            headroom(cap),
            delta="over the limit" if cap.over_limit else "at peak",
            delta_color="inverse" if cap.over_limit else "off",
            delta_arrow="off",
            help="Share of the tighter of the RPM and TPM limits left at peak traffic.",
        )
        move = move_in_words(a)
        if move is not None and (cost.saving_vs_current_usd or 0.0) < 0:
            # A reason may praise a lower price while the total rises: say why it rises.
            st.caption(f"Moving from {w.current_mode} to {a.recommendation}: {md(move)}.")


def overview_tab(a: Assessment) -> None:
    words = Words(a.rules)
    st.markdown("##### Ranking")
    st.altair_chart(ranking_chart(a), key="ranking_chart", width="stretch")
    st.caption(
        " · ".join(f"{r.rank}. **{r.mode}** {r.total:+.1f}" + (" (excluded)" if r.excluded else "") for r in a.ranking)
    )
    if a.excluded:
        st.markdown("##### Ruled out")
        for e in a.excluded:
            st.markdown(f"**{md(words.mode(e.mode))}**\n" + "\n".join(f"- {md(reason)}" for reason in e.reasons))
            st.caption("by the rules " + ", ".join(f"`{rule}`" for rule in e.rules))
    if a.patterns:
        st.markdown("##### Pair it with")
        for p in a.patterns:
            st.markdown(f"**{md(p.name)}**: {md(p.description)}")
            st.caption(md(cite(p.source, a.rules.header.sources)))
    if a.unmet:
        st.markdown("##### Missing their contract")
        for e in a.unmet:
            st.markdown(f"**{md(words.mode(e.mode))}**\n" + "\n".join(f"- {md(reason)}" for reason in e.reasons))
    if a.levers:
        st.markdown("##### Levers")
        st.markdown("\n".join(
            f"- {', '.join(f'`{md(k)}` = {md(_setting(v))}' for k, v in lever.changes.items())}: {md(lever.because)}"
            for lever in a.levers
        ))
        st.caption("Each lever changes what you control and re-runs the assessment.")
    st.markdown("##### What would change the decision")
    if a.what_would_change:
        lines = []
        for c in a.what_would_change:
            question = FIELD_LABELS.get(c.fact, FACTS[c.fact].description if c.fact in FACTS else c.fact)
            value = words.short_choice(c.fact, c.value) if words.choices(c.fact) else words.format_fact(c.fact, c.value)
            lines.append(
                f"- If *{md(question.lower() if question[1:2].islower() else question)}* were **{md(value)}**: "
                f"**{md(words.mode(c.new_recommendation))}**. {md(c.because)}"
            )
        st.markdown("\n".join(lines))
        st.caption("Each line changes one answer and keeps the rest; the engine re-ran the rules to find it.")
    else:
        st.caption("No single answer within reach changes the recommendation.")


def cost_tab(a: Assessment) -> None:
    w, p, words = a.workload, a.pricing, Words(a.rules)
    st.markdown(f"##### Monthly cost at {w.requests_per_month:,} requests")
    st.altair_chart(cost_chart(a), key="cost_chart", width="stretch")
    rows = []
    for mode, c in a.costs.items():
        rows.append(
            {
                "mode": words.mode(mode),
                "tokens": c.tokens_usd,
                "infra": c.infra_usd,
                "build": c.engineering_usd,
                "total": c.total_usd,
                "per 1K": c.per_1k_requests_usd,
                "vs today": "today" if mode == w.current_mode else saving_cell(c.saving_vs_current_usd),
            }
        )
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        key="cost_table",
        column_config={
            "tokens": st.column_config.NumberColumn(format="dollar", help="Token bill per month, retries included."),
            "infra": st.column_config.NumberColumn(format="dollar", help="Infrastructure this mode adds, per month."),
            "build": st.column_config.NumberColumn(
                format="dollar", help="One-time build effort, amortised per month; 0 for today's mode (paid)."
            ),
            "total": st.column_config.NumberColumn(
                "monthly cost", format="dollar", help="Tokens, infrastructure and build, a month."
            ),
            "per 1K": st.column_config.NumberColumn(
                "per 1K requests", format="dollar", help="Monthly cost per 1,000 requests; blank without requests."
            ),
            "vs today": st.column_config.TextColumn(
                "against today", help="What moving to this mode saves (a saving) or adds (an extra cost) a month."
            ),
        },
    )
    move = move_in_words(a)
    if w.current_mode and move is not None:
        st.markdown(
            f"Today it costs **{money(a.costs[w.current_mode].total_usd)} a month** ({w.current_mode}). "
            f"Moving to **{a.recommendation}**: {md(move)}."
        )
    elif w.current_mode:
        st.markdown(f"It already runs **{w.current_mode}**, the recommended mode: no migration to pay for.")
    breakeven = p.batch_breakeven_requests_per_month
    st.caption(
        f"Prices: {md(p.provider)} {md(p.model)} as of {p.price_date} ({md(p.data_version)}); batch prices from the "
        f"{md(cite(p.batch_source, a.rules.header.sources))}."
        f" Batch saves {percent(p.batch_token_saving_fraction)} of the token bill"
        " and pays for itself "
        + (f"from {count(breakeven)} requests a month." if breakeven is not None else "at no volume.")
        + f" Build effort at {money(p.usd_per_person_week)} per person-week,"
        + f" amortised over {p.amortisation_months} months."
    )


def latency_tab(a: Assessment) -> None:
    lat, w, cap = a.latency, a.workload, a.capacity
    st.markdown("##### Latency against the budget")
    st.altair_chart(latency_chart(a), key="latency_chart", width="stretch")
    verdict = "fits" if lat.within_budget else "misses"
    st.markdown(
        f"End-to-end p95 **{seconds(lat.end_to_end_p95_s)}** = {w.chained_calls} x {seconds(lat.per_call_p95_s)}"
        " per call"
        f" + {seconds(w.tool_latency_s)} of tools: it **{verdict}** the {seconds(lat.latency_budget_s)} budget"
        f" ({percent(lat.budget_ratio)} of it)."
        f" Streaming shows the first words after **{seconds(lat.time_to_first_token_s)}**."
    )
    st.caption(
        "Per-call p95 "
        + (
            "as measured."
            if lat.measured
            else f"estimated: {lat.ttft_s:g} s to first token + {w.output_tokens:,} tokens"
            f" at {lat.output_tokens_per_s:g} tokens/s."
        )
    )
    st.markdown("##### Rate limits at peak")
    bars = [
        (use, text)
        for use, text in (
            (cap.rpm_utilisation, "Requests"),
            (cap.tpm_utilisation, "Tokens (tightest token limit)"),
            (cap.concurrency_utilisation, "Requests in flight"),
        )
        if use is not None
    ]
    if bars:
        for column, (use, text) in zip(st.columns(len(bars)), bars, strict=True):
            column.progress(min(1.0, use), text=f"{text}: {percent(use)} of the limit")
        st.caption(md(peak_summary(cap)))
    else:
        st.info("No rate limit is known for this model and tier: give rate_limits to check peak traffic.")
    if cap.over_limit and cap.headroom is not None:
        st.error(
            f"Peak traffic exceeds the rate limit ({percent(1 - cap.headroom)} of it):"
            " expect 429 errors unless traffic is queued or limits raised."
        )
    st.caption(f"Limits: {md(cite(cap.limits_source, a.rules.header.sources))}")
    m1, m2, m3 = st.columns(3)
    m1.metric(
        "Open connections",
        count(cap.concurrent_connections),
        help="Sync and streaming hold one connection per request in flight (Little's law).",
    )
    m2.metric(
        "Batch files a month",
        f"{cap.batch_submissions_per_month:,}",
        help=f"At most {cap.batch_max_requests:,} requests or {cap.batch_max_mb:g} MB per batch.",
    )
    m3.metric(
        "Calls in a retry storm",
        count(cap.retry_amplification),
        help="Calls per request when every layer's retries fire (attempts per layer ^ layers).",
    )


def risks_tab(a: Assessment) -> None:
    st.markdown(f"##### Risks of {md(Words(a.rules).mode(a.recommendation).lower())} and how to contain them")
    for r in a.risks:
        with st.container(border=True):
            st.markdown(f"**{md(r.risk)}**")
            st.markdown(md(r.mitigation))
            st.caption(md(cite(r.source, a.rules.header.sources)))
    st.markdown("##### Resilience checklist")
    st.markdown("\n".join(f"- [ ] {md(item)}" for item in a.checklist))


def why_tab(a: Assessment) -> None:
    names = {x.id: x.name for x in a.axes}
    traces = {t.rule: t for t in a.trace}
    st.markdown(f"##### {len(a.fired_rules)} of {len(a.trace)} rules fired")
    for axis in a.axes:
        fired = [r for r in a.fired_rules if r.axis == axis.id]
        if not fired:
            continue
        st.markdown(f"**{md(names[axis.id])}** (priority {axis.weight:g})")
        for r in fired:
            marker = " · decisive" if r.id in a.decided_by else ""
            with st.expander(f"{r.title}{marker}"):
                st.markdown(md(r.because))
                effect = ", ".join(f"{m} {s:+g}" for m, s in r.scores.items())
                if r.exclude:
                    effect += ("; " if effect else "") + "rules out " + ", ".join(r.exclude)
                source = md(cite(r.source, a.rules.header.sources))
                st.caption(f"`{r.id}` · effect: {md(effect) or 'patterns only'} · source: {source}")
                trace = traces.get(r.id)
                if trace and trace.conditions:
                    st.dataframe(
                        [
                            {
                                "fact": c.fact,
                                "test": f"{op_symbol(c.op)} {value(c.threshold)}",
                                "actual": value(c.actual),
                                "holds": c.passed,
                            }
                            for c in trace.conditions
                        ],
                        hide_index=True,
                        width="stretch",
                    )
    with st.expander("Assumptions behind the figures"):
        st.dataframe(
            [
                {"what": x.name, "value": cite(x.value, a.rules.header.sources),
                 "source": cite(x.source, a.rules.header.sources)}
                for x in a.assumptions
            ],
            hide_index=True,
            width="stretch",
        )
    st.caption(
        f"Rule set {md(a.ruleset.id)} {md(a.ruleset.version)} (sha256 {a.ruleset.hash[:12]}),"
        f" advisor {a.advisor_version}."
    )


def map_tab(profile: WorkloadProfile, ruleset: RuleSet, weights: dict[str, float]) -> None:
    st.markdown("##### Where each mode wins")
    st.caption(
        "The recommended mode over two answers you pick, everything else as you answered it. "
        "The ring marks your workload."
    )
    facts = list(VARIABLE_FACTS)
    st.session_state.setdefault("map_x", "latency_budget_s" if "latency_budget_s" in facts else facts[0])
    st.session_state.setdefault("map_y", "requests_per_month" if "requests_per_month" in facts else facts[-1])
    st.session_state.setdefault("map_n", 20)
    cx, cy, cn = st.columns([4, 4, 3])
    x = cx.selectbox(
        "Across", facts, key="map_x", format_func=fact_label, help="The answer that varies from left to right."
    )
    y = cy.selectbox(
        "Up", facts, key="map_y", format_func=fact_label, help="The answer that varies from bottom to top."
    )
    n = cn.slider(
        "Grid points",
        min_value=5,
        max_value=40,
        step=1,
        key="map_n",
        help="Values per numeric axis; more is finer and slower.",
    )
    if x == y:
        st.warning("Pick two different answers for the two axes.")
        return
    try:
        result = decision_map(
            profile, x, default_values(x, profile, n), y, default_values(y, profile, n), rules=ruleset, weights=weights
        )
    except AdvisorError as exc:
        st.error(f"The map cannot be drawn: {friendly(exc)}")
        return
    words = Words(ruleset)
    st.altair_chart(map_chart(result, words), key="map_chart", width="stretch")
    counts = {m: sum(row.count(m) for row in result.cells) for m in MODES}
    total = sum(counts.values())
    shares = [f"{words.short(m)} {percent(counts[m] / total)}" for m in MODES if counts[m]]
    st.caption(" · ".join(shares) + " of the grid.")


TABS = ("Overview", "Cost", "Latency & capacity", "Risks", "Why", "Decision map", "Decision record")


def results(
    profile: WorkloadProfile | None, error: AdvisorError | None, ruleset: RuleSet, weights: dict[str, float]
) -> None:
    if profile is None:
        st.error(
            f"The answers are not complete yet. {friendly(error)}" if error else "The answers are not complete yet."
        )
        return
    try:
        assessment = advisor.assess(profile, ruleset, weights=weights)
    except AdvisorError as exc:
        st.error(f"The advisor cannot assess these answers. {friendly(exc)}")
        return
    headline(assessment, weights != ruleset.weights)
    for note in sanity_notes(profile):
        st.info(note)
    tabs = st.tabs(TABS, key="result_tab", on_change="rerun")
    views: dict[str, Callable[[], None]] = {
        "Overview": lambda: overview_tab(assessment),
        "Cost": lambda: cost_tab(assessment),
        "Latency & capacity": lambda: latency_tab(assessment),
        "Risks": lambda: risks_tab(assessment),
        "Why": lambda: why_tab(assessment),
        "Decision map": lambda: map_tab(profile, ruleset, weights),
        "Decision record": lambda: record_tab(assessment),
    }
    for label, tab in zip(TABS, tabs, strict=True):
        if tab.open:
            with tab:
                views[label]()


def sanity_notes(profile: WorkloadProfile) -> list[str]:
    """Answers that are valid but probably not what was meant."""
    notes = []
    peak = profile.peak_requests_per_minute
    average = profile.average_requests_per_minute
    if peak is not None and peak < average:
        notes.append(
            f"The peak ({peak:,.1f} a minute) is below the monthly average ({average:,.1f} a minute); "
            "the advisor uses the average."
        )
    if profile.requests_per_month == 0:
        notes.append("With no requests a month, every mode costs only its build and infrastructure.")
    if profile.input_tokens == 0 and profile.output_tokens == 0:
        notes.append("A request with no input and no output tokens costs nothing and takes no time.")
    return notes


def _setting(value: object) -> str:
    """A lever's new value; None: the field falls back to the catalogue's figure."""
    return "the catalogue's figure" if value is None else str(value)
