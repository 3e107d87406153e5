"""Rate limits at peak in words, as the text summary, the decision record and the app show
them: each limit the provider sets (requests, tokens as it counts them, concurrent
requests) against the peak, or that no limit is known."""

from __future__ import annotations

from advisor.core.capacity import REFUSED, Capacity, ModelCapacity
from advisor.core.catalogue import Catalogue

from .formatting import count, headroom_words, listed, percent, seconds, times

# A provider's "requests per minute" counts API calls: where a workload's request makes more
# than one call to the model, the figure set against it is calls, and says so.
EACH_CALL = "the limit counts each API call"


def _token_and_call_uses(
    calls_per_minute: float, limits: Capacity | ModelCapacity, input_tpm: float, output_tpm: float,
    calls_per_request: int = 1,
) -> list[str]:
    """The phrases of the per-minute limits a whole workload and each of its models share:
    "1,200 of 5,000 requests/min", or where a request makes several calls to the model, "3.7
    calls of 1,000 requests/min (the limit counts each API call)"."""
    uses = []
    # A provider counts each model call as a request.
    if limits.rpm_limit is not None:
        calls = f"{count(calls_per_minute)}{' calls' if calls_per_request > 1 else ''}"
        each = f" ({EACH_CALL})" if calls_per_request > 1 else ""
        uses.append(f"{calls} of {count(limits.rpm_limit)} requests/min{each}")
    if limits.tpm_limit is not None:
        uses.append(f"{count(input_tpm + output_tpm)} of {count(limits.tpm_limit)} tokens/min")
    if limits.input_tpm_limit is not None:
        uses.append(f"{count(input_tpm)} of {count(limits.input_tpm_limit)} input tokens/min")
    if limits.output_tpm_limit is not None:
        uses.append(f"{count(output_tpm)} of {count(limits.output_tpm_limit)} output tokens/min")
    return uses


def limit_uses(cap: Capacity) -> list[str]:
    """One phrase per known limit: "1,200 of 5,000 requests/min"."""
    calls = next((m.calls_per_request for m in cap.models if m.model == cap.model), 1)
    uses = _token_and_call_uses(cap.model_calls_per_minute, cap, cap.peak_input_tpm, cap.peak_output_tpm, calls)
    if cap.concurrency_limit is not None:
        uses.append(f"{count(cap.model_calls_in_flight)} of {count(cap.concurrency_limit)} requests in flight")
    return uses


def over_their_limits(cap: Capacity) -> list[ModelCapacity]:
    """The models whose peak is over their own limits, worst first (the step order breaks ties)."""
    over = [m for m in cap.models if m.utilisation is not None and m.utilisation > 1.0]
    return sorted(over, key=lambda m: -(m.utilisation or 0.0))


def over_limits_named(cap: Capacity) -> str:
    """Each model over its limits, worst first, as a sentence names them: "gpt-5.4 (2.9x its
    limit) and gpt-5.5 (1.9x its limit)"."""
    return listed(f"{m.model} ({times(m.utilisation or 0.0)} its limit)" for m in over_their_limits(cap))


def _model_uses(m: ModelCapacity) -> list[str]:
    uses = _token_and_call_uses(m.peak_calls_per_minute, m, m.peak_input_tpm, m.peak_output_tpm, m.calls_per_request)
    if m.concurrency_limit is not None:
        uses.append(f"{count(m.calls_in_flight)} of {count(m.concurrency_limit)} requests in flight")
    return uses


def limits_use(cap: Capacity) -> str:
    """The peak against each limit the provider sets, as a sentence names it: "3.7 of 1,000
    requests/min, 14,815 of 2,000,000 input tokens/min, 1,481 of 400,000 output tokens/min",
    "16 of 2,500 requests in flight"; with more than one model, the one whose limits are
    tightest is named ("... on gpt-4.1"), and where several are over their limits, each of
    them, worst first ("... on gpt-5.4 (2.9x its limit) and ... on gpt-5.5 (1.9x its
    limit)"); "14 requests/min against no known rate limit" when none is known."""
    over = over_their_limits(cap)
    if len(over) > 1:
        return " and ".join(
            f"{', '.join(_model_uses(m))} on {m.model} ({times(m.utilisation or 0.0)} its limit)" for m in over
        )
    uses = limit_uses(cap)
    if not uses:
        return f"{count(cap.peak_rpm)} requests/min against no known rate limit"
    return ", ".join(uses) + (f" on {cap.model}" if len(cap.models) > 1 else "")


def headroom(cap: Capacity) -> str:
    """The headroom as a short figure for a metric: "35%", "2.5x the limit" when over it,
    or "unknown" when no limit is known."""
    if cap.headroom is None:
        return "unknown"
    return f"{times(1 - cap.headroom)} the limit" if cap.over_limit else percent(cap.headroom)


