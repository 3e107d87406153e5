"""A workload's situation: the derived numbers of one profile before any rule runs.

Latency, prices, the cost of each mode, capacity and the facts the rules read, worked out
once per profile (and once per probe of the what-if search, the levers and the decision
map), with the provider catalogue of the rule set.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .assumption import Assumption
from .capacity import Capacity, estimate_capacity
from .catalogue import Catalogue
from .clock import as_date, today
from .cost import CostEstimate, estimate_costs, price_step
from .errors import AdvisorError, InputError, each
from .facts import profile_facts, step_facts
from .latency import LatencyEstimate, estimate_latency, prompt_reading_s, share_after
from .prices import PriceCard
from .profile import MODES, SHORTHAND_FIELDS, WorkloadProfile, as_read, parse_profile
from .provider import batch_offer, check_max_output, check_reasoning_off, check_service_tier, first_shutdown
from .rules import RuleSet, load_rules
from .steps import WorkStep, calls_per_request, shown_step, with_changes, work_steps
from .value_class import value_class


def price_date_or_today(price_date: Any) -> datetime.date:
    """The date whose prices a caller asked for (a datetime.date or text YYYY-MM-DD, as the
    CLI's --price-date), else today (UTC). Anything else, a datetime included (its hour and
    zone would be dropped), is the caller's InputError."""
    if price_date is None:
        return today()
    return as_date(price_date, field="price_date")


def _share(part: float, whole: float) -> float:
    return part / whole if whole > 0 else 0.0


def _drain_ratio(capacity: Capacity, budget: float) -> float | None:
    """The share of the budget a peak's backlog takes to drain (None: it never drains)."""
    return None if capacity.drain_time_s is None else capacity.drain_time_s / budget


def caller_facts(profile: WorkloadProfile, latency: LatencyEstimate) -> dict[str, float | None]:
    """The caller's timeout and the share of requests whose whole answer comes after it
    (both None where the workload states no timeout)."""
    timeout = profile.caller_timeout_s
    if timeout is None:
        return {"caller_timeout_s": None, "caller_cut_off_share": None}
    return {"caller_timeout_s": timeout, "caller_cut_off_share": share_after(latency, profile.retry_rate, timeout)}


