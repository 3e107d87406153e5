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

import functools
import re
from collections.abc import Callable, Container, Mapping, Sequence
from typing import Any, Generic, NamedTuple, Protocol, TypeVar

from .compiler import Decide
from .conditions import ConditionResult
from .errors import InputError, RuleSetError
from .facts import FACTS, fact_text
from .figures import budget_digits, budget_seconds, digits_apart, seconds
from .policy import fill, named_in_order
from .profile import MODES, Mode
from .rule import Rule
from .validation import finite_number, given


class RuleSet(Protocol):
    """What the engine reads of a rule set (advisor.core.rules.RuleSet)."""

    @property
    def rules(self) -> tuple[Rule, ...]: ...
    @property
    def path(self) -> str: ...
    @property
    def weights(self) -> dict[str, float]: ...
    @property
    def weight_vector(self) -> tuple[float, ...]: ...
    @property
    def axis_ids(self) -> tuple[str, ...]: ...
    @property
    def tie_rank(self) -> dict[str, int]: ...
    @property
    def pays_its_way(self) -> tuple[tuple[int, Mode], ...]: ...
    @property
    def decide(self) -> Decide: ...
    @property
    def memo(self) -> dict[str, Any]: ...


MAX_WEIGHT = 100.0


def weights_problem(weights: Mapping[str, Any]) -> str | None:
    """What is wrong with a set of axis weights, in words; None when they can rank modes.

    Every weight a finite number from 0 to 100, and at least one above 0: a NaN makes
    every total NaN, a negative weight turns an axis's argument around, and all zeros
    leave the tie-break to decide. The one check of every entry point: the API, a rule
    set's header, the app's sliders and the weights embedded in a decision record.
    """
    for axis, weight in weights.items():
        if isinstance(weight, bool) or not isinstance(weight, (int, float)):
            return f"the weight of {axis} must be a number (got {weight!r})"
        if not finite_number(weight) or not 0 <= weight <= MAX_WEIGHT:
            return f"the weight of {axis} must be a finite number from 0 to {MAX_WEIGHT:g} (got {given(weight)})"
    if weights and not any(weight > 0 for weight in weights.values()):
        return "at least one axis weight must be above 0 (with all at 0 nothing ranks the modes)"
    return None





class RuleOutcome(NamedTuple):
    rule: Rule
    fired: bool
    conditions: list[ConditionResult]  # in the order of the rule's leaves (``rule.paths``)


_T = TypeVar("_T")
# Distinct outcomes (fired rules, weights) whose decisive rules a rule set keeps.
_KNOWN_DECISIONS = 4096


class _once(Generic[_T]):
    """``functools.cached_property`` without its lock (Python 3.11 takes one on every first
    read): what it computes is a pure function of the evaluation, so two threads racing
    would only both compute it."""

    def __init__(self, compute: Callable[[Any], _T]):
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __get__(self, instance: Any, owner: Any = None) -> _T:
        if instance is None:  # read on the class (help(), documentation tools)
            return self  # type: ignore[return-value]
        value = instance.__dict__[self.name] = self.compute(instance)
        return value


