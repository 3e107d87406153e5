"""No budget lever asks someone waiting to wait past a minute (red-team review 8, D4; board read 5).

A click whose only offered fix was "a budget of 21.67 min" (a multi-tenant "Explain this chart"
button over its rate limit) is another feature, not a setting of this one: seed 002's
tolerance categories put "5-60 seconds: User is waiting but will tolerate it" and, beyond,
"User submitted something and walked away". Where someone waits (a person at the screen, a
service in its request path) the budget lever goes up to a minute; what would change still
names the flip past it, and a workload no one waits on keeps the lever at any budget.
"""

from __future__ import annotations

from advisor import assess, render_adr
from advisor.core.levers import WAITED_AT_MOST_S

from .conftest import PRICE_DATE

EXPLAIN_CHART = {
    "name": "Explain this chart",
    "interaction": "request_response",
    "latency_budget_s": 4,
    "input_tokens": 6000,
    "cached_input_fraction": 0.3,
    "output_tokens": 250,
    "requests_per_month": 1_500_000,
    "peak_requests_per_minute": 1500,
    "peak_minutes": 10,
    "provider": "anthropic",
    "model": "claude-haiku-4-5",
    "tier": "start",
    "downstream": "own_ui",
}


def budget_levers(a):
    return [lever for lever in a.levers if "latency_budget_s" in lever.changes]


def test_a_click_is_not_offered_a_budget_of_minutes():
    a = assess(EXPLAIN_CHART, price_date=PRICE_DATE)
    assert not a.feasible
    assert budget_levers(a) == []
    # The flip itself is still said where the record says what would change the decision.
    flips = [c for c in a.what_would_change if c.fact == "latency_budget_s"]
    assert flips
    assert "a budget of 21" not in render_adr(a)


def test_a_budget_within_a_minute_is_still_offered():
    a = assess({**EXPLAIN_CHART, "peak_requests_per_minute": None, "peak_minutes": None, "tier": "scale",
                "latency_budget_s": 4, "output_tokens": 400}, price_date=PRICE_DATE)
    levers = budget_levers(a)
    assert not a.feasible and levers
    assert all(float(lever.changes["latency_budget_s"]) <= WAITED_AT_MOST_S for lever in levers)


def test_no_one_waiting_keeps_the_lever_at_any_budget():
    a = assess({**EXPLAIN_CHART, "interaction": "submit_and_notify", "latency_budget_s": 60}, price_date=PRICE_DATE)
    levers = budget_levers(a)
    assert levers and float(levers[0].changes["latency_budget_s"]) > WAITED_AT_MOST_S
