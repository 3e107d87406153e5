"""Capacity: rate-limit headroom at peak per model, the backlog a peak builds and how long it
takes to drain, open connections and async workers, batch submissions, retry storms.

peak calls/min          = peak requests/min x calls per request (each step's repeat), per model
counted input           = input tokens, less the cached share where the provider does not
                          count cache reads toward its limit (the catalogue says which)
peak TPM (a model)      = peak requests/min x its calls' (input + output + reasoning tokens)
                          x (1 + retry_rate)
utilisation             = peak use / limit, for each limit the provider sets: RPM; tokens as it
                          counts them (input and output together, separately, or input only);
                          calls in flight (retries count against each); the tightest model's
                          is the workload's
sustainable rate        = peak requests/min / the tightest utilisation (when above 1)
backlog                 = (peak - sustainable rate) x peak_minutes          (requests queued)
drain time              = backlog / (sustainable rate - later rate)   (0 within limits; none
                          when the limits are below even the monthly average: it never drains):
                          when the queue is empty again, later arrivals counted at the rate of
                          the month's requests outside the peak (none where the peak holds them all)
worst wait              = backlog / sustainable rate   (first in first out: the peak's last
                          request waits for the backlog ahead of it, served at the limits'
                          rate; later arrivals queue behind it and wait less; none where the
                          queue never drains)
request too large       = one call's tokens, as a token limit counts them, more than that
                          per-minute limit: the provider's bucket never holds them, so it
                          refuses every such call, however the peak is spread: the limits let
                          0 requests/min through, the whole peak queues and never drains
concurrent connections  = peak requests per second x end-to-end p95     (Little's law, L = lambda W)
async workers at peak   = requests per second served at peak x mean request time   (Little's law)
batch submissions       = per step and run: requests / min(request cap, size cap / bytes per
                          request), rounded up (each dependent step is its own batch)
retry amplification     = attempts per layer ** layers                  (seed 002: 3 ** 5 = 243)

The limits of the workload's own model are its ``rate_limits`` where it gives them, else
the catalogue's at its account tier (the provider's default tier unless it names one); a
step on another model or provider gets the catalogue's (another provider's at its default
tier). Where neither has a figure the limits are unknown and nothing is checked; the
assumptions say so.
"""

import dataclasses
import math
from typing import TYPE_CHECKING

from .assumption import Assumption, joined_ids
from .latency import LatencyEstimate
from .profile import DEFAULT_PEAK_MINUTES, MINUTES_PER_MONTH, WorkloadProfile
from .provider import account_tier, batch_offer, provider_tier
from .steps import WorkStep, calls_per_request, work_steps
from .value_class import value_class

if TYPE_CHECKING:
    from .catalogue import Catalogue

BYTES_PER_TOKEN = 4.0  # ~4 characters of English text per token
ENVELOPE_BYTES = 300.0  # custom_id, method, url, model, max_tokens and JSON punctuation per JSONL line

_A_JSONL = Assumption(
    name="batch file size",
    value=f"{BYTES_PER_TOKEN:g} bytes per input token + {ENVELOPE_BYTES:g} bytes of JSONL envelope per request",
    source="advisor default, docs/cost-model.md: about 4 characters of English a token",
)
_A_LITTLE = Assumption(
    name="concurrent connections",
    value="Little's law with the end-to-end p95 as the time held (conservative: the mean is shorter)",
    source="Little's law, L = lambda x W",
)
_A_PEAK_MINUTES = Assumption(
    name="peak length",
    value=f"{DEFAULT_PEAK_MINUTES:g} minutes (advisor default: the busy hour traffic engineering sizes capacity for; "
    "set peak_minutes for yours)",
    source="advisor default, docs/cost-model.md",
)