def derive_facts(
    profile: WorkloadProfile,
    steps: tuple[WorkStep, ...],
    ruleset: RuleSet,
    latency: LatencyEstimate,
    costs: CostEstimate,
    capacity: Capacity,
    card: PriceCard,
) -> dict[str, Any]:
    """Every fact the rules may read (declared in advisor.core.facts)."""
    facts = profile_facts(profile, ruleset.waiting_interactions)
    facts.update(step_facts(steps))
    modes = costs.modes
    totals = {mode: modes[mode].total_usd for mode in MODES}
    sync_contract = min(totals["sync"], totals["streaming"])
    batch_total = totals["batch"]
    window_h = batch_offer(ruleset.catalogue, profile.provider).window_h or 24.0
    headroom = capacity.headroom
    # Each model once (the first of equal days is the first model named, as before).
    shutdown = first_shutdown(ruleset.catalogue, dict.fromkeys([(s.provider, s.model) for s in steps]), card.price_date)
    facts.update(
        model_p95_s=latency.per_call_p95_s,
        per_call_p95_s=latency.per_call_p95_s,
        end_to_end_p50_s=latency.end_to_end_p50_s,
        end_to_end_p95_s=latency.end_to_end_p95_s,
        end_to_end_p99_s=latency.end_to_end_p99_s,
        time_to_first_token_s=latency.time_to_first_token_s,
        shown_step_p95_s=latency.shown_step_p95_s,
        budget_ratio=latency.budget_ratio,
        **caller_facts(profile, latency),
        within_budget=latency.within_budget,
        model_reasons=latency.model_reasons,
        speed_assumed=bool(latency.stand_ins),
        tier=capacity.tier,
        # Limits the workload gives are its own (a self-hosted model's capacity, a negotiated
        # limit), not an account tier's: "account tier 'unknown'" said nothing true.
        rate_limits_of=("the workload's own rate_limits" if profile.rate_limits is not None
                        else f"account tier '{capacity.tier}'" if capacity.tier else None),
        monthly_token_cost_usd=modes["sync"].tokens_usd,
        batch_saving_usd_per_month=costs.batch_token_saving_usd_per_month,
        batch_saving_fraction=costs.batch_token_saving_fraction,
        batch_net_saving_usd_per_month=totals["sync"] - batch_total,
        batch_breakeven_requests_per_month=costs.batch_breakeven_requests_per_month,
        sync_total_usd_per_month=totals["sync"],
        streaming_total_usd_per_month=totals["streaming"],
        async_total_usd_per_month=totals["async"],
        batch_total_usd_per_month=batch_total,
        batch_net_saving_vs_sync_contract_usd_per_month=sync_contract - batch_total,
        batch_net_saving_vs_sync_contract_fraction=_share(sync_contract - batch_total, sync_contract),
        batch_net_saving_vs_async_usd_per_month=totals["async"] - batch_total,
        batch_net_saving_vs_async_fraction=_share(totals["async"] - batch_total, totals["async"]),
        async_extra_cost_usd_per_month=totals["async"] - sync_contract,
        async_extra_cost_fraction=_share(totals["async"] - sync_contract, sync_contract),
        batch_api=card.batch_available,
        days_to_model_shutdown=None if shutdown is None else shutdown[0],
        shutdown_model=None if shutdown is None else shutdown[1],
        # A provider the catalogue does not know, with a batch discount of the workload's own:
        # the 24 hours every source gives for a batch window. Each dependent call of a chain
        # waits for the batch before it: one window per call.
        batch_window_s=window_h * 3600 * calls_per_request(steps) if card.batch_available else None,
        rate_limit_utilisation=None if headroom is None else 1.0 - headroom,
        over_rate_limit=None if headroom is None else capacity.over_limit,
        rate_limits_known=headroom is not None,
        rate_limit_model=capacity.model or facts["model"],
        rate_limit_when=None if headroom is None else capacity.figures_taken,
        concurrent_connections=capacity.concurrent_connections,
        retry_amplification=capacity.retry_amplification,
        peak_calls_per_minute=capacity.peak_calls_per_minute,
        backlog_requests=capacity.backlog_requests,
        drain_time_s=capacity.drain_time_s,
        peak_worst_wait_s=capacity.peak_worst_wait_s,
        backlog_drains=capacity.drain_time_s is not None,
        request_refused=None if headroom is None else capacity.refused_call_tokens is not None,
        refused_request=None if (said := capacity.refused_words) is None else said[0].upper() + said[1:],
        drain_budget_ratio=_drain_ratio(capacity, profile.latency_budget_s),
        async_workers_at_peak=capacity.async_workers_at_peak,
    )
    return facts


@value_class
class Situation:
    """The derived numbers of one profile before any rule runs (cheap to recompute)."""

    profile: WorkloadProfile
    latency: LatencyEstimate
    card: PriceCard  # the shown step's prices
    costs: CostEstimate
    capacity: Capacity
    assumptions: list[Assumption]
    facts: dict[str, Any]
    steps: tuple[WorkStep, ...] = ()
    # The latency's own assumptions (the first of ``assumptions``): a probe that changes no
    # answer the latency depends on keeps them, instead of working the latency out again.
    latency_assumptions: tuple[Assumption, ...] = ()


def _card(
    profile: WorkloadProfile, steps: tuple[WorkStep, ...], ruleset: RuleSet, price_date: datetime.date
) -> PriceCard:
    return price_step(shown_step(steps), price_date, ruleset.catalogue, profile.service_tier)


