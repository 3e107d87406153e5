"""Latency model: the time of one request as a distribution, step by step.

one call, estimated   first token p50/p95 = the model's median first-token time (and its p95: the
                                           median x the catalogue's spread) + reasoning tokens / speed
                                           + the prompt's reading beyond the catalogue's measured
                                           prompt (``prompt_reading_s``; not an embedding's)
                      call p50/p95        = first token p50/p95 + visible output tokens / speed
one call, measured    model_p50_s and model_p95_s; one of them alone takes the other from the
                      estimate's ratio; ttft_s (a p95) replaces the first token's estimate, its
                      prompt's reading included (a measured call's first token, without ttft_s,
                      is the estimate's, the prompt read, never past the call's end)
a request             the sum of its calls (each step's repeat), its tools (each run's tool time,
                      before its call) and its retries, combined by advisor.core.distribution with
                      the workload's latency_correlation: end-to-end p50, p95, p99
first visible token   the same sum up to the shown step's first token: every call before it, every
                      tool time of the steps up to it, and that call's first token
shown step done       the same sum up to the shown step's end: every call up to it and its own,
                      every tool time up to it (the end to end where the shown step is the last)

Speeds come from the provider catalogue (``rules/catalogue.yaml``): each model's measured
median first-token time and output speed, with their source and date. A median is not a
p95: the first token's p95 is the median times the catalogue's measured spread (unless the
model has a measured p95 of its own); output speed stays at its median. A model that
reasons before it answers waits for its reasoning before the first visible token: where the
catalogue's first-token time includes the reasoning (measured at a benchmark's workload) and
the workload states its reasoning tokens, the call starts as a call without reasoning does
(the fallback first token) and the stated reasoning is added (none where it states 0:
thinking off). A model with no measured speed takes its maker's where it is a hosted copy
(``speed_of``); a chat model is otherwise judged no faster than its provider's slowest
measured model (advisor.core.catalogue.Slowest); an embedding model, or one the catalogue
lacks, gets the conservative end of seed 003's ranges. Every default used is returned as an
assumption.
"""

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .assumption import Assumption, joined_ids
from .catalogue import Sources, measured_p95
from .citation import INTEGRATION_PATTERNS
from .distribution import Z99, Calls, Percentiles, percentiles, share_above
from .figures import count, seconds
from .profile import DEFAULT_LATENCY_CORRELATION, WorkloadProfile
from .steps import WorkStep, calls_per_request, work_steps
from .validation import plain
from .value_class import value_class

if TYPE_CHECKING:
    from .catalogue import Catalogue, PromptReading, ProviderSpec

# A retried call waits this long before its next attempt: the first back-off of seed 003's
# resilient client (1 s, 2 s, 4 s, 8 s).
RETRY_BACKOFF_S = 1.0
_SOURCE_MODEL = "advisor latency model, docs/cost-model.md"
_SOURCE_RETRY = f"{INTEGRATION_PATTERNS} § The Resilient Client, retry with exponential backoff: 1s, 2s, 4s, 8s"
_SOURCE_RETRY_IDS = (INTEGRATION_PATTERNS,)


@value_class(slots=True)
class ModelSpeed:
    """The speed the latency model uses for one model when the workload gives none."""

    ttft_p95_s: float
    output_tokens_per_s: float
    reasons: bool  # reasons before it answers: the first visible token waits for it
    measured: bool  # a measurement of this model (False: a fallback)
    ttft_assumption: Assumption
    speed_assumption: Assumption
    ttft_p50_s: float = 0.0  # the first token's median
    # The first-token figures include the model's reasoning (measured at some workload): a
    # workload that states its reasoning tokens starts from ``start_p50_s``/``start_p95_s``.
    includes_reasoning: bool = False
    start_p50_s: float = 0.0
    start_p95_s: float = 0.0
    start_assumption: Assumption | None = None
    no_reasoning_assumption: Assumption | None = None  # the start, where the workload states 0 reasoning tokens
    # How the measured speed was measured, where the catalogue says ("measured with 10,000
    # input tokens"): a call unlike the benchmark's may take another time ("" for none said).
    conditions: str = ""


