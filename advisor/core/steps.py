"""The calls of one request, as everything downstream reads them: a tuple of steps.

A workload describes its calls either as ``steps`` or with the single-call fields (the
shorthand): ``input_tokens``, ``output_tokens``, ``chained_calls`` identical calls, with
``tool_latency_s`` of tools per request. The shorthand is one step run ``chained_calls``
times, its tool time spread over the runs, and shown: the same assessment as the
equivalent steps. Latency, cost and capacity read only this list.

Field names: a step's field is named ``steps.<name>.<field>`` (``steps.answer.model``) in
errors, levers and what-if changes; the shorthand's fields keep their own names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import InputError
from .profile import SHORTHAND_FIELDS, Pricing, WorkloadProfile
from .value_class import value_class

SHORTHAND_STEP = "call"  # the name the shorthand's one step is shown under


# A value class, not a frozen dataclass: a frozen dataclass's __init__ sets each of its 17
# fields through object.__setattr__, three times the cost, and every probe of a workload of
# 25 steps builds 25 of them. Nothing changes a step once it is built (mypy holds it so).
@value_class(slots=True)
class WorkStep:
    """One step of a request with every default filled in."""

    name: str
    provider: str
    model: str
    input_tokens: int
    output_tokens: int  # visible output of one call
    reasoning_tokens: int  # 0: none, or none stated (reasoning_stated tells them apart)
    # The workload states reasoning_tokens (0 included: no reasoning, thinking off). Unstated,
    # none are billed and a reasoning model's catalogue first token includes its reasoning.
    reasoning_stated: bool
    cached_input_fraction: float
    tool_latency_s: float  # per run, before its model call
    model_p50_s: float | None
    model_p95_s: float | None
    ttft_s: float | None
    output_tokens_per_s: float | None
    repeat: int
    shown: bool
    pricing: Pricing | None  # the step's own, or the workload's for the workload's own model
    prefix: str  # how its fields are named: "steps.answer." ("" for the shorthand)
    # The fields it takes from the workload ("provider", "model"): a wrong one is the workload's to fix.
    inherited: tuple[str, ...] = ()

    @property
    def billed_output_tokens(self) -> int:
        """Output billed per call: the visible output and the reasoning before it."""
        return self.output_tokens + self.reasoning_tokens

    def field(self, name: str) -> str:
        return f"{self.prefix}{name}"


def work_steps(profile: WorkloadProfile) -> tuple[WorkStep, ...]:
    """The workload's steps, in order, with every default filled in (exactly one shown)."""
    if profile.steps is None:
        calls = profile.chained_calls
        return (
            WorkStep(
                name=SHORTHAND_STEP, provider=profile.provider, model=profile.model,
                input_tokens=profile.input_tokens or 0, output_tokens=profile.output_tokens or 0,
                reasoning_tokens=profile.reasoning_tokens or 0, reasoning_stated=profile.reasoning_tokens is not None,
                cached_input_fraction=profile.cached_input_fraction,
                tool_latency_s=profile.tool_latency_s / calls, model_p50_s=profile.model_p50_s,
                model_p95_s=profile.model_p95_s, ttft_s=profile.ttft_s, output_tokens_per_s=profile.output_tokens_per_s,
                repeat=calls, shown=True, pricing=profile.pricing, prefix="",
            ),
        )
    steps = profile.steps
    shown = next((i for i, step in enumerate(steps) if step.shown), len(steps) - 1)
    workload_provider, workload_model, workload_pricing = profile.provider, profile.model, profile.pricing
    own = (workload_provider.lower(), workload_model.lower())
    out = []
    # One loop, each WorkStep built from its fields in their order (a call with 17 keywords
    # costs twice as much, and an agent's workload has many steps).
    for i, step in enumerate(steps):
        provider, model, pricing, reasoning = step.provider, step.model, step.pricing, step.reasoning_tokens
        if pricing is None and (
            (provider is None and model is None)
            or ((provider or workload_provider).lower(), (model or workload_model).lower()) == own
        ):
            pricing = workload_pricing
        out.append(WorkStep(
            step.name, provider or workload_provider, model or workload_model, step.input_tokens,
            step.output_tokens, reasoning or 0, reasoning is not None, step.cached_input_fraction,
            step.tool_latency_s, step.model_p50_s, step.model_p95_s, step.ttft_s, step.output_tokens_per_s,
            step.repeat, i == shown, pricing, f"steps.{step.name}.",
            ("provider",) * (provider is None) + ("model",) * (model is None),
        ))
    return tuple(out)


def shown_step(steps: tuple[WorkStep, ...]) -> WorkStep:
    for step in steps:  # a loop, not a generator's frame: an agent's shown step is often its last
        if step.shown:
            return step
    raise StopIteration  # as next() would: work_steps shows exactly one


def calls_per_request(steps: tuple[WorkStep, ...]) -> int:
    return sum([step.repeat for step in steps])


# -- changing a workload -------------------------------------------------------------------


def with_changes(profile: WorkloadProfile, changes: Mapping[str, Any]) -> WorkloadProfile:
    """``profile`` with ``changes`` applied: workload fields by name, a step's fields as
    ``steps.<name>.<field>``. A single-call field of a workload that gives steps, or a step
    it does not have, is an InputError (the what-if search and the levers never make one)."""
    top: dict[str, Any] = {}
    per_step: dict[str, dict[str, Any]] = {}
    for key, value in changes.items():
        if key.startswith("steps."):
            name, _, field = key[len("steps."):].rpartition(".")
            per_step.setdefault(name, {})[field] = value
        else:
            top[key] = value
    if profile.steps is not None:
        shorthand = [key for key in top if key in SHORTHAND_FIELDS]
        if shorthand:
            raise InputError(
                f"'{shorthand[0]}' is a single-call field, and this workload describes its calls as steps: "
                "change a step's field instead (steps.<name>.<field>)",
                field=shorthand[0],
            )
    if per_step:
        if profile.steps is None:
            raise InputError("this workload has no steps: change its single-call fields", field="steps")
        names = {step.name for step in profile.steps}
        unknown = [name for name in per_step if name not in names]
        if unknown:
            raise InputError(f"no step is named {unknown[0]!r}; steps: {', '.join(sorted(names))}",
                             field=f"steps.{unknown[0]}")
        top["steps"] = [
            step.model_copy(update=per_step[step.name]) if step.name in per_step else step for step in profile.steps
        ]
    return profile.model_copy(update=top)
