"""The workload profile: one LLM feature, described by the person who owns it.

Field names are a public contract (workload YAML files, the app, JSON output). Every
field is validated strictly: a wrong type, NaN, a negative count or an unknown key is
an error naming the field and what is allowed, never a silent guess.
"""

import datetime
import os
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from .assumption import Assumption
from .errors import InputError
from .figures import count
from .resources import checkout_only_hint, examples_dir
from .terminal import printable
from .validation import MAX_HINTS, NOT_UNICODE, closest, describe_validation_errors, shown
from .yamlio import read_yaml_file

Mode = Literal["sync", "streaming", "async", "batch"]
MODES: tuple[Mode, ...] = get_args(Mode)

Interaction = Literal[
    "chat", "inline_edit", "request_response", "submit_and_notify", "service_call", "pipeline"
]
# Where a person watches the answer appear and reads the shown step as it is written; in the
# others a service, a notification or a pipeline takes the whole result.
WATCHED: tuple[Interaction, ...] = ("chat", "inline_edit", "request_response")
OutputFormat = Literal["text", "json", "embedding"]
Downstream = Literal["own_ui", "internal_service", "external_api", "compliance_critical"]
ServiceTier = Literal["standard", "flex", "priority"]
SideEffects = Literal["none", "idempotent", "non_idempotent"]

# Thirty days of minutes: "a flat month" when no peak rate is given.
MINUTES_PER_MONTH = 30 * 24 * 60

_STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True, defer_build=True)


def _described(text: str) -> ConfigDict:
    """_STRICT, with what the model is, as ``advisor schema`` shows it: given as data, not as
    the class's docstring, which ``python -OO`` drops (the schema then lost five descriptions)."""
    return ConfigDict(**_STRICT, json_schema_extra={"description": text})


def _is_control(ch: str) -> bool:
    # C0/C1 controls and the Unicode line and paragraph separators.
    return unicodedata.category(ch) in ("Cc", "Zl", "Zp")


# Bidirectional controls reorder what a terminal or a page shows: "Invoice \u202egnp.exe"
# shows as "Invoice exe.png". Refused in every name and description (Trojan Source, CVE-2021-42574).
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Letters and symbols that draw nothing (Hangul fillers, the braille blank).
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _visible(ch: str) -> bool:
    """A character that puts ink on the screen: a letter, digit, punctuation mark or symbol."""
    return unicodedata.category(ch)[0] in "LNPS" and ch not in _BLANK_LETTERS


# Half of a UTF-16 pair on its own: JSON can spell one ("\ud800"), a Python str can hold
# one, but no UTF-8 file can, so a record or workload written with it could not be read back.
_SURROGATE = re.compile("[\ud800-\udfff]")


# Fast paths of the checks below, for the names and ids every workload has: the C0 and C1
# controls and the line and paragraph separators (categories Cc, Zl, Zp); a visible ASCII
# character (a letter, digit, punctuation mark or symbol).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_ASCII_VISIBLE = re.compile("[!-~]")


def check_name(value: str) -> str:
    """A name: one line, with something visible in it, and nothing that reorders the text.

    Names land in terminals, file names and Markdown headings: no control characters (an
    escape sequence would repaint a terminal), no line breaks, no bidirectional controls.
    """
    if value.isascii() and _ASCII_VISIBLE.search(value) and not _CONTROL.search(value):
        return value  # printable ASCII with a visible character: nothing below can refuse it
    if _SURROGATE.search(value):
        raise ValueError(NOT_UNICODE)
    if any(_is_control(ch) for ch in value):
        raise ValueError("must be one line of text (no control characters or line breaks)")
    if any(ch in BIDI_CONTROLS for ch in value):
        raise ValueError("must not contain bidirectional control characters (they reorder what is shown)")
    if not any(_visible(ch) for ch in value):
        raise ValueError("must contain a visible character (not only spaces or invisible characters)")
    return value


def check_text(value: str) -> str:
    """Free text such as a description: line breaks and tabs allowed, nothing else invisible
    that changes how the text is shown."""
    if _SURROGATE.search(value):
        raise ValueError(NOT_UNICODE)
    if any(_is_control(ch) and ch not in "\n\t" for ch in value):
        raise ValueError("must be text (line breaks and tabs allowed, no other control characters)")
    if any(ch in BIDI_CONTROLS for ch in value):
        raise ValueError("must not contain bidirectional control characters (they reorder what is shown)")
    return value


# The text types of the profile (and of anything added to it): a name, and free text.
Name = Annotated[str, AfterValidator(check_name)]
Text = Annotated[str, AfterValidator(check_text)]


# The cheapest price any provider lists is about $0.01 per 1M tokens; below a hundredth of
# that a price is a typo, and figures built on it would print as noise.
MIN_PRICE_PER_MTOK = 0.0001


def _price(value: float) -> float:
    if 0 < value < MIN_PRICE_PER_MTOK:
        raise ValueError(f"must be 0 or at least {MIN_PRICE_PER_MTOK} USD per 1M tokens")
    return value


Price = Annotated[float, Field(ge=0, le=10_000), AfterValidator(_price)]