def _speed(catalogue: "Catalogue", provider: str, model: str, service_tier: str, embedding: bool = False) -> ModelSpeed:
    resolved = catalogue.resolve(provider, model)
    spec, entry = resolved.provider, resolved.model
    data = catalogue.data
    ratio, ratio_source = data.latency.ttft_p95_over_p50, data.latency.source
    if spec is not None and spec.ttft_p95_over_p50 is not None:
        ratio, ratio_source = spec.ttft_p95_over_p50, spec.ttft_spread_source or ratio_source
    name = resolved.model_key or model
    reasons = entry.reasons if entry is not None else False
    fallback = data.fallback_speed
    conditions = ""
    if entry is not None and entry.speed is not None:
        speed = entry.speed
        note = f"; {speed.note}" if speed.note else ""
        median = speed.ttft_s
        if speed.ttft_p95_s is not None:
            ttft, how = speed.ttft_p95_s, f"{speed.ttft_p95_s:g} s at p95, measured ({name}{note})"
            source, source_ids = catalogue.cite(speed.source), catalogue.ids(speed.source)
        else:
            ttft = speed.ttft_s * ratio
            how = f"{ttft:.2f} s at p95 = {speed.ttft_s:g} s median x {ratio:g} ({name}{note})"
            source = f"{catalogue.cite(speed.source)}; spread: {catalogue.cite(ratio_source)}"
            source_ids = joined_ids(catalogue.ids(speed.source), catalogue.ids(ratio_source))
        tps, measured, conditions = speed.output_tokens_per_s, True, speed.note
        ttft_assumption = Assumption(name="time to first token", value=how, source=source, source_ids=source_ids)
        # Measured through a router: the output speed is said to be its too, with the note.
        routed = "" if not speed.via else f"; {speed.note}" if speed.note else f"; measured through {speed.via}"
        speed_assumption = catalogue.assumption("output speed", f"{tps:g} tokens/s, median ({name}{routed})",
                                                speed.source)
    elif reasons:
        # The stand-in is o3's measured median, so its tail is o3's too: the catalogue's spread
        # (OpenAI sets none of its own), not this provider's. A provider's spread was measured
        # on a sub-second first token; times a 23-s reasoning median it made Gemini's p95 97 s.
        ratio, ratio_source = data.latency.ttft_p95_over_p50, data.latency.source
        median = fallback.reasoning_ttft_s
        ttft = fallback.reasoning_ttft_s * ratio
        tps, measured = fallback.output_tokens_per_s, False
        ttft_assumption = Assumption(
            name="time to first token",
            value=f"{ttft:.1f} s at p95 = {fallback.reasoning_ttft_s:g} s median x {ratio:g}: {name} reasons before it "
            "answers and has no measured speed; the first visible token waits for the reasoning (o3's median)",
            source=f"{catalogue.cite(fallback.reasoning_source)}; reasons: {catalogue.cite(entry.reasons_source)}"
            if entry is not None else catalogue.cite(fallback.reasoning_source),
            source_ids=joined_ids(catalogue.ids(fallback.reasoning_source),
                               catalogue.ids(entry.reasons_source) if entry is not None else ()),
        )
        speed_assumption = catalogue.assumption(
            "output speed", f"{tps:g} tokens/s (no measured speed for {name}: the slow end of the published range)",
            fallback.source,
        )
    elif (maker := catalogue.maker_of(entry)) is not None:
        # The same model served by its maker, measured there: its host's own speed is unmeasured.
        maker_key, maker_model, maker_spec = maker
        maker_provider = data.providers[maker_key]
        made = maker_spec.speed
        assert made is not None  # maker_of returns a measured maker
        ttft, how, source_ids = measured_p95(data, maker_provider, made)
        median = made.ttft_s
        tps, measured, conditions = made.output_tokens_per_s, True, made.note
        host = spec.name if spec is not None else provider
        where = f"{maker_model} as measured at {maker_provider.name}; {host}'s own speed is unmeasured"
        note = f"; {made.note}" if made.note else ""
        ttft_assumption = catalogue.assumption(
            "time to first token", f"{how} ({name}: {where}{note})", list(source_ids)
        )
        speed_assumption = catalogue.assumption(
            "output speed", f"{tps:g} tokens/s, median ({name}: {where})", made.source
        )
    elif (entry is not None and entry.output == "text") or (
        entry is None and spec is not None and not spec.any_model and not embedding
    ):
        # A chat model with no measured speed: no faster than the slowest measured one. So is
        # a model of a catalogued provider the catalogue does not list, unless the workload
        # says it is an embedding (a chat model's speed says nothing of one).
        slow, own = catalogue.slowest(resolved.provider_key), catalogue.has_measured(resolved.provider_key)
        ttft, tps, measured = slow.ttft_p95_s, slow.output_tokens_per_s, False
        # Timed at the stand-in at its median too: its p95 over this provider's spread could be
        # quicker than the stand-in's own median, which "no faster than" rules out.
        median = slow.ttft_p50_s if slow.ttft_p50_s is not None else ttft / ratio
        host = spec.name if spec is not None else provider
        unmeasured = (f"{name} has no measured speed in the provider catalogue" if entry is not None
                      else f"{name} is not in the provider catalogue")
        ttft_assumption = catalogue.assumption(
            "time to first token",
            f"{slow.ttft_how} ({unmeasured}: {_no_faster_than(catalogue, slow.ttft_of, host, own)})",
            list(slow.ttft_source),
        )
        speed_assumption = catalogue.assumption(
            "output speed",
            f"{tps:g} tokens/s ({unmeasured}: {_no_faster_than(catalogue, slow.output_of, host, own, 'output')})",
            list(slow.output_source),
        )
    else:  # an embedding model, or a provider not in the catalogue (or self-hosted): the fallback
        ttft, tps, measured = fallback.ttft_p95_s, fallback.output_tokens_per_s, False
        median = ttft / ratio
        why = "not in the provider catalogue" if entry is None else "no measured speed in the provider catalogue"
        ttft_assumption = catalogue.assumption(
            "time to first token",
            f"{ttft:g} s ({name}: {why}; the slow end of the published range, not a measurement of this model)",
            fallback.source,
        )
        speed_assumption = catalogue.assumption(
            "output speed", f"{tps:g} tokens/s ({name}: {why}; the slow end of the published range)", fallback.source
        )
    if service_tier == "priority" and entry is not None and entry.priority_output_tokens_per_s is not None:
        floor = entry.priority_output_tokens_per_s
        if floor > tps:
            tps = floor
            speed_assumption = Assumption(
                name="output speed",
                value=f"{tps:g} tokens/s: the priority tier's guaranteed median for {name}",
                source=catalogue.cite(spec.priority.source) if spec is not None and spec.priority else "catalogue",
                source_ids=catalogue.ids(spec.priority.source) if spec is not None and spec.priority else (),
            )
    # The catalogue's first token of a model that reasons includes its reasoning (o3's was
    # measured so; a model without a measurement gets o3's). Stated reasoning tokens are
    # added to a call that starts as one without reasoning, which nobody measured for it: no
    # sooner than the slowest measured model of its provider starts (as an unmeasured chat
    # model is judged), else the fallback's first token.
    start_sources: Sources
    if entry is not None:
        owner = resolved.provider_key or provider
        start = catalogue.slowest(owner)
        start_p95, start_sources = start.ttft_p95_s, list(start.ttft_source)
        # No faster than the stand-in at the median either (its own, not its p95 over this spread).
        start_p50 = start.ttft_p50_s if start.ttft_p50_s is not None else start_p95 / ratio
        host = spec.name if spec is not None else provider
        start_how = _no_faster_than(catalogue, start.ttft_of, host, catalogue.has_measured(owner))
    else:
        start_p95, start_sources = fallback.ttft_p95_s, fallback.source
        start_p50 = start_p95 / ratio
        start_how = "the slow end of the published range"
    # How the start is judged, and why the catalogue's first token is not used: a measured
    # one is the model's own, an unmeasured one o3's (the fallback's); both include reasoning.
    judged = f"judged at {start_how}" if start_how.startswith("the slow end") else start_how
    not_used = (f"{name}'s measured first token, at a benchmark's workload, includes reasoning and is not used"
                if measured else f"the catalogue's figure for {name}, o3's median, includes reasoning and is not used")
    start_assumption = catalogue.assumption(
        "time to first token",
        f"{start_p95:.2f} s at p95 before the reasoning: {name} starts as a call without reasoning, then writes "
        f"the stated reasoning tokens at its output speed; nobody measured that start, so it is {judged} "
        f"({not_used})",
        start_sources,
    )
    no_reasoning_assumption = catalogue.assumption(
        "time to first token",
        f"{start_p95:.2f} s at p95: {name} with thinking off (reasoning_tokens 0) starts as a call without "
        f"reasoning; nobody measured that start, so it is {judged} ({not_used})",
        start_sources,
    )
    return ModelSpeed(
        ttft, tps, reasons, measured, ttft_assumption, speed_assumption, ttft_p50_s=median,
        includes_reasoning=reasons, start_p50_s=start_p50, start_p95_s=start_p95,
        start_assumption=start_assumption, no_reasoning_assumption=no_reasoning_assumption, conditions=conditions,
    )


