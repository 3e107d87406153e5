"""The assessment: everything the advisor concluded about one workload, and why.

``assess(profile)`` is the one call that does the thinking. The CLI, the app and the
decision records are views of the Assessment it returns; ``model_dump(mode="json")`` is
the machine-readable form, with stable keys.
"""

import datetime
import functools
import re
import struct
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    ModelWrapValidatorHandler,
    PrivateAttr,
    TypeAdapter,
    computed_field,
    model_validator,
)

from .assumption import Assumption
from .capacity import Capacity
from .citation import SKIP_REAL_TIME, SourceInfo, document_ids, source_map
from .conditions import condition_facts
from .cost import (
    BatchCacheHitsRisk,
    ModeCost,
    OffPeakHours,
    StepCost,
    UnpricedReasoning,
    unpriced_reasoning,
    unpriced_reasoning_usd,
)
from .engine import Evaluation, Reasons, evaluate, first_sentence, reason_text
from .errors import InputError
from .figures import count, money, percent
from .latency import LatencyEstimate
from .levers import Lever, OffPeakLever, find_levers, off_peak_lever
from .policy import answers_of
from .prices import RateSet
from .probe import ModeProbe
from .profile import MODES, Mode, WorkloadProfile, as_read, parse_profile
from .provider import batch_queue_assumption, typical_batch_assumption
from .rule import Rule
from .rules import RuleSet, load_rules
from .situation import Situation, situate
from .steps import work_steps
from .version import __version__
from .whatif import Change, what_would_change

_FROZEN = ConfigDict(frozen=True, defer_build=True)


class RuleSetInfo(BaseModel):
    model_config = _FROZEN
    id: str
    version: str
    hash: str


class AxisInfo(BaseModel):
    model_config = _FROZEN
    id: str
    name: str
    weight: float
    question: str


class ModeRank(BaseModel):
    model_config = _FROZEN
    mode: Mode
    rank: int
    total: float
    axis_scores: dict[str, float]
    excluded: bool
    unmet: bool  # the right contract, but this workload's numbers miss it


class Exclusion(BaseModel):
    """A mode ruled out (``excluded``) or missing its contract (``unmet``): the rules that say
    so and, per rule, why in one sentence, with this workload's numbers where it has them."""

    model_config = _FROZEN
    mode: Mode
    rules: list[str]
    reasons: list[str]


class FiredRule(BaseModel):
    model_config = _FROZEN
    id: str
    axis: str
    title: str
    because: str
    source: str
    source_ids: list[str] = []  # the documents ``source`` cites: keys of the assessment's ``sources``
    scores: dict[str, float]
    exclude: list[Mode]
    unmet: list[Mode]
    patterns: list[str]


class Pattern(BaseModel):
    model_config = _FROZEN
    id: str
    name: str
    description: str
    source: str
    rules: list[str]
    source_ids: list[str] = []


class Risk(BaseModel):
    model_config = _FROZEN
    risk: str
    mitigation: str
    source: str
    source_ids: list[str] = []


class ConditionTrace(BaseModel):
    """One comparison of a rule: the fact's value against the threshold, whether it passed,
    and where it sits in the rule's ``when`` (``when.all[1].not.all[0]``: under a ``not``,
    so the rule needs it to fail)."""

    model_config = _FROZEN
    fact: str
    op: str
    actual: Any
    threshold: Any
    passed: bool
    path: str = "when"


class RuleTrace(BaseModel):
    model_config = _FROZEN
    rule: str
    fired: bool
    conditions: list[ConditionTrace]


class PriceBasis(BaseModel):
    """What every cost figure rests on: prices, their date and source, the build defaults."""

    model_config = _FROZEN
    provider: str
    model: str
    source: str
    price_date: datetime.date
    data_version: str
    service_tier: str  # the tier whose prices `standard` holds: standard, flex or priority
    standard: RateSet
    batch: RateSet
    batch_source: str
    batch_available: bool  # False: the provider has no batch API (batch holds standard prices)
    flex: RateSet | None  # the flex tier's prices, where the model has one
    flex_source: str | None
    request_tokens_usd: dict[Mode, float]
    batch_token_saving_usd_per_month: float
    batch_token_saving_fraction: float
    batch_breakeven_requests_per_month: float | None
    usd_per_person_week: float
    amortisation_months: int
    # Each step's share of the token bill, priced with its own model's prices (one entry for
    # the single-call shorthand); `pricing` above is the shown step's card.
    steps: list[StepCost] = []
    # A model that reasons with no reasoning_tokens given: each step's reasoning as the latency
    # times it, and what it would add a month at the output price (not in any figure above);
    # the sum over the steps, each mode's. Empty and None where the bill leaves nothing out.
    unpriced_reasoning: list[UnpricedReasoning] = []
    unpriced_reasoning_usd_per_month: dict[Mode, float] | None = None
    # Where a step's price depends on the hour (DeepSeek): the hours of the day a request costs
    # least in, read from the price data, and the shown step's prices in them (None where its
    # own price is the same all day). The figures above stay at the hour the catalogue prices
    # at (its peak rate, an upper bound); each mode's off_peak_total_usd is the month there.
    off_peak: OffPeakHours | None = None
    off_peak_rates: RateSet | None = None
    # On the flex tier: sync's, streaming's and async's token bill if flex refused every call and
    # each fell back to the standard tier, at its prices (None: not on flex, or not known).
    fallback_tokens_usd_per_month: float | None = None
    # Where batch's bill assumes a prompt-cache hit rate its provider provides inside a batch on a
    # best-effort basis only: the range it states, and batch's bill at its low end (None: not so).
    batch_cache_hits: BatchCacheHitsRisk | None = None
    # Where a step reads input from the prompt cache: sync's, streaming's and async's token bill
    # with none of it read from the cache (None: nothing is cached).
    uncached_tokens_usd_per_month: float | None = None


