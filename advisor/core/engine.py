"""The rule engine: evaluate a compiled rule set over facts, score and rank the modes.

Scoring: each fired rule adds its per-mode scores to its axis; a mode's total is the
weighted sum of its axis scores. Hard constraints (``exclude``/``require``) remove modes
whatever they score. The best-scoring mode that is not excluded is recommended; ties go
to the simpler mode in the rule set's ``tie_break`` order.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from .conditions import ConditionResult
from .errors import InputError, RuleSetError
from .profile import MODES, Mode
from .rules import Rule, RuleSet, weights_problem


class RuleOutcome(NamedTuple):
    rule: Rule
    fired: bool
    conditions: list[ConditionResult]


@dataclass(frozen=True)
class Evaluation:
    ruleset: RuleSet
    fired_flags: tuple[bool, ...]  # per rule, in rule-set order
    weights: dict[str, float]
    axis_scores: dict[Mode, dict[str, float]]  # mode -> axis -> score
    totals: dict[Mode, float]
    excluded: dict[Mode, tuple[str, ...]]  # mode -> ids of the rules that excluded it
    order: tuple[Mode, ...]  # all modes, best first; excluded modes last
    recommendation: Mode
    decided_by: tuple[str, ...]  # rule ids, most decisive first
    # The raw trace: each shared condition's actual value and result, and the own trace of
    # each rule evaluated by its closure. Expanded per rule only when someone asks.
    leaf_actuals: list[Any]
    leaf_passed: list[bool]
    own_traces: dict[int, list[ConditionResult]]

    @functools.cached_property
    def outcomes(self) -> tuple[RuleOutcome, ...]:
        """Every rule, whether it fired, and each condition: (fact, op, actual, threshold, passed)."""
        leaves, plan = self.ruleset.leaf_plan
        outcomes = []
        for i, (rule, ids) in enumerate(zip(self.ruleset.rules, plan, strict=True)):
            if ids is None:
                trace = self.own_traces[i]
            else:
                trace = [
                    (leaves[j][0], leaves[j][1], self.leaf_actuals[j], leaves[j][4], self.leaf_passed[j]) for j in ids
                ]
            outcomes.append(RuleOutcome(rule, self.fired_flags[i], trace))
        return tuple(outcomes)

    @property
    def fired(self) -> tuple[Rule, ...]:
        return tuple(rule for rule, fired in zip(self.ruleset.rules, self.fired_flags, strict=True) if fired)


def evaluate_rule(rule: Rule, facts: Mapping[str, Any]) -> RuleOutcome:
    """Evaluate one rule with its full condition trace."""
    out: list[ConditionResult] = []
    return RuleOutcome(rule, rule.check(facts, out), out)


def _fire(
    ruleset: RuleSet, facts: Mapping[str, Any]
) -> tuple[list[Any], list[bool], list[bool], dict[int, list[ConditionResult]]]:
    """Which rules fire: each distinct condition is tested once (rules share them), then each
    rule fires when none of its conditions failed. Returns the conditions' actual values and
    results, the rules' flags, and the own trace of rules evaluated by their closure."""
    leaves, plan = ruleset.leaf_plan
    get = facts.get
    actuals = [get(leaf[0]) for leaf in leaves]
    passed = [a is not None and leaf[2](a, leaf[3]) for leaf, a in zip(leaves, actuals, strict=True)]
    failing = {i for i, ok in enumerate(passed) if not ok}
    own_traces: dict[int, list[ConditionResult]] = {}
    rules = ruleset.rules

    def own_closure(i: int) -> bool:  # a rule with any/not/fact references traces itself
        out: list[ConditionResult] = []
        own_traces[i] = out
        return rules[i].check(facts, out)

    flags = [failing.isdisjoint(ids) if ids is not None else own_closure(i) for i, ids in enumerate(plan)]
    return actuals, passed, flags, own_traces