def _no_faster_than(catalogue: "Catalogue", whose: tuple[str, str] | None, host: str, own: bool,
                    what: str = "model") -> str:
    """Whose figure an unmeasured chat model is judged at, in words (``own``: its provider has
    a measured model)."""
    figure = "output speed" if what == "output" else "model"
    if whose is None:
        among = f"of {host}" if own else "in the provider catalogue"
        return f"the slow end of the published range, no faster than any measured {figure} {among}"
    provider = catalogue.data.providers[whose[0]]
    if own:
        return f"judged no faster than the slowest measured {figure} of {host}, {whose[1]}"
    return (f"judged no faster than the slowest measured {figure} in the provider catalogue, {provider.name}'s "
            f"{whose[1]} ({host} has none measured)")


def model_speed(
    catalogue: "Catalogue", provider: str, model: str, service_tier: str = "standard", output_format: str = "text"
) -> ModelSpeed:
    """The catalogue's speed for a model (cached: a catalogue never changes). The workload's
    ``output_format`` tells a model the catalogue lacks: an embedding or a chat model."""
    embedding = output_format == "embedding"
    key = ("speed", provider, model, service_tier, embedding)
    hit: ModelSpeed | None = catalogue.memo.get(key)
    if hit is None:
        hit = catalogue.memo[key] = _speed(catalogue, provider, model, service_tier, embedding)
    return hit


