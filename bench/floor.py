"""The straight-line Python floor: the least Python that does the engine's work for one
rule set, to measure the engine against.

It is written out from the rule set for the run as a person would write it by hand for
that one rule set: each fact read once into a local; one ``if`` per rule with its
condition spelled out (Python's own ``and``/``or``/``not``, so it stops at the first
failing comparison); a None check only on the facts that are ever missing in the
benchmark's profiles; the axis weights folded into each score; the fired rule ids, the
excluded and unmet modes, a sort for the ranking, the pays-its-way check and feasibility.
No trace, no objects: a tuple (recommendation, ranking, fired ids, feasible). The
benchmark checks that it recommends what the engine recommends and fires what it fires,
profile by profile.

The source is written by this benchmark from the shipped rule set and compiled here; it
is never part of the advisor.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from advisor.core.profile import MODES
from advisor.core.rules import RuleSet

_OPS = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}


def _name(fact: str) -> str:
    return "f_" + fact


def _literal(value: Any) -> str:
    return json.dumps(value) if isinstance(value, str) else repr(value)


def _condition(node: Mapping[str, Any], nullable: set[str]) -> str:
    if "all" in node:
        return "(" + " and ".join(_condition(child, nullable) for child in node["all"]) + ")"
    if "any" in node:
        return "(" + " or ".join(_condition(child, nullable) for child in node["any"]) + ")"
    if "not" in node:
        return f"(not {_condition(node['not'], nullable)})"
    fact, op, value = node["fact"], node["op"], node["value"]
    subject = _name(fact)
    guards = [f"{subject} is not None"] if fact in nullable else []
    if isinstance(value, dict):
        other = _name(value["fact"])
        guards += [f"{other} is not None"] if value["fact"] in nullable else []
        test = f"{subject} {_OPS[op]} {other}"
    elif op == "in":
        test = f"{subject} in ({', '.join(_literal(v) for v in value)},)"
    elif op == "not_in":
        test = f"{subject} not in ({', '.join(_literal(v) for v in value)},)"
    elif isinstance(value, bool):
        test = f"{subject} is {value}" if op == "eq" else f"{subject} is not {value}"
    else:
        test = f"{subject} {_OPS[op]} {_literal(value)}"
    return "(" + " and ".join([*guards, test]) + ")"


def _facts_read(node: Any) -> set[str]:
    if isinstance(node, dict):
        if "fact" in node:
            names = {node["fact"]}
            if isinstance(node["value"], dict):
                names.add(node["value"]["fact"])
            return names
        return set().union(*(_facts_read(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_facts_read(v) for v in node))
    return set()


def floor_source(ruleset: RuleSet, sample_facts: Iterable[Mapping[str, Any]]) -> str:
    samples = list(sample_facts)
    facts = sorted(set().union(*(_facts_read(rule.spec.when) for rule in ruleset.rules)))
    nullable = {name for name in facts if any(s.get(name) is None for s in samples)}
    weights = ruleset.weights
    tie = ruleset.tie_rank
    lines = ["def floor(facts):"]
    lines += [f"    {_name(name)} = facts[{name!r}]" for name in facts]
    lines += [f"    t_{mode} = 0.0" for mode in MODES]
    lines += ["    fired = []", "    excluded = set()", "    unmet = set()", "    payers = []"]
    for rule in ruleset.rules:
        lines.append(f"    if {_condition(rule.spec.when, nullable)}:")
        lines.append(f"        fired.append({rule.id!r})")
        for mode, score in rule.scores:
            weighted = weights[rule.axis] * score
            if weighted:
                lines.append(f"        t_{mode} += {weighted!r}")
        if rule.excludes:
            lines.append(f"        excluded.update({rule.excludes!r})")
        if rule.unmets:
            lines.append(f"        unmet.update({rule.unmets!r})")
        for mode in rule.pays:
            lines.append(f"        payers.append({mode!r})")
    lines.append("    totals = {" + ", ".join(f"{m!r}: t_{m}" for m in MODES) + "}")
    lines.append(f"    tie = {tie!r}")
    lines.append("    def rank():")
    lines.append("        key = lambda m: (m in excluded, m in unmet, -round(totals[m], 9), tie[m])")
    lines.append("        return sorted(totals, key=key)")
    lines.append("    order = rank()")
    lines.append("    for mode in payers:")
    lines.append("        other = order[1]")
    lines.append("        if order[0] == mode and other not in excluded and (other not in unmet or mode in unmet):")
    lines.append(f"            cost, against = facts[{'%s_total_usd_per_month'!r} % mode], "
                 f"facts[{'%s_total_usd_per_month'!r} % other]")
    lines.append("            if cost is not None and against is not None and cost >= against:")
    lines.append("                excluded.add(mode)")
    lines.append("                order = rank()")
    lines.append("    return order[0], order, fired, order[0] not in unmet")
    return "\n".join(lines) + "\n"


def floor_function(ruleset: RuleSet, sample_facts: Iterable[Mapping[str, Any]]) -> Callable[[Mapping[str, Any]], Any]:
    namespace: dict[str, Any] = {}
    exec(compile(floor_source(ruleset, sample_facts), "<floor>", "exec"), namespace)  # the shipped rules only
    function: Callable[[Mapping[str, Any]], Any] = namespace["floor"]
    return function