class Evaluation:
    """What the rule set concluded on some facts: which rules fired, each mode's scores, the
    ranking, the recommendation and whether it meets its contract.

    The compiled rule set (advisor.core.compiler) works out the fired rules, the scores and
    the totals; the rest is worked out the first time it is read: the rules behind each
    exclusion, the decisive rules, and the per-condition trace (``outcomes``), which runs
    every rule's own closure on the same facts. The facts must not change afterwards.
    """

    def __init__(
        self,
        ruleset: RuleSet,
        facts: Mapping[str, Any],
        fired_flags: tuple[bool, ...],
        weights: dict[str, float],
        scores: tuple[float, ...],
        totals: dict[Mode, float],
        order: tuple[Mode, ...],
        unpaid: tuple[tuple[Mode, str], ...],
        is_unmet: tuple[bool, ...],
        weighed: tuple[tuple[Mode, Mode], ...] = (),
    ):
        self.ruleset = ruleset
        self.facts = facts
        self.fired_flags = fired_flags  # per rule, in rule-set order
        self.weights = weights
        self._scores = scores
        self.totals = totals
        self.order = order  # all modes, best first: allowed and met, allowed but unmet, excluded
        self.recommendation: Mode = order[0]
        self.feasible: bool = not is_unmet[MODES.index(order[0])]  # the recommendation meets its contract
        self._unpaid = unpaid  # (mode, rule id): modes a fired rule excluded because they did not pay their way
        # (mode, the mode it would replace): each cost a rule that says a mode must pay its way
        # weighed, paid or not (see replaced_mode).
        self.weighed = weighed

    @property
    def ranking(self) -> tuple[Mode, ...]:
        """The modes, best first (the same as ``order``)."""
        return self.order

    @_once
    def axis_scores(self) -> dict[Mode, dict[str, float]]:
        """Mode -> axis -> score."""
        axes = self.ruleset.axis_ids
        n = len(axes)
        return {mode: dict(zip(axes, self._scores[m * n:(m + 1) * n], strict=True)) for m, mode in enumerate(MODES)}

    @_once
    def fired(self) -> tuple[Rule, ...]:
        return tuple(rule for rule, fired in zip(self.ruleset.rules, self.fired_flags, strict=True) if fired)

    @property
    def fired_ids(self) -> tuple[str, ...]:
        """The ids of the rules that fired, in rule-set order."""
        return tuple(rule.id for rule in self.fired)

    @_once
    def excluded(self) -> dict[Mode, tuple[str, ...]]:
        """Mode -> ids of the rules that excluded it."""
        out: dict[Mode, list[str]] = {}
        for rule in self.fired:
            for mode in rule.excludes:
                out.setdefault(mode, []).append(rule.id)
        for mode, rule_id in self._unpaid:
            out.setdefault(mode, []).append(rule_id)
        return {mode: tuple(ids) for mode, ids in out.items()}

    @_once
    def unmet(self) -> dict[Mode, tuple[str, ...]]:
        """Mode -> ids of the rules whose numbers it misses."""
        out: dict[Mode, list[str]] = {}
        for rule in self.fired:
            for mode in rule.unmets:
                out.setdefault(mode, []).append(rule.id)
        return {mode: tuple(ids) for mode, ids in out.items()}

    @_once
    def decided_by(self) -> tuple[str, ...]:
        """Rule ids, most decisive first."""
        # The fired rules, the modes that did not pay their way and the weights decide the
        # totals, the order and every exclusion: workloads alike share the answer.
        key = (self.fired_flags, self._unpaid, tuple(self.weights.values()))
        known: dict[Any, tuple[str, ...]] = self.ruleset.memo.setdefault("decided_by", {})
        decisive = known.get(key)
        if decisive is None:
            decisive = _decisive_rules(
                list(self.fired), self.weights, self.recommendation, self.order, self.totals, self.excluded,
                self.unmet,
            )
            if len(known) < _KNOWN_DECISIONS:
                known[key] = decisive
        return decisive

    @_once
    def outcomes(self) -> tuple[RuleOutcome, ...]:
        """Every rule, whether it fired, and each condition: (fact, op, actual, threshold,
        passed), worked out by the rule's own closure (advisor.core.conditions)."""
        facts = self.facts
        outcomes = []
        for rule, fired in zip(self.ruleset.rules, self.fired_flags, strict=True):
            trace: list[ConditionResult] = []
            rule.check(facts, trace)
            outcomes.append(RuleOutcome(rule, fired, trace))
        return tuple(outcomes)

    @property
    def trace(self) -> tuple[RuleOutcome, ...]:
        """The per-condition trace (the same as ``outcomes``), worked out when first read."""
        return self.outcomes


