"""The details under the form and the verdict: one tab per question a CTO asks next, and the
sources by their titles.

Nothing here decides: every figure is read off the Assessment that ``advisor.assess`` returns.
Plain language first: sources are titles in the "Sources" expander, rule ids appear in the
Why tab only.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from advisor.core.assessment import Assessment
from advisor.core.conditions import op_symbol, within
from advisor.core.decision_map import decision_map, default_values
from advisor.core.errors import AdvisorError
from advisor.core.profile import MODES, SHORTHAND_FIELDS, Mode, WorkloadProfile
from advisor.core.rules import RuleSet
from advisor.core.variables import VARIABLE_FACTS
from advisor.views.adr import rate_limit_watch
from advisor.views.formatting import (
    batch_prices,
    budget_digits,
    budget_words,
    caller_timeout_line,
    count,
    count_from,
    in_a_sentence,
    larger,
    money,
    move_in_words,
    off_peak_note,
    percent,
    priced_models,
    prices_of,
    reasoning_unpriced,
    saving_cell,
    seconds,
    times,
    value,
)
from advisor.views.limits import peak_summary
from advisor.views.sources import cite, cited_titles
from advisor.views.steps import first_token_read, tokens_per_call
from questionnaire import changes, lifecycle
from questionnaire.charts import cost_chart, latency_chart, map_chart, ranking_chart
from questionnaire.contract import contract_latency, shown_step_done
from questionnaire.record import record_tab
from questionnaire.state import friendly, md
from questionnaire.verdict import Shown, try_it
from questionnaire.vocabulary import FIELD_LABELS, Words, fact_label

TABS = ("Overview", "Modes", "Cost", "Latency & capacity", "Risks", "Why", "Decision map", "Decision record")


def details(shown: Shown, ruleset: RuleSet, weights: dict[str, float]) -> None:
    a = shown.assessment
    st.header("The details", anchor="details")
    if shown.stale:
        st.caption(":orange[Stale:] the details below are from your last complete answers.")
    tabs = st.tabs(TABS, key="result_tab", on_change="rerun")
    views: dict[str, Callable[[], None]] = {
        "Overview": lambda: overview_tab(shown),
        "Modes": lambda: modes_tab(a),
        "Cost": lambda: cost_tab(a),
        "Latency & capacity": lambda: latency_tab(a),
        "Risks": lambda: risks_tab(a),
        "Why": lambda: why_tab(a),
        "Decision map": lambda: map_tab(shown.profile, ruleset, weights),
        "Decision record": lambda: record_tab(a, shown.stale),
    }
    for label, tab in zip(TABS, tabs, strict=True):
        if tab.open:
            with tab:
                views[label]()
    with st.expander("Sources", icon=":material/menu_book:", key="sources"):
        sources_list(a)


def sources_list(a: Assessment) -> None:
    """The documents this verdict rests on, by their full titles."""
    texts = [r.source for r in a.fired_rules] + [r.source for r in a.risks] + [p.source for p in a.patterns]
    texts += [x.source for x in a.assumptions] + [a.pricing.batch_source, a.capacity.limits_source]
    titles = cited_titles(texts, a.rules.header.sources)
    if titles:
        st.markdown("\n".join(f"- {md(t)}" for t in titles))
    st.caption(
        f"Prices: genai-prices ({md(a.pricing.data_version)}), as of {a.price_date}. "
        "The Why tab shows which source each rule comes from."
    )


# -- Overview --------------------------------------------------------------------------------


def overview_tab(shown: Shown) -> None:
    a = shown.assessment
    words = Words(a.rules)
    titles = {r.id: r.title for r in a.fired_rules}
    st.markdown("### How the modes rank")
    st.vega_lite_chart(
        spec=ranking_chart(a),
        key="ranking_chart",
        width="stretch",
        alt="Each mode's weighted score by axis, best first; ruled-out modes in grey.",
    )
    st.caption(
        " · ".join(
            f"{r.rank}. {md(words.mode(r.mode))} {r.total:+.1f}" + (" (ruled out)" if r.excluded else "")
            for r in a.ranking
        ),
        help="Each axis's score times its priority, summed; a ruled-out mode cannot be recommended whatever its score.",
    )
    if a.excluded:
        st.markdown("### Ruled out")
        said: dict[str, str] = {}  # a reason printed once, by the mode it was printed under
        for e in a.excluded:
            by = ", ".join(md(in_a_sentence(titles.get(rule, rule))) for rule in e.rules)
            st.markdown(f"**{md(words.mode(e.mode))}**, by the rule{'s' if len(e.rules) > 1 else ''}: {by}")
            lines = []
            for reason in e.reasons:
                text = words.plain(reason)
                if text in said:  # one rule often rules out two modes: its long text once
                    lines.append(f"- The same reason as for {md(in_a_sentence(said[text]))}, above.")
                else:
                    said[text] = words.mode(e.mode)
                    lines.append(f"- {md(text)}")
            st.markdown("\n".join(lines))
    if a.unmet:
        st.markdown("### Missing their contract")
        for u in a.unmet:
            by = ", ".join(md(in_a_sentence(titles.get(rule, rule))) for rule in u.rules)
            st.markdown(f"**{md(words.mode(u.mode))}**, on this workload's numbers: {by}")
            st.markdown("\n".join(f"- {md(words.plain(reason))}" for reason in u.reasons))
    if a.patterns:
        st.markdown("### Pair it with")
        for p in a.patterns:
            st.markdown(f"**{md(p.name)}**: {md(p.description)}")
    st.markdown("### What would change the decision")
    groups = changes.grouped(a, changes.options(a))
    if not groups:
        st.caption("No single answer within reach changes the recommendation.")
        return
    index = 0
    for group in groups:
        st.markdown(f":material/arrow_forward: **{md(changes.group_title(words, a, group))}**")
        reasons: dict[str, list[changes.Option]] = {}
        for option in group.options:  # one reason often covers several changes: said once
            reasons.setdefault(option.because, []).append(option)
        for because, found in reasons.items():
            st.caption(md(because))
            for option in found:
                with st.container(horizontal=True, vertical_alignment="center", gap="small"):
                    st.markdown(md(option.label), width="content")
                    try_it(shown, option, f"try_all_{index}")
                index += 1
    st.caption(
        "Each line changes what it names and keeps every other answer; the advisor re-ran the assessment to find it."
    )


# -- Modes: the four request lifecycles side by side ------------------------------------------------


def _mode_summary(a: Assessment, mode: Mode) -> str:
    """A mode's summary from the rule set, said honestly for a provider without a batch API."""
    if mode == "batch" and not a.pricing.batch_available:
        return (
            f"Requests would be collected into a file and submitted in bulk, but {a.pricing.provider} has no "
            "batch API: no batch price and no batch window; offline work runs as an async job at standard prices."
        )
    return a.rules.header.modes[mode].summary


