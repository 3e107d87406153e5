"""The twelfth judgement review's findings (redteam-judgement-12).

- A live chat put on OpenAI's flex tier was "Feasible: streaming meets its contract", timed as
  the standard tier. The flex guide sells flex "in exchange for slower response times and
  occasional resource unavailability" and calls it ideal for "non-production or lower priority
  tasks": someone waiting cannot be promised a budget there (rule latency-flex-while-waiting),
  and the way back, the standard tier, is a lever.
- An inline rewrite on the priority tier paid twice the standard token price while the
  standard tier's own speed met its contract; no lever said so ($2,700 a month here).
- Claude Sonnet 4.5's and Claude Haiku 4.5's model pages give a maximum output of 64K tokens:
  a 100,000-token answer was "Feasible", where the provider cuts it off at the limit.
"""

from __future__ import annotations

from typing import Any

import pytest

from advisor import assess, load_rules
from advisor.core.errors import AdvisorError
from advisor.views.adr import render_adr

from .conftest import PRICE_DATE

RULES = load_rules()

# A help-desk chat the team moved to flex to halve the bill.
FLEX_CHAT: dict[str, Any] = {
    "name": "Support chat on flex",
    "interaction": "chat",
    "latency_budget_s": 2.5,
    "requests_per_month": 300_000,
    "peak_requests_per_minute": 80,
    "provider": "openai",
    "model": "gpt-5.4",
    "service_tier": "flex",
    "input_tokens": 2000,
    "output_tokens": 300,
    "downstream": "own_ui",
    "current_mode": "streaming",
}

# A writer's inline rewrite, streamed, on priority processing.
PRIORITY_REWRITE: dict[str, Any] = {
    "name": "Inline rewrite on priority tier",
    "interaction": "inline_edit",
    "latency_budget_s": 1.5,
    "requests_per_month": 400_000,
    "peak_requests_per_minute": 150,
    "provider": "openai",
    "model": "gpt-5.4",
    "tier": "tier-3",
    "service_tier": "priority",
    "input_tokens": 1200,
    "output_tokens": 250,
    "downstream": "own_ui",
    "current_mode": "streaming",
}


def tier_levers(a) -> list:
    return [lv for lv in a.levers if lv.changes == {"service_tier": "standard"}]


def test_a_chat_on_flex_does_not_meet_its_contract():
    a = assess(FLEX_CHAT, RULES, price_date=PRICE_DATE)
    assert (a.recommendation, a.feasible) == ("streaming", False)
    assert "On the flex tier gpt-5.4 answers slower than on the standard tier" in a.infeasible_reason
    assert "429 Resource Unavailable" in a.infeasible_reason
    fired = {r.id for r in a.fired_rules}
    assert "latency-flex-while-waiting" in fired


def test_the_chat_on_flex_is_offered_the_standard_tier_with_what_it_costs():
    a = assess(FLEX_CHAT, RULES, price_date=PRICE_DATE)
    [lever] = tier_levers(a)
    assert (lever.recommendation, lever.feasible) == ("streaming", True)
    # Flex bills half the standard price: back on standard the tokens cost $1,425 a month more.
    assert lever.cost_change_usd_per_month == round(a.costs["streaming"].tokens_usd, 2)
    assert lever.because.startswith("With the standard tier: streaming meets its contract")


def test_a_service_waiting_on_flex_misses_too_but_a_queue_on_flex_does_not():
    service = assess({**FLEX_CHAT, "interaction": "service_call", "latency_budget_s": 5, "current_mode": None},
                     RULES, price_date=PRICE_DATE)
    assert "latency-flex-while-waiting" in {r.id for r in service.fired_rules}
    assert not service.feasible
    queued = assess({**FLEX_CHAT, "interaction": "submit_and_notify", "latency_budget_s": 7200,
                     "current_mode": None}, RULES, price_date=PRICE_DATE)
    assert (queued.recommendation, queued.feasible) == ("async", True)
    assert "latency-flex-while-waiting" not in {r.id for r in queued.fired_rules}
    # Flex is the right tier for a queue: no lever sends it back to standard prices.
    assert tier_levers(queued) == []


