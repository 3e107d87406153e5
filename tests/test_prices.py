"""Price cards: real catalogue prices, batch variants and fallbacks, overrides, errors."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from advisor.core.errors import InputError, UnknownModelError
from advisor.core.prices import PriceCard, TieredRate, price_card
from advisor.core.profile import Pricing, parse_profile
from advisor.core.rules import load_rules

from .conftest import PRICE_DATE

ONE_DAY = timedelta(days=1)

# genai-prices 0.2.3 records batch variants from 2026-10-14 on.

BASE = {
    "name": "feature",
    "interaction": "pipeline",
    "latency_budget_s": 3600,
    "input_tokens": 1000,
    "output_tokens": 0,
    "requests_per_month": 1000,
    "model": "gpt-4o",
}


def _names(card: PriceCard) -> list[str]:
    return [a.name for a in card.assumptions]


def test_gpt_4o_standard_and_batch_from_catalogue() -> None:
    card = price_card("openai", "gpt-4o", PRICE_DATE)
    assert (card.provider, card.model, card.source) == ("openai", "gpt-4o", "genai-prices")
    assert card.standard.input.at(1000) == 2.5
    assert card.standard.output.at(1000) == 10.0
    assert card.batch_source == "catalogue"
    assert card.batch.input.at(1000) == 1.25
    assert card.batch.output.at(1000) == 5.0
    assert card.data_version.startswith("genai-prices 0.2.")
    assert card.price_date == PRICE_DATE
    assert "prices" in _names(card)


def test_claude_sonnet_batch_output_and_cached_input() -> None:
    card = price_card("anthropic", "claude-sonnet-4-5", PRICE_DATE)
    assert card.standard.output.at(1000) == pytest.approx(15.0)
    assert card.batch.output.at(1000) == pytest.approx(7.5)
    # Seed 002: batch stacks with caching, down to 5% of a standard uncached input token.
    assert card.batch.cached_input.at(1000) == pytest.approx(0.05 * card.standard.input.at(1000))
    assert card.batch.cached_input.at(1000) == pytest.approx(0.15)


def test_claude_sonnet_long_context_tier_applies_to_all_tokens() -> None:
    card = price_card("anthropic", "claude-sonnet-4-5", PRICE_DATE)
    assert card.standard.input.at(200_000) == pytest.approx(3.0)
    assert card.standard.input.at(200_001) == pytest.approx(6.0)
    assert card.batch.output.at(250_000) == pytest.approx(11.25)


def test_model_without_batch_variant_falls_back_to_published_discount() -> None:
    card = price_card("openai", "text-embedding-3-small", PRICE_DATE)
    assert card.batch_source == "published discount"
    assert card.batch.input.at(1000) == pytest.approx(0.5 * card.standard.input.at(1000))
    discount = [a for a in card.assumptions if a.name == "batch discount"]
    assert discount and "50%" in discount[0].value and "OpenAI: Batch API guide" in discount[0].source
    # No cache-read price: cached input pays the input price, and says so.
    assert card.standard.cached_input == card.standard.input
    assert "standard cached input" in _names(card)


def test_before_the_catalogue_knew_batch_prices_the_discount_is_used() -> None:
    card = price_card("openai", "gpt-4o", date(2025, 6, 1))
    assert card.batch_source == "published discount"
    assert card.batch.input.at(1) == pytest.approx(1.25)


def test_provider_and_model_ids_are_case_insensitive_and_resolved() -> None:
    card = price_card("OpenAI", "GPT-4o", PRICE_DATE)
    assert (card.provider, card.model) == ("openai", "gpt-4o")


def test_price_card_is_cached() -> None:
    assert price_card("openai", "gpt-4o", PRICE_DATE) is price_card("openai", "gpt-4o", PRICE_DATE)


def test_unknown_model_lists_close_matches() -> None:
    with pytest.raises(UnknownModelError) as info:
        price_card("openai", "gpt-4oo", PRICE_DATE)
    error = info.value
    assert error.field == "model" and error.source is None
    assert "unknown model 'gpt-4oo' for provider 'openai'" in str(error)
    assert "close matches: gpt-4o" in str(error)
    assert "'pricing' override" in str(error)
    assert isinstance(error, InputError)


def test_a_model_named_without_its_date_and_version_is_offered_the_ids_that_price_it_first() -> None:
    # Bedrock's anthropic.claude-sonnet-4-5, as the docs name it: the catalogue knows it by
    # prefix but the price data prices only the dated ids, and the close matches, by spelling
    # alone, left every 4-5 id out. No such id exists on Bedrock: it is refused, not guessed.
    with pytest.raises(UnknownModelError) as info:
        price_card("aws", "anthropic.claude-sonnet-4-5", PRICE_DATE)
    matches = str(info.value).split("close matches: ")[1].split("; ")[0].split(", ")
    assert matches[:2] == ["anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic.claude-sonnet-4-5-20250929"]
    assert len(matches) == 5  # the spelling's close matches after them
    for model in matches[:2]:
        assert price_card("aws", model, PRICE_DATE).model == "regional.anthropic.claude-sonnet-4-5-20250929-v1:0"


def test_only_a_date_or_a_version_after_the_name_makes_a_longer_id_come_first() -> None:
    with pytest.raises(UnknownModelError) as info:
        price_card("openai", "gpt-4o-mini-2024", PRICE_DATE)
    assert "close matches: gpt-4o-mini-2024-07-18, " in str(info.value)
    with pytest.raises(UnknownModelError) as info:
        price_card("openai", "o4", PRICE_DATE)  # o4-mini is another model, not o4 with a version
    assert "o4-mini" not in str(info.value).split("close matches: ")[1].split(", ")[0]



def _close_matches(provider: str, model: str) -> list[str]:
    with pytest.raises(UnknownModelError) as info:
        price_card(provider, model, PRICE_DATE)
    return str(info.value).split("close matches: ")[1].split("; ")[0].split(", ")


def test_an_unknown_model_is_offered_models_that_answer_not_retired_azure_or_fine_tune_names() -> None:
    # questionnaire-ux-2, item 12: gpt-9-turbo was offered gpt-4-turbo, gpt-35-turbo,
    # gpt-3.5-turbo, gpt-35-turbo-16k and ft:gpt-3.5-turbo: two models shut down before the
    # price date, Azure's spellings and a fine-tune's id, none of them in the model list.
    offered = _close_matches("openai", "gpt-9-turbo")
    assert len(offered) == 5
    for name in offered:
        assert "35" not in name and not name.startswith("ft:"), offered
        price_card("openai", name, PRICE_DATE)  # each one prices, and is not shut down then
    assert "o1" not in _close_matches("openai", "o4")  # shut down on 2026-10-23
    assert "gpt-5-4-mini" not in _close_matches("openai", "gpt-5.4-mnii")  # the model list's own id, not an alias
    assert _close_matches("openai", "gpt-5.4-mnii")[0] == "gpt-5.4-mini"
    # The provider catalogue's names come with them: Azure prices gpt-4.1 through OpenAI's entry.
    assert _close_matches("azure", "gpt-4.11")[0] == "gpt-4.1"  # was "close matches: none"
    # Where every close name is of a model shut down by the price date, better those than none.
    assert _close_matches("openai", "davinci-003")[:2] == ["davinci-002", "text-davinci-003"]


def test_unknown_provider_lists_close_providers() -> None:
    with pytest.raises(UnknownModelError) as info:
        price_card("opneai", "gpt-4o", PRICE_DATE)
    assert info.value.field == "provider"
    assert "unknown provider 'opneai'" in str(info.value)
    assert "openai" in str(info.value)


def test_model_without_token_prices_asks_for_an_override() -> None:
    with pytest.raises(UnknownModelError, match="pricing"):
        price_card("groq", "whisper-large-v3", PRICE_DATE)


def test_pricing_override_prices_an_unknown_model() -> None:
    pricing = Pricing(input_per_mtok=1.0, output_per_mtok=4.0)
    card = price_card("acme", "in-house-7b", PRICE_DATE, pricing)
    assert (card.source, card.provider, card.model) == ("override", "acme", "in-house-7b")
    assert card.standard.cached_input.at(10) == 1.0  # defaults to the input price
    # Nobody published acme's batch API: no discount is invented.
    assert card.batch_source == "none" and not card.batch_available
    assert card.batch == card.standard
    assert {"cached input", "batch discount"} <= set(_names(card))
    # The workload can say it has one.
    stated = price_card("acme", "in-house-7b", PRICE_DATE, Pricing(input_per_mtok=1.0, output_per_mtok=4.0,
                                                                   batch_discount=0.5))
    assert stated.batch_available and stated.batch.output.at(10) == pytest.approx(2.0)


def test_pricing_override_with_every_field_needs_no_assumption() -> None:
    pricing = Pricing(input_per_mtok=3.0, output_per_mtok=15.0, cached_input_per_mtok=0.3, batch_discount=0.4)
    card = price_card("anthropic", "claude-sonnet-4-6", PRICE_DATE, pricing)
    assert card.source == "override" and card.batch_source == "override"
    assert card.standard.input.at(1) == 3.0  # the catalogue is not consulted
    assert card.batch.cached_input.at(1) == pytest.approx(0.18)
    assert card.assumptions == ()


@pytest.mark.parametrize(
    "pricing",
    [
        {"input_per_mtok": -1, "output_per_mtok": 1},
        {"input_per_mtok": 1, "output_per_mtok": 1, "batch_discount": 1.0},
        {"input_per_mtok": 1, "output_per_mtok": 1, "cached_input_per_mtok": float("nan")},
        {"input_per_mtok": "cheap", "output_per_mtok": 1},
        {"input_per_mtok": 1},
        {"input_per_mtok": 1, "output_per_mtok": 1, "discount": 0.5},
    ],
)
def test_bad_pricing_values_are_rejected_by_profile_validation(pricing: dict) -> None:
    with pytest.raises(InputError) as info:
        parse_profile({**BASE, "pricing": pricing})
    assert "pricing." in str(info.value)


def test_tiered_rate_cliff() -> None:
    rate = TieredRate(base=1.0, tiers=((100, 2.0), (1000, 3.0)))
    assert [rate.at(n) for n in (0, 100, 101, 1000, 1001)] == [1.0, 1.0, 2.0, 2.0, 3.0]
    assert rate.scaled(0.5).at(1001) == 1.5
    assert TieredRate(base=0.5).never_above(rate)
    assert not TieredRate(base=2.5).never_above(rate)


@pytest.mark.parametrize("provider", ["openai", "anthropic", "google"])
def test_catalogue_batch_prices_never_exceed_standard(provider: str) -> None:
    from genai_prices import data_snapshot

    catalogue = load_rules().catalogue
    models = next(p for p in data_snapshot.get_snapshot().providers if p.id == provider).models
    checked = 0
    for model in models:
        entry = catalogue.resolve(provider, model.id).model
        # A model its provider has shut down is priced on the last day it answered.
        day = PRICE_DATE if entry is None or entry.shutdown is None else min(PRICE_DATE, entry.shutdown.date - ONE_DAY)
        try:
            card = price_card(provider, model.id, day)
        except UnknownModelError:  # priced per audio second, page, image...
            continue
        checked += 1
        for name in ("input", "cached_input", "output"):
            assert getattr(card.batch, name).never_above(getattr(card.standard, name)), (model.id, name)
    assert checked > 5
