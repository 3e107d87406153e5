"""Capacity: rate-limit headroom at peak, open connections, batch submissions, retry storms.

peak TPM                = peak RPM x (input + output tokens) x (1 + retry_rate)
utilisation             = peak use / limit, for RPM and TPM (retries count against both)
concurrent connections  = peak requests per second x end-to-end p95     (Little's law, L = lambda W)
batch submissions       = requests / min(request cap, size cap / bytes per request), rounded up
retry amplification     = attempts per layer ** layers                  (seed 002: 3 ** 5 = 243)
"""

from __future__ import annotations

from dataclasses import dataclass

from .assumption import Assumption
from .latency import LatencyEstimate
from .profile import WorkloadProfile

_SOURCE_TABLE = "003_a5044114f5d4f089.txt, Production Throughput Data"


@dataclass(frozen=True)
class _Limits:
    provider: str
    pattern: str  # substring of the model id, matched in table order
    rpm: float
    tpm: float
    label: str


# Published rate limits (seed 003's table: OpenAI Tier 5, Anthropic Scale tier, early 2026).
RATE_LIMITS: tuple[_Limits, ...] = (
    _Limits("openai", "gpt-4o-mini", 30_000.0, 150_000_000.0, "OpenAI GPT-4o-mini, Tier 5"),
    _Limits("openai", "gpt-4o", 10_000.0, 30_000_000.0, "OpenAI GPT-4o, Tier 5"),
    _Limits("anthropic", "sonnet", 4_000.0, 400_000.0, "Anthropic Claude Sonnet, Scale tier"),
    _Limits("anthropic", "haiku", 4_000.0, 400_000.0, "Anthropic Claude Haiku, Scale tier"),
    _Limits("google", "gemini-2.5-flash", 2_000.0, 4_000_000.0, "Google Gemini 2.5 Flash"),
)
# Anything else: OpenAI's Tier 1 GPT-4o figures, low enough to flag a plan that needs checking.
FALLBACK_LIMITS = _Limits("", "", 500.0, 30_000.0, "conservative fallback (OpenAI Tier 1 GPT-4o figures)")
_SOURCE_FALLBACK = "https://platform.openai.com/docs/guides/rate-limits (Tier 1); give 'rate_limits' for your account"


@dataclass(frozen=True)
class _BatchLimits:
    max_requests: int
    max_mb: float  # 1 MB = 1,000,000 bytes: the conservative reading
    source: str


BATCH_LIMITS: dict[str, _BatchLimits] = {
    "openai": _BatchLimits(50_000, 200.0, "https://platform.openai.com/docs/guides/batch (50,000 requests, 200 MB)"),
    # Seed 003 says 10,000/batch; Anthropic's current docs allow 100,000 requests or 256 MB.
    "anthropic": _BatchLimits(
        100_000, 256.0,
        "https://docs.anthropic.com/en/docs/build-with-claude/batch-processing (100,000 requests or 256 MB; "
        "seed 003's 10,000 is older)",
    ),
}
_BATCH_FALLBACK = "openai"
BYTES_PER_TOKEN = 4.0  # ~4 characters of English text per token
ENVELOPE_BYTES = 300.0  # custom_id, method, url, model, max_tokens and JSON punctuation per JSONL line

_A_LIMITS = {
    row.label: Assumption(
        name="rate limits", value=f"{row.rpm:,.0f} RPM, {row.tpm:,.0f} TPM ({row.label})", source=_SOURCE_TABLE
    )
    for row in RATE_LIMITS
}
_A_FALLBACK = Assumption(
    name="rate limits",
    value=f"{FALLBACK_LIMITS.rpm:,.0f} RPM, {FALLBACK_LIMITS.tpm:,.0f} TPM ({FALLBACK_LIMITS.label})",
    source=_SOURCE_FALLBACK,
)
_A_BATCH = {
    provider: Assumption(
        name="batch limits", value=f"{lim.max_requests:,} requests or {lim.max_mb:g} MB per batch ({provider})",
        source=lim.source,
    )
    for provider, lim in BATCH_LIMITS.items()
}
_A_BATCH_FALLBACK = Assumption(
    name="batch limits",
    value=f"{BATCH_LIMITS[_BATCH_FALLBACK].max_requests:,} requests or {BATCH_LIMITS[_BATCH_FALLBACK].max_mb:g} MB "
    "per batch (OpenAI's figures; none recorded for this provider)",
    source=BATCH_LIMITS[_BATCH_FALLBACK].source,
)
_A_JSONL = Assumption(
    name="batch file size",
    value=f"{BYTES_PER_TOKEN:g} bytes per input token + {ENVELOPE_BYTES:g} bytes of JSONL envelope per request",
    source="advisor estimate (docs/cost-model.md)",
)
_A_LITTLE = Assumption(
    name="concurrent connections",
    value="Little's law with the end-to-end p95 as the time held (conservative: the mean is shorter)",
    source="Little's law, L = lambda x W",
)