def reason_text(rule: Rule, facts: Mapping[str, Any], budget_lines: Sequence[float] = ()) -> str:
    """Why this rule rules a mode out, for this workload: its ``reason`` with the facts'
    values written in ("The first token arrives at 0.77 s..."), else the first sentence of
    its ``because``. ``budget_lines``: the rule set's thresholds on the budget, which it is
    said apart from (``budget_seconds``)."""
    return _reason_text(rule, facts, budget_lines, None)


def _reason_text(
    rule: Rule, facts: Mapping[str, Any], budget_lines: Sequence[float], reasons: "Reasons | None"
) -> str:
    template = rule.spec.effect.reason
    if template.strip():
        return " ".join(fill(template, _FactWords(facts, named_in_order(template), budget_lines, reasons)).split())
    return first_sentence(rule.spec.because)


class Reasons:
    """``reason_text`` of one workload's facts, each rule's worked out once: an assessment says
    a rule's reason for each mode it rules out, and again as why the recommendation misses its
    contract (about a third of its reasons repeat one already written); the digits its times
    need against the budget (``budget_digits``), and the budget said in them, once for all its
    reasons. The texts are those ``reason_text`` writes."""

    def __init__(self, facts: Mapping[str, Any], budget_lines: Sequence[float] = ()):
        self.facts = facts
        self.budget_lines = budget_lines
        self._texts: dict[str, str] = {}
        self._extra: int | None = None
        self._budget: str | None = None

    def __call__(self, rule: Rule) -> str:
        text = self._texts.get(rule.id)
        if text is None:
            text = self._texts[rule.id] = _reason_text(rule, self.facts, self.budget_lines, self)
        return text

    def extra(self) -> int:
        """``budget_digits`` of the facts."""
        if self._extra is None:
            self._extra = budget_digits(self.facts)
        return self._extra

    def budget(self, value: float) -> str:
        """The budget (``value``, the facts' own) in words, as ``_FactWords`` says it."""
        if self._budget is None:
            self._budget = budget_seconds(value, self.extra(), self.budget_lines)
        return self._budget


class _FactWords(dict[str, str]):
    """Facts in words, worked out when a reason names them. Where a reason sets times against
    the budget, they are said in the digits that tell them apart ("0.675 s ... after the
    budget of 0.670 s", not "0.67 s ... after the budget of 0.67 s"), as the views say them;
    the budget also in those that tell it from a line a rule draws on it ("1.0003 h", not
    "1 h", where an hour is the line)."""

    def __init__(
        self, facts: Mapping[str, Any], names: Sequence[str] = (), budget_lines: Sequence[float] = (),
        reasons: Reasons | None = None,
    ):
        super().__init__()
        self.facts = facts
        if "caller_timeout_s" in names and "latency_budget_s" not in names:
            self._apart_from("caller_timeout_s", names)
        if "latency_budget_s" not in names:
            return
        extra = budget_digits(facts) if reasons is None else reasons.extra()
        for name in names:
            value = facts.get(name)
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                continue
            if name == "latency_budget_s":
                self[name] = (budget_seconds(float(value), extra, budget_lines) if reasons is None
                              else reasons.budget(float(value)))
            elif extra and FACTS[name].unit == "s":
                self[name] = seconds(float(value), extra)

    def _apart_from(self, line: str, names: Sequence[str]) -> None:
        """The times a reason sets against ``line`` (the caller's timeout) in the digits that
        tell them apart from it ("9.996 s ... gives up after 10.000 s", not "10.00 s ... 10.0 s")."""
        limit = self.facts.get(line)
        if not isinstance(limit, (int, float)) or isinstance(limit, bool):
            return
        times = {
            name: float(value) for name in names
            if FACTS[name].unit == "s" and isinstance(value := self.facts.get(name), (int, float))
            and not isinstance(value, bool)
        }
        extra = max((digits_apart(value, float(limit)) for value in times.values()), default=0)
        if extra:
            for name, value in times.items():
                self[name] = seconds(value, extra)

    def __missing__(self, name: str) -> str:
        return fact_text(name, self.facts.get(name))