def check_context_window(
    card: PriceCard, profile: WorkloadProfile, steps: tuple[WorkStep, ...], ruleset: RuleSet
) -> PriceCard:
    """``card``, where every call fits its model's context window; else an InputError naming
    the step's input_tokens: one call's input, visible output and the reasoning it keeps (as a
    model lever counts them) more than the window the price data gives its model is refused by
    the provider, every time. Not checked where the workload gives a model its own pricing
    (its window is then not known), nor where the price data gives none."""
    windows: dict[tuple[str, str], tuple[int | None, str]] = {}
    checked: set[tuple[str, str, int, int]] = set()  # calls alike (an agent's repeated steps) checked once
    for step in steps:
        if step.pricing is not None:
            continue
        alike = (step.provider, step.model, step.input_tokens, step.billed_output_tokens)
        if alike in checked:
            continue
        checked.add(alike)
        key = (step.provider.lower(), step.model.lower())
        if key not in windows:
            priced = card if not step.prefix or step.shown else price_step(
                step, card.price_date, ruleset.catalogue, profile.service_tier
            )
            windows[key] = (priced.context_window, priced.data_version)
        window, version = windows[key]
        # An embedding returns a vector, not tokens: its input alone fills the window.
        entry = ruleset.catalogue.resolve(step.provider, step.model).model
        embedding = profile.output_format == "embedding" or (entry is not None and entry.output == "embedding")
        output = 0 if embedding else step.billed_output_tokens
        tokens = step.input_tokens + output
        if window is None or tokens <= window:
            continue
        parts = [f"{step.input_tokens:,} input"]
        if not embedding:
            parts.append(f"{step.output_tokens:,} output")
            if step.reasoning_tokens:
                parts.append(f"{step.reasoning_tokens:,} reasoning")
        room = window - output
        field = "input_tokens"
        if room > 0:
            fewer = f"give at most {room:,} input tokens (split the input or summarise it first), or "
        else:  # the answer alone overflows the window: it is the answer to cut
            field = "reasoning_tokens" if step.reasoning_tokens > step.output_tokens else "output_tokens"
            fewer = f"give fewer {field.replace('_', ' ')}, or "
        raise InputError(
            f"one call of {step.model} holds {tokens:,} tokens ({' + '.join(parts)}), more than its context window "
            f"of {window:,} tokens ({version} price data): the provider refuses every such call; {fewer}a model "
            "whose window holds the call",
            field=step.field(field),
        )
    return card


def _check_service_tier(ruleset: RuleSet, profile: WorkloadProfile, steps: tuple[WorkStep, ...]) -> None:
    if profile.service_tier == "standard":  # offered for every model: nothing to check
        return
    models = [(s.name, s.provider, s.model) for s in steps] if profile.steps is not None else []
    check_service_tier(ruleset.catalogue, profile, models)


def situate(profile: WorkloadProfile, ruleset: RuleSet, price_date: datetime.date | str | None = None) -> Situation:
    """Latency, prices, costs, capacity and facts for one profile under one rule set."""
    (situation,) = situate_each([profile], ruleset, price_date)
    if isinstance(situation, AdvisorError):
        raise situation
    return situation


def situate_each(
    profiles: Sequence[WorkloadProfile | AdvisorError], ruleset: RuleSet, price_date: datetime.date | str | None = None
) -> list[Situation | AdvisorError]:
    """``situate`` of each profile, or the AdvisorError that stops it, one step over all the
    profiles before the next (their latency, then their prices, ...): for a batch of them
    (advisor review), each step's code stays hot in the processor's caches. An entry that is
    already an error (an earlier step's, such as reading the file) stays as it is."""
    catalogue = ruleset.catalogue
    when = price_date_or_today(price_date)

    def checked(profile: WorkloadProfile) -> tuple[WorkStep, ...]:
        steps = work_steps(profile)
        _check_service_tier(ruleset, profile, steps)
        check_reasoning_off(catalogue, steps)
        check_max_output(catalogue, steps)
        return steps

    def situation(
        capacity: Capacity, profile: WorkloadProfile, steps: tuple[WorkStep, ...],
        latency: tuple[LatencyEstimate, list[Assumption]], card: PriceCard, cost: CostEstimate,
    ) -> Situation:
        estimate, latency_assumptions = latency
        return Situation(
            profile=profile,
            latency=estimate,
            card=card,
            costs=cost,
            capacity=capacity,
            # costs.assumptions already include the price card's.
            assumptions=[*latency_assumptions, *cost.assumptions, *capacity.assumptions],
            facts=derive_facts(profile, steps, ruleset, estimate, cost, capacity, card),
            steps=steps,
            latency_assumptions=tuple(latency_assumptions),
        )

    # Each step is given the list the step before it made (a profile's result so far, or the
    # error that stopped it), then what else it reads.
    steps = each(checked, profiles)
    latencies = each(lambda s, p: estimate_latency(p, catalogue, s), steps, profiles)
    priced = each(lambda _, p, s: _card(p, s, ruleset, when), latencies, profiles, steps)
    cards = each(lambda card, p, s: check_context_window(card, p, s, ruleset), priced, profiles, steps)
    builds_on = ruleset.builds_on
    costs = each(
        lambda card, p, s: estimate_costs(p, card, catalogue=catalogue, steps=s, builds_on=builds_on),
        cards, profiles, steps,
    )
    capacities = each(
        lambda _, p, latency, s: estimate_capacity(p, latency[0], catalogue, s), costs, profiles, latencies, steps
    )
    return each(situation, capacities, profiles, steps, latencies, cards, costs)


