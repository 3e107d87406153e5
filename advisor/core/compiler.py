"""The rule set compiled into one specialised Python function: the engine's fast path.

``compile_ruleset(rules, axes)`` writes, for one validated rule set, the function a person
would write by hand for it: each fact the rules read fetched once into a local, each rule
one boolean expression (Python's own ``and``/``or``/``not``, stopping at the first failing
comparison), each fired rule's scores added to its mode's axis, each mode's weighted total,
and whether a fired rule excludes it or says its numbers miss their contract. The trace
(every condition's actual value and threshold) is not its job: the engine works it out
from the rules' own closures when someone asks (advisor.core.engine).

The function is built as a Python syntax tree, never as text. A fact name, a threshold,
a rule's score is a constant node (``ast.Constant``), every name in the tree is one this
module makes up (``f3``, ``r12``, ``s0_2``), and the tree is made only from a rule set that
has passed validation (advisor.core.rules). So nothing written in a rule file, a workload
or anywhere else can become code; nothing is parsed, evaluated or executed from text. The
function object is made from the compiled code object (no ``exec``).

A comparison means what it means in advisor.core.conditions: a missing fact (None) fails
it, whatever the operator.
"""

from __future__ import annotations

import ast
import sys
import types
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .conditions import COMPARISONS
from .profile import MODES

_AST_OPS: dict[str, type[ast.cmpop]] = {
    "eq": ast.Eq, "ne": ast.NotEq, "lt": ast.Lt, "le": ast.LtE, "gt": ast.Gt, "ge": ast.GtE,
    "in": ast.In, "not_in": ast.NotIn,
}
assert set(_AST_OPS) >= set(COMPARISONS)

# (fired flags, axis scores per mode and axis, totals, excluded, unmet): see ``Decide``.
Decided = tuple[tuple[bool, ...], tuple[float, ...], tuple[float, ...], tuple[bool, ...], tuple[bool, ...]]
# decide(facts, weights in axis order) -> Decided
Decide = Callable[[Mapping[str, Any], Sequence[float]], Decided]


# Every node's position: compile() needs one, and the function has no source text to point
# into. Given as each node is made (ast.fix_missing_locations walks the whole tree after).
_AT: dict[str, Any] = {"lineno": 1, "col_offset": 0, "end_lineno": 1, "end_col_offset": 0}


def _name(identifier: str, store: bool = False) -> ast.Name:
    return ast.Name(id=identifier, ctx=ast.Store() if store else ast.Load(), **_AT)


def _const(value: Any) -> ast.Constant:
    return ast.Constant(value=value, **_AT)


def _tuple(items: Sequence[ast.expr]) -> ast.Tuple:
    return ast.Tuple(elts=list(items), ctx=ast.Load(), **_AT)


def _assign(target: str, value: ast.expr) -> ast.Assign:
    return ast.Assign(targets=[_name(target, store=True)], value=value, **_AT)


def _bool_op(op: ast.boolop, values: list[ast.expr]) -> ast.expr:
    return values[0] if len(values) == 1 else ast.BoolOp(op=op, values=values, **_AT)


class _Builder:
    def __init__(self) -> None:
        self.locals: dict[str, str] = {}  # fact name -> its local variable

    def fact(self, name: str) -> ast.Name:
        if name not in self.locals:
            self.locals[name] = f"f{len(self.locals)}"
        return _name(self.locals[name])

    @staticmethod
    def _present(var: ast.Name) -> ast.Compare:
        return ast.Compare(left=var, ops=[ast.IsNot()], comparators=[_const(None)], **_AT)

    def condition(self, node: Mapping[str, Any]) -> ast.expr:
        """A (validated) condition as one boolean expression."""
        if "all" in node:
            return _bool_op(ast.And(), [self.condition(child) for child in node["all"]])
        if "any" in node:
            return _bool_op(ast.Or(), [self.condition(child) for child in node["any"]])
        if "not" in node:
            return ast.UnaryOp(op=ast.Not(), operand=self.condition(node["not"]), **_AT)
        subject = self.fact(node["fact"])
        op, value = node["op"], node["value"]
        checks: list[ast.expr] = []
        if isinstance(value, dict):  # another fact
            other = self.fact(value["fact"])
            checks += [self._present(subject), self._present(other)]
            operand: ast.expr = other
        else:
            operand = _const(frozenset(value) if op in ("in", "not_in") else value)
            # None == 5 and None in {...} are already false (a threshold is never None); None
            # != 5 is true and None < 5 raises, so those ask first.
            if op not in ("eq", "in"):
                checks.append(self._present(subject))
        checks.append(ast.Compare(left=subject, ops=[_AST_OPS[op]()], comparators=[operand], **_AT))
        return _bool_op(ast.And(), checks)


