"""The rule engine: evaluate a compiled rule set over facts, score and rank the modes.

Scoring: each fired rule adds its per-mode scores to its axis; a mode's total is the
weighted sum of its axis scores. Hard constraints (``exclude``/``require``) remove modes
whatever they score: the policy says they are the wrong contract. A mode may also be
*unmet*: the right contract, but this workload's numbers miss it. The recommendation is
the best-scoring allowed mode that meets its contract; when none does, the best-scoring
allowed mode, marked not feasible (never another contract by elimination). Ties go to the
simpler mode in the rule set's ``tie_break`` order.

A mode a fired rule says must pay its way (``pays_its_way``) is recommended only where its
monthly total (the fact ``<mode>_total_usd_per_month``) is below that of the mode it would
replace, the one recommended without it; otherwise that rule excludes it.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from .conditions import ConditionResult
from .errors import InputError, RuleSetError
from .figures import fact_text
from .plan import Tree
from .policy import fill
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
    unmet: dict[Mode, tuple[str, ...]]  # mode -> ids of the rules whose numbers it misses
    order: tuple[Mode, ...]  # all modes, best first: allowed and met, allowed but unmet, excluded
    recommendation: Mode
    feasible: bool  # the recommendation meets its contract
    decided_by: tuple[str, ...]  # rule ids, most decisive first
    # The raw trace: each distinct condition's actual value and result, and each comparison
    # of two facts. Expanded per rule only when someone asks.
    leaf_actuals: list[Any]
    leaf_passed: list[bool]
    ref_values: list[tuple[Any, Any]]
    ref_passed: list[bool]

    @functools.cached_property
    def outcomes(self) -> tuple[RuleOutcome, ...]:
        """Every rule, whether it fired, and each condition: (fact, op, actual, threshold, passed)."""
        plan = self.ruleset.plan
        leaves, refs = plan.leaves, plan.refs
        outcomes = []
        for i, (rule, rule_plan) in enumerate(zip(self.ruleset.rules, plan.rules, strict=True)):
            order = rule_plan.order if isinstance(rule_plan, Tree) else tuple((False, j) for j in rule_plan)
            trace: list[ConditionResult] = []
            for is_ref, j in order:
                if is_ref:
                    actual, threshold = self.ref_values[j]
                    trace.append((refs[j][0], refs[j][1], actual, threshold, self.ref_passed[j]))
                else:
                    leaf = leaves[j]
                    trace.append((leaf[0], leaf[1], self.leaf_actuals[j], leaf[4], self.leaf_passed[j]))
            outcomes.append(RuleOutcome(rule, self.fired_flags[i], trace))
        return tuple(outcomes)

    @property
    def fired(self) -> tuple[Rule, ...]:
        return tuple(rule for rule, fired in zip(self.ruleset.rules, self.fired_flags, strict=True) if fired)


def reason_text(rule: Rule, facts: Mapping[str, Any]) -> str:
    """Why this rule rules a mode out, for this workload: its ``reason`` with the facts'
    values written in ("The first token arrives at 0.77 s..."), else the first sentence of
    its ``because``."""
    template = rule.spec.effect.reason
    if template.strip():
        return " ".join(fill(template, _FactWords(facts)).split())
    return first_sentence(rule.spec.because)


class _FactWords(dict[str, str]):
    """Facts in words, worked out when a reason names them."""

    def __init__(self, facts: Mapping[str, Any]):
        super().__init__()
        self.facts = facts

    def __missing__(self, name: str) -> str:
        return fact_text(name, self.facts.get(name))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")


def first_sentence(text: str) -> str:
    """The first sentence of a rule's ``because``, on one line."""
    return _SENTENCE_END.split(" ".join(text.split()), maxsplit=1)[0]


def evaluate_rule(rule: Rule, facts: Mapping[str, Any]) -> RuleOutcome:
    """Evaluate one rule with its full condition trace."""
    out: list[ConditionResult] = []
    return RuleOutcome(rule, rule.check(facts, out), out)


class Fired(NamedTuple):
    """Which rules fire on some facts, with every condition's value and result."""

    actuals: list[Any]
    passed: list[bool]
    ref_values: list[tuple[Any, Any]]
    ref_passed: list[bool]
    flags: list[bool]
    failing: int  # a bit per condition on constants that failed (advisor.core.plan)


