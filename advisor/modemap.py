"""The decision map: the recommended mode over a grid of two facts of one workload.

``decision_map(profile, "latency_budget_s", xs, "requests_per_month", ys)`` re-evaluates
the rule set at every grid point (the app draws it, ``advisor map`` prints it). It is
also home to what a map and the what-if search share: the facts a user may vary, their
allowed ranges (read from WorkloadProfile's own field constraints) and ``ModeProbe``,
which asks the engine for the mode of a modified profile as cheaply as it can.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import difflib
import io
import math
import sys
from dataclasses import dataclass
from typing import Any, Mapping, NamedTuple, Sequence, get_args

import annotated_types
from pydantic import BaseModel, ConfigDict

from .assessment import situate, today
from .engine import evaluate, fired_flags
from .errors import InputError, RuleSetError
from .facts import FACTS
from .latency import LatencyEstimate, estimate_latency
from .profile import Mode, WorkloadProfile, load_profile
from .rules import RuleSet, load_rules

Value = int | float | str

# -- the facts a user may vary --------------------------------------------------------

# current_mode is what runs today, a record rather than a design choice: never varied.
_FIXED = frozenset({"current_mode"})
_VARIABLE = [s for s in FACTS.values() if s.user_controlled and s.name not in _FIXED]
NUMERIC_FACTS: tuple[str, ...] = tuple(s.name for s in _VARIABLE if s.numeric)
CHOICE_FACTS: tuple[str, ...] = tuple(s.name for s in _VARIABLE if s.type == "enum")
VARIABLE_FACTS: tuple[str, ...] = NUMERIC_FACTS + CHOICE_FACTS

# Log spacing where a fact spans orders of magnitude; linear for small counts and
# for facts whose natural value is zero (no tools).
_LINEAR = frozenset({"chained_calls", "tool_latency_s"})

# Default grid of each numeric fact: a range a CTO would recognise (widened to take in
# the workload's own value). Clamped to the field's bounds below.
_DEFAULT_SPAN: dict[str, tuple[float, float]] = {
    "latency_budget_s": (0.5, 86_400.0),  # half a second to a day
    "chained_calls": (1, 10),
    "tool_latency_s": (0.0, 30.0),
    "model_p95_s": (0.2, 600.0),
    "input_tokens": (100, 1_000_000),
    "output_tokens": (10, 100_000),
    "requests_per_month": (100, 100_000_000),
    "peak_requests_per_minute": (0.1, 100_000.0),
}
DEFAULT_POINTS = 25
MIN_POINTS, MAX_POINTS = 2, 200


@dataclass(frozen=True)
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
        low = f"{'>' if self.low_open else '>='} {_show(self.low)}"
        high = f"{'<' if self.high_open else '<='} {_show(self.high)}"
        kind = "a whole number" if self.integer else "a number"
        return f"{kind} {low} and {high}"


def field_range(name: str) -> FieldRange:
    """Bounds of a numeric profile field, from its pydantic constraints (never duplicated here)."""
    field = WorkloadProfile.model_fields[name]
    types = {t for t in (field.annotation, *get_args(field.annotation)) if t in (int, float)}
    low, low_open, high, high_open = -math.inf, False, math.inf, False
    for item in field.metadata:
        if isinstance(item, annotated_types.Gt):
            low, low_open = float(item.gt), True
        elif isinstance(item, annotated_types.Ge):
            low, low_open = float(item.ge), False
        elif isinstance(item, annotated_types.Lt):
            high, high_open = float(item.lt), True
        elif isinstance(item, annotated_types.Le):
            high, high_open = float(item.le), False
    return FieldRange(name, types == {int}, low, low_open, high, high_open)


def choices(fact: str) -> tuple[str, ...]:
    return FACTS[fact].allowed


def _show(value: Value) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}" if abs(value) >= 10_000 else str(int(value))
    return str(value)


def coerce(fact: str, value: Any, where: str = "decision map") -> Value:
    """A value of the fact's own type and range, or an InputError saying what is allowed."""
    if fact in CHOICE_FACTS:
        if value not in choices(fact):
            raise InputError(f"must be one of {', '.join(choices(fact))} (got {value!r})", source=where, field=fact)
        return str(value)
    rng = field_range(fact)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputError(f"must be {rng.describe()} (got {value!r})", source=where, field=fact)
    if rng.integer:
        if value != int(value):
            raise InputError(f"must be {rng.describe()} (got {value!r})", source=where, field=fact)
        value = int(value)
    else:
        value = float(value)
    if not rng.contains(value):
        raise InputError(f"must be {rng.describe()} (got {_show(value)})", source=where, field=fact)
    return value


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