@dataclass(frozen=True, slots=True)
class Capacity:
    peak_rpm: float  # profile.effective_peak_rpm
    peak_tpm: float  # peak RPM x (input + output tokens) x (1 + retry_rate)
    rpm_limit: float
    tpm_limit: float
    limits_source: str  # "profile rate_limits" or the published figure used
    rpm_utilisation: float  # peak RPM x (1 + retry_rate) / RPM limit
    tpm_utilisation: float  # peak TPM / TPM limit
    headroom: float  # 1 - max(utilisation); negative when over
    over_limit: bool
    concurrent_connections: float  # sync/streaming: peak requests per second x end-to-end p95
    batch_max_requests: int
    batch_max_mb: float
    batch_submissions_per_month: int
    retry_amplification: float  # calls per request when every layer's retries fire
    assumptions: tuple[Assumption, ...]


def _default_limits(provider: str, model: str) -> _Limits:
    provider, model = provider.lower(), model.lower()
    for row in RATE_LIMITS:
        if row.provider == provider and row.pattern in model:
            return row
    return FALLBACK_LIMITS


def batch_submissions(requests: int, input_tokens: int, max_requests: int, max_mb: float) -> int:
    """Batches a month needs, given the per-batch request count and file size caps."""
    if requests <= 0:
        return 0
    line_bytes = input_tokens * BYTES_PER_TOKEN + ENVELOPE_BYTES
    per_batch = max(1, min(max_requests, int(max_mb * 1_000_000 // line_bytes)))
    return -(-requests // per_batch)  # ceiling division, exact for big ints


def estimate_capacity(profile: WorkloadProfile, latency: LatencyEstimate) -> Capacity:
    assumptions: list[Assumption] = []
    retry = 1 + profile.retry_rate
    peak_rpm = profile.effective_peak_rpm
    peak_tpm = peak_rpm * (profile.input_tokens + profile.output_tokens) * retry

    if profile.rate_limits is not None:
        rpm_limit, tpm_limit, source = profile.rate_limits.rpm, profile.rate_limits.tpm, "profile rate_limits"
    else:
        row = _default_limits(profile.provider, profile.model)
        rpm_limit, tpm_limit = row.rpm, row.tpm
        source = f"{row.label}: {_SOURCE_FALLBACK if row is FALLBACK_LIMITS else _SOURCE_TABLE}"
        assumptions.append(_A_FALLBACK if row is FALLBACK_LIMITS else _A_LIMITS[row.label])
    rpm_use = peak_rpm * retry / rpm_limit
    tpm_use = peak_tpm / tpm_limit
    worst = max(rpm_use, tpm_use)

    provider = profile.provider.lower()
    batch = BATCH_LIMITS.get(provider)
    if batch is None:
        batch = BATCH_LIMITS[_BATCH_FALLBACK]
        assumptions.append(_A_BATCH_FALLBACK)
    else:
        assumptions.append(_A_BATCH[provider])
    assumptions.append(_A_JSONL)
    assumptions.append(_A_LITTLE)

    return Capacity(
        peak_rpm=peak_rpm,
        peak_tpm=peak_tpm,
        rpm_limit=rpm_limit,
        tpm_limit=tpm_limit,
        limits_source=source,
        rpm_utilisation=rpm_use,
        tpm_utilisation=tpm_use,
        headroom=1.0 - worst,
        over_limit=worst > 1.0,
        concurrent_connections=peak_rpm / 60.0 * latency.end_to_end_p95_s,
        batch_max_requests=batch.max_requests,
        batch_max_mb=batch.max_mb,
        batch_submissions_per_month=batch_submissions(
            profile.requests_per_month, profile.input_tokens, batch.max_requests, batch.max_mb
        ),
        retry_amplification=float(profile.attempts_per_layer) ** profile.retry_layers,
        assumptions=tuple(assumptions),
    )