def fired_flags(ruleset: RuleSet, facts: Mapping[str, Any]) -> tuple[bool, ...]:
    """Whether each rule fires, in rule-set order (the ranking depends on nothing else)."""
    return tuple(_fire(ruleset, facts)[2])


def evaluate(
    ruleset: RuleSet, facts: Mapping[str, Any], weights: Mapping[str, float] | None = None
) -> Evaluation:
    axes = ruleset.axis_ids
    w = dict(ruleset.weights)
    if weights:
        unknown = set(weights) - set(w)
        if unknown:
            raise InputError(
                f"unknown axis in weights: {', '.join(sorted(unknown))}; axes: {', '.join(axes)}", field="weights"
            )
        w.update(weights)
        if (problem := weights_problem(w)) is not None:
            raise InputError(problem, field="weights")

    actuals, passed, flags, own_traces = _fire(ruleset, facts)
    rules = ruleset.rules
    fired = [rule for rule, flag in zip(rules, flags, strict=True) if flag]

    axis_scores = {mode: dict.fromkeys(axes, 0.0) for mode in MODES}
    excluded: dict[Mode, list[str]] = {}
    for rule in fired:
        axis = rule.axis
        for mode, score in rule.scores:
            axis_scores[mode][axis] += score
        for mode in rule.excludes:
            excluded.setdefault(mode, []).append(rule.id)

    weight_vector = [w[a] for a in axes]
    totals = {mode: sum(map(operator.mul, weight_vector, axis_scores[mode].values())) for mode in MODES}
    tie = ruleset.tie_rank
    allowed = [m for m in MODES if m not in excluded]
    if not allowed:
        culprits = sorted({rid for ids in excluded.values() for rid in ids})
        raise RuleSetError(
            f"the rule set excludes every mode for this workload (rules {', '.join(culprits)}); "
            "its hard constraints contradict each other",
            source=ruleset.path,
        )
    # Allowed modes first, best total first (rounded: float noise never reorders equal
    # scores), then the rule set's tie-break order.
    rank_key = {m: (m in excluded, -round(totals[m], 9), tie[m]) for m in MODES}
    order = tuple(sorted(MODES, key=rank_key.__getitem__))
    recommendation = order[0]
    fired_flags = tuple(flags)
    decided_by = _decisive_rules(fired, w, recommendation, order, totals, excluded)
    return Evaluation(
        ruleset=ruleset,
        fired_flags=fired_flags,
        weights=w,
        axis_scores=axis_scores,
        totals=totals,
        excluded={m: tuple(ids) for m, ids in excluded.items()},
        order=order,
        recommendation=recommendation,
        decided_by=decided_by,
        leaf_actuals=actuals,
        leaf_passed=passed,
        own_traces=own_traces,
    )


def _decisive_rules(
    fired: list[Rule],
    weights: dict[str, float],
    winner: Mode,
    order: tuple[Mode, ...],
    totals: dict[Mode, float],
    excluded: dict[Mode, list[str]],
) -> tuple[str, ...]:
    """The rules that made the winner win.

    First the hard constraints that removed a mode scoring at least as well as the winner,
    then the rules whose weighted scores put the winner ahead of the runner-up, by margin.
    """
    decisive: list[str] = []
    for mode, ids in excluded.items():
        if totals[mode] >= totals[winner]:
            decisive.extend(i for i in ids if i not in decisive)
    allowed = [m for m in order if m not in excluded]
    runner_up = allowed[1] if len(allowed) > 1 else None
    margins: list[tuple[float, int, str]] = []
    for index, rule in enumerate(fired):
        if not rule.scores:
            continue
        scores = dict(rule.scores)
        margin = scores.get(winner, 0.0) - (scores.get(runner_up, 0.0) if runner_up else 0.0)
        margin *= weights[rule.axis]
        if margin > 0:
            margins.append((-margin, index, rule.id))
    for _, _, rule_id in sorted(margins):
        if rule_id not in decisive:
            decisive.append(rule_id)
    return tuple(decisive)