# -- asking the engine ----------------------------------------------------------------


class Decision(NamedTuple):
    mode: Mode
    decided_by: tuple[str, ...]
    excluded: dict[str, tuple[str, ...]]  # mode -> ids of the rules that excluded it


class ModeProbe:
    """The recommended mode of one workload with some facts changed.

    Each probe situates the modified profile (latency, prices, costs, capacity) and runs
    every rule's compiled condition. The engine's ranking depends only on which rules
    fired, so ``evaluate`` runs once per distinct set of fired rules and is reused.
    """

    def __init__(
        self,
        profile: WorkloadProfile,
        ruleset: RuleSet,
        *,
        weights: Mapping[str, float] | None = None,
        price_date: datetime.date | None = None,
    ):
        self.profile = profile
        self.ruleset = ruleset
        self.weights = dict(weights) if weights else None
        self.price_date = price_date or today()
        self.base = situate(profile, self.price_date)
        self._decisions: dict[tuple[bool, ...], Decision] = {}
        self.evaluations = 0  # situate + rule checks run (for benchmarks)

    def decide(self, changes: Mapping[str, Value]) -> Decision:
        """The decision with ``changes`` applied; RuleSetError if every mode is excluded there."""
        profile = self.profile.model_copy(update=dict(changes)) if changes else self.profile
        facts = situate(profile, self.price_date).facts
        self.evaluations += 1
        fired = fired_flags(self.ruleset, facts)
        decision = self._decisions.get(fired)
        if decision is None:
            evaluation = evaluate(self.ruleset, facts, self.weights)
            decision = Decision(evaluation.recommendation, evaluation.decided_by, evaluation.excluded)  # type: ignore[arg-type]
            self._decisions[fired] = decision
        return decision

    def because(self, decision: Decision, previous: str | None = None) -> str:
        """One sentence naming the rule that decides ``decision``: the rule that rules out
        the previous mode when there is one, else the most decisive rule for the new one."""
        modes = self.ruleset.header.modes
        if previous is not None and previous in decision.excluded:
            rule = self.ruleset.rule(decision.excluded[previous][0]).spec
            return f"{modes[previous].name} is ruled out: {rule.title.rstrip('.')} ({rule.id})."
        if not decision.decided_by:
            return f"{modes[decision.mode].name} scores highest with no rule against it."
        rule = self.ruleset.rule(decision.decided_by[0]).spec
        return f"{rule.title.rstrip('.')} ({rule.id})."


# -- the map --------------------------------------------------------------------------


class MapPoint(BaseModel):
    model_config = ConfigDict(frozen=True)
    x: int | float | str
    y: int | float | str


class DecisionMap(BaseModel):
    """``cells[j][i]`` is the mode recommended at ``x_values[i]``, ``y_values[j]`` (y-major)."""

    model_config = ConfigDict(frozen=True)
    x_fact: str
    y_fact: str
    x_values: list[int | float | str]
    y_values: list[int | float | str]
    cells: list[list[Mode]]
    current: MapPoint  # the workload's own values of x_fact and y_fact

    def mode_at(self, x: Value, y: Value) -> Mode:
        return self.cells[self.y_values.index(y)][self.x_values.index(x)]


