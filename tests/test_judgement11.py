"""The eleventh judgement review's findings (redteam-judgement-11).

The caching lever offered "half of each prompt served from the cache" for any prompt of
1,024 tokens or more, and priced the saving. A provider caches a prefix of at least 1,024
tokens: half of a 1,500-token prompt (750 tokens) is never read from the cache, so the lever
promised a saving (here $8,438 a month) that no provider bills. The default chatbot (1,500
tokens) was offered $675 a month so. And a model's floor can be longer: Claude Haiku 4.5
caches no prefix under 4,096 tokens (the catalogue's min_cached_prefix, cited)."""

from __future__ import annotations

from typing import Any

import pytest

from advisor import assess, load_profile, load_rules
from advisor.core.errors import RuleSetError

from .conftest import EXAMPLES, PRICE_DATE
from .test_catalogue import _copy, _edit

RULES = load_rules()

# A support agent's sidebar summary of the ticket: a short prompt, at volume.
SIDEBAR: dict[str, Any] = {
    "name": "Ticket summary sidebar",
    "interaction": "request_response",
    "latency_budget_s": 4,
    "input_tokens": 1500,
    "output_tokens": 120,
    "requests_per_month": 5_000_000,
    "peak_requests_per_minute": 400,
    "provider": "openai",
    "model": "gpt-5.4",
    "tier": "tier-4",
}


def cache_levers(a) -> list:
    return [lv for lv in a.levers if any("cached_input_fraction" in k for k in lv.changes)]


def test_no_caching_lever_where_half_the_prompt_is_below_the_cache_floor():
    a = assess(SIDEBAR, RULES, price_date=PRICE_DATE)
    assert (a.recommendation, a.feasible) == ("sync", True)
    # Half of 1,500 tokens is 750, below the 1,024-token prefix a provider caches.
    assert cache_levers(a) == []


def test_the_caching_lever_stays_where_the_cached_half_reaches_the_floor():
    a = assess({**SIDEBAR, "input_tokens": 2048}, RULES, price_date=PRICE_DATE)
    [lever] = cache_levers(a)
    assert lever.because.startswith("With half of each prompt served from the cache: sync meets its contract")


def test_a_step_whose_half_prompt_is_below_the_floor_gets_no_caching_lever():
    # Steps: the lever reads each step's own prompt; a 1,800-token answer step is too short.
    steps = {
        **{k: v for k, v in SIDEBAR.items() if k not in ("input_tokens", "output_tokens")},
        "steps": [
            {"name": "route", "model": "gpt-5.4", "input_tokens": 300, "output_tokens": 5},
            {"name": "answer", "model": "gpt-5.4", "input_tokens": 1800, "output_tokens": 120},
        ],
    }
    a = assess(steps, RULES, price_date=PRICE_DATE)
    assert cache_levers(a) == []


# After-call notes on Claude Haiku 4.5: a 7,000-token transcript and instructions a call.
AFTER_CALL: dict[str, Any] = {
    "name": "Call-centre after-call notes",
    "interaction": "request_response",
    "latency_budget_s": 15,
    "input_tokens": 7000,
    "output_tokens": 300,
    "output_format": "json",
    "requests_per_month": 600_000,
    "peak_requests_per_minute": 120,
    "provider": "anthropic",
    "model": "claude-haiku-4-5",
    "tier": "build",
}


def test_haiku_caches_no_prefix_shorter_than_4096_tokens_so_no_lever_offers_one():
    # Half of 7,000 tokens is 3,500: Sonnet would cache it, Claude Haiku 4.5 does not (its
    # shortest cached prefix is 4,096 tokens). The lever promised $1,890 a month.
    a = assess(AFTER_CALL, RULES, price_date=PRICE_DATE)
    assert (a.recommendation, a.feasible) == ("async", True)
    assert cache_levers(a) == []
    sonnet = assess({**AFTER_CALL, "model": "claude-sonnet-4-6"}, RULES, price_date=PRICE_DATE)
    assert len(cache_levers(sonnet)) == 1
    longer = assess({**AFTER_CALL, "input_tokens": 8192}, RULES, price_date=PRICE_DATE)
    assert len(cache_levers(longer)) == 1


