"""The latency model: TTFT + tokens / speed per call; calls x p95 + tools end to end."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor import load_rules, parse_profile
from advisor.core.latency import estimate_latency, model_speed

BASE = {"name": "x", "interaction": "chat", "latency_budget_s": 10, "input_tokens": 100, "output_tokens": 100,
        "requests_per_month": 1000, "model": "gpt-4o"}


def latency(**fields):
    return estimate_latency(parse_profile({**BASE, **fields}))


def test_2000_tokens_at_50_tokens_per_second_is_40_seconds():
    estimate, _ = latency(output_tokens=2000, output_tokens_per_s=50, ttft_s=0)
    assert estimate.per_call_p95_s == pytest.approx(40)
    assert not estimate.within_budget and estimate.budget_ratio == pytest.approx(4)


def test_four_calls_of_1_2_s_plus_2_s_of_tools_is_6_8_seconds():
    estimate, _ = latency(chained_calls=4, model_p95_s=1.2, tool_latency_s=2, latency_correlation=1)
    assert estimate.end_to_end_p95_s == pytest.approx(6.8)
    assert estimate.measured


def test_streaming_shows_the_first_token_after_the_earlier_steps_of_a_chain():
    estimate, _ = latency(chained_calls=3, model_p95_s=2.0, tool_latency_s=1.0, ttft_s=0.4, latency_correlation=1)
    assert estimate.time_to_first_token_s == pytest.approx(2 * 2.0 + 1.0 + 0.4)


def test_defaults_come_from_the_model_and_are_reported_as_assumptions():
    estimate, assumptions = latency(model="gpt-4o-mini")
    speed = model_speed(load_rules().catalogue, "openai", "gpt-4o-mini")
    assert estimate.ttft_s == speed.ttft_p95_s and estimate.output_tokens_per_s == speed.output_tokens_per_s
    names = {a.name for a in assumptions}
    assert {"time to first token", "output speed", "per-call p95"} <= names
    _, assumptions = latency(model_p95_s=3.0, ttft_s=0.2)
    assert not {"output speed", "per-call p95", "time to first token"} & {a.name for a in assumptions}


def test_an_embedding_assumes_no_output_speed():
    """An embedding writes no tokens: its record states the time of a call, not a speed nothing
    is written at, nor a sum with zero tokens in it."""
    _, assumptions = latency(model="text-embedding-3-small", output_format="embedding", output_tokens=0,
                             interaction="pipeline", latency_budget_s=86400)
    by_name = {a.name: a.value for a in assumptions}
    assert "output speed" not in by_name and "time to first token" in by_name
    assert by_name["per-call p95"] == "0.80 s = 0.80 s to the first token, with no output tokens to write"


@settings(max_examples=200, deadline=None)
@given(
    calls=st.integers(1, 50),
    tools=st.floats(0, 1000),
    output=st.integers(0, 100_000),
    tps=st.floats(1, 10_000),
    ttft=st.floats(0, 60),
)
def test_end_to_end_is_calls_times_per_call_plus_tools(calls, tools, output, tps, ttft):
    estimate, _ = latency(chained_calls=calls, tool_latency_s=tools, output_tokens=output,
                          output_tokens_per_s=tps, ttft_s=ttft, latency_correlation=1)
    assert estimate.per_call_p95_s == pytest.approx(ttft + output / tps)
    assert estimate.end_to_end_p95_s == pytest.approx(calls * estimate.per_call_p95_s + tools)
    assert 0 <= estimate.time_to_first_token_s <= estimate.end_to_end_p95_s + 1e-9


# -- reasoning_tokens: 0 stated is no reasoning, not "not given" (review 3, C1) ------------------


@pytest.mark.parametrize("shape", ["shorthand", "steps"])
def test_zero_reasoning_tokens_stated_starts_a_reasoning_model_without_reasoning(shape):
    def on(**reasoning):
        if shape == "shorthand":
            return latency(provider="google", model="gemini-2.5-flash", **reasoning)
        step = {"name": "rewrite", "input_tokens": 100, "output_tokens": 100, **reasoning}
        fields = {k: v for k, v in BASE.items() if k not in ("input_tokens", "output_tokens")}
        return estimate_latency(parse_profile({**fields, "provider": "google", "model": "gemini-2.5-flash",
                                               "steps": [step]}))

    speed = model_speed(load_rules().catalogue, "google", "gemini-2.5-flash")
    off, said = on(reasoning_tokens=0)
    assert off.ttft_s == pytest.approx(speed.start_p95_s)  # the start, nothing added
    assert off.reasoning_unpriced == ()
    assert not any(a.name == "reasoning tokens" for a in said)
    assert any("with thinking off (reasoning_tokens 0) starts as a call without reasoning" in a.value for a in said)
    # Omitted: the catalogue's first token, which includes the reasoning, and the note that none is priced.
    unstated, said = on()
    assert unstated.ttft_s == pytest.approx(speed.ttft_p95_s) and unstated.ttft_s > 10 * off.ttft_s
    assert unstated.reasoning_unpriced == ("gemini-2.5-flash",)
    assert any(a.name == "reasoning tokens" and a.value.startswith("not given") for a in said)


def test_a_reasoning_model_with_thinking_off_starts_no_sooner_than_an_unmeasured_chat_model():
    """The start of a call without reasoning was measured for none of these models: gemini-2.5-flash
    with thinking off is judged as an unmeasured Google chat model is (gemini-3.5-flash-lite, which the
    catalogue lacks), at Google's slowest measured first token."""
    catalogue = load_rules().catalogue
    flash = model_speed(catalogue, "google", "gemini-2.5-flash")
    lite = model_speed(catalogue, "google", "gemini-3.5-flash-lite")
    assert flash.start_p95_s == pytest.approx(lite.ttft_p95_s) == pytest.approx(catalogue.slowest("google").ttft_p95_s)
    assert flash.start_p95_s > catalogue.data.fallback_speed.ttft_p95_s
    assert flash.no_reasoning_assumption is not None
    assert "gemini-3-flash-preview" in flash.no_reasoning_assumption.value  # whose figure it is