def modes_tab(a: Assessment) -> None:
    words = Words(a.rules)
    st.markdown("### How a request runs in each mode")
    st.caption(
        "Client, your service, the queue or batch file, and the model API, with this workload's latency, each "
        "mode's token price against sync and the engineering it takes. The recommended mode is drawn in its colour; "
        "a ruled-out mode is hatched grey. The bar on the client's line is the time it waits."
    )
    panels = lifecycle.panels(a)
    for column, panel in zip(st.columns(len(panels), gap="small"), panels, strict=True):
        with column:
            st.image(lifecycle.svg(panel), width="stretch", alt=f"{panel.title}: {panel.status_text}")
            st.caption(md(_mode_summary(a, panel.mode)))
            judged = contract_latency(a, panel.mode)
            st.caption(md(judged.sentence[0].upper() + judged.sentence[1:]) + ".")
    batch = (
        f" {md(words.mode('batch'))} results come within the provider's batch window; most finish within an hour."
        if a.pricing.batch_available
        else f" {md(a.pricing.provider)} has no batch API: its batch diagram is what this workload cannot use."
    )
    st.caption(f"Latency at p95 from {md(_assumption(a, 'per-call p95') or 'the model speed')}.{batch}")


def _assumption(a: Assessment, name: str) -> str | None:
    return next((x.value for x in a.assumptions if x.name == name), None)


