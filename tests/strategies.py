"""Hypothesis strategies shared by the property tests: valid workload profiles."""

from __future__ import annotations

from typing import get_args

from hypothesis import strategies as st

from advisor.profile import Downstream, Interaction, Mode, OutputFormat, SideEffects

MODELS = (
    ("openai", "gpt-4o-mini"),
    ("openai", "gpt-4o"),
    ("anthropic", "claude-sonnet-4-5"),
    ("anthropic", "claude-haiku-4-5"),
    ("openai", "text-embedding-3-small"),
)


def _log_floats(low: float, high: float) -> st.SearchStrategy[float]:
    # Decision thresholds live at round numbers (5 s, 60 s, 1 h, 100K requests): mix them in.
    landmarks = [v for v in (0.5, 1, 2, 2.5, 3, 5, 30, 60, 300, 3600, 86400) if low <= v <= high]
    return st.one_of(st.sampled_from(landmarks), st.floats(min_value=low, max_value=high)) if landmarks else st.floats(
        min_value=low, max_value=high
    )


@st.composite
def profile_dicts(draw: st.DrawFn) -> dict:
    provider, model = draw(st.sampled_from(MODELS))
    profile: dict = {
        "name": draw(st.text(min_size=1, max_size=30).filter(lambda s: s.strip() != "")),
        "interaction": draw(st.sampled_from(get_args(Interaction))),
        "latency_budget_s": draw(_log_floats(0.05, 30 * 86400)),
        "chained_calls": draw(st.integers(1, 8)),
        "tool_latency_s": draw(st.sampled_from([0.0, 0.5, 2.0, 10.0])),
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
    if draw(st.booleans()):
        profile["model_p95_s"] = draw(_log_floats(0.05, 600))
    if draw(st.booleans()):
        profile["peak_requests_per_minute"] = draw(_log_floats(0.0, 1e6))
    if draw(st.booleans()):
        profile["current_mode"] = draw(st.sampled_from(get_args(Mode)))
    if draw(st.booleans()):
        profile["ttft_s"] = draw(st.sampled_from([0.0, 0.2, 1.0, 8.0]))
    return profile


@st.composite
def batchable_profile_dicts(draw: st.DrawFn) -> dict:
    """Profiles where batch is plausible: no one waiting, minutes to days, real volume."""
    profile = draw(profile_dicts())
    profile["interaction"] = draw(st.sampled_from(["pipeline", "submit_and_notify"]))
    profile["latency_budget_s"] = draw(_log_floats(300, 30 * 86400))
    profile["requests_per_month"] = draw(st.integers(100, 1_000_000_000))
    profile["chained_calls"] = draw(st.integers(1, 3))
    return profile
