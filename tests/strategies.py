"""Hypothesis strategies shared by the property tests: valid workload profiles.

``profile_dicts()`` draws mappings that ``parse_profile`` accepts, across every enum
value and sane numeric ranges (thresholds such as 5 s, 60 s, 1 h and 100K requests
are mixed in, since decisions flip there); ``profiles()`` draws validated profiles.
"""

from __future__ import annotations

from typing import Any, get_args

from hypothesis import strategies as st

from advisor.core.profile import (
    BIDI_CONTROLS,
    DEFAULT_PEAK_MINUTES,
    Downstream,
    Interaction,
    Mode,
    OutputFormat,
    SideEffects,
    WorkloadProfile,
    check_name,
    parse_profile,
)

# Models the price catalogue knows (genai-prices), one or more per provider.
MODELS = (
    ("openai", "gpt-4o-mini"),
    ("openai", "gpt-4o"),
    ("anthropic", "claude-sonnet-4-5"),
    ("anthropic", "claude-haiku-4-5"),
    ("openai", "text-embedding-3-small"),
    ("google", "gemini-2.5-flash"),
)
# Their context windows as the price data gives them (genai-prices 0.2.3): one call's input and
# output must fit (an embedding's input alone), or the workload is refused as an input error.
WINDOWS = {
    "gpt-4o-mini": 128_000, "gpt-4o": 128_000, "claude-sonnet-4-5": 200_000, "claude-haiku-4-5": 200_000,
    "text-embedding-3-small": 8_192, "gemini-2.5-flash": 1_048_576,
}
# A model the catalogue does not know, priced by the workload's own 'pricing'.
PRIVATE_MODEL = ("acme", "acme-llm-large")

# Names a user might type, including characters that mean something in Markdown and HTML
# (never a bidirectional control: the profile refuses those).
_NAME_ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters=BIDI_CONTROLS)


def _is_name(text: str) -> bool:
    try:
        check_name(text)
    except ValueError:
        return False
    return True


NAMES = st.one_of(
    st.sampled_from(["Customer chatbot", "A | B <b>bold</b> *x* [l](u) `c` #1 \\ &amp;", "Nightly triage"]),
    st.text(_NAME_ALPHABET, min_size=1, max_size=40).filter(_is_name),
)


def _log_floats(low: float, high: float) -> st.SearchStrategy[float]:
    # Decision thresholds live at round numbers (5 s, 60 s, 1 h, 100K requests): mix them in.
    landmarks = [v for v in (0.5, 1, 2, 2.5, 3, 5, 30, 60, 300, 3600, 86400) if low <= v <= high]
    return st.one_of(st.sampled_from(landmarks), st.floats(min_value=low, max_value=high)) if landmarks else st.floats(
        min_value=low, max_value=high
    )


@st.composite
def _pricing(draw: st.DrawFn) -> dict[str, Any]:
    price = st.floats(min_value=0.01, max_value=100.0)
    pricing = draw(st.fixed_dictionaries(
        {"input_per_mtok": price, "output_per_mtok": price},
        optional={"batch_discount": st.sampled_from([0.0, 0.25, 0.5])},
    ))
    if draw(st.booleans()):  # a cached read is never dearer than an uncached one
        ceiling = min(10.0, pricing["input_per_mtok"])
        pricing["cached_input_per_mtok"] = draw(st.one_of(st.just(0.0), st.floats(min_value=0.0001, max_value=ceiling)))
    return pricing


def _rate_limits() -> st.SearchStrategy[dict[str, float]]:
    return st.fixed_dictionaries(
        {"rpm": st.sampled_from([60.0, 500.0, 10_000.0]), "tpm": st.sampled_from([30_000.0, 2e6, 1.5e8])}
    )


