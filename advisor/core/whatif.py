"""What would change the decision: the nearest values of each user-controlled fact at
which the recommended mode flips.

For a number (budget, model p95, chained calls, tool latency, tokens, volume, peak rate)
the search walks away from the workload's value on a log scale (x2, x4, x10, then a decade
at a time) until the engine recommends another mode, then bisects the last step down to
about 1% (1 for whole numbers), below first, then above. For a choice (interaction, output
format, downstream, side effects) every other value the workload can really take is tried
(text and JSON, never the product an embedding is). Every reported value
was itself evaluated: a rounded "nice" value is kept only if it really gives the mode
reported. Points where the rule set excludes every mode count as no flip.
"""

import datetime
import itertools
import math
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

from .errors import InputError, RuleSetError, check_type
from .facts import FACTS
from .figures import duration_unit
from .probe import Decision, ModeProbe
from .profile import MODES, Mode, WorkloadProfile, as_read
from .rules import RuleSet
from .validation import given
from .variables import (
    CHOICE_FACTS,
    NUMERIC_FACTS,
    FieldRange,
    Value,
    current_value,
    realistic_choices,
    realistic_range,
)

# Cumulative steps away from the start; then one decade at a time to the field's bound.
_STEPS = (2.0, 4.0, 10.0)
# Bisect until the two sides are this close (ratio), or 1 apart for whole numbers.
_TOLERANCE = 1.01
# Smallest positive value tried for a real-valued fact (10 ms, 0.01 requests/min).
_FLOAT_FLOOR = 0.01

T = TypeVar("T")


