"""Latency model: per-call p95, end-to-end p95, and time to the first visible token.

per-call p95    = measured ``model_p95_s`` or, when absent, first-token p95 + output tokens / speed
end-to-end p95  = chained calls x per-call p95 + tool latency            (seed 004, axis 2)
first token     = (chained calls - 1) x per-call p95 + tool latency + first-token p95
                  (earlier steps of a chain must finish before the last one can stream)

Speeds come from the provider catalogue (``rules/catalogue.yaml``): each model's measured
median first-token time and output speed, with their source and date. A median is not a
p95: the first token's p95 is the median times the catalogue's measured spread (unless the
model has a measured p95 of its own); output speed stays at its median. A model that
reasons before it answers waits for its reasoning before the first visible token. A model
the catalogue has no speed for gets the conservative end of seed 003's ranges. Every
default used is returned as an assumption; the workload's ``ttft_s`` (a p95) and
``output_tokens_per_s`` replace them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .assumption import Assumption
from .profile import WorkloadProfile
from .validation import plain

if TYPE_CHECKING:
    from .catalogue import Catalogue


@dataclass(frozen=True, slots=True)
class ModelSpeed:
    """The speed the latency model uses for one model when the workload gives none."""

    ttft_p95_s: float
    output_tokens_per_s: float
    reasons: bool  # reasons before it answers: the first visible token waits for it
    measured: bool  # a measurement of this model (False: a fallback)
    ttft_assumption: Assumption
    speed_assumption: Assumption


def _speed(catalogue: Catalogue, provider: str, model: str, service_tier: str) -> ModelSpeed:
    resolved = catalogue.resolve(provider, model)
    spec, entry = resolved.provider, resolved.model
    data = catalogue.data
    ratio, ratio_source = data.latency.ttft_p95_over_p50, data.latency.source
    if spec is not None and spec.ttft_p95_over_p50 is not None:
        ratio, ratio_source = spec.ttft_p95_over_p50, spec.ttft_spread_source or ratio_source
    name = resolved.model_key or model
    reasons = entry.reasons if entry is not None else False
    fallback = data.fallback_speed
    if entry is not None and entry.speed is not None:
        speed = entry.speed
        note = f"; {speed.note}" if speed.note else ""
        if speed.ttft_p95_s is not None:
            ttft, how = speed.ttft_p95_s, f"{speed.ttft_p95_s:g} s at p95, measured ({name}{note})"
            source = catalogue.cite(speed.source)
        else:
            ttft = speed.ttft_s * ratio
            how = f"{ttft:.2f} s at p95 = {speed.ttft_s:g} s median x {ratio:g} ({name}{note})"
            source = f"{catalogue.cite(speed.source)}; spread: {catalogue.cite(ratio_source)}"
        tps, measured = speed.output_tokens_per_s, True
        ttft_assumption = Assumption(name="time to first token", value=how, source=source)
        speed_assumption = Assumption(
            name="output speed", value=f"{tps:g} tokens/s, median ({name})", source=catalogue.cite(speed.source)
        )
    elif reasons:
        ttft = fallback.reasoning_ttft_s * ratio
        tps, measured = fallback.output_tokens_per_s, False
        ttft_assumption = Assumption(
            name="time to first token",
            value=f"{ttft:.1f} s at p95 = {fallback.reasoning_ttft_s:g} s median x {ratio:g}: {name} reasons before it "
            "answers and has no measured speed; the first visible token waits for the reasoning (o3's median)",
            source=f"{catalogue.cite(fallback.reasoning_source)}; reasons: {catalogue.cite(entry.reasons_source)}"
            if entry is not None else catalogue.cite(fallback.reasoning_source),
        )
        speed_assumption = Assumption(
            name="output speed",
            value=f"{tps:g} tokens/s (no measured speed for {name}: the slow end of the published range)",
            source=catalogue.cite(fallback.source),
        )
    else:
        ttft, tps, measured = fallback.ttft_p95_s, fallback.output_tokens_per_s, False
        why = "not in the provider catalogue" if entry is None else "no measured speed in the provider catalogue"
        ttft_assumption = Assumption(
            name="time to first token",
            value=f"{ttft:g} s ({name}: {why}; the slow end of the published range, not a measurement of this model)",
            source=catalogue.cite(fallback.source),
        )
        speed_assumption = Assumption(
            name="output speed",
            value=f"{tps:g} tokens/s ({name}: {why}; the slow end of the published range)",
            source=catalogue.cite(fallback.source),
        )
    if service_tier == "priority" and entry is not None and entry.priority_output_tokens_per_s is not None:
        floor = entry.priority_output_tokens_per_s
        if floor > tps:
            tps = floor
            speed_assumption = Assumption(
                name="output speed",
                value=f"{tps:g} tokens/s: the priority tier's guaranteed median for {name}",
                source=catalogue.cite(spec.priority.source) if spec is not None and spec.priority else "catalogue",
            )
    return ModelSpeed(ttft, tps, reasons, measured, ttft_assumption, speed_assumption)


def model_speed(catalogue: Catalogue, provider: str, model: str, service_tier: str = "standard") -> ModelSpeed:
    """The catalogue's speed for a model (cached: a catalogue never changes)."""
    key = ("speed", provider, model, service_tier)
    hit: ModelSpeed | None = catalogue.memo.get(key)
    if hit is None:
        hit = catalogue.memo[key] = _speed(catalogue, provider, model, service_tier)
    return hit


@dataclass(frozen=True, slots=True)
class LatencyEstimate:
    per_call_p95_s: float
    end_to_end_p95_s: float
    time_to_first_token_s: float
    latency_budget_s: float
    within_budget: bool
    budget_ratio: float  # end-to-end p95 / budget; above 1 the budget is missed at p95
    ttft_s: float  # first-token p95 of one call
    output_tokens_per_s: float
    measured: bool  # True when the per-call p95 was measured, not estimated
    model_reasons: bool  # the model reasons before it answers (the catalogue says so)


def estimate_latency(
    profile: WorkloadProfile, catalogue: Catalogue | None = None
) -> tuple[LatencyEstimate, list[Assumption]]:
    if catalogue is None:
        from .rules import load_rules

        catalogue = load_rules().catalogue
    speed = model_speed(catalogue, profile.provider, profile.model, profile.service_tier)
    assumptions: list[Assumption] = []
    ttft = profile.ttft_s
    if ttft is None:
        ttft = speed.ttft_p95_s
        assumptions.append(speed.ttft_assumption)
    tps = profile.output_tokens_per_s
    if tps is None:
        tps = speed.output_tokens_per_s
        if profile.model_p95_s is None:
            assumptions.append(speed.speed_assumption)

    if profile.model_p95_s is not None:
        per_call = profile.model_p95_s
        measured = True
    else:
        per_call = ttft + profile.output_tokens / tps
        measured = False
        assumptions.append(
            Assumption(
                name="per-call p95",
                value=f"{per_call:,.2f} s = {plain(ttft)} s to the first token + {profile.output_tokens:,} tokens"
                f" / {plain(tps)} tok/s",
                source="estimated: no model_p95_s was given",
            )
        )
    # A measured p95 can be below the first-token default; the first token never comes after the end.
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
        model_reasons=speed.reasons,
    )
    return estimate, assumptions
