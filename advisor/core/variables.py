"""The answers a user may vary: which facts the what-if search and the decision map change,
the values each may take (read from WorkloadProfile's own field constraints, never
restated here), and the workload's own value of each as the rules see it.
"""

from __future__ import annotations

import math
from typing import Any, get_args

import annotated_types

from .errors import InputError
from .facts import FACTS
from .latency import LatencyEstimate, estimate_latency
from .profile import DEFAULT_PEAK_MINUTES, SHORTHAND_FIELDS, WorkloadProfile
from .validation import closest, finite_number, given, shown
from .value_class import value_class

Value = int | float | str

# current_mode is what runs today, a record rather than a design choice: never varied.
_FIXED = frozenset({"current_mode"})
_VARIABLE = [s for s in FACTS.values() if s.user_controlled and s.name not in _FIXED]
NUMERIC_FACTS: tuple[str, ...] = tuple(s.name for s in _VARIABLE if s.numeric)
CHOICE_FACTS: tuple[str, ...] = tuple(s.name for s in _VARIABLE if s.type == "enum")
VARIABLE_FACTS: tuple[str, ...] = NUMERIC_FACTS + CHOICE_FACTS


@value_class
class FieldRange:
    """The values WorkloadProfile accepts for one numeric field."""

    name: str
    integer: bool
    low: float
    low_open: bool  # True: the low bound itself is not allowed (gt)
    high: float
    high_open: bool

    def contains(self, value: float) -> bool:
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below

    def describe(self) -> str:
        low = f"{'>' if self.low_open else '>='} {shown(self.low)}"
        high = f"{'<' if self.high_open else '<='} {shown(self.high)}"
        kind = "a whole number" if self.integer else "a number"
        return f"{kind} {low} and {high}"


def field_range(name: str) -> FieldRange:
    """Bounds of a numeric profile field, from its pydantic constraints (never duplicated here)."""
    field = WorkloadProfile.model_fields[name]
    types = {t for t in (field.annotation, *get_args(field.annotation)) if t in (int, float)}
    low, low_open, high, high_open = -math.inf, False, math.inf, False
    for item in field.metadata:
        if isinstance(item, annotated_types.Gt):
            low, low_open = _bound(item.gt), True
        elif isinstance(item, annotated_types.Ge):
            low, low_open = _bound(item.ge), False
        elif isinstance(item, annotated_types.Lt):
            high, high_open = _bound(item.lt), True
        elif isinstance(item, annotated_types.Le):
            high, high_open = _bound(item.le), False
    return FieldRange(name, types == {int}, low, low_open, high, high_open)


# Sizes a real request has at least one of: a flip at zero tokens or zero requests is no
# change a workload can make (an embedding has no output tokens to change at all).
_AT_LEAST_ONE = frozenset({"input_tokens", "output_tokens", "requests_per_month"})
# The sizes of one call that share the model's context window.
_IN_CONTEXT = ("input_tokens", "output_tokens", "reasoning_tokens")
# The sizes of one call that share the model's maximum output (one response).
_IN_ONE_RESPONSE = ("output_tokens", "reasoning_tokens")


def realistic_range(
    fact: str, profile: WorkloadProfile, context_window: int | None = None, max_output: int | None = None
) -> FieldRange | None:
    """The values of a numeric answer a workload can really take: the field's bounds, with
    sizes of at least one, a peak never below the monthly average, a request's tokens within
    the model's ``context_window`` (when the price data gives it), and its output and reasoning
    within the model's ``max_output`` tokens for one response (when the provider catalogue
    gives it: no request could return more). None: nothing to vary."""
    rng = field_range(fact)
    if fact == "output_tokens" and profile.output_format == "embedding":
        return None
    if profile.steps is not None and fact in SHORTHAND_FIELDS:
        return None  # a single-call field: a workload with steps changes a step instead
    floor = rng.low
    if fact in _AT_LEAST_ONE:
        floor = max(floor, 1.0)
    if fact == "peak_requests_per_minute":
        # Below the monthly average the peak is clamped to it: nothing can change there.
        floor = max(floor, profile.average_requests_per_minute)
    ceiling, ceiling_open = rng.high, rng.high_open
    # Figures the profile checks against each other stay within each other: the first token
    # within the call's p95, a peak the month holds (as long as the peak lasts).
    minutes = profile.peak_minutes if profile.peak_minutes is not None else DEFAULT_PEAK_MINUTES
    if fact == "model_p95_s" and profile.ttft_s is not None:
        floor = max(floor, profile.ttft_s)
    if fact == "peak_requests_per_minute" and profile.requests_per_month / minutes < ceiling:
        ceiling, ceiling_open = max(profile.requests_per_month / minutes, floor), False
    if fact == "requests_per_month" and profile.peak_requests_per_minute:
        holds = math.ceil(profile.peak_requests_per_minute * minutes)
        holds += profile.peak_requests_per_minute > holds / minutes  # a product rounded down
        floor = max(floor, float(holds))
    if context_window is not None and fact in _IN_CONTEXT:
        # The input, the output and the reasoning of one call share the window: the rest of
        # the request as it is leaves this much (never below the workload's own value).
        others = sum(getattr(profile, name) or 0 for name in _IN_CONTEXT if name != fact)
        room = max(float(context_window - others), float(getattr(profile, fact) or 0), floor)
        if room < ceiling:
            ceiling, ceiling_open = room, False
    if max_output is not None and fact in _IN_ONE_RESPONSE:
        # The visible output and the reasoning of one call share the response's maximum.
        others = sum(getattr(profile, name) or 0 for name in _IN_ONE_RESPONSE if name != fact)
        room = max(float(max_output - others), float(getattr(profile, fact) or 0), floor)
        if room < ceiling:
            ceiling, ceiling_open = room, False
    if floor <= rng.low and ceiling == rng.high:
        return rng
    low_open = rng.low_open if floor <= rng.low else False
    return FieldRange(rng.name, rng.integer, floor, low_open, ceiling, ceiling_open)