@value_class(slots=True)
class ModelCapacity:
    """One model's share of the peak against its own limits."""

    provider: str
    model: str
    calls_per_request: int
    peak_calls_per_minute: float  # peak requests/min x its calls per request (retries not included)
    peak_tpm: float  # input + output (+ reasoning) tokens a minute, retries included
    peak_input_tpm: float  # counted input tokens a minute (what the limit counts)
    peak_output_tpm: float
    calls_in_flight: float  # its calls under way at once at peak (Little's law, each held for its p95)
    tier: str | None
    token_limit: str
    rpm_limit: float | None
    tpm_limit: float | None
    input_tpm_limit: float | None
    output_tpm_limit: float | None
    concurrency_limit: float | None
    rpm_utilisation: float | None
    tpm_utilisation: float | None
    concurrency_utilisation: float | None
    utilisation: float | None  # the tightest of its limits; None: no limit known
    limits_source: str
    limits_source_ids: tuple[str, ...] = ()  # the documents limits_source cites


@value_class(slots=True)
class Capacity:
    """The workload at peak. The limit figures (tier to concurrency_utilisation) are those of
    the model whose limits are tightest (the only one in a single-model workload); every
    model's are in ``models``."""

    peak_rpm: float  # profile.effective_peak_rpm: requests a minute
    peak_tpm: float  # the tightest model's tokens a minute at peak, retries included
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
    peak_calls_per_minute: float = 0.0  # peak requests/min x calls per request, every model
    model: str = ""  # the model whose limits are tightest (the workload's, when it has one model)
    model_calls_per_minute: float = 0.0  # its calls a minute at peak (what its RPM limit counts)
    model_calls_in_flight: float = 0.0  # its calls under way at once at peak (a concurrency limit counts them)
    models: tuple[ModelCapacity, ...] = ()
    peak_minutes: float = DEFAULT_PEAK_MINUTES  # how long the peak lasts
    sustainable_rpm: float | None = None  # requests a minute the limits allow (None: no limit known)
    backlog_requests: float = 0.0  # requests queued when the peak ends (0 within the limits)
    drain_time_s: float | None = 0.0  # from the peak's end until the queue is empty; None: never
    # The longest a request waits in the queue (first in first out: the peak's last, behind the
    # backlog served at the sustainable rate); at most the drain time; None where that is.
    peak_worst_wait_s: float | None = 0.0
    async_workers_at_peak: float = 0.0  # Little's law on the mean request time, at the rate served
    limits_source_ids: tuple[str, ...] = ()  # the documents limits_source cites
    # False: the workload gives no peak_requests_per_minute, so every "peak" figure above is the
    # monthly average rate (the views say so, not "peak").
    peak_given: bool = True
    # Where one call counts more tokens than a per-minute token limit of its model (the binding
    # one) allows, so that the provider refuses every such call at this tier: the tokens it
    # counts, and which limit ("tpm", "input_tpm" or "output_tpm"); None where every call fits.
    refused_call_tokens: float | None = None
    refused_limit: str | None = None
    refused_step: str = ""  # the step whose call is refused, where a request makes more than one call

    @property
    def figures_taken(self) -> str:
        """Where the figures are taken: "at peak", or, where the workload gives no peak rate, "at
        the monthly average (no peak given)": the figures are the average's, not a peak's."""
        return "at peak" if self.peak_given else "at the monthly average (no peak given)"

    @property
    def refused_limit_value(self) -> float | None:
        """The per-minute token limit one call is larger than (None: every call fits)."""
        return None if self.refused_limit is None else getattr(self, f"{self.refused_limit}_limit")

    @property
    def refused_words(self) -> str | None:
        """Why the provider refuses every request, as a clause: "one request's 603,000 tokens are
        more than the 500,000 tokens/min tier-1 allows"; None where every call fits."""
        limit = self.refused_limit_value
        if self.refused_call_tokens is None or self.refused_limit is None or limit is None:
            return None
        kind = {"tpm": "tokens", "input_tpm": "input tokens", "output_tpm": "output tokens"}[self.refused_limit]
        who = f"one call of step '{self.refused_step}'" if self.refused_step else "one request"
        where = (
            "the workload's rate_limits allow" if self.limits_source == PROFILE_LIMITS
            else f"{self.tier} allows" if self.tier else "the limits allow"
        )
        return (
            f"{who}'s {self.refused_call_tokens:,.0f} {kind} are more than the {limit:,.0f} {kind}/min {where}"
            f"{f' on {self.model}' if len(self.models) > 1 else ''}"
        )

    @property
    def limits_unknown_because(self) -> str | None:
        """Why no rate limit is known, as a clause ("the provider catalogue has no OpenAI limits
        for gpt-5.4 at tier-1"); None when one is."""
        if self.limits_known:
            return None
        head, tail = _NONE_KNOWN.split("{why}")
        source = self.limits_source
        return source[len(head):-len(tail)] if source.startswith(head) and source.endswith(tail) else source


