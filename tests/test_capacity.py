"""Capacity: rate-limit headroom, Little's law, batch submissions, retry storms."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.core.capacity import Capacity, batch_submissions, estimate_capacity
from advisor.core.latency import estimate_latency
from advisor.core.profile import MINUTES_PER_MONTH, load_profile, parse_profile
from advisor.core.steps import work_steps

from .conftest import EXAMPLES


def _capacity(**fields: Any) -> Capacity:
    data = {
        "name": "feature",
        "interaction": "chat",
        "latency_budget_s": 10,
        "input_tokens": 1000,
        "output_tokens": 500,
        "requests_per_month": 1_000_000,
        "model": "gpt-4o",
    }
    data.update(fields)
    profile = parse_profile(data)
    latency, _ = estimate_latency(profile)
    return estimate_capacity(profile, latency)


def test_littles_law_connections() -> None:
    # 600 requests/min = 10/s, each held for a 2 s x 3 calls + 1 s tools = 7 s p95: 70 open.
    capacity = _capacity(
        peak_requests_per_minute=600, model_p95_s=2.0, chained_calls=3, tool_latency_s=1.0, latency_correlation=1
    )
    assert capacity.concurrent_connections == pytest.approx(70.0)


def test_peak_tokens_count_input_output_and_retries() -> None:
    capacity = _capacity(peak_requests_per_minute=100, retry_rate=0.1)
    assert capacity.peak_rpm == 100
    assert capacity.peak_tpm == pytest.approx(100 * 1500 * 1.1)


def test_peak_never_below_monthly_average() -> None:
    capacity = _capacity(requests_per_month=MINUTES_PER_MONTH * 50, peak_requests_per_minute=10)
    assert capacity.peak_rpm == pytest.approx(50)


def test_over_limit_when_peak_exceeds_given_rate_limits() -> None:
    capacity = _capacity(peak_requests_per_minute=150, rate_limits={"rpm": 100, "tpm": 1e9})
    assert capacity.limits_source == "profile rate_limits"
    assert capacity.rpm_utilisation == pytest.approx(1.5)
    assert capacity.over_limit
    assert capacity.headroom == pytest.approx(-0.5)
    assert "rate limits" not in [a.name for a in capacity.assumptions]


def test_tpm_limit_can_bind_before_rpm() -> None:
    capacity = _capacity(peak_requests_per_minute=100, rate_limits={"rpm": 1000, "tpm": 100_000})
    assert capacity.tpm_utilisation == pytest.approx(1.5)
    assert capacity.over_limit


def test_within_limits_has_positive_headroom() -> None:
    capacity = _capacity(peak_requests_per_minute=1000, tier="tier-5", input_tokens=100, output_tokens=100)
    assert not capacity.over_limit and capacity.tier == "tier-5"
    assert capacity.headroom == pytest.approx(1 - 0.1)  # 1,000 of GPT-4o Tier 5's 10,000 RPM


@pytest.mark.parametrize(
    ("provider", "model", "tier", "limits"),
    [
        # Every provider's default tier is its lowest paid one, the same for all its models.
        ("openai", "gpt-4o", "tier-1", {"rpm_limit": 500, "tpm_limit": 30_000}),
        ("openai", "gpt-4o-mini", "tier-1", {"rpm_limit": 500, "tpm_limit": 200_000}),
        ("openai", "gpt-4.1", "tier-1", {"rpm_limit": 500, "tpm_limit": 30_000}),
        # Anthropic limits input and output tokens separately.
        ("anthropic", "claude-sonnet-4-5", "start",
         {"rpm_limit": 1000, "tpm_limit": None, "input_tpm_limit": 2_000_000, "output_tpm_limit": 400_000}),
        # Gemini limits input tokens only (the last published table).
        ("google", "gemini-2.5-flash", "tier-1", {"rpm_limit": 1000, "tpm_limit": None, "input_tpm_limit": 1_000_000}),
        # DeepSeek limits requests in flight.
        ("deepseek", "deepseek-flash", "default", {"rpm_limit": None, "concurrency_limit": 2500}),
    ],
)
def test_published_default_limits(provider: str, model: str, tier: str, limits: dict[str, Any]) -> None:
    capacity = _capacity(provider=provider, model=model)
    assert capacity.tier == tier and capacity.limits_known
    for name, value in limits.items():
        assert getattr(capacity, name) == value, name
    names = [a.name for a in capacity.assumptions]
    assert "rate limits" in names and "account tier" in names


def test_unpublished_limits_are_unknown_and_nothing_is_checked() -> None:
    # Mistral shows each tier's limits only in its console; OpenAI tabulates gpt-6-luna's only
    # in tiers with no published mapping to Tier 1-5.
    for provider, model in (("mistral", "mistral-large-2512"), ("openai", "gpt-6-luna")):
        capacity = _capacity(provider=provider, model=model, peak_requests_per_minute=1e6,
                             requests_per_month=60_000_000)  # a month that holds the peak hour
        assert not capacity.limits_known and not capacity.over_limit
        assert capacity.headroom is None and capacity.rpm_limit is None
        limits = next(a for a in capacity.assumptions if a.name == "rate limits")
        assert limits.value.startswith("unknown") and "rate_limits" in limits.value


def test_anthropic_output_limit_binds_on_output_tokens_only() -> None:
    # 300 requests/min x 1,000 input tokens = 300,000 of 2,000,000 input TPM (15%), while
    # 300 x 2,000 output tokens = 600,000 of 400,000 output TPM: over. Applied to input +
    # output (900,000 of 400,000) it would read 2.25x; it is 1.5x.
    capacity = _capacity(provider="anthropic", model="claude-sonnet-4-5", peak_requests_per_minute=300,
                         input_tokens=1000, output_tokens=2000)
    assert capacity.over_limit
    assert capacity.tpm_utilisation == pytest.approx(1.5)


def test_cached_input_counts_where_the_provider_counts_it() -> None:
    anthropic = _capacity(provider="anthropic", model="claude-sonnet-4-5", peak_requests_per_minute=100,
                          input_tokens=10_000, output_tokens=10, cached_input_fraction=0.9)
    assert anthropic.peak_input_tpm == pytest.approx(100 * 1000)  # cache reads do not count
    openai = _capacity(peak_requests_per_minute=100, input_tokens=10_000, output_tokens=10, cached_input_fraction=0.9)
    assert openai.peak_input_tpm == pytest.approx(100 * 10_000)  # "caching does not affect rate limits"


def test_a_higher_tier_raises_the_limits() -> None:
    low = _capacity(peak_requests_per_minute=100)
    high = _capacity(peak_requests_per_minute=100, tier="tier-3")
    assert low.over_limit and not high.over_limit
    assert (high.rpm_limit, high.tpm_limit) == (5000, 800_000)


def test_retry_storm_of_seed_002() -> None:
    assert _capacity(attempts_per_layer=3, retry_layers=5).retry_amplification == 243
    assert _capacity().retry_amplification == 1


def test_batch_submissions_for_5m_embeddings_at_openai_limits() -> None:
    small = _capacity(model="text-embedding-3-small", input_tokens=500, output_tokens=0, requests_per_month=5_000_000)
    assert (small.batch_max_requests, small.batch_max_mb) == (50_000, 200)
    assert small.batch_submissions_per_month == 100  # request-count cap binds
    # 1,000 tokens = 4,300 bytes a line: 200 MB holds 46,511 lines, so the size cap binds.
    large = _capacity(model="text-embedding-3-small", input_tokens=1000, output_tokens=0, requests_per_month=5_000_000)
    assert large.batch_submissions_per_month == math.ceil(5_000_000 / 46_511)


def test_batch_limits_per_provider() -> None:
    anthropic = _capacity(provider="anthropic", model="claude-sonnet-4-5")
    assert (anthropic.batch_max_requests, anthropic.batch_max_mb) == (100_000, 256)
    # Mistral publishes no per-batch cap: none is borrowed from another provider.
    mistral = _capacity(provider="mistral", model="mistral-large-2512")
    assert (mistral.batch_max_requests, mistral.batch_max_mb, mistral.batch_submissions_per_month) == (None,) * 3
    # DeepSeek has no batch API at all.
    deepseek = _capacity(provider="deepseek", model="deepseek-flash")
    assert deepseek.batch_submissions_per_month is None
    assert "batch limits" not in [a.name for a in deepseek.assumptions]


def test_zero_traffic() -> None:
    capacity = _capacity(requests_per_month=0)
    assert capacity.batch_submissions_per_month == 0
    assert capacity.peak_rpm == 0 and capacity.headroom == 1 and not capacity.over_limit


@settings(max_examples=200, deadline=None)
@given(
    requests=st.integers(0, 100_000_000_000),
    tokens=st.integers(0, 10_000_000),
    max_requests=st.integers(1, 100_000),
    max_mb=st.floats(0.001, 1000),
)
def test_batch_submissions_cover_every_request(requests: int, tokens: int, max_requests: int, max_mb: float) -> None:
    batches = batch_submissions(requests, tokens, max_requests, max_mb)
    assert batches * max_requests >= requests
    assert batches >= 0 and (batches > 0) == (requests > 0)


def test_the_worst_wait_is_the_peak_s_last_request_s_and_the_queue_drains_later() -> None:
    # By hand: 300 requests a minute for 10 minutes where the limits let 100 through (1 call,
    # no retries, 100 RPM), against a monthly average of 50 a minute. 2,000 requests queue;
    # first in first out the peak's last request waits for the 2,000 ahead of it served at
    # 100 a minute: 20 min. The queue empties at 100 a minute less the arrivals behind it, the
    # month's other requests over its other minutes (a shade under 50 a minute: the peak's
    # 3,000 are not counted twice; round 16, F2): just under 40 min after the peak.
    capacity = _capacity(
        requests_per_month=MINUTES_PER_MONTH * 50, peak_requests_per_minute=300, peak_minutes=10,
        rate_limits={"rpm": 100, "tpm": 1e11},
    )
    assert capacity.sustainable_rpm == pytest.approx(100)
    assert capacity.backlog_requests == pytest.approx(2_000)
    assert capacity.peak_worst_wait_s == pytest.approx(20 * 60)
    later = (MINUTES_PER_MONTH * 50 - 3_000) / (MINUTES_PER_MONTH - 10)
    assert capacity.drain_time_s == pytest.approx(2_000 / (100 - later) * 60)
    assert capacity.drain_time_s == pytest.approx(40 * 60, abs=3)


def test_the_ticket_agent_s_last_request_waits_19_min_where_the_queue_drains_in_22_8() -> None:
    # Board read 3, N7: the ticket resolution agent's peak leaves 2,621 requests queued behind
    # gpt-5.4's limits (137.9 a minute through, 23.1 the month's average): the last waits
    # 2,621 / 137.9 = 19.0 min; the queue is empty 2,621 / (137.9 - 23.1) = 22.8 min after.
    profile = load_profile(EXAMPLES / "support-agent-tools.yaml")
    latency, _ = estimate_latency(profile)
    capacity = estimate_capacity(profile, latency, steps=work_steps(profile))
    assert round(capacity.backlog_requests) == 2_621 and capacity.sustainable_rpm == pytest.approx(137.9, abs=0.05)
    assert capacity.peak_worst_wait_s == pytest.approx(19.0 * 60, abs=3)
    assert capacity.drain_time_s == pytest.approx(22.8 * 60, abs=3)


def test_a_queue_that_never_drains_has_no_worst_wait() -> None:
    # The limits let 100 a minute through, below the month's average of 150: every later
    # request waits longer than the one before, without bound.
    capacity = _capacity(
        requests_per_month=MINUTES_PER_MONTH * 150, peak_requests_per_minute=300, peak_minutes=10,
        rate_limits={"rpm": 100, "tpm": 1e11},
    )
    assert capacity.backlog_requests > 0
    assert capacity.drain_time_s is None and capacity.peak_worst_wait_s is None


@st.composite
def _peaks(draw: st.DrawFn) -> dict[str, Any]:
    """A one-call workload of given limits (RPM binding), its peak over or under them."""
    average = draw(st.floats(0.0, 5_000.0))
    rpm = draw(st.one_of(st.sampled_from([60.0, 500.0, 10_000.0]), st.floats(1.0, 20_000.0)))
    peak = draw(st.floats(max(average, 0.01), 50_000.0))
    requests = max(1, math.ceil(average * MINUTES_PER_MONTH))
    minutes = draw(st.floats(1.0, 720.0))  # twice as long is still within a day
    minutes = max(1.0, min(minutes, requests / peak / 2))  # the month holds the peak, doubled too
    # One request to spare: peak x minutes x 2 can round a hair above a month it equals.
    requests = max(requests, math.ceil(peak * minutes * 2) + 1)
    return {
        "requests_per_month": requests, "peak_requests_per_minute": peak, "peak_minutes": minutes,
        "rate_limits": {"rpm": rpm, "tpm": 1e11},
    }


@settings(max_examples=200, deadline=None)
@given(fields=_peaks())
def test_the_worst_wait_is_at_most_the_drain_time_and_grows_with_the_backlog(fields: dict[str, Any]) -> None:
    capacity = _capacity(**fields)
    wait, drain = capacity.peak_worst_wait_s, capacity.drain_time_s
    if capacity.backlog_requests <= 0:  # within the limits: no queue, no wait
        assert wait == 0 and drain == 0
        return
    if drain is None:  # the limits below the month's average: the queue only grows
        assert wait is None
        return
    assert wait is not None and capacity.sustainable_rpm is not None
    assert 0 < wait <= drain
    # First in first out: the backlog ahead of the last request, at the rate the limits allow.
    assert wait == pytest.approx(capacity.backlog_requests / capacity.sustainable_rpm * 60)
    # A peak twice as long leaves twice the backlog, and its last request waits twice as long.
    longer = _capacity(**{**fields, "peak_minutes": fields["peak_minutes"] * 2})
    assert longer.backlog_requests == pytest.approx(2 * capacity.backlog_requests)
    assert longer.peak_worst_wait_s == pytest.approx(2 * wait)