# -- Cost ------------------------------------------------------------------------------------


def cost_tab(a: Assessment) -> None:
    w, p, words = a.workload, a.pricing, Words(a.rules)
    st.markdown(f"### Monthly cost at {count(w.requests_per_month)} requests")
    # A reasoning model with no reasoning_tokens: every figure below leaves its thinking out. The
    # CLI's cost section and the record say so first, with what it would add; so does the page.
    unpriced = reasoning_unpriced(a.latency.reasoning_unpriced, p.unpriced_reasoning)
    if unpriced:
        st.warning(
            # In the form's words: the file's field name is the question "Reasoning tokens per call".
            f"**Reasoning tokens not priced:** "
            f"{md(unpriced.replace('reasoning_tokens', FIELD_LABELS['reasoning_tokens'].lower()))}.",
            icon=":material/warning:",
        )
    st.vega_lite_chart(
        spec=cost_chart(a),
        key="cost_chart",
        width="stretch",
        alt="Each mode's monthly cost: tokens, infrastructure, build.",
    )
    rows = []
    for mode, c in a.costs.items():
        rows.append(
            {
                # The monthly cost next to the mode: on a phone the table shows two or three columns.
                "mode": words.mode(mode),
                "total": money(c.total_usd),
                "tokens": money(c.tokens_usd),
                "infra": money(c.infra_usd),
                "build": "paid" if mode == w.current_mode else money(c.engineering_usd),
                "per 1K": money(c.per_1k_requests_usd) if c.per_1k_requests_usd is not None else "n/a",
            }
            # Against today's mode, as the CLI's table says it; nothing built yet, no column (as there).
            | ({"vs today": "today" if mode == w.current_mode else saving_cell(
                c.saving_vs_current_usd, larger(a.costs[w.current_mode].total_usd, c.total_usd))}
               if w.current_mode else {})
        )
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        key="cost_table",
        column_config={
            "mode": st.column_config.TextColumn("mode", pinned=True),
            "total": st.column_config.TextColumn("monthly cost", help="Tokens, infrastructure and build, a month."),
            "tokens": st.column_config.TextColumn("tokens", help="Token bill per month, retries included."),
            "infra": st.column_config.TextColumn("infrastructure", help="Infrastructure this mode adds, per month."),
            "build": st.column_config.TextColumn(
                "build",
                help="One-time build effort, amortised per month; paid already for today's mode, and for"
                " another only what its build adds to today's.",
            ),
            "per 1K": st.column_config.TextColumn(
                "per 1,000 requests", help="Monthly cost per 1,000 requests; n/a without requests."
            ),
            "vs today": st.column_config.TextColumn(
                "against today", help="What moving to this mode saves (a saving) or adds (an extra cost) a month."
            ),
        },
    )
    move = move_in_words(a)
    if w.current_mode and move is not None:
        today, to = (md(in_a_sentence(words.mode(m))) for m in (w.current_mode, a.recommendation))
        st.markdown(
            f"Today it costs **{money(a.costs[w.current_mode].total_usd)} a month** ({today}). Moving to {to}: "
            f"{md(move)}."
        )
    elif w.current_mode:
        st.markdown(
            f"It already runs as {md(in_a_sentence(words.mode(w.current_mode)))}, the recommended mode:"
            " no migration to pay for."
        )
    # A provider priced by the hour (DeepSeek): the job run in its off-peak hours, where it can be
    # scheduled into them (the largest saving there may be), and those hours' prices.
    if a.off_peak is not None:
        st.markdown(f"**Off-peak hours:** {md(a.off_peak.because)}")
    off_peak = off_peak_note(a, words.mode)
    if off_peak is not None:
        st.caption(md(off_peak))
    if len(p.steps) > 1:
        bills = ", ".join(f"{md(c.name)} ({md(c.model)}) {money(c.tokens_usd_per_month[a.recommendation])}"
                          for c in p.steps)
        prices = md(in_a_sentence(words.mode(a.recommendation)))
        st.caption(
            f"Tokens a month by step, each at its own model's prices ({prices}): "
            f"{bills}. Each step's time and cost: the Latency & capacity tab."
        )
    breakeven = p.batch_breakeven_requests_per_month
    st.caption(
        # One model as the provider and the model; steps on several, each at its own model's.
        f"Prices: {md(p.provider) + ' ' + md(p.model) if len(priced_models(p)) == 1 else md(prices_of(p))}"
        f" as of {p.price_date} ({md(p.data_version)})"
        + (
            ". The provider has no batch API: batch would run at standard prices and save nothing."
            if not p.batch_available
            else f"; {md(batch_prices(p))}."
            f" Batch saves {percent(p.batch_token_saving_fraction)} of the token bill and "
            + (f"pays for itself from {count_from(breakeven)} requests a month." if breakeven is not None
               else "never pays for itself.")
        )
        + f" Build effort at {money(p.usd_per_person_week)} per person-week,"
        + f" amortised over {p.amortisation_months} months."
    )