@value_class(slots=True)
class ImpliedReasoning:
    """The reasoning tokens one call writes as the latency times it, where a model reasons and
    the workload gives no reasoning_tokens: the first token's median, measured with reasoning,
    less the median start of a call without it (the start stated reasoning is added to), at the
    output speed. The figure the bill leaves out (advisor.core.cost.unpriced_reasoning)."""

    tokens_per_call: int
    first_token_p50_s: float  # the catalogue's first-token median, its reasoning included
    start_p50_s: float  # the median start of a call without reasoning
    output_tokens_per_s: float


def implied_reasoning(speed: ModelSpeed, output_tokens_per_s: float) -> ImpliedReasoning | None:
    """The reasoning tokens a call of a model that reasons writes before its first token, as
    the latency times it without a stated figure: stated, N tokens put its first token at the
    start plus N / speed (``_call_times``); unstated, at the catalogue's median, which is that
    start plus (median - start) x speed tokens. Whole tokens, rounded half up. None where the
    model does not reason or the median leaves no time for reasoning."""
    if not speed.includes_reasoning:
        return None
    tokens = math.floor((speed.ttft_p50_s - speed.start_p50_s) * output_tokens_per_s + 0.5)
    if tokens <= 0:
        return None
    return ImpliedReasoning(tokens, speed.ttft_p50_s, speed.start_p50_s, output_tokens_per_s)


# A value class, like WorkStep (advisor.core.steps): one per step, per probe, and a frozen
# dataclass's __init__ costs three times as much. Nothing changes one once it is built.
@value_class(slots=True)
class StepLatency:
    """One step's calls: one call's time (one attempt, no retry) and where the step sits in a
    typical request (every call at its median)."""

    name: str
    provider: str
    model: str
    calls: int  # the step's repeat
    shown: bool  # its output is what the person reads as it appears
    tool_latency_s: float  # each run's time outside the model, before its call
    call_p50_s: float
    call_p95_s: float
    call_p99_s: float  # extrapolated from the p50 and p95 (lognormal)
    first_token_p50_s: float  # one call's first visible token (after its reasoning)
    first_token_p95_s: float
    output_tokens_per_s: float
    reasoning_tokens: int  # per call (0: none stated)
    measured: bool  # the call's time was measured (model_p50_s or model_p95_s)
    start_s: float  # when the step starts in a typical request
    duration_s: float  # calls x (tools + call p50): its share of a typical request
    # A model that reasons, no reasoning_tokens given and no time of the workload's own: the
    # reasoning its first token is timed with, which the bill leaves out. None elsewhere.
    implied_reasoning: ImpliedReasoning | None = None


@value_class(slots=True)
class LatencyEstimate:
    per_call_p95_s: float  # the p95 of one call of the slowest step
    end_to_end_p95_s: float
    time_to_first_token_s: float  # p95 until the shown step's first visible token
    latency_budget_s: float
    within_budget: bool  # the end-to-end p95 fits the budget
    budget_ratio: float  # end-to-end p95 / budget; above 1 the budget is missed at p95
    ttft_s: float  # first-token p95 of one call of the shown step
    output_tokens_per_s: float  # the shown step's
    measured: bool  # True when every call's time was measured, not estimated
    model_reasons: bool  # a model of the workload reasons before it answers (the catalogue says so)
    # The models that reason before they answer where the workload gives no reasoning_tokens:
    # their first token includes the reasoning, but the cost bills none of it (not priced).
    reasoning_unpriced: tuple[str, ...] = ()
    # The models timed at a stand-in: no measured speed in the catalogue, and no time of the
    # workload's own (model_p50_s, model_p95_s, ttft_s). A verdict on their latency rests on it.
    stand_ins: tuple[str, ...] = ()
    # The models timed at a measured speed the catalogue says was measured under stated
    # conditions, with them ("gpt-4.1-mini (measured with 10,000 input tokens)"), where the
    # workload gives no time of its own: a call unlike the benchmark's may take another time.
    benchmarked: tuple[str, ...] = ()
    end_to_end_p50_s: float = 0.0
    end_to_end_p99_s: float = 0.0
    end_to_end_mean_s: float = 0.0  # what a request takes on average (Little's law reads it)
    time_to_first_token_p50_s: float = 0.0
    time_to_first_token_p99_s: float = 0.0
    # Until the shown step's whole answer (every call and tool up to it, and its own calls):
    # what a person waits for where steps follow the one they read; the end to end elsewhere.
    shown_step_p50_s: float = 0.0
    shown_step_p95_s: float = 0.0
    shown_step_p99_s: float = 0.0
    calls: int = 1  # model calls per request (every step's repeat)
    latency_correlation: float = DEFAULT_LATENCY_CORRELATION
    retry_backoff_s: float = RETRY_BACKOFF_S
    steps: tuple[StepLatency, ...] = ()


@value_class(slots=True)
class _CallTimes:
    """One call's p50 and p95, whole and to its first token, its speed, and whether the workload gave them."""

    call_p50: float
    call_p95: float
    first_p50: float
    first_p95: float
    tps: float
    measured: bool


