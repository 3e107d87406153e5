"""Monthly cost of each execution mode: token bill, infrastructure, amortised engineering.

tokens        = one typical request priced at the mode's rates x requests_per_month
                x (1 + retry_rate); a request is the sum of its steps, each call of a step
                priced with its own model's rates (the tier chosen by the call's input
                tokens), its reasoning tokens billed as output
engineering   = person-weeks x USD per person-week / amortisation months
                (0 for the mode the feature runs in today: it is built, its build is paid;
                for another mode, only the part of its build today's does not contain:
                every mode's build holds the synchronous call's resilient client, which a
                move does not pay again; ``move_build``)
total         = tokens + infrastructure + engineering                    (all per month)

The words every view uses for these figures: a mode's *monthly cost* is its total;
*today* is the monthly cost of the mode it runs in now; a *saving* is today minus the
recommended mode's monthly cost when that is positive, an *extra cost* when negative.

Sync, streaming and async pay the service tier's prices (standard unless the workload
asks for flex or priority); batch pays batch prices, which are the standard prices where
the provider has no batch API. Async is also priced on the flex tier where the model has
one. The build-and-run
defaults below are calibrated so that seed 003's example (1,000 input tokens at $2.50 per
1M, batch 50% off) breaks even for batch near 100K requests/month, as seed 003 says.
Every default that is used is returned as an assumption; the profile's ``costs`` replaces them.
"""

import datetime
import functools
import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .assumption import Assumption
from .citation import INTEGRATION_PATTERNS
from .errors import AdvisorError
from .figures import money, percent
from .prices import DAY_S, PriceCard, RateSet, price_card
from .profile import MODES, Mode, WorkloadProfile
from .steps import WorkStep, work_steps
from .value_class import value_class

if TYPE_CHECKING:
    from .catalogue import Catalogue
    from .latency import LatencyEstimate

_SOURCE_DEFAULTS = "advisor default, docs/cost-model.md; override with the profile's 'costs'"
_SOURCE_EFFORT = (
    f"advisor default, docs/cost-model.md; ordered by {INTEGRATION_PATTERNS} § Head-to-Head Comparison, "
    "implementation complexity low/medium/high"
)
_SOURCE_EFFORT_IDS = (INTEGRATION_PATTERNS,)

# A fully loaded engineer (~$200K a year over 50 working weeks).
USD_PER_PERSON_WEEK = 4_000.0
# Straight-line over three years, the usual useful life of capitalised internal software.
AMORTISATION_MONTHS = 36

# One-time build effort, person-weeks.
ENGINEERING_PERSON_WEEKS: dict[Mode, float] = {
    # The resilient-client minimum every integration needs (seed 003): retries with
    # backoff, circuit breaker, timeouts, request logging, fallback model.
    "sync": 1.0,
    # + SSE handling, partial-response handling, long-lived connection management.
    "streaming": 1.5,
    # + a queue, workers, a job store, a status endpoint and user notifications.
    "async": 3.0,
    # + JSONL file building, submission, status polling, result matching by custom_id,
    #   a dead-letter path for failed items.
    "batch": 2.0,
}
# Monthly infrastructure beyond the app servers the feature already runs on, USD.
INFRA_USD_PER_MONTH: dict[Mode, float] = {
    "sync": 0.0,  # nothing new
    "streaming": 10.0,  # proxy/load-balancer capacity for connections held open while tokens stream
    "async": 50.0,  # managed queue, a worker instance, a job-store table, notification sending
    "batch": 20.0,  # a scheduled submitter/poller, object storage for JSONL files, a job-state table
}

_WHAT: dict[Mode, str] = {
    "sync": "the resilient client: retries, circuit breaker, timeouts, logging, fallback",
    "streaming": "SSE handling and partial responses on top of the resilient client",
    "async": "queue, workers, job store, status endpoint, notifications",
    "batch": "JSONL building, submission, polling, custom_id matching, dead-letter path",
}
_A_RATE = Assumption(
    name="engineering cost", value=f"${USD_PER_PERSON_WEEK:,.0f} per person-week", source=_SOURCE_DEFAULTS
)
_A_MONTHS = Assumption(
    name="amortisation", value=f"{AMORTISATION_MONTHS} months, straight line", source=_SOURCE_DEFAULTS
)
_A_ENGINEERING: dict[Mode, Assumption] = {
    m: Assumption(
        name=f"{m} engineering",
        value=f"{weeks:g} person-week{'' if weeks == 1 else 's'} ({_WHAT[m]})",
        source=_SOURCE_EFFORT, source_ids=_SOURCE_EFFORT_IDS,
    )
    for m, weeks in ENGINEERING_PERSON_WEEKS.items()
}
_A_INFRA: dict[Mode, Assumption] = {
    m: Assumption(name=f"{m} infrastructure", value=f"${INFRA_USD_PER_MONTH[m]:g}/month", source=_SOURCE_DEFAULTS)
    for m in MODES
}
_A_BUILT: dict[Mode, Assumption] = {
    m: Assumption(
        name=f"{m} build",
        value="paid already (it runs in this mode today), so its monthly cost is its tokens and infrastructure",
        source="the workload's current_mode",
    )
    for m in MODES
}


def _reused_assumption(today: Mode, reused: list[Mode], weeks: Mapping[Mode, float]) -> Assumption:
    """What a move does not pay again: "sync's build (1 person-week), which today's async
    build contains: another mode counts only what its build adds to it"."""
    return _reused_said(today, tuple((base, weeks[base]) for base in reused))