class Assessment(BaseModel):
    model_config = _FROZEN

    advisor_version: str
    ruleset: RuleSetInfo
    workload: WorkloadProfile
    price_date: datetime.date
    recommendation: Mode
    contract: Literal["synchronous", "asynchronous"]
    reason: str
    # Whether the recommended mode meets its contract; when not, one sentence with the numbers.
    feasible: bool
    infeasible_reason: str | None
    decided_by: list[str]
    axes: list[AxisInfo]
    ranking: list[ModeRank]
    excluded: list[Exclusion]
    unmet: list[Exclusion]
    fired_rules: list[FiredRule]
    patterns: list[Pattern]
    latency: LatencyEstimate
    costs: dict[Mode, ModeCost]
    pricing: PriceBasis
    capacity: Capacity
    risks: list[Risk]
    checklist: list[str]
    assumptions: list[Assumption]
    facts: dict[str, Any]
    # The recommended mode run in the off-peak hours of a provider priced by the hour, where
    # its calls can be scheduled into them (advisor.core.levers.off_peak_lever); else None.
    off_peak: OffPeakLever | None = None
    # trace, what_would_change and levers: worked out when first read (below), and in the
    # JSON after facts, in that order; then sources, the documents every source cites.

    # The rule set that made it: the views read its wording and policy. Not serialised.
    _rules: RuleSet | None = PrivateAttr(default=None)
    # The trace, the what-if changes and the levers, and what they are worked out from.
    _later: "_Later | None" = PrivateAttr(default=None)
    # The documents cited, by id: made when first read (or as read back from the JSON).
    _sources: dict[str, SourceInfo] | None = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _with_given(cls, data: Any, handler: ModelWrapValidatorHandler["Assessment"]) -> "Assessment":
        """An assessment read back from its JSON keeps the trace, changes and levers it holds."""
        given = {}
        sources = None
        if isinstance(data, Mapping) and not _LAZY.isdisjoint(data):
            data = dict(data)
            given = {key: data.pop(key) for key in _LAZY if key in data}
        if isinstance(data, Mapping) and "sources" in data:
            data = dict(data)
            sources = _lazy_adapters()["sources"].validate_python(data.pop("sources"))
        assessment = handler(data)
        assessment._sources = sources
        if given:
            lists = _lazy_adapters()
            assessment._later = _Later(
                trace=lists["trace"].validate_python(given.get("trace", [])),
                changes=lists["what_would_change"].validate_python(given.get("what_would_change", [])),
                levers=lists["levers"].validate_python(given.get("levers", [])),
            )
        return assessment

    @computed_field  # type: ignore[prop-decorator]
    @property
    def trace(self) -> list[RuleTrace]:
        """Every rule, whether it fired, and each condition: actual value against threshold."""
        later = self._later
        if later is None:
            return []
        if later.trace is None:
            ruleset = self._rules
            later.trace = [] if ruleset is None else _trace_of(evaluate(ruleset, self.facts, later.weights))
        return later.trace

    @computed_field  # type: ignore[prop-decorator]
    @property
    def what_would_change(self) -> list[Change]:
        """The nearest changes of one answer that change the recommendation (found by
        re-evaluating), searched when first read."""
        later = self._later
        if later is None:
            return []
        if later.changes is None:
            later.search(self)
        return later.changes or []

    @computed_field  # type: ignore[prop-decorator]
    @property
    def levers(self) -> list[Lever]:
        """Changes that make it feasible or cheaper (found by re-running), searched when first read."""
        later = self._later
        if later is None:
            return []
        if later.levers is None:
            later.search(self)
        return later.levers or []

    @computed_field  # type: ignore[prop-decorator]
    @property
    def sources(self) -> dict[str, SourceInfo]:
        """Every document a ``source`` here cites, once, by the id its ``source_ids`` give:
        its title, and its url, date and kind where the catalogue has them."""
        if self._sources is None:
            ruleset = self._rules
            self._sources = {} if ruleset is None else source_map(
                self._cited(), _documents(ruleset, self._cited()), ruleset.catalogue
            )
        return self._sources

    def _cited(self) -> list[str]:
        cap = self.capacity
        groups = [
            *(r.source_ids for r in self.fired_rules), *(p.source_ids for p in self.patterns),
            *(r.source_ids for r in self.risks), *(x.source_ids for x in self.assumptions),
            *(x.source_ids for x in cap.assumptions), cap.limits_source_ids, *(m.limits_source_ids for m in cap.models),
        ]
        return list(dict.fromkeys(key for group in groups for key in group))

    def __eq__(self, other: object) -> bool:
        # What it says, whether or not its trace, changes and levers were read yet.
        if not isinstance(other, Assessment):
            return NotImplemented
        return self.model_dump() == other.model_dump()

    __hash__ = None  # type: ignore[assignment]

    @property
    def rules(self) -> RuleSet:
        """The rule set this assessment was made with (its wording, risks and advice)."""
        if self._rules is None:
            raise InputError("this assessment was not made by advisor.assess(); its rule set is unknown")
        return self._rules

    def rank_of(self, mode: str) -> ModeRank:
        return next(r for r in self.ranking if r.mode == mode)

    def risks_of(self, mode: Mode) -> tuple[Risk, ...]:
        """The risks of any mode said for this workload, chosen as ``risks`` is for the
        recommended one (the record names another option's main risk from them)."""
        if mode == self.recommendation:
            return tuple(self.risks)
        return _shared(self.rules).risks(mode, self.latency.calls > 1, answers_of(self.workload))


