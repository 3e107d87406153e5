"""Rule conditions: structured data (``all``/``any``/``not`` over ``{fact, op, value}``),
validated against the fact schema and compiled once to callables. Nothing is ever
evaluated as code.

A compiled condition is called with the facts and a list it appends its trace to: one
``(fact, op, actual, threshold, passed)`` per leaf. Every leaf is evaluated (no
short-circuit) so the trace shows each actual value against its threshold.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, Literal, Protocol, TypeVar

from .facts import FACTS, FactSpec
from .validation import closest, finite_number
from .validation import shown as shown_value
from .value_class import value_class

OPERATORS: tuple[str, ...] = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in")
_ORDERING = {"lt", "le", "gt", "ge"}
_OP_SYMBOL = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=", "in": "in", "not_in": "not in"}

# One evaluated leaf: (fact, op, actual value, threshold, passed)
ConditionResult = tuple[str, str, Any, Any, bool]
# A constant condition: (fact, op, test, operand, threshold shown in the trace).
Leaf = tuple[str, str, Callable[[Any, Any], bool], Any, Any]


class Check(Protocol):
    def __call__(self, facts: Mapping[str, Any], out: list[ConditionResult], /) -> bool: ...


class ConditionError(Exception):
    """A condition that does not validate: ``path`` points inside it (``when.all[1].op``)."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def op_symbol(op: str) -> str:
    return _OP_SYMBOL[op]


# C-implemented comparisons: a rule evaluates in about a microsecond.
COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge,
}


def _member(actual: Any, members: frozenset[Any]) -> bool:
    return actual in members


def _not_member(actual: Any, members: frozenset[Any]) -> bool:
    return actual not in members


class ConstantLeaves:
    """``all`` over conditions on facts against constants (or one such condition): the
    common shape of a rule: evaluated in one loop, with each condition's trace."""

    __slots__ = ("leaves",)

    def __init__(self, leaves: tuple[Leaf, ...]):
        self.leaves = leaves

    def __call__(self, facts: Mapping[str, Any], out: list[ConditionResult], /) -> bool:
        result = True
        get = facts.get
        for name, op, test, operand, shown in self.leaves:
            actual = get(name)
            passed = actual is not None and test(actual, operand)
            out.append((name, op, actual, shown, passed))
            if not passed:
                result = False
        return result


_KINDS = {
    "number": "a number", "integer": "a whole number", "boolean": "true or false", "enum": "a choice", "text": "text",
}


def _kind(spec: FactSpec) -> str:
    """What a fact is, in words: 'a number', 'a choice (sync, streaming, ...)'."""
    kind = _KINDS[spec.type]
    return f"{kind} ({', '.join(spec.allowed)})" if spec.type == "enum" else kind


def _check_scalar(spec: FactSpec, value: Any, path: str) -> None:
    if spec.numeric:
        if not finite_number(value):
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            finite = "a finite number" if number else "a number"
            raise ConditionError(
                path, f"fact '{spec.name}' is {_kind(spec)}; value must be {finite} (got {shown_value(value)})"
            )
    elif spec.type == "boolean":
        if not isinstance(value, bool):
            raise ConditionError(path, f"fact '{spec.name}' is a boolean; value must be true or false (got {value!r})")
    elif spec.type == "enum":
        if value not in spec.allowed:
            raise ConditionError(path, f"fact '{spec.name}' allows {', '.join(spec.allowed)} (got {value!r})")
    elif not isinstance(value, str):
        raise ConditionError(path, f"fact '{spec.name}' is text; value must be a string (got {value!r})")


def fact_spec(name: Any, path: str) -> FactSpec:
    """The declared fact ``name``, or a ConditionError with the closest declared name."""
    if not isinstance(name, str) or name not in FACTS:
        close = closest(str(name), list(FACTS))
        hint = f"; did you mean '{close[0]}'?" if close else f"; declared facts: {', '.join(FACTS)}"
        raise ConditionError(path, f"unknown fact {name!r}{hint}")
    return FACTS[name]