# One Assumption per (today's mode, the builds it holds): shared by every workload that moves from
# the same one, as the other assumptions are (an assessment keeps it, and a kept one should not
# bring objects of its own for the collector to scan).
@functools.lru_cache(maxsize=64)
def _reused_said(today: Mode, held_weeks: tuple[tuple[Mode, float], ...]) -> Assumption:
    def held(base: Mode, weeks: float) -> str:
        said = f"{base}'s build ({weeks:g} person-week{'' if weeks == 1 else 's'})"
        return said + (", built today" if base == today else f", which today's {today} build contains")
    reused = held_weeks
    return Assumption(
        name="build of a move",
        value=f"{'; '.join(held(base, weeks) for base, weeks in reused)}: another mode counts only what its build adds"
        " to it",
        source=(f"the rule set's builds_on, docs/cost-model.md; every mode is built on the resilient client of "
                f"{INTEGRATION_PATTERNS} § The Resilient Client, its production minimum"),
        source_ids=(INTEGRATION_PATTERNS,),
    )


_A_REASONING = Assumption(
    name="reasoning tokens",
    value="billed at the output price, on top of the visible output",
    source="advisor cost model, docs/cost-model.md; providers bill reasoning as output tokens",
)
# The name of the note said where a step's cached input is shorter than the shortest prefix its
# provider caches (the catalogue's min_cached_prefix): the views find it by this name.
CACHE_MINIMUM = "prompt cache minimum"
_A_CACHE_WRITES = Assumption(
    name="prompt cache writes",
    value="not priced: cached input tokens are billed as cache reads only",
    source="advisor cost model, docs/cost-model.md",
)


# Value classes (plain dataclasses, frozen to mypy): built on every assessment (and thousands of
# times for a decision map), they cost a fraction of a validated model; pydantic serialises them.
@value_class(slots=True)
class ModeCost:
    mode: Mode
    tokens_usd: float  # monthly token bill (uncached + cached input + output) x (1 + retry_rate)
    infra_usd: float  # monthly infrastructure for this mode
    # One-time build amortised per month; 0 for the mode it runs in today (built), and for
    # another mode the part of its build that today's does not contain (``move_build``).
    engineering_usd: float
    total_usd: float  # the mode's monthly cost: tokens + infra + engineering
    per_1k_requests_usd: float | None  # total per 1,000 requests (None when there are no requests)
    engineering_person_weeks: float  # the build effort of the mode (paid already for today's mode)
    # What moving here saves a month: today's monthly cost (the current mode's total) minus
    # this mode's. Negative: the move is an extra cost. 0 for the current mode itself, None
    # without a current mode.
    saving_vs_current_usd: float | None
    # Async only, where the model has a flex tier: the same total with tokens at flex prices
    # (flex answers slower and may be unavailable: work a queue can wait for). None elsewhere.
    flex_total_usd: float | None = None
    # Sync, async, and batch where no step's provider has a batch API (its calls are your own),
    # where a step's price depends on the hour (DeepSeek's peak hours): the same total with the
    # tokens at the prices of the cheapest hours of the day (``CostEstimate.off_peak``); None
    # elsewhere (streaming serves a person watching). A job, or a script no one waits on, can be
    # scheduled into them; the build and infrastructure stay.
    off_peak_total_usd: float | None = None
    # The person-weeks engineering_usd amortises: the mode's whole build for a new feature, 0
    # for today's mode, and for a move the part of its build that today's does not contain.
    # None only in a ModeCost built by hand (engineering_person_weeks, whole).
    engineering_person_weeks_charged: float | None = None
    # For a move: the mode whose build today's build and this one's both contain (the shipped
    # rule set: sync, the resilient client), which the move does not pay again. None for a new
    # feature, for today's mode, and where the two share no build.
    build_reused: Mode | None = None


@value_class(slots=True)
class OffPeakHours:
    """The hours of the day (UTC) in which a request's tokens cost least, where a step's model
    is priced by the time of day and those hours are cheaper than the hour it is priced at
    (the provider catalogue's, its peak): read from the price data, never assumed."""

    windows_utc: tuple[str, ...]  # "10:00-01:00": each stretch of the cheapest hours, the longest first
    providers: tuple[str, ...]  # the providers (the workload's names) of the steps priced by the hour
    at_s: int  # a second of the day (UTC) in them: the longest one's start
    request_tokens_usd: float  # one request's tokens in those hours (no retries), as request_tokens_usd prices them
    tokens_usd_per_month: float  # the month's token bill in those hours, with retries
    # The longest stretch of the day outside them: the most a piece of work arriving at its
    # start waits for them.
    longest_wait_s: float


# A value class, like WorkStep (advisor.core.steps): one per step, per probe, and a frozen
# dataclass's __init__ costs three times as much. Nothing changes one once it is built.
@value_class(slots=True)
class StepCost:
    """One step's share of the token bill: its calls priced with its own model's prices."""

    name: str
    provider: str  # as the price data names it
    model: str
    calls: int  # the step's repeat
    input_tokens: int  # per call
    cached_input_fraction: float
    output_tokens: int  # visible, per call
    reasoning_tokens: int  # per call, billed as output
    request_usd: float  # one request's calls of this step at standard prices (the service tier's), no retries
    batch_request_usd: float  # the same at batch prices (standard where the provider has no batch API)
    tokens_usd_per_month: dict[Mode, float]  # with retries, at each mode's prices
    price_source: str  # "genai-prices" or "override"