# -- the one call -------------------------------------------------------------------


def assess(
    profile: WorkloadProfile | Mapping[str, Any],
    rules: RuleSet | str | Path | None = None,
    *,
    weights: Mapping[str, float] | None = None,
    price_date: datetime.date | str | None = None,
    what_if: bool = True,
) -> Assessment:
    """Assess one workload: the recommended mode, the ranking, the reasons, the money.

    ``rules`` is a loaded RuleSet or a rule-set folder (default: $ADVISOR_RULES, else the
    shipped rule set); ``weights`` reweights the axes; ``price_date`` picks the prices in
    force that day (a datetime.date or text YYYY-MM-DD; default: today, UTC);
    ``what_if=False`` skips the search for what would change the decision (the costly part,
    not needed in bulk reviews).
    """
    if not isinstance(profile, WorkloadProfile):
        if not isinstance(profile, Mapping):
            raise InputError(f"expected a workload profile or a mapping, got {type(profile).__name__}")
        profile = parse_profile(dict(profile))
    else:
        profile = as_read(profile)
    ruleset = rules if isinstance(rules, RuleSet) else load_rules(rules)
    situation = situate(profile, ruleset, price_date)
    evaluation = evaluate(ruleset, situation.facts, weights)
    return build_assessment(ruleset, situation, evaluation, what_if=what_if, weights=weights)