# -- an unmeasured model is never judged faster than measured ones (review 3, C2 and N3) ---------


def test_a_hosted_copy_takes_its_makers_measured_speed():
    catalogue = load_rules().catalogue
    bedrock = model_speed(catalogue, "aws", "anthropic.claude-sonnet-4-5")
    anthropic = model_speed(catalogue, "anthropic", "claude-sonnet-4-5")
    assert bedrock.ttft_p95_s == pytest.approx(anthropic.ttft_p95_s) == pytest.approx(3.06)
    assert bedrock.output_tokens_per_s == anthropic.output_tokens_per_s
    assert "claude-sonnet-4-5 as measured at Anthropic; AWS Bedrock's own speed is unmeasured" in (
        bedrock.ttft_assumption.value)
    assert bedrock.ttft_assumption.source_ids == anthropic.ttft_assumption.source_ids


def test_an_unmeasured_chat_model_is_no_faster_than_its_providers_slowest_measured_one():
    catalogue = load_rules().catalogue
    mini = model_speed(catalogue, "openai", "gpt-5.4-mini")
    assert mini.ttft_p95_s == pytest.approx(0.93 * 1.7)  # gpt-4.1-mini's, OpenAI's slowest
    assert mini.output_tokens_per_s == 50  # the seed's, slower than any measured
    assert "judged no faster than the slowest measured model of OpenAI, gpt-4.1-mini" in mini.ttft_assumption.value
    lite = model_speed(catalogue, "google", "gemini-3.5-flash-lite")  # not in the catalogue
    assert lite.ttft_p95_s >= model_speed(catalogue, "google", "gemini-3-flash-preview").ttft_p95_s
    # A provider with nothing measured: the catalogue's slowest (Anthropic's claude-sonnet-4-5).
    chat = model_speed(catalogue, "deepseek", "deepseek-chat")
    assert chat.ttft_p95_s == pytest.approx(3.06) and "Anthropic's claude-sonnet-4-5" in chat.ttft_assumption.value
    # Every measured chat model of a provider is at least as fast as its unmeasured ones.
    for provider in ("openai", "anthropic", "google", "azure"):
        floor = catalogue.slowest(provider)
        for model_id, spec in catalogue.models_of(provider):
            if spec.speed is not None and not spec.reasons and spec.output == "text":
                assert model_speed(catalogue, provider, model_id).ttft_p95_s <= floor.ttft_p95_s + 1e-9


def test_mistral_small_is_timed_at_its_own_measurement_through_openrouter():
    """F3 (review 5): the catalogue held Mistral Small's measured first token (p50 2,735 ms,
    p95 10,852 ms) and used only its spread; the model was timed at Sonnet 4.5's 3.06 s as
    "none measured". The measurement is its own now, said to be through OpenRouter."""
    catalogue = load_rules().catalogue
    small = model_speed(catalogue, "mistral", "mistral-small-latest")
    assert small.measured
    assert (small.ttft_p50_s, small.ttft_p95_s) == (2.735, 10.852)
    assert "measured through OpenRouter, not Mistral's own API" in small.ttft_assumption.value
    assert "measured through OpenRouter" in small.speed_assumption.value
    assert "jonathanwrede.de" in small.ttft_assumption.source
    chat = parse_profile({
        "name": "Mistral chat", "interaction": "chat", "latency_budget_s": 4.0, "input_tokens": 1200,
        "output_tokens": 300, "requests_per_month": 300_000, "provider": "mistral", "model": "mistral-small-latest",
        "downstream": "own_ui",
    })
    estimate, _ = estimate_latency(chat, catalogue)
    assert estimate.stand_ins == () and estimate.time_to_first_token_s == pytest.approx(10.852, rel=0.01)
    # A router's measurement stands in for its own provider's unmeasured models, not another's.
    assert catalogue.slowest("mistral").ttft_of == ("mistral", "mistral-small-latest")
    assert catalogue.slowest("aws").ttft_of == ("anthropic", "claude-sonnet-4-5")