# -- Latency & capacity ----------------------------------------------------------------------


def latency_tab(a: Assessment) -> None:
    lat, w, cap = a.latency, a.workload, a.capacity
    words = Words(a.rules)
    st.markdown("### Latency against the budget")
    st.vega_lite_chart(
        spec=latency_chart(a),
        key="latency_chart",
        width="stretch",
        alt="One typical request step by step, and the whole answer's and the first token's p50, p95 and p99, "
        "against the latency budget.",
    )
    verdict = "fits" if lat.within_budget else "misses"
    tools = sum(s.calls * s.tool_latency_s for s in lat.steps)
    made_of = (
        f"{len(lat.steps)} steps, {lat.calls} model calls" if w.steps is not None
        else f"{lat.calls} call{'s' if lat.calls != 1 else ''} of {seconds(lat.per_call_p95_s)} at p95"
    ) + (f" and {seconds(tools)} of tools" if tools else "")
    extra = budget_digits(a.facts)  # a time that would read as the budget, in the digits that tell them apart
    st.markdown(
        f"The whole answer ({made_of}): p50 **{seconds(lat.end_to_end_p50_s, extra)}**, p95"
        f" **{seconds(lat.end_to_end_p95_s, extra)}**, p99 **{seconds(lat.end_to_end_p99_s, extra)}**. At p95 it"
        f" **{verdict}** the budget of {budget_words(a)} ({percent(lat.budget_ratio)} of it)."
        # The first words mean something only to someone who waits for them (not a pipeline).
        + (f" Streaming shows the first words after **{seconds(lat.time_to_first_token_s, extra)}** at p95"
           f" (p50 {seconds(lat.time_to_first_token_p50_s, extra)},"
           f" p99 {seconds(lat.time_to_first_token_p99_s, extra)})."
           if first_token_read(a) else "")
        + (f" {md(done.sentence[0].upper() + done.sentence[1:])}." if (done := shown_step_done(a)) else "")
    )
    for mode in MODES:
        judged = contract_latency(a, mode)
        mark = ":green[:material/check:]" if judged.within else ":red[:material/close:]"
        st.markdown(f"{mark} **{md(words.mode(mode))}**: {md(judged.sentence)}.")
    # The caller's timeout binds the modes that hold the connection, whatever the budget: said
    # here as the CLI's and the record's Latency sections say it, with the tail and webhook caveats.
    if caller := caller_timeout_line(a):
        st.markdown(f":material/timer_off: {md(in_the_app(words, caller))}")
    st.markdown("### Step by step")
    steps_table(a)
    shape = _assumption(a, "latency distribution")
    st.caption(
        ("Each call as measured. " if lat.measured else "Each call estimated from its model's first token and speed "
         "(under Assumptions in the Why tab). ")
        + (f"{md(shape[0].upper() + shape[1:])}." if shape else "")
    )
    # A batch runs under limits of its own: the figures are the real-time limits', as the card says.
    batch = a.recommendation == "batch"
    st.markdown(f"### {'Real-time rate limits' if batch else 'Rate limits'} {cap.figures_taken}")
    bars = [
        (use, text)
        for use, text in (
            (cap.rpm_utilisation, "Requests"),
            (cap.tpm_utilisation, "Tokens (the tightest token limit)"),
            (cap.concurrency_utilisation, "Requests in flight"),
        )
        if use is not None
    ]
    if bars:
        for column, (use, text) in zip(st.columns(len(bars)), bars, strict=True):
            column.progress(min(1.0, use), text=f"{text}: {_use(use)}")
        summary = peak_summary(cap)  # "gpt-4.1: 400 of 5,000 requests/min ..." keeps its model id as written
        st.caption(md(summary if len(cap.models) > 1 else summary[0].upper() + summary[1:]) + ".")
    else:
        st.info(
            "No rate limit is known for this model and tier: give your own under *Your own prices and rate limits* "
            "to check peak traffic."
        )
    # A mode that queues (async, batch) is not refused at the peak: what to watch is said in the
    # rule set's words, as the record's confirmation says it, not as a 429 warning.
    queued = a.rules.header.modes[a.recommendation].contract == "asynchronous"
    watch = rate_limit_watch(a) if queued and cap.over_limit else None
    if watch is not None:
        (st.info if batch else st.warning)(md(words.plain(watch)), icon=":material/speed:")
    elif cap.over_limit and cap.headroom is not None:
        st.error(
            f"Peak traffic is {times(1 - cap.headroom)} the rate limit: expect 429 errors unless traffic is queued or "
            "the limits raised."
        )
    # Named as a tier: Anthropic's first is "start", and "Limits at start" read as a moment.
    tier = f" (account tier {md(cap.tier)})" if cap.tier else ""
    st.caption(f"Limits{tier}: {md(cite(cap.limits_source, a.rules.header.sources))}")
    b1, b2, b3 = st.columns(3)
    b1.metric(
        "Backlog at peak",
        count(cap.backlog_requests) if cap.limits_known else "unknown",
        help=f"Requests queued when a {seconds(cap.peak_minutes * 60)} peak ends: the peak rate less what the limits "
        f"let through ({count(cap.sustainable_rpm or 0)} requests a minute), times the peak's length.",
    )
    b2.metric(
        "Drained after the peak",
        "at once" if cap.backlog_requests <= 0 else "never" if cap.drain_time_s is None else seconds(cap.drain_time_s),
        help="How long the queue takes to empty after the peak, at what the limits allow above the monthly average "
        "rate. A request waits less: first in first out, the longest wait is the peak's last request's, "
        + (f"{seconds(cap.peak_worst_wait_s)}, " if cap.backlog_requests > 0 and cap.peak_worst_wait_s is not None
           else "")
        + "the backlog ahead of it served at the rate the limits allow; what arrives later waits behind it.",
    )
    b3.metric(
        "Async workers at peak",
        # Rounded as the CLI's "N async workers busy at peak" is: Little's law's mean, not a ceiling.
        count(cap.async_workers_at_peak),
        help="Workers an async design keeps busy at peak (Little's law: requests a second served x the mean time "
        "of a request).",
    )
    m1, m2, m3 = st.columns(3)
    m1.metric(
        "Open connections",
        count(cap.concurrent_connections),
        help="Sync and streaming hold one connection per request in flight (Little's law).",
    )
    batches = cap.batch_submissions_per_month
    m2.metric(
        "Batch files a month",
        "n/a" if batches is None else f"at least {count(batches)}",
        help=_batch_caps(cap.batch_max_requests, cap.batch_max_mb),
    )
    m3.metric(
        "Calls in a retry storm",
        count(cap.retry_amplification),
        help="Calls per request when every layer's retries fire (attempts per layer ^ layers).",
    )