@value_class(slots=True)
class CostEstimate:
    """Every mode's monthly cost, and the figures that compare them (batch's saving and break-even)."""

    modes: dict[Mode, ModeCost]  # sync, streaming, async, batch
    request_tokens_usd: dict[Mode, float]  # one typical request, without retries
    batch_token_saving_usd_per_month: float
    batch_token_saving_fraction: float
    batch_breakeven_requests_per_month: float | None  # None: batch never saves per request
    usd_per_person_week: float
    amortisation_months: int
    price_date: datetime.date
    data_version: str
    assumptions: tuple[Assumption, ...]
    steps: tuple[StepCost, ...] = ()
    off_peak: OffPeakHours | None = None
    # On the flex tier: the token bill of sync, streaming and async if every call were refused by
    # flex and fell back to the standard tier, at its prices (with retries); None elsewhere, or
    # where a step's standard price is not known (a pricing override of the flex price).
    fallback_tokens_usd: float | None = None
    # Where batch's bill assumes a prompt-cache hit rate its provider does not promise inside a
    # batch (the provider catalogue's batch cache_hits): what it would be at the low end it states.
    batch_cache: "BatchCacheHitsRisk | None" = None
    # Where a step reads input from the prompt cache: the real-time token bill (the service
    # tier's prices, with retries) if none of it were read from the cache; None where none is.
    uncached_tokens_usd: float | None = None


@value_class(slots=True)
class BatchCacheHitsRisk:
    """Batch's token bill priced at the workload's prompt-cache hit rate, which its provider
    provides inside a batch on a best-effort basis only (the provider catalogue's ``cache_hits``):
    the range it states and the bill at its low end, against sync's at the workload's rate."""

    provider: str  # the provider's name, as the catalogue gives it
    low: float  # the low end of the hit rates the provider says its users see in a batch
    high: float
    cached_input_fraction: float | None  # the workload's, where every step it concerns has the same
    batch_tokens_usd: float  # batch's monthly token bill as priced, at the workload's hit rate
    low_tokens_usd: float  # the same with no more than the low end of each such step's input cached
    sync_tokens_usd: float  # sync's monthly token bill, at the workload's hit rate (real time)
    # The hit rate inside a batch below which batch's tokens cost more than sync's (None: at none
    # from 0 to the workload's own, or the steps differ in their rates).
    breakeven_fraction: float | None
    usage_field: str  # the usage field that counts a call's cache reads ("" where not given)
    advice: str
    source: str  # cited
    source_ids: tuple[str, ...]
    # The same against the totals, build and infrastructure included: sync's monthly cost, batch's
    # build and infrastructure a month (not on the provider's bill), and the hit rate inside a batch
    # below which batch costs more than sync in all (None: at none from 0 to the workload's own, or
    # the steps differ in their rates). Above ``breakeven_fraction`` where batch's build and
    # infrastructure cost more than sync's: between the two, batch's tokens save less than they add.
    sync_total_usd: float | None = None
    batch_fixed_usd: float | None = None
    total_breakeven_fraction: float | None = None

    def assumption(self) -> Assumption:
        """What the batch row of the cost table assumes, said beside it: the hit rate holds inside
        a batch, which the provider does not promise, and the bill at its stated low end."""
        rate = f"{percent(self.cached_input_fraction)} of input" if self.cached_input_fraction is not None \
            else "each step's share of input"
        return Assumption(
            name="batch prompt caching",
            value=f"batch's token bill of {money(self.batch_tokens_usd)} a month assumes {rate} is read from the "
            f"prompt cache inside a batch, as in real time; {self.provider} provides cache hits in a batch on a "
            f"best-effort basis only, typically {percent(self.low)} to {percent(self.high)}: at {percent(self.low)}, "
            f"batch's tokens would cost {self.at_low_words()}",
            source=self.source, source_ids=self.source_ids,
        )

    def at_low_words(self) -> str:
        """Batch's tokens at the low end against sync's: "$4,406 a month, more than a synchronous
        call's $2,282: batch would then save nothing on tokens" or "$62.50 a month, still $37.50
        less than a synchronous call's $100"."""
        low, sync = self.low_tokens_usd, self.sync_tokens_usd
        if low >= sync:
            return (f"{money(low)} a month, more than a synchronous call's {money(sync)}: batch would then save "
                    "nothing on tokens")
        return f"{money(low)} a month, still {money(sync - low, max(low, sync))} less than a synchronous call's " \
            f"{money(sync)}"

    def below_words(self) -> str | None:
        """The hit rate to alert below, and why: where batch costs what a synchronous call does
        in all, its build and infrastructure included, with the rate at which its tokens alone do
        beside it: "73%, where batch costs what a synchronous call does in all, its build and
        infrastructure included (its tokens alone cost what a synchronous call's do at 70%)". The
        token break-even alone where there is no total one; None where there is neither."""
        tokens, whole = self.breakeven_fraction, self.total_breakeven_fraction
        if whole is None:
            return None if tokens is None else (f"{percent(tokens)}, where batch's tokens cost what a synchronous "
                                                "call's do")
        said = (f"{percent(whole)}, where batch costs what a synchronous call does in all, its build and"
                " infrastructure included")
        if tokens is not None and percent(tokens) != percent(whole):
            said += f" (its tokens alone cost what a synchronous call's do at {percent(tokens)})"
        return said

    def low_total_usd(self) -> float | None:
        """Batch's monthly cost at the low end of the hit rates, its build and infrastructure
        included (None in a risk built without them)."""
        return None if self.batch_fixed_usd is None else self.low_tokens_usd + self.batch_fixed_usd