def build_assessment(
    ruleset: RuleSet,
    situation: Situation,
    evaluation: Evaluation,
    changes: list[Change] | None = None,
    levers: list[Lever] | None = None,
    *,
    what_if: bool = False,
    weights: Mapping[str, float] | None = None,
) -> Assessment:
    """The Assessment of an evaluation. ``changes`` and ``levers``: already found; else, with
    ``what_if``, searched when first read (under ``weights``), and without it, none."""
    header = ruleset.header
    shared = _shared(ruleset)
    winner = evaluation.recommendation
    fired = evaluation.fired
    by_id = {rule.id: rule for rule in fired}

    excluded_modes = evaluation.excluded
    # A mode the policy rules out is not also reported as missing its contract.
    unmet_modes = {m: ids for m, ids in evaluation.unmet.items() if m not in excluded_modes}
    facts = situation.facts
    budget_lines = ruleset.thresholds("latency_budget_s")
    ranking = [
        shared.rank(
            mode, i + 1, round(evaluation.totals[mode], 6), evaluation.axis_scores[mode], mode in excluded_modes,
            mode in unmet_modes,
        )
        for i, mode in enumerate(evaluation.order)
    ]

    # Each rule's reason once, however many modes it rules out (and the contract it misses).
    reasons = Reasons(facts, budget_lines)

    def ruled_out(modes: Mapping[Mode, tuple[str, ...]], numbers: bool) -> list[Exclusion]:
        return [
            shared.exclusion(mode, ids, [
                reasons(by_id[i])
                if numbers or by_id[i].spec.effect.reason.strip() else by_id[i].spec.because.strip()
                for i in ids
            ])
            for mode in MODES
            if (ids := modes.get(mode))
        ]

    excluded = ruled_out(excluded_modes, numbers=False)
    unmet = ruled_out(unmet_modes, numbers=True)
    infeasible_reason = infeasible_reason_of(
        ruleset, evaluation, situation.latency, reasons if evaluation.facts is facts else None,
        stepped=situation.profile.steps is not None,
    )
    checklist = list(header.modes[winner].checklist)
    for rule in fired:
        if items := rule.spec.effect.checklist.get(winner):  # most fired rules add none
            checklist.extend(item for item in items if item not in checklist)
    patterns: dict[str, dict[str, Any]] = {}
    for rule in fired:
        for pid in rule.spec.effect.patterns:
            pattern = ruleset.pattern(pid)
            if winner not in pattern.applies_to:
                continue
            entry = patterns.setdefault(
                pid,
                {"id": pid, "name": pattern.name, "description": pattern.description.strip(),
                 "source": pattern.source, "rules": [], "source_ids": shared.cited(pattern.source)},
            )
            entry["rules"].append(rule.id)

    decisive = evaluation.decided_by
    mode_spec = header.modes[winner]
    reason = headline_reason(ruleset, evaluation)
    pricing = situation.costs
    card = situation.card
    # Worked out only where a reasoning model's reasoning is left out of the bill (rare).
    unpriced = unpriced_reasoning(
        situation.profile, situation.steps or work_steps(situation.profile), situation.latency, card,
        ruleset.catalogue, pricing.off_peak.at_s if pricing.off_peak is not None else None,
    ) if situation.latency.reasoning_unpriced else ()
    data = {
        "advisor_version": __version__,
        "ruleset": shared.info,
        "workload": situation.profile,
        "price_date": card.price_date,
        "recommendation": winner,
        "contract": mode_spec.contract,
        "reason": reason,
        "feasible": evaluation.feasible,
        "infeasible_reason": infeasible_reason,
        "decided_by": list(decisive),
        "axes": shared.axes(evaluation.weights),
        "ranking": ranking,
        "excluded": excluded,
        "unmet": unmet,
        "fired_rules": [shared.fired_rule(r) for r in fired],
        "patterns": list(patterns.values()),
        "latency": situation.latency,
        "costs": pricing.modes,
        "pricing": {
            "provider": card.provider, "model": card.model, "source": card.source,
            "price_date": card.price_date, "data_version": card.data_version,
            "service_tier": card.service_tier, "standard": card.standard, "batch": card.batch,
            "batch_source": card.batch_source, "batch_available": card.batch_available,
            "flex": card.flex, "flex_source": card.flex_source,
            "request_tokens_usd": pricing.request_tokens_usd,
            "batch_token_saving_usd_per_month": pricing.batch_token_saving_usd_per_month,
            "batch_token_saving_fraction": pricing.batch_token_saving_fraction,
            "batch_breakeven_requests_per_month": pricing.batch_breakeven_requests_per_month,
            "usd_per_person_week": pricing.usd_per_person_week,
            "amortisation_months": pricing.amortisation_months,
            "steps": list(pricing.steps),
            "unpriced_reasoning": list(unpriced),
            "unpriced_reasoning_usd_per_month": unpriced_reasoning_usd(unpriced),
            "off_peak": pricing.off_peak,
            "off_peak_rates": (card.rates_at(pricing.off_peak.at_s)
                               if pricing.off_peak is not None and card.hourly is not None else None),
            "fallback_tokens_usd_per_month": pricing.fallback_tokens_usd,
            "batch_cache_hits": pricing.batch_cache,
            "uncached_tokens_usd_per_month": pricing.uncached_tokens_usd,
        },
        "capacity": situation.capacity,
        "risks": [*shared.risks(winner, situation.latency.calls > 1, answers_of(situation.profile)),
                  *_batch_cache_risk(pricing.batch_cache, winner)],
        "checklist": [*checklist, *_batch_cache_checklist(pricing.batch_cache, winner, checklist)],
        # Measured figures say so first: "measured from N traces between A and B".
        "assumptions": [
            *([situation.profile.evidence.assumption()] if situation.profile.evidence else []),
            *_peak_below_average(situation.profile), *situation.assumptions, *_typical_batch(ruleset, situation),
            *_batch_queue(ruleset, situation, winner), *_batch_window_taken(ruleset, situation),
        ],
        "facts": situation.facts,
        "off_peak": off_peak_lever(situation, winner, evaluation.feasible, ruleset.catalogue),
    }
    assessment = Assessment.model_validate(data)
    assessment._rules = ruleset
    if changes is not None or levers is not None or not what_if:
        assessment._later = _Later(weights, changes=changes or [], levers=levers or [])
    else:
        assessment._later = _Later(weights)
    return assessment


class _Later:
    """What an assessment works out when first read: its trace, what would change and its
    levers. They are worked out again from the assessment's own workload, facts and price
    date under its rule set and weights (the same numbers: ``situate`` and ``evaluate`` are
    deterministic), so that an assessment kept in a list holds no evaluation and no
    situation, only what it reports."""

    __slots__ = ("changes", "levers", "trace", "weights")

    def __init__(
        self,
        weights: Mapping[str, float] | None = None,
        *,
        trace: list[RuleTrace] | None = None,
        changes: list[Change] | None = None,
        levers: list[Lever] | None = None,
    ):
        self.weights = dict(weights) if weights else None
        self.trace = trace
        self.changes = changes
        self.levers = levers

    def search(self, assessment: Assessment) -> None:
        ruleset = assessment._rules
        if ruleset is None:
            self.changes, self.levers = [], []
            return
        situation = situate(assessment.workload, ruleset, assessment.price_date)
        evaluation = evaluate(ruleset, situation.facts, self.weights)
        probe = ModeProbe(situation.profile, ruleset, weights=self.weights, price_date=situation.card.price_date,
                          base=situation)
        self.changes = what_would_change(situation.profile, ruleset, evaluation.recommendation, probe=probe,
                                         feasible=evaluation.feasible)
        self.levers = find_levers(probe, evaluation)


