"""Latency model: per-call p95, end-to-end p95, and time to the first visible token.

per-call p95    = measured ``model_p95_s`` or, when absent, TTFT + output tokens / speed
end-to-end p95  = chained calls x per-call p95 + tool latency            (seed 004, axis 2)
first token     = (chained calls - 1) x per-call p95 + tool latency + TTFT
                  (earlier steps of a chain must finish before the last one can stream)

Model speed defaults are conservative, p95-ish published figures (seed 003: "50-80
tokens/second for frontier models"; streaming TTFB 200-800 ms) and are always reported as
assumptions so a user with measurements can replace them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .assumption import Assumption
from .profile import WorkloadProfile
from .validation import plain

SOURCE_SPEED = "003_a5044114f5d4f089.txt, Pattern 1 and Pattern 2 tables"


@dataclass(frozen=True)
class ModelSpeed:
    pattern: str  # substring of the model id, matched in table order
    ttft_s: float
    output_tokens_per_s: float
    note: str


# First match wins; the last row is the fallback for any model.
MODEL_SPEEDS: tuple[ModelSpeed, ...] = (
    ModelSpeed("embedding", 0.3, 10_000.0, "embedding models return one vector, no token stream"),
    ModelSpeed("nano", 0.4, 120.0, "small model"),
    ModelSpeed("mini", 0.5, 100.0, "small model"),
    ModelSpeed("haiku", 0.5, 100.0, "small model"),
    ModelSpeed("flash", 0.5, 100.0, "small model"),
    ModelSpeed("", 0.8, 50.0, "frontier model: slow end of 50-80 tok/s, TTFB up to 800 ms"),
)


# Built once per table row: assumptions are on the hot path of every assessment.
_TTFT_ASSUMPTION = {
    row: Assumption(name="time to first token", value=f"{row.ttft_s:g} s ({row.note})", source=SOURCE_SPEED)
    for row in MODEL_SPEEDS
}
_SPEED_ASSUMPTION = {
    row: Assumption(
        name="output speed", value=f"{row.output_tokens_per_s:g} tokens/s ({row.note})", source=SOURCE_SPEED
    )
    for row in MODEL_SPEEDS
}


def default_speed(model: str) -> ModelSpeed:
    lowered = model.lower()
    for row in MODEL_SPEEDS:
        if row.pattern in lowered:
            return row
    return MODEL_SPEEDS[-1]  # pragma: no cover - the fallback row matches everything


@dataclass(frozen=True, slots=True)
class LatencyEstimate:
    per_call_p95_s: float
    end_to_end_p95_s: float
    time_to_first_token_s: float
    latency_budget_s: float
    within_budget: bool
    budget_ratio: float  # end-to-end p95 / budget; above 1 the budget is missed at p95
    ttft_s: float
    output_tokens_per_s: float
    measured: bool  # True when the per-call p95 was measured, not estimated


def estimate_latency(profile: WorkloadProfile) -> tuple[LatencyEstimate, list[Assumption]]:
    speed = default_speed(profile.model)
    assumptions: list[Assumption] = []
    ttft = profile.ttft_s
    if ttft is None:
        ttft = speed.ttft_s
        assumptions.append(_TTFT_ASSUMPTION[speed])
    tps = profile.output_tokens_per_s
    if tps is None:
        tps = speed.output_tokens_per_s
        if profile.model_p95_s is None:
            assumptions.append(_SPEED_ASSUMPTION[speed])

    if profile.model_p95_s is not None:
        per_call = profile.model_p95_s
        measured = True
    else:
        per_call = ttft + profile.output_tokens / tps
        measured = False
        assumptions.append(
            Assumption(
                name="per-call p95",
                value=f"{per_call:,.2f} s = {plain(ttft)} s TTFT + {profile.output_tokens:,} tokens"
                f" / {plain(tps)} tok/s",
                source="estimated: no model_p95_s was given",
            )
        )
    # A measured p95 can be below the TTFT default; the first token never comes after the end.
    ttft = min(ttft, per_call)
    calls = profile.chained_calls
    end_to_end = calls * per_call + profile.tool_latency_s
    first_token = (calls - 1) * per_call + profile.tool_latency_s + ttft
    estimate = LatencyEstimate(
        per_call_p95_s=per_call,
        end_to_end_p95_s=end_to_end,
        time_to_first_token_s=first_token,
        latency_budget_s=profile.latency_budget_s,
        within_budget=end_to_end <= profile.latency_budget_s,
        budget_ratio=end_to_end / profile.latency_budget_s,
        ttft_s=ttft,
        output_tokens_per_s=tps,
        measured=measured,
    )
    return estimate, assumptions