def _check_fact(fact: str, where: str) -> None:
    if fact in VARIABLE_FACTS:
        return
    if fact in FACTS:
        message = f"'{fact}' is not an answer the workload can vary; vary one of: {', '.join(VARIABLE_FACTS)}"
    else:
        close = difflib.get_close_matches(fact, VARIABLE_FACTS, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'? " if close else ""
        message = f"unknown fact '{fact}'; {hint}facts: {', '.join(VARIABLE_FACTS)}"
    raise InputError(message, source=where)


def decision_map(
    profile: WorkloadProfile | Mapping[str, Any],
    x_fact: str,
    x_values: Sequence[Value],
    y_fact: str,
    y_values: Sequence[Value],
    *,
    rules: RuleSet | str | None = None,
    weights: Mapping[str, float] | None = None,
    price_date: datetime.date | None = None,
) -> DecisionMap:
    """The recommended mode at every (x, y) of the grid; the rest of the workload unchanged."""
    from .profile import parse_profile

    profile = parse_profile(profile if isinstance(profile, WorkloadProfile) else dict(profile))
    _check_fact(x_fact, "x")
    _check_fact(y_fact, "y")
    if x_fact == y_fact:
        raise InputError(f"x and y are both '{x_fact}'; a map needs two different facts")
    xs = [coerce(x_fact, v, "x") for v in x_values]
    ys = [coerce(y_fact, v, "y") for v in y_values]
    if not xs or not ys:
        raise InputError("a decision map needs at least one x value and one y value")
    ruleset = rules if isinstance(rules, RuleSet) else load_rules(rules)
    probe = ModeProbe(profile, ruleset, weights=weights, price_date=price_date)
    cells: list[list[Mode]] = []
    for y in ys:
        row: list[Mode] = []
        for x in xs:
            try:
                row.append(probe.decide({x_fact: x, y_fact: y}).mode)
            except RuleSetError as exc:
                where = f"at {x_fact}={_show(x)}, {y_fact}={_show(y)}"
                raise RuleSetError(f"{where}: {exc.message}", source=exc.source) from None
        cells.append(row)
    latency = probe.base.latency
    current = MapPoint(x=current_value(x_fact, profile, latency), y=current_value(y_fact, profile, latency))
    return DecisionMap(x_fact=x_fact, y_fact=y_fact, x_values=xs, y_values=ys, cells=cells, current=current)


# -- grids ----------------------------------------------------------------------------


def _round_sig(value: float, digits: int) -> float:
    return float(f"{value:.{digits}g}")


def spaced_values(fact: str, start: float, stop: float, n: int) -> list[Value]:
    """``n`` values from start to stop (both kept exact): log-spaced for budgets, volumes and
    tokens when start > 0, else linear. Interior values are rounded to the fewest significant
    digits (3 or more) that keep them distinct and in order; whole-number facts drop the
    duplicates rounding to integers makes."""
    rng = field_range(fact)
    log = fact not in _LINEAR and start > 0
    exact: list[float] = []
    for i in range(1, n - 1):
        t = i / (n - 1)
        if log:
            exact.append(math.exp(math.log(start) + t * (math.log(stop) - math.log(start))))
        else:
            exact.append(start + t * (stop - start))
    for digits in range(3, 17):
        inner = [_round_sig(v, digits) for v in exact]
        points = [float(start), *inner, float(stop)]
        if all(a < b for a, b in zip(points, points[1:])):
            break
    out: list[Value] = []
    for v in points:
        value: Value = int(round(v)) if rng.integer else v
        if rng.contains(value) and (not out or value > out[-1]):  # type: ignore[operator]
            out.append(value)
    return out


def default_values(fact: str, profile: WorkloadProfile | None = None, n: int = DEFAULT_POINTS) -> list[Value]:
    """A sensible grid for one fact: every allowed value of a choice; for a number, a
    recognisable range (taking in the workload's own value), log- or linearly spaced."""
    _check_fact(fact, "fact")
    if fact in CHOICE_FACTS:
        return list(choices(fact))
    rng = field_range(fact)
    start, stop = _DEFAULT_SPAN[fact]
    if profile is not None:
        own = float(current_value(fact, profile))
        if own > 0 or fact in _LINEAR:
            start, stop = min(start, own), max(stop, own)
    # Within the field's bounds (an estimated p95 can lie above model_p95_s's maximum).
    start, stop = max(start, rng.low), min(stop, rng.high)
    if rng.integer and fact in _LINEAR:
        n = min(n, int(stop - start) + 1)  # one column per whole number at most
    return spaced_values(fact, start, stop, max(n, MIN_POINTS))


# -- the command ----------------------------------------------------------------------

AXIS_FORMAT = "FACT or FACT=START:STOP:N, e.g. latency_budget_s=1:3600:20"


def parse_axis(spec: str, profile: WorkloadProfile, option: str) -> tuple[str, list[Value]]:
    """``FACT`` (its default grid) or ``FACT=START:STOP:N``; InputError naming the option otherwise."""
    name, sep, spread = spec.partition("=")
    fact = name.strip()
    _check_fact(fact, option)
    if not sep:
        return fact, default_values(fact, profile)
    if fact in CHOICE_FACTS:
        raise InputError(
            f"'{fact}' is a choice ({', '.join(choices(fact))}); give it without a range", source=option
        )
    parts = spread.split(":")
    if len(parts) != 3:
        raise InputError(f"expected {AXIS_FORMAT} (got {spec!r})", source=option)
    rng = field_range(fact)
    bounds: list[float] = []
    for label, text in zip(("START", "STOP"), parts[:2]):
        try:
            number = float(text)
        except ValueError:
            message = f"{label} must be a number (got {text!r}); expected {AXIS_FORMAT}"
            raise InputError(message, source=option) from None
        if not math.isfinite(number) or not rng.contains(number) or (rng.integer and number != int(number)):
            raise InputError(f"{label} of {fact} must be {rng.describe()} (got {text.strip()})", source=option)
        bounds.append(number)
    try:
        n = int(parts[2])
    except ValueError:
        raise InputError(f"N must be a whole number of points (got {parts[2]!r})", source=option) from None
    if not MIN_POINTS <= n <= MAX_POINTS:
        raise InputError(f"N must be between {MIN_POINTS} and {MAX_POINTS} points (got {n})", source=option)
    start, stop = bounds
    if start >= stop:
        raise InputError(f"START must be below STOP (got {parts[0]}:{parts[1]})", source=option)
    return fact, spaced_values(fact, start, stop, n)


def _cell(value: Value) -> str:
    return value if isinstance(value, str) else repr(value)


def render_csv(result: DecisionMap) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["y\\x", *(_cell(x) for x in result.x_values)])
    for y, row in zip(result.y_values, result.cells):
        writer.writerow([_cell(y), *row])
    return out.getvalue()


def cmd_map(args: argparse.Namespace) -> int:
    from .cli import about_file, dump_json

    profile = load_profile(args.file)
    ruleset = load_rules(args.rules)
    x_fact, xs = parse_axis(args.x, profile, "--x")
    y_fact, ys = parse_axis(args.y, profile, "--y")
    if x_fact == y_fact:
        raise InputError(f"--x and --y both vary '{x_fact}'; a map needs two different facts")
    with about_file(args.file):
        result = decision_map(profile, x_fact, xs, y_fact, ys, rules=ruleset, price_date=args.price_date)
    if args.format == "json":
        sys.stdout.write(dump_json(result.model_dump(mode="json")))
    else:
        sys.stdout.write(render_csv(result))
    return 0


__all__ = [
    "CHOICE_FACTS",
    "NUMERIC_FACTS",
    "VARIABLE_FACTS",
    "Decision",
    "DecisionMap",
    "FieldRange",
    "MapPoint",
    "ModeProbe",
    "cmd_map",
    "decision_map",
    "default_values",
    "field_range",
    "parse_axis",
    "spaced_values",
]