class _Shared:
    """The parts of an assessment that depend only on its rule set (and the axes' weights),
    made once per rule set, and the rankings and exclusions that repeat between workloads,
    made once each: shared by the assessments (pydantic keeps a model instance it is given),
    so that an assessment kept in a list holds only what is its own, for the garbage
    collector to scan. Like every part of an assessment, they are not to be changed."""

    def __init__(self, ruleset: RuleSet):
        self.ruleset = ruleset
        self.info = RuleSetInfo(id=ruleset.id, version=ruleset.version, hash=ruleset.content_hash)
        self._fired: dict[str, FiredRule] = {}
        self._risks: dict[tuple[Any, ...], tuple[Risk, ...]] = {}
        self._axes: dict[tuple[float, ...], tuple[AxisInfo, ...]] = {}
        # Rankings and exclusions repeat from workload to workload (the same rules fired, the
        # same numbers): one instance each, up to a bound.
        self._ranks: dict[tuple[Any, ...], ModeRank] = {}
        self._exclusions: dict[tuple[Any, ...], Exclusion] = {}
        self._cited: dict[str, list[str]] = {}

    def cited(self, source: str) -> list[str]:
        """The rule set's documents a rule's, pattern's or risk's ``source`` names."""
        made = self._cited.get(source)
        if made is None:
            made = self._cited[source] = list(document_ids(source, self.ruleset.header.sources))
        return made

    def fired_rule(self, rule: Rule) -> FiredRule:
        made = self._fired.get(rule.id)
        if made is None:
            spec = rule.spec
            made = self._fired[rule.id] = FiredRule(
                id=rule.id, axis=spec.axis, title=spec.title, because=spec.because.strip(), source=spec.source,
                source_ids=self.cited(spec.source),
                scores=spec.effect.scores, exclude=list(spec.effect.excluded_modes), unmet=list(spec.effect.unmet),
                patterns=list(spec.effect.patterns),
            )
        return made

    def risks(self, mode: Mode, chained: bool, answers: Mapping[str, str]) -> tuple[Risk, ...]:
        """The mode's risks said for a workload with these answers (the rule set's ``when``),
        as they read for a request of one call or a chain of several."""
        key = (mode, chained, *answers.values())
        made = self._risks.get(key)
        if made is None:
            made = self._risks[key] = tuple(
                Risk(risk=risk, mitigation=mitigation, source=r.source, source_ids=self.cited(r.source))
                for r in self.ruleset.header.modes[mode].risks_for(answers)
                for risk, mitigation in [r.said(chained)]
            )
        return made

    def rank(
        self, mode: Mode, rank: int, total: float, axis_scores: Mapping[str, float], excluded: bool, unmet: bool
    ) -> ModeRank:
        # The scores by their bits: 0.0 and -0.0 are equal keys but print differently (and
        # packing them is a sixth of the time their repr takes).
        scores = tuple(axis_scores.values())
        key = (mode, rank, tuple(axis_scores), struct.pack(f"{len(scores) + 1}d", total, *scores), excluded, unmet)
        made = self._ranks.get(key)
        if made is None:
            made = ModeRank(mode=mode, rank=rank, total=total, axis_scores=axis_scores, excluded=excluded, unmet=unmet)
            _remember(self._ranks, key, made)
        return made

    def exclusion(self, mode: Mode, rules: tuple[str, ...], reasons: list[str]) -> Exclusion:
        key = (mode, rules, tuple(reasons))
        made = self._exclusions.get(key)
        if made is None:
            made = Exclusion(mode=mode, rules=list(rules), reasons=reasons)
            _remember(self._exclusions, key, made)
        return made

    def axes(self, weights: Mapping[str, float]) -> tuple[AxisInfo, ...]:
        key = tuple(weights[a.id] for a in self.ruleset.header.axes)
        made = self._axes.get(key)
        if made is None:
            if len(self._axes) >= 64:  # weights a user tries one after another: keep the latest
                self._axes.clear()
            made = self._axes[key] = tuple(
                AxisInfo(id=a.id, name=a.name, weight=weights[a.id], question=a.question)
                for a in self.ruleset.header.axes
            )
        return made


_REMEMBERED = 4096  # instances of a kind kept per rule set; then the cache starts again


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
    if len(cache) >= _REMEMBERED:
        cache.clear()
    cache[key] = value


def _shared(ruleset: RuleSet) -> _Shared:
    shared = ruleset.memo.get("assessment")
    if shared is None:
        shared = ruleset.memo["assessment"] = _Shared(ruleset)
    return shared


def infeasible_reason_of(
    ruleset: RuleSet, evaluation: Evaluation, latency: LatencyEstimate | None = None, reasons: Reasons | None = None,
    stepped: bool = False,
) -> str | None:
    """Why the recommendation misses its contract, in one sentence with the numbers (the
    first rule that says so); None when it meets it. A miss on latency by a model timed at a
    stand-in says so: the verdict is only as good as the speed it assumed. ``reasons``: the
    reasons already written for the evaluation's facts under the rule set's budget lines.
    ``stepped``: the workload gives ``steps``, whose times are each step's own fields."""
    if evaluation.feasible:
        return None
    unmet_by = evaluation.unmet[evaluation.recommendation]
    budget_lines = ruleset.thresholds("latency_budget_s")

    def written(rule_id: str) -> str:
        rule = ruleset.rule(rule_id)
        return reason_text(rule, evaluation.facts, budget_lines) if reasons is None else reasons(rule)

    reason = written(unmet_by[0])
    # A miss at the rate limits said first would hide a miss on latency that no higher tier
    # or smoother peak cures ("needs 1.8x its rate limit" beside a 4.58 s job against 2 s):
    # the first miss on latency is said as well, and the speed it rests on.
    on_latency = [r for r in unmet_by if ruleset.rule(r).spec.axis == "latency"]
    if on_latency and on_latency[0] != unmet_by[0]:
        reason += " Within the rate limits it would still miss the budget: " + _lower_first(written(on_latency[0]))
    if latency is not None and on_latency and latency_miss_on_stand_in(ruleset, on_latency, latency):
        reason += " " + _timed_at_a_stand_in(latency, evaluation.facts.get("output_format"), stepped)
    if latency is not None and on_latency and latency_miss_on_benchmark(ruleset, on_latency, latency):
        reason += " " + _timed_at_a_benchmark(latency, evaluation.facts.get("output_format"), stepped)
    return reason


