"""The verdict: the card that stays in view (key ``verdict``) and, on a phone, the compact
bar that follows the form (key ``verdict_bar``).

The card says which mode, whether it meets its contract, what it costs a month and how its
latency sits against the budget (each mode judged on the latency its contract promises:
the first token for streaming, the whole answer for the others), why, what money and mode
seem to disagree about, the record to download and what to do next, and the nearest
changes that would flip it, each with a "Try it" button.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import streamlit as st

from advisor.core.assessment import Assessment, misses_on_stand_in, not_feasible_label
from advisor.core.capacity import Capacity
from advisor.core.clock import today
from advisor.core.profile import WorkloadProfile
from advisor.views.adr import DEFAULT_DIR, record_title
from advisor.views.formatting import (
    AT_RISK,
    at_risk_sentence,
    budget_words,
    count,
    larger,
    money,
    priced_models,
    prices_of,
    retiring,
    saving_or_extra,
    seconds,
    tradeoff_in_words,
)
from advisor.views.limits import headroom, limits_use, never_drains_why, peak_summary
from advisor.views.markdown import slug
from advisor.views.sources import cite
from questionnaire import changes
from questionnaire.contract import contract_latency, first_token_that_ruled_out_the_stream, shown_step_done
from questionnaire.record import ADR_TEMPLATES, adr_text, record_people
from questionnaire.session import try_change, undo_change
from questionnaire.state import md
from questionnaire.vocabulary import CONTRACT_WORDS, Words


@dataclass(frozen=True)
class Shown:
    """The assessment the page shows: of the current answers, or, while an answer is wrong,
    of the last complete ones (``stale``)."""

    assessment: Assessment
    profile: WorkloadProfile  # what it was made from: "Try it" changes this
    stale: bool
    custom_weights: bool


def next_step(a: Assessment, stale: bool, feasible: bool) -> str:
    """One line of what to do next, as Markdown (the file name is a slug: a-z, 0-9 and dashes)."""
    name = slug(record_title(a))
    if stale:
        return "Next: fix the answer marked in red; the record would describe your last complete answers."
    if not feasible:
        # With no change on the card, "try a change below that meets the contract" sent the reader
        # to a line just below it saying there is none.
        return (
            "Next: try a change below that meets the contract, or record the decision as not feasible as specified."
            if changes.card(a) else "Next: record the decision as not feasible as specified."
        )
    move = a.workload.current_mode and a.workload.current_mode != a.recommendation
    then = "plan the migration it lists" if move else "ask the decision-makers to accept it"
    return f"Next: commit the record as `{DEFAULT_DIR}/NNNN-{name}.md` and {then}."


def verdict_card(shown: Shown) -> None:
    a = shown.assessment
    words = Words(a.rules)
    feasible = a.feasible
    judged = contract_latency(a, a.recommendation)
    cost = a.costs[a.recommendation]
    with st.container(border=True, key="verdict"):
        if shown.stale:
            st.warning(
                "**Stale**: these results are from your last complete answers. Fix the answer marked in red to "
                "update them.",
                icon=":material/history:",
            )
        # Feasible, but a batch whose window outlasts the budget: at risk, as the summary says it.
        at_risk = at_risk_sentence(a)
        if at_risk:
            contract_badge = f":orange-badge[:material/schedule: {AT_RISK}]"
        elif feasible:
            contract_badge = ":green-badge[:material/check: meets its contract]"
        elif misses_on_stand_in(a):  # missed on a speed nobody measured: to measure, not yet a fact
            contract_badge = ":orange-badge[misses its contract on an assumed speed]"
        else:
            contract_badge = ":red-badge[misses its contract]"
        badges = [
            contract_badge,
            f":blue-badge[{CONTRACT_WORDS.get(a.contract, f'{a.contract} contract')}]",
        ]
        current = a.workload.current_mode
        if current and current != a.recommendation:
            badges.append(f":orange-badge[move from {words.short(current).lower()}]")
        elif current:
            badges.append(":green-badge[keep the current mode]")
        if shown.custom_weights:
            badges.append(":violet-badge[your axis priorities]")
        st.markdown("Recommended &nbsp; " + " ".join(badges))
        st.markdown(f"## {md(words.mode(a.recommendation))}")
        with st.container(horizontal=True, gap="medium", key="verdict_figures"):
            saving = cost.saving_vs_current_usd
            moving = current is not None and current != a.recommendation and saving is not None
            st.metric(
                "Monthly cost",
                money(cost.total_usd),
                delta=(
                    saving_or_extra(saving, larger(a.costs[current].total_usd, cost.total_usd)).replace(" a month", "")
                    if moving and saving is not None and current is not None else None
                ),
                delta_color="normal" if (saving or 0) >= 0 else "inverse",
                delta_arrow="off",
                width="content",
                help="Tokens, infrastructure and the build amortised, a month"
                + (" (today's mode is built: its build is paid" + (
                    ", and a move pays only what its build adds to it)."
                    if any(c.build_reused is not None for c in a.costs.values()) else ").") if current else "."),
            )
            st.metric(
                judged.label,
                judged.value,
                # A job whose result is in time but whose peak queue is not says the queue, or a red
                # "budget 15 min" beside "25.7 s" reads as a contradiction.
                delta=(f"{judged.queue}, " if judged.queue else "") + f"budget {budget_words(a)}",
                # Within the budget, green; a miss that is the verdict's own problem, red; a
                # window longer than the budget that the verdict accepts as a risk, grey.
                # A held connection within the budget but cut off by its caller is the verdict's miss too.
                delta_color="normal" if judged.within and not judged.queue else ("inverse" if not feasible else "off"),
                delta_arrow="off",
                width="content",
                help=md(judged.sentence[0].upper() + judged.sentence[1:]) + "."
                + (f" {md(judged.spread[0].upper() + judged.spread[1:])}." if judged.spread else ""),
            )
            # A chat sent to a job by its first token: the card's figure is the job's result, so the
            # wait that decided it, and that a chat user feels, is said beside it.
            ruled_out = first_token_that_ruled_out_the_stream(a)
            if ruled_out is not None:
                first, line = ruled_out
                st.metric(
                    first.label, first.value, delta=f"over {line:g} s: no stream", delta_color="inverse",
                    delta_arrow="off", width="content",
                    help=md(first.sentence[0].upper() + first.sentence[1:]) + f" ({first.spread}).",
                )
            # A chain whose shown step is not the last and whose whole answer misses the budget: when
            # the person has read it all, the time an answer at the shown step (the rest as a job)
            # would come, beside the whole answer's (the Latency tab says it in every case).
            done = shown_step_done(a)
            if done is not None and not a.latency.within_budget:
                st.metric(
                    done.label, done.value, delta=f"budget {budget_words(a)}",
                    delta_color="normal" if done.within else "inverse", delta_arrow="off", width="content",
                    help=md(done.sentence[0].upper() + done.sentence[1:]) + f" ({done.spread}).",
                )
            cap = a.capacity
            where = cap.figures_taken[0].upper() + cap.figures_taken[1:]  # no peak given: the monthly average, said so
            # A batch runs under limits of its own, which nothing checks: the real-time limits are
            # said as what they are, greyed, never a red backlog beside "meets its contract".
            batch = a.recommendation == "batch"
            st.metric(
                "Real-time rate limits" if batch else "Rate-limit headroom",
                headroom(cap),
                # The tier whose limits are assumed is said where the figure is read.
                delta=BATCH_LIMITS_NOTE if batch else _headroom_note(cap),
                delta_color="inverse" if cap.over_limit and not batch else "off",
                delta_arrow="off",
                width="content",
                help=md((BATCH_LIMITS_HELP if batch else "") + (
                    f"{where}: {peak_summary(cap)}. {_backlog_sentence(cap)}Limits: "
                    f"{cite(cap.limits_source, a.rules.header.sources)}." if cap.limits_known else
                    f"{where}: {limits_use(cap)}; nothing checked: {cap.limits_unknown_because}.")),
            )
        basis, basis_help = figures_basis(a)
        st.caption(md(basis), help=md(basis_help) if basis_help else None)
        if not feasible:
            st.warning(
                f"**{not_feasible_label(a)}**: {md(words.plain(a.infeasible_reason or ''))}",
                icon=":material/warning:",
            )
        if at_risk:
            st.warning(md(at_risk), icon=":material/schedule:")
        for said in retiring(a):  # as the summary's headline and the record's decision say it
            st.warning(f"**Model retiring**: {md(said)}", icon=":material/event_busy:")
        st.markdown(md(words.plain(a.reason)))
        # Against today's mode or a cheaper one the rules leave open, as the summary and the record
        # say it: a mode the rules rule out is no cheaper option (the Overview tab's "Ruled out" says why).
        tradeoff = tradeoff_in_words(a, allowed_only=True)
        if tradeoff:
            st.markdown(f":material/balance: {md(tradeoff)}")
        _download(a, shown.stale, feasible)
        _what_would_change(shown)
        titles = {r.id: r.title for r in a.fired_rules}
        decided = [md(titles[r]) for r in a.decided_by[:4] if r in titles]
        st.caption(
            (f"Decided by: {' · '.join(decided)}. " if decided else "")
            + "[The reasons, the money and the four modes side by side :material/arrow_downward:](#details)"
        )


POSSESSIVE = "'"  # "3 models' prices"
# The assumptions that say a latency was estimated from a model's speed as the catalogue gives it.
_PUBLISHED_SPEED = ("time to first token", "output speed")


def figures_basis(a: Assessment) -> tuple[str, str]:
    """What the card's figures rest on, in one line, read off the assessment: whose prices, of
    which day, from where (as the text summary's cost line says them); and whether the latency
    was measured, estimated from the model's published speed, from speeds given, or at a
    stand-in's. With it, the assumptions behind the latency estimate, for its help ("" when
    measured)."""
    p, lat = a.pricing, a.latency
    models = priced_models(p)
    # Steps on two models name both ("openai/gpt-5.4 and openai/gpt-5.5 prices of ..."), as the
    # text summary's cost line does; more are counted ("3 models' prices"), the help names them.
    plural = len(models) > 2
    whose = f"{len(models)} models" if plural else " and ".join(models)
    prices = f"{whose} at your own prices" if p.source == "override" else (
        f"{whose}{POSSESSIVE if plural else ''} prices of {p.price_date}, {p.data_version}")
    if lat.measured:
        latency = "p95 from measured call times"
    elif lat.stand_ins:  # which model, and what it is timed at, in the help
        latency = "p95 estimated at a stand-in speed"
    elif any(x.name.startswith(_PUBLISHED_SPEED) for x in a.assumptions):
        latency = "p95 estimated from published speed"
    else:
        latency = "p95 estimated from the speeds given"
    why = [f"{x.name}: {x.value}" for x in a.assumptions
           if x.name.startswith(("per-call p95", *_PUBLISHED_SPEED))]
    if lat.stand_ins:
        why.insert(0, f"{' and '.join(lat.stand_ins)}: no measured speed, timed at a stand-in")
    if plural:
        why.insert(0, f"prices of {prices_of(p)}")
    if lat.reasoning_unpriced:  # the monthly cost leaves a reasoning model's thinking out (the Cost tab says how much)
        prices += " · reasoning tokens not priced"
        why.insert(0, f"{' and '.join(lat.reasoning_unpriced)}: reasoning tokens not priced, so the monthly cost"
                      " leaves them out (the Cost tab says what they would add)")
    return f"{prices} · {latency}", "; ".join(why)


# A batch verdict's headroom figure is the real-time limits', which a batch does not run under.
BATCH_LIMITS_NOTE = "batch runs under limits of its own, not checked"
BATCH_LIMITS_HELP = (
    "The Batch API runs under limits of its own (per-batch caps and queued tokens), which the advisor does not "
    "check; the figure is the real-time limits, which bind only calls made outside the batch. Watch for batches "
    "the provider rejects or lets expire. "
)


def _headroom_note(cap: Capacity) -> str:
    """"at peak, tier-1"; "no limit known"; over the limits, the backlog the peak builds:
    "2,237 queued at peak, drains in 14.6 min, tier-3"."""
    if not cap.limits_known:
        return "no limit known"
    where = ("over the limit " if cap.over_limit else "") + cap.figures_taken
    if cap.backlog_requests > 0:
        where = backlog_in_words(cap)
    return f"{where}, {cap.tier}" if cap.tier else where


def _backlog_sentence(cap: Capacity) -> str:
    """How the backlog comes about, for the headroom's help ("" within the limits)."""
    if cap.backlog_requests <= 0:
        return ""
    wait = cap.peak_worst_wait_s
    after = (
        f"the last of them waits {seconds(wait)} (first in first out), and the queue drains"
        f" {seconds(cap.drain_time_s)} after the peak ends" if cap.drain_time_s is not None and wait is not None
        else f"it never drains: {never_drains_why(cap)}"
    )
    spell = (f"A {seconds(cap.peak_minutes * 60)} peak leaves" if cap.peak_given
             else f"{seconds(cap.peak_minutes * 60)} at the monthly average (no peak given) leave")
    return (
        f"{spell} {count(cap.backlog_requests)} requests queued (the limits let "
        f"{count(cap.sustainable_rpm or 0)} a minute through); {after}. "
    )