def peak_summary(cap: Capacity) -> str:
    """"40 of 500 requests/min, 80,000 of 200,000 tokens/min: 60% headroom"; with more than
    one model, the one whose limits are tightest is named."""
    uses = limit_uses(cap)
    if uses and len(cap.models) > 1:
        uses[0] = f"{cap.model}: {uses[0]}"
    if not uses:
        return f"{count(cap.peak_rpm)} requests/min {cap.figures_taken}; no rate limit known, nothing checked"
    if cap.over_limit and cap.headroom is not None:
        return f"{', '.join(uses)}: OVER LIMIT: peak use is {times(1 - cap.headroom)} the limit"
    return f"{', '.join(uses)}: {headroom_words(cap.headroom, cap.over_limit)}"


def model_summary(m: ModelCapacity) -> str:
    """One model of several at peak against its own limits: "gpt-4.1-mini: 1,200 of 5,000
    requests/min, 2,898,720 of 4,000,000 tokens/min: 28% headroom"."""
    uses = _token_and_call_uses(m.peak_calls_per_minute, m, m.peak_input_tpm, m.peak_output_tpm, m.calls_per_request)
    if not uses or m.utilisation is None:
        return f"{m.model}: {count(m.peak_calls_per_minute)} calls/min at peak; no rate limit known"
    return f"{m.model}: {', '.join(uses)}: {headroom_words(1 - m.utilisation, m.utilisation > 1)}"


NEVER_DRAINS = "the limits are below even the monthly average rate"


def never_drains_why(cap: Capacity) -> str:
    """Why the queue a peak builds never drains: one request larger than a per-minute token
    limit, which the provider refuses however the peak is spread ("one request's 603,000
    tokens are more than the 500,000 tokens/min tier-1 allows: the provider refuses every
    request at this tier, ..."), else limits below even the month's average rate."""
    words = cap.refused_words
    return NEVER_DRAINS if words is None else f"{words}: {REFUSED}"


def drained(cap: Capacity) -> str | None:
    """When the queue a peak builds is empty again ("14.6 min after the peak"); None: never."""
    return f"{seconds(cap.drain_time_s)} after the peak" if cap.drain_time_s is not None else None


# The workload fields that state the limits a provider sets, by how it counts tokens
# (the catalogue's token_limit; the profile's rate_limits).
_LIMIT_FIELDS = {
    "combined": ("rpm", "tpm"),
    "separate": ("rpm", "input_tpm", "output_tpm"),
    "input_only": ("rpm", "input_tpm"),
    "none": ("concurrency",),
}


def limit_fields(cap: Capacity) -> str:
    """The workload fields in which to state the account's limits for the model whose limits
    bind, as its provider sets them: "rate_limits.rpm and rate_limits.tpm"."""
    return listed(f"rate_limits.{name}" for name in _LIMIT_FIELDS.get(cap.token_limit, _LIMIT_FIELDS["combined"]))


def limits_page(cap: Capacity, catalogue: Catalogue, provider: str) -> str:
    """Where the account's limits are found: the address of the provider's rate-limit page in
    the catalogue, else the provider's documentation (a self-hosted model's: its servers)."""
    provider = next((m.provider for m in cap.models if m.model == cap.model), provider)
    spec = catalogue.provider(provider)
    if spec is None:
        return "the provider's documentation"
    for key in catalogue.ids(spec.rate_limits_source):
        url = catalogue.data.sources[key].url
        if url:
            return url
    return "your own servers' capacity" if spec.prices is None else "the provider's documentation"


# A schedule that submits this often, or more, takes more batches than the month's requests
# packed to the per-batch caps: one a night.
NIGHTLY_BATCHES = 30


def batch_files(cap: Capacity) -> str:
    """How many batches a month's requests take at the least, packed to the provider's
    per-batch limits, where more than one: "at least 800 batches a month (50,000 requests or
    200 MB each)"; a workload states no schedule, so where a nightly run would take more, it
    says so: "at least 6 batches a month (50,000 requests or 200 MB each; more if it runs more
    often, e.g. one a night)". "" otherwise (no batch API, no published cap, or one batch
    holds the month)."""
    n = cap.batch_submissions_per_month
    if n is None or n <= 1:
        return ""
    caps = " or ".join(text for text in (
        f"{cap.batch_max_requests:,} requests" if cap.batch_max_requests else "",
        f"{cap.batch_max_mb:g} MB" if cap.batch_max_mb else "",
    ) if text)
    more = "; more if it runs more often, e.g. one a night" if n < NIGHTLY_BATCHES else ""
    return f"at least {n:,} batches a month ({caps} each{more})"