# A sentence ends at . ! or ? before a capital or a digit, but not at "vs." (the title "Sync
# vs. Async AI Inference" is cited inside sentences) nor "e.g." or "i.e.".
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\bvs\.)(?<!\be\.g\.)(?<!\bi\.e\.)\s+(?=[A-Z0-9])")


@functools.lru_cache(maxsize=1024)  # a rule's words, read again for each workload it decides
def first_sentence(text: str) -> str:
    """The first sentence of a rule's ``because``, on one line."""
    return _SENTENCE_END.split(" ".join(text.split()), maxsplit=1)[0]


def evaluate_rule(rule: Rule, facts: Mapping[str, Any]) -> RuleOutcome:
    """Evaluate one rule with its full condition trace."""
    out: list[ConditionResult] = []
    return RuleOutcome(rule, rule.check(facts, out), out)


def evaluate(
    ruleset: RuleSet,
    facts: Mapping[str, Any],
    weights: Mapping[str, float] | None = None,
) -> Evaluation:
    """Evaluate the rule set on ``facts`` (``ruleset.evaluate`` is the same call)."""
    # Not "if weights": 0, [] or "" would weigh as the rule set does, unsaid, where a list of
    # pairs is refused.
    if weights is not None:
        if not isinstance(weights, Mapping):
            raise InputError(
                "must be a mapping of axis name to weight, such as {'cost_burst': 2.5} "
                f"(got {type(weights).__name__})",
                field="weights",
            )
        w = dict(ruleset.weights)
        unknown = set(weights) - set(w)
        if not_text := [axis for axis in unknown if not isinstance(axis, str)]:
            raise InputError(f"axis names must be text (got {not_text[0]!r}); axes: {', '.join(ruleset.axis_ids)}",
                             field="weights")
        if unknown:
            raise InputError(
                f"unknown axis in weights: {', '.join(sorted(unknown))}; axes: {', '.join(ruleset.axis_ids)}",
                field="weights",
            )
        w.update(weights)
        if (problem := weights_problem(w)) is not None:
            raise InputError(problem, field="weights")
        vector: tuple[float, ...] = tuple(w[a] for a in ruleset.axis_ids)
    else:
        w = ruleset.weights
        vector = ruleset.weight_vector
    try:
        flags, scores, sums, is_excluded, is_unmet = ruleset.decide(facts, vector)
        # A fact left out would fail every condition on it unseen (evaluate({}) was "sync"). An
        # absent fact is there as None (advisor.facts); advisor's own facts, as many as there are
        # facts, skip the set operation, so that the fast path keeps its speed (a mapping that
        # leaves out as many facts as it adds other keys is not caught).
        if len(facts) != _FACT_COUNT and not facts.keys() >= _FACT_NAMES:
            missing = [name for name in FACTS if name not in facts]
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            raise InputError(
                f"facts missing: {', '.join(missing[:5])}{more}; advisor.facts(profile) gives every fact as the rules "
                "read it (an absent one as None)",
                field="facts",
            )
    except (TypeError, AttributeError):
        # Facts a caller made by hand (not advisor.facts): say which one is wrong. Checked only
        # here, once the compiled rules have stumbled, to keep the fast path free of it.
        problem = _facts_problem(facts)
        if problem is None:
            raise
        raise InputError(f"{problem}; advisor.facts(profile) gives every fact as the rules read it",
                         field="facts") from None
    if all(is_excluded):
        fired = zip(ruleset.rules, flags, strict=True)
        culprits = sorted({rule.id for rule, flag in fired if flag and rule.excludes})
        raise RuleSetError(
            f"the rule set excludes every mode for this workload (rules {', '.join(culprits)}); "
            "its hard constraints contradict each other",
            source=ruleset.path,
        )
    totals: dict[Mode, float] = dict(zip(MODES, sums, strict=True))
    tie = ruleset.tie_rank
    keys = {
        mode: (is_excluded[m], is_unmet[m], -round(sums[m], 9), tie[mode]) for m, mode in enumerate(MODES)
    }
    order = tuple(sorted(MODES, key=keys.__getitem__))
    unpaid: tuple[tuple[Mode, str], ...] = ()
    weighed: tuple[tuple[Mode, Mode], ...] = ()
    payers = [(mode, ruleset.rules[i].id) for i, mode in ruleset.pays_its_way if flags[i]]
    if payers:
        excluded = list(is_excluded)
        for mode, rule_id in payers:
            # It costs at least as much as the mode it would replace (one that meets its
            # contract as well as it does): that mode is recommended.
            replaced = replaced_mode(order, mode, _ModeFlags(excluded), _ModeFlags(is_unmet))
            if replaced is not None:
                weighed += ((mode, replaced),)
            if replaced is not None and not _pays(facts, mode, replaced):
                excluded[MODES.index(mode)] = True
                unpaid += ((mode, rule_id),)
                keys[mode] = (True, *keys[mode][1:])
                order = tuple(sorted(MODES, key=keys.__getitem__))
    return Evaluation(ruleset, facts, flags, dict(w), scores, totals, order, unpaid, is_unmet, weighed)