class Pricing(BaseModel):
    model_config = _described(
        "Prices that override the catalogue (private deals, models it lacks). USD per 1M tokens."
    )

    input_per_mtok: Price = Field(description="USD per 1M input tokens")
    output_per_mtok: Price = Field(description="USD per 1M output tokens")
    cached_input_per_mtok: Price | None = Field(
        default=None, description="USD per 1M cached input tokens (default: the input price)"
    )
    batch_discount: float | None = Field(
        default=None, ge=0, lt=1,
        description="share taken off every token price in batch, e.g. 0.5 (default: the provider's published one)",
    )

    @field_validator("cached_input_per_mtok")
    @classmethod
    def _cached_not_dearer(cls, value: float | None, info: ValidationInfo) -> float | None:
        return _not_above(value, info, "input_per_mtok", "USD per 1M tokens",
                          "a cached read is never dearer than an uncached one")


class RateLimits(BaseModel):
    model_config = _described(
        "The provider's limits for this account and model (or a self-hosted model's capacity).\n"
        "Give those the provider sets: input and output tokens separately where it counts them so."
    )

    # No provider publishes a limit below 1 request or 1,000 tokens a minute; the tops are
    # a hundred times the largest published tier (OpenAI Tier 5: 30,000 RPM, 150M TPM).
    # Give the limits the provider sets: input and output tokens apart where it counts them
    # apart (Anthropic), requests in flight where it limits those (DeepSeek, your own servers).
    rpm: float | None = Field(default=None, ge=1, le=10_000_000, description="requests per minute")
    tpm: float | None = Field(
        default=None, ge=1_000, le=100_000_000_000, description="tokens per minute (input + output)"
    )
    input_tpm: float | None = Field(
        default=None, ge=1_000, le=100_000_000_000, description="input tokens per minute"
    )
    output_tpm: float | None = Field(
        default=None, ge=1_000, le=100_000_000_000, description="output tokens per minute"
    )
    concurrency: float | None = Field(default=None, ge=1, le=10_000_000, description="requests in flight at once")

    @model_validator(mode="after")
    def _some_limit(self) -> "RateLimits":
        if all(getattr(self, name) is None for name in type(self).model_fields):
            raise ValueError("give at least one of rpm, tpm, input_tpm, output_tpm, concurrency")
        return self


class CostOptions(BaseModel):
    model_config = _described(
        "Overrides of the build-and-run cost defaults (see advisor.core.cost)."
    )

    usd_per_person_week: float | None = Field(
        default=None, ge=0, le=100_000, description="fully loaded cost of one engineer-week, USD (default 4,000)"
    )
    amortisation_months: int | None = Field(
        default=None, ge=1, le=120, description="months over which a build is amortised (default 36)"
    )
    infra_usd_per_month: dict[Mode, Annotated[float, Field(ge=0, le=1e9)]] | None = Field(
        default=None, description="each mode's monthly infrastructure, USD"
    )
    engineering_person_weeks: dict[Mode, Annotated[float, Field(ge=0, le=10_000)]] | None = Field(
        default=None, description="each mode's one-time build effort, person-weeks"
    )


# At most this many model calls per request, all steps and repeats together: a coding agent
# of 25 steps that loops a few times is well inside it.
MAX_CALLS_PER_REQUEST = 1_000


# A p95 above this many medians is two populations in one figure (cache hits and misses,
# short and long answers), not one call's spread: they are two steps or two workloads. (A
# chat model's call is nearer 1.5 to 3; the latency distribution is checked against a
# simulation up to this spread.)
MAX_P95_OVER_P50 = 10


def _p95_not_below_p50(value: float | None, info: ValidationInfo) -> float | None:
    p50 = info.data.get("model_p50_s")
    if value is not None and p50 is not None:
        if value < p50:
            raise ValueError(f"must be at least model_p50_s ({shown(p50)} s): a p95 is never below the median")
        if value > MAX_P95_OVER_P50 * p50:
            raise ValueError(
                f"must be at most {MAX_P95_OVER_P50} times model_p50_s ({shown(p50)} s): a wider spread is two kinds "
                "of call (e.g. cache hits and misses); describe them as separate steps or workloads"
            )
    return value


def _not_above(value: float | None, info: ValidationInfo, partner: str, unit: str, why: str) -> float | None:
    """``value`` where it is at most the field ``partner`` (checked before it), else an error
    naming the partner, its value and why the two cannot be so."""
    bound = info.data.get(partner)
    if value is not None and bound is not None and value > bound:
        raise ValueError(f"must be at most {partner} ({shown(bound)} {unit}): {why} (got {shown(value)})")
    return value


def _ttft_not_above_p95(value: float | None, info: ValidationInfo) -> float | None:
    return _not_above(value, info, "model_p95_s", "s",
                      "the first token comes before the call ends, so its p95 is never above the call's")