def _lower_first(text: str) -> str:
    """A sentence carried on after a colon: "The work takes ..." -> "the work takes ..."."""
    return text[0].lower() + text[1:] if re.match(r"[A-Z][a-z]", text) else text


def _give_its_p95(latency: LatencyEstimate, models: tuple[str, ...], output_format: object, stepped: bool) -> str:
    """Where a measured time goes: the single-call fields, or the fields of each step that
    calls one of ``models`` (a workload with steps refuses the single-call model_p95_s)."""
    # An embedding has no first token to give: its vector comes whole.
    first = "" if output_format == "embedding" else " ({}ttft_s for the first token)"
    if not stepped:
        return "measure the call and give its p95 as model_p95_s" + first.format("")
    bare = {m.split(" (", 1)[0] for m in models}  # a benchmarked model is "gpt-5.4 (its conditions)"
    names = [f"'{s.name}'" for s in latency.steps if s.model in bare and not s.measured]
    if len(names) == 1:
        return (f"measure a call of step {names[0]} and give its p95 as the step's model_p95_s"
                + first.format("the step's "))
    which = ", ".join(names[:-1]) + f" and {names[-1]}" if names else "that call it"
    return (f"measure a call of each of the steps {which} and give its p95 as that step's model_p95_s"
            + first.format("that step's "))


def _timed_at_a_benchmark(latency: LatencyEstimate, output_format: object, stepped: bool = False) -> str:
    """"The speed of gpt-4.1-mini is a benchmark's (measured with 10,000 input tokens), not
    this call's (see the assumptions): measure the call ..." Said beside a miss on latency, as
    a stand-in's is, for every speed the catalogue says was measured under stated conditions:
    no threshold on how unlike this call they are (the catalogue states them in words)."""
    models = " and ".join(latency.benchmarked)
    whose = "a benchmark's" if len(latency.benchmarked) == 1 else "benchmarks'"
    return (f"The speed of {models} is {whose}, not this call's (see the assumptions): "
            f"{_give_its_p95(latency, latency.benchmarked, output_format, stepped)} before acting on this verdict.")


def _timed_at_a_stand_in(latency: LatencyEstimate, output_format: object, stepped: bool = False) -> str:
    """"gpt-5.4-mini has no measured speed, so it is timed at a stand-in (see the
    assumptions): measure the call and give its p95 as model_p95_s (ttft_s for the first
    token) before acting on this verdict." """
    models = " and ".join(latency.stand_ins)
    have = "has" if len(latency.stand_ins) == 1 else "have"
    it = "it is" if have == "has" else "they are"
    # An embedding model is timed at a generating model's range (seed 003's): it says so.
    what = " taken from text-generating models" if output_format == "embedding" else ""
    return (f"{models} {have} no measured speed, so {it} timed at a stand-in{what} (see the assumptions): "
            f"{_give_its_p95(latency, latency.stand_ins, output_format, stepped)} before acting on this verdict.")


# How a verdict that meets its contract on a stand-in speed is labelled.
FEASIBLE_ON_STAND_IN = "Feasible on an assumed speed"


def feasible_on_stand_in(a: Assessment) -> str | None:
    """Where the recommendation meets its contract on the latency of a model timed at a
    stand-in (no measured speed: its provider's slowest measured model), why the verdict is
    only as good as that speed, as the not-feasible one says it; None otherwise. A batch is
    judged by its window, which no model speed moves."""
    if not a.feasible or not a.latency.stand_ins or a.recommendation == "batch":
        return None
    return _timed_at_a_stand_in(a.latency, a.workload.output_format, a.workload.steps is not None)


def missed_on_stand_in(ruleset: RuleSet, evaluation: Evaluation, latency: LatencyEstimate | None) -> bool:
    if evaluation.feasible or latency is None:
        return False
    return latency_miss_on_stand_in(ruleset, evaluation.unmet[evaluation.recommendation], latency)


# The facts worked out from the models' speeds: a miss on a rule that reads none of them (flex
# while someone waits) stands whatever a measurement says, so it is not said to rest on a speed.
SPEED_FACTS = frozenset({
    "per_call_p95_s", "end_to_end_p50_s", "end_to_end_p95_s", "end_to_end_p99_s", "time_to_first_token_s",
    "shown_step_p95_s", "budget_ratio", "caller_cut_off_share", "within_budget",
})