def backlog_in_words(cap: Capacity) -> str:
    """The backlog a peak over the limits builds: "2,237 queued at peak, drains in 14.6 min"
    (from the peak's end); "2,237 queued at peak, never drains"."""
    drains = f"drains in {seconds(cap.drain_time_s)}" if cap.drain_time_s is not None else "never drains"
    # With no peak given, the queue is the one an hour at the monthly average builds.
    where = "at peak" if cap.peak_given else "at the monthly average"
    return f"{count(cap.backlog_requests)} queued {where}, {drains}"


def _download(a: Assessment, stale: bool, feasible: bool) -> None:
    template = st.session_state.get("adr_template") or "madr"
    status = st.session_state.get("adr_status") or "proposed"
    date = st.session_state.get("adr_date") or today()
    people = record_people(st.session_state)
    with st.container(horizontal=True, vertical_alignment="center", gap="small", key="verdict_record"):
        _download_button(a, template, status, date, stale, people)
        st.caption(next_step(a, stale, feasible), width="stretch")


def _download_button(
    a: Assessment, template: str, status: str, date: datetime.date, stale: bool, people: dict[str, list[str]]
) -> None:
    st.download_button(
        f"Download decision record ({ADR_TEMPLATES[template]})",
        data=lambda: adr_text(a, template, status, date, **people).encode("utf-8"),
        file_name=f"{slug(record_title(a))}.md",
        mime="text/markdown",
        key="download_record",
        on_click="ignore",
        icon=":material/description:",
        type="primary",
        disabled=stale,
        help="The architecture decision record of this verdict, in Markdown, as `advisor adr` writes it. "
        "Its format, status and date are set in the Decision record tab.",
    )