def batch_submissions(requests: int, input_tokens: int, max_requests: int | None, max_mb: float | None) -> int:
    """Batches a month needs, given the per-batch request count and file size caps."""
    if requests <= 0:
        return 0
    line_bytes = input_tokens * BYTES_PER_TOKEN + ENVELOPE_BYTES
    caps = [c for c in (max_requests, int(max_mb * 1_000_000 // line_bytes) if max_mb is not None else None) if c]
    per_batch = max(1, min(caps)) if caps else 1
    return -(-requests // per_batch)  # ceiling division, exact for big ints


@value_class(slots=True)
class _Limits:
    """One model's rate limits at a tier, where they come from and what they assume."""

    rpm: float | None
    tpm: float | None
    input_tpm: float | None
    output_tpm: float | None
    concurrency: float | None
    token_limit: str
    cached_input_counts: bool
    source: str
    source_ids: tuple[str, ...]  # the documents ``source`` cites
    assumptions: tuple[Assumption, ...]
    tier: str | None


# What follows from one call larger than a per-minute token limit (Capacity.refused_words).
REFUSED = "the provider refuses every request at this tier, however the peak is spread"


# The limits' source when none is known: why not (Capacity.limits_unknown_because reads it back).
_NONE_KNOWN = "none known ({why})"
# The limits' source when the workload gives its own (``rate_limits``).
PROFILE_LIMITS = "profile rate_limits"


def limits_label(limits_source: str) -> str:
    """The limits a peak is checked against, without the citation of the page they are read
    from (a ``limits_source`` of a Capacity or a ModelCapacity): "OpenAI gpt-5.4, tier-1" for
    the catalogue's at an account tier, "the workload's rate_limits", or why none is known."""
    if limits_source == PROFILE_LIMITS:
        return "the workload's rate_limits"
    if limits_source.startswith(_NONE_KNOWN.split("{why}")[0]):
        return limits_source
    return limits_source.split(": ", 1)[0]  # "{provider} {model}, {tier}: {its page}" (_catalogue_limits)


def _catalogue_limits(catalogue: "Catalogue", provider: str, model_id: str, given_tier: str | None) -> _Limits:
    tier, tier_assumption = provider_tier(catalogue, provider, given_tier)
    # Whether the tier was given belongs in the key: the limits are the same, but only a tier
    # left to the provider's default is said as an assumption (keyed on the tier alone, a
    # workload that named tier-1 left the next one at the default without its "account tier").
    key = ("limits", provider, model_id, tier, given_tier is None)
    hit: _Limits | None = catalogue.memo.get(key)
    if hit is not None:
        return hit
    resolved = catalogue.resolve(provider, model_id)
    spec, model = resolved.provider, resolved.model
    assumptions = [tier_assumption] if tier_assumption else []
    name = resolved.model_key or model_id
    limits = model.limits.get(tier) if model is not None and tier is not None else None
    if spec is None:
        why = f"the provider catalogue does not know provider '{provider}'"
    elif spec.prices is None:
        why = f"a {spec.name.lower()} has no provider limit: its capacity is your own"
    elif model is None:
        why = f"{model_id} is not in the provider catalogue"
    elif limits is None and model.limits_note:
        why = f"the provider catalogue has no {spec.name} limits for {name} at {tier}, as {model.limits_note.strip()}"
    elif limits is None:
        why = f"the provider catalogue has no {spec.name} limits for {name} at {tier}"
    else:
        why = ""
    if limits is None:
        sources = list(catalogue.ids(spec.rate_limits_source)) if spec else []
        if model is not None and model.limits_note:
            sources += catalogue.ids(model.limits_source)
        assumptions.append(
            Assumption(
                name="rate limits",
                value=f"unknown: {why}; give 'rate_limits' to check peak traffic against yours",
                source=catalogue.cite(sources) if spec else "advisor provider catalogue",
                source_ids=catalogue.ids(sources) if spec else (),
            )
        )
        hit = _Limits(None, None, None, None, None, spec.token_limit if spec else "combined", True,
                      _NONE_KNOWN.format(why=why), (), tuple(assumptions), tier)
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
        source, source_ids = catalogue.cite(model.limits_source), catalogue.ids(model.limits_source)
        cached_ids: tuple[str, ...] = ()
        # Whether cached input counts is said of token limits, by the provider's rate-limit pages.
        counts_tokens = any(v is not None for v in (limits.tpm, limits.input_tpm, limits.output_tpm))
        cached = ""
        cached_source = ""
        if counts_tokens:
            cached = "; " + {
                True: "cached input counts toward it",
                False: "cached input does not count toward it",
                None: "whether cached input counts is not documented: counted",
            }[spec.cached_input_counts]
            rate_source = catalogue.cite(spec.rate_limits_source)
            if spec.cached_input_counts is not None and rate_source not in source:
                cached_source = f"; cached input: {rate_source}"
                cached_ids = catalogue.ids(spec.rate_limits_source)
        assumptions.append(
            Assumption(name="rate limits", value=f"{', '.join(parts)} ({label}{cached})",
                       source=source + cached_source, source_ids=joined_ids(source_ids, cached_ids))
        )
        hit = _Limits(
            limits.rpm, limits.tpm, limits.input_tpm, limits.output_tpm, limits.concurrency, spec.token_limit,
            counted, f"{label}: {source}", source_ids, tuple(assumptions), tier,
        )
    catalogue.memo[key] = hit
    return hit


def _profile_limits(catalogue: "Catalogue", profile: WorkloadProfile) -> _Limits:
    given = profile.rate_limits
    assert given is not None
    tier, _ = account_tier(catalogue, profile)  # an unknown tier is still an error
    spec = catalogue.provider(profile.provider)
    separate = given.input_tpm is not None or given.output_tpm is not None
    return _Limits(
        given.rpm, given.tpm, given.input_tpm, given.output_tpm, given.concurrency,
        "separate" if separate and given.tpm is None else "combined",
        spec is None or spec.cached_input_counts is not False, PROFILE_LIMITS, (), (), tier,
    )


def _batch_assumptions(catalogue: "Catalogue", provider: str) -> tuple[Assumption, ...]:
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
            assumptions.append(
                Assumption(name="batch limits", value=f"{caps} per batch", source=offer.source,
                           source_ids=offer.source_ids)
            )
        else:
            assumptions.append(
                Assumption(name="batch limits", value="no per-batch cap published", source=offer.source,
                           source_ids=offer.source_ids)
            )
        assumptions.append(_A_JSONL)
    assumptions.append(_A_LITTLE)
    hit = catalogue.memo[key] = tuple(assumptions)
    return hit


def _batches(requests: int, steps: tuple[WorkStep, ...], max_requests: int | None, max_mb: float | None) -> int:
    """Batches a month: each step's runs are batches of their own (steps of one size alike)."""
    runs: dict[int, int] = {}
    for s in steps:
        runs[s.input_tokens] = runs.get(s.input_tokens, 0) + s.repeat
    return sum(n * batch_submissions(requests, tokens, max_requests, max_mb) for tokens, n in runs.items())


def _model_limits(catalogue: "Catalogue", profile: WorkloadProfile, provider: str, model: str) -> _Limits:
    """The limits of one model of the workload: its own ``rate_limits`` for the workload's
    model, else the catalogue's (at the workload's tier for its own provider)."""
    same_provider = provider.lower() == profile.provider.lower()
    if same_provider and model.lower() == profile.model.lower() and profile.rate_limits is not None:
        return _profile_limits(catalogue, profile)
    return _catalogue_limits(catalogue, provider, model, profile.tier if same_provider else None)


def _chain_assumption(catalogue: "Catalogue", provider: str, calls: int) -> Assumption | None:
    offer = batch_offer(catalogue, provider)
    if calls < 2 or not offer.available:
        return None
    window = offer.window_h or 24.0
    return Assumption(
        name="batch chain",
        value=f"every model call is a batch request, and each of the {calls} dependent calls of a request waits for "
        f"the batch before it: up to {calls} x {window:g} h through a Batch API",
        source=offer.source, source_ids=offer.source_ids,
    )


def _share(use: float, limit: float) -> float:
    """``use`` as a share of ``limit``; exactly 1 where they differ only by rounding (1,440,000
    requests a month of 60,000 tokens is 2,000,000 tokens a minute, not 2,000,000.0000000002):
    a peak at the limit is within it, with no backlog to drain."""
    share = use / limit
    return 1.0 if math.isclose(share, 1.0, rel_tol=1e-9) else share


@value_class(slots=True)
class _TooLarge:
    """One call larger than a per-minute token limit: the tokens it counts, the limit's name
    ("tpm", "input_tpm", "output_tpm"), their ratio and the step it is a call of."""

    tokens: float
    limit: str
    share: float
    step: str


def _too_large(step: WorkStep, counted_input: float, output: float, limits: _Limits) -> _TooLarge | None:
    """The limit one call of ``step`` is larger than, by the largest share, as the provider
    counts it (input and output together, input, output); None where the call fits each."""
    worst: _TooLarge | None = None
    for tokens, limit, name in (
        (counted_input + output, limits.tpm, "tpm"), (counted_input, limits.input_tpm, "input_tpm"),
        (output, limits.output_tpm, "output_tpm"),
    ):
        if limit is not None and limit > 0 and tokens > limit and not math.isclose(tokens, limit, rel_tol=1e-9):
            worst = _larger(worst, _TooLarge(tokens, name, tokens / limit, step.name))
    return worst


def _larger(a: _TooLarge | None, b: _TooLarge | None) -> _TooLarge | None:
    """The larger excess of two (the first of equal ones)."""
    if a is None:
        return b
    return b if b is not None and b.share > a.share else a


def estimate_capacity(
    profile: WorkloadProfile,
    latency: LatencyEstimate,
    catalogue: "Catalogue | None" = None,
    steps: tuple[WorkStep, ...] | None = None,
) -> Capacity:
    if catalogue is None:
        from .rules import load_rules

        catalogue = load_rules().catalogue
    steps = steps if steps is not None else work_steps(profile)
    account_tier(catalogue, profile)  # an unknown tier is an error even when no step uses the provider
    retry = 1 + profile.retry_rate
    peak_rpm = profile.effective_peak_rpm
    call_p95 = {s.name: s.call_p95_s for s in latency.steps}
    groups: dict[tuple[str, str], list[WorkStep]] = {}
    lowered: dict[tuple[str, str], tuple[str, str]] = {}  # each (provider, model) as named, in lower case
    shown_key = ("", "")  # the shown step's (work_steps shows exactly one)
    for step in steps:
        named = (step.provider, step.model)
        key = lowered.get(named)
        if key is None:
            key = lowered[named] = (step.provider.lower(), step.model.lower())
        groups.setdefault(key, []).append(step)
        if step.shown:
            shown_key = key

    models: list[ModelCapacity] = []
    limits_of: dict[tuple[str, str], _Limits] = {}
    refused_of: dict[tuple[str, str], _TooLarge] = {}
    for key, members in groups.items():
        first = members[0]
        limits = limits_of[key] = _model_limits(catalogue, profile, first.provider, first.model)
        calls = 0
        counted = written = everything = held = 0.0
        cached_counts, per_call = limits.cached_input_counts, latency.per_call_p95_s
        too_large: _TooLarge | None = None
        sizes: set[tuple[float, int]] = set()  # calls of one size are checked against the limits once
        for s in members:  # one pass: an agent's steps are many
            repeat, billed = s.repeat, s.billed_output_tokens
            calls += repeat
            one_input = s.input_tokens * (1 if cached_counts else 1 - s.cached_input_fraction)
            counted += repeat * one_input
            written += repeat * billed
            everything += repeat * (s.input_tokens + billed)
            held += repeat * call_p95.get(s.name, per_call)
            if (one_input, billed) not in sizes:  # the first of equal excesses is the one said
                sizes.add((one_input, billed))
                too_large = _larger(too_large, _too_large(s, one_input, billed, limits))
        peak_input, peak_output = peak_rpm * counted * retry, peak_rpm * written * retry
        # Calls in flight at peak (Little's law, each call held for its p95).
        in_flight = peak_rpm / 60.0 * held
        rpm_use = None if limits.rpm is None else _share(peak_rpm * calls * retry, limits.rpm)
        tpm_use: float | None = None
        for use, limit in (
            (peak_input + peak_output, limits.tpm), (peak_input, limits.input_tpm), (peak_output, limits.output_tpm)
        ):
            if limit is not None:
                share = _share(use, limit)
                if tpm_use is None or share > tpm_use:
                    tpm_use = share
        if too_large is not None:
            # One call never fits the bucket: the limit is at least that far exceeded, however
            # slow the peak (what the headroom says), and nothing is served (below).
            refused_of[key] = too_large
            tpm_use = max(tpm_use or 0.0, too_large.share)
        concurrency_use = None if limits.concurrency is None else _share(in_flight * retry, limits.concurrency)
        shares = [x for x in (rpm_use, tpm_use, concurrency_use) if x is not None]
        models.append(
            ModelCapacity(
                provider=first.provider, model=first.model, calls_per_request=calls,
                peak_calls_per_minute=peak_rpm * calls, peak_tpm=peak_rpm * everything * retry,
                peak_input_tpm=peak_input, peak_output_tpm=peak_output, calls_in_flight=in_flight, tier=limits.tier,
                token_limit=limits.token_limit, rpm_limit=limits.rpm, tpm_limit=limits.tpm,
                input_tpm_limit=limits.input_tpm, output_tpm_limit=limits.output_tpm,
                concurrency_limit=limits.concurrency, rpm_utilisation=rpm_use, tpm_utilisation=tpm_use,
                concurrency_utilisation=concurrency_use, utilisation=max(shares) if shares else None,
                limits_source=limits.source, limits_source_ids=limits.source_ids,
            )
        )
    known = [m for m in models if m.utilisation is not None]
    keys = list(groups)
    # A model that refuses every call binds before any that merely queues them.
    binding = (
        max(known, key=lambda m: (keys[models.index(m)] in refused_of, m.utilisation or 0.0)) if known
        else models[keys.index(shown_key)]
    )
    worst = binding.utilisation
    binding_limits = limits_of[keys[models.index(binding)]]
    refused = refused_of.get(keys[models.index(binding)])

    connections = peak_rpm / 60.0 * latency.end_to_end_p95_s
    peak_minutes = profile.peak_minutes if profile.peak_minutes is not None else DEFAULT_PEAK_MINUTES
    sustainable = peak_rpm / worst if worst else None
    backlog: float = 0.0
    drain: float | None = 0.0
    wait: float | None = 0.0
    assumptions: list[Assumption] = []
    if refused is not None:
        # The provider refuses every call: nothing is served, the whole peak queues, and the
        # queue never drains (whatever the budget, the peak or the month's average).
        sustainable, backlog, drain, wait = 0.0, peak_rpm * peak_minutes, None, None
        if profile.peak_minutes is None:
            assumptions.append(_A_PEAK_MINUTES)
    elif worst is not None and worst > 1 and sustainable is not None:
        backlog = (peak_rpm - sustainable) * peak_minutes
        average = profile.average_requests_per_minute
        # Later arrivals are the month's requests outside this peak, spread over the rest of
        # the month: none where the peak holds the whole month (a monthly re-run sent at once).
        # Below the month's average rate the queue never drains, whatever arrives after.
        rest = max(0.0, profile.requests_per_month - peak_rpm * peak_minutes)
        later = min(average, rest / max(1.0, MINUTES_PER_MONTH - peak_minutes))
        drain = backlog / (sustainable - later) * 60.0 if sustainable > average else None
        # First in first out, the peak's last request is served once the backlog ahead of it
        # is, at the rate the limits allow; what arrives after it queues behind it.
        wait = backlog / sustainable * 60.0 if drain is not None else None
        if profile.peak_minutes is None:
            assumptions.append(_A_PEAK_MINUTES)
    served = min(peak_rpm, sustainable) if sustainable is not None else peak_rpm
    workers = served / 60.0 * latency.end_to_end_mean_s

    offer = batch_offer(catalogue, profile.provider)
    has_caps = offer.available and (offer.max_requests is not None or offer.max_file_mb is not None)
    seen: set[tuple[str, str]] = set()
    for m in models:
        for x in limits_of[(m.provider.lower(), m.model.lower())].assumptions:
            label = x if len(models) == 1 else x.model_copy(update={"name": f"{x.name} ({m.model})"})
            if (label.name, label.value) not in seen:
                seen.add((label.name, label.value))
                assumptions.append(label)
    n_calls = calls_per_request(steps)
    chain = _chain_assumption(catalogue, profile.provider, n_calls)
    capacity = Capacity(
        peak_rpm=peak_rpm,
        peak_tpm=binding.peak_tpm,
        peak_input_tpm=binding.peak_input_tpm,
        peak_output_tpm=binding.peak_output_tpm,
        tier=binding.tier,
        token_limit=binding.token_limit,
        rpm_limit=binding.rpm_limit,
        tpm_limit=binding.tpm_limit,
        input_tpm_limit=binding.input_tpm_limit,
        output_tpm_limit=binding.output_tpm_limit,
        concurrency_limit=binding.concurrency_limit,
        limits_known=worst is not None,
        limits_source=binding_limits.source,
        limits_source_ids=binding_limits.source_ids,
        rpm_utilisation=binding.rpm_utilisation,
        tpm_utilisation=binding.tpm_utilisation,
        concurrency_utilisation=binding.concurrency_utilisation,
        headroom=None if worst is None else 1.0 - worst,
        over_limit=worst is not None and worst > 1.0,
        concurrent_connections=connections,
        batch_max_requests=offer.max_requests if offer.available else None,
        batch_max_mb=offer.max_file_mb if offer.available else None,
        batch_submissions_per_month=_batches(profile.requests_per_month, steps, offer.max_requests, offer.max_file_mb)
        if has_caps else None,
        retry_amplification=float(profile.attempts_per_layer) ** profile.retry_layers,
        assumptions=(*assumptions, *_batch_assumptions(catalogue, profile.provider), *([chain] if chain else [])),
        peak_calls_per_minute=peak_rpm * n_calls,
        model=binding.model,
        model_calls_per_minute=binding.peak_calls_per_minute,
        model_calls_in_flight=binding.calls_in_flight,
        models=tuple(models),
        peak_minutes=peak_minutes,
        sustainable_rpm=sustainable,
        backlog_requests=backlog,
        drain_time_s=drain,
        peak_worst_wait_s=wait,
        async_workers_at_peak=workers,
        peak_given=profile.peak_requests_per_minute is not None,
        refused_call_tokens=None if refused is None else refused.tokens,
        refused_limit=None if refused is None else refused.limit,
        refused_step=refused.step if refused is not None and n_calls > 1 else "",
    )
    words = capacity.refused_words
    if words is None:
        return capacity
    spec = catalogue.provider(binding.provider)
    cited = (spec.request_too_large_source or spec.rate_limits_source) if spec is not None else None
    refusal = Assumption(
        name="request size", value=f"{words}: {REFUSED} (a token bucket never holds more than its per-minute limit)",
        source=catalogue.cite(cited) if spec is not None else "advisor capacity model, docs/cost-model.md",
        source_ids=catalogue.ids(cited),
    )
    return dataclasses.replace(capacity, assumptions=(refusal, *capacity.assumptions))