def fire_rules(ruleset: RuleSet, facts: Mapping[str, Any]) -> Fired:
    """Which rules fire: each distinct condition is tested once (rules share them), then each
    rule combines the results (advisor.core.plan)."""
    plan = ruleset.plan
    get = facts.get
    actuals = [get(leaf[0]) for leaf in plan.leaves]
    passed = [a is not None and leaf[2](a, leaf[3]) for leaf, a in zip(plan.leaves, actuals, strict=True)]
    ref_values = [(get(fact), get(other)) for fact, _, _, other in plan.refs]
    ref_passed = [
        a is not None and b is not None and ref[2](a, b) for ref, (a, b) in zip(plan.refs, ref_values, strict=True)
    ]
    failing = plan.failing(passed)
    return Fired(actuals, passed, ref_values, ref_passed, plan.flags(failing, passed, ref_passed), failing)


def refire_rules(ruleset: RuleSet, base: Fired, base_facts: Mapping[str, Any], facts: Mapping[str, Any]) -> Fired:
    """``fire_rules`` on ``facts``, knowing what fired on ``base_facts``: only the conditions on
    facts that changed, and the rules that read them, are evaluated again (the probes of the
    what-if search and the levers change one or two answers of one workload at a time)."""
    plan = ruleset.plan
    leaves_of_fact = plan.leaves_of_fact
    changed = [j for name, ids in leaves_of_fact.items() if facts.get(name) != base_facts.get(name) for j in ids]
    actuals, passed, flags, failing = base.actuals, base.passed, base.flags, base.failing
    if changed:
        actuals, passed, flags = list(actuals), list(passed), list(flags)
        rules_of_leaf, leaves = plan.rules_of_leaf, plan.leaves
        again: set[int] = set()
        for j in changed:
            leaf = leaves[j]
            actual = facts.get(leaf[0])
            actuals[j] = actual
            ok = actual is not None and leaf[2](actual, leaf[3])
            if ok != passed[j]:
                passed[j] = ok
                failing ^= 1 << j
                again.update(rules_of_leaf[j])
        get = facts.get
        ref_values = [(get(fact), get(other)) for fact, _, _, other in plan.refs]
        ref_passed = [
            a is not None and b is not None and ref[2](a, b)
            for ref, (a, b) in zip(plan.refs, ref_values, strict=True)
        ]
        if ref_passed != base.ref_passed:
            again.update(plan.trees)
        masks = plan.masks
        for r in again:
            mask = masks[r]
            flags[r] = not failing & mask if isinstance(mask, int) else mask.holds(passed, ref_passed)
        return Fired(actuals, passed, ref_values, ref_passed, flags, failing)
    get = facts.get
    ref_values = [(get(fact), get(other)) for fact, _, _, other in plan.refs]
    ref_passed = [
        a is not None and b is not None and ref[2](a, b) for ref, (a, b) in zip(plan.refs, ref_values, strict=True)
    ]
    if ref_passed != base.ref_passed:
        flags = list(flags)
        for r in plan.trees:
            tree = plan.masks[r]
            assert isinstance(tree, Tree)
            flags[r] = tree.holds(passed, ref_passed)
    return Fired(actuals, passed, ref_values, ref_passed, flags, failing)


def fired_flags(ruleset: RuleSet, facts: Mapping[str, Any]) -> tuple[bool, ...]:
    """Whether each rule fires, in rule-set order. The ranking depends on nothing else but,
    where a fired rule says a mode must pay its way, on ``cost_comparisons``."""
    return tuple(fire_rules(ruleset, facts).flags)


