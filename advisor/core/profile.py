"""The workload profile: one LLM feature, described by the person who owns it.

Field names are a public contract (workload YAML files, the app, JSON output). Every
field is validated strictly: a wrong type, NaN, a negative count or an unknown key is
an error naming the field and what is allowed, never a silent guess.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import InputError
from .validation import describe_validation_error, describe_validation_errors, shown
from .yamlio import read_yaml_file

Mode = Literal["sync", "streaming", "async", "batch"]
MODES: tuple[Mode, ...] = get_args(Mode)

Interaction = Literal[
    "chat", "inline_edit", "request_response", "submit_and_notify", "service_call", "pipeline"
]
OutputFormat = Literal["text", "json", "embedding"]
Downstream = Literal["own_ui", "internal_service", "external_api", "compliance_critical"]
ServiceTier = Literal["standard", "flex", "priority"]
SideEffects = Literal["none", "idempotent", "non_idempotent"]

# Thirty days of minutes: "a flat month" when no peak rate is given.
MINUTES_PER_MONTH = 30 * 24 * 60

_STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True, defer_build=True)


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
    """Prices that override the catalogue (private deals, models it lacks). USD per 1M tokens."""

    model_config = _STRICT

    input_per_mtok: Price = Field(description="USD per 1M input tokens")
    output_per_mtok: Price = Field(description="USD per 1M output tokens")
    cached_input_per_mtok: Price | None = Field(
        default=None, description="USD per 1M cached input tokens (default: the input price)"
    )
    batch_discount: float | None = Field(
        default=None, ge=0, lt=1,
        description="share taken off every token price in batch, e.g. 0.5 (default: the provider's published one)",
    )


class RateLimits(BaseModel):
    """The provider's limits for this account and model (or a self-hosted model's capacity).
    Give those the provider sets: input and output tokens separately where it counts them so."""

    model_config = _STRICT

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
    def _some_limit(self) -> RateLimits:
        if all(getattr(self, name) is None for name in type(self).model_fields):
            raise ValueError("give at least one of rpm, tpm, input_tpm, output_tpm, concurrency")
        return self


class CostOptions(BaseModel):
    """Overrides of the build-and-run cost defaults (see advisor.core.cost)."""

    model_config = _STRICT

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
    chained_calls: int = Field(default=1, ge=1, le=50, description="model calls made one after another per request")
    tool_latency_s: float = Field(
        default=0.0, ge=0, le=86_400, description="time spent in tools and retrieval per request, seconds"
    )
    model_p95_s: float | None = Field(
        default=None, ge=0.01, le=3_600,
        description="measured p95 of one model call, seconds (default: estimated from ttft_s and output_tokens_per_s)",
    )
    ttft_s: float | None = Field(
        default=None, ge=0, le=600, description="time to the first token, seconds (default: the model's)"
    )
    output_tokens_per_s: float | None = Field(
        default=None, ge=1, le=100_000, description="output speed, tokens per second (default: the model's)"
    )

    # Volume, tokens, cost
    input_tokens: int = Field(ge=0, le=10_000_000, description="input tokens of one typical request")
    output_tokens: int = Field(
        ge=0, le=1_000_000, description="output tokens of one typical request (per call)"
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
    model: Name = Field(min_length=1, max_length=200, description="model id as the provider names it, e.g. gpt-4o-mini")
    tier: Name | None = Field(
        default=None, min_length=1, max_length=40,
        description="the account tier whose rate limits apply, e.g. tier-1 (default: the provider's lowest paid tier)",
    )
    service_tier: ServiceTier = Field(
        default="standard", description="the provider's processing tier: standard, flex or priority, where offered"
    )
    pricing: Pricing | None = Field(default=None, description="your own prices instead of the catalogue's")
    rate_limits: RateLimits | None = Field(default=None, description="your account's limits for this model")
    retry_rate: float = Field(default=0.0, ge=0, le=1, description="extra attempts per model call, 0 to 1")
    # Stacked retries (seed 002): attempts at each layer ** layers = calls per request in a storm.
    attempts_per_layer: int = Field(default=1, ge=1, le=10, description="attempts each retrying layer makes")
    retry_layers: int = Field(default=1, ge=1, le=10, description="layers that retry, one above the other")
    costs: CostOptions | None = Field(default=None, description="your own build-and-run cost figures")

    # Failure and downstream
    downstream: Downstream = Field(default="own_ui", description="who consumes the output")
    side_effects: SideEffects = Field(default="none", description="what repeating a request does")
    current_mode: Mode | None = Field(default=None, description="the mode it runs in today, if it runs")

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
    try:
        return WorkloadProfile.model_validate(data)
    except ValidationError as exc:
        field, message = describe_validation_error(exc, WorkloadProfile)
        raise InputError(message, source=source, field=field) from None


def profile_problems(data: Mapping[str, Any], source: str = "workload") -> list[InputError]:
    """Every problem of a workload mapping, each naming its field (none when it is valid):
    where parse_profile stops at the first, a form marks each question that needs an answer."""
    try:
        WorkloadProfile.model_validate(dict(data))
    except ValidationError as exc:
        return [
            InputError(message, source=source, field=field)
            for field, message in describe_validation_errors(exc, WorkloadProfile)
        ]
    return []


def load_profile(path: str | Path) -> WorkloadProfile:
    """Read a workload YAML file and validate it."""
    return parse_profile(read_yaml_file(path), source=str(path))


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


def starter_workload() -> str:
    """A commented starter workload file: valid as it stands, every field explained."""
    return STARTER_FILE.read_text(encoding="utf-8")