_FACT_NAMES = frozenset(FACTS)
_FACT_COUNT = len(_FACT_NAMES)


def _facts_problem(facts: Any) -> str | None:
    """What is wrong with facts a caller passed to ``evaluate``, in words (None: nothing seen)."""
    if not isinstance(facts, Mapping):
        return f"expected a mapping of fact name to value (got {type(facts).__name__})"
    for name, spec in FACTS.items():
        value = facts.get(name)
        if value is None:
            continue  # a missing fact fails every condition on it (advisor.core.conditions)
        if spec.numeric:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                article = "an" if spec.type == "integer" else "a"
                return f"fact '{name}' is {article} {spec.type} (got {value!r})"
        elif spec.type == "boolean":
            if not isinstance(value, bool):
                return f"fact '{name}' is a boolean (got {value!r})"
        elif spec.type == "enum":
            if not isinstance(value, str) or value not in spec.allowed:
                return f"fact '{name}' allows {', '.join(spec.allowed)} (got {value!r})"
        elif not isinstance(value, str):
            return f"fact '{name}' is text (got {value!r})"
    return None


class _ModeFlags:
    """Per-mode flags (in MODES order) read as the modes they flag: ``mode in flags``, with no
    set built for each rule that says a mode must pay its way."""

    __slots__ = ("flags",)

    def __init__(self, flags: Sequence[bool]):
        self.flags = flags

    def __contains__(self, mode: object) -> bool:
        return bool(self.flags[MODES.index(mode)])


def replaced_mode(
    order: Sequence[Mode], mode: Mode, excluded: Container[Mode], unmet: Container[Mode]
) -> Mode | None:
    """The mode ``mode`` would replace, whose monthly total a rule that says it must pay its
    way weighs it against: the one the rules rank next, the one they would choose without it
    (async for a nightly pipeline, sync for a simple script). None where ``mode`` does not
    rank first, or where the next one is ruled out, or misses its contract where ``mode``
    meets its own: no cost is weighed then. ``order``: every mode, best first."""
    if len(order) < 2 or order[0] != mode:
        return None
    replaced = order[1]
    if replaced in excluded or (replaced in unmet and mode not in unmet):
        return None
    return replaced


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
    excluded: Mapping[Mode, Sequence[str]],
    unmet: Mapping[Mode, Sequence[str]],
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
        scores = rule.spec.effect.scores
        margin = scores.get(winner, 0.0) - (scores.get(runner_up, 0.0) if runner_up else 0.0)
        margin *= weights[rule.axis]
        if margin > 0:
            margins.append((-margin, index, rule.id))
    for _, _, rule_id in sorted(margins):
        if rule_id not in decisive:
            decisive.append(rule_id)
    return tuple(decisive)