class Step(BaseModel):
    model_config = _described(
        "One model call of a request, in order (``repeat``: the same call run again, as in an\n"
        "agent loop). Fields left out take the workload's provider and model and the catalogue's\n"
        "speed for it."
    )

    name: Name = Field(min_length=1, max_length=100, description="the step's name, unique in the workload")
    # The lengths inside the optional type and before the name's check, where pydantic counts
    # them as a string's characters (outside, it says "items after validation").
    model: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(check_name)] | None = Field(
        default=None, description="model id (default: the workload's model)"
    )
    provider: Annotated[str, Field(min_length=1, max_length=100), AfterValidator(check_name)] | None = Field(
        default=None, description="provider id (default: the workload's provider)"
    )
    input_tokens: int = Field(ge=0, le=10_000_000, description="input tokens of one call of this step")
    output_tokens: int = Field(
        ge=0, le=1_000_000, description="visible output tokens of one call (what the next step or the reader gets)"
    )
    reasoning_tokens: int | None = Field(
        default=None, ge=0, le=1_000_000,
        description="reasoning tokens of one call: billed as output, written before the first visible token "
        "(default: none stated, none billed, and a reasoning model's first token is the catalogue's, which "
        "includes its reasoning at a benchmark's workload; 0: no reasoning, thinking off)",
    )
    cached_input_fraction: float = Field(
        default=0.0, ge=0, le=1, description="share of input tokens served from the prompt cache, 0 to 1"
    )
    tool_latency_s: float = Field(
        default=0.0, ge=0, le=86_400,
        description="time outside the model in each run of this step (retrieval, tools), seconds, before its call",
    )
    model_p50_s: float | None = Field(
        default=None, ge=0.01, le=3_600, description="measured median of one call, seconds (default: estimated)"
    )
    model_p95_s: float | None = Field(
        default=None, ge=0.01, le=3_600, description="measured p95 of one call, seconds (default: estimated)"
    )
    ttft_s: float | None = Field(
        default=None, ge=0, le=600,
        description="measured p95 of the time to the first visible token of one call, seconds (default: the model's)",
    )
    output_tokens_per_s: float | None = Field(
        default=None, ge=1, le=100_000, description="output speed, tokens per second (default: the model's)"
    )
    repeat: int = Field(default=1, ge=1, le=100, description="times the step runs one after another per request")
    shown: bool | None = Field(
        default=None,
        description="true for the step whose output the person reads as it appears (at most one; default the last)",
    )
    pricing: Pricing | None = Field(
        default=None, description="your own prices for this step's model (default: the catalogue's)"
    )

    @field_validator("model_p95_s")
    @classmethod
    def _p95_after_p50(cls, value: float | None, info: ValidationInfo) -> float | None:
        return _p95_not_below_p50(value, info)

    @field_validator("ttft_s")
    @classmethod
    def _ttft_within_p95(cls, value: float | None, info: ValidationInfo) -> float | None:
        return _ttft_not_above_p95(value, info)


def _field_error(model: str, loc: tuple[str | int, ...], value: Any, message: str) -> ValidationError:
    """A model check's error named under the field it is about (a model check alone would name
    the whole document), with the message as written."""
    error = PydanticCustomError("value_error", "{error}", {"error": message})
    return ValidationError.from_exception_data(model, [InitErrorDetails(type=error, loc=loc, input=value)])


# A step's figures that are its model's own: measured on one model, they are not another's.
_MEASURED_TIMES = ("model_p50_s", "model_p95_s", "ttft_s", "output_tokens_per_s")


def _check_steps(steps: list[Step] | None) -> list[Step] | None:
    """Names unique, at most one shown, a bounded number of calls."""
    if steps is None:
        return None
    seen: set[str] = set()
    for step in steps:
        if step.name in seen:
            raise ValueError(f"two steps are named {step.name!r}; each step needs a name of its own")
        seen.add(step.name)
    shown_steps = [step.name for step in steps if step.shown]
    if len(shown_steps) > 1:
        named = " and ".join(repr(name) for name in shown_steps)
        raise ValueError(f"{named} both have shown: true; at most one step is shown (default: the last)")
    calls = sum(step.repeat for step in steps)
    if calls > MAX_CALLS_PER_REQUEST:
        raise ValueError(
            f"the steps make {calls:,} model calls per request (each step times its repeat); "
            f"at most {MAX_CALLS_PER_REQUEST:,}"
        )
    return steps


# The single-call fields: a workload without `steps` is `chained_calls` identical calls
# described by these. Giving `steps` and any of them is an error naming both.
SHORTHAND_FIELDS: tuple[str, ...] = (
    "input_tokens", "output_tokens", "reasoning_tokens", "chained_calls", "tool_latency_s", "model_p50_s",
    "model_p95_s", "ttft_s", "output_tokens_per_s", "cached_input_fraction",
)
# What `latency_correlation` and `peak_minutes` are when a workload leaves them out
# (docs/cost-model.md says why).
# 0.5: the calls of one request share the provider's load of the moment (slow together) but
# each has its own queueing and length (independent); halfway between the sum of the calls'
# p95s (1) and independent calls (0). Traces measure it (latency_correlation in the workload).
DEFAULT_LATENCY_CORRELATION = 0.5
DEFAULT_PEAK_MINUTES = 60.0


# A moment as calibrate writes it: ISO 8601, UTC, to the second ("2025-03-04T10:00:03Z").
_UTC_SECOND = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"


