"""A workload's situation: the derived numbers of one profile before any rule runs.

Latency, prices, the cost of each mode, capacity and the facts the rules read, worked out
once per profile (and once per probe of the what-if search and the decision map).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from .assumption import Assumption
from .capacity import Capacity, estimate_capacity
from .cost import CostEstimate, estimate_costs
from .facts import profile_facts
from .latency import LatencyEstimate, estimate_latency
from .prices import PriceCard, price_card
from .profile import WorkloadProfile
from .rules import RuleSet


def today() -> datetime.date:
    return datetime.datetime.now(datetime.UTC).date()


def derive_facts(
    profile: WorkloadProfile,
    ruleset: RuleSet,
    latency: LatencyEstimate,
    costs: CostEstimate,
    capacity: Capacity,
) -> dict[str, Any]:
    """Every fact the rules may read (declared in advisor.core.facts)."""
    facts = profile_facts(profile, ruleset.waiting_interactions)
    sync_cost = costs.modes["sync"]
    batch_cost = costs.modes["batch"]
    facts.update(
        model_p95_s=latency.per_call_p95_s,
        per_call_p95_s=latency.per_call_p95_s,
        end_to_end_p95_s=latency.end_to_end_p95_s,
        time_to_first_token_s=latency.time_to_first_token_s,
        budget_ratio=latency.budget_ratio,
        within_budget=latency.within_budget,
        monthly_token_cost_usd=sync_cost.tokens_usd,
        batch_saving_usd_per_month=costs.batch_token_saving_usd_per_month,
        batch_saving_fraction=costs.batch_token_saving_fraction,
        batch_net_saving_usd_per_month=sync_cost.total_usd - batch_cost.total_usd,
        batch_breakeven_requests_per_month=costs.batch_breakeven_requests_per_month,
        rate_limit_utilisation=max(capacity.rpm_utilisation, capacity.tpm_utilisation),
        over_rate_limit=capacity.over_limit,
        concurrent_connections=capacity.concurrent_connections,
        retry_amplification=capacity.retry_amplification,
    )
    return facts


@dataclass(frozen=True)
class Situation:
    """The derived numbers of one profile before any rule runs (cheap to recompute)."""

    profile: WorkloadProfile
    latency: LatencyEstimate
    card: PriceCard
    costs: CostEstimate
    capacity: Capacity
    assumptions: list[Assumption]
    facts: dict[str, Any]


def situate(profile: WorkloadProfile, ruleset: RuleSet, price_date: datetime.date | None = None) -> Situation:
    """Latency, prices, costs, capacity and facts for one profile under one rule set."""
    latency, latency_assumptions = estimate_latency(profile)
    card = price_card(profile.provider, profile.model, price_date or today(), profile.pricing)
    costs = estimate_costs(profile, card)
    capacity = estimate_capacity(profile, latency)
    # costs.assumptions already include the price card's.
    assumptions = [*latency_assumptions, *costs.assumptions, *capacity.assumptions]
    return Situation(
        profile=profile,
        latency=latency,
        card=card,
        costs=costs,
        capacity=capacity,
        assumptions=assumptions,
        facts=derive_facts(profile, ruleset, latency, costs, capacity),
    )
