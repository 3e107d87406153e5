"""The rule engine: evaluate a compiled rule set over facts, score and rank the modes.

Scoring: each fired rule adds its per-mode scores to its axis; a mode's total is the
weighted sum of its axis scores. Hard constraints (``exclude``/``require``) remove modes
whatever they score. The best-scoring mode that is not excluded is recommended; ties go
to the simpler mode in the rule set's ``tie_break`` order.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any, Mapping, NamedTuple

from .errors import RuleSetError
from .profile import MODES
from .rules import ConditionResult, Rule, RuleSet


class RuleOutcome(NamedTuple):
    rule: Rule
    fired: bool
    conditions: list[ConditionResult]


@dataclass(frozen=True)
class Evaluation:
    results: list[tuple[Rule, bool, list[ConditionResult]]]  # raw (rule, fired, trace), rule-set order
    weights: dict[str, float]
    axis_scores: dict[str, dict[str, float]]  # mode -> axis -> score
    totals: dict[str, float]
    excluded: dict[str, tuple[str, ...]]  # mode -> ids of the rules that excluded it
    order: tuple[str, ...]  # all modes, best first; excluded modes last
    recommendation: str
    decided_by: tuple[str, ...]  # rule ids, most decisive first

    @property
    def outcomes(self) -> tuple[RuleOutcome, ...]:
        return tuple(RuleOutcome(*result) for result in self.results)

    @property
    def fired(self) -> tuple[Rule, ...]:
        return tuple(rule for rule, fired, _ in self.results if fired)


def evaluate_rule(rule: Rule, facts: Mapping[str, Any]) -> RuleOutcome:
    """Evaluate one rule with its full condition trace."""
    out: list[ConditionResult] = []
    return RuleOutcome(rule, rule.check(facts, out), out)  # type: ignore[arg-type]


def evaluate(
    ruleset: RuleSet, facts: Mapping[str, Any], weights: Mapping[str, float] | None = None
) -> Evaluation:
    axes = ruleset.axis_ids
    w = dict(ruleset.weights)
    if weights:
        unknown = set(weights) - set(w)
        if unknown:
            raise RuleSetError(f"unknown axis in weights: {', '.join(sorted(unknown))}; axes: {', '.join(axes)}")
        w.update(weights)

    axis_scores = {mode: dict.fromkeys(axes, 0.0) for mode in MODES}
    excluded: dict[str, list[str]] = {}
    results = []
    for rule in ruleset.rules:
        out: list[ConditionResult] = []
        fired = rule.check(facts, out)  # type: ignore[arg-type]
        results.append((rule, fired, out))  # plain tuples: this loop is the hot path
        if fired:
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
    # Round totals for ranking so float noise never reorders equal scores.
    def key(mode: str) -> tuple[float, int]:
        return (-round(totals[mode], 9), tie[mode])

    order = tuple(sorted(allowed, key=key) + sorted((m for m in MODES if m in excluded), key=key))
    recommendation = order[0]
    decided_by = _decisive_rules(results, w, recommendation, order, totals, excluded)
    return Evaluation(
        results=results,
        weights=w,
        axis_scores=axis_scores,
        totals=totals,
        excluded={m: tuple(ids) for m, ids in excluded.items()},
        order=order,
        recommendation=recommendation,
        decided_by=decided_by,
    )


def _decisive_rules(
    results: list[tuple[Rule, bool, list[ConditionResult]]],
    weights: dict[str, float],
    winner: str,
    order: tuple[str, ...],
    totals: dict[str, float],
    excluded: dict[str, list[str]],
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
    for index, (rule, fired, _) in enumerate(results):
        if not fired or not rule.scores:
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
