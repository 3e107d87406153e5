"""The decision map: the recommended mode over a grid of two facts of one workload.

``decision_map(profile, "latency_budget_s", xs, "requests_per_month", ys)`` re-evaluates
the rule set at every grid point (the app draws it, ``advisor map`` prints it), and
``default_values`` picks a grid a CTO would recognise for any variable fact.
"""

from __future__ import annotations

import datetime
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence, Sized
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from .errors import InputError, RuleSetError
from .probe import ModeProbe
from .profile import Mode, WorkloadProfile, as_read, parse_profile
from .rules import RuleSet, load_rules
from .situation import resituate
from .validation import shown
from .variables import CHOICE_FACTS, Value, check_variable, choices, coerce, current_value, field_range

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



class MapPoint(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)
    x: int | float | str
    y: int | float | str


class DecisionMap(BaseModel):
    """``cells[j][i]`` is the mode recommended at ``x_values[i]``, ``y_values[j]`` (y-major);
    ``feasible[j][i]`` whether it meets its contract there (where none does, the map still
    names the best-scoring allowed mode, as the assessment does, marked not feasible)."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    x_fact: str
    y_fact: str
    x_values: list[int | float | str]
    y_values: list[int | float | str]
    cells: list[list[Mode]]
    feasible: list[list[bool]]
    current: MapPoint  # the workload's own values of x_fact and y_fact
    # The peak each cell was evaluated at where the peak given there (an axis's value, or the
    # workload's) is below that cell's monthly average and was raised to it (docs/cost-model.md):
    # a column labelled 100 a minute at 60M requests a month is the map at 1,389. None: as given.
    raised_peaks: list[list[float | None]] = []

    def mode_at(self, x: Value, y: Value) -> Mode:
        return self.cells[self.y_values.index(y)][self.x_values.index(x)]


def decision_map(
    profile: WorkloadProfile | Mapping[str, Any],
    x_fact: str,
    x_values: Sequence[Value],
    y_fact: str,
    y_values: Sequence[Value],
    *,
    rules: RuleSet | str | Path | None = None,
    weights: Mapping[str, float] | None = None,
    price_date: datetime.date | str | None = None,
) -> DecisionMap:
    """The recommended mode at every (x, y) of the grid; the rest of the workload unchanged."""
    if not isinstance(profile, WorkloadProfile):
        if not isinstance(profile, Mapping):
            raise InputError(f"expected a workload profile or a mapping, got {type(profile).__name__}")
        profile = parse_profile(dict(profile))
    profile = as_read(profile)  # the map's cells are variations of it, read as they are; it is the user's
    check_variable(x_fact, "x", profile)
    check_variable(y_fact, "y", profile)
    for values, where in ((x_values, "x"), (y_values, "y")):
        if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
            # A string would be read a character at a time.
            raise InputError(f"expected a list of values (got {type(values).__name__})", source=where)
    if x_fact == y_fact:
        raise InputError(f"x and y are both '{x_fact}'; a map needs two different facts")
    # At most MAX_POINTS a side, as `advisor map` takes them: 5,000 x 5,000 values were 25 million
    # assessments, hours of work for a chart (and an endless generator never returned).
    asked: dict[str, list[Value]] = {}
    for values, where in ((x_values, "x"), (y_values, "y")):
        asked[where] = list(itertools.islice(values, MAX_POINTS + 1))
        if len(asked[where]) > MAX_POINTS:
            got = f"{len(values):,}" if isinstance(values, Sized) else "more"
            raise InputError(f"at most {MAX_POINTS} values a side (got {got})", source=where)
    xs = [coerce(x_fact, v, "x") for v in asked["x"]]
    ys = [coerce(y_fact, v, "y") for v in asked["y"]]
    if not xs or not ys:
        raise InputError("a decision map needs at least one x value and one y value")
    ruleset = rules if isinstance(rules, RuleSet) else load_rules(rules)
    probe = ModeProbe(profile, ruleset, weights=weights, price_date=price_date)
    cells: list[list[Mode]] = []
    feasible: list[list[bool]] = []
    raised_peaks: list[list[float | None]] = []
    for y in ys:
        # The row's change worked out once, each cell's on top of it (what resituate gives
        # for both changes at once): a budget across a row of volumes prices each volume once.
        row_base = probe.situate({y_fact: y})
        row: list[Mode] = []
        met: list[bool] = []
        raised: list[float | None] = []
        for x in xs:
            situation = resituate(row_base, ruleset, {x_fact: x})
            try:
                decision = probe.decide_situation(situation)
            except RuleSetError as exc:
                where = f"at {x_fact}={shown(x)}, {y_fact}={shown(y)}"
                raise RuleSetError(f"{where}: {exc.message}", source=exc.source) from None
            row.append(decision.mode)
            met.append(decision.feasible)
            given, average = situation.profile.peak_requests_per_minute, situation.profile.average_requests_per_minute
            raised.append(average if given is not None and given < average else None)
        cells.append(row)
        feasible.append(met)
        raised_peaks.append(raised)
    latency = probe.base.latency
    current = MapPoint(x=current_value(x_fact, profile, latency), y=current_value(y_fact, profile, latency))
    return DecisionMap(
        x_fact=x_fact, y_fact=y_fact, x_values=xs, y_values=ys, cells=cells, feasible=feasible, current=current,
        raised_peaks=raised_peaks,
    )


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
        if all(a < b for a, b in itertools.pairwise(points)):
            break
    else:
        # A range a few floating-point steps wide: the interior values strictly between the ends
        # (a rounded one could land on or past an end and push it out).
        points = [float(start), *(v for v in exact if start < v < stop), float(stop)]
    out: list[Value] = []
    last = -math.inf
    for v in points:
        value = float(round(v)) if rng.integer else v
        if rng.contains(value) and value > last:
            out.append(int(value) if rng.integer else value)
            last = value
    return out


def default_values(fact: str, profile: WorkloadProfile | None = None, n: int = DEFAULT_POINTS) -> list[Value]:
    """A sensible grid for one fact: every allowed value of a choice; for a number, a
    recognisable range (taking in the workload's own value), log- or linearly spaced."""
    check_variable(fact, "fact", profile)
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