# A value class, as StepCost: one per step of a reasoning model, and nothing changes one once built.
@value_class(slots=True)
class UnpricedReasoning:
    """One step's reasoning that the latency waits for and the bill leaves out (a model that
    reasons, no reasoning_tokens given): the tokens a call writes as the latency times them
    (advisor.core.latency.implied_reasoning), and what they would add a month at its output
    price. Not in the token bill: no priced figure changes."""

    step: str
    provider: str  # as the price data names it
    model: str
    calls: int  # the step's repeat
    implied_reasoning_tokens_per_call: int
    first_token_p50_s: float  # the first token's median, its reasoning included
    start_p50_s: float  # the median start of a call without reasoning
    output_tokens_per_s: float
    output_usd_per_mtok: float  # what sync, streaming and async pay (the service tier's), at the step's input size
    batch_output_usd_per_mtok: float  # what batch pays (the standard price where the provider has no batch API)
    usd_per_month: dict[Mode, float]  # with retries, at each mode's prices
    # Where the step's price depends on the hour and the off-peak hours are given: its output
    # price in them (the price data's, not a share of the peak's), and what the reasoning would
    # add a month at it, for the calls scheduled into them (with retries). None elsewhere.
    off_peak_output_usd_per_mtok: float | None = None
    off_peak_usd_per_month: float | None = None


def unpriced_reasoning(
    profile: WorkloadProfile,
    steps: tuple[WorkStep, ...],
    latency: "LatencyEstimate",
    card: PriceCard,
    catalogue: "Catalogue | None" = None,
    off_peak_at_s: int | None = None,
) -> tuple[UnpricedReasoning, ...]:
    """Each step whose reasoning the latency times but the bill leaves out, priced as the cost
    model would price that many reasoning tokens given as ``reasoning_tokens`` (output tokens at
    the step's model's output price, each mode's, with retries). ``card`` prices the shown step;
    ``steps`` and ``latency`` are the same workload's. ``off_peak_at_s``: a second of the day in
    the off-peak hours (``OffPeakHours.at_s``), where the same is priced at a step's prices then.
    Empty where nothing is left out: read only where ``latency.reasoning_unpriced`` names a model."""
    if not latency.reasoning_unpriced:
        return ()
    volume = profile.requests_per_month * (1 + profile.retry_rate)
    out: list[UnpricedReasoning] = []
    cards: dict[tuple[str, str, int], PriceCard] = {}
    # Steps of the same card, input size, runs and reasoning are priced alike: once.
    alike: dict[tuple[int, int, int, int], tuple[float, float, dict[Mode, float], float | None, float | None]] = {}
    for step, timed in zip(steps, latency.steps, strict=True):
        implied = timed.implied_reasoning
        if implied is None:
            continue
        own = step_card(step, card, cards, catalogue, profile.service_tier)
        key = (id(own), step.input_tokens, step.repeat, implied.tokens_per_call)  # own is kept in cards or is card
        priced = alike.get(key)
        if priced is None:
            rate = own.standard.output.at(step.input_tokens)
            batch_rate = min(own.batch.output.at(step.input_tokens), rate)
            tokens = implied.tokens_per_call * step.repeat
            monthly = {m: tokens * (batch_rate if m == "batch" else rate) / 1_000_000 * volume for m in MODES}
            off_rate = (own.rates_at(off_peak_at_s).output.at(step.input_tokens)
                        if off_peak_at_s is not None and own.hourly is not None else None)
            off_monthly = None if off_rate is None else tokens * off_rate / 1_000_000 * volume
            priced = alike[key] = (rate, batch_rate, monthly, off_rate, off_monthly)
        rate, batch_rate, monthly, off_rate, off_monthly = priced
        out.append(UnpricedReasoning(
            step=step.name, provider=own.provider, model=own.model, calls=step.repeat,
            implied_reasoning_tokens_per_call=implied.tokens_per_call, first_token_p50_s=implied.first_token_p50_s,
            start_p50_s=implied.start_p50_s, output_tokens_per_s=implied.output_tokens_per_s,
            output_usd_per_mtok=rate, batch_output_usd_per_mtok=batch_rate, usd_per_month=dict(monthly),
            off_peak_output_usd_per_mtok=off_rate, off_peak_usd_per_month=off_monthly,
        ))
    return tuple(out)


def unpriced_reasoning_usd(unpriced: Iterable[UnpricedReasoning]) -> dict[Mode, float] | None:
    """What the steps' unpriced reasoning would add a month, each mode's, summed over the
    steps; None where no step's is worked out."""
    listed = list(unpriced)
    if not listed:
        return None
    return {m: sum(u.usd_per_month[m] for u in listed) for m in MODES}


def cache_writes_unpriced(steps: Iterable[Any]) -> bool:
    """Whether the cost model leaves prompt-cache writes out of these steps' bill: a step
    reads part of its input from the cache (``cached_input_fraction`` above 0), which is billed
    as cache reads only. ``steps``: work steps or their costs (``StepCost``)."""
    return any(step.cached_input_fraction > 0 for step in steps)


def request_cost_usd(rates: RateSet, input_tokens: int, cached_fraction: float, output_tokens: int) -> float:
    """Token cost of one request; the request's input size picks the tier for every rate."""
    cached = input_tokens * cached_fraction
    return (
        (input_tokens - cached) * rates.input.at(input_tokens)
        + cached * rates.cached_input.at(input_tokens)
        + output_tokens * rates.output.at(input_tokens)
    ) / 1_000_000


# The assumptions of a profile without 'costs', in output order (built once: this path is hot).
_DEFAULT_ASSUMPTIONS: tuple[Assumption, ...] = (
    _A_RATE, _A_MONTHS, *(a for m in MODES for a in (_A_INFRA[m], _A_ENGINEERING[m]))
)


