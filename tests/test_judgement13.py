"""The thirteenth judgement review's findings (redteam-judgement-13).

- A streamed endpoint whose only consumer is another service (the shipping service reads the
  whole JSON body) is rightly moved to a plain synchronous call, but its record told the team
  "each client must wait for the whole payload, with a progress indicator": a service has no
  screen. AI API Integration Patterns: streaming adds SSE parsing "for zero UX benefit when the
  consumer is another service"; what the caller changes is its parser and its timeout.
"""

from __future__ import annotations

from typing import Any

import pytest

from advisor import assess, load_rules
from advisor.views.adr import render_adr

from .conftest import PRICE_DATE

RULES = load_rules()

# The shipping service calls an address normaliser in its own request path; built streaming.
STREAMED_SERVICE: dict[str, Any] = {
    "name": "Address normaliser for the shipping service",
    "interaction": "service_call",
    "latency_budget_s": 4,
    "input_tokens": 400,
    "output_tokens": 80,
    "output_format": "json",
    "requests_per_month": 900_000,
    "peak_requests_per_minute": 60,
    "provider": "openai",
    "model": "gpt-5.4",
    "downstream": "internal_service",
    "side_effects": "none",
    "current_mode": "streaming",
}


def test_a_service_moved_off_streaming_is_told_to_change_its_parser_not_to_show_progress():
    a = assess(STREAMED_SERVICE, RULES, price_date=PRICE_DATE)
    assert (a.recommendation, a.feasible) == ("sync", True)
    adr = render_adr(a, template="madr")
    assert "progress indicator" not in adr
    assert ("Move the callers first: each calling service or job must read the whole response body in one payload"
            " instead of parsing Server-Sent Events") in adr


def test_a_person_moved_off_streaming_still_gets_the_progress_indicator():
    # A merchant's form waits for a short JSON answer: sync, and the person needs to see it working.
    person = {**STREAMED_SERVICE, "name": "Category suggestion", "interaction": "request_response",
              "downstream": "own_ui", "latency_budget_s": 2}
    a = assess(person, RULES, price_date=PRICE_DATE)
    assert a.recommendation == "sync"
    adr = render_adr(a, template="madr")
    assert "each client must wait for the whole payload, with a progress indicator" in adr
    assert "Move the callers first" not in adr


# -- Gemini 2.5 Flash-Lite has a measured speed ----------------------------------------------

# A hobby app's recipe suggestions, shipped on the Gemini API free tier.
FREE_TIER_RECIPES: dict[str, Any] = {
    "name": "Recipe suggestions on the Gemini free tier",
    "interaction": "request_response",
    "latency_budget_s": 6,
    "input_tokens": 600,
    "output_tokens": 400,
    "requests_per_month": 60_000,
    "peak_requests_per_minute": 60,
    "provider": "google",
    "model": "gemini-2.5-flash-lite",
    "tier": "free",
    "downstream": "own_ui",
    "current_mode": "sync",
}


def test_flash_lite_is_timed_at_its_own_measured_speed_not_a_stand_in():
    """gemini-2.5-flash-lite was timed at gemini-3-flash-preview's first token and the seed's
    50 tokens/s floor: 10.1 s at p95 for 400 tokens, where benchmarks put it near 400 tokens/s."""
    a = assess(FREE_TIER_RECIPES, RULES, price_date=PRICE_DATE)
    assert a.latency.stand_ins == ()
    # 0.29 s median x Google's 4.2 spread + 400 tokens / 392.8 tokens/s.
    assert a.latency.end_to_end_p95_s == pytest.approx(0.29 * 4.2 + 400 / 392.8, rel=0.01)


def test_the_free_tier_app_is_told_its_tier_not_its_mode_is_the_problem():
    """It was "ASYNC, not feasible: the work takes 10.1 s at p95 ... a job does not make it
    faster", with no tier lever; at its measured speed the only miss is the free tier's 15 RPM."""
    a = assess(FREE_TIER_RECIPES, RULES, price_date=PRICE_DATE)
    assert (a.recommendation, a.feasible) == ("sync", False)
    assert "4x its rate limit on gemini-2.5-flash-lite (account tier 'free')" in a.infeasible_reason
    [tier] = [lv for lv in a.levers if lv.changes == {"tier": "tier-1"}]
    assert (tier.recommendation, tier.feasible) == ("sync", True)


# -- a real-time bill resting on prompt-cache hits says so in what to watch ---------------------

# A support chat on Claude Sonnet 4.6 whose 20,000-token policy manual is the same system prompt
# on every turn: 90% of its input is read from the prompt cache.
CACHED_CHAT: dict[str, Any] = {
    "name": "Support chat with a shared system prompt",
    "interaction": "chat",
    "latency_budget_s": 3,
    "input_tokens": 22_000,
    "output_tokens": 300,
    "cached_input_fraction": 0.9,
    "requests_per_month": 400_000,
    "peak_requests_per_minute": 60,
    "provider": "anthropic",
    "model": "claude-sonnet-4-6",
    "tier": "build",
    "downstream": "own_ui",
    "current_mode": "streaming",
}


def test_a_cached_real_time_bill_has_its_cache_hits_watched():
    """The record watched only "the token bill stays near $6,816": a 90% hit rate, a quarter of
    the uncached bill, with nothing to confirm it (Anthropic reads from the cache only the prefix a
    request marks, for five minutes). At none cached: 22,000 x $3 + 300 x $15 = $0.0705 a request."""
    a = assess(CACHED_CHAT, RULES, price_date=PRICE_DATE)
    assert a.recommendation == "streaming"
    assert a.pricing.uncached_tokens_usd_per_month == pytest.approx(400_000 * (22_000 * 3 + 300 * 15) / 1e6)
    adr = render_adr(a, template="madr")
    confirmation = adr.split("### Confirmation")[1].split("\n## ")[0]
    assert ("- Prompt-cache reads stay near the 90% of input tokens the estimate assumes (the cached input tokens"
            " the provider's usage reports, over all input tokens): the token bill of $6,816 a month holds only"
            " while they do, and is $28,200 with none read from the cache; alert when the share falls.") in confirmation
    # Said before the token bill it qualifies.
    assert confirmation.index("Prompt-cache reads") < confirmation.index("The provider's token bill stays near")


def test_nothing_cached_nothing_said():
    a = assess({**CACHED_CHAT, "cached_input_fraction": 0}, RULES, price_date=PRICE_DATE)
    assert a.pricing.uncached_tokens_usd_per_month is None
    assert "Prompt-cache reads" not in render_adr(a, template="madr")
