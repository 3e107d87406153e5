"""The lead's follow-ups of the thirtieth stop.

- A fine-tuned OpenAI model the price data does not price (``ft:gpt-4.1-mini-...:acme::...``)
  was refused with close matches whose first was its base model, gpt-4.1-mini, at half the
  fine-tune's prices (judgement round 14, F9). A fine-tune is billed at rates of its own: the
  message says so and asks for a ``pricing`` override, offering no base model.
"""

from __future__ import annotations

import datetime

import pytest

from advisor.core.errors import UnknownModelError
from advisor.core.prices import price_card

PRICE_DATE = datetime.date(2026, 11, 1)


@pytest.mark.parametrize(
    "model", ["ft:gpt-4.1-mini-2025-04-14:acme::abc123", "ft:gpt-5.4-mini:acme:tags:xyz"]
)
def test_an_unpriced_fine_tune_asks_for_its_own_prices_not_its_base_model(model: str) -> None:
    with pytest.raises(UnknownModelError) as info:
        price_card("openai", model, PRICE_DATE)
    message = str(info.value)
    assert info.value.field == "model"
    assert "fine-tuned model is billed at prices of its own" in message
    assert "'pricing' override (input_per_mtok, output_per_mtok)" in message
    assert "close matches" not in message  # no base model, at half the price, offered


def test_a_fine_tune_the_price_data_prices_is_still_priced() -> None:
    card = price_card("openai", "ft:gpt-4o-mini-2024-07-18:acme::abc", PRICE_DATE)
    plain = price_card("openai", "gpt-4o-mini", PRICE_DATE)
    assert card.standard.input.base > plain.standard.input.base  # its own prices, not the base model's
