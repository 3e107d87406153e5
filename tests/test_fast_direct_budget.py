"""A direct call under 3 s is "enough" only where it also fits the budget (red-team review 8, D3).

Seed 003's line (latency-fast-direct: "If the p95 of direct calls is under 3 seconds,
streaming adds complexity for minimal UX improvement") once fired on a game's NPC lines at
0.6 s against a budget of 50 ms: the record cited "Under 3 s a direct call is enough" beside
"over the budget of 0.05 s". The rule now needs the p95 within the budget; the verdict is the
same (sync, not feasible), decided by the caller's contract alone.
"""

from __future__ import annotations

from advisor import assess, render_adr

from .conftest import PRICE_DATE

RULE = "latency-fast-direct"

NPC_LINES = {
    "name": "NPC bark lines",
    "interaction": "service_call",
    "latency_budget_s": 0.05,
    "input_tokens": 300,
    "output_tokens": 20,
    "requests_per_month": 2_000_000,
    "provider": "openai",
    "model": "gpt-5.4-mini",
    "downstream": "internal_service",
    "model_p95_s": 0.6,
}


def test_a_direct_call_that_misses_its_budget_is_not_called_enough():
    a = assess(NPC_LINES, price_date=PRICE_DATE)
    assert a.latency.end_to_end_p95_s <= 3 < a.latency.end_to_end_p95_s / a.workload.latency_budget_s
    fired = {rule.id for rule in a.fired_rules}
    assert RULE not in fired
    assert (a.recommendation, a.feasible) == ("sync", False)
    assert RULE not in a.decided_by
    record = render_adr(a)
    assert "under 3 s a direct call is enough" not in record.lower()
    assert "over the budget of 0.05 s" in record


def test_within_its_budget_the_same_call_is_enough():
    a = assess({**NPC_LINES, "latency_budget_s": 1.0}, price_date=PRICE_DATE)
    assert RULE in {rule.id for rule in a.fired_rules}
    assert (a.recommendation, a.feasible) == ("sync", True)
    assert "Good, because under 3 s a direct call is enough (`latency-fast-direct`)" in render_adr(a)
