"""Provider facts a figure rests on, said where the figure is (red-team judgement 7):

- B2: Anthropic provides prompt-cache hits inside a batch on a best-effort basis only
  (typically 30% to 98%, the provider catalogue's batch cache_hits): batch's bill at the
  workload's real-time hit rate says so, with the bill at the low end and a measurement;
- B5: the flex tier refuses calls when it lacks capacity (429 "Resource Unavailable"): the
  record expects them, says what the bill is if every call falls back to the standard tier,
  and has the team alert on the fallback share; batch's exclusion says flex already bills at
  the batch price;
- B3: a lever to another embedding model says its vectors cannot join the ones stored.
"""

from __future__ import annotations

from typing import Any

import pytest

import advisor
from advisor.core.levers import Lever
from advisor.core.policy import WatchSpec
from advisor.core.rules import load_rules
from advisor.views.adr import render_adr
from advisor.views.formatting import levers_note
from advisor.views.text import render_text

from .conftest import PRICE_DATE

# J10 of the review: Haiku 4.5, a 12k-token policy prompt cached, 900,000 a month, overnight.
CACHED_BATCH: dict[str, Any] = {
    "name": "Daily listing moderation", "interaction": "pipeline", "latency_budget_s": 86400,
    "requests_per_month": 900_000, "provider": "anthropic", "model": "claude-haiku-4-5", "tier": "build",
    "input_tokens": 13_000, "cached_input_fraction": 0.92, "output_tokens": 60, "output_format": "json",
    "downstream": "internal_service", "side_effects": "idempotent",
}
# J13 of the review: a sales-call summary on gpt-5-mini's flex tier, within 2 hours.
FLEX: dict[str, Any] = {
    "name": "Sales-call summary (flex)", "interaction": "submit_and_notify", "latency_budget_s": 7200,
    "requests_per_month": 80_000, "peak_requests_per_minute": 30, "provider": "openai", "model": "gpt-5-mini",
    "service_tier": "flex", "reasoning_tokens": 600, "input_tokens": 9000, "output_tokens": 500,
    "downstream": "internal_service", "side_effects": "idempotent",
}
# J18 of the review: changed chunks re-embedded each night, a sync loop today.
REEMBED: dict[str, Any] = {
    "name": "Nightly re-embedding", "interaction": "pipeline", "latency_budget_s": 86400,
    "requests_per_month": 3_000_000, "provider": "openai", "model": "text-embedding-3-large",
    "input_tokens": 500, "output_tokens": 0, "output_format": "embedding", "downstream": "internal_service",
    "side_effects": "idempotent", "current_mode": "sync",
}


def _assess(profile: dict[str, Any], **changes: Any) -> advisor.Assessment:
    return advisor.assess({**profile, **changes}, price_date=PRICE_DATE)


# -- B2: prompt caching inside a batch ----------------------------------------------------


def test_the_batch_cache_hit_range_is_catalogue_data_with_its_source() -> None:
    hits = load_rules().catalogue.provider("anthropic").batch.cache_hits
    assert hits is not None
    assert (hits.low, hits.high) == (0.30, 0.98)
    assert hits.usage_field == "cache_read_input_tokens"
    assert "anthropic_batch_processing" in hits.source


def test_batch_priced_at_the_real_time_hit_rate_says_what_it_costs_at_the_low_end() -> None:
    a = _assess(CACHED_BATCH)
    assert a.recommendation == "batch"  # the verdict stands: the risk and the range are stated
    hits = a.pricing.batch_cache_hits
    assert hits is not None
    # 900,000 x (13,000 x (0.7 x $0.50 + 0.3 x $0.05) + 60 x $2.50) / 1M
    assert hits.low_tokens_usd == pytest.approx(4405.5)
    assert hits.batch_tokens_usd == pytest.approx(a.costs["batch"].tokens_usd)
    assert hits.sync_tokens_usd == pytest.approx(a.costs["sync"].tokens_usd)
    # Batch's tokens cost what sync's do at about a 70% hit rate inside a batch.
    assert hits.breakeven_fraction == pytest.approx(0.7032, abs=1e-3)
    said = next(x.value for x in a.assumptions if x.name == "batch prompt caching")
    assert "best-effort basis only, typically 30% to 98%" in said
    assert "$4,406 a month, more than a synchronous call's $2,282" in said


def test_the_record_states_the_risk_measures_the_hit_rate_and_alerts_below_the_break_even() -> None:
    a = _assess(CACHED_BATCH)
    record = render_adr(a, template="madr")
    confirmation = record.split("### Confirmation", 1)[1].split("## Pros and Cons", 1)[0]
    assert "cache_read_input_tokens over all input tokens, per batch" in confirmation
    # Below 73% batch costs what sync does in all; its tokens alone break even at 70% (board read 4, P2).
    assert ("alert when a batch's hit rate falls below 73%, where batch costs what a synchronous call does in all"
            in " ".join(confirmation.split()))
    assert "prompt-cache hits inside a batch are best-effort at Anthropic (typically 30% to 98%)" in record
    assert any("log cache_read_input_tokens per batch" in item for item in a.checklist)