class Evidence(BaseModel):
    model_config = _described(
        "Where the measured figures come from: the traces `advisor calibrate` read. With it,\n"
        'the assessment says "measured from N traces between A and B" among its assumptions.'
    )

    traces: int = Field(ge=1, le=1_000_000_000_000, description="requests (traces) measured")
    spans: int = Field(ge=0, le=1_000_000_000_000, description="spans read")
    start: str = Field(pattern=_UTC_SECOND, description="the first request measured, UTC (2025-03-04T10:00:03Z)")
    end: str = Field(pattern=_UTC_SECOND, description="the end of the last request measured, UTC")
    root: Annotated[str, Field(max_length=200), AfterValidator(check_name)] | None = Field(
        default=None, description="the root span name the traces were chosen by (--root)"
    )
    models: (
        dict[
            Annotated[str, Field(min_length=1, max_length=100), AfterValidator(check_name)],
            Annotated[str, Field(min_length=1, max_length=200), AfterValidator(check_name)],
        ]
        | None
    ) = Field(
        default=None, max_length=100,
        description="the model each step was measured on, by step name: a step whose model is changed by hand is "
        "refused while it keeps the call times measured on another",
    )

    @field_validator("start", "end", mode="before")
    @classmethod
    def _utc_text(cls, value: Any) -> Any:
        # YAML reads an unquoted 2025-03-04T10:00:03Z as a moment; it is the same moment as text.
        if isinstance(value, datetime.datetime):
            if value.tzinfo is None:
                raise ValueError("give the time zone of the moment (e.g. 2025-03-04T10:00:03Z, Z for UTC)")
            try:
                utc = value.astimezone(datetime.UTC)
            except OverflowError:  # 0001-01-01T00:00:00+01:00 is in year 0 in UTC: no datetime holds it
                raise ValueError("must be a moment between the years 0001 and 9999 in UTC") from None
            # Not strftime("%Y"): glibc writes year 999 as "999", which is not the moment as written.
            return f"{utc.year:04d}-{utc:%m-%dT%H:%M:%S}Z"
        return value

    @model_validator(mode="after")
    def _in_order(self) -> "Evidence":
        if self.end < self.start:  # the fixed format sorts as the moments do
            raise ValueError(f"end ({self.end}) is before start ({self.start})")
        return self

    def assumption(self) -> Assumption:
        chosen = f", root span {self.root!r}" if self.root else ""
        return Assumption(
            name="measured",
            value=f"steps (tokens, call times, first token, tools, repeat), volume, peak and retry rate measured from "
            f"{self.traces:,} traces between {self.start} and {self.end} ({self.spans:,} spans{chosen})",
            source="OpenTelemetry traces (advisor calibrate)",
        )


# What only the people who own a feature can say; traces can't tell them. `advisor calibrate`
# writes them as null with a comment when it has no workload to take them from, and every
# command that reads the workload names them until they are filled in.
ANSWERS_TRACES_CANNOT_GIVE: dict[str, str] = {
    "interaction": "who waits for the answer, and how: chat, inline_edit, request_response, submit_and_notify, "
    "service_call or pipeline",
    "latency_budget_s": "the p95 time, in seconds, by which the result must be usable",
    "downstream": "who consumes the output: own_ui, internal_service, external_api (customers of your own API) or "
    "compliance_critical",
}


def unanswered(data: Mapping[str, Any]) -> list[str]:
    """The answers traces can't give that a workload mapping leaves null (calibrate's markers)."""
    return [name for name in ANSWERS_TRACES_CANNOT_GIVE if name in data and data[name] is None]



class _Read:
    """The field values a profile was validated with (its own ``__dict__``): a copy made with
    ``model_copy``, which validates nothing, has a ``__dict__`` of its own, and so is told
    apart (``as_read``). Equal to any other: two profiles are equal by their fields alone."""

    __slots__ = ("fields",)

    def __init__(self, fields: dict[str, Any]) -> None:
        self.fields = fields

    def __eq__(self, other: object) -> bool:
        return other is None or isinstance(other, _Read)

    __hash__ = None  # type: ignore[assignment]


