"""The workload profile: one LLM feature, described by the person who owns it.

Field names are a public contract (workload YAML files, the app, JSON output). Every
field is validated strictly: a wrong type, NaN, a negative count or an unknown key is
an error naming the field and what is allowed, never a silent guess.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import InputError
from .validation import describe_validation_error, shown
from .yamlio import read_yaml_file

Mode = Literal["sync", "streaming", "async", "batch"]
MODES: tuple[Mode, ...] = get_args(Mode)

Interaction = Literal[
    "chat", "inline_edit", "request_response", "submit_and_notify", "service_call", "pipeline"
]
OutputFormat = Literal["text", "json", "embedding"]
Downstream = Literal["own_ui", "internal_service", "external_api", "compliance_critical"]
SideEffects = Literal["none", "idempotent", "non_idempotent"]

# Thirty days of minutes: "a flat month" when no peak rate is given.
MINUTES_PER_MONTH = 30 * 24 * 60

_STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)


def _is_control(ch: str) -> bool:
    # C0/C1 controls and the Unicode line and paragraph separators.
    return unicodedata.category(ch) in ("Cc", "Zl", "Zp")


class Pricing(BaseModel):
    """Prices that override the catalogue (private deals, models it lacks). USD per 1M tokens."""

    model_config = _STRICT

    input_per_mtok: float = Field(ge=0, le=10_000)
    output_per_mtok: float = Field(ge=0, le=10_000)
    cached_input_per_mtok: float | None = Field(default=None, ge=0, le=10_000)
    batch_discount: float | None = Field(
        default=None, ge=0, lt=1, description="share taken off every token price in batch, e.g. 0.5"
    )


class RateLimits(BaseModel):
    """The provider's limits for this account and model."""

    model_config = _STRICT

    rpm: float = Field(gt=0, le=1e9, description="requests per minute")
    tpm: float = Field(gt=0, le=1e12, description="tokens per minute (input + output)")


class CostOptions(BaseModel):
    """Overrides of the build-and-run cost defaults (see advisor.core.cost)."""

    model_config = _STRICT

    usd_per_person_week: float | None = Field(default=None, ge=0, le=100_000)
    amortisation_months: int | None = Field(default=None, ge=1, le=120)
    infra_usd_per_month: dict[Mode, Annotated[float, Field(ge=0, le=1e9)]] | None = None
    engineering_person_weeks: dict[Mode, Annotated[float, Field(ge=0, le=10_000)]] | None = None


class WorkloadProfile(BaseModel):
    """One AI feature, as its owner describes it."""

    model_config = _STRICT

    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5_000)

    # UX contract
    interaction: Interaction

    # Latency
    latency_budget_s: float = Field(gt=0, le=30 * 86_400)
    chained_calls: int = Field(default=1, ge=1, le=50)
    tool_latency_s: float = Field(default=0.0, ge=0, le=86_400)
    model_p95_s: float | None = Field(default=None, gt=0, le=3_600)
    ttft_s: float | None = Field(default=None, ge=0, le=600)
    output_tokens_per_s: float | None = Field(default=None, gt=0, le=100_000)

    # Volume, tokens, cost
    input_tokens: int = Field(ge=0, le=10_000_000)
    output_tokens: int = Field(ge=0, le=1_000_000)
    cached_input_fraction: float = Field(default=0.0, ge=0, le=1)
    output_format: OutputFormat = "text"
    requests_per_month: int = Field(ge=0, le=100_000_000_000)
    peak_requests_per_minute: float | None = Field(default=None, ge=0, le=1e9)
    provider: str = Field(default="openai", min_length=1, max_length=100)
    model: str = Field(min_length=1, max_length=200)
    pricing: Pricing | None = None
    rate_limits: RateLimits | None = None
    retry_rate: float = Field(default=0.0, ge=0, le=1)
    # Stacked retries (seed 002): attempts at each layer ** layers = calls per request in a storm.
    attempts_per_layer: int = Field(default=1, ge=1, le=10)
    retry_layers: int = Field(default=1, ge=1, le=20)
    costs: CostOptions | None = None

    # Failure and downstream
    downstream: Downstream = "own_ui"
    side_effects: SideEffects = "none"
    current_mode: Mode | None = None

    @field_validator("name", "provider", "model")
    @classmethod
    def _one_line(cls, value: str) -> str:
        # Names land in terminals, file names and Markdown headings: no control characters
        # (an escape sequence would repaint a terminal) and no line breaks.
        if any(_is_control(ch) for ch in value):
            raise ValueError("must be one line of text (no control characters or line breaks)")
        return value

    @field_validator("description")
    @classmethod
    def _text(cls, value: str) -> str:
        if any(_is_control(ch) and ch not in "\n\t" for ch in value):
            raise ValueError("must be text (line breaks and tabs allowed, no other control characters)")
        return value

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


def load_profile(path: str | Path) -> WorkloadProfile:
    """Read a workload YAML file and validate it."""
    return parse_profile(read_yaml_file(path), source=str(path))