def test_the_text_summary_shows_batch_at_the_low_end_under_the_cost_table() -> None:
    text = " ".join(render_text(_assess(CACHED_BATCH)).split())
    assert "batch's tokens at 30% of input cached, the low end of the cache hits Anthropic provides in a batch" in text


def test_no_cache_caveat_where_the_workload_assumes_no_more_than_the_low_end_or_the_provider_states_none() -> None:
    assert _assess(CACHED_BATCH, cached_input_fraction=0.3).pricing.batch_cache_hits is None
    openai = _assess(CACHED_BATCH, provider="openai", model="gpt-5.4-mini", tier=None)
    assert openai.pricing.batch_cache_hits is None
    assert not any(x.name == "batch prompt caching" for x in openai.assumptions)


def test_a_batch_that_still_saves_at_the_low_end_says_so() -> None:
    hits = _assess(CACHED_BATCH, cached_input_fraction=0.5, output_tokens=2000).pricing.batch_cache_hits
    assert hits is not None
    assert hits.low_tokens_usd < hits.sync_tokens_usd and hits.breakeven_fraction is None
    assert "still" in hits.at_low_words()


# -- B5: the flex tier refuses calls ------------------------------------------------------


def test_on_flex_the_record_expects_429s_and_alerts_on_the_fallback_share_with_the_standard_bill() -> None:
    a = _assess(FLEX)
    assert a.recommendation == "async"
    assert a.pricing.fallback_tokens_usd_per_month == pytest.approx(2 * a.costs["async"].tokens_usd)
    confirmation = render_adr(a, template="madr").split("### Confirmation", 1)[1].split("## Pros and Cons", 1)[0]
    assert "429 (rate limit) responses stay near zero" not in confirmation
    assert '429 responses are expected on the flex tier, which answers 429 "Resource Unavailable"' in confirmation
    assert "alert on the share of calls that fall back" in confirmation
    assert "($356 a month at 80,000 requests) at standard prices if every call falls back" in confirmation
    assert any(r.risk.startswith("The flex tier answers slower and refuses calls") for r in a.risks)


def test_on_the_standard_tier_nothing_is_said_of_flex_refusals() -> None:
    a = _assess(FLEX, service_tier="standard")
    assert a.pricing.fallback_tokens_usd_per_month is None
    record = render_adr(a, template="madr")
    assert "429 (rate limit) responses stay near zero" in record
    assert "expected on the flex tier" not in record
    assert not any("flex tier" in r.risk for r in a.risks)


def test_batch_is_ruled_out_on_flex_because_flex_already_bills_at_the_batch_price() -> None:
    a = _assess(FLEX)
    batch = next(e for e in a.excluded if e.mode == "batch")
    assert batch.rules == ["cost-batch-needs-a-saving"]
    assert "below the flex prices the workload pays (the flex tier already bills at the batch price" in batch.reasons[0]
    rule = next(r for r in a.fired_rules if r.id == "cost-batch-needs-a-saving")
    assert "the flex tier, which already bills at the batch price" in rule.because


def test_the_flex_variant_of_a_watched_metric_comes_after_an_unknown_limit_and_before_over_the_limit() -> None:
    spec = WatchSpec(text="within", over_limit="over", limit_unknown="unknown", flex="flex")
    assert spec.said(False, flex=True) == "flex"
    assert spec.said(True, flex=True) == "flex"
    assert spec.said(False, limits_known=False, flex=True) == "unknown"
    assert spec.said(True) == "over"


# -- B3: another embedding model ----------------------------------------------------------


def test_a_lever_to_another_embedding_model_says_the_index_must_be_re_embedded() -> None:
    a = _assess(REEMBED)
    swaps = [lever for lever in a.levers if "model" in lever.changes]
    assert swaps, "the lever to text-embedding-3-small is still offered"
    for lever in swaps:
        assert "cannot be mixed with the ones text-embedding-3-large already stored" in lever.because
        assert "re-embedding the whole corpus" in lever.because
    note = levers_note(a.levers, embedding=True)
    assert "its vectors cannot join those already stored" in note
    assert "count re-embedding the whole corpus" in render_adr(a, template="madr")


def test_a_chat_model_lever_keeps_its_quality_caveat_only() -> None:
    note = levers_note([Lever(changes={"model": "x"}, recommendation="sync", feasible=True, because="",
                                      cost_change_usd_per_month=0.0)], embedding=False)
    assert note.endswith("not on its answers: evaluate them before switching")