def _compile_leaf(node: dict[str, Any], path: str) -> Check:
    extra = set(node) - {"fact", "op", "value"}
    if extra or not {"fact", "op", "value"} <= set(node):
        raise ConditionError(path, "a condition is {fact, op, value} or one of all/any/not")
    spec = fact_spec(node["fact"], f"{path}.fact")
    op = node["op"]
    if op not in OPERATORS:
        close = closest(str(op), list(OPERATORS), cutoff=0.5)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise ConditionError(f"{path}.op", f"unknown operator {op!r}; {hint}allowed: {', '.join(OPERATORS)}")
    if op in _ORDERING and not spec.numeric:
        raise ConditionError(f"{path}.op", f"'{op}' compares numbers, but fact '{spec.name}' is {_kind(spec)}")
    value = node["value"]
    name = spec.name

    if isinstance(value, dict):  # compare against another fact: {fact: other}
        if set(value) != {"fact"}:
            raise ConditionError(f"{path}.value", "a fact reference is written {fact: name}")
        other = fact_spec(value["fact"], f"{path}.value.fact")
        if op in ("in", "not_in") or (other.type != spec.type and not (other.numeric and spec.numeric)):
            message = f"cannot compare {spec.type} '{name}' with {other.type} '{other.name}'"
            raise ConditionError(f"{path}.value", message)
        other_name = other.name
        compare = COMPARISONS[op]

        def check_ref(facts: Mapping[str, Any], out: list[ConditionResult], /) -> bool:
            actual = facts.get(name)
            threshold = facts.get(other_name)
            passed = actual is not None and threshold is not None and compare(actual, threshold)
            out.append((name, op, actual, threshold, passed))
            return passed

        return check_ref

    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            raise ConditionError(f"{path}.value", f"'{op}' needs a non-empty list of values")
        for i, item in enumerate(value):
            _check_scalar(spec, item, f"{path}.value[{i}]")
        test = _member if op == "in" else _not_member
        return ConstantLeaves(((name, op, test, frozenset(value), tuple(value)),))

    _check_scalar(spec, value, f"{path}.value")
    return ConstantLeaves(((name, op, COMPARISONS[op], value, value),))


def compile_condition(node: Any, path: str = "when") -> Check:
    """Compile a condition tree to a callable; ConditionError names the path of a problem."""
    if not isinstance(node, dict) or not node:
        raise ConditionError(
            path, "a condition must be a mapping: {all: [...]}, {any: [...]}, {not: ...} or {fact, op, value}"
        )
    if len(node) == 1 and ("all" in node or "any" in node):
        key = next(iter(node))
        items = node[key]
        if not isinstance(items, list) or not items:
            raise ConditionError(f"{path}.{key}", f"'{key}' needs a non-empty list of conditions")
        children = tuple(compile_condition(child, f"{path}.{key}[{i}]") for i, child in enumerate(items))
        constant = [child for child in children if isinstance(child, ConstantLeaves)]
        if key == "all" and len(constant) == len(children):
            return ConstantLeaves(tuple(leaf for child in constant for leaf in child.leaves))
        if key == "all":

            def check_all(facts: Mapping[str, Any], out: list[ConditionResult], /) -> bool:
                result = True
                for child in children:
                    if not child(facts, out):
                        result = False
                return result

            return check_all

        def check_any(facts: Mapping[str, Any], out: list[ConditionResult], /) -> bool:
            result = False
            for child in children:
                if child(facts, out):
                    result = True
            return result

        return check_any
    if len(node) == 1 and "not" in node:
        child = compile_condition(node["not"], f"{path}.not")

        def check_not(facts: Mapping[str, Any], out: list[ConditionResult], /) -> bool:
            return not child(facts, out)

        return check_not
    if "fact" in node or "op" in node or "value" in node:
        return _compile_leaf(node, path)
    keys = ", ".join(map(str, node))
    raise ConditionError(path, f"unknown condition key(s) {keys}; use all, any, not or {{fact, op, value}}")


def leaf_paths(node: Any, path: str = "when") -> tuple[str, ...]:
    """Where each comparison of a (valid) condition sits, in the order its compiled closure
    traces them: ``when.all[1].not.all[0]`` is the first comparison of the ``all`` under the
    ``not`` that is the second condition of the rule's ``all``."""
    if "all" in node or "any" in node:
        key = "all" if "all" in node else "any"
        return tuple(p for i, child in enumerate(node[key]) for p in leaf_paths(child, f"{path}.{key}[{i}]"))
    if "not" in node:
        return leaf_paths(node["not"], f"{path}.not")
    return (path,)


