"""Levers: what the architect controls that would make the recommendation feasible, or
cheaper, each found by re-running the assessment with that one change (never asserted).

- another model of the same provider from the catalogue (faster or cheaper), priced; never
  one whose provider has announced its shutdown (a move to it would have to be made again);
  what the catalogue does not know of it (a measured speed, its rate limits) is said. A
  model with no measured speed is judged as the latency model judges it (its maker's
  measurement for a hosted copy, else no faster than its provider's slowest measured model),
  and no faster than the one it would replace where the workload measured that one: a lever
  never ranks a guess ahead of a measurement;
- the provider's priority tier (where the catalogue documents its effect and the price
  data prices it), and its flex tier for work a queue can wait for; back to the standard
  tier from flex (no tier for someone waiting) or from priority (where the standard tier's
  speed meets the contract for less);
- prompt caching of half of each prompt (advisor default: a stable system prompt and
  instructions ahead of the request's own text), where that half is itself as long as the
  shortest prefix the provider caches for the model (the catalogue's min_cached_prefix,
  cited: 1,024 tokens at OpenAI and Anthropic, 4,096 for Claude Haiku 4.5): half of a
  shorter prompt is never read from the cache; where the catalogue cites none, for prompts
  of at least 1,024 tokens;
- the latency budget: the nearest value at which the recommendation is feasible, or a
  cheaper mode becomes the answer (never a tighter budget); batch at its window, the
  provider's guarantee, not at a budget it would only usually meet; where someone waits on
  the answer (a person at the screen, a service in its request path), no budget past a
  minute: "5-60 seconds: User is waiting but will tolerate it", and past that "User
  submitted something and walked away" (When to Skip Real-Time § Where the Break-Even
  Actually Is), another feature, not a setting of this one ("what would change" still
  names the flip);
- the caller's timeout, where the workload states one and the recommendation misses its
  contract: the nearest longer timeout at which it meets it (a serverless function's maximum
  duration or a gateway's integration timeout raised, so that a conversation's stream is no
  longer cut off before its last token; a job is not what a person reading a stream wants);
- the account tier whose rate limits apply, the next one that holds the peak (at the same
  mode and cost only where it removes the peak's backlog, which it says; never for a batch,
  which runs under limits of its own);
- a smoother peak: the highest peak rate at which the recommendation meets its contract,
  where the limits do not hold the peak (the rest of the peak queued or spread out).
- a faster model: where the recommendation (a whole answer, not a stream) misses its
  contract and no model of the catalogue makes it meet it, the slowest call (its p95) at
  which it would, at the prices of the model as specified (the speed to look for, in another
  model or another host).

A workload with steps changes a step's field, named ``steps.<name>.<field>``: another model
for its slowest step and for its most expensive one, and, where the recommendation is a
stream whose first token misses the budget, for the step that adds most to that first token
(a router before the answer: its whole call comes first); caching for the step with the
largest prompt.

A lever that only saves (the recommendation meets its contract before and after) must save
at least 5% of the month's total or $125 a month (advisor default). A smaller saving is
inside the estimate's own error: cost projections assume consistent request sizes, and real
workloads vary widely in token counts (AI API Integration Patterns § Honest Limitations);
and $125 a month is where that comparison finds a saving worth an implementation change
(§ Cost Math, The breakpoint). A model switch or a cache for cents a month is not advice.

A hard timeout with a fallback answer is a pattern, not a lever: the rule set names it in
the checklist of an infeasible synchronous contract. No lever sets a size to zero or
leaves the range the workload's field allows. The most useful come first: feasible, then
cheapest, then the smallest change.
"""

import math
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from .catalogue import Catalogue, ModelSpec
from .citation import SKIP_REAL_TIME, short_title
from .engine import Evaluation
from .errors import AdvisorError
from .figures import count, digits_apart, duration_unit, money, seconds
from .latency import model_speed
from .prices import price_card
from .probe import Decision, ModeProbe
from .profile import Mode, WorkloadProfile
from .provider import (
    batch_window_words,
    offered_service_tiers,
    provider_tier,
    typical_batch_assumption,
    typical_batch_source,
    usual_batch_s,
)
from .rules import advisor_document_title
from .situation import Situation
from .steps import WorkStep
from .variables import Value, current_value, field_range, realistic_range
from .whatif import nearest_value

# Levers that change the model: at most this many, the most useful first.
MAX_MODEL_LEVERS = 3
# A lever that only saves must save this share of the month's total, or this much a month
# (advisor default, see the module docstring).
MIN_SAVING_SHARE = 0.05
MIN_SAVING_USD = 125.0
# The share of each prompt a cache could serve (advisor default, see the module docstring).
CACHED_SHARE = 0.5
# The shortest prompt the caching lever considers where the catalogue cites no cached-prefix
# floor for the provider (advisor default); where it cites one, the cached half must reach it.
MIN_CACHED_PROMPT = 1024
# Tie-break among equally useful levers: the smallest, most direct change first.
_KIND_ORDER = (
    "latency_budget_s", "caller_timeout_s", "model", "service_tier", "tier", "peak_requests_per_minute",
    "cached_input_fraction", "model_p95_s",
)
# Fields a model's own measurements and limits fill: another model is judged at the
# catalogue's figures for it.
_MEASURED = ("model_p50_s", "model_p95_s", "ttft_s", "output_tokens_per_s")


# The longest a waiting person or service is asked to wait by a budget lever (seed 002: "5-60
# seconds: User is waiting but will tolerate it"; beyond, the user "walked away").
WAITED_AT_MOST_S = 60.0


