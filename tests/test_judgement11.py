"""The eleventh judgement review's findings (redteam-judgement-11).

The caching lever offered "half of each prompt served from the cache" for any prompt of
1,024 tokens or more, and priced the saving. A provider caches a prefix of at least 1,024
tokens: half of a 1,500-token prompt (750 tokens) is never read from the cache, so the lever
promised a saving (here $8,438 a month) that no provider bills."""

from __future__ import annotations

from typing import Any

from advisor import assess, load_rules

from .conftest import PRICE_DATE

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