@st.composite
def profile_dicts(draw: st.DrawFn) -> dict:
    """A mapping parse_profile accepts; optional fields present or absent."""
    if draw(st.integers(0, 9)) == 0:
        (provider, model), pricing = PRIVATE_MODEL, draw(_pricing())
    else:
        (provider, model), pricing = draw(st.sampled_from(MODELS)), None
    profile: dict = {
        "name": draw(NAMES),
        "interaction": draw(st.sampled_from(get_args(Interaction))),
        "latency_budget_s": draw(_log_floats(0.05, 30 * 86400)),
        "chained_calls": draw(st.integers(1, 8)),
        "tool_latency_s": draw(st.one_of(st.sampled_from([0.0, 0.5, 2.0, 10.0]), st.floats(0.0, 60.0))),
        "input_tokens": draw(st.integers(0, 200_000)),
        "output_tokens": draw(st.integers(0, 20_000)),
        "cached_input_fraction": draw(st.sampled_from([0.0, 0.5, 1.0])),
        "output_format": draw(st.sampled_from(get_args(OutputFormat))),
        "requests_per_month": draw(st.one_of(st.sampled_from([0, 50, 100, 10_000, 100_000, 1_000_000]),
                                            st.integers(0, 10_000_000_000))),
        "provider": provider,
        "model": model,
        "downstream": draw(st.sampled_from(get_args(Downstream))),
        "side_effects": draw(st.sampled_from(get_args(SideEffects))),
        "retry_rate": draw(st.sampled_from([0.0, 0.01, 0.1, 1.0])),
        "attempts_per_layer": draw(st.integers(1, 4)),
        "retry_layers": draw(st.integers(1, 5)),
    }
    if pricing is not None:
        profile["pricing"] = pricing
    if draw(st.booleans()):
        profile["description"] = draw(st.text(_NAME_ALPHABET, max_size=80))
    if draw(st.booleans()):
        profile["model_p95_s"] = draw(_log_floats(0.05, 600))
    if draw(st.booleans()):
        profile["peak_requests_per_minute"] = draw(_log_floats(0.0, 1e6))
    if draw(st.booleans()):
        profile["current_mode"] = draw(st.sampled_from(get_args(Mode)))
    if draw(st.booleans()):
        profile["ttft_s"] = draw(st.sampled_from([0.0, 0.2, 1.0, 8.0]))
    if draw(st.integers(0, 3)) == 0:
        profile["output_tokens_per_s"] = draw(st.sampled_from([20.0, 50.0, 150.0, 1000.0]))
    if draw(st.integers(0, 3)) == 0:
        profile["rate_limits"] = draw(_rate_limits())
    if draw(st.integers(0, 3)) == 0:
        # A webhook sender's 10 s, a gateway's 29 s, a load balancer's 60 s, or anything between.
        profile["caller_timeout_s"] = draw(_log_floats(0.5, 3600))
    return consistent(profile)


def consistent(profile: dict) -> dict:
    """``profile`` with the figures the profile checks against each other made to agree: the
    first token within the call's p95, the peak hour (the default peak_minutes) within the month,
    and one call within its model's context window (the input cut to what the output leaves)."""
    if "ttft_s" in profile and "model_p95_s" in profile:
        profile["ttft_s"] = min(profile["ttft_s"], profile["model_p95_s"])
    if "peak_requests_per_minute" in profile:
        most = float(profile["requests_per_month"] // round(DEFAULT_PEAK_MINUTES))
        profile["peak_requests_per_minute"] = min(profile["peak_requests_per_minute"], most)
    window = WINDOWS.get(profile.get("model", "")) if "pricing" not in profile else None
    if window is not None:
        embedding = profile.get("output_format") == "embedding" or profile["model"] == "text-embedding-3-small"
        output = 0 if embedding else profile.get("output_tokens", 0) + (profile.get("reasoning_tokens") or 0)
        profile["input_tokens"] = min(profile.get("input_tokens", 0), max(window - output, 0))
    return profile


def profiles() -> st.SearchStrategy[WorkloadProfile]:
    """Validated WorkloadProfile objects."""
    return profile_dicts().map(parse_profile)


@st.composite
def batchable_profile_dicts(draw: st.DrawFn) -> dict:
    """Profiles where batch is plausible: no one waiting, minutes to days, real volume."""
    profile = draw(profile_dicts())
    profile["interaction"] = draw(st.sampled_from(["pipeline", "submit_and_notify"]))
    profile["latency_budget_s"] = draw(_log_floats(300, 30 * 86400))
    profile["requests_per_month"] = draw(st.integers(100, 1_000_000_000))
    profile["chained_calls"] = draw(st.integers(1, 3))
    return consistent(profile)