def in_the_app(words: Words, sentence: str) -> str:
    """A sentence the CLI words for a workload file, in the form's words: its field names as the
    questions ask them, and "interaction: pipeline, not service_call" as the answers read."""
    answer = f"\u201c{FIELD_LABELS['interaction']}\u201d: " + ", not ".join(
        f"\u201c{words.short_choice('interaction', v)}\u201d" for v in ("pipeline", "service_call")
    )
    return words.plain(sentence.replace("interaction: pipeline, not service_call", answer))


def steps_table(a: Assessment) -> None:
    """One row a step: its model, runs, tools, one call's p50/p95/p99 and first token, its
    share of a typical request and of the monthly token bill (at the recommended mode's prices)."""
    costs = {c.name: c for c in a.pricing.steps}
    total = sum(s.duration_s for s in a.latency.steps) or 1.0
    rows = []
    for s in a.latency.steps:
        cost = costs.get(s.name)
        rows.append({
            "step": s.name + (" (shown)" if s.shown and len(a.latency.steps) > 1 else ""),
            "model": s.model,
            "runs": s.calls,
            "tools": seconds(s.tool_latency_s),
            "call": f"{seconds(s.call_p50_s)} / {seconds(s.call_p95_s)} / {seconds(s.call_p99_s)}",
            "first": seconds(s.first_token_p95_s),
            "share": f"{seconds(s.duration_s)} ({percent(s.duration_s / total)})",
            "tokens": tokens_per_call(cost),
            "request": money(cost.request_usd) if cost else "n/a",
            "month": money(cost.tokens_usd_per_month[a.recommendation]) if cost else "n/a",
        })
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        key="steps_table",
        column_config={
            "step": st.column_config.TextColumn("step", pinned=True, help="Shown: the step the person reads."),
            "model": st.column_config.TextColumn("model"),
            "runs": st.column_config.NumberColumn("runs", help="Times the step runs in a request."),
            "tools": st.column_config.TextColumn("tools", help="Time outside the model in each run, before its call."),
            "call": st.column_config.TextColumn("one call p50 / p95 / p99", help="One call, no retry."),
            "first": st.column_config.TextColumn("first token p95", help="One call's first visible token."),
            "share": st.column_config.TextColumn(
                "in a typical request", help="Its runs, tools and calls at their medians, and its share."
            ),
            "tokens": st.column_config.TextColumn("tokens per call"),
            "request": st.column_config.TextColumn("per request", help="Its calls of one request, no retry."),
            "month": st.column_config.TextColumn(
                "tokens a month", help="At the recommended mode's prices, retries included."
            ),
        },
    )


