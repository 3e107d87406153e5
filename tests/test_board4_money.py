"""Board read 4, P2, P3 and P10: the money a record states, with the assumptions it rests on.

- P2: batch's headline saving on Anthropic assumes the real-time prompt-cache hit rate holds
  inside a batch, which Anthropic provides best-effort only (30-98%): the Decision Outcome says
  so, with what batch costs in all at 30%; the alert is at the hit rate where batch costs what
  sync does in all (its build and infrastructure included), not where its tokens alone do.
- P3: DeepSeek's off-peak hours are priced for every mode whose calls can be scheduled where no
  one waits (a sync script too, not streaming), and the unpriced reasoning at those hours' prices.
- P10: on the flex tier the p95 is the standard tier's: the assumptions say flex latency is not
  modelled.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import advisor
from advisor.core.levers import off_peak_lever
from advisor.core.profile import load_profile
from advisor.core.rules import load_rules
from advisor.core.situation import situate
from advisor.views.adr import render_adr
from advisor.views.json_output import dump_json
from advisor.views.text import render_text

from .conftest import PRICE_DATE
from .test_provider_caveats import CACHED_BATCH, FLEX

DEEPSEEK = Path(__file__).resolve().parents[1] / "examples" / "deepseek-catalogue-enrichment.yaml"


def _assess(profile: dict[str, Any], **changes: Any) -> advisor.Assessment:
    return advisor.assess({**profile, **changes}, price_date=PRICE_DATE)


def _flat(text: str) -> str:
    return " ".join(text.split())


# -- P2: the cache-hit risk beside batch's headline saving, and the alert at the total break-even


def test_the_cache_hit_break_evens_by_hand():
    """J10: 900,000 requests of 13,000 input tokens (92% cached) and 60 output on Haiku 4.5
    (standard $1 / $0.10 / $5, batch $0.50 / $0.05 / $2.50 per 1M). Batch's tokens at hit rate h:
    900,000 x (13,000 x ((1 - h) x 0.5 + h x 0.05) + 60 x 2.5) / 1M = 5,985 - 5,265 h dollars.
    Sync's: 900,000 x (13,000 x (0.08 x 1 + 0.92 x 0.1) + 60 x 5) / 1M = $2,282.40. Batch's build
    and infrastructure: 2 person-weeks x $4,000 / 36 + $20 = $242.22; sync's: $111.11."""
    a = _assess(CACHED_BATCH)
    hits = a.pricing.batch_cache_hits
    assert hits is not None and a.recommendation == "batch"
    sync_tokens = 2282.4
    batch_fixed, sync_total = 8000 / 36 + 20, 2282.4 + 4000 / 36
    assert a.costs["sync"].total_usd == pytest.approx(sync_total)
    assert hits.sync_total_usd == pytest.approx(sync_total)
    assert hits.batch_fixed_usd == pytest.approx(batch_fixed)
    # Tokens alone: 5,985 - 5,265 h = 2,282.40 at h = 70.3%.
    assert hits.breakeven_fraction == pytest.approx((5985 - sync_tokens) / 5265)
    # In all: 5,985 - 5,265 h + 242.22 = 2,393.51 at h = 72.8%, about 73%.
    assert hits.total_breakeven_fraction == pytest.approx((5985 + batch_fixed - sync_total) / 5265)
    assert hits.total_breakeven_fraction == pytest.approx(0.7282, abs=1e-4)
    # At 30%: 5,985 - 5,265 x 0.3 = $4,405.50 of tokens, $4,647.72 in all: $2,254 more than sync.
    low_total = hits.low_total_usd()
    assert low_total is not None
    assert low_total == pytest.approx(4405.5 + batch_fixed)
    assert low_total - sync_total == pytest.approx(2254.21, abs=0.01)


def test_the_decision_outcome_hedges_the_saving_with_the_cache_hits():
    a = _assess(CACHED_BATCH)
    record = _flat(render_adr(a, template="madr", date=PRICE_DATE))
    outcome = record[record.index("## Decision Outcome"):record.index("### Consequences")]
    assert ("Net of its build and running costs, Batch API saves $1,010 a month (42%) against a synchronous call"
            " if batches keep the 92% cache hits real time gets (Anthropic provides them best-effort, 30-98%, and at"
            " 30% batch would cost $2,254 a month more than a synchronous call in all): its token bill falls from"
            " $2,282 to $1,141") in outcome
    assert render_adr(a, template="madr", date=PRICE_DATE) == render_adr(
        _assess(CACHED_BATCH), template="madr", date=PRICE_DATE)  # same input, same bytes
    nygard = _flat(render_adr(a, template="nygard", date=PRICE_DATE))
    assert "at 30% batch would cost $2,254 a month more than a synchronous call in all" in nygard