def test_a_model_cache_floor_without_its_source_is_refused(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, lambda d: d["providers"]["anthropic"]["models"]["claude-haiku-4-5"].pop("min_cached_prefix_source"))
    with pytest.raises(RuleSetError, match="min_cached_prefix_source"):
        load_rules(folder)


# Game NPC dialogue: players talk to characters; evening peaks after a patch, over the tier.
NPC: dict[str, Any] = {
    "name": "Game NPC dialogue",
    "interaction": "chat",
    "latency_budget_s": 1.5,
    "input_tokens": 3000,
    "cached_input_fraction": 0.8,
    "output_tokens": 80,
    "requests_per_month": 8_000_000,
    "peak_requests_per_minute": 7000,
    "peak_minutes": 120,
    "provider": "anthropic",
    "model": "claude-haiku-4-5",
    "tier": "build",
}


def peak_lever(a):
    [lever] = [lv for lv in a.levers if set(lv.changes) == {"peak_requests_per_minute"}]
    return lever


def test_a_peak_someone_waits_on_is_held_at_the_door_not_smoothed_into_a_queue():
    # Players cannot be smoothed: the requests over the limit wait in a queue (which no one
    # waiting can, cost-over-rate-limit-while-waiting) or are turned away at the door.
    a = assess(NPC, RULES, price_date=PRICE_DATE)
    assert (a.recommendation, a.feasible) == ("streaming", False)
    lever = peak_lever(a)
    assert lever.changes["peak_requests_per_minute"] == 5000
    assert lever.because.startswith("With a peak held to 5,000 requests a minute (rate-limit users at the door: "
                                    "the requests over it are turned away, not queued while someone waits): "
                                    "streaming meets its contract")


def test_a_background_peak_is_still_smoothed():
    triage = {**NPC, "name": "Email triage", "interaction": "pipeline", "latency_budget_s": 300,
              "output_format": "json", "tier": "start", "peak_requests_per_minute": 3000, "peak_minutes": 30}
    a = assess(triage, RULES, price_date=PRICE_DATE)
    assert "smoothed to" in peak_lever(a).because


def test_a_provider_with_no_cited_cache_floor_keeps_its_caching_lever():
    # DeepSeek's context caching states no minimum prefix: the lever stays at the advisor's
    # default (a prompt of 1,024 tokens or more), as before.
    a = assess(load_profile(EXAMPLES / "deepseek-catalogue-enrichment.yaml"), RULES, price_date=PRICE_DATE)
    [lever] = cache_levers(a)
    assert "$106 a month less" in lever.because


def test_a_reasoning_stand_in_has_o3s_tail_not_the_providers_network_spread():
    # An unmeasured reasoning model is timed at o3's median first token (22.99 s); its p95 is
    # o3's (x 1.7), not that median times Google's spread of a sub-second first token (x 4.2),
    # which made Gemini 2.5 Flash's first token 97 s at p95.
    gemini = {"name": "Help chat", "interaction": "submit_and_notify", "latency_budget_s": 60,
              "input_tokens": 2000, "output_tokens": 200, "requests_per_month": 10_000,
              "provider": "google", "model": "gemini-2.5-flash"}
    a = assess(gemini, RULES, price_date=PRICE_DATE)
    assert round(a.latency.time_to_first_token_s, 1) == 39.1
    assert (a.recommendation, a.feasible) == ("async", True)
    deepseek = assess({**gemini, "provider": "deepseek", "model": "deepseek-flash"}, RULES, price_date=PRICE_DATE)
    assert round(deepseek.latency.time_to_first_token_s, 1) == 39.1