@value_class(slots=True)
class _Timed:
    """What steps that time alike share: the model's speed, one call's times, its p99 and
    how its p95 was estimated (None: measured)."""

    speed: ModelSpeed
    times: _CallTimes
    estimate: str | None
    call_p99: float
    step: WorkStep  # the first step so timed: what the others share with it


def prompt_reading_s(step: WorkStep, reading: "PromptReading") -> float:
    """The seconds a call waits for its first token beyond the catalogue's, to read a prompt
    longer than the one its speeds were measured with: its uncached input at the uncached rate
    and its cached input at the cached rate, less the measured prompt at the uncached rate
    (never below 0). Only for a call whose first token the workload does not give (ttft_s),
    not an embedding's; a measured call (model_p50_s, model_p95_s) is never made longer."""
    cached = step.input_tokens * step.cached_input_fraction
    rate = reading.input_tokens_per_s
    extra = ((step.input_tokens - cached) / rate + cached / reading.cached_input_tokens_per_s
             - reading.measured_prompt_tokens / rate)
    return extra if extra > 0 else 0.0


def _prompt_reading_value(step: WorkStep, extra: float, reading: "PromptReading") -> str:
    cached = f" ({step.cached_input_fraction:.0%} cached)" if step.cached_input_fraction else ""
    uncached, cached_rate = count(reading.input_tokens_per_s), count(reading.cached_input_tokens_per_s)
    rates = f"{uncached} tokens/s"
    if step.cached_input_fraction:
        rates = f"{uncached} tokens/s uncached and {cached_rate} cached"
    measured = step.model_p50_s is not None or step.model_p95_s is not None
    ask = "give the call's measured ttft_s" if measured else "measure the call and give ttft_s and model_p95_s"
    return (
        f"+{_said(extra)} s to the first token: {step.input_tokens:,} input tokens{cached} read at {rates}, beyond "
        f"the {reading.measured_prompt_tokens:,} the model's speed is measured with; {ask}"
    )


def _call_times(
    step: WorkStep, speed: ModelSpeed, named: bool, assumptions: list[Assumption], seen: set[tuple[str, str]],
    reading_s: float = 0.0,
) -> tuple[_CallTimes, str | None]:
    """One call of a step: its first token and its whole time, p50 and p95; and how its p95
    was estimated (None: measured). ``reading_s``: the seconds its prompt adds to an
    estimated first token (``prompt_reading_s``)."""
    suffix = f" ({step.model})" if named else ""
    reasoning = step.reasoning_tokens
    tps = step.output_tokens_per_s
    if tps is None:
        tps = speed.output_tokens_per_s
    first_token: Assumption | None = None  # what the first token was taken from, if not the step's own ttft_s
    if step.ttft_s is not None:
        # A measured first token (a p95) includes whatever reasoning the call does.
        first_p95 = step.ttft_s
        first_p50 = first_p95 * (speed.ttft_p50_s / speed.ttft_p95_s) if speed.ttft_p95_s > 0 else first_p95
    elif reasoning and speed.includes_reasoning:
        first_p50 = speed.start_p50_s + reasoning / tps
        first_p95 = speed.start_p95_s + reasoning / tps
        first_token = speed.start_assumption
    elif step.reasoning_stated and speed.includes_reasoning:
        # reasoning_tokens: 0 stated (thinking off): the call starts as one without reasoning
        # does, and nothing is added; the catalogue's first token includes reasoning it skips.
        first_p50, first_p95 = speed.start_p50_s, speed.start_p95_s
        first_token = speed.no_reasoning_assumption
    else:
        first_p50 = speed.ttft_p50_s + (reasoning or 0) / tps
        first_p95 = speed.ttft_p95_s + (reasoning or 0) / tps
        first_token = speed.ttft_assumption
    if reading_s:
        first_p50 += reading_s
        first_p95 += reading_s
    measured = step.model_p50_s is not None or step.model_p95_s is not None
    written = step.output_tokens / tps
    est_p50, est_p95 = first_p50 + written, first_p95 + written
    if step.model_p50_s is not None and step.model_p95_s is not None:
        call_p50, call_p95 = step.model_p50_s, step.model_p95_s
    elif step.model_p95_s is not None:
        call_p95 = step.model_p95_s
        call_p50 = call_p95 * (est_p50 / est_p95) if est_p95 > 0 else call_p95
    elif step.model_p50_s is not None:
        call_p50 = step.model_p50_s
        call_p95 = call_p50 * (est_p95 / est_p50) if est_p50 > 0 else call_p50
    estimate = None
    if step.model_p50_s is None and step.model_p95_s is None:
        call_p50, call_p95 = est_p50, est_p95
        what = f"{_said(first_p95)} s to the first token"
        if reasoning:
            start = _said(first_p95 - reasoning / tps)
            what = f"{start} s to start + {reasoning:,} reasoning tokens / {plain(tps)} tok/s"
        written_out = (f" + {step.output_tokens:,} tokens / {plain(tps)} tok/s" if step.output_tokens
                       else "" if reasoning else ", with no output tokens to write")
        # A call of a minute or more also in the unit the record's drivers say it in ("1.16 min").
        in_minutes = f" ({seconds(call_p95)})" if call_p95 >= 60 else ""
        estimate = f"{_said(call_p95)} s{in_minutes} = {what}{written_out}"
    # A measured call can be quicker than the first-token default: the first token never
    # comes after the end.
    times = _CallTimes(call_p50, call_p95, min(first_p50, call_p50), min(first_p95, call_p95), tps, measured)
    # The first token is an assumption only where a figure reads it: the wait until the person
    # sees something (the step they read), a call time estimated from it, or the step's own
    # first token where the call's measured end does not cut it short. A step whose whole
    # call was measured, and whose output no one reads as it appears, reads it nowhere.
    timed = step.model_p50_s is not None and step.model_p95_s is not None
    if first_token is not None and (
        step.shown or not timed or first_p50 < call_p50 or first_p95 < call_p95
    ):
        _add(assumptions, seen, first_token, suffix)
    # An output speed is an assumption only where tokens are written at it (not an embedding's).
    if step.output_tokens_per_s is None and not measured and (step.output_tokens or reasoning):
        _add(assumptions, seen, speed.speed_assumption, suffix)
    return times, estimate