def _misses_on_speed(ruleset: RuleSet, unmet_by: Sequence[str]) -> bool:
    """The first rule the recommendation misses its contract by is on latency and reads a speed."""
    spec = ruleset.rule(unmet_by[0]).spec
    return spec.axis == "latency" and bool(condition_facts(spec.when) & SPEED_FACTS)


def latency_miss_on_benchmark(ruleset: RuleSet, unmet_by: Sequence[str], latency: LatencyEstimate) -> bool:
    """The first rule the recommendation misses its contract by reads latency, and a model is
    timed at a speed measured under conditions the catalogue states (a benchmark's prompt
    size): the miss is only as good as that benchmark is like this call."""
    return bool(latency.benchmarked and unmet_by) and _misses_on_speed(ruleset, unmet_by)


def latency_miss_on_stand_in(ruleset: RuleSet, unmet_by: Sequence[str], latency: LatencyEstimate) -> bool:
    """The first rule the recommendation misses its contract by reads latency, and a model is
    timed at a stand-in: the miss is only as good as the speed it assumed."""
    return bool(latency.stand_ins and unmet_by) and _misses_on_speed(ruleset, unmet_by)


# How the verdict is labelled where it misses its contract: as specified, and, where the
# miss is on latency timed at a stand-in, that the speed it missed on is assumed, not measured.
NOT_FEASIBLE = "Not feasible as specified"
NOT_FEASIBLE_ON_STAND_IN = "Not feasible as specified, on an assumed speed"


def misses_on_stand_in(a: Assessment) -> bool:
    """Does the recommendation miss its contract on latency timed at a stand-in (a model with
    no measured speed, timed at its provider's slowest measured one)? Its verdict is then
    only as good as that assumed speed: the views say so beside "not feasible"."""
    if a.feasible:
        return False
    missed = next((u for u in a.unmet if u.mode == a.recommendation), None)
    return missed is not None and latency_miss_on_stand_in(a.rules, missed.rules, a.latency)


def not_feasible_label(a: Assessment) -> str:
    """"Not feasible as specified", or, on a stand-in speed, "..., on an assumed speed"."""
    return NOT_FEASIBLE_ON_STAND_IN if misses_on_stand_in(a) else NOT_FEASIBLE


def speaks_for(ruleset: RuleSet, rule: Rule, mode: Mode) -> bool:
    """Whether a rule argues for this mode, not only against another: it scores the mode
    above zero and no mode higher (the mode it favours), or it rules out every mode whose
    contract is not this mode's and leaves this one (a ``require`` of it included): the
    contract the mode keeps ("Under 5 seconds the user is watching: real-time, no choice"
    for a synchronous call). A rule that only rules out a mode (a batch window too short,
    batch not paying its way) or only scores modes down argues against those."""
    scores = rule.spec.effect.scores
    if scores.get(mode, 0.0) > 0 and scores[mode] >= max(scores.values()):
        return True
    excluded = rule.excludes
    if not excluded or mode in excluded:
        return False
    modes = ruleset.header.modes
    return all(modes[m].contract == modes[mode].contract for m in MODES if m not in excluded)


def headline_rule(ruleset: RuleSet, evaluation: Evaluation) -> str | None:
    """The decisive rule the headline explains the verdict by: the most decisive that argues
    for the recommended mode (``speaks_for``), else the most decisive (``decided_by`` keeps
    its order: a rule that rules out a better-scoring mode stays first there, but said
    under the verdict it would explain why another mode lost, not why this one won)."""
    return headline_rule_of(ruleset, evaluation.decided_by, evaluation.recommendation)


def headline_rule_of(ruleset: RuleSet, decisive: Sequence[str], winner: Mode) -> str | None:
    """``headline_rule`` from the deciding rules (in their order) and the recommended mode."""
    for rule_id in decisive:
        if speaks_for(ruleset, ruleset.rule(rule_id), winner):
            return rule_id
    return decisive[0] if decisive else None


def headline(ruleset: RuleSet, evaluation: Evaluation) -> tuple[str | None, str]:
    """The headline rule (None: no rule decided) and ``headline_reason``, worked out once."""
    rule_id = headline_rule(ruleset, evaluation)
    if rule_id is not None:
        return rule_id, first_sentence(ruleset.rule(rule_id).spec.because)
    return None, f"{ruleset.header.modes[evaluation.recommendation].name} scores highest with no rule against it."


def headline_reason(ruleset: RuleSet, evaluation: Evaluation) -> str:
    """Why, in one sentence: the headline rule's first sentence (its full ``because``, which
    may go on to say how the sources were reconciled, stays with the fired rule)."""
    return headline(ruleset, evaluation)[1]


# Worked out when first read (Assessment.trace, .what_would_change, .levers).
_LAZY = frozenset({"trace", "what_would_change", "levers"})


@functools.cache
def _lazy_adapters() -> dict[str, TypeAdapter[Any]]:
    return {
        "trace": TypeAdapter(list[RuleTrace]),
        "what_would_change": TypeAdapter(list[Change]),
        "levers": TypeAdapter(list[Lever]),
        "sources": TypeAdapter(dict[str, SourceInfo]),
    }


