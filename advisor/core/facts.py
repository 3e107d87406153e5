"""The fact schema: every fact a rule may read, with its type, unit and allowed values.

Facts are the profile's own answers plus what the advisor derives from them (latency,
cost, capacity). A rule that names a fact not declared here fails when the rule set loads.

STEPS_NOTE (below) says how a workload with steps answers the single-call facts; the
rule reference (docs/rules.md) prints it with the table of facts.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Literal, get_args

from .figures import count, money, percent, seconds, times
from .profile import (
    MODES,
    Downstream,
    Interaction,
    Mode,
    OutputFormat,
    ServiceTier,
    SideEffects,
    WorkloadProfile,
)
from .steps import WorkStep, calls_per_request, shown_step
from .value_class import value_class

FactType = Literal["number", "integer", "boolean", "enum", "text"]

STEPS_NOTE = (
    "A workload that describes its calls as steps answers the single-call facts from them: "
    "`chained_calls` is its model calls per request (every step's repeat, added up), `tool_latency_s` "
    "its tool time per request (every run's), `model_p95_s` and `per_call_p95_s` the p95 of one call of "
    "its slowest step; `input_tokens`, `output_tokens`, `reasoning_tokens` and `cached_input_fraction` "
    "are those of one call of the shown step, the one whose output a person reads as it appears (the "
    "output a person reads is that step's visible output); `model` and `provider` name every model and "
    "provider it uses, in order, joined by ' + '. The single-call fields describe `chained_calls` "
    "identical calls: their facts are the fields as written, and the same as those of the equivalent "
    "steps. The latency facts combine every call, tool and retry of a request; the capacity facts "
    "count every call against its own model's limits, the tightest of them deciding."
)


@value_class
class FactSpec:
    """A fact the rules read: its name, type, meaning, unit and allowed values."""

    name: str
    type: FactType
    description: str
    unit: str = ""
    allowed: tuple[str, ...] = ()
    # A fact the user answers directly (used by what-would-change and the decision map).
    user_controlled: bool = False

    @property
    def numeric(self) -> bool:
        return self.type in ("number", "integer")


def _enum(name: str, literal: Any, description: str, *, extra: tuple[str, ...] = ()) -> FactSpec:
    return FactSpec(name, "enum", description, allowed=get_args(literal) + extra, user_controlled=True)


_SPECS: tuple[FactSpec, ...] = (
    # --- answers from the profile --------------------------------------------------
    _enum("interaction", Interaction, "who waits for the answer and how"),
    FactSpec("latency_budget_s", "number", "p95 time by which the result must be usable", "s", user_controlled=True),
    FactSpec(
        "chained_calls", "integer", "model calls in sequence per request (steps: every step's repeat)", "calls",
        user_controlled=True,
    ),
    FactSpec("tool_latency_s", "number", "total tool latency per request (steps: every run's)", "s",
             user_controlled=True),
    FactSpec(
        "model_p95_s", "number", "measured or estimated p95 of one model call (steps: the slowest step's)", "s",
        user_controlled=True,
    ),
    FactSpec("input_tokens", "integer", "input tokens of one call (steps: of the shown step)", "tokens",
             user_controlled=True),
    FactSpec(
        "output_tokens", "integer", "visible output tokens of one call (steps: the shown step's, what a person reads)",
        "tokens", user_controlled=True,
    ),
    FactSpec("reasoning_tokens", "integer", "reasoning tokens of one call of the shown step (0: none stated)",
             "tokens"),
    FactSpec(
        "cached_input_fraction", "number", "share of input tokens read from the prompt cache (steps: the shown "
        "step's)", "fraction",
    ),
    FactSpec("steps", "integer", "steps of a request (1 for the single-call shorthand)", "steps"),
    FactSpec(
        "steps_after_shown", "integer",
        "steps that follow the shown one, whose output no one reads as it appears (0: the shown step is the last;"
        " the single-call shorthand: 0)", "steps",
    ),
    FactSpec("input_tokens_per_request", "integer", "input tokens of every call of a request", "tokens"),
    FactSpec(
        "output_tokens_per_request", "integer", "output tokens of every call of a request, reasoning included",
        "tokens",
    ),
    _enum("output_format", OutputFormat, "what the model returns"),
    FactSpec("requests_per_month", "integer", "requests per month", "requests", user_controlled=True),
    FactSpec(
        "peak_requests_per_minute", "number", "peak request rate (never below the monthly average)", "requests/min",
        user_controlled=True,
    ),
    FactSpec("provider", "text", "model provider (steps: each one used, in order, joined by ' + ')"),
    FactSpec("model", "text", "model id (steps: each one used, in order, joined by ' + ')"),
    FactSpec("tier", "text", "the account tier whose rate limits apply (absent: the provider has none)"),
    FactSpec(
        "rate_limits_of", "text",
        "whose rate limits are checked, in words: account tier 'NAME' (the provider catalogue's) or the "
        "workload's own rate_limits (absent: no account tier and no limits of the workload's own)",
    ),
    FactSpec("service_tier", "enum", "the provider's processing tier", allowed=get_args(ServiceTier)),
    FactSpec("retry_rate", "number", "extra attempts per model call (one call: the share of requests retried once)",
             "fraction"),
    _enum("downstream", Downstream, "who consumes the output"),
    _enum("side_effects", SideEffects, "what a duplicate request does downstream"),
    _enum("current_mode", Mode, "mode it runs in today", extra=("none",)),
    # --- derived: latency -----------------------------------------------------------
    FactSpec(
        "per_call_p95_s", "number", "p95 of one model call (measured, else TTFT + tokens / speed; steps: the "
        "slowest step's)", "s",
    ),
    FactSpec("end_to_end_p50_s", "number", "median time of a whole request: calls, tools, retries", "s"),
    FactSpec(
        "end_to_end_p95_s", "number",
        "p95 time of a whole request: its calls (each step's repeat), tools and retries, combined with "
        "latency_correlation", "s",
    ),
    FactSpec("end_to_end_p99_s", "number", "p99 time of a whole request: the slowest one in a hundred", "s"),
    FactSpec(
        "time_to_first_token_s", "number",
        "p95 time until the shown step's first visible token (every call and tool before it, its reasoning)", "s",
    ),
    FactSpec(
        "shown_step_p95_s", "number",
        "p95 time until the shown step's whole answer: every call and tool up to it, its own calls and the"
        " retries (steps_after_shown 0: the end-to-end p95)", "s",
    ),
    FactSpec("budget_ratio", "number", "end-to-end p95 / latency budget", "ratio"),
    FactSpec(
        "caller_timeout_s", "number",
        "the timeout of whoever holds the connection open: a webhook sender, a client, a gateway or load balancer "
        "(absent: none stated)", "s",
    ),
    FactSpec(
        "caller_cut_off_share", "number",
        "share of requests whose whole answer comes after the caller's timeout, from the end-to-end latency "
        "distribution: cut off where the call holds the connection (sync, streaming); a job or a batch "
        "acknowledges at once (absent: no caller's timeout stated)", "fraction",
    ),
    FactSpec("within_budget", "boolean", "end-to-end p95 fits the latency budget"),
    FactSpec("someone_waiting", "boolean", "a person or a service is blocked on the answer"),
    FactSpec("model_reasons", "boolean", "the model reasons before it answers (the provider catalogue says so)"),
    FactSpec(
        "speed_assumed", "boolean",
        "a model is timed at a stand-in speed: no measured speed in the provider catalogue and no time of the "
        "workload's own (model_p50_s, model_p95_s, ttft_s); the latency facts rest on an assumed speed",
    ),
    FactSpec("burst_factor", "number", "peak rate / monthly average rate", "ratio"),
    # --- derived: cost --------------------------------------------------------------
    FactSpec("monthly_token_cost_usd", "number", "token bill per month at standard prices", "USD/month"),
    FactSpec("batch_saving_usd_per_month", "number", "token bill saved per month by batch prices", "USD/month"),
    FactSpec("batch_saving_fraction", "number", "share of the token bill batch prices save", "fraction"),
    FactSpec(
        "batch_net_saving_usd_per_month", "number",
        "sync total minus batch total (tokens, infrastructure, amortised build)", "USD/month",
    ),
    FactSpec(
        "batch_breakeven_requests_per_month", "number",
        "volume at which batch's saving pays its extra build and run cost (absent: never)", "requests",
    ),
    *(
        FactSpec(f"{mode}_total_usd_per_month", "number",
                 f"{mode}'s monthly total: tokens, infrastructure, amortised build", "USD/month")
        for mode in MODES
    ),
    FactSpec(
        "batch_net_saving_vs_sync_contract_usd_per_month", "number",
        "the cheaper of sync and streaming, minus batch (totals: tokens, infrastructure, amortised build)",
        "USD/month",
    ),
    FactSpec(
        "batch_net_saving_vs_sync_contract_fraction", "number",
        "batch's net saving against the cheaper of sync and streaming, as a share of that mode's total", "fraction",
    ),
    FactSpec(
        "batch_net_saving_vs_async_usd_per_month", "number",
        "async total minus batch total (tokens, infrastructure, amortised build)", "USD/month",
    ),
    FactSpec(
        "batch_net_saving_vs_async_fraction", "number",
        "batch's net saving against async, as a share of async's total", "fraction",
    ),
    FactSpec(
        "async_extra_cost_usd_per_month", "number",
        "async total minus the cheaper of sync and streaming (its queue, workers and build)", "USD/month",
    ),
    FactSpec(
        "async_extra_cost_fraction", "number",
        "async's extra cost as a share of the cheaper of sync and streaming's total", "fraction",
    ),
    # --- derived: the provider (catalogue) -------------------------------------------
    FactSpec("batch_api", "boolean", "the provider has a batch API (provider catalogue)"),
    FactSpec(
        "days_to_model_shutdown", "number",
        "days from the price date until the provider shuts the model down (steps: the first of the models it uses "
        "to go; absent: no shutdown announced)", "days",
    ),
    FactSpec("shutdown_model", "text", "the model the provider shuts down first (absent: no shutdown announced)"),
    FactSpec(
        "batch_window_s", "number", "the completion window the provider's batch API guarantees (absent: none)", "s",
    ),
    # --- derived: capacity ----------------------------------------------------------
    FactSpec(
        "rate_limit_utilisation", "number",
        "peak use of the tightest rate limit (RPM, tokens, concurrent requests) as a multiple of it: 0.7 is 70% of"
        " the limit, 3.3 is 3.3x it (absent: none known)", "times",
    ),
    FactSpec("over_rate_limit", "boolean", "peak traffic exceeds the provider's rate limits (absent: none known)"),
    FactSpec("rate_limits_known", "boolean", "a rate limit is known for this model and tier (catalogue or profile)"),
    FactSpec("rate_limit_model", "text", "the model whose rate limits are tightest at peak (steps: of all it uses)"),
    FactSpec(
        "rate_limit_when", "text",
        "where the rate-limit figures are taken: \"at peak\", or \"at the monthly average (no peak given)\" where"
        " the workload gives no peak_requests_per_minute (absent: no rate limit known)",
    ),
    FactSpec("concurrent_connections", "number", "open connections sync/streaming need at peak", "connections"),
    FactSpec("retry_amplification", "number", "calls per request when stacked retries all fire", "calls"),
    FactSpec("peak_calls_per_minute", "number", "model calls a minute at peak: peak requests x calls per request",
             "calls/min"),
    FactSpec(
        "backlog_requests", "number",
        "requests queued when the peak ends, beyond what the rate limits let through (0 within the limits)",
        "requests",
    ),
    FactSpec(
        "drain_time_s", "number",
        "time from the peak's end until the backlog is worked off (0 within the limits; absent: it never drains)", "s",
    ),
    FactSpec(
        "peak_worst_wait_s", "number",
        "the longest a request waits in the queue a peak builds, first in first out: the peak's last request, behind"
        " the backlog served at the rate the limits allow (backlog / that rate; later arrivals wait less; at most"
        " drain_time_s; 0 within the limits; absent: the queue never drains)", "s",
    ),
    FactSpec("backlog_drains", "boolean", "the backlog a peak builds drains (the limits are above the average rate)"),
    FactSpec(
        "request_refused", "boolean",
        "one model call counts more tokens than a per-minute token limit of its model allows (input and output"
        " together, input or output, as the provider counts them): the provider refuses every such call at this"
        " tier, however the peak is spread (absent: no limit known)",
    ),
    FactSpec(
        "refused_request", "text",
        "why every request is refused, in words: \"One request's 603,000 tokens are more than the 500,000"
        " tokens/min tier-1 allows\" (absent: every call fits its limits)",
    ),
    FactSpec(
        "drain_budget_ratio", "number",
        "drain time / latency budget: the share of the budget the peak's backlog takes to work off (0 within the"
        " limits; absent: it never drains)", "ratio",
    ),
    FactSpec(
        "async_workers_at_peak", "number", "workers an async design keeps busy at peak (Little's law, mean time)",
        "workers",
    ),
)

FACTS: dict[str, FactSpec] = {spec.name: spec for spec in _SPECS}


def profile_facts(profile: WorkloadProfile, waiting: Collection[str]) -> dict[str, Any]:
    """The facts a profile answers directly. ``waiting`` holds the interactions in which
    someone is blocked on the answer: the rule set says which (its ``answers``)."""
    average = profile.average_requests_per_minute
    peak = profile.effective_peak_rpm
    return {
        "interaction": profile.interaction,
        "latency_budget_s": profile.latency_budget_s,
        "output_format": profile.output_format,
        "requests_per_month": profile.requests_per_month,
        "peak_requests_per_minute": peak,
        "service_tier": profile.service_tier,
        "retry_rate": profile.retry_rate,
        "downstream": profile.downstream,
        "side_effects": profile.side_effects,
        "current_mode": profile.current_mode or "none",
        "someone_waiting": profile.interaction in waiting,
        "burst_factor": peak / average if average > 0 else 1.0,
    }


def _after(steps: tuple[WorkStep, ...], shown: WorkStep) -> int:
    """How many steps follow ``shown``: found by identity, as ``index`` compares every step
    before it field by field (43 us for the last of 25 steps)."""
    for i, step in enumerate(steps):
        if step is shown:
            return len(steps) - 1 - i
    raise ValueError("the shown step is not among the steps")  # work_steps shows one of its own


def step_facts(steps: tuple[WorkStep, ...]) -> dict[str, Any]:
    """The facts a workload's calls answer (the single-call shorthand's are its own fields)."""
    shown = shown_step(steps)
    return {
        "steps_after_shown": _after(steps, shown),
        "chained_calls": calls_per_request(steps),
        "tool_latency_s": sum([s.repeat * s.tool_latency_s for s in steps]),
        "input_tokens": shown.input_tokens,
        "output_tokens": shown.output_tokens,
        "reasoning_tokens": shown.reasoning_tokens or 0,
        "cached_input_fraction": shown.cached_input_fraction,
        "steps": len(steps),
        "input_tokens_per_request": sum([s.repeat * s.input_tokens for s in steps]),
        "output_tokens_per_request": sum([s.repeat * s.billed_output_tokens for s in steps]),
        "provider": " + ".join(dict.fromkeys([s.provider for s in steps])),
        "model": " + ".join(dict.fromkeys([s.model for s in steps])),
    }


def fact_text(name: str, value: Any) -> str:
    """A fact's value in words, by its unit: seconds, dollars, shares, multiples ("3.3x"), counts, or as it is."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    spec = FACTS.get(name)
    unit = spec.unit if spec else ""
    if isinstance(value, (int, float)):
        if unit == "s":
            return seconds(float(value))
        if unit.startswith("USD"):
            return money(float(value))
        if unit == "fraction":
            return percent(float(value))
        if unit == "times":
            return times(float(value))
        return count(float(value))
    return str(value)