def test_an_unmeasured_model_is_no_faster_than_its_stand_in_at_the_median_either():
    """F3 (review 5): the median was the stand-in's p95 over the model's own provider's
    spread (Sonnet 4.5's 3.06 s / Mistral's 4.0 = 0.77 s), faster than the stand-in's own
    median (1.8 s). It is the stand-in's median now."""
    catalogue = load_rules().catalogue
    for provider, model in (("mistral", "mistral-medium-latest"), ("aws", "anthropic.claude-sonnet-5-5"),
                            ("openai", "gpt-5.4-mini"), ("google", "gemini-3.5-flash-lite")):
        speed = model_speed(catalogue, provider, model)
        slow = catalogue.slowest(provider)
        assert not speed.measured and slow.ttft_p50_s is not None
        assert speed.ttft_p50_s >= slow.ttft_p50_s - 1e-9, (provider, model)
        assert speed.ttft_p95_s >= slow.ttft_p95_s - 1e-9, (provider, model)
    assert model_speed(catalogue, "mistral", "mistral-medium-latest").ttft_p50_s == 2.735


def test_embedding_and_reasoning_models_keep_their_defaults():
    catalogue = load_rules().catalogue
    embedding = model_speed(catalogue, "openai", "text-embedding-3-small")
    assert embedding.ttft_p95_s == catalogue.data.fallback_speed.ttft_p95_s
    reasoning = model_speed(catalogue, "openai", "gpt-5.5")
    assert reasoning.ttft_p50_s == catalogue.data.fallback_speed.reasoning_ttft_s


def test_the_start_of_a_reasoning_model_is_said_in_one_sentence():
    """Review 4, R6: "judged as a call without reasoning starts: judged no faster than ... (the
    catalogue's first token for it, o3's median, includes reasoning ...)" read as if the figure
    were gemini-3-flash-preview's. Each is one sentence now, its figures unchanged."""
    catalogue = load_rules().catalogue
    flash = model_speed(catalogue, "google", "gemini-2.5-flash")
    assert flash.no_reasoning_assumption is not None and flash.start_assumption is not None
    assert flash.no_reasoning_assumption.value == (
        "2.10 s at p95: gemini-2.5-flash with thinking off (reasoning_tokens 0) starts as a call without reasoning; "
        "nobody measured that start, so it is judged no faster than the slowest measured model of Google (Gemini "
        "API), gemini-3-flash-preview (the catalogue's figure for gemini-2.5-flash, o3's median, includes reasoning "
        "and is not used)"
    )
    assert flash.start_assumption.value == (
        "2.10 s at p95 before the reasoning: gemini-2.5-flash starts as a call without reasoning, then writes the "
        "stated reasoning tokens at its output speed; nobody measured that start, so it is judged no faster than "
        "the slowest measured model of Google (Gemini API), gemini-3-flash-preview (the catalogue's figure for "
        "gemini-2.5-flash, o3's median, includes reasoning and is not used)"
    )
    o3 = model_speed(catalogue, "openai", "o3")
    assert o3.start_assumption is not None
    assert o3.start_assumption.value.endswith(
        "(o3's measured first token, at a benchmark's workload, includes reasoning and is not used)")


# -- a model the catalogue lacks (review 4, R3) -----------------------------------------------


@pytest.mark.parametrize(("provider", "model", "sibling"), [
    # gemini-3.5-flash-lite, which advisor's retirement note names, has no unmeasured sibling in the
    # catalogue since gemini-2.5-flash-lite's speed is measured: it is checked against itself.
    ("google", "gemini-3.5-flash-lite", "gemini-3.5-flash-lite"),
    ("openai", "gpt-5.4-nano", "gpt-5.4-mini"),
])
def test_a_chat_model_the_catalogue_lacks_is_no_faster_than_its_unmeasured_siblings(provider, model, sibling):
    catalogue = load_rules().catalogue
    unknown, known = model_speed(catalogue, provider, model), model_speed(catalogue, provider, sibling)
    slow = catalogue.slowest(provider)
    assert unknown.ttft_p95_s == pytest.approx(known.ttft_p95_s) == pytest.approx(slow.ttft_p95_s)
    assert unknown.ttft_p95_s > catalogue.data.fallback_speed.ttft_p95_s
    assert unknown.output_tokens_per_s == known.output_tokens_per_s and not unknown.measured
    assert f"({model} is not in the provider catalogue: judged no faster than the slowest measured model of" in (
        unknown.ttft_assumption.value)
    estimate, _ = latency(provider=provider, model=model)
    assert estimate.ttft_s == pytest.approx(slow.ttft_p95_s) and model in estimate.stand_ins


def test_an_embedding_or_a_provider_the_catalogue_lacks_keeps_the_fallback():
    catalogue = load_rules().catalogue
    fallback = catalogue.data.fallback_speed.ttft_p95_s
    embedding = model_speed(catalogue, "openai", "text-embedding-4", output_format="embedding")
    assert embedding.ttft_p95_s == fallback and "not in the provider catalogue" in embedding.ttft_assumption.value
    # The same name as a chat model is judged as one: the memo keeps the two apart.
    assert model_speed(catalogue, "openai", "text-embedding-4").ttft_p95_s > fallback
    assert model_speed(catalogue, "acme", "acme-1").ttft_p95_s == fallback