class WorkloadProfile(BaseModel):
    """One AI feature, as its owner describes it.

    Bounds are what a real feature can have (docs/cost-model.md): a budget from 10 ms to 30
    days, a model from 1 to 100,000 tokens a second, no more output than any model writes,
    limits and peaks up to a hundred times the largest published tier. Inside them every
    figure the advisor derives is a finite number.
    """

    model_config = _STRICT

    name: Name = Field(min_length=1, max_length=200, description="the feature's name, one line")
    description: Text = Field(default="", max_length=5_000, description="what the feature does, for the record")

    # UX contract
    interaction: Interaction = Field(description="who waits for the answer, and how")

    # Latency
    latency_budget_s: float = Field(
        ge=0.01, le=30 * 86_400, description="p95 time by which the result must be usable, seconds (10 ms to 30 days)"
    )
    caller_timeout_s: float | None = Field(
        default=None, ge=0.01, le=86_400,
        description="the timeout of whoever holds the connection open: a webhook sender, a client, a gateway or "
        "load balancer, seconds (10 ms to a day; default: none stated). A synchronous call or a stream must "
        "answer whole within it; a job or a batch acknowledges at once",
    )
    chained_calls: int = Field(default=1, ge=1, le=50, description="model calls made one after another per request")
    tool_latency_s: float = Field(
        default=0.0, ge=0, le=86_400, description="time spent in tools and retrieval per request, seconds"
    )
    model_p50_s: float | None = Field(
        default=None, ge=0.01, le=3_600, description="measured median of one model call, seconds (default: estimated)"
    )
    model_p95_s: float | None = Field(
        default=None, ge=0.01, le=3_600,
        description="measured p95 of one model call, seconds (default: estimated from ttft_s and output_tokens_per_s)",
    )
    ttft_s: float | None = Field(
        default=None, ge=0, le=600,
        description="measured p95 of the time to the first visible token of one call, seconds (default: the model's)",
    )
    output_tokens_per_s: float | None = Field(
        default=None, ge=1, le=100_000, description="output speed, tokens per second (default: the model's)"
    )

    # Volume, tokens, cost
    input_tokens: int | None = Field(
        default=None, ge=0, le=10_000_000,
        description="input tokens of one model call (required unless the workload gives steps)",
    )
    output_tokens: int | None = Field(
        default=None, ge=0, le=1_000_000,
        description="visible output tokens of one model call (required unless the workload gives steps)",
    )
    reasoning_tokens: int | None = Field(
        default=None, ge=0, le=1_000_000,
        description="reasoning tokens of one model call: billed as output, written before the first visible token",
    )
    cached_input_fraction: float = Field(
        default=0.0, ge=0, le=1, description="share of input tokens served from the provider's prompt cache, 0 to 1"
    )
    output_format: OutputFormat = Field(default="text", description="what the model returns")
    requests_per_month: int = Field(ge=0, le=100_000_000_000, description="requests a month")
    peak_requests_per_minute: float | None = Field(
        default=None, ge=0, le=100_000_000, description="requests a minute at peak (default: a flat month)"
    )
    provider: Name = Field(default="openai", min_length=1, max_length=100, description="provider id, e.g. openai")
    model: Name = Field(min_length=1, max_length=200, description="model id as the provider names it, e.g. gpt-5.4")
    tier: Annotated[str, Field(min_length=1, max_length=40), AfterValidator(check_name)] | None = Field(
        default=None,
        description="the account tier whose rate limits apply, e.g. tier-1 (default: the provider's lowest paid tier)",
    )
    service_tier: ServiceTier = Field(
        default="standard", description="the provider's processing tier: standard, flex or priority, where offered"
    )
    pricing: Pricing | None = Field(default=None, description="your own prices instead of the catalogue's")
    rate_limits: RateLimits | None = Field(default=None, description="your account's limits for this model")
    retry_rate: float = Field(default=0.0, ge=0, le=1, description="extra attempts per model call, 0 to 1")
    peak_minutes: float | None = Field(
        default=None, ge=1, le=1_440,
        description=f"how long the peak lasts, minutes (default {DEFAULT_PEAK_MINUTES:g}: the busy hour)",
    )
    # Stacked retries (seed 002): attempts at each layer ** layers = calls per request in a storm.
    attempts_per_layer: int = Field(default=1, ge=1, le=10, description="attempts each retrying layer makes")
    retry_layers: int = Field(default=1, ge=1, le=10, description="layers that retry, one above the other")
    costs: CostOptions | None = Field(default=None, description="your own build-and-run cost figures")

    # How the calls of a request are made
    steps: Annotated[list[Step] | None, AfterValidator(_check_steps)] = Field(
        default=None, min_length=1, max_length=100,
        description="the model calls of one request, in order (instead of the single-call fields)",
    )
    latency_correlation: float | None = Field(
        default=None, ge=0, le=1,
        description=f"correlation between the latencies of a request's calls, 0 to 1 (default "
        f"{DEFAULT_LATENCY_CORRELATION:g}: they share the provider's load, each has its own queueing)",
    )

    # Failure and downstream
    downstream: Downstream = Field(
        default="own_ui",
        description="who consumes the output: own_ui (your product's own interface), internal_service (another "
        "service of yours), external_api (the customers of your own API, who build on its contract; output posted "
        "to someone else's API is a side effect, see side_effects) or compliance_critical (a financial, legal or "
        "compliance system)",
    )
    side_effects: SideEffects = Field(default="none", description="what repeating a request does")
    current_mode: Mode | None = Field(default=None, description="the mode it runs in today, if it runs")

    # Provenance
    evidence: Evidence | None = Field(
        default=None, description="where the measured figures come from (written by advisor calibrate)"
    )

    @field_validator("model_p95_s")
    @classmethod
    def _p95_after_p50(cls, value: float | None, info: ValidationInfo) -> float | None:
        return _p95_not_below_p50(value, info)

    @field_validator("ttft_s")
    @classmethod
    def _ttft_within_p95(cls, value: float | None, info: ValidationInfo) -> float | None:
        return _ttft_not_above_p95(value, info)

    @model_validator(mode="after")
    def _one_shape(self) -> "WorkloadProfile":
        given = self.model_fields_set
        if self.steps is not None:
            both = [name for name in SHORTHAND_FIELDS if name in given]
            if both:
                raise ValueError(
                    f"'steps' and '{both[0]}' are both given: describe the calls either as steps or with the "
                    "single-call fields, not both"
                )
        else:
            missing = [name for name in ("input_tokens", "output_tokens") if getattr(self, name) is None]
            if missing:
                raise ValueError(f"'{missing[0]}' is required (or describe the calls as 'steps')")
        return self

    @model_validator(mode="wrap")
    @classmethod
    def _timed_on_its_model(cls, data: Any, handler: "ModelWrapValidatorHandler[WorkloadProfile]") -> "WorkloadProfile":
        """A step keeps call times measured on the model it names: edited to another model by
        hand, the times are still the first model's, and would be taken for the second's."""
        profile = handler(data)
        measured_on = profile.evidence.models if profile.evidence is not None else None
        if isinstance(data, WorkloadProfile) or not measured_on:
            return profile
        # Each measured step is found by its name: one renamed (or folded into the single-call
        # fields) would escape the check below with another model's times.
        names = [step.name for step in profile.steps or ()]
        for name, taken_on in measured_on.items():
            if name not in names:
                has = f"its steps are {', '.join(names)}" if names else "it describes no steps"
                message = (
                    f"names a step the workload does not have ({has}): the evidence says, by step name, which "
                    "model each step's call times were measured on; rename a step here as in steps, and remove "
                    f"a step removed there (got {taken_on!r})"
                )
                raise _field_error(cls.__name__, ("evidence", "models", name), taken_on, message)
        if not profile.steps:
            return profile
        for i, step in enumerate(profile.steps):
            model = step.model or profile.model
            was = measured_on.get(step.name)
            timed = [name for name in _MEASURED_TIMES if getattr(step, name) is not None]
            if was is None or not timed or was.lower() == model.lower():
                continue
            figures = ", ".join(timed[:-1]) + " and " + timed[-1] if timed[1:] else timed[0]
            message = (
                f"is {model}, but its {figures} were measured on {was} (evidence.models): a call's time "
                f"is its model's; remove them to have {model}'s estimated, or calibrate again from traces of "
                f"{model} (got {model!r})"
            )
            raise _field_error(cls.__name__, ("steps", i, "model"), model, message)
        return profile

    _read: _Read | None = PrivateAttr(default=None)  # set where a workload is read (as_read)

    @model_validator(mode="wrap")
    @classmethod
    def _peak_within_month(cls, data: Any, handler: "ModelWrapValidatorHandler[WorkloadProfile]") -> "WorkloadProfile":
        """A peak the month holds. Checked where a workload is read, not where advisor passes on
        a profile it has (an "after" check would run again there): a decision map's cell or a
        what-if is a variation of a workload, read as it is."""
        profile = handler(data)
        if isinstance(data, WorkloadProfile):
            return profile
        peak = profile.peak_requests_per_minute
        if peak is None or peak <= 0:
            profile._read = _Read(profile.__dict__)
            return profile
        minutes = profile.peak_minutes if profile.peak_minutes is not None else DEFAULT_PEAK_MINUTES
        if peak > profile.requests_per_month / minutes:  # as realistic_range bounds the what-if search
            unit = "minute" if minutes == 1 else "minutes"
            lasting = f"{count(minutes)} {unit}{'' if profile.peak_minutes is not None else ', the default'}"
            message = (
                f"is more than the whole month holds: for peak_minutes ({lasting}) it makes "
                f"{count(peak * minutes)} requests, more than requests_per_month ({count(profile.requests_per_month)});"
                f" lower it or peak_minutes, or raise requests_per_month (got {count(peak)} a minute)"
            )
            raise _field_error(cls.__name__, ("peak_requests_per_minute",), peak, message)
        profile._read = _Read(profile.__dict__)
        return profile

    @model_serializer(mode="wrap")
    def _without_unused_shorthand(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """A workload with steps is written without the single-call fields' defaults, so that
        what is written reads back (steps beside those fields is an error); a workload that
        states no caller's timeout, without the field."""
        data: dict[str, Any] = handler(self)
        # Optional and newer than the workloads written without it: written only where given,
        # so that a workload without it is written (and its JSON and records say it) as before.
        if data.get("caller_timeout_s", 0) is None:
            del data["caller_timeout_s"]
        if self.steps is not None:
            for name in SHORTHAND_FIELDS:
                data.pop(name, None)
        return data

    @property
    def average_requests_per_minute(self) -> float:
        return self.requests_per_month / MINUTES_PER_MONTH

    @property
    def effective_peak_rpm(self) -> float:
        """The peak rate: as given, never below the monthly average."""
        average = self.average_requests_per_minute
        if self.peak_requests_per_minute is None:
            return average
        return max(self.peak_requests_per_minute, average)


FIELD_NAMES: tuple[str, ...] = tuple(WorkloadProfile.model_fields)


def parse_profile(data: Any, source: str = "workload") -> WorkloadProfile:
    """Validate a mapping (from YAML, JSON, the app) into a WorkloadProfile."""
    if not isinstance(source, str):  # it heads every message below
        raise InputError(f"must be the name of the workload's source, as text (got {type(source).__name__})",
                         field="source")
    if isinstance(data, WorkloadProfile):
        return data
    if data is None:
        raise InputError(
            "the workload is empty; expected a mapping of fields such as 'name' and 'interaction'", source=source
        )
    if not isinstance(data, dict):
        raise InputError(
            f"expected a mapping of workload fields, got a {type(data).__name__}", source=source
        )
    for key in data:
        if not isinstance(key, str):
            raise InputError(f"field names must be text, got {shown(key)}", source=source)
    missing = unanswered(data)
    if missing:
        others = "; ".join(f"{name} ({ANSWERS_TRACES_CANNOT_GIVE[name]})" for name in missing[1:])
        raise InputError(
            f"required answer not filled in yet (marked REQUIRED ANSWER; traces can't tell it): "
            f"{ANSWERS_TRACES_CANNOT_GIVE[missing[0]]}" + (f"; so are {others}" if others else ""),
            source=source, field=missing[0],
        )
    try:
        return WorkloadProfile.model_validate(data)
    except ValidationError:
        problems = profile_problems(data, source)
    first = problems[0]
    absent = [p for p in problems if p.message.startswith(_MISSING)]
    if first in absent and len(absent) > 1:
        # Every missing field at once: a file written by hand would otherwise take a run each.
        # Named under the part of their paths they share (one step's fields under the step).
        paths = [str(p.field).split(".") for p in absent]
        shared: list[str] = []
        while all(len(path) > len(shared) + 1 and path[len(shared)] == paths[0][len(shared)] for path in paths):
            shared.append(paths[0][len(shared)])
        names = ", ".join(".".join(path[len(shared):]) for path in paths)
        shape = [str(p.field) for p in absent if p.message != _MISSING]
        steps = f" (or describe the calls as 'steps' instead of {' and '.join(shape)})" if shape else ""
        first = InputError(f"required fields are missing: {names}{steps}", source=source,
                           field=".".join(shared) or None)
        problems = [first, *(p for p in problems if p not in absent)]
    more = len(problems) - 1
    suffix = f" [and {more:,} more problem{'s' if more > 1 else ''}]" if more else ""
    raise InputError(first.message + suffix, source=source, field=first.field)


_MISSING = "required field is missing"


def as_read(profile: WorkloadProfile) -> WorkloadProfile:
    """``profile`` as advisor's public functions take it: as it is when it was validated as it
    stands, else read again. ``model_copy(update=...)`` validates nothing, so a copy could hold a
    first token after the call's p95, a peak the month cannot hold, a cached price above the
    input price or a figure out of its bounds, and be assessed as if it made sense; read again,
    it is refused as the same workload in a file is. One lookup on the usual path (~0.2 µs)."""
    read = profile.__pydantic_private__.get("_read") if profile.__pydantic_private__ is not None else None
    if read is not None and read.fields is profile.__dict__:
        return profile
    # Read again, a value of the wrong type is refused by name: pydantic's warning that it could
    # not serialise it would only repeat that, on stderr.
    data = profile.model_dump(exclude_unset=True, warnings=False)
    # The serializer leaves out the single-call fields of a workload with steps: a copy that
    # sets one beside its steps is read with it, and refused for it, as a file would be.
    data.update({name: getattr(profile, name) for name in SHORTHAND_FIELDS if name in profile.model_fields_set})
    # A key that is no field ("latency_budget" for latency_budget_s) lands in the copy unread, and
    # the dump leaves it out: kept, it is refused as an unknown field, as it is in a file.
    data.update({key: value for key, value in profile.__dict__.items() if key not in WorkloadProfile.model_fields})
    return parse_profile(data, source="workload (read again: model_copy(update=...) validates nothing)")


def _shape_problems(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field, message) for each way the workload mixes or misses the two shapes of its calls."""
    if data.get("steps") is not None:
        both = [name for name in SHORTHAND_FIELDS if data.get(name) is not None]
        if both:
            return [(
                "steps",
                f"'steps' and '{both[0]}' are both given: describe the calls either as steps (each step has "
                "its own tokens, timings and repeat) or with the single-call fields, not both",
            )]
        return []
    return [
        (name, "required field is missing (or describe the calls as 'steps')")
        for name in ("input_tokens", "output_tokens") if data.get(name) is None
    ]


def step_field(path: str, steps: Any) -> str:
    """A field path with a step's position replaced by its name: 'steps.2.repeat' ->
    'steps.answer.repeat' ('steps.step 3.repeat' when the step has no usable name)."""
    parts = path.split(".")
    if len(parts) < 2 or parts[0] != "steps" or not parts[1].isdigit():
        return path
    index = int(parts[1])
    name = None
    if isinstance(steps, list) and index < len(steps) and isinstance(steps[index], dict):
        candidate = steps[index].get("name")
        if isinstance(candidate, str) and candidate.strip() and candidate.isprintable():
            name = candidate
    parts[1] = name if name is not None else f"step {index + 1}"
    return ".".join(parts)


def profile_problems(data: Mapping[str, Any], source: str = "workload") -> list[InputError]:
    """Every problem of a workload mapping, each naming its field (none when it is valid):
    where parse_profile stops at the first, a form marks each question that needs an answer."""
    found = _shape_problems(data)
    try:
        WorkloadProfile.model_validate(dict(data))
    except ValidationError as exc:
        found += [
            (step_field(field, data.get("steps")), message)
            for field, message in describe_validation_errors(exc, WorkloadProfile)
            # the shape's own check, said once under its field
            if not (found and field == "(document)")
        ]
    missing = unanswered(data)
    found = [
        (field, f"required answer not filled in yet (traces can't tell it): {ANSWERS_TRACES_CANNOT_GIVE[field]}")
        if field in missing else (field, message)
        for field, message in found
    ]
    order = {name: float(i) for i, name in enumerate(WorkloadProfile.model_fields)}
    unknown = dict.fromkeys(top for top in (field.split(".")[0] for field, _ in found) if top not in order)
    hinted = set(list(unknown)[:MAX_HINTS])

    def place(field: str) -> float:
        top = field.split(".")[0]
        if top in order:
            return order[top]
        # An unknown field goes just before the field it most likely misspells, so that
        # "unknown field 'latency_budjet_s'; did you mean ...?" comes before its "missing".
        meant = closest(top, list(order)) if top in hinted else []
        return order[meant[0]] - 0.5 if meant else len(order)

    found.sort(key=lambda problem: place(problem[0]))
    return [InputError(message, source=source, field=field) for field, message in found]


def load_profile(path: str | Path) -> WorkloadProfile:
    """Read a workload YAML file and validate it."""
    if not isinstance(path, (str, os.PathLike)):
        raise InputError(f"expected the path of a workload file (got {type(path).__name__})")
    try:
        data = read_yaml_file(path)
    except InputError as exc:
        raise _with_example_hint(exc, Path(path)) from None
    return parse_profile(data, source=str(path))


def _with_example_hint(error: InputError, path: Path) -> InputError:
    hint = worked_example_hint(path)
    if hint is None:
        return error
    return InputError(f"{error.message}; {hint}", source=error.source, field=error.field)


def worked_example_hint(path: str | Path) -> str | None:
    """How to write a worked example that a command was given and is not there, as outside a
    checkout (``examples/chatbot.yaml``, or the folder ``examples``, as the README and every
    command's examples name them); None for any other path."""
    import shlex  # only on an error

    path = Path(path)
    if (elsewhere := checkout_only_hint(path)) is not None:
        return elsewhere
    names = worked_examples()
    if path.exists() or not names:
        return None
    folder = shlex.quote(printable(str(path)))
    if path.name == "examples":
        return (
            f"the worked examples ship with advisor: mkdir {folder}, then advisor init --example NAME "
            f"{folder}/NAME.yaml for each NAME of: {', '.join(names)}"
        )
    if path.parent.name != "examples" or path.suffix != ".yaml" or path.stem not in names:
        return None
    write = f"advisor init --example {path.stem} {shlex.quote(printable(str(path)))}"
    if not path.parent.is_dir():
        write = f"mkdir {shlex.quote(printable(str(path.parent)))}, then {write}"
    return f"the worked example ships with advisor: {write}"


def workload_schema() -> dict[str, Any]:
    """The JSON Schema of a workload file (draft 7, which editors' YAML support reads),
    generated from WorkloadProfile: the same fields, types, bounds and choices."""
    schema = WorkloadProfile.model_json_schema(ref_template="#/definitions/{model}")
    if "$defs" in schema:
        schema["definitions"] = schema.pop("$defs")
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "advisor workload",
        **{key: value for key, value in schema.items() if key not in ("title", "description")},
        "description": "One LLM feature, as `advisor recommend` reads it (a YAML file of at most 1 MB, "
        "without aliases or repeated keys).",
    }


STARTER_FILE = Path(__file__).with_name("starter.yaml")


def starter_workload(example: str | None = None) -> str:
    """A commented starter workload file: valid as it stands, every field explained.

    With ``example``, the worked example of that name instead (``advisor init --example
    NAME``): the workload files the README and every command's examples read from
    ``examples/``, which an installed package carries for the questionnaire.
    """
    if example is None:
        return STARTER_FILE.read_text(encoding="utf-8")
    names = worked_examples()
    if example not in names:
        allowed = ", ".join(names) if names else "none: this install carries no worked examples"
        raise InputError(f"no worked example named {printable(str(example))!r}; one of: {allowed}", field="--example")
    folder = examples_dir()
    assert folder is not None  # names came from it
    return (folder / f"{example}.yaml").read_text(encoding="utf-8")


def worked_examples() -> tuple[str, ...]:
    """The names of the worked examples that ``starter_workload(example=...)`` writes."""
    folder = examples_dir()
    return tuple(sorted(path.stem for path in folder.glob("*.yaml"))) if folder is not None else ()