def _bound(value: object) -> float:
    # WorkloadProfile bounds its numeric fields with numbers only.
    if not isinstance(value, (int, float)):
        raise TypeError(f"a numeric field's bound must be a number, not {value!r}")
    return float(value)


def check_variable(fact: str, where: str, profile: WorkloadProfile | None = None) -> None:
    """An InputError unless ``fact`` is an answer the workload can vary."""
    if not isinstance(fact, str):  # a list is unhashable: a TypeError at `in` below
        raise InputError(
            f"must be the name of a fact, as text, one of: {', '.join(VARIABLE_FACTS)} (got {type(fact).__name__})",
            source=where,
        )
    if profile is not None and profile.steps is not None and fact in SHORTHAND_FIELDS:
        others = [f for f in VARIABLE_FACTS if f not in SHORTHAND_FIELDS]
        raise InputError(
            f"'{fact}' is a single-call field, and this workload describes its calls as steps; vary one of: "
            f"{', '.join(others)}",
            source=where,
        )
    if fact in VARIABLE_FACTS:
        return
    if fact in FACTS:
        message = f"'{fact}' is not an answer the workload can vary; vary one of: {', '.join(VARIABLE_FACTS)}"
    else:
        close = closest(fact, list(VARIABLE_FACTS))
        hint = f"did you mean '{close[0]}'? " if close else ""
        message = f"unknown fact {fact!r}; {hint}facts: {', '.join(VARIABLE_FACTS)}"
    raise InputError(message, source=where)


def choices(fact: str) -> tuple[str, ...]:
    return FACTS[fact].allowed


def realistic_choices(fact: str, profile: WorkloadProfile) -> tuple[str, ...]:
    """The answers of a choice a workload can really take. An embedding is another product
    (another model, no text to read), not another format of this one: a chat is never asked
    what it would be as an embedding, nor an embedding what it would be as prose."""
    allowed = choices(fact)
    if fact == "output_format":
        embedding = profile.output_format == "embedding"
        return tuple(value for value in allowed if (value == "embedding") == embedding)
    return allowed


def coerce(fact: str, value: Any, where: str = "decision map") -> Value:
    """A value of the fact's own type and range, or an InputError saying what is allowed."""
    if fact in CHOICE_FACTS:
        if value not in choices(fact):
            raise InputError(f"must be one of {', '.join(choices(fact))} (got {value!r})", source=where, field=fact)
        return str(value)
    rng = field_range(fact)
    if not finite_number(value):
        raise InputError(f"must be {rng.describe()} (got {given(value)})", source=where, field=fact)
    if rng.integer and value != int(value):
        raise InputError(f"must be {rng.describe()} (got {value!r})", source=where, field=fact)
    number: int | float = int(value) if rng.integer else float(value)
    if not rng.contains(number):
        raise InputError(f"must be {rng.describe()} (got {shown(number)})", source=where, field=fact)
    return number


def current_value(fact: str, profile: WorkloadProfile, latency: LatencyEstimate | None = None) -> Value:
    """The workload's own value of a variable fact, as the rules see it."""
    if fact == "model_p95_s":  # measured, else the latency model's estimate
        if profile.model_p95_s is not None:
            return profile.model_p95_s
        return (latency or estimate_latency(profile)[0]).per_call_p95_s
    if fact == "peak_requests_per_minute":  # never below the monthly average
        return profile.effective_peak_rpm
    value: Value = getattr(profile, fact)
    return value
