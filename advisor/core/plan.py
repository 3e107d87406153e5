"""The evaluation plan of a rule set: each distinct condition tested once per evaluation,
each rule a combination of their results.

Rules share conditions (``someone_waiting = true`` appears in many), and the what-if search,
the levers and the decision map evaluate a rule set thousands of times, so the engine tests
every distinct condition once and combines the results per rule: a rule that is an ``all``
of conditions on constants fires when none of its conditions failed; any other rule
(``any``, ``not``, a comparison with another fact) is a small function of the results.
Every condition is still tested (no short-circuit), so the trace shows each one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .conditions import COMPARISONS, ConstantLeaves, Leaf, compile_condition

# A comparison of two facts: (fact, op, compare, other fact).
Ref = tuple[str, str, Callable[[Any, Any], bool], str]
Results = Sequence[bool]


@dataclass(frozen=True)
class Tree:
    """A rule that is not a plain ``all`` of constant conditions."""

    holds: Callable[[Results, Results], bool]  # (constant results, reference results) -> fires
    order: tuple[tuple[bool, int], ...]  # its conditions in the rule's order: (is a reference, index)


RulePlan = tuple[int, ...] | Tree


@dataclass(frozen=True, eq=False)
class Plan:
    leaves: tuple[Leaf, ...]  # the distinct conditions on constants
    refs: tuple[Ref, ...]  # the comparisons of two facts
    rules: tuple[RulePlan, ...]  # per rule, in rule-set order
    # Per rule, in rule-set order: a bit mask of its conditions (a plain rule fires when no
    # condition in the mask failed) or its tree.
    masks: tuple[int | Tree, ...]

    @functools.cached_property
    def leaves_of_fact(self) -> dict[str, tuple[int, ...]]:
        """Fact name -> the conditions on constants that read it."""
        out: dict[str, list[int]] = {}
        for i, leaf in enumerate(self.leaves):
            out.setdefault(leaf[0], []).append(i)
        return {name: tuple(ids) for name, ids in out.items()}

    @functools.cached_property
    def rules_of_leaf(self) -> tuple[tuple[int, ...], ...]:
        """Per condition on constants, the rules that read it."""
        out: list[list[int]] = [[] for _ in self.leaves]
        for r, plan in enumerate(self.rules):
            ids = {j for is_ref, j in plan.order if not is_ref} if isinstance(plan, Tree) else set(plan)
            for j in ids:
                out[j].append(r)
        return tuple(tuple(rules) for rules in out)

    @functools.cached_property
    def trees(self) -> tuple[int, ...]:
        """The rules that are trees (they read the comparisons of two facts, if any)."""
        return tuple(r for r, plan in enumerate(self.rules) if isinstance(plan, Tree))

    @staticmethod
    def failing(passed: Results) -> int:
        """A bit per condition on constants that failed."""
        failing = 0
        for i, ok in enumerate(passed):
            if not ok:
                failing |= 1 << i
        return failing

    def flags(self, failing: int, passed: Results, ref_passed: Results) -> list[bool]:
        """Whether each rule fires, given every condition's result."""
        return [
            not failing & mask if isinstance(mask, int) else mask.holds(passed, ref_passed) for mask in self.masks
        ]


class _Builder:
    def __init__(self) -> None:
        self.index: dict[tuple[str, str, Any], int] = {}
        self.leaves: list[Leaf] = []
        self.refs: list[Ref] = []

    def leaf(self, leaf: Leaf) -> int:
        key = (leaf[0], leaf[1], leaf[4])
        if key not in self.index:
            self.index[key] = len(self.leaves)
            self.leaves.append(leaf)
        return self.index[key]

    def tree(
        self, node: Mapping[str, Any], order: list[tuple[bool, int]]
    ) -> Callable[[Results, Results], bool]:
        """A (valid) condition as a function of the condition results; ``order`` collects its
        conditions as the rule's own closure would trace them."""
        if "all" in node or "any" in node:
            parts = [self.tree(child, order) for child in node["all" if "all" in node else "any"]]
            if "all" in node:
                return lambda c, r: all(part(c, r) for part in parts)
            return lambda c, r: any(part(c, r) for part in parts)
        if "not" in node:
            inner = self.tree(node["not"], order)
            return lambda c, r: not inner(c, r)
        if isinstance(node["value"], dict):
            i = len(self.refs)
            self.refs.append((node["fact"], node["op"], COMPARISONS[node["op"]], node["value"]["fact"]))
            order.append((True, i))
            return lambda c, r: r[i]
        compiled = compile_condition(dict(node))
        assert isinstance(compiled, ConstantLeaves) and len(compiled.leaves) == 1
        j = self.leaf(compiled.leaves[0])
        order.append((False, j))
        return lambda c, r: c[j]


def build_plan(rules: Sequence[Any]) -> Plan:
    """The plan of compiled rules (each with its ``check`` and validated ``spec.when``)."""
    builder = _Builder()
    plans: list[RulePlan] = []
    for rule in rules:
        if isinstance(rule.check, ConstantLeaves):
            plans.append(tuple(builder.leaf(leaf) for leaf in rule.check.leaves))
            continue
        order: list[tuple[bool, int]] = []
        holds = builder.tree(rule.spec.when, order)
        plans.append(Tree(holds, tuple(order)))
    masks = tuple(plan if isinstance(plan, Tree) else sum(1 << i for i in set(plan)) for plan in plans)
    return Plan(tuple(builder.leaves), tuple(builder.refs), tuple(plans), masks)