def evaluate(
    ruleset: RuleSet,
    facts: Mapping[str, Any],
    weights: Mapping[str, float] | None = None,
    *,
    precomputed: Fired | None = None,
) -> Evaluation:
    """Evaluate the rule set on ``facts`` (``precomputed``: the rules already fired on them)."""
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

    fired_now = precomputed or fire_rules(ruleset, facts)
    flags = fired_now.flags
    rules = ruleset.rules
    fired = [rule for rule, flag in zip(rules, flags, strict=True) if flag]

    axis_scores = {mode: dict.fromkeys(axes, 0.0) for mode in MODES}
    excluded: dict[Mode, list[str]] = {}
    unmet: dict[Mode, list[str]] = {}
    payers: list[tuple[Mode, str]] = []
    for rule in fired:
        axis = rule.axis
        for mode, score in rule.scores:
            axis_scores[mode][axis] += score
        for mode in rule.excludes:
            excluded.setdefault(mode, []).append(rule.id)
        for mode in rule.unmets:
            unmet.setdefault(mode, []).append(rule.id)
        payers.extend((mode, rule.id) for mode in rule.pays)

    weight_vector = [w[a] for a in axes]
    totals = {mode: sum(map(operator.mul, weight_vector, axis_scores[mode].values())) for mode in MODES}
    if all(m in excluded for m in MODES):
        culprits = sorted({rid for ids in excluded.values() for rid in ids})
        raise RuleSetError(
            f"the rule set excludes every mode for this workload (rules {', '.join(culprits)}); "
            "its hard constraints contradict each other",
            source=ruleset.path,
        )
    order = _rank(ruleset, totals, excluded, unmet)
    for mode, rule_id in payers:
        # It costs at least as much as the mode it would replace (one that meets its contract
        # as well as it does): that mode is recommended.
        replaced = order[1]
        if (
            order[0] == mode
            and replaced not in excluded
            and (replaced not in unmet or mode in unmet)
            and not _pays(facts, mode, replaced)
        ):
            excluded.setdefault(mode, []).append(rule_id)
            order = _rank(ruleset, totals, excluded, unmet)
    recommendation = order[0]
    fired_flags = tuple(flags)
    decided_by = _decisive_rules(fired, w, recommendation, order, totals, excluded, unmet)
    return Evaluation(
        ruleset=ruleset,
        fired_flags=fired_flags,
        weights=w,
        axis_scores=axis_scores,
        totals=totals,
        excluded={m: tuple(ids) for m, ids in excluded.items()},
        unmet={m: tuple(ids) for m, ids in unmet.items()},
        order=order,
        recommendation=recommendation,
        feasible=recommendation not in unmet,
        decided_by=decided_by,
        leaf_actuals=fired_now.actuals,
        leaf_passed=fired_now.passed,
        ref_values=fired_now.ref_values,
        ref_passed=fired_now.ref_passed,
    )


def _rank(
    ruleset: RuleSet, totals: dict[Mode, float], excluded: dict[Mode, list[str]], unmet: dict[Mode, list[str]]
) -> tuple[Mode, ...]:
    """Allowed modes that meet their contract first, then allowed modes that miss it, then
    excluded ones; within each, best total first (rounded: float noise never reorders equal
    scores), then the rule set's tie-break order."""
    tie = ruleset.tie_rank
    rank_key = {m: (m in excluded, m in unmet, -round(totals[m], 9), tie[m]) for m in MODES}
    return tuple(sorted(MODES, key=rank_key.__getitem__))


def total_cost_fact(mode: str) -> str:
    """The fact holding a mode's monthly total (declared in advisor.core.facts)."""
    return f"{mode}_total_usd_per_month"


def _pays(facts: Mapping[str, Any], mode: Mode, replaced: Mode) -> bool:
    """True when ``mode`` costs less a month than ``replaced`` (unknown costs: it pays)."""
    cost, other = facts.get(total_cost_fact(mode)), facts.get(total_cost_fact(replaced))
    return cost is None or other is None or cost < other


def cost_comparisons(ruleset: RuleSet, fired: tuple[bool, ...], facts: Mapping[str, Any]) -> tuple[bool, ...]:
    """What a ranking depends on beyond the fired rules: for each mode a fired rule says must
    pay its way, whether it pays against each other mode (the probes' cache key)."""
    modes = sorted({mode for i, mode in ruleset.pays_its_way if fired[i]})
    return tuple(_pays(facts, mode, other) for mode in modes for other in MODES if other != mode) if modes else ()


def _decisive_rules(
    fired: list[Rule],
    weights: dict[str, float],
    winner: Mode,
    order: tuple[Mode, ...],
    totals: dict[Mode, float],
    excluded: dict[Mode, list[str]],
    unmet: dict[Mode, list[str]],
) -> tuple[str, ...]:
    """The rules that made the winner win.

    First the hard constraints that removed a mode scoring at least as well as the winner,
    then the rules a better-scoring mode's numbers missed (when the winner meets its own),
    then the rules whose weighted scores put the winner ahead of the runner-up, by margin.
    """
    decisive: list[str] = []
    for mode, ids in excluded.items():
        if totals[mode] >= totals[winner]:
            decisive.extend(i for i in ids if i not in decisive)
    if winner not in unmet:
        for mode, ids in unmet.items():
            if mode not in excluded and totals[mode] >= totals[winner]:
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