def _build_inputs(
    profile: WorkloadProfile,
) -> tuple[float, int, Mapping[Mode, float], Mapping[Mode, float], list[Assumption]]:
    """USD per person-week, months, infra and person-weeks per mode, and the defaults used."""
    options = profile.costs
    if options is None:
        return USD_PER_PERSON_WEEK, AMORTISATION_MONTHS, INFRA_USD_PER_MONTH, ENGINEERING_PERSON_WEEKS, list(
            _DEFAULT_ASSUMPTIONS
        )
    used: list[Assumption] = []
    rate = options.usd_per_person_week
    if rate is None:
        rate = USD_PER_PERSON_WEEK
        used.append(_A_RATE)
    months = options.amortisation_months
    if months is None:
        months = AMORTISATION_MONTHS
        used.append(_A_MONTHS)
    infra_given: Mapping[Mode, float] = options.infra_usd_per_month or {}
    weeks_given: Mapping[Mode, float] = options.engineering_person_weeks or {}
    infra: dict[Mode, float] = {}
    weeks: dict[Mode, float] = {}
    for mode in MODES:
        if mode in infra_given:
            infra[mode] = infra_given[mode]
        else:
            infra[mode] = INFRA_USD_PER_MONTH[mode]
            used.append(_A_INFRA[mode])
        if mode in weeks_given:
            weeks[mode] = weeks_given[mode]
        else:
            weeks[mode] = ENGINEERING_PERSON_WEEKS[mode]
            used.append(_A_ENGINEERING[mode])
    return rate, months, infra, weeks, used


def _built_within(mode: Mode, builds_on: Mapping[Mode, Mode | None]) -> list[Mode]:
    """``mode`` and the modes its build contains, nearest first (sync's, for streaming)."""
    out = [mode]
    base = builds_on.get(mode)
    while base is not None and base not in out:  # the rule set refuses a loop; a hand-made map may not
        out.append(base)
        base = builds_on.get(base)
    return out


def move_build(
    weeks: Mapping[Mode, float], today: Mode | None, mode: Mode, builds_on: Mapping[Mode, Mode | None]
) -> tuple[float, Mode | None]:
    """The person-weeks of ``mode``'s build that a feature running in ``today``'s mode pays to
    move to it, and the mode whose build the two share, which it does not pay again.

    A new feature (no ``today``) pays the whole build; the mode it runs in today nothing (it
    is built). A move pays the new mode's build less that of the nearest mode both builds
    contain (``builds_on``, from the rule set: every shipped mode is built on sync's resilient
    client): sync -> streaming pays 1.5 - 1.0 = 0.5 person-week, async -> sync nothing. Each
    figure is the workload's own where it overrides one (``costs.engineering_person_weeks``);
    a build given below the one it contains adds nothing (never a negative build). Without a
    shared build the move pays the whole of it, as the rule set's modes say nothing of one."""
    if today is None:
        return weeks[mode], None
    if mode == today:
        return 0.0, None
    held = _built_within(today, builds_on)
    shared = next((m for m in _built_within(mode, builds_on) if m in held), None)
    if shared is None:
        return weeks[mode], None
    return max(0.0, weeks[mode] - weeks[shared]), shared


def price_step(
    step: WorkStep, price_date: datetime.date, catalogue: "Catalogue | None", service_tier: str
) -> PriceCard:
    """The prices of a step's model on ``price_date``; an error names the step's field
    (``steps.rewrite.model``), or the workload's own for the single-call shorthand and for a
    provider (or a model and its provider) the step takes from the workload: the step left
    them blank, so the workload's are the ones to fix."""
    try:
        return price_card(step.provider, step.model, price_date, step.pricing, catalogue=catalogue,
                          service_tier=service_tier)
    except AdvisorError as exc:
        field = exc.field or "model"
        workloads = "provider" in step.inherited and (field == "provider" or "model" in step.inherited)
        if not step.prefix or workloads:
            raise
        raise type(exc)(exc.message, source=exc.source, field=step.field(field)) from None


def step_card(
    step: WorkStep,
    card: PriceCard,
    cards: dict[tuple[str, str, int], PriceCard],
    catalogue: "Catalogue | None",
    service_tier: str,
) -> PriceCard:
    """A step's prices: ``card`` for the workload's own model (the shorthand), else its model's,
    priced once per model and kept in ``cards`` (steps of one model share their card)."""
    if not step.prefix:
        return card
    key = (step.provider, step.model, id(step.pricing))
    own = cards.get(key)
    if own is None:
        own = cards[key] = price_step(step, card.price_date, catalogue, service_tier)
    return own


def _card_assumptions(card: PriceCard, cards: list[PriceCard]) -> tuple[Assumption, ...]:
    """The shown step's card's assumptions, then each other model's, named after it.

    Cards are told apart by what they say, not by identity: threads pricing one model at
    once (the questionnaire's sessions) each build an equal card of their own.
    """
    out = list(card.assumptions)
    seen = [card]
    for other in cards:
        if other in seen:
            continue
        seen.append(other)
        out += [x.model_copy(update={"name": f"{x.name} ({other.model})"}) for x in other.assumptions]
    return tuple(out)


@value_class(slots=True)
class _Priced:
    """One step's calls of one request, priced: what steps of the same model, tokens and runs share."""

    card: PriceCard
    one: float  # at standard prices (the service tier's)
    one_batch: float
    flex: float | None  # at flex prices, where the step's model has a flex tier and the workload is on standard
    monthly: dict[Mode, float]  # with retries, at each mode's prices