def facts(
    profile: WorkloadProfile | Mapping[str, Any],
    rules: RuleSet | str | Path | None = None,
    *,
    price_date: datetime.date | str | None = None,
) -> dict[str, Any]:
    """The facts the rules read for one workload (declared in advisor.core.facts): its own
    answers, and the latency, costs and capacity worked out from them.

        >>> import advisor
        >>> profile = advisor.load_profile("examples/chatbot.yaml")
        >>> rules = advisor.load_rules()
        >>> rules.evaluate(advisor.facts(profile)).recommendation
        'streaming'

    ``rules`` is a loaded RuleSet or a rule-set folder (default: $ADVISOR_RULES, else the
    shipped rule set): its provider catalogue and who counts as waiting shape the facts."""
    if not isinstance(profile, WorkloadProfile):
        if not isinstance(profile, Mapping):
            raise InputError(f"expected a workload profile or a mapping, got {type(profile).__name__}")
        profile = parse_profile(dict(profile))
    ruleset = rules if isinstance(rules, RuleSet) else load_rules(rules)
    return situate(as_read(profile), ruleset, price_date).facts


# What each figure is worked out from (the profile's fields): a change to others leaves it
# as it is. The probes of the what-if search and the levers change one or two answers at a
# time, thousands of times; a test checks that this gives what ``situate`` gives. A change
# to a step (``steps.<name>.<field>``) or to the steps changes everything.
_STEP_FIELDS = frozenset({"provider", "model", "pricing", "steps", *SHORTHAND_FIELDS})  # what work_steps reads
_PRICE_FIELDS = frozenset({"provider", "model", "pricing", "service_tier", "steps"})
_REASONING_FIELDS = frozenset({"provider", "model", "reasoning_tokens", "steps"})  # what check_reasoning_off reads
_LATENCY_FIELDS = frozenset({
    "provider", "model", "service_tier", "ttft_s", "output_tokens_per_s", "model_p95_s", "model_p50_s",
    "output_tokens", "reasoning_tokens", "chained_calls", "tool_latency_s", "retry_rate", "latency_correlation",
    "steps", "input_tokens", "cached_input_fraction", "output_format",  # the prompt's reading (not an embedding's)
})
# A call's prompt: it moves the latency only where a prompt is long enough to be read
# (latency.prompt_reading_s), which most are not.
_PROMPT_FIELDS = frozenset({"input_tokens", "cached_input_fraction"})
_LATENCY_UNREAD = _PROMPT_FIELDS | {"output_format"}  # fields the latency reads only in part
_COST_FIELDS = _PRICE_FIELDS | frozenset({
    "input_tokens", "cached_input_fraction", "output_tokens", "reasoning_tokens", "requests_per_month",
    "retry_rate", "costs", "current_mode", "chained_calls",
})
_CAPACITY_FIELDS = _LATENCY_FIELDS | frozenset({
    "peak_requests_per_minute", "requests_per_month", "input_tokens", "output_tokens", "retry_rate",
    "rate_limits", "tier", "cached_input_fraction", "attempts_per_layer", "retry_layers", "peak_minutes",
})


