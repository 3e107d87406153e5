"""What would change the decision, as the page offers it: the levers (what you control:
the model, the tier, the prompt cache, the budget) and the single answers that flip the
verdict, each in the questions' words, grouped by the mode it leads to and whether that
mode then meets its contract, closest first, ready for a "Try it" button.

Pure functions over an Assessment (no Streamlit): the engine found every change by
re-running the rules; this module only orders and words them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from advisor.core.assessment import Assessment
from advisor.core.facts import FACTS
from advisor.core.levers import model_of_field, unset_words
from advisor.core.profile import Mode
from advisor.core.variables import CHOICE_FACTS, VARIABLE_FACTS, current_value
from advisor.views.formatting import count, money, seconds
from questionnaire.vocabulary import Words, question_label

# A choice (who waits, who consumes the output) changes what the feature is, not how far a
# number moves: it counts as further than any number within a factor of e^3 (about 20x).
_CHOICE_DISTANCE = 3.0
# A number moved more than 100 times (4,500,000 requests a month to 99) is a what-if, not an
# action: the card leaves it out; the details list it.
_ACTION_DISTANCE = math.log(100)
# Two values of one number within a quarter of each other toward one outcome are one change.
_NEAR = math.log(1.25)
# A measured speed: a flip of it is what a measurement would show, not a change anyone makes
# (nobody makes their model slower). Larger is slower, but for the output speed.
_SPEEDS = ("model_p50_s", "model_p95_s", "ttft_s", "output_tokens_per_s")
_FASTER_WHEN_LARGER = ("output_tokens_per_s",)


@dataclass(frozen=True)
class Option:
    """One change a user could make: the answers it sets and what it leads to."""

    changes: dict[str, Any]  # field -> new value, as the workload file spells it (None: back to the default)
    mode: Mode  # the recommendation after the change
    feasible: bool  # whether that mode then meets its contract
    because: str  # why, in plain words (no rule ids)
    distance: float  # how far from today's answers (0: none); sorts closest first
    label: str  # the change in the questions' words: "Latency budget at p95: 2.29 s (now 4.00 s)"
    lever: bool  # a lever (what you control: model, tier, cache, budget) rather than a flip of one answer
    cost_change: float | None = None  # a lever's effect on the monthly cost (USD); None for a flip
    action: bool = True  # something a CTO would do; the card's "Try it" list leaves out the rest
    # A measured speed where the workload has only an estimate: a what-if to measure, never set
    # by "Try it" (the verdict would then say its p95 was measured, and the record would too).
    what_if: bool = False


# Said instead of "Try it" beside a what-if on a measurement.
MEASURE_FIRST = "Measure it first"
MEASURE_FIRST_HELP = (
    "The figure now is an estimate. Measure the call under production load and give what you find under "
    "*Measured model speed* (in the steps: the step's *Measured p95*): trying the figure here would record a "
    "measurement nobody took."
)


@dataclass(frozen=True)
class Group:
    """The options that lead to the same mode, meeting its contract or not."""

    mode: Mode
    feasible: bool
    options: tuple[Option, ...]


def options(a: Assessment) -> list[Option]:
    """The levers and the single-answer flips, closest first; a flip a lever already makes, once;
    a number moved the same way toward the same outcome, once (the lever where there is one)."""
    words = Words(a.rules)
    found = []
    for lever in a.levers:
        money_change = lever.cost_change_usd_per_month
        effect = (
            f", {money(-money_change)} a month less" if money_change < 0
            else f", {money(money_change)} a month more" if money_change > 0 else ""
        )
        found.append(
            Option(
                changes=dict(lever.changes),
                mode=lever.recommendation,
                feasible=lever.feasible,
                because=plain_because(lever.because, a),
                distance=max((_distance(f, _now(a, f), v) for f, v in lever.changes.items()), default=0.0),
                label="; ".join(_lever_label(words, a, lever.changes, f) for f in lever.changes) + effect,
                lever=True,
                cost_change=money_change,
            )
        )
    # A flip the levers already offer (the same answers, to the same mode, meeting its contract
    # or not) is offered once, as the lever: it carries the money effect.
    offered = [(o.changes, o.mode, o.feasible) for o in found]
    for change in a.what_would_change:
        if ({change.fact: change.value}, change.new_recommendation, change.feasible) in offered:
            continue
        now = _now(a, change.fact)
        distance = _distance(change.fact, now, change.value)
        speed = _is_speed(change.fact)
        found.append(
            Option(
                changes={change.fact: change.value},
                mode=change.new_recommendation,
                feasible=change.feasible,
                because=plain_because(change.because, a),
                distance=distance,
                label=(
                    measured_label(words, change.fact, change.value, now, estimated=_estimated(a, change.fact))
                    if speed else change_label(words, change.fact, change.value, now)
                ),
                lever=False,
                action=_within_reach(change.fact, now, change.value)
                and not (speed and _slower(change.fact, now, change.value)),
                what_if=speed and _estimated(a, change.fact),
            )
        )
    return _merged(sorted(found, key=lambda o: o.distance), a)


def _merged(found: list[Option], a: Assessment) -> list[Option]:
    """One option per number moved the same way, to about the same value, toward the same
    outcome: "Peak requests per minute: 1,660" (the flip) and "1,600" (the lever, with its
    money effect) are one change. The lever is kept, as what a CTO acts on; else the closest.
    Values further apart are each their own (a budget just past the hour, where batch is at
    risk, and the provider's 24 h window, which it guarantees); so is every choice."""
    out: list[Option] = []
    for option in found:
        key = _direction(option, a)
        held = next(
            (o for o in out if key is not None and _direction(o, a) == key and _near(o, option)), None
        )
        if held is None:
            out.append(option)
        elif option.lever and not held.lever:
            out[out.index(held)] = option
    return sorted(out, key=lambda o: o.distance)


def _near(one: Option, other: Option) -> bool:
    """Whether two options move the same numbers to within a quarter of each other."""
    return all(
        abs(math.log(max(abs(float(v)), 1e-9) / max(abs(float(other.changes[f])), 1e-9))) <= _NEAR
        for f, v in one.changes.items()
    )


def _direction(option: Option, a: Assessment) -> tuple[Any, ...] | None:
    """The fields an option moves and which way, with where it leads; None where a value is
    not a number moved (a choice, a model, back to the default)."""
    moves = []
    for field, new in sorted(option.changes.items()):
        now = _now(a, field)
        number = (int, float)
        if field in CHOICE_FACTS or isinstance(new, bool) or not isinstance(new, number) or not isinstance(now, number):
            return None
        moves.append((field, (new > now) - (new < now)))
    return (tuple(moves), option.mode, option.feasible)


def _is_speed(field: str) -> bool:
    return field.rpartition(".")[2] in _SPEEDS


def _slower(field: str, now: Any, new: Any) -> bool:
    if not isinstance(now, (int, float)) or not isinstance(new, (int, float)):
        return False
    return new < now if field.rpartition(".")[2] in _FASTER_WHEN_LARGER else new > now


def _estimated(a: Assessment, field: str) -> bool:
    """Whether the workload leaves this speed to the estimate (no measured figure given)."""
    if field.startswith("steps."):
        name, _, part = field[len("steps."):].rpartition(".")
        step = next((s for s in a.workload.steps or () if s.name == name), None)
        return step is None or getattr(step, part, None) is None
    return getattr(a.workload, field, None) is None


def measured_label(words: Words, fact: str, value: Any, now: Any, *, estimated: bool) -> str:
    """A measured speed at which the verdict flips, as a what-if, not a change to make:
    "Measured p95 of one model call: if you measure 4.01 s (now 2.72 s, estimated)"."""
    if value is None or now is None:
        return change_label(words, fact, value, now)
    return (
        f"{question_label(fact)}: if you measure {_shown(words, fact, value)} "
        f"(now {_shown(words, fact, now)}{', estimated' if estimated else ''})"
    )


def card(a: Assessment, limit: int = 3) -> list[Group]:
    """The changes the verdict card offers: actions only, the groups worth its room, at most
    ``limit``, always with the cheapest lever that meets the contract where there is one."""
    found = [o for o in options(a) if o.action]
    groups = useful(a, grouped(a, found))
    if not a.feasible:
        # The record's and the CLI's "what would make it feasible" are the levers that meet the
        # contract (a budget, a faster model at the same cost): the card offers them before the
        # flips of single answers, which a lever a long way off (another model) would sort behind.
        groups = [Group(g.mode, g.feasible, tuple(sorted(g.options, key=lambda o: not (o.lever and o.feasible))))
                  for g in groups]
    return first(groups, limit, keep=cheapest(a, found))


def cheapest(a: Assessment, found: list[Option]) -> Option | None:
    """The lever that meets the contract for the least money a month: any, when the verdict
    misses its contract; one that saves money, when it meets it."""
    levers = [o for o in found if o.lever and o.feasible and o.cost_change is not None]
    if a.feasible:
        levers = [o for o in levers if (o.cost_change or 0.0) < 0]
    return min(levers, key=lambda o: (o.cost_change, o.distance), default=None)


def grouped(a: Assessment, items: list[Option]) -> list[Group]:
    """Options grouped by the mode they lead to and whether it then meets its contract.

    The groups that matter most come first: when the verdict misses its contract, the ways
    to meet it; otherwise the nearest flips to another mode, then what keeps the mode (a
    cheaper lever) or breaks it. Within a group, closest first."""
    groups: dict[tuple[Mode, bool], list[Option]] = {}
    for item in sorted(items, key=lambda o: o.distance):
        groups.setdefault((item.mode, item.feasible), []).append(item)

    def weight(key: tuple[Mode, bool]) -> tuple[int, float]:
        mode, feasible = key
        closest = groups[key][0].distance
        if not a.feasible:  # the ways to meet the contract first
            return (0 if feasible else 2, closest)
        if mode != a.recommendation:  # another mode that would meet its contract
            return (0 if feasible else 3, closest)
        return (1 if feasible else 2, closest)  # the same mode for less, then what would break it

    return [Group(mode, feasible, tuple(groups[(mode, feasible)])) for mode, feasible in sorted(groups, key=weight)]


def useful(a: Assessment, groups: list[Group]) -> list[Group]:
    """The groups worth the card's room: a verdict that misses its contract shows the ways
    to meet it; one that meets it leaves out the flips to another mode that would miss its
    own (the full list, in the details, has them)."""
    if not a.feasible:
        return [g for g in groups if g.feasible]
    return [g for g in groups if g.feasible or g.mode == a.recommendation]


def first(groups: list[Group], limit: int = 3, keep: Option | None = None) -> list[Group]:
    """At most ``limit`` options in all: one from each group in turn, the groups in order,
    so the card shows as many different outcomes as it can. ``keep``, where a group holds it,
    is among them: in place of the last one taken if there is no room."""
    taken: dict[int, list[Option]] = {i: [] for i in range(len(groups))}
    order: list[tuple[int, Option]] = []
    left, depth = limit, 0
    while left > 0:
        added = False
        for i, group in enumerate(groups):
            if left > 0 and depth < len(group.options):
                taken[i].append(group.options[depth])
                order.append((i, group.options[depth]))
                left -= 1
                added = True
        if not added:
            break
        depth += 1
    home = next((i for i, g in enumerate(groups) if any(o is keep for o in g.options)), None)
    if keep is not None and home is not None and not any(o is keep for _, o in order):
        if len(order) >= limit:
            i, dropped = order.pop()
            taken[i] = [o for o in taken[i] if o is not dropped]
        place = [id(o) for o in groups[home].options]
        taken[home] = sorted([*taken[home], keep], key=lambda o: place.index(id(o)))
    return [Group(g.mode, g.feasible, tuple(taken[i])) for i, g in enumerate(groups) if taken[i]]


def group_title(words: Words, a: Assessment, group: Group) -> str:
    """"Streaming response"; "Synchronous call, meeting its contract"; "Asynchronous job,
    missing its contract"; "Still synchronous call" (a lever that keeps the verdict)."""
    name = words.mode(group.mode)
    if group.mode == a.recommendation:
        if group.feasible and not a.feasible:
            return f"{name}, meeting its contract"
        if group.feasible:
            return f"Still {name[0].lower()}{name[1:]}"
    return name if group.feasible else f"{name}, missing its contract"


def _now(a: Assessment, field: str) -> Any:
    """The workload's own answer to a field, as the rules see it where it is one of theirs
    (an account tier left blank, the provider's default the limits were read at: "tier-1", not
    "the default");
    a step's field (steps.<name>.<field>) as the step gives it, its model the workload's
    where the step leaves it blank."""
    if field.startswith("steps."):
        name, _, part = field[len("steps."):].rpartition(".")
        step = next((s for s in a.workload.steps or () if s.name == name), None)
        value = getattr(step, part, None) if step is not None else None
        if value is None and part in ("model", "provider"):
            value = getattr(a.workload, part)
        return value
    if field in VARIABLE_FACTS:
        return current_value(field, a.workload, a.latency)
    if field == "tier" and a.workload.tier is None:  # left blank: the provider's default, as the form names it
        return a.capacity.tier
    return getattr(a.workload, field, None)


def _within_reach(fact: str, now: Any, new: Any) -> bool:
    """Whether a flip is a change to make: within 100 times of today's number. A number from
    nothing (no tool time to 8 h, where a batch verdict breaks) is further than any ratio; it
    sorts as a long way (``_distance``), but it is a what-if, as a move of over 100 times is."""
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (now, new))
    if fact not in CHOICE_FACTS and numbers and now == 0 and new != 0:
        return False
    return _distance(fact, now, new) <= _ACTION_DISTANCE