def estimate_costs(
    profile: WorkloadProfile,
    card: PriceCard,
    *,
    catalogue: "Catalogue | None" = None,
    steps: tuple[WorkStep, ...] | None = None,
    builds_on: Mapping[Mode, Mode | None] | None = None,
) -> CostEstimate:
    """Monthly cost of each mode (the profile has already bounded every override). ``card``
    prices the shown step; every other step is priced with its own model's card. ``builds_on``:
    the mode whose build each mode's contains (the rule set's ``RuleSet.builds_on``), which a
    move from today's mode does not pay again (``move_build``); without it, none."""
    rate, months, infra, weeks, used = _build_inputs(profile)
    steps = steps if steps is not None else work_steps(profile)
    if cache_writes_unpriced(steps):
        used.append(_A_CACHE_WRITES)
    if any(step.reasoning_tokens for step in steps):
        used.append(_A_REASONING)

    retry = 1 + profile.retry_rate
    requests = profile.requests_per_month
    volume = requests * retry
    standard = batch = flex_request = 0.0
    uncached_request = 0.0  # one request at the service tier's prices with nothing read from the cache
    has_flex = False
    # On the flex tier, each call's price should flex refuse it and the standard tier answer it.
    fallback: float | None = 0.0 if profile.service_tier == "flex" else None
    # Batch's request at the low end of the cache hits its provider states inside a batch, for
    # the steps whose own rate is above it (``hits``: the range, of the first such step's provider).
    batch_low = 0.0
    hits: tuple[str, Any, set[float]] | None = None
    stated_hits: dict[str, tuple[str, Any] | None] = {}  # each provider's, looked up once
    cards: list[PriceCard] = []
    step_costs: list[StepCost] = []
    # Each step's calls as its card prices them, for the hours of the day its price depends on.
    calls: list[tuple[PriceCard, WorkStep]] = []
    hourly = False  # a step's price depends on the hour: only then are the off-peak hours looked for
    # Steps of one model share its card, and steps of the same tokens and runs their cost (an
    # agent's steps often repeat): each worked out once.
    own_cards: dict[tuple[str, str, int], PriceCard] = {}
    alike: dict[tuple[object, ...], _Priced] = {}
    # The steps whose cached tokens a call are below the prefix their provider caches: each with
    # what one request's calls of it would cost uncached, more than as priced (standard, batch).
    short_caches: list[tuple[WorkStep, int, Any, float, float]] = []
    for step in steps:
        n_in, frac = step.input_tokens, step.cached_input_fraction
        key = (step.prefix == "", step.provider, step.model, id(step.pricing), n_in, frac, step.output_tokens,
               step.reasoning_tokens, step.repeat)
        priced = alike.get(key)
        if priced is None:
            own = step_card(step, card, own_cards, catalogue, profile.service_tier)
            n_out = step.billed_output_tokens
            one = request_cost_usd(own.standard, n_in, frac, n_out) * step.repeat
            one_batch = min(request_cost_usd(own.batch, n_in, frac, n_out) * step.repeat, one)
            # Async at flex prices where a step's model has a flex tier (standard for the others).
            flex = (
                request_cost_usd(own.flex, n_in, frac, n_out) * step.repeat
                if own.flex is not None and own.service_tier == "standard" else None
            )
            monthly = {m: (one_batch if m == "batch" else one) * volume for m in MODES}
            priced = alike[key] = _Priced(own, one, one_batch, flex, monthly)
        one = priced.one
        standard += one
        batch += priced.one_batch
        uncached_request += (request_cost_usd(priced.card.standard, n_in, 0.0, step.billed_output_tokens) * step.repeat
                             if frac > 0 else one)
        floor = catalogue.min_cached_prefix(step.provider, step.model) if catalogue is not None and frac > 0 else None
        if floor is not None and n_in * frac < floor[0]:
            # Priced as stated (an average over prompts of several lengths may be below the
            # floor), and said, with the bill should none of it be read from the cache.
            n_out = step.billed_output_tokens
            uncached = request_cost_usd(priced.card.standard, n_in, 0.0, n_out) * step.repeat
            uncached_batch = min(request_cost_usd(priced.card.batch, n_in, 0.0, n_out) * step.repeat, uncached)
            short_caches.append((step, floor[0], floor[1], uncached - one, uncached_batch - priced.one_batch))
        stated = None
        if catalogue is not None and frac > 0:
            if step.provider not in stated_hits:
                stated_hits[step.provider] = _batch_cache_hits(catalogue, step.provider)
            stated = stated_hits[step.provider]
        if stated is not None and frac > stated[1].low and (hits is None or hits[1] is stated[1]):
            own, low = priced.card, stated[1].low
            n_out = step.billed_output_tokens
            batch_low += min(request_cost_usd(own.batch, n_in, low, n_out), request_cost_usd(own.standard, n_in, low,
                                                                                             n_out)) * step.repeat
            hits = (stated[0], stated[1], (hits[2] if hits is not None else set()) | {frac})
        else:
            batch_low += priced.one_batch
        if fallback is not None:
            rates = priced.card.fallback
            fallback = None if rates is None else fallback + request_cost_usd(
                rates, n_in, frac, step.billed_output_tokens) * step.repeat
        if priced.flex is not None:
            has_flex = True
            flex_request += priced.flex
        else:
            flex_request += one
        own = priced.card
        cards.append(own)
        calls.append((own, step))
        hourly = hourly or own.hourly is not None
        # Built from its fields in their order: a call with 12 keywords costs twice as much.
        step_costs.append(
            StepCost(
                step.name, own.provider, own.model, step.repeat, n_in, frac, step.output_tokens,
                step.reasoning_tokens, one, priced.one_batch, dict(priced.monthly), own.source,
            )
        )
    per_request: dict[Mode, float] = {"sync": standard, "streaming": standard, "async": standard, "batch": batch}
    per_week_month = rate / months

    # Every input is bounded by the profile's validation, so no sum can overflow or go negative.
    # The mode it runs in today is built: its build is paid, so its monthly cost is its tokens
    # and infrastructure ("today"). Every other mode adds its build, amortised: for a move, only
    # the part of it that today's build does not already contain (move_build).
    today = profile.current_mode
    if today is not None:
        used.append(_A_BUILT[today])
    shared_builds = builds_on or {}
    fixed: dict[Mode, float] = {}
    totals: dict[Mode, float] = {}
    parts: dict[Mode, tuple[float, float]] = {}
    charged: dict[Mode, tuple[float, Mode | None]] = {}
    for m in MODES:
        charged[m] = (weeks[m], None) if today is None else move_build(weeks, today, m, shared_builds)
        engineering = charged[m][0] * per_week_month
        fixed[m] = infra[m] + engineering
        tokens = per_request[m] * volume
        totals[m] = tokens + fixed[m]
        parts[m] = (tokens, engineering)
    if today is not None:
        reused = sorted({base for _, base in charged.values() if base is not None}, key=MODES.index)
        if reused:
            used.append(_reused_assumption(today, reused, weeks))
    if catalogue is not None:
        used += [_cache_minimum(catalogue, short, (parts["sync"][0], parts["batch"][0]), volume)
                 for short in short_caches]
    flex_total: float | None = None
    if has_flex and profile.service_tier == "standard":
        flex_total = flex_request * volume + fixed["async"]
    off_peak = _off_peak_hours(calls, standard, volume) if hourly else None
    off_peak_total: dict[Mode, float] = {}
    if off_peak is not None:
        # Where no one waits on the answer, a synchronous script (a cron job, a pipeline's step) can
        # be started in them as well as a job: not streaming, which serves a person watching.
        off_peak_total["sync"] = off_peak.tokens_usd_per_month + fixed["sync"]
        off_peak_total["async"] = off_peak.tokens_usd_per_month + fixed["async"]
        if not any(card.batch_available for card, _ in calls):  # no batch API: the batch's calls are your own
            off_peak_total["batch"] = off_peak.tokens_usd_per_month + fixed["batch"]
    modes = {
        m: ModeCost(
            mode=m,
            tokens_usd=parts[m][0],
            infra_usd=infra[m],
            engineering_usd=parts[m][1],
            total_usd=totals[m],
            per_1k_requests_usd=totals[m] / requests * 1000 if requests else None,
            engineering_person_weeks=weeks[m],
            saving_vs_current_usd=None if today is None else totals[today] - totals[m],
            flex_total_usd=flex_total if m == "async" else None,
            off_peak_total_usd=off_peak_total.get(m),
            engineering_person_weeks_charged=charged[m][0],
            build_reused=charged[m][1],
        )
        for m in MODES
    }

    saving_per_request = (standard - batch) * retry
    breakeven: float | None = None
    if saving_per_request > 0:
        breakeven = max(0.0, fixed["batch"] - fixed["sync"]) / saving_per_request
        if breakeven == math.inf:  # a saving of a few denormal dollars never pays back
            breakeven = None
    sync_tokens = parts["sync"][0]
    saving = max(0.0, sync_tokens - parts["batch"][0])
    batch_cache = None
    if hits is not None and catalogue is not None:
        name, range_, fractions = hits
        shared = next(iter(fractions)) if len(fractions) == 1 else None
        batch_tokens, low_tokens = parts["batch"][0], batch_low * volume
        crossing: float | None = None
        whole: float | None = None  # the same against sync's total, batch's build and infrastructure on top
        if shared is not None and shared > range_.low and low_tokens > batch_tokens:
            # The bill is linear in the hit rate: where the line crosses sync's bill.
            slope = (batch_tokens - low_tokens) / (shared - range_.low)
            crossing = shared + (sync_tokens - batch_tokens) / slope
            crossing = crossing if 0 < crossing < shared else None
            whole = shared + (totals["sync"] - totals["batch"]) / slope
            whole = whole if 0 < whole < shared else None
        batch_cache = BatchCacheHitsRisk(
            provider=name, low=range_.low, high=range_.high, cached_input_fraction=shared,
            batch_tokens_usd=batch_tokens, low_tokens_usd=low_tokens, sync_tokens_usd=sync_tokens,
            breakeven_fraction=crossing, usage_field=range_.usage_field, advice=" ".join(range_.advice.split()),
            source=catalogue.cite(range_.source), source_ids=catalogue.ids(range_.source),
            sync_total_usd=totals["sync"], batch_fixed_usd=fixed["batch"], total_breakeven_fraction=whole,
        )
        used.append(batch_cache.assumption())
    return CostEstimate(
        modes=modes,
        request_tokens_usd=per_request,
        batch_token_saving_usd_per_month=saving,
        batch_token_saving_fraction=saving / sync_tokens if sync_tokens > 0 else 0.0,
        batch_breakeven_requests_per_month=breakeven,
        usd_per_person_week=rate,
        amortisation_months=months,
        price_date=card.price_date,
        data_version=card.data_version,
        assumptions=(*_card_assumptions(card, cards), *used),
        steps=tuple(step_costs),
        off_peak=off_peak,
        fallback_tokens_usd=None if fallback is None else fallback * volume,
        batch_cache=batch_cache,
        uncached_tokens_usd=uncached_request * volume if any(s.cached_input_fraction > 0 for s in steps) else None,
    )