class Change(BaseModel):
    """Setting ``fact`` to ``value`` gives ``new_recommendation`` (found by re-evaluating),
    feasible or not: a change that makes the recommendation miss its contract changes it too."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    fact: str
    value: Any
    new_recommendation: Mode
    because: str
    feasible: bool = True


def what_would_change(
    profile: WorkloadProfile,
    ruleset: RuleSet,
    current: Mode,
    *,
    weights: Mapping[str, float] | None = None,
    price_date: datetime.date | str | None = None,
    probe: ModeProbe | None = None,
    feasible: bool = True,
) -> list[Change]:
    """The nearest flips of ``current`` (the workload's recommendation), found by re-evaluating.
    Only values inside each answer's realistic range count (no request of zero tokens, none
    beyond the model's context window, no output beyond its maximum output where the provider
    catalogue gives it)."""
    check_type(profile, WorkloadProfile, "profile", "a WorkloadProfile, as advisor.load_profile(...) returns")
    check_type(ruleset, RuleSet, "ruleset", "a RuleSet, as advisor.load_rules() returns")
    if current not in MODES:  # a mode of none would "flip" to the workload's own recommendation
        raise InputError(f"must be one of {', '.join(MODES)} (got {given(current)})", field="current")
    profile = as_read(profile)
    probe = probe or ModeProbe(profile, ruleset, weights=weights, price_date=price_date)
    search = _Search(probe, current, feasible)
    changes: list[Change] = []
    # The model's maximum output, where the provider catalogue gives it: no flip beyond it.
    spec = ruleset.catalogue.resolve(profile.provider, profile.model).model if profile.steps is None else None
    max_output = spec.max_output_tokens if spec is not None else None
    for fact in NUMERIC_FACTS:
        rng = realistic_range(fact, profile, probe.base.card.context_window, max_output)
        if rng is None:
            continue
        start = float(current_value(fact, profile, probe.base.latency))
        for direction in (-1, 1):
            found = search.nearest(fact, rng, start, direction)
            if found is not None:
                changes.append(found)
    for fact in CHOICE_FACTS:
        own = getattr(profile, fact)
        for value in realistic_choices(fact, profile):
            if value == own:
                continue
            decision = search.flips(fact, value)
            if decision is not None:
                changes.append(search.change(fact, value, decision))
    return changes


class _Search:
    def __init__(self, probe: ModeProbe, current: Mode, feasible: bool):
        self.probe = probe
        self.current = current
        self.feasible = feasible

    def decide(self, fact: str, value: Value) -> Decision | None:
        try:
            return self.probe.decide({fact: value})
        except RuleSetError:  # every mode excluded here: not a recommendation to report
            return None

    def flips(self, fact: str, value: Value) -> Decision | None:
        decision = self.decide(fact, value)
        if decision is None or (decision.mode, decision.feasible) == (self.current, self.feasible):
            return None
        return decision

    def change(self, fact: str, value: Value, decision: Decision) -> Change:
        because = self.probe.because(decision, self.current, {fact: value})
        return Change(fact=fact, value=value, new_recommendation=decision.mode, because=because,
                      feasible=decision.feasible)

    def nearest(self, fact: str, rng: FieldRange, start: float, direction: int) -> Change | None:
        found = nearest_value(rng, start, direction, lambda value: self.flips(fact, value))
        return None if found is None else self.change(fact, *found)


def nearest_value(
    rng: FieldRange, start: float, direction: int, answers: Callable[[Value], T | None]
) -> tuple[Value, T] | None:
    """The value nearest ``start`` in ``direction`` (-1 down, 1 up) at which ``answers``
    gives something (not None), with what it gives there: a walk on a log scale, a bisection
    of its last step to about 1%, then the roundest value that still answers. Every value
    returned was evaluated. The levers' budget search asks this too, so that a lever and a
    change that reach the same mode name the same value."""
    keep = start
    flip: float | None = None
    for point in _walk(rng, start, direction):
        if not rng.contains(point):  # e.g. an estimated p95 above the field's maximum
            keep = point
            continue
        if answers(_typed(rng, point)) is not None:
            flip = point
            break
        keep = point
    if flip is None:
        return None
    while not _close(rng, keep, flip):
        mid = _middle(rng, keep, flip)
        if mid in (keep, flip):
            break
        if rng.contains(mid) and answers(_typed(rng, mid)) is not None:
            flip = mid
        else:
            keep = mid
    for value in _nice(rng, flip, keep):
        outcome = answers(value)
        if outcome is not None:
            return value, outcome
    raise AssertionError("unreachable: the bisection's flip side was evaluated")  # pragma: no cover


def _typed(rng: FieldRange, value: float) -> Value:
    return int(value) if rng.integer else float(value)


def _walk(rng: FieldRange, start: float, direction: int) -> Iterator[float]:
    """Points ever further from ``start``; the last one is the field's bound (or, when the
    bound itself is excluded, the smallest positive value tried)."""
    small = 1.0 if rng.integer else _FLOAT_FLOOR
    if direction > 0:
        end = math.nextafter(rng.high, -math.inf) if rng.high_open else rng.high
        base = start if start > 0 else small / _STEPS[0]
    else:
        end = max(rng.low, small) if rng.low_open else rng.low
        base = start
    previous = start
    for step in itertools.count():
        factor = _STEPS[step] if step < len(_STEPS) else _STEPS[-1] * 10 ** (step - len(_STEPS) + 1)
        point = base * factor if direction > 0 else base / factor
        if rng.integer:
            point = float(math.ceil(point) if direction > 0 else math.floor(point))
        beyond = point >= end if direction > 0 else (point <= end or point < small)
        if beyond or base == 0:
            if (end - previous) * direction > 0:
                yield end
            return
        if (point - previous) * direction > 0:
            yield point
            previous = point


def _close(rng: FieldRange, a: float, b: float) -> bool:
    lo, hi = min(a, b), max(a, b)
    if rng.integer:
        return hi - lo <= max(1.0, (_TOLERANCE - 1) * lo)
    if lo <= 0:
        return hi <= _FLOAT_FLOOR
    return hi / lo <= _TOLERANCE


def _middle(rng: FieldRange, a: float, b: float) -> float:
    lo, hi = min(a, b), max(a, b)
    mid = math.sqrt(lo * hi) if lo > 0 else (lo + hi) / 2
    return float(round(mid)) if rng.integer else mid


def _nice(rng: FieldRange, flip: float, keep: float) -> Iterator[Value]:
    """Round values near the flip side, strictly short of the keeping side and at most the
    tolerance beyond the flip side, fewest significant digits first; then the flip itself.
    A duration is also rounded in the unit it is read in: 4 days (345,600 s) has one digit
    there, where 350,000 s has two."""
    lo, hi = min(flip, keep), max(flip, keep)
    tried: set[float] = set()
    if flip != 0:
        units = dict.fromkeys((1.0, _shown_unit(rng, flip)))
        for digits in range(1, 7):
            # As round in either unit, a whole number of the unit it is read in first: a
            # budget of 24 h (86,400 s) before 87,000 s (24.2 h), both of two digits, where
            # the line is a 24-hour batch window; otherwise the order above.
            round_here: list[float] = []
            shown = _shown_unit(rng, flip)
            for unit in units:
                quantum = 10.0 ** (math.floor(math.log10(abs(flip / unit))) - digits + 1) * unit
                if rng.integer:
                    quantum = max(1.0, quantum)
                # The multiples of the quantum either side of the flip: towards the keeping
                # side (nearer the current value), then away from it by at most the tolerance.
                inner, outer = (math.ceil, math.floor) if flip == lo else (math.floor, math.ceil)
                for rounding in (inner, outer):
                    candidate = float(f"{rounding(flip / quantum) * quantum:.12g}")  # drop float noise
                    if (
                        candidate in tried
                        or not rng.contains(candidate)
                        or not lo / _TOLERANCE <= candidate <= hi * _TOLERANCE
                        or (candidate - keep) * (flip - keep) <= 0  # on or past the keeping side
                    ):
                        continue
                    tried.add(candidate)
                    round_here.append(candidate)
            for candidate in sorted(round_here, key=lambda value: shown == 1.0 or value % shown != 0):
                yield _typed(rng, candidate)
    if flip not in tried:
        yield _typed(rng, flip)


def _shown_unit(rng: FieldRange, value: float) -> float:
    """The unit a value of the field is read in: a duration (a fact in seconds) in the
    largest unit it reaches, as the records write it, so that a round value reads round (a
    budget of 4 days, not of 350,000 s, which reads 4.05 days); anything else as it is."""
    spec = FACTS.get(rng.name)
    return duration_unit(value) if spec is not None and spec.unit == "s" else 1.0

