"""Provider facts the catalogue audit of 2026-11-27 checked against the providers' own pages
(report: catalogue-audit.md). Each test holds what a user would see if the fact drifted: a
tier offered or refused, a speed or a discount printed as an assumption, a batch limit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from advisor import assess, load_rules
from advisor.core.provider import batch_offer

from .conftest import PRICE_DATE, run_cli

RULES = load_rules()
CATALOGUE = RULES.catalogue
CHAT = {"name": "priority chat", "interaction": "chat", "latency_budget_s": 10, "input_tokens": 500,
        "output_tokens": 800, "requests_per_month": 10_000}

# OpenAI's Priority processing page (https://openai.com/api-priority-processing/), its Latency
# SLA column: "99% > N tokens per second", calculated as p50 request latency per 5 minutes.
# gpt-5-nano has no row: it is not sold at priority.
PRIORITY_FLOORS = {
    "gpt-4o": 80, "gpt-4o-mini": 90, "gpt-4.1": 80, "gpt-4.1-mini": 90, "o3": 80, "o4-mini": 90,
    "gpt-5": 50, "gpt-5-mini": 80, "gpt-5.4": 50, "gpt-5.4-mini": 100, "gpt-5.5": 50,
}


def _recommend(capsys: pytest.CaptureFixture[str], tmp_path: Path, workload: dict[str, object]) -> dict:
    path = tmp_path / "workload.yaml"
    path.write_text(yaml.safe_dump(workload), encoding="utf-8")
    code, out, err = run_cli(capsys, "recommend", path, "--format", "json", "--price-date", "2026-11-27")
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize(("model", "prices"), [("gpt-5.4", "input $5, cached input $0.5, output $30"),
                                               ("gpt-5.4-mini", "input $1.5, cached input $0.15, output $9")])
def test_gpt_5_4_and_its_mini_are_offered_at_priority(capsys, tmp_path, model, prices):
    # OpenAI sells both at priority (GPT-5.4: 99% > 50 tokens/s; GPT-5.4 mini: 99% > 100), at the
    # prices its page lists and genai-prices carries; the catalogue used to refuse the tier for them.
    result = _recommend(capsys, tmp_path, {**CHAT, "model": model, "service_tier": "priority"})
    assert result["pricing"]["service_tier"] == "priority"
    (card,) = [a for a in result["assumptions"] if a["name"] == "prices"]
    assert f"{model} on 2026-11-27 (priority tier): {prices} per 1M tokens" in card["value"]


def test_gpt_5_4_mini_at_priority_prints_openais_guaranteed_speed(capsys, tmp_path):
    result = _recommend(capsys, tmp_path, {**CHAT, "model": "gpt-5.4-mini", "service_tier": "priority"})
    (speed,) = [a for a in result["assumptions"] if a["name"] == "output speed"]
    assert speed["value"] == "100 tokens/s: the priority tier's guaranteed median for gpt-5.4-mini"
    assert speed["source_ids"] == ["openai_priority_page", "openai_priority_guide"]
    assert result["latency"]["output_tokens_per_s"] == 100


def test_gpt_5_4_mini_at_priority_is_timed_at_its_guaranteed_speed_not_the_stand_in():
    standard = assess({**CHAT, "model": "gpt-5.4-mini"}, RULES, price_date=PRICE_DATE, what_if=False)
    priority = assess({**CHAT, "model": "gpt-5.4-mini", "service_tier": "priority"}, RULES, price_date=PRICE_DATE,
                      what_if=False)
    assert standard.latency.output_tokens_per_s < 100
    assert priority.latency.output_tokens_per_s == 100
    assert priority.latency.end_to_end_p95_s < standard.latency.end_to_end_p95_s


@pytest.mark.parametrize(("model", "floor"), sorted(PRIORITY_FLOORS.items()))
def test_every_priority_floor_is_the_one_openai_publishes(model, floor):
    entry = CATALOGUE.resolve("openai", model).model
    assert entry is not None and entry.priority_output_tokens_per_s == floor


def test_gpt_5_nano_is_not_offered_at_priority():
    entry = CATALOGUE.resolve("openai", "gpt-5-nano").model
    assert entry is not None and entry.priority_output_tokens_per_s is None


# Batch facts, each checked on the provider's page or API reference (the report quotes them).
@pytest.mark.parametrize(
    ("provider", "discount", "window_h", "max_requests", "max_file_mb"),
    [
        # "The file can contain up to 50,000 requests, and can be up to 200 MB in size";
        # "50% cost discount vs. the synchronous APIs"; completion_window "24h".
        ("openai", 0.5, 24, 50_000, 200),
        # "limited to either 100,000 Message requests or 256 MB in size"; "reducing costs by 50%";
        # "most batches finishing in less than 1 hour"; up to 24 hours.
        ("anthropic", 0.5, 24, 100_000, 256),
        # "50% of the standard cost. The target turnaround time is 24 hours"; input files up to 2 GB.
        ("google", 0.5, 24, None, 2000),
        # "Batch: 50% cost savings vs on-demand, 24-hour processing window".
        ("aws", 0.5, 24, None, None),
        # "24-hour target turnaround, at 50% less cost than global standard".
        ("azure", 0.5, 24, 100_000, 200),
        # timeout_hours "default to 24"; 50% per third-party guides (Mistral's own page not stored).
        ("mistral", 0.5, 24, None, None),
    ],
)
def test_published_batch_terms(provider, discount, window_h, max_requests, max_file_mb):
    offer = batch_offer(CATALOGUE, provider)
    assert offer.available
    assert (offer.discount, offer.window_h, offer.max_requests, offer.max_file_mb) == (
        discount, window_h, max_requests, max_file_mb,
    )


def test_anthropic_batches_usually_finish_within_the_hour_its_page_states():
    assert batch_offer(CATALOGUE, "anthropic").usually_within_h == 1


def test_deepseek_has_no_batch_discount_and_prices_at_its_peak_hour(capsys, tmp_path):
    # DeepSeek's pricing page: no batch API; "Off-peak rates are half of the peak rates. Peak hours
    # are 01:00 - 04:00 and 06:00 - 10:00 UTC". 02:00 UTC is in the peak: an upper bound.
    assert not batch_offer(CATALOGUE, "deepseek").available
    result = _recommend(capsys, tmp_path, {**CHAT, "provider": "deepseek", "model": "deepseek-flash"})
    (hour,) = [a for a in result["assumptions"] if a["name"] == "price hour"]
    assert hour["value"].startswith("prices at 02:00 UTC") and "peak rate, an upper bound" in hour["value"]


def test_flex_is_half_price_at_openai():
    # "Tokens are priced at Batch API rates" (the flex guide): half the standard price.
    spec = CATALOGUE.provider("openai")
    assert spec is not None
    assert spec.flex is not None and spec.flex.discount == 0.5


@pytest.mark.parametrize("model", ["gpt-5.4", "gpt-5.5"])
def test_gpt_5_4_and_gpt_5_5_are_offered_at_flex_for_half_the_standard_price(capsys, tmp_path, model):
    # OpenAI's flex guide calls both with service_tier "flex" in its examples, and genai-prices
    # prices both on the flex tier at half the standard rates; the catalogue used to refuse it.
    standard = _recommend(capsys, tmp_path, {**CHAT, "model": model})
    flex = _recommend(capsys, tmp_path, {**CHAT, "model": model, "service_tier": "flex"})
    assert flex["pricing"]["service_tier"] == "flex"
    assert flex["costs"]["sync"]["tokens_usd"] == pytest.approx(standard["costs"]["sync"]["tokens_usd"] / 2)
    # A job that can wait is also shown at flex prices where the model has a flex tier.
    assert standard["costs"]["async"]["flex_total_usd"] is not None