def _cache_minimum(
    catalogue: "Catalogue", short: tuple[WorkStep, int, Any, float, float], tokens: tuple[float, float], volume: float
) -> Assumption:
    """The note beside the bill of a step whose cached input a call is below the shortest prefix
    its provider caches: "980 cached input tokens a call (70% of 1,400) are below the 1,024-token
    prefix OpenAI caches for gpt-4o-mini: ... with none cached, the tokens cost $78.00 a month,
    not $63.30 (batch: $39.00 either way)". ``tokens``: the month's token bill as priced, real
    time and batch."""
    step, floor, source, more, more_batch = short
    spec = catalogue.provider(step.provider)
    who = spec.name if spec is not None else step.provider
    where = f"step '{step.name}': " if step.prefix else ""
    real_time, batch = tokens
    said = (f"{money(real_time + more * volume)} a month, not {money(real_time)}"
            if more > 0 else f"what they cost as priced, {money(real_time)} a month")
    if batch != real_time:  # batch's own prices, where the provider has them
        said += (f" (batch: {money(batch + more_batch * volume)}, not {money(batch)})" if more_batch > 0
                 else f" (batch: {money(batch)} either way)")
    return catalogue.assumption(
        CACHE_MINIMUM,
        f"{where}{step.input_tokens * step.cached_input_fraction:,.0f} cached input tokens a call"
        f" ({percent(step.cached_input_fraction)} of {step.input_tokens:,}) are below the {floor:,}-token prefix"
        f" {who} caches for {step.model}: a call whose cached prefix is shorter reads none of it from the cache."
        f" Priced as stated (a measured average over calls can be below it); with none"
        f"{' of the step' if step.prefix else ''} cached, the tokens cost {said}",
        source,
    )


