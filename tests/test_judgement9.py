"""The ninth judgement review's findings (redteam-judgement-9): a workload's tokens are billed at
the model's text prices, and where the price data lists other prices for the same model's audio,
image or video tokens the assumptions now say so, with those prices, instead of leaving an audio
meeting summary or a speech-to-speech voice agent billed as text without a word."""

from __future__ import annotations

from typing import Any

from advisor import assess, load_rules
from advisor.views.text import render_text

from .conftest import PRICE_DATE

RULES = load_rules()

MEETING: dict[str, Any] = {
    "name": "Meeting recording summary",
    "interaction": "submit_and_notify",
    "latency_budget_s": 1800,
    "input_tokens": 87000,  # 45 minutes of audio at 32 tokens a second, and a prompt
    "output_tokens": 1200,
    "requests_per_month": 60000,
    "provider": "google",
    "model": "gemini-2.5-flash",
    "tier": "tier-2",
    "downstream": "internal_service",
}


def media(a) -> list[str]:
    return [x.value for x in a.assumptions if x.name == "audio, image and video tokens"]


def test_an_audio_model_says_its_tokens_are_billed_as_text_and_what_audio_costs():
    a = assess(MEETING, RULES, price_date=PRICE_DATE, what_if=False)
    [said] = media(a)
    assert said.startswith("billed as text (input $0.3, output $2.5 per 1M tokens), but gemini-2.5-flash bills "
                           "audio input at $1 per 1M tokens")
    assert "give a 'pricing' override" in said
    # The bill itself is unchanged: 60,000 x (87,000 x $0.30 + 1,200 x $2.50) / 1M.
    assert round(a.costs["sync"].tokens_usd) == 1746
    assert "audio input at $1 per 1M tokens" in render_text(a)


def test_a_speech_to_speech_model_names_its_audio_prices_both_ways():
    voice = {**MEETING, "name": "Voice agent", "interaction": "chat", "latency_budget_s": 0.8,
             "input_tokens": 2500, "output_tokens": 80, "requests_per_month": 10_000_000,
             "provider": "openai", "model": "gpt-realtime", "tier": "tier-5", "downstream": "own_ui"}
    a = assess(voice, RULES, price_date=PRICE_DATE, what_if=False)
    [said] = media(a)
    assert "gpt-realtime bills audio input at $32, audio output at $64 and image input at $5 per 1M tokens" in said


def test_a_text_only_price_list_adds_nothing():
    text = {**MEETING, "provider": "anthropic", "model": "claude-sonnet-4-6", "tier": "build"}
    a = assess(text, RULES, price_date=PRICE_DATE, what_if=False)
    assert media(a) == []


def test_a_pricing_override_adds_nothing():
    own = {**MEETING, "pricing": {"input_per_mtok": 1.0, "output_per_mtok": 2.5}}
    a = assess(own, RULES, price_date=PRICE_DATE, what_if=False)
    assert media(a) == []
    assert round(a.costs["sync"].tokens_usd) == 5400  # 60,000 x (87,000 x $1 + 1,200 x $2.50) / 1M