def _steps_named(names: list[str]) -> str:
    """"answer"; "rewrite, answer"; "step 1, step 2 and 23 more steps"."""
    if len(names) <= 3:
        return ", ".join(names)
    return f"{names[0]}, {names[1]} and {len(names) - 2} more steps"


def _said(value: float) -> str:
    """Seconds to the precision a person says them: 0.43, 4.17, 64.4, 1,250."""
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def _add(assumptions: list[Assumption], seen: set[tuple[str, str]], assumption: Assumption, suffix: str) -> None:
    key = (assumption.name + suffix, assumption.value)
    if key not in seen:
        seen.add(key)
        assumptions.append(assumption.model_copy(update={"name": assumption.name + suffix}) if suffix else assumption)


def _reasoning_unstated(timed: Iterable[_Timed]) -> list[str]:
    """The models that reason before they answer in a step that gives no reasoning_tokens (0
    stated is given: no reasoning)."""
    return sorted({t.step.model for t in timed if t.speed.reasons and not t.step.reasoning_stated})


def _flex_latency_assumption(catalogue: "Catalogue", steps: tuple[WorkStep, ...] | list[WorkStep]) -> list[Assumption]:
    """On the flex tier, where a call's time is estimated (no model_p95_s of the workload's own):
    the estimate is the standard tier's, as the provider catalogue holds no flex latency figure;
    its flex tier is only said to answer slower (OpenAI's Flex processing guide)."""
    specs: list[ProviderSpec] = []
    for s in steps:
        spec = catalogue.resolve(s.provider, s.model).provider
        if spec is not None and spec.flex is not None and all(spec is not seen for seen in specs):
            specs.append(spec)
    if not specs:
        return []
    names = " and ".join(spec.name for spec in specs)
    sources = [key for spec in specs if spec.flex is not None for key in _keys(spec.flex.source)]
    return [catalogue.assumption(
        "flex tier latency",
        f"not modelled: the p95 is the standard tier's; {names} says its flex tier answers slower, with no"
        " figure for how much, and the provider catalogue holds no flex latency (measure the calls on flex and"
        " give model_p95_s)",
        list(dict.fromkeys(sources)),
    )]


def _keys(source: Sources) -> list[str]:
    """A catalogue entry's source keys as a list (one key or several)."""
    return [source] if isinstance(source, str) else list(source)


def _reasoning_assumptions(unstated: list[str]) -> list[Assumption]:
    out: list[Assumption] = []
    if unstated:
        which = ", ".join(unstated)
        out.append(
            Assumption(
                name="reasoning tokens",
                value=f"not given for {which}, which reasons before it answers: none are billed, and the first token "
                "is the catalogue's (its reasoning at a benchmark's workload); give reasoning_tokens to price them",
                source="the provider catalogue, which marks the model as reasoning; the workload",
            )
        )
    return out