def test_the_alert_is_at_the_total_break_even_with_the_tokens_beside_it():
    a = _assess(CACHED_BATCH)
    record = _flat(render_adr(a, template="madr", date=PRICE_DATE))
    said = ("73%, where batch costs what a synchronous call does in all, its build and infrastructure included"
            " (its tokens alone cost what a synchronous call's do at 70%)")
    assert f"alert when a batch's hit rate falls below {said}." in record
    assert f"if it stays below {said}, assess the workload again" in record
    assert "falls below 70%" not in record and "stays below 70%" not in record
    data = json.loads(dump_json(a.model_dump(mode="json")))
    assert data["pricing"]["batch_cache_hits"]["total_breakeven_fraction"] == pytest.approx(0.7282, abs=1e-4)
    assert data["pricing"]["batch_cache_hits"]["breakeven_fraction"] == pytest.approx(0.7032, abs=1e-4)


def test_a_batch_that_saves_at_the_low_end_says_so():
    """At 50% cached and long outputs, batch's tokens save even at 30% (the low end): the hedge
    says what it still saves, and no alert rate is drawn."""
    a = _assess(CACHED_BATCH, cached_input_fraction=0.5, output_tokens=2000)
    hits = a.pricing.batch_cache_hits
    assert hits is not None and hits.breakeven_fraction is None and hits.total_breakeven_fraction is None
    assert a.recommendation == "batch"
    record = _flat(render_adr(a, template="madr", date=PRICE_DATE))
    assert "at 30% batch would still save" in record


# -- P3: off-peak for a sync script too, and the reasoning at those hours' prices ---------------


def test_a_sync_script_scheduled_off_peak_is_priced_beside_the_async_job():
    """The example: $396 of tokens at the peak rate, $198 off-peak (half, as the price data has
    it). Sync: $198 + $111.11 of build = $309; async: $198 + $50 + $333.33 = $581."""
    a = advisor.assess(load_profile(DEEPSEEK), price_date=PRICE_DATE)
    assert a.costs["sync"].tokens_usd == pytest.approx(396)
    assert a.costs["sync"].off_peak_total_usd == pytest.approx(198 + 4000 / 36)
    assert a.costs["async"].off_peak_total_usd == pytest.approx(198 + 50 + 3 * 4000 / 36)
    assert a.costs["streaming"].off_peak_total_usd is None  # a person watches a stream
    record = _flat(render_adr(a, template="madr", date=PRICE_DATE))
    assert "Scheduled into them: synchronous call $309 a month, asynchronous job $581 a month" in record
    # The lever stays about the recommended mode.
    assert a.off_peak is not None and a.off_peak.mode == "async"
    assert "the async job scheduled into them meets its budget" in record
    text = _flat(render_text(a))
    assert "Scheduled into them: sync $309 a month, async $581 a month" in text


def test_the_unpriced_reasoning_is_priced_off_peak_too():
    """About 1,060 reasoning tokens a call x 600,000 requests: $763.20 at $1.20 per 1M (peak),
    $381.60 at the off-peak output price the price data gives ($0.60), not assumed half."""
    a = advisor.assess(load_profile(DEEPSEEK), price_date=PRICE_DATE)
    (u,) = a.pricing.unpriced_reasoning
    assert u.off_peak_output_usd_per_mtok == pytest.approx(a.pricing.off_peak_rates.output.base)
    assert u.off_peak_usd_per_month == pytest.approx(1060 * 600_000 * 0.6 / 1e6)
    record = _flat(render_adr(a, template="madr", date=PRICE_DATE))
    assert ("The reasoning the bill leaves out would add about $382 a month in those hours, at $0.6 per million"
            " output tokens (about $763 at the peak rate).") in record


def test_a_sync_script_no_one_waits_on_can_take_the_off_peak_lever():
    """Where sync is the recommended mode and no one waits, the lever is offered for it too (a
    cron script started in the hours): $396 - $198 = $198 a month less, as for the async job."""
    profile = load_profile(DEEPSEEK)
    rules = load_rules()
    situation = situate(profile, rules, PRICE_DATE)
    lever = off_peak_lever(situation, "sync", True, rules.catalogue)
    assert lever is not None and lever.mode == "sync"
    assert lever.cost_change_usd_per_month == pytest.approx(-198)
    assert lever.total_usd == pytest.approx(198 + 4000 / 36)
    assert "the sync script scheduled into them meets its budget of 8 h" in lever.because
    # Not streaming: a stream serves a person watching the answer appear.
    assert off_peak_lever(situation, "streaming", True, rules.catalogue) is None


# -- P10: flex latency is not modelled --------------------------------------------------------


def test_the_flex_tier_says_its_latency_is_the_standard_tiers():
    a = _assess(FLEX)
    said = [x for x in a.assumptions if x.name == "flex tier latency"]
    assert len(said) == 1
    assert said[0].value.startswith("not modelled: the p95 is the standard tier's; OpenAI says its flex tier"
                                    " answers slower, with no figure for how much")
    assert "Flex processing" in said[0].source
    assert "Flex tier latency: not modelled: the p95 is the standard tier's" in render_adr(
        a, template="madr", date=PRICE_DATE)
    # The standard tier, and a flex workload that gives its own p95, say nothing of it.
    assert not [x for x in _assess(FLEX, service_tier="standard").assumptions if x.name == "flex tier latency"]
    assert not [x for x in _assess(FLEX, model_p95_s=40).assumptions if x.name == "flex tier latency"]

