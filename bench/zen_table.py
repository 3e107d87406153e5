"""The rule set as one zen-engine decision table, for the benchmark's comparison.

One row per rule, hit policy ``collect`` (every row that matches returns its rule id), one
column per fact. A rule that is an ``all`` of comparisons with constants puts each in its
fact's column as a unary test (``$ > 5``; two on one fact are joined with ``and``); any
other rule (``any``, ``not``, a comparison of two facts) is one expression over the facts
in a column of its own. A missing fact fails every comparison, as in the advisor's engine
(``$ != null and ...``). The benchmark checks, profile by profile, that the table fires
exactly the rules the advisor's engine fires.

zen's fastest documented path is used: the table is parsed once into a
``ZenDecisionContent`` that the engine's loader hands back on each evaluation.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from advisor.core.rules import RuleSet

_OPS = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
KEY = "advisor-rules.json"


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    return repr(value)


def _test(subject: str, op: str, value: Any) -> str:
    """One comparison of ``subject`` (``$`` or a fact name), false when it is null. A unary
    cell (``$``) may not start with a parenthesis; an expression's comparisons are wrapped."""
    if isinstance(value, dict):  # another fact
        other = value["fact"]
        test = f"{subject} != null and {other} != null and {subject} {_OPS[op]} {other}"
    elif op in ("in", "not_in"):
        members = "[" + ", ".join(_literal(v) for v in value) + "]"
        member = f"{subject} in {members}" if op == "in" else f"not ({subject} in {members})"
        test = f"{subject} != null and {member}"
    else:
        test = f"{subject} != null and {subject} {_OPS[op]} {_literal(value)}"
    return test if subject == "$" else f"({test})"


def _expression(node: Mapping[str, Any]) -> str:
    if "all" in node:
        return "(" + " and ".join(_expression(child) for child in node["all"]) + ")"
    if "any" in node:
        return "(" + " or ".join(_expression(child) for child in node["any"]) + ")"
    if "not" in node:
        return f"not {_expression(node['not'])}"
    return _test(node["fact"], node["op"], node["value"])


def _plain_leaves(node: Mapping[str, Any]) -> list[Mapping[str, Any]] | None:
    """The leaves of an ``all`` of comparisons with constants (or of one such leaf); else None."""
    if "fact" in node:
        return None if isinstance(node["value"], dict) else [node]
    if "all" in node:
        leaves: list[Mapping[str, Any]] = []
        for child in node["all"]:
            inner = _plain_leaves(child)
            if inner is None:
                return None
            leaves.extend(inner)
        return leaves
    return None


def decision_table(ruleset: RuleSet) -> dict[str, Any]:
    """The JSON Decision Model of the rule set: input -> one decision table -> output."""
    columns: dict[str, str] = {}  # fact -> column id
    rows = []
    for index, rule in enumerate(ruleset.rules):
        row: dict[str, str] = {"_id": f"r{index}", "out": json.dumps(rule.id)}
        leaves = _plain_leaves(rule.spec.when)
        if leaves is None:
            row["expr"] = _expression(rule.spec.when)
        else:
            cells: dict[str, list[str]] = {}
            for leaf in leaves:
                cells.setdefault(leaf["fact"], []).append(_test("$", leaf["op"], leaf["value"]))
            for fact, tests in cells.items():
                column = columns.setdefault(fact, f"c{len(columns)}")
                row[column] = " and ".join(tests)
        rows.append(row)
    inputs = [{"id": column, "name": fact, "field": fact} for fact, column in columns.items()]
    inputs.append({"id": "expr", "name": "other conditions", "field": ""})
    for row in rows:  # an empty cell matches anything
        for column in (*columns.values(), "expr"):
            row.setdefault(column, "")
    table = {
        "hitPolicy": "collect",
        "inputs": inputs,
        "outputs": [{"id": "out", "name": "rule", "field": "rule"}],
        "rules": rows,
    }
    position = {"x": 0, "y": 0}
    return {
        "nodes": [
            {"id": "input", "type": "inputNode", "name": "facts", "position": position},
            {"id": "table", "type": "decisionTableNode", "name": "rules", "position": position, "content": table},
            {"id": "output", "type": "outputNode", "name": "fired", "position": position},
        ],
        "edges": [
            {"id": "e1", "sourceId": "input", "targetId": "table", "type": "edge"},
            {"id": "e2", "sourceId": "table", "targetId": "output", "type": "edge"},
        ],
    }


def zen_evaluator(ruleset: RuleSet) -> Callable[[Mapping[str, Any]], Any]:
    """``evaluate(facts)``: zen-engine's evaluation of the rule set's decision table."""
    import zen

    content = zen.ZenDecisionContent(json.dumps(decision_table(ruleset)))
    engine = zen.ZenEngine({"loader": lambda key: content})

    def evaluate(facts: Mapping[str, Any]) -> Any:
        return engine.evaluate(KEY, facts)

    return evaluate


def fired_ids(result: Any) -> list[str]:
    """The rule ids a zen evaluation collected, in row order."""
    return [row["rule"] for row in result["result"]]