def estimate_latency(
    profile: WorkloadProfile,
    catalogue: "Catalogue | None" = None,
    steps: tuple[WorkStep, ...] | None = None,
) -> tuple[LatencyEstimate, list[Assumption]]:
    if catalogue is None:
        from .rules import load_rules

        catalogue = load_rules().catalogue
    steps = steps if steps is not None else work_steps(profile)
    named = len({(s.provider, s.model) for s in steps}) > 1
    assumptions: list[Assumption] = []
    seen: set[tuple[str, str]] = set()
    timed: list[_Timed] = []  # each step's
    # The request's calls, those that time alike counted together (as the distribution
    # counts them), and those before the shown step.
    calls: dict[tuple[float, float], float] = {}
    before_shown: dict[tuple[float, float], float] = {}
    through_shown: dict[tuple[float, float], float] = {}
    # Steps that time alike (an agent's repeated steps) are worked out once: their speed,
    # call times, p99 and the wording of their estimate; what is read of the steps' speeds
    # and times below, once for each such kind of step.
    worked: dict[tuple[object, ...], _Timed] = {}
    estimated: dict[str, list[str]] = {}  # how a call's p95 was estimated -> the steps so estimated
    shown = 0
    # A long prompt's reading, where the call is estimated (not an embedding's): the seconds
    # it adds to the first token -> the steps so read (named: where the workload has steps).
    reading = catalogue.data.latency.prompt_reading
    embedding = profile.output_format == "embedding"
    read: dict[str, list[str]] = {}
    reading_of: dict[tuple[int, float], float] = {}
    for i, s in enumerate(steps):
        # A measured first token includes the prompt; a measured call (no ttft_s) includes it in
        # its end, but its first token is still the catalogue's, which comes after the prompt.
        if embedding or s.ttft_s is not None:
            extra = 0.0
        else:  # worked out once for each prompt (an agent's steps often send alike ones)
            prompt = (s.input_tokens, s.cached_input_fraction)
            extra = reading_of.get(prompt, -1.0)
            if extra < 0:
                extra = reading_of[prompt] = prompt_reading_s(s, reading)
        key = (s.provider, s.model, s.output_tokens, s.reasoning_tokens, s.reasoning_stated, s.output_tokens_per_s,
               s.ttft_s, s.model_p50_s, s.model_p95_s, s.shown, extra)
        hit = worked.get(key)
        if hit is None:
            speed = model_speed(catalogue, s.provider, s.model, profile.service_tier, profile.output_format)
            t, how = _call_times(s, speed, named, assumptions, seen, extra)
            one = Calls(1, t.call_p50, t.call_p95)
            hit = worked[key] = _Timed(speed, t, how, t.call_p50 * math.exp(one.sigma * Z99), s)
        # Said where a figure reads the first token (as its own assumption is, _call_times).
        if extra and (s.shown or not hit.times.measured or hit.times.first_p95 < hit.times.call_p95):
            read.setdefault(_prompt_reading_value(s, extra, reading), []).append(s.name if s.prefix else "")
        timed.append(hit)
        if s.shown:
            before_shown = dict(calls)
            shown = i
        timing = (hit.times.call_p50, hit.times.call_p95)
        calls[timing] = calls.get(timing, 0.0) + s.repeat
        if s.shown:
            through_shown = dict(calls)
        if hit.estimate is not None:
            estimated.setdefault(hit.estimate, []).append(s.name if s.prefix else "")
    for value, names in estimated.items():
        label = "per-call p95" + (f" ({_steps_named(names)})" if names[0] else "")
        assumptions.append(Assumption(name=label, value=value, source="estimated: no model_p95_s was given"))
    kinds = worked.values()
    unstated = _reasoning_unstated(kinds)
    stand_ins = sorted({
        k.step.model for k in kinds
        if not k.speed.measured and k.step.model_p50_s is None and k.step.model_p95_s is None and k.step.ttft_s is None
    })
    benchmarked = sorted({
        f"{k.step.model} ({k.speed.conditions})" for k in kinds
        if k.speed.measured and k.speed.conditions and k.step.model_p50_s is None and k.step.model_p95_s is None
        and k.step.ttft_s is None
    })
    assumptions += _reasoning_assumptions(unstated)
    for value, names in read.items():
        label = "prompt reading" + (f" ({_steps_named(names)})" if names[0] else "")
        assumptions.append(catalogue.assumption(label, value, reading.source))

    rho = profile.latency_correlation if profile.latency_correlation is not None else DEFAULT_LATENCY_CORRELATION
    rate = profile.retry_rate
    tools = [s.repeat * s.tool_latency_s for s in steps]
    whole = percentiles(_calls(calls), sum(tools), retry_rate=rate, backoff_s=RETRY_BACKOFF_S, correlation=rho)
    first = _first_token(steps, timed[shown].times, _calls(before_shown), tools, shown, rate, rho)
    # Worked out only where steps follow the shown one (rare): elsewhere it is the whole request.
    done = whole if shown == len(steps) - 1 else percentiles(
        _calls(through_shown), sum(tools[: shown + 1]), retry_rate=rate, backoff_s=RETRY_BACKOFF_S, correlation=rho,
    )

    per_call = max(k.times.call_p95 for k in kinds)
    budget = profile.latency_budget_s
    n_calls = calls_per_request(steps)
    assumptions.append(_distribution_assumption(profile, n_calls, rho))
    if profile.service_tier == "flex" and estimated:
        assumptions += _flex_latency_assumption(catalogue, steps)
    if rate > 0:
        assumptions.append(
            Assumption(
                name="retries",
                value=f"{rate:.0%} of calls are retried once; a retried call adds a whole attempt and a "
                f"{RETRY_BACKOFF_S:g} s back-off",
                source=_SOURCE_RETRY, source_ids=_SOURCE_RETRY_IDS,
            )
        )
    start = 0.0
    step_latency = []
    # Only where the reasoning is not priced (rare): a step of a model that reasons, with no
    # reasoning_tokens and no time of the workload's own (a measured first token or call
    # includes the reasoning at this workload: no count is worked back from it). Each kind
    # of step's, shared by its steps.
    implied: dict[int, ImpliedReasoning | None] = {
        id(k): implied_reasoning(k.speed, k.times.tps)
        for k in kinds
        if k.speed.reasons and not k.step.reasoning_stated and not k.times.measured and k.step.ttft_s is None
    } if unstated else {}
    for s, k in zip(steps, timed, strict=True):
        t = k.times
        duration = s.repeat * (s.tool_latency_s + t.call_p50)
        # Built from its fields in their order: a call with 17 keywords costs twice as much.
        step_latency.append(
            StepLatency(
                s.name, s.provider, s.model, s.repeat, s.shown, s.tool_latency_s, t.call_p50, t.call_p95,
                k.call_p99, t.first_p50, t.first_p95, t.tps, s.reasoning_tokens, t.measured, start, duration,
                implied.get(id(k)) if implied else None,
            )
        )
        start += duration
    shown_times = timed[shown].times
    estimate = LatencyEstimate(
        per_call_p95_s=per_call,
        end_to_end_p95_s=whole.p95,
        time_to_first_token_s=first.p95,
        latency_budget_s=budget,
        within_budget=whole.p95 <= budget,
        budget_ratio=whole.p95 / budget,
        ttft_s=shown_times.first_p95,
        output_tokens_per_s=shown_times.tps,
        measured=all(k.times.measured for k in kinds),
        model_reasons=any(k.speed.reasons for k in kinds),
        reasoning_unpriced=tuple(unstated),
        stand_ins=tuple(stand_ins),
        benchmarked=tuple(benchmarked),
        end_to_end_p50_s=whole.p50,
        end_to_end_p99_s=whole.p99,
        end_to_end_mean_s=whole.mean,
        time_to_first_token_p50_s=first.p50,
        time_to_first_token_p99_s=first.p99,
        shown_step_p50_s=done.p50,
        shown_step_p95_s=done.p95,
        shown_step_p99_s=done.p99,
        calls=n_calls,
        latency_correlation=rho,
        retry_backoff_s=RETRY_BACKOFF_S,
        steps=tuple(step_latency),
    )
    return estimate, assumptions