def _clock(second: int) -> str:
    """A second of the day as a UTC clock time: "16:30" ("16:30:15" where it has seconds)."""
    second %= DAY_S
    hours, rest = divmod(second, 3600)
    minutes, seconds_ = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}" + (f":{seconds_:02d}" if seconds_ else "")


def _off_peak_hours(
    calls: Iterable[tuple[PriceCard, WorkStep]], standard: float, volume: float
) -> OffPeakHours | None:
    """The hours of the day in which one request's tokens cost least, where a step's price
    depends on the hour and those hours cost less than ``standard`` (a request at the hour
    each card is priced at). Every step is priced at the same moment (a request's calls run
    together), at the edges all its cards' prices change at; the cheapest stretches, merged
    across midnight, are its windows. None where the price is the same all day."""
    calls = list(calls)
    edges = sorted({0} | {start for card, _ in calls for start, _ in card.hourly or ()})
    if len(edges) == 1:
        return None
    # One request's tokens from each edge to the next: each step at its card's prices then,
    # summed in the steps' order; steps alike (an agent's repeated calls) priced once an edge.
    stretches = []
    for start, end in zip(edges, [*edges[1:], DAY_S], strict=True):
        alike: dict[tuple[int, int, float, int, int], float] = {}
        total = 0.0
        for card, step in calls:
            key = (id(card), step.input_tokens, step.cached_input_fraction, step.billed_output_tokens, step.repeat)
            cost = alike.get(key)
            if cost is None:
                cost = alike[key] = request_cost_usd(
                    card.rates_at(start), step.input_tokens, step.cached_input_fraction, step.billed_output_tokens
                ) * step.repeat
            total += cost
        stretches.append((start, end, total))
    cheapest = min(cost for _, _, cost in stretches)
    # Cheaper than the priced hour by more than a rounding: else there is nothing to schedule for.
    if not cheapest < standard * (1 - 1e-9):
        return None
    cheap = [cost <= cheapest * (1 + 1e-9) for _, _, cost in stretches]
    windows: list[list[int]] = []  # [start, end] seconds, end past DAY_S where it runs over midnight
    for (start, end, _), low in zip(stretches, cheap, strict=True):
        if not low:
            continue
        if windows and windows[-1][1] == start:
            windows[-1][1] = end
        else:
            windows.append([start, end])
    if len(windows) > 1 and windows[0][0] == 0 and windows[-1][1] == DAY_S:  # one stretch over midnight
        first = windows.pop(0)
        windows[-1][1] = DAY_S + first[1]
    # The gaps between them, round the day: the longest is the most a piece of work waits.
    ordered = sorted(windows)
    gaps = [
        (ordered[(i + 1) % len(ordered)][0] + (DAY_S if i + 1 == len(ordered) else 0)) - ordered[i][1]
        for i in range(len(ordered))
    ]
    ordered_longest = sorted(windows, key=lambda w: (-(w[1] - w[0]), w[0]))
    return OffPeakHours(
        windows_utc=tuple(f"{_clock(start)}-{_clock(end)}" for start, end in ordered_longest),
        providers=tuple(dict.fromkeys(step.provider for card, step in calls if card.hourly is not None)),
        at_s=ordered_longest[0][0],
        request_tokens_usd=cheapest,
        tokens_usd_per_month=cheapest * volume,
        longest_wait_s=float(max(gaps)),
    )


def _batch_cache_hits(catalogue: "Catalogue", provider: str) -> tuple[str, Any] | None:
    """The provider's name and the cache hits it states inside a batch (the provider
    catalogue's batch ``cache_hits``), where it has a batch API and states them; else None."""
    spec = catalogue.provider(provider)
    if spec is None or not spec.batch.available or spec.batch.cache_hits is None:
        return None
    return spec.name, spec.batch.cache_hits
