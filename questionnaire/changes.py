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


@dataclass(frozen=True)
class Group:
    """The options that lead to the same mode, meeting its contract or not."""

    mode: Mode
    feasible: bool
    options: tuple[Option, ...]


def options(a: Assessment) -> list[Option]:
    """The levers and the single-answer flips, closest first; a flip a lever already makes, once."""
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
            )
        )
    # A flip the levers already offer (the same answers, to the same mode, meeting its contract
    # or not) is offered once, as the lever: it carries the money effect.
    offered = [(o.changes, o.mode, o.feasible) for o in found]
    for change in a.what_would_change:
        if ({change.fact: change.value}, change.new_recommendation, change.feasible) in offered:
            continue
        now = _now(a, change.fact)
        found.append(
            Option(
                changes={change.fact: change.value},
                mode=change.new_recommendation,
                feasible=change.feasible,
                because=plain_because(change.because, a),
                distance=_distance(change.fact, now, change.value),
                label=change_label(words, change.fact, change.value, now),
                lever=False,
            )
        )
    return sorted(found, key=lambda o: o.distance)


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


def first(groups: list[Group], limit: int = 3) -> list[Group]:
    """At most ``limit`` options in all: one from each group in turn, the groups in order,
    so the card shows as many different outcomes as it can."""
    taken: dict[int, list[Option]] = {i: [] for i in range(len(groups))}
    left, depth = limit, 0
    while left > 0:
        added = False
        for i, group in enumerate(groups):
            if left > 0 and depth < len(group.options):
                taken[i].append(group.options[depth])
                left -= 1
                added = True
        if not added:
            break
        depth += 1
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
    """The workload's own answer to a field, as the rules see it where it is one of theirs;
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
    return getattr(a.workload, field, None)


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


def _shown(words: Words, fact: str, value: Any) -> str:
    if value is None:
        return "the default"
    if fact.startswith("steps."):  # a step's field reads as the workload's of that name
        fact = fact.rpartition(".")[2]
    if fact in FACTS or isinstance(value, (int, float)):
        return words.format_fact(fact, value)
    return str(value)


def plain_because(text: str, a: Assessment) -> str:
    """A reason without the rule ids the engine cites in brackets."""
    return Words(a.rules).plain(text)