def _latency_kept(
    base: Situation, profile: WorkloadProfile, steps: tuple[WorkStep, ...], changes: Mapping[str, Any],
    catalogue: Catalogue,
) -> bool:
    """True where ``changes`` touch the latency's fields only as it does not read them: the
    output's format between text and JSON (it reads only whether the output is an embedding),
    and the calls' prompts (their input tokens, their cached share) where no call's prompt is
    long enough to be read, before the change or after it. The latency, and its assumptions,
    are then base's."""
    # A step's field ("steps.answer.input_tokens") by its name; of the workload's, those the latency reads.
    read = {key.rpartition(".")[2] for key in changes if "." in key or key in _LATENCY_FIELDS}
    if not read or not read <= _LATENCY_UNREAD:
        return False
    embedding = profile.output_format == "embedding"
    if embedding != (base.profile.output_format == "embedding"):
        return False
    if read.isdisjoint(_PROMPT_FIELDS) or embedding:
        return True
    reading = catalogue.data.latency.prompt_reading
    return all(s.ttft_s is not None or prompt_reading_s(s, reading) == 0 for s in (*base.steps, *steps))


def resituate(base: Situation, ruleset: RuleSet, changes: Mapping[str, Any]) -> Situation:
    """``base`` with ``changes`` applied, working out again only the figures that depend on
    them (the same as ``situate`` on the changed profile, with base's price date)."""
    profile = with_changes(base.profile, changes)
    changed = {"steps" if key.startswith("steps.") else key for key in changes}
    catalogue = ruleset.catalogue
    steps = work_steps(profile) if not changed.isdisjoint(_STEP_FIELDS) else base.steps
    if not changed.isdisjoint(_PRICE_FIELDS):
        _check_service_tier(ruleset, profile, steps)
    if not changed.isdisjoint(_REASONING_FIELDS):
        check_reasoning_off(catalogue, steps)
    latency_assumptions: list[Assumption] | None = None
    if not changed.isdisjoint(_LATENCY_FIELDS) and not _latency_kept(base, profile, steps, changes, catalogue):
        latency, latency_assumptions = estimate_latency(profile, catalogue, steps)
    else:
        latency = base.latency
        if "latency_budget_s" in changed:
            budget, e2e = profile.latency_budget_s, latency.end_to_end_p95_s
            latency = dataclasses.replace(
                latency, latency_budget_s=budget, within_budget=e2e <= budget, budget_ratio=e2e / budget
            )
    card = base.card
    if not changed.isdisjoint(_PRICE_FIELDS):
        card = _card(profile, steps, ruleset, base.card.price_date)
    costs = (
        estimate_costs(profile, card, catalogue=catalogue, steps=steps, builds_on=ruleset.builds_on)
        if not changed.isdisjoint(_COST_FIELDS) else base.costs
    )
    capacity = (
        estimate_capacity(profile, latency, catalogue, steps)
        if not changed.isdisjoint(_CAPACITY_FIELDS) else base.capacity
    )
    if latency_assumptions is None and costs is base.costs and capacity is base.capacity:
        assumptions = base.assumptions
        if card is base.card:  # only answers and the budget changed: only their facts change
            facts = {
                **base.facts, **profile_facts(profile, ruleset.waiting_interactions),
                "within_budget": latency.within_budget, "budget_ratio": latency.budget_ratio,
                "drain_budget_ratio": _drain_ratio(capacity, profile.latency_budget_s),
            }
            if "caller_timeout_s" in changed:
                facts.update(caller_facts(profile, latency))
            return Situation(
                profile=profile, latency=latency, card=card, costs=costs, capacity=capacity,
                assumptions=assumptions, facts=facts, steps=steps, latency_assumptions=base.latency_assumptions,
            )
    else:
        if latency_assumptions is None:  # the latency's answers are unchanged, and so are its assumptions
            latency_assumptions = list(base.latency_assumptions)
        assumptions = [*latency_assumptions, *costs.assumptions, *capacity.assumptions]
    return Situation(
        profile=profile, latency=latency, card=card, costs=costs, capacity=capacity, assumptions=assumptions,
        facts=derive_facts(profile, steps, ruleset, latency, costs, capacity, card), steps=steps,
        latency_assumptions=base.latency_assumptions if latency_assumptions is None else tuple(latency_assumptions),
    )