def _distance(fact: str, now: Any, new: Any) -> float:
    if fact in CHOICE_FACTS or isinstance(new, str) or new is None or now is None:
        return _CHOICE_DISTANCE
    low, high = sorted((abs(float(now)), abs(float(new))))
    if low == high:
        return 0.0
    if low == 0:  # from nothing to something (no tool time to 1.7 s): a long way
        return _CHOICE_DISTANCE
    return math.log(high / low)


def change_label(words: Words, fact: str, value: Any, now: Any) -> str:
    """"Latency budget at p95: 2.29 s (now 4.00 s)"; "Who waits for the answer: Chat (now
    Click and wait)"; "Model: gpt-4o-mini (now gpt-4o)"."""
    question = question_label(fact)
    if words.choices(fact) is not None:
        return f"{question}: {words.short_choice(fact, value)} (now {words.short_choice(fact, now)})"
    if value is None:
        return f"{question}: the default (now {_shown(words, fact, now)})"
    return f"{question}: {_shown(words, fact, value)} (now {_shown(words, fact, now)})"


# What a lever sets for a model with no measured speed (advisor.core.levers), in words.
_JUDGED_AT = {"ttft_s": "first token", "output_tokens_per_s": "output speed"}


def _lever_label(words: Words, a: Assessment, changes: dict[str, Any], fact: str) -> str:
    """A lever's change of one answer; a measurement of the model it replaces, left out,
    says what is used instead: "Measured p95: estimated at the slow end of the published
    range (now 30 s)"."""
    now = _now(a, fact)
    name = fact.rpartition(".")[2]
    if changes[fact] is not None and now is None and name in _JUDGED_AT:
        # A model with no measured speed, judged at the measured one's of the model it replaces.
        replaced = model_of_field(a.workload, fact)[1]
        value = changes[fact]
        said = seconds(value) if name == "ttft_s" else f"{count(value)} tokens/s"
        return f"{question_label(fact)}: {said}, {replaced}'s measured {_JUDGED_AT[name]} (the new model has none)"
    if changes[fact] is not None:
        return change_label(words, fact, changes[fact], now)
    used = unset_words(a.rules.catalogue, a.workload, changes, fact)
    return f"{question_label(fact)}: {used} (now {_shown(words, fact, now)})"


# A lever's answers in seconds that are no fact of the rules ("Time to first token: 4.18 (now 4.171)").
_SECONDS = frozenset({"model_p50_s", "ttft_s"})


def _shown(words: Words, fact: str, value: Any) -> str:
    if value is None:
        return "the default"
    if fact.startswith("steps."):  # a step's field reads as the workload's of that name
        fact = fact.rpartition(".")[2]
    if fact in _SECONDS and isinstance(value, (int, float)):  # measured times no rule reads: not facts
        return seconds(float(value))
    if fact in FACTS or isinstance(value, (int, float)):
        return words.format_fact(fact, value)
    return str(value)


def plain_because(text: str, a: Assessment) -> str:
    """A reason without the rule ids the engine cites in brackets."""
    return Words(a.rules).plain(text)