def decide_tree(rules: Sequence[Any], axes: Sequence[str]) -> ast.Module:
    """The syntax tree of ``decide`` for compiled rules (each with its validated
    ``spec.when``, ``axis``, ``scores``, ``excludes``, ``unmets``) and the axes in order."""
    builder = _Builder()
    flags = [builder.condition(rule.spec.when) for rule in rules]
    body: list[ast.stmt] = [_assign("get", ast.Attribute(value=_name("facts"), attr="get", ctx=ast.Load(), **_AT))]
    body += [
        _assign(var, ast.Call(func=_name("get"), args=[_const(name)], keywords=[], **_AT))
        for name, var in builder.locals.items()
    ]
    body += [_assign(f"r{i}", flag) for i, flag in enumerate(flags)]
    axis_index = {axis: i for i, axis in enumerate(axes)}
    # One accumulator per (mode, axis) some rule scores, added to in rule order: the same
    # sums, float for float, as adding each fired rule's scores to a table of zeros.
    scored = sorted({(MODES.index(mode), axis_index[rule.axis]) for rule in rules for mode, _ in rule.scores})
    body += [_assign(f"s{m}_{a}", _const(0.0)) for m, a in scored]
    for i, rule in enumerate(rules):
        if not rule.scores:
            continue
        adds: list[ast.stmt] = [
            ast.AugAssign(target=_name(f"s{MODES.index(mode)}_{axis_index[rule.axis]}", store=True), op=ast.Add(),
                          value=_const(score), **_AT)
            for mode, score in rule.scores
        ]
        body.append(ast.If(test=_name(f"r{i}"), body=adds, orelse=[], **_AT))
    scores = [
        _name(f"s{m}_{a}") if (m, a) in scored else _const(0.0) for m in range(len(MODES)) for a in range(len(axes))
    ]
    totals: list[ast.expr] = []
    for m in range(len(MODES)):
        # 0 + w0 * s0 + w1 * s1 + ...: the order and the start of the builtin sum().
        total: ast.expr = _const(0)
        for a in range(len(axes)):
            weight = ast.Subscript(value=_name("weights"), slice=_const(a), ctx=ast.Load(), **_AT)
            product = ast.BinOp(left=weight, op=ast.Mult(), right=scores[m * len(axes) + a], **_AT)
            total = ast.BinOp(left=total, op=ast.Add(), right=product, **_AT)
        totals.append(total)

    def any_of(indexes: list[int]) -> ast.expr:
        return _bool_op(ast.Or(), [_name(f"r{i}") for i in indexes]) if indexes else _const(False)

    excluded = [any_of([i for i, rule in enumerate(rules) if mode in rule.excludes]) for mode in MODES]
    unmet = [any_of([i for i, rule in enumerate(rules) if mode in rule.unmets]) for mode in MODES]
    result = _tuple([
        _tuple([_name(f"r{i}") for i in range(len(rules))]), _tuple(scores), _tuple(totals), _tuple(excluded),
        _tuple(unmet),
    ])
    body.append(ast.Return(value=result, **_AT))
    arguments = ast.arguments(
        posonlyargs=[ast.arg(arg="facts", **_AT), ast.arg(arg="weights", **_AT)], args=[], vararg=None, kwonlyargs=[],
        kw_defaults=[], kwarg=None, defaults=[],
    )
    extra: dict[str, Any] = {"type_params": []} if sys.version_info >= (3, 12) else {}
    function = ast.FunctionDef(
        name="decide", args=arguments, body=body, decorator_list=[], returns=None, **extra, **_AT
    )
    return ast.Module(body=[function], type_ignores=[])


def compile_ruleset(rules: Sequence[Any], axes: Sequence[str]) -> Decide:
    """``decide(facts, weights)`` for the rule set: see the module's docstring."""
    module = compile(decide_tree(rules, axes), "<advisor rule set>", "exec")
    code = next(c for c in module.co_consts if isinstance(c, types.CodeType) and c.co_name == "decide")
    decide: Decide = types.FunctionType(code, {"__builtins__": {}}, "decide")
    return decide


def decide_source(rules: Sequence[Any], axes: Sequence[str]) -> str:
    """The function as Python source, to read (``ast.unparse``): what runs is the tree."""
    return ast.unparse(decide_tree(rules, axes))