def condition_facts(node: Any) -> set[str]:
    """The fact names a (valid) condition tree reads."""
    if isinstance(node, dict):
        if "fact" in node and "op" in node:
            names = {node["fact"]}
            if isinstance(node.get("value"), dict):
                names.add(node["value"]["fact"])
            return names
        return set().union(*(condition_facts(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(condition_facts(v) for v in node)) if node else set()
    return set()


def condition_thresholds(node: Any, fact: str) -> set[float]:
    """The numbers a (valid) condition tree compares ``fact`` with: the lines it draws on
    that fact (``latency_budget_s gt 3600`` draws one at 3,600). A comparison with another
    fact draws none, and neither does a bool."""
    if isinstance(node, dict):
        if "fact" in node and "op" in node:
            if node["fact"] != fact:
                return set()
            value = node.get("value")
            values = value if isinstance(value, list) else [value]
            return {float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)}
        return set().union(*(condition_thresholds(v, fact) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(condition_thresholds(v, fact) for v in node)) if node else set()
    return set()


# -- the shape of a rule's trace ------------------------------------------------------------

T = TypeVar("T")
_SEGMENT = re.compile(r"(all|any)\[(\d+)\]|not")


@value_class
class Group(Generic[T]):
    """Conditions combined as the rule combines them: ``all`` of, ``any`` of, ``not``."""

    kind: Literal["all", "any", "not"]
    items: tuple[Group[T] | T, ...]


def _segments(path: str) -> list[str]:
    if path != "when" and not path.startswith("when."):
        raise ValueError(f"not a condition path: {path!r}")
    return path.split(".")[1:]


def _build(entries: list[tuple[list[str], T]]) -> Group[T] | T:
    segments, item = entries[0]
    if not segments:
        return item
    kind = segments[0].split("[", 1)[0]
    if kind == "not":
        return Group("not", (_build([(rest[1:], it) for rest, it in entries]),))
    if kind not in ("all", "any") or not _SEGMENT.fullmatch(segments[0]):
        raise ValueError(f"not a condition path segment: {segments[0]!r}")
    children: dict[str, list[tuple[list[str], T]]] = {}
    for rest, it in entries:
        children.setdefault(rest[0], []).append((rest[1:], it))
    return Group(kind, tuple(_build(child) for child in children.values()))  # type: ignore[arg-type]


def conjuncts(items: Sequence[T], paths: Sequence[str]) -> list[Group[T] | T]:
    """A rule's traced conditions (in trace order, with their ``leaf_paths``) as the parts of
    its ``when`` that must all hold: each comparison of a top-level ``all`` as it is, and a
    ``not`` or ``any`` (or an ``all`` inside one) as one group, so that a comparison under a
    ``not`` is never read as if it stood alone."""
    if not items:
        return []
    root = _build([(_segments(path), item) for item, path in zip(items, paths, strict=True)])
    if isinstance(root, Group) and root.kind == "all":
        return list(root.items)
    return [root]


def holds(node: Group[T] | T, passed: Callable[[T], bool]) -> bool:
    """Whether a group (or one comparison) holds, from its comparisons' results."""
    if not isinstance(node, Group):
        return passed(node)
    if node.kind == "not":
        return not holds(node.items[0], passed)
    results = [holds(item, passed) for item in node.items]
    return all(results) if node.kind == "all" else any(results)


def leaves(node: Group[T] | T) -> list[T]:
    """The comparisons of a group, in order."""
    if not isinstance(node, Group):
        return [node]
    return [leaf for item in node.items for leaf in leaves(item)]


def in_words(node: Group[T] | T, leaf: Callable[[T], str], *, nested: bool = False) -> str:
    """A group written out: ``not (someone_waiting eq true and latency_budget_s lt 5)``;
    ``leaf`` writes one comparison."""
    if not isinstance(node, Group):
        return leaf(node)
    if node.kind == "not":
        return f"not ({in_words(node.items[0], leaf)})"
    joined = f" {'and' if node.kind == 'all' else 'or'} ".join(in_words(i, leaf, nested=True) for i in node.items)
    return f"({joined})" if nested and len(node.items) > 1 else joined


def within(path: str) -> str:
    """The groups a comparison sits in below the rule's top-level ``all``: ``not``, ``any``,
    ``any, all``; empty for a comparison the rule needs to hold as it is."""
    kinds = [segment.split("[", 1)[0] for segment in _segments(path)]
    if kinds and kinds[0] == "all":
        kinds = kinds[1:]
    return ", ".join(kinds)