def _hit_rate(hits: BatchCacheHitsRisk) -> str:
    """The hit rate a batch's is measured against: the workload's ("92%"), or each step's."""
    return "each step's cached share" if hits.cached_input_fraction is None else percent(hits.cached_input_fraction)


def _batch_cache_risk(hits: BatchCacheHitsRisk | None, winner: Mode) -> list[Risk]:
    """Batch recommended where its bill assumes a prompt-cache hit rate its provider provides
    inside a batch on a best-effort basis only: the range the provider states, the bill at its
    low end, and how to find out (the provider catalogue's batch cache_hits)."""
    if hits is None or winner != "batch":
        return []
    field = f"{hits.usage_field} " if hits.usage_field else "the cache reads "
    where = hits.below_words()
    below = (
        f"; if it stays below {where}, assess the workload again with the measured rate as cached_input_fraction"
        if where is not None else ""
    )
    return [Risk(
        risk=f"Prompt-cache hits inside a batch are best-effort at {hits.provider} (typically "
        f"{percent(hits.low)} to {percent(hits.high)}), and batch's token bill of {money(hits.batch_tokens_usd)} a "
        f"month assumes the {_hit_rate(hits)} of real time: at {percent(hits.low)}, its tokens would cost "
        f"{hits.at_low_words()}.",
        mitigation=f"Measure the hit rate of each batch ({field}over all input tokens) from the first one"
        f"{below}.",
        source=hits.source, source_ids=list(hits.source_ids),
    )]


def _batch_cache_checklist(hits: BatchCacheHitsRisk | None, winner: Mode, checklist: list[str]) -> list[str]:
    """What to build where batch's bill leans on prompt-cache hits inside a batch: the provider's
    advice for more of them, and the hit rate of each batch, logged."""
    if hits is None or winner != "batch":
        return []
    advice = f"{hits.advice} ({hits.provider}'s advice for more hits); " if hits.advice else ""
    field = hits.usage_field or "the cache reads"
    item = f"Prompt caching inside batches: {advice}log {field} per batch against its input tokens"
    return [] if item in checklist else [item]


def _peak_below_average(profile: WorkloadProfile) -> list[Assumption]:
    """A peak given below the month's average is raised to the average (``effective_peak_rpm``,
    docs/cost-model.md): said, since every peak figure and rule then uses the average."""
    given, average = profile.peak_requests_per_minute, profile.average_requests_per_minute
    if given is None or given >= average:
        return []
    return [Assumption(
        name="peak",
        value=f"{count(given)} request{'' if count(given) == '1' else 's'} a minute given, below the month's average"
        f" of {count(average)}: "
        "the average is used",
        source="advisor default, docs/cost-model.md: a peak is never below the month's average",
    )]


def _typical_batch(ruleset: RuleSet, situation: Situation) -> list[Assumption]:
    """What most batches take, where the batch option's words lean on it (provider.py)."""
    profile = situation.profile
    found = typical_batch_assumption(
        ruleset.catalogue, profile.provider, situation.facts.get("batch_window_s"), profile.latency_budget_s,
        situation.latency.calls,
    )
    return [found] if found is not None else []


def _batch_window_taken(ruleset: RuleSet, situation: Situation) -> list[Assumption]:
    """A provider the catalogue lacks, whose batch API the workload's own batch_discount
    declares: its completion window is not known, and the one used is OpenAI's and
    Anthropic's, not a figure of its own (situation.py takes 24 h)."""
    provider = situation.profile.provider
    window_s = situation.facts.get("batch_window_s")
    if window_s is None or ruleset.catalogue.provider(provider) is not None:
        return []
    return [Assumption(
        name="batch window",
        value=f"24 h, the completion window OpenAI and Anthropic guarantee: the provider catalogue has no batch "
        f"window for {provider}, whose batch API only the workload's batch_discount states; check the window "
        f"{provider} guarantees before relying on the batch option's timing",
        source=f"{SKIP_REAL_TIME} § The Default That Costs You 50%", source_ids=(SKIP_REAL_TIME,),
    )]


def _batch_queue(ruleset: RuleSet, situation: Situation, winner: Mode) -> list[Assumption]:
    """A batch recommendation leans on the provider's batch queue, which is not checked."""
    found = batch_queue_assumption(ruleset.catalogue, situation.profile.provider) if winner == "batch" else None
    return [found] if found is not None else []


def _documents(ruleset: RuleSet, ids: list[str]) -> dict[str, str]:
    """The rule set's documents by id, and the shipped rule set's where an id cited is in
    neither the rule set nor its catalogue (the advisor's own figures cite the shipped
    documents whatever rule set decides)."""
    documents = dict(ruleset.header.sources)
    if all(i in documents or i in ruleset.catalogue.data.sources for i in ids):
        return documents
    from .resources import shipped_dir

    return {**load_rules(shipped_dir("rules")).header.sources, **documents}


def _trace_of(evaluation: Evaluation) -> list[RuleTrace]:
    return [
        RuleTrace(
            rule=o.rule.id,
            fired=o.fired,
            conditions=[
                ConditionTrace(fact=f, op=op, actual=a, threshold=t, passed=p, path=path)
                for (f, op, a, t, p), path in zip(o.conditions, o.rule.paths, strict=True)
            ],
        )
        for o in evaluation.outcomes
    ]