class Lever(BaseModel):
    """Setting ``changes`` gives ``recommendation``, feasible or not (found by re-running)."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    changes: dict[str, Any]  # field -> value; None: the field falls back to the catalogue's figure
    recommendation: Mode
    feasible: bool
    because: str
    # The recommended mode's monthly total after the change minus the one as specified.
    cost_change_usd_per_month: float


class _Finder:
    def __init__(self, probe: ModeProbe, evaluation: Evaluation):
        self.probe = probe
        self.base = probe.base
        self.mode = evaluation.recommendation
        self.feasible = evaluation.feasible
        self.cost = self.base.costs.modes[self.mode].total_usd
        self.budget_lines = probe.ruleset.thresholds("latency_budget_s")
        # Whether the assessment states what most batches take, with its source, among its
        # assumptions (where the workload's own budget leans on it): a lever that leans on it
        # too then leaves the source to the assumption, and otherwise says it in brief.
        profile = self.base.profile
        self.typical_batch_stated = typical_batch_assumption(
            probe.ruleset.catalogue, profile.provider, self.base.facts.get("batch_window_s"),
            profile.latency_budget_s, self.base.latency.calls,
        ) is not None

    def run(self, changes: Mapping[str, Any]) -> tuple[Situation, Decision] | None:
        try:
            situation = self.probe.situate(changes)
            return situation, self.probe.decide_situation(situation)
        except AdvisorError:  # not priceable there, or every mode excluded: no lever
            return None

    def useful(self, situation: Situation, decision: Decision) -> bool:
        """Feasible where today is not; or still feasible, and cheaper by enough to act on."""
        if not decision.feasible:
            return False
        if not self.feasible:
            return True
        return self.worth_saving(self.cost - situation.costs.modes[decision.mode].total_usd)

    def worth_saving(self, saving: float) -> bool:
        """A saving of this much a month is worth a change (see the module docstring)."""
        return saving >= max(min(MIN_SAVING_SHARE * self.cost, MIN_SAVING_USD), 0.005)

    def lever(self, changes: Mapping[str, Any], what: str, situation: Situation, decision: Decision) -> Lever:
        mode = decision.mode
        after = situation.costs.modes[mode].total_usd
        delta = after - self.cost
        lat = situation.latency
        window = situation.facts.get("batch_window_s")
        # A batch whose budget is shorter than its window meets its contract only at a risk,
        # as the record says it ("at risk against the budget"): most batches come in time.
        at_risk = (mode == "batch" and decision.feasible and window is not None
                   and situation.profile.latency_budget_s < window)
        # A time set beside the budget, the lever's or the one as specified, gets the digits to
        # read apart from both: "2.503 s" against a budget of 2.500 s, not "2.50 s".
        budgets = (situation.profile.latency_budget_s, self.base.profile.latency_budget_s)

        def beside_budget(value: float) -> str:
            return seconds(value, max(digits_apart(value, budget) for budget in budgets))

        if mode == "streaming":
            latency = f"the first token arrives at {beside_budget(lat.time_to_first_token_s)} (p95)"
        elif mode == "batch" and window is not None:  # batch is judged by its window, as the record judges it
            budget = situation.profile.latency_budget_s
            extra = _budget_extra_digits(budget, self.base.profile.latency_budget_s, self.budget_lines)
            catalogue, provider = self.probe.ruleset.catalogue, situation.profile.provider
            usual = usual_batch_s(catalogue, provider)
            source = None
            if not self.typical_batch_stated:  # the lever's budget leans on it, the workload's does not
                general = short_title(advisor_document_title(self.probe.ruleset, SKIP_REAL_TIME))
                source = typical_batch_source(catalogue, provider, general)
            latency = batch_window_words(window, budget, lat.calls, extra=extra, usual_s=usual, usual_source=source)
        else:
            latency = f"the end-to-end p95 is {beside_budget(lat.end_to_end_p95_s)}"
        if at_risk:
            becomes = f"the recommendation becomes {mode}, which is" if mode != self.mode else f"{mode} is"
            verdict = f"{becomes} at risk against the budget"
        elif mode != self.mode:  # the lever moves the workload to another mode too: said, not implied
            meets = "meets" if decision.feasible else "misses"
            verdict = f"the recommendation becomes {mode}, which {meets} its contract"
        else:
            verdict = f"{mode} {'meets its contract' if decision.feasible else 'still misses its contract'}"
        if abs(delta) < 0.005:
            cost = "the same cost"
        else:
            cost = f"{money(abs(delta))} a month {'less' if delta < 0 else 'more'}"
        compared = "" if abs(delta) < 0.005 else " than as specified"
        because = f"With {what}: {verdict}; {latency}; {cost}{compared}."
        return Lever(
            changes=dict(changes), recommendation=mode, feasible=decision.feasible, because=because,
            cost_change_usd_per_month=round(delta, 6),
        )

    def consider(self, changes: Mapping[str, Any], what: str) -> Lever | None:
        outcome = self.run(changes)
        if outcome is None or not self.useful(*outcome):
            return None
        return self.lever(changes, what, *outcome)


def _model_levers(finder: _Finder) -> Iterator[Lever]:
    profile = finder.base.profile
    if profile.steps is None:
        if profile.pricing is not None:  # a private price for this model says nothing of another
            return
        reset = {name: None for name in (*_MEASURED, "rate_limits") if getattr(profile, name) is not None}
        thinking = "reasoning_tokens" if profile.reasoning_tokens else None
        given = (profile.ttft_s, profile.output_tokens_per_s)
        aside = _set_aside(profile.model, {name: getattr(profile, name) for name in reset})
        yield from _models_for(
            finder, profile.provider, profile.model, "model", reset, "", thinking, profile.reasoning_tokens or 0, aside,
            given, thinking_off=profile.reasoning_tokens == 0,
            call_tokens=(profile.input_tokens or 0) + (profile.output_tokens or 0),
        )
        return
    # A workload with steps: another model for its slowest step and for its most expensive one,
    # and for the step that adds most to a stream's first token where that misses the budget.
    steps = finder.base.steps
    slow = {s.name: s.calls * (s.call_p95_s + s.tool_latency_s) for s in finder.base.latency.steps}
    dear = {c.name: c.request_usd for c in finder.base.costs.steps}
    targets = dict.fromkeys([max(steps, key=lambda s: slow.get(s.name, 0.0)).name,
                             max(steps, key=lambda s: dear.get(s.name, 0.0)).name,
                             *_first_token_step(finder)])
    found: list[Lever] = []
    for name in targets:
        step = next(s for s in steps if s.name == name)
        if step.pricing is not None:
            continue
        reset = {step.field(f): None for f in _MEASURED if getattr(step, f) is not None}
        thinking = step.field("reasoning_tokens") if step.reasoning_tokens else None
        aside = _set_aside(step.model, {f: getattr(step, f) for f in _MEASURED if getattr(step, f) is not None})
        found += _models_for(
            finder, step.provider, step.model, step.field("model"), reset, f" for the {name} step", thinking,
            step.reasoning_tokens, aside, (step.ttft_s, step.output_tokens_per_s),
            thinking_off=step.reasoning_stated and not step.reasoning_tokens,
            call_tokens=step.input_tokens + step.output_tokens,
        )
    yield from sorted(found, key=_usefulness)[:MAX_MODEL_LEVERS]


def _first_token_step(finder: _Finder) -> list[str]:
    """The step that adds most to the first visible token's p95, where the recommendation is
    a stream whose first token misses the budget: the one figure it misses, and the only part
    of the request that figure counts (every call before the shown step, the tools up to it,
    the shown step's earlier runs and its first token; nothing after it). A step before the
    stream (a router, a rewrite) can weigh more there than the answer, which is the slowest
    and dearest step by its whole call. Its name in a list (empty elsewhere); the first of
    equals, as the slowest step is chosen, so steps that time alike add no probe."""
    lat = finder.base.latency
    if finder.feasible or finder.mode != "streaming" or lat.time_to_first_token_s <= lat.latency_budget_s:
        return []
    weights: dict[str, float] = {}
    for step in lat.steps:
        if step.shown:
            weights[step.name] = (step.calls * step.tool_latency_s + (step.calls - 1) * step.call_p95_s
                                  + step.first_token_p95_s)
            break
        weights[step.name] = step.calls * (step.tool_latency_s + step.call_p95_s)
    return [max(weights, key=weights.__getitem__)] if weights else []


def _models_for(
    finder: _Finder, provider: str, model: str, field: str, reset: dict[str, None], where: str,
    thinking: str | None = None, reasoning_tokens: int = 0, aside: str = "",
    given: tuple[float | None, float | None] = (None, None), thinking_off: bool = False, call_tokens: int = 0,
) -> list[Lever]:
    """Levers that put another catalogue model of the same provider in ``field``. A model
    that does not reason states no reasoning tokens (``thinking``, their field, set to 0).
    Every other field a lever changes is said in its sentence, as its changes list it: the
    measurements of the model it replaces (``reset``, in words ``aside``), the reasoning
    tokens, the service tier. One with no measured speed is judged no faster than the model
    it replaces where that one's speed is measured (``given``: the workload's own first token
    and output speed for it). With thinking off (reasoning tokens 0 stated), a model that
    cannot turn its reasoning off is not offered: the 0 would not hold for it. Nor is a model
    whose context window (in the price data) is smaller than one call's tokens (``call_tokens``,
    its input and visible output, with the reasoning it keeps): it would refuse every call."""
    profile = finder.base.profile
    catalogue = finder.probe.ruleset.catalogue
    current = catalogue.resolve(provider, model)
    prefix = field[: -len("model")]
    reference = _measured_speed(finder, provider, model, given)
    embedding = profile.output_format == "embedding"
    # A model that reasons bills reasoning tokens the workload does not state: it is compared
    # only with another model that reasons, never offered as a cheaper stand-in for one that
    # does not.
    reasons = current.model.reasons if current.model is not None else False
    found: list[Lever] = []
    for model_id, spec in catalogue.models_of(provider):
        if model_id == current.model_key or (spec.output == "embedding") != embedding:
            continue
        if spec.shutdown is not None:  # shut down, or going away: advice to move to it would not last
            continue
        if spec.reasons and not reasons:
            continue
        if thinking_off and spec.always_reasons:
            continue
        name = (spec.match.exact or spec.match.prefix or spec.match.snapshot_of)[0]
        kept = 0 if thinking is not None and not spec.reasons else reasoning_tokens
        if _window_too_small(finder, provider, name, call_tokens + kept):
            continue
        changes: dict[str, Any] = {field: name, **reset}
        also = [aside] if aside else []
        if thinking is not None and not spec.reasons:
            changes[thinking] = 0
            also.append(f"its {count(reasoning_tokens)} reasoning tokens set to 0, as {name} answers without "
                        "reasoning by default")
        if profile.service_tier not in offered_service_tiers(catalogue, catalogue.resolve(provider, name)):
            changes["service_tier"] = "standard"
            also.append(f"on the standard tier, as {name} has no {profile.service_tier} tier")
        slowed = False
        if spec.speed is None and reference is not None:
            default = model_speed(catalogue, provider, name, profile.service_tier, profile.output_format)
            first_token, speed = reference
            if first_token is not None and default.ttft_p95_s < first_token:
                changes[prefix + "ttft_s"], slowed = _three_digits(first_token, up=True), True
            if speed is not None and default.output_tokens_per_s > speed:
                changes[prefix + "output_tokens_per_s"], slowed = _three_digits(speed, up=False), True
        own = provider.lower() == profile.provider.lower()
        tier = provider_tier(catalogue, provider, profile.tier if own else None)[0]
        unknown = _unknown_of(catalogue, provider, spec, tier, (current.model_key or model) if slowed else None)
        what = name + where + (f" ({unknown})" if unknown else "") + "".join(f", {words}" for words in also)
        lever = finder.consider(changes, what)
        if lever is not None:
            lever = _against_stand_in(finder, lever, model, spec, provider, where)
            found.append(_another_space(lever, model, embedding))
    return sorted(found, key=_usefulness)[:MAX_MODEL_LEVERS]


def _window_too_small(finder: _Finder, provider: str, model: str, tokens: int) -> bool:
    """True where the price data gives ``model`` a context window smaller than ``tokens`` (one
    call's input, output and reasoning): a lever to it would refuse every call (a 250,000-token
    prompt on claude-haiku-4-5, whose window is 200,000). False where no window is known."""
    try:
        window = price_card(provider, model, finder.base.card.price_date, catalogue=finder.probe.ruleset.catalogue,
                            ).context_window
    except AdvisorError:  # not priceable: the lever's own run says so
        return False
    return window is not None and tokens > window


def _against_stand_in(
    finder: _Finder, lever: Lever, model: str, spec: ModelSpec, provider: str = "", where: str = ""
) -> Lever:
    """A lever to a measured model that makes feasible what missed on the replaced model's
    stand-in speed (its provider's slowest measured model, not its own) may win only by that
    guess. Its sentence leads with the measurement, then gives the lever: "gpt-5.4-mini is
    timed at a stand-in, gpt-4.1-mini's 0.93 s median first token, not at its own speed, so
    the route step's lateness may be an artefact: measure gpt-5.4-mini before paying for
    this. With gpt-5.4 for the route step: ..." (board read 4, P6: the caveat after the price
    read as "pay $9,400 a year for a bigger router"). ``where``: " for the route step" on a
    workload with steps, "" for a single call."""
    if finder.feasible or spec.speed is None or model not in finder.base.latency.stand_ins:
        return lever
    act = "paying for this" if lever.cost_change_usd_per_month > 0 else "switching"
    whose = _stand_in_figure(finder.probe.ruleset.catalogue, provider, model) if provider else None
    timed = f"timed at a stand-in, {whose}, not at its own speed" if whose else "timed at a stand-in speed, not its own"
    step = where.removeprefix(" for the ")
    late = f"the {step}'s lateness" if step != where else "its lateness"
    because = (f"{model} is {timed}, so {late} may be an artefact: measure {model} before {act}. "
               f"{lever.because}")
    return lever.model_copy(update={"because": because})


def _stand_in_figure(catalogue: Catalogue, provider: str, model: str) -> str | None:
    """Whose first token a chat model with no measured speed is timed at, in words
    ("gpt-4.1-mini's 0.93 s median first token"): its provider's slowest measured model (see
    advisor.core.latency). None where it is timed otherwise (a model that reasons, at o3's
    median; a hosted copy, at its maker's; the published range's slow end)."""
    resolved = catalogue.resolve(provider, model)
    entry = resolved.model
    if entry is None or entry.reasons or entry.output != "text" or entry.speed is not None:
        return None
    if catalogue.maker_of(entry) is not None:
        return None
    slow = catalogue.slowest(resolved.provider_key or provider)
    if slow.ttft_of is None or slow.ttft_p50_s is None:
        return None
    return f"{slow.ttft_of[1]}'s {seconds(slow.ttft_p50_s)} median first token"


# A measurement of the model a lever replaces, in words: "p95 of 30.0 s".
_MEASURED_WORDS = {
    "model_p50_s": "median of {}", "model_p95_s": "p95 of {}", "ttft_s": "first token at {} (p95)",
    "output_tokens_per_s": "output speed of {} tokens/s",
}


def _another_space(lever: Lever, model: str, embedding: bool) -> Lever:
    """A lever to another embedding model says what its figure leaves out: the vectors of one
    embedding model lie in a space of their own (often of another dimension), so they cannot be
    mixed with those ``model`` already wrote to the index. The move re-embeds the whole corpus,
    once, and the lever prices only the calls the workload makes (its changed chunks)."""
    if not embedding:
        return lever
    because = (
        f"{lever.because} Its vectors cannot be mixed with the ones {model} already stored (another embedding"
        " space, often of another dimension): switching means re-embedding the whole corpus and re-checking"
        " retrieval, a one-off cost this figure leaves out."
    )
    return lever.model_copy(update={"because": because})


def _set_aside(model: str, given: Mapping[str, Any]) -> str:
    """What a lever that changes the model no longer uses of the one it replaces: its
    measured call times ("its call time estimated in place of gpt-5.4's measured p95 of
    30.0 s"), the workload's own rate limits. Empty when it gave none."""
    measured = [
        _MEASURED_WORDS[name].format(count(value) if name == "output_tokens_per_s" else seconds(value))
        for name, value in given.items() if name in _MEASURED_WORDS
    ]
    said = []
    if measured:
        joined = measured[0] if len(measured) == 1 else f"{', '.join(measured[:-1])} and {measured[-1]}"
        said.append(f"its call time estimated in place of {model}'s measured {joined}")
    if "rate_limits" in given:
        said.append("the provider catalogue's rate limits in place of the workload's own")
    return ", ".join(said)


def model_of_field(profile: WorkloadProfile, field: str) -> tuple[str, str]:
    """The provider and model the workload names for the call a field belongs to: its step's
    ("steps.answer.ttft_s"), else the workload's."""
    prefix = field.rpartition(".")[0]
    step = next((s for s in profile.steps or () if f"steps.{s.name}" == prefix), None) if prefix else None
    provider = (step.provider if step is not None else None) or profile.provider
    return provider, (step.model if step is not None else None) or profile.model


def unset_words(catalogue: Catalogue, profile: WorkloadProfile, changes: Mapping[str, Any], field: str) -> str:
    """What a lever that changes the model uses for a field it leaves unset (``None`` in its
    changes), as the assessment then fills it in: "estimated from gpt-5.4's speed in the
    provider catalogue", "estimated at the slow end of the published range" (where the
    catalogue has no speed for the model), "the provider catalogue's for gpt-5.4"."""
    prefix, _, name = field.rpartition(".")
    model_field = f"{prefix}.model" if prefix else "model"
    provider, named = model_of_field(profile, field)
    model = changes.get(model_field) or named
    spec = catalogue.resolve(provider, str(model)).model
    if name == "rate_limits":
        tier = provider_tier(catalogue, provider, profile.tier)[0]
        known = spec is not None and tier is not None and tier in spec.limits
        return f"the provider catalogue's for {model}" if known else "none known: the peak is not checked"
    if spec is not None and spec.speed is not None:
        basis = f"{model}'s speed in the provider catalogue"
        return f"estimated from {basis}" if name in ("model_p50_s", "model_p95_s") else f"from {basis}"
    if spec is not None and not spec.reasons:
        maker = catalogue.maker_of(spec)
        whose = catalogue.slowest(provider).ttft_of if spec.output == "text" else None
        if maker is not None:
            basis = f"{maker[1]}'s speed as measured at {catalogue.data.providers[maker[0]].name}"
            return f"estimated from {basis}" if name in ("model_p50_s", "model_p95_s") else f"from {basis}"
        if whose is not None:
            basis = f"no faster than the slowest measured model, {whose[1]}"
            return f"estimated {basis}" if name in ("model_p50_s", "model_p95_s") else basis
    basis = "the default for a model that reasons" if spec is not None and spec.reasons else (
        "the slow end of the published range"
    )
    return f"estimated at {basis}" if name in ("model_p50_s", "model_p95_s") else basis


def _three_digits(value: float, *, up: bool) -> float:
    """A figure a lever sets, in the three digits the records print, rounded the slow way
    (a first token up, an output speed down) so that the model is judged no faster."""
    if value <= 0:
        return value
    quantum = 10.0 ** (math.floor(math.log10(value)) - 2)
    return float(f"{(math.ceil if up else math.floor)(value / quantum) * quantum:.12g}")


def _measured_speed(
    finder: _Finder, provider: str, model: str, given: tuple[float | None, float | None]
) -> tuple[float | None, float | None] | None:
    """The first token's p95 and the output speed of the model a lever would replace, where
    measured (by the workload, else by the catalogue); None where neither is. A model that
    reasons has its reasoning in its first token: no reference for one that does not."""
    catalogue = finder.probe.ruleset.catalogue
    resolved = catalogue.resolve(provider, model)
    speed = None
    if resolved.model is not None and resolved.model.speed is not None:
        speed = model_speed(catalogue, provider, model, finder.base.profile.service_tier,
                            finder.base.profile.output_format)
    first_token = given[0] if given[0] is not None else (
        speed.ttft_p95_s if speed is not None and not speed.includes_reasoning else None
    )
    output = given[1] if given[1] is not None else (speed.output_tokens_per_s if speed is not None else None)
    return None if first_token is None and output is None else (first_token, output)


def _unknown_of(
    catalogue: Catalogue, provider: str, spec: ModelSpec, tier: str | None, no_faster_than: str | None = None
) -> str:
    """What the catalogue does not know of a model a lever proposes, which its figures stand on:
    no measured speed, no rate limits at the tier (what the latency and capacity models then assume)."""
    unknown = []
    if spec.speed is None and no_faster_than is not None:
        unknown.append(f"no measured speed in the provider catalogue: judged no faster than {no_faster_than}, "
                       "whose speed is measured")
    elif spec.speed is None:
        unknown.append(_speed_basis(catalogue, provider, spec))
    if tier is None or tier not in spec.limits:
        at = f" at {tier}" if tier is not None else ""
        unknown.append(f"no rate limits in the provider catalogue{at}: its peak is not checked")
    return "; ".join(unknown)


def _speed_basis(catalogue: Catalogue, provider: str, spec: ModelSpec) -> str:
    """What a catalogue model with no speed of its own is judged at, in a lever's words, in the
    order the latency model decides it (advisor.core.latency._speed): a model that reasons
    takes the reasoning default before a maker's speed is looked at."""
    if spec.reasons:
        return "no measured speed in the provider catalogue: judged at its default for a model that reasons"
    maker = catalogue.maker_of(spec)
    host = catalogue.provider(provider)
    host_name = host.name if host is not None else provider
    if maker is not None:
        return (f"its speed as measured at {catalogue.data.providers[maker[0]].name} ({maker[1]}); "
                f"{host_name}'s own is unmeasured")
    if spec.output != "text":
        return "no measured speed in the provider catalogue: judged at the slow end of the published range"
    whose = catalogue.slowest(provider).ttft_of
    if whose is None:
        return "no measured speed in the provider catalogue: judged at the slow end of the published range"
    if catalogue.has_measured(provider):
        return f"no measured speed in the provider catalogue: judged no faster than {host_name}'s slowest " \
               f"measured model, {whose[1]}"
    return (f"no measured speed in the provider catalogue: judged no faster than its slowest measured model, "
            f"{catalogue.data.providers[whose[0]].name}'s {whose[1]}")


def _service_tier_levers(finder: _Finder) -> Iterator[Lever]:
    profile = finder.base.profile
    if profile.pricing is not None:
        return
    catalogue = finder.probe.ruleset.catalogue
    offered = offered_service_tiers(catalogue, catalogue.resolve(profile.provider, profile.model))
    # Back to the standard tier: from flex where someone waits (flex is no real-time tier), or
    # from priority where the standard tier's speed meets the contract at a lower price.
    if profile.service_tier != "standard":
        what = {"priority": "the standard tier (without the priority tier's speed guarantee)"}
        lever = finder.consider({"service_tier": "standard"}, what.get(profile.service_tier, "the standard tier"))
        if lever is not None:
            yield lever
    if "priority" in offered and profile.service_tier != "priority" and not finder.feasible:
        lever = finder.consider({"service_tier": "priority"}, "the priority tier")
        if lever is not None:
            yield lever
    if "flex" in offered and profile.service_tier != "flex":
        lever = finder.consider({"service_tier": "flex"}, "the flex tier (slower, may be unavailable at times)")
        if lever is not None and lever.recommendation in ("async", "batch"):
            yield lever


def _cacheable_half(catalogue: Catalogue, step: WorkStep) -> bool:
    """Whether half of the step's prompt could be read from the cache: that half is at least
    the prefix the provider caches, where the catalogue cites it; else (advisor default) the
    prompt is at least MIN_CACHED_PROMPT."""
    floor = catalogue.min_cached_prefix(step.provider, step.model)
    if floor is None:
        return step.input_tokens >= MIN_CACHED_PROMPT
    return step.input_tokens * CACHED_SHARE >= floor[0]


def _caching_lever(finder: _Finder) -> Iterator[Lever]:
    catalogue = finder.probe.ruleset.catalogue
    candidates = [
        s for s in finder.base.steps if _cacheable_half(catalogue, s) and s.cached_input_fraction < CACHED_SHARE
    ]
    if not candidates:
        return
    step: WorkStep = max(candidates, key=lambda s: s.repeat * s.input_tokens)
    where = f" of the {step.name} step" if step.prefix else ""
    lever = finder.consider(
        {step.field("cached_input_fraction"): CACHED_SHARE}, f"half of each prompt{where} served from the cache"
    )
    if lever is not None:
        yield lever


def _tier_lever(finder: _Finder) -> Iterator[Lever]:
    profile, cap = finder.base.profile, finder.base.capacity
    if profile.rate_limits is not None or not cap.over_limit:
        return
    catalogue = finder.probe.ruleset.catalogue
    spec = catalogue.provider(profile.provider)
    tier = provider_tier(catalogue, profile.provider, profile.tier)[0]
    if spec is None or tier is None:
        return
    higher = spec.tiers[spec.tiers.index(tier) + 1:]
    for tier in higher:
        outcome = finder.run({"tier": tier})
        if outcome is None:
            continue
        situation, decision = outcome
        if situation.capacity.over_limit:
            continue
        # With no peak given, the figures are the month's average rate, not a peak's.
        held = "the peak" if cap.peak_given else "the monthly average rate"
        what = f"account tier '{tier}', whose limits hold {held}"
        if finder.useful(situation, decision):
            yield finder.lever({"tier": tier}, what, situation, decision)
        elif decision.feasible and decision.mode == finder.mode and (removed := _backlog_removed(finder)):
            # The same mode, met at the same cost: worth a lever only for the backlog it
            # removes, which it says. A batch runs under its own limits: a tier removes nothing.
            yield finder.lever({"tier": tier}, f"{what} ({removed})", situation, decision)
        return


def _backlog_removed(finder: _Finder) -> str:
    """The backlog a peak builds as specified, which limits that hold the peak remove, in
    words ("no backlog at peak, where 1,234 requests queue and drain in 52.7 min as
    specified"); "" where there is none, or where the recommendation is a batch, which the
    real-time limits do not hold up."""
    cap = finder.base.capacity
    if finder.mode == "batch" or cap.backlog_requests <= 0:
        return ""
    drain = f" and drain in {seconds(cap.drain_time_s)}" if cap.drain_time_s is not None else ""
    return f"no backlog at peak, where {count(cap.backlog_requests)} requests queue{drain} as specified"


def _peak_lever(finder: _Finder) -> Iterator[Lever]:
    """The highest peak rate at which the recommendation meets its contract, where the
    limits do not hold the peak as given: smoothing it (spreading or queueing the rest), or,
    where someone waits on the answer, holding it there at the door (Sync vs. Async AI
    Inference, axis 3: "rate-limit users at the door"), since a queue is a wait.
    Found as "what would change" finds a flip (advisor.core.whatif.nearest_value), so that
    the two name the same peak for the same flip, not a round value beside a precise one."""
    profile, cap = finder.base.profile, finder.base.capacity
    if finder.feasible or not cap.over_limit or profile.peak_requests_per_minute is None:
        return
    rng = realistic_range("peak_requests_per_minute", profile)
    if rng is None:
        return

    def good(peak: Value) -> tuple[Situation, Decision] | None:
        outcome = finder.run({"peak_requests_per_minute": peak})
        return outcome if outcome is not None and finder.useful(*outcome) else None

    found = nearest_value(rng, profile.effective_peak_rpm, -1, good)
    if found is not None:
        peak, outcome = found
        what = f"a peak smoothed to {count(float(peak))} requests a minute"
        if finder.base.facts.get("someone_waiting"):
            # No one waiting can wait out a rate limit (cost-over-rate-limit-while-waiting), so
            # the rest of such a peak is not queued: it is turned away at the door.
            what = (f"a peak held to {count(float(peak))} requests a minute (rate-limit users at the door: "
                    "the requests over it are turned away, not queued while someone waits)")
        yield finder.lever({"peak_requests_per_minute": peak}, what, *outcome)


def _speed_lever(finder: _Finder, found: list[Lever]) -> Iterator[Lever]:
    """The slowest model call (its p95) at which the recommendation meets its contract, where
    it does not and no lever to another model of the catalogue makes it: the speed a model
    would need, at the prices of the one as specified. Found as "what would change" finds a
    flip (advisor.core.whatif.nearest_value), so that the two name the same p95. A workload
    with steps has no one call time to change (its what-if does not vary it either). Nor a
    stream, whose contract is its first token: a whole call as fast as the budget would be
    more than it needs (its what-if still names that call time, as the engine found it)."""
    profile = finder.base.profile
    if finder.feasible or profile.steps is not None or finder.mode == "streaming":
        return
    if any(lever.feasible and "model" in lever.changes for lever in found):
        return  # a model of the catalogue makes it: that model, not a speed, is the advice
    rng = realistic_range("model_p95_s", profile)
    if rng is None:
        return
    start = float(current_value("model_p95_s", profile, finder.base.latency))

    def good(p95: Value) -> tuple[Situation, Decision] | None:
        outcome = finder.run({"model_p95_s": p95})
        return outcome if outcome is not None and finder.useful(*outcome) else None

    outcome = nearest_value(rng, start, -1, good)
    if outcome is None:
        return
    p95, (situation, decision) = outcome
    basis = "measured" if profile.model_p95_s is not None else "estimated"
    catalogue = finder.probe.ruleset.catalogue
    host = catalogue.provider(profile.provider)
    # Said only where the model levers looked: the same provider's current models (none with
    # a private price, which says nothing of another model).
    none_do = "" if profile.pricing is not None or host is None else (
        f"; none of {host.name}'s current models in the provider catalogue makes it feasible"
    )
    what = (f"a model that answers each call within {seconds(float(p95), digits_apart(float(p95), start))} "
            f"at p95, at {profile.model}'s prices ({profile.model}: {seconds(start)}, {basis}{none_do})")
    yield finder.lever({"model_p95_s": p95}, what, situation, decision)


def _budget_lever(finder: _Finder) -> Iterator[Lever]:
    """The nearest larger budget at which the recommendation is feasible (when it is not),
    or at which a cheaper mode is (when it is): found as "what would change" finds a flip,
    so that the two name the same budget for the same mode; but batch, where that budget is
    shorter than its window, at the window itself (the provider's guarantee)."""
    costs = finder.base.costs.modes
    if finder.feasible and not any(finder.worth_saving(finder.cost - cost.total_usd) for cost in costs.values()):
        return  # no mode is cheaper by enough, and a mode's costs do not depend on the budget

    def good(budget: Value) -> tuple[Situation, Decision] | None:
        outcome = finder.run({"latency_budget_s": budget})
        return outcome if outcome is not None and finder.useful(*outcome) else None

    start = finder.base.profile.latency_budget_s
    found = nearest_value(field_range("latency_budget_s"), start, 1, good)
    if found is not None and finder.base.facts.get("someone_waiting") and float(found[0]) > WAITED_AT_MOST_S:
        return  # no one waits that long: the lever would be another feature (the module's docstring)
    if found is not None:
        budget, (situation, decision) = found
        # Batch with a budget shorter than its window is at risk of a late result: as advice,
        # a budget seconds past the hour would have a team take the saving on "most batches
        # come in time". It is offered at its window, which the provider guarantees, where it
        # is still the answer ("what would change" still names the flip itself).
        window = situation.facts.get("batch_window_s")
        if decision.mode == "batch" and window is not None and float(budget) < window:
            guaranteed = good(window)
            if guaranteed is not None and guaranteed[1].mode == "batch":
                budget, (situation, decision) = window, guaranteed
        yield finder.lever({"latency_budget_s": budget}, _budget_words(finder, float(budget), decision),
                           situation, decision)


def _caller_timeout_lever(finder: _Finder) -> Iterator[Lever]:
    """The nearest longer caller's timeout at which the recommendation meets its contract,
    where the workload states one and it does not: the timeout is the caller's setting (a
    function's maximum duration, a gateway's), which the team may be able to raise."""
    timeout = finder.base.profile.caller_timeout_s
    if timeout is None or finder.feasible:
        return

    def good(value: Value) -> tuple[Situation, Decision] | None:
        outcome = finder.run({"caller_timeout_s": value})
        return outcome if outcome is not None and finder.useful(*outcome) else None

    found = nearest_value(field_range("caller_timeout_s"), timeout, 1, good)
    if found is None:
        return
    value, (situation, decision) = found
    p99 = situation.latency.end_to_end_p99_s
    words = seconds(float(value), max(digits_apart(float(value), timeout), digits_apart(float(value), p99)))
    lat = situation.latency
    # As the caller's line says it: an estimate's tail holds output speed at its median.
    estimate = (", an estimate that holds output speed at its median"
                if not lat.measured and lat.per_call_p95_s > 2 * lat.ttft_s else "")
    what = (f"a caller's timeout of {words} (the whole answer comes within it at p99: "
            f"{seconds(p99, digits_apart(p99, float(value)))}{estimate})")
    yield finder.lever({"caller_timeout_s": value}, what, situation, decision)


def _budget_words(finder: _Finder, budget: float, decision: Decision) -> str:
    """"a budget of 1 h"; where the peak's backlog keeps its last request past the budget (or
    never drains) and batch is the way out, says so: batch for the backlog, under the Batch
    API's limits of its own."""
    cap = finder.base.capacity
    budget_then = finder.base.profile.latency_budget_s
    words = seconds(budget, _budget_extra_digits(budget, budget_then, finder.budget_lines))
    wait = cap.peak_worst_wait_s
    backlog = cap.backlog_requests > 0 and (wait is None or wait > budget_then)
    if backlog and decision.mode == "batch":
        return f"a budget of {words}, the peak's backlog through the Batch API (under limits of its own)"
    return f"a budget of {words}"


def _budget_extra_digits(budget: float, budget_then: float, lines: tuple[float, ...] = ()) -> int:
    """The digits beyond ``seconds``' three that a lever's budget needs: enough to read apart
    from the budget as specified, enough to be said within 0.1% of itself, and enough not to
    read as a line a rule draws on the budget (``lines``) that it is not on: 3,610 s is
    "1.003 h", not "1 h", an hour being a budget batch is not allowed at."""
    extra = max([digits_apart(budget, budget_then), *(digits_apart(budget, line) for line in lines)])
    unit = duration_unit(budget)
    if budget < 60:
        return extra
    for more in range(extra, 7):
        if abs(float(f"{budget / unit:.{3 + more}g}") * unit - budget) <= 0.001 * budget:
            return more
    return extra


def _usefulness(lever: Lever) -> tuple[bool, float, int]:
    kind = next(iter(lever.changes)).rsplit(".", 1)[-1]  # steps.answer.model: a model lever
    return (not lever.feasible, round(lever.cost_change_usd_per_month, 2), _KIND_ORDER.index(kind))


def find_levers(probe: ModeProbe, evaluation: Evaluation) -> list[Lever]:
    """The levers of one assessment, most useful first (feasible, cheapest, smallest change)."""
    finder = _Finder(probe, evaluation)
    levers: list[Lever] = []
    searches = (_budget_lever, _caller_timeout_lever, _model_levers, _service_tier_levers, _tier_lever, _peak_lever,
                _caching_lever)
    for search in searches:
        levers.extend(search(finder))
    levers.extend(_speed_lever(finder, levers))
    return sorted(levers, key=_usefulness)


# -- off-peak hours -----------------------------------------------------------------------

# Modes whose calls can be scheduled where no one waits on the answer: a job of your own (and a
# batch of your own calls where the provider has no batch API) runs when its queue says, and a
# synchronous script (a pipeline's step, a cron job) when it is started, not when a person asks.
# Not streaming, which serves a person watching the answer appear.
_SCHEDULABLE: tuple[Mode, ...] = ("sync", "async", "batch")
# What each such mode is, as the lever names it.
_SCHEDULED_AS: dict[Mode, str] = {"sync": "sync script", "async": "async job", "batch": "batch job"}


class OffPeakLever(BaseModel):
    """Running the recommended mode's calls in the hours of the day its prices are lowest
    (DeepSeek's off-peak hours), read from the price data: the same cost model, the tokens at
    those hours' prices, the build and infrastructure unchanged. Not a change of the workload
    (no field says when its calls run), so not among ``levers``: priced, not re-run."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    mode: Mode
    providers: list[str]  # whose prices depend on the hour, as the provider catalogue names them
    windows_utc: list[str]  # "10:00-01:00", the longest first
    total_usd: float  # the mode's monthly total in those hours
    cost_change_usd_per_month: float  # negative: what it saves against the figures as priced (the peak rate)
    longest_wait_s: float  # the most a piece of work arriving outside them waits for them
    because: str


def off_peak_words(providers: list[str], windows: list[str] | tuple[str, ...]) -> str:
    """"DeepSeek's off-peak hours (10:00-01:00 and 04:00-06:00 UTC)"."""
    whose = " and ".join(f"{name}'s" for name in providers) if providers else "the"
    hours = windows[0] if len(windows) == 1 else f"{', '.join(windows[:-1])} and {windows[-1]}"
    return f"{whose} off-peak hours ({hours} UTC)"


def provider_names(catalogue: Catalogue, providers: tuple[str, ...] | list[str]) -> list[str]:
    """The workload's provider keys as the provider catalogue names them ("DeepSeek")."""
    return list(dict.fromkeys(
        spec.name if (spec := catalogue.provider(key)) is not None else key for key in providers
    ))


def off_peak_lever(situation: Situation, mode: Mode, feasible: bool, catalogue: Catalogue) -> OffPeakLever | None:
    """The off-peak hours as a lever for the recommended mode, where its calls can be scheduled
    into them: no one waits on the answer (``someone_waiting`` false), the mode is a script or a
    job (sync, async, or a batch of your own calls), it meets its contract, and work arriving at the
    start of the longest stretch outside them still meets the budget after waiting for them
    (the end-to-end p95 after the wait). The saving must be worth a change, as a lever's
    (``MIN_SAVING_SHARE``, ``MIN_SAVING_USD``). None elsewhere: a chat a person waits on
    is answered at the hour it is asked."""
    hours = situation.costs.off_peak
    cost = situation.costs.modes[mode]
    if (hours is None or cost.off_peak_total_usd is None or mode not in _SCHEDULABLE or not feasible
            or situation.facts.get("someone_waiting", True)):
        return None
    budget = situation.profile.latency_budget_s
    done = hours.longest_wait_s + situation.latency.end_to_end_p95_s
    if done > budget:
        return None
    delta = cost.off_peak_total_usd - cost.total_usd
    if -delta < max(min(MIN_SAVING_SHARE * cost.total_usd, MIN_SAVING_USD), 0.005):
        return None
    providers = provider_names(catalogue, hours.providers)
    where = off_peak_words(providers, hours.windows_utc)
    because = (
        f"Run in {where}: {money(-delta)} a month less than at the peak rate ({money(cost.off_peak_total_usd)} a "
        "month: the tokens at those hours' prices in the price data, the build and infrastructure unchanged); "
        f"the {_SCHEDULED_AS[mode]} scheduled into them meets its budget of {seconds(budget)}: work that arrives"
        f" outside them waits at most {seconds(hours.longest_wait_s)} and is done in {seconds(done)} at p95."
    )
    return OffPeakLever(
        mode=mode, providers=providers, windows_utc=list(hours.windows_utc), total_usd=cost.off_peak_total_usd,
        cost_change_usd_per_month=round(delta, 6), longest_wait_s=hours.longest_wait_s, because=because,
    )