def _batch_caps(requests: int | None, megabytes: float | None) -> str:
    caps = [f"{count(requests)} requests" if requests else "", f"{megabytes:g} MB" if megabytes else ""]
    listed = " or ".join(c for c in caps if c)
    return (
        f"At most {listed} per batch: the month's requests packed that full. The workload states no schedule; one"
        " that runs more often takes more (one a night is 30)."
    ) if listed else "No batch API, or no published cap on a batch."


def _use(share: float) -> str:
    """A share of a limit: "35%", or over it "2.3x the limit"."""
    return f"{times(share)} the limit" if share > 1 else percent(share)


# -- Risks and Why ---------------------------------------------------------------------------


def risks_tab(a: Assessment) -> None:
    st.markdown(f"### Risks of {md(Words(a.rules).mode(a.recommendation).lower())} and how to contain them")
    for r in a.risks:
        with st.container(border=True):
            st.markdown(f"**{md(r.risk)}**")
            st.markdown(md(r.mitigation))
    st.markdown("### Resilience checklist")
    st.markdown("\n".join(f"- [ ] {md(item)}" for item in a.checklist))


def why_tab(a: Assessment) -> None:
    names = {x.id: x.name for x in a.axes}
    traces = {t.rule: t for t in a.trace}
    st.markdown(f"### {len(a.fired_rules)} of {len(a.trace)} rules fired")
    st.caption("Each rule with its id, its effect on the scores and the source it comes from.")
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
                # Ruled out by its exclude, or because the mode must pay its way and does not.
                ruled_out = [*r.exclude, *(e.mode for e in a.excluded if r.id in e.rules and e.mode not in r.exclude)]
                if ruled_out:
                    effect += ("; " if effect else "") + "rules out " + ", ".join(ruled_out)
                source = md(cite(r.source, a.rules.header.sources))
                st.caption(f"`{r.id}` · effect: {md(effect) or 'patterns only'} · source: {source}")
                trace = traces.get(r.id)
                if trace and trace.conditions:
                    st.dataframe(
                        [
                            {
                                # Under a not (or one of an any), as the rule combines it.
                                "within": within(c.path),
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
                {
                    "what": x.name,
                    "value": cite(x.value, a.rules.header.sources),
                    "source": cite(x.source, a.rules.header.sources),
                }
                for x in a.assumptions
            ],
            hide_index=True,
            width="stretch",
        )
    st.caption(
        f"Rule set {md(a.ruleset.id)} {md(a.ruleset.version)} (sha256 {a.ruleset.hash[:12]}),"
        f" advisor {a.advisor_version}."
    )


# -- Decision map ----------------------------------------------------------------------------


def map_tab(profile: WorkloadProfile, ruleset: RuleSet, weights: dict[str, float]) -> None:
    st.markdown("### Where each mode wins")
    st.caption(
        "The recommended mode over two answers you pick, everything else as you answered it. "
        "The ring marks your workload."
    )
    # A workload given as steps varies its steps, not the single-call answers.
    facts = [f for f in VARIABLE_FACTS if profile.steps is None or f not in SHORTHAND_FIELDS]
    for key in ("map_x", "map_y"):
        if st.session_state.get(key) not in (None, *facts):
            del st.session_state[key]
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
    st.vega_lite_chart(
        spec=map_chart(result, words),
        key="map_chart",
        width="stretch",
        alt="The recommended mode over two answers; a ring marks this workload.",
    )
    counts = {m: sum(row.count(m) for row in result.cells) for m in MODES}
    total = sum(counts.values())
    shares = [f"{md(words.mode(m))} {percent(counts[m] / total)}" for m in MODES if counts[m]]
    missed = sum(row.count(False) for row in result.feasible)
    pale = (f" Pale cells ({percent(missed / total)}): the best allowed mode misses its contract there, not feasible."
            if missed else "")
    st.caption(" · ".join(shares) + " of the grid." + pale)


# -- notes on answers that are valid but probably not meant ---------------------------------------


def sanity_notes(profile: WorkloadProfile) -> dict[str, str]:
    """Answers that are valid but probably not what was meant, by the question they concern."""
    notes = {}
    peak = profile.peak_requests_per_minute
    average = profile.average_requests_per_minute
    if peak is not None and peak < average:
        notes["peak_requests_per_minute"] = (
            f"The peak ({count(peak)} a minute) is below the monthly average ({count(average)} a minute); "
            "the advisor uses the average."
        )
    if profile.requests_per_month == 0:
        notes["requests_per_month"] = "With no requests a month, every mode costs only its build and infrastructure."
    if profile.steps is None and profile.input_tokens == 0 and profile.output_tokens == 0:
        notes["input_tokens"] = "A request with no input and no output tokens costs nothing and takes no time."
    elif profile.steps is None and profile.output_tokens == 0 and profile.output_format != "embedding":
        # Valid (a call that only classifies by its first token), but a text or JSON answer
        # of nothing is more often an answer not yet filled in.
        notes["output_tokens"] = (
            "No output tokens: the answer is its first token alone, so its time is the first token's and its bill "
            "the input's. Give the tokens a typical answer has."
        )
    return notes