def share_after(latency: LatencyEstimate, retry_rate: float, limit_s: float) -> float:
    """The share of requests whose whole answer comes after ``limit_s`` seconds (a caller's
    timeout): from the same distribution as the end-to-end p50, p95 and p99 (its calls, each
    step's repeat, its tools and its retries, with the latency correlation), so that it is
    above 5% exactly where the end-to-end p95 is above the limit."""
    calls: dict[tuple[float, float], float] = {}
    for s in latency.steps:
        timing = (s.call_p50_s, s.call_p95_s)
        calls[timing] = calls.get(timing, 0.0) + s.calls
    tools = sum([s.calls * s.tool_latency_s for s in latency.steps])
    return share_above(
        limit_s, _calls(calls), tools, retry_rate=retry_rate, backoff_s=latency.retry_backoff_s,
        correlation=latency.latency_correlation,
    )


def _calls(counts: dict[tuple[float, float], float]) -> list[Calls]:
    return [Calls(count, p50, p95) for (p50, p95), count in counts.items()]


def _first_token(
    steps: tuple[WorkStep, ...],
    t: _CallTimes,
    before: list[Calls],
    tools: list[float],
    shown: int,
    rate: float,
    rho: float,
) -> Percentiles:
    """Percentiles of the time until the shown step's first visible token: every call before
    it (``before``: the steps before it; its own earlier runs included here), every tool time
    up to it, and its first token. A retry of the shown call costs a whole attempt before its
    first token."""
    step = steps[shown]
    before = [*before, Calls(step.repeat - 1, t.call_p50, t.call_p95)]
    first = Calls(1, t.first_p50, t.first_p95)
    retried = [*before, Calls(1, t.call_p50, t.call_p95)]
    return percentiles(
        [*before, first], sum(tools[: shown + 1]), retried=retried, retry_rate=rate, backoff_s=RETRY_BACKOFF_S,
        correlation=rho,
    )


def _distribution_assumption(profile: WorkloadProfile, calls: int, rho: float) -> Assumption:
    shape = "each call's time is lognormal through its p50 and p95 (the p99 extrapolated from them)"
    if calls == 1:
        return Assumption(name="latency distribution", value=shape, source=_SOURCE_MODEL)
    if profile.latency_correlation is None:
        how = (
            f"the {calls} calls' latencies correlated at {plain(rho)} (latency_correlation, advisor default: the "
            "calls of one request share the provider's load of the moment, but each has its own queueing and "
            "length; 1 would add up their percentiles, 0 treat them as independent)"
        )
    else:
        how = f"the {calls} calls' latencies correlated at {plain(rho)} (the workload's latency_correlation)"
    return Assumption(name="latency distribution", value=f"{shape}; {how}", source=_SOURCE_MODEL)