def test_the_same_chat_on_the_standard_tier_meets_its_contract():
    a = assess({**FLEX_CHAT, "service_tier": "standard"}, RULES, price_date=PRICE_DATE)
    assert (a.recommendation, a.feasible) == ("streaming", True)
    assert "latency-flex-while-waiting" not in {r.id for r in a.fired_rules}


def test_priority_is_shown_the_standard_tier_where_its_speed_already_meets_the_contract():
    a = assess(PRIORITY_REWRITE, RULES, price_date=PRICE_DATE)
    assert (a.recommendation, a.feasible) == ("streaming", True)
    [lever] = tier_levers(a)
    assert (lever.recommendation, lever.feasible) == ("streaming", True)
    # Priority is twice the standard price at gpt-5.4: $5,400 of tokens a month, half saved.
    assert a.costs["streaming"].tokens_usd == 5400
    assert lever.cost_change_usd_per_month == -2700
    assert lever.because == (
        "With the standard tier (without the priority tier's speed guarantee): streaming meets its contract; "
        "the first token arrives at 0.67 s (p95); $2,700 a month less than as specified."
    )
    assert "- With the standard tier (without the priority tier's speed guarantee): streaming meets" in render_adr(
        a, template="madr")


def test_no_standard_tier_lever_where_priority_is_what_makes_the_contract():
    # gpt-5.4-mini has no measured speed: timed at OpenAI's slowest measured model (77.2
    # tokens/s) on the standard tier, at its 100 tokens/s floor on priority. A long rewrite
    # that fits only at the priority floor gets no lever back to standard.
    rewrite = {**PRIORITY_REWRITE, "model": "gpt-5.4-mini", "interaction": "request_response",
               "output_format": "json", "output_tokens": 300, "latency_budget_s": 5.5, "current_mode": None}
    a = assess(rewrite, RULES, price_date=PRICE_DATE)
    assert (a.recommendation, a.feasible) == ("sync", True)
    standard = assess({**rewrite, "service_tier": "standard"}, RULES, price_date=PRICE_DATE)
    assert not standard.feasible
    assert tier_levers(a) == []


def test_the_standard_tier_gets_no_tier_lever():
    a = assess({**PRIORITY_REWRITE, "service_tier": "standard"}, RULES, price_date=PRICE_DATE)
    assert tier_levers(a) == []


# -- Claude's 4.5 models answer at most 64K tokens ------------------------------------------

# A claims desk's contract summary on Claude Sonnet 4.5, e-mailed within the hour.
SONNET_45: dict[str, Any] = {
    "name": "Contract summary",
    "interaction": "submit_and_notify",
    "latency_budget_s": 3600,
    "requests_per_month": 20_000,
    "provider": "anthropic",
    "model": "claude-sonnet-4-5",
    "input_tokens": 30_000,
    "output_tokens": 1500,
    "downstream": "own_ui",
}


@pytest.mark.parametrize("model", ["claude-sonnet-4-5", "claude-haiku-4-5"])
def test_an_answer_longer_than_64k_tokens_is_refused_on_claudes_4_5_models(model):
    # A whole-book translation in one response: 100,000 tokens fit the 200K window with the
    # prompt, but not the 64K a response may hold; the answer would be cut off at the limit.
    with pytest.raises(AdvisorError, match="more than its maximum output of 64,000 tokens a response"):
        assess({**SONNET_45, "model": model, "input_tokens": 90_000, "output_tokens": 100_000}, RULES,
               price_date=PRICE_DATE)
    a = assess({**SONNET_45, "model": model, "input_tokens": 90_000, "output_tokens": 64_000}, RULES,
               price_date=PRICE_DATE)
    assert a.recommendation == "async"