def _what_would_change(shown: Shown) -> None:
    a = shown.assessment
    words = Words(a.rules)
    undo = st.session_state.get("undo_answers")
    if undo is not None:
        st.button(
            f"Undo: {md(undo['label'])}",  # a step's name in it is the user's text
            key="undo",
            on_click=undo_change,
            icon=":material/undo:",
            type="tertiary",
            help="Go back to the answers before the last change you tried.",
        )
    groups = changes.card(a)
    if not groups:
        st.caption(
            "No change within reach meets the contract; the details list every change the advisor tried."
            if not a.feasible
            else "No single answer within reach changes the recommendation."
        )
        return
    st.markdown("**What would change it**")
    index = 0
    for group in groups:
        st.markdown(f":material/arrow_forward: **{md(changes.group_title(words, a, group))}**")
        for option in group.options:
            with st.container(horizontal=True, vertical_alignment="center", gap="small", key=f"change_{index}"):
                st.markdown(md(option.label), width="content", help=md(option.because))
                verdict = md(words.mode(option.mode))
                try_it(shown, option, f"try_{index}", f"Set this answer and see the verdict: {verdict}.")
            index += 1


def try_it(shown: Shown, option: changes.Option, key: str, help: str | None = None) -> None:
    """The button beside a change that sets it ("Try it"), or, for a what-if on a measurement,
    the words that ask for the measurement instead: trying it would record one nobody took."""
    if option.what_if:
        st.caption(changes.MEASURE_FIRST, help=changes.MEASURE_FIRST_HELP, width="content")
        return
    st.button(
        "Try it",
        key=key,
        on_click=try_change,
        args=(shown.profile, option.changes, option.label),
        disabled=shown.stale,
        type="tertiary",
        icon=":material/play_arrow:",
        help=help,
    )


def verdict_bar(shown: Shown) -> None:
    """The verdict in one line, for a phone: it stays at the top while the form scrolls."""
    a = shown.assessment
    feasible = a.feasible
    judged = contract_latency(a, a.recommendation)
    words = Words(a.rules)
    with st.container(key="verdict_bar"):
        parts = [
            f"**{md(words.mode(a.recommendation))}**",
            f":orange[{AT_RISK}]" if at_risk_sentence(a) else "meets its contract" if feasible
            else ":red[misses its contract]",
            f"{money(a.costs[a.recommendation].total_usd)} a month",
            f"{judged.label.lower()} {judged.value} (budget {budget_words(a)})",
        ]
        if a.capacity.backlog_requests > 0 and a.recommendation != "batch":  # batch: limits of its own
            parts.append(backlog_in_words(a.capacity))
        if shown.stale:
            parts.insert(0, ":orange[stale]")
        st.markdown(" · ".join(parts))
