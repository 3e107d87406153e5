"""Capacity: rate-limit headroom at peak, open connections, batch submissions, retry storms.

counted input           = input tokens, less the cached share where the provider does not
                          count cache reads toward its limit (the catalogue says which)
peak TPM                = peak RPM x (input + output tokens) x (1 + retry_rate)
utilisation             = peak use / limit, for each limit the provider sets: RPM; tokens as it
                          counts them (input and output together, separately, or input only);
                          concurrent requests (retries count against each)
concurrent connections  = peak requests per second x end-to-end p95     (Little's law, L = lambda W)
batch submissions       = requests / min(request cap, size cap / bytes per request), rounded up
retry amplification     = attempts per layer ** layers                  (seed 002: 3 ** 5 = 243)

The limits are the workload's own ``rate_limits``, else the catalogue's for its model at its
account tier (the provider's default tier unless it names one). Where neither has a figure
the limits are unknown and nothing is checked; the assumptions say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .assumption import Assumption
from .latency import LatencyEstimate
from .profile import WorkloadProfile
from .provider import account_tier, batch_offer

if TYPE_CHECKING:
    from .catalogue import Catalogue

BYTES_PER_TOKEN = 4.0  # ~4 characters of English text per token
ENVELOPE_BYTES = 300.0  # custom_id, method, url, model, max_tokens and JSON punctuation per JSONL line

_A_JSONL = Assumption(
    name="batch file size",
    value=f"{BYTES_PER_TOKEN:g} bytes per input token + {ENVELOPE_BYTES:g} bytes of JSONL envelope per request",
    source="advisor default (docs/cost-model.md): about 4 characters of English a token",
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
    peak_input_tpm: float  # input tokens a minute at peak that count toward the limits
    peak_output_tpm: float
    tier: str | None  # the account tier whose limits apply (None: the provider has none)
    token_limit: str  # how the provider counts tokens: combined, separate, input_only, none
    rpm_limit: float | None  # None: no such limit known
    tpm_limit: float | None  # input + output, where the provider counts them together
    input_tpm_limit: float | None
    output_tpm_limit: float | None
    concurrency_limit: float | None
    limits_known: bool  # False: no limit known, nothing checked
    limits_source: str  # "profile rate_limits" or the catalogue figure used
    rpm_utilisation: float | None  # peak RPM x (1 + retry_rate) / RPM limit
    tpm_utilisation: float | None  # the tightest token limit's peak use
    concurrency_utilisation: float | None  # connections at peak / concurrent requests allowed
    headroom: float | None  # 1 - the tightest utilisation; negative when over; None when unknown
    over_limit: bool
    concurrent_connections: float  # sync/streaming: peak requests per second x end-to-end p95
    batch_max_requests: int | None  # None: no batch API, or no published cap
    batch_max_mb: float | None
    batch_submissions_per_month: int | None  # None: no batch API, or no published cap
    retry_amplification: float  # calls per request when every layer's retries fire
    assumptions: tuple[Assumption, ...]


def batch_submissions(requests: int, input_tokens: int, max_requests: int | None, max_mb: float | None) -> int:
    """Batches a month needs, given the per-batch request count and file size caps."""
    if requests <= 0:
        return 0
    line_bytes = input_tokens * BYTES_PER_TOKEN + ENVELOPE_BYTES
    caps = [c for c in (max_requests, int(max_mb * 1_000_000 // line_bytes) if max_mb is not None else None) if c]
    per_batch = max(1, min(caps)) if caps else 1
    return -(-requests // per_batch)  # ceiling division, exact for big ints


@dataclass(frozen=True, slots=True)
class _Limits:
    rpm: float | None
    tpm: float | None
    input_tpm: float | None
    output_tpm: float | None
    concurrency: float | None
    token_limit: str
    cached_input_counts: bool
    source: str
    assumptions: tuple[Assumption, ...]
    tier: str | None


def _catalogue_limits(catalogue: Catalogue, profile: WorkloadProfile) -> _Limits:
    tier, tier_assumption = account_tier(catalogue, profile)
    key = ("limits", profile.provider, profile.model, tier)
    hit: _Limits | None = catalogue.memo.get(key)
    if hit is not None:
        return hit
    resolved = catalogue.resolve(profile.provider, profile.model)
    spec, model = resolved.provider, resolved.model
    assumptions = [tier_assumption] if tier_assumption else []
    name = resolved.model_key or profile.model
    limits = model.limits.get(tier) if model is not None and tier is not None else None
    if spec is None:
        why = f"the provider catalogue does not know provider '{profile.provider}'"
    elif spec.prices is None:
        why = f"a {spec.name.lower()} has no provider limit: its capacity is your own"
    elif model is None:
        why = f"{profile.model} is not in the provider catalogue"
    elif limits is None:
        why = f"{spec.name} publishes no limits for {name} at {tier}"
    else:
        why = ""
    if limits is None:
        assumptions.append(
            Assumption(
                name="rate limits",
                value=f"unknown: {why}; give 'rate_limits' to check peak traffic against yours",
                source=catalogue.cite(spec.rate_limits_source) if spec else "advisor provider catalogue",
            )
        )
        hit = _Limits(None, None, None, None, None, spec.token_limit if spec else "combined", True,
                      f"none known ({why})", tuple(assumptions), tier)
    else:
        assert spec is not None and model is not None
        counted = spec.cached_input_counts is not False
        parts = [
            f"{label} {value:,.0f}"
            for label, value in (
                ("RPM", limits.rpm), ("TPM", limits.tpm), ("input TPM", limits.input_tpm),
                ("output TPM", limits.output_tpm), ("concurrent requests", limits.concurrency),
            )
            if value is not None
        ]
        label = f"{spec.name} {name}, {tier}"
        cached = {
            True: "cached input counts toward it",
            False: "cached input does not count toward it",
            None: "whether cached input counts is not documented: counted",
        }[spec.cached_input_counts]
        source = catalogue.cite(model.limits_source)
        assumptions.append(
            Assumption(name="rate limits", value=f"{', '.join(parts)} ({label}; {cached})", source=source)
        )
        hit = _Limits(
            limits.rpm, limits.tpm, limits.input_tpm, limits.output_tpm, limits.concurrency, spec.token_limit,
            counted, f"{label}: {source}", tuple(assumptions), tier,
        )
    catalogue.memo[key] = hit
    return hit


def _profile_limits(catalogue: Catalogue, profile: WorkloadProfile) -> _Limits:
    given = profile.rate_limits
    assert given is not None
    tier, _ = account_tier(catalogue, profile)  # an unknown tier is still an error
    spec = catalogue.provider(profile.provider)
    separate = given.input_tpm is not None or given.output_tpm is not None
    return _Limits(
        given.rpm, given.tpm, given.input_tpm, given.output_tpm, given.concurrency,
        "separate" if separate and given.tpm is None else "combined",
        spec is None or spec.cached_input_counts is not False, "profile rate_limits", (), tier,
    )


def _batch_assumptions(catalogue: Catalogue, provider: str) -> tuple[Assumption, ...]:
    key = ("batch assumptions", provider)
    hit: tuple[Assumption, ...] | None = catalogue.memo.get(key)
    if hit is not None:
        return hit
    offer = batch_offer(catalogue, provider)
    assumptions: list[Assumption] = []
    if offer.available:
        if offer.max_requests is not None or offer.max_file_mb is not None:
            caps = " or ".join(
                text for text in (
                    f"{offer.max_requests:,} requests" if offer.max_requests else "",
                    f"{offer.max_file_mb:g} MB" if offer.max_file_mb else "",
                ) if text
            )
            assumptions.append(Assumption(name="batch limits", value=f"{caps} per batch", source=offer.source))
        else:
            assumptions.append(
                Assumption(name="batch limits", value="no per-batch cap published", source=offer.source)
            )
        assumptions.append(_A_JSONL)
    assumptions.append(_A_LITTLE)
    hit = catalogue.memo[key] = tuple(assumptions)
    return hit


def estimate_capacity(
    profile: WorkloadProfile, latency: LatencyEstimate, catalogue: Catalogue | None = None
) -> Capacity:
    if catalogue is None:
        from .rules import load_rules

        catalogue = load_rules().catalogue
    retry = 1 + profile.retry_rate
    peak_rpm = profile.effective_peak_rpm
    peak_tpm = peak_rpm * (profile.input_tokens + profile.output_tokens) * retry
    limits = _profile_limits(catalogue, profile) if profile.rate_limits is not None else _catalogue_limits(
        catalogue, profile
    )
    counted_input = profile.input_tokens * (1 if limits.cached_input_counts else 1 - profile.cached_input_fraction)
    peak_input = peak_rpm * counted_input * retry
    peak_output = peak_rpm * profile.output_tokens * retry
    connections = peak_rpm / 60.0 * latency.end_to_end_p95_s

    rpm_use = None if limits.rpm is None else peak_rpm * retry / limits.rpm
    tpm_use: float | None = None
    for use, limit in (
        (peak_input + peak_output, limits.tpm), (peak_input, limits.input_tpm), (peak_output, limits.output_tpm)
    ):
        if limit is not None and (tpm_use is None or use / limit > tpm_use):
            tpm_use = use / limit
    concurrency_use = None if limits.concurrency is None else connections * retry / limits.concurrency
    worst: float | None = None
    for share in (rpm_use, tpm_use, concurrency_use):
        if share is not None and (worst is None or share > worst):
            worst = share

    offer = batch_offer(catalogue, profile.provider)
    has_caps = offer.available and (offer.max_requests is not None or offer.max_file_mb is not None)
    return Capacity(
        peak_rpm=peak_rpm,
        peak_tpm=peak_tpm,
        peak_input_tpm=peak_input,
        peak_output_tpm=peak_output,
        tier=limits.tier,
        token_limit=limits.token_limit,
        rpm_limit=limits.rpm,
        tpm_limit=limits.tpm,
        input_tpm_limit=limits.input_tpm,
        output_tpm_limit=limits.output_tpm,
        concurrency_limit=limits.concurrency,
        limits_known=worst is not None,
        limits_source=limits.source,
        rpm_utilisation=rpm_use,
        tpm_utilisation=tpm_use,
        concurrency_utilisation=concurrency_use,
        headroom=None if worst is None else 1.0 - worst,
        over_limit=worst is not None and worst > 1.0,
        concurrent_connections=connections,
        batch_max_requests=offer.max_requests if offer.available else None,
        batch_max_mb=offer.max_file_mb if offer.available else None,
        batch_submissions_per_month=batch_submissions(
            profile.requests_per_month, profile.input_tokens, offer.max_requests, offer.max_file_mb
        ) if has_caps else None,
        retry_amplification=float(profile.attempts_per_layer) ** profile.retry_layers,
        assumptions=limits.assumptions + _batch_assumptions(catalogue, profile.provider),
    )
