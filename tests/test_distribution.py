"""The latency distribution of a chain of calls: the closed form (advisor.core.distribution)
against a seeded simulation at 1, 2, 4 and 12 steps, and its properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.core.distribution import Calls, _Fit, _Mixture, percentiles, sigma_of

# Shapes of requests: one call; a RAG chat (a short rewrite, then the answer); a four-step
# agent (three small steps and a slow answer); a twelve-call loop of one step.
SHAPES = {
    1: [Calls(1, 2.0, 4.0)],
    2: [Calls(1, 0.6, 0.8), Calls(1, 3.3, 5.0)],
    4: [Calls(1, 1.7, 2.4), Calls(1, 2.9, 3.5), Calls(1, 3.5, 4.2), Calls(1, 9.5, 14.0)],
    12: [Calls(12, 1.0, 2.5)],
}
TOOLS_S = 0.5
BACKOFF_S = 1.0


def simulate(
    calls: list[Calls], rho: float, retry_rate: float = 0.0, retried: Calls | None = None, n: int = 400_000
) -> np.ndarray:
    """p50, p95, p99 of ``n`` simulated requests: each call lognormal through its p50 and p95,
    the calls' log-times correlated at ``rho`` through one shared factor. A call fails with
    probability ``retry_rate`` and is tried again after the back-off: the same call again, or
    ``retried`` where given."""
    rng = np.random.default_rng(11)
    shared = rng.standard_normal(n)

    def draw(c: Calls) -> np.ndarray:
        z = math.sqrt(rho) * shared + math.sqrt(1 - rho) * rng.standard_normal(n)
        return c.p50 * np.exp(sigma_of(c.p50, c.p95) * z)

    total = np.full(n, TOOLS_S)
    for c in calls:
        for _ in range(int(c.count)):
            total += draw(c)
            if retry_rate:
                again = draw(retried or c)
                total += np.where(rng.random(n) < retry_rate, again + BACKOFF_S, 0.0)
    return np.quantile(total, [0.5, 0.95, 0.99])


@pytest.mark.parametrize("steps", sorted(SHAPES))
@pytest.mark.parametrize("rho", [0.0, 0.5, 1.0])
def test_the_closed_form_matches_a_simulation(steps, rho):
    got = percentiles(SHAPES[steps], TOOLS_S, correlation=rho)
    p50, p95, p99 = simulate(SHAPES[steps], rho)
    assert got.p50 == pytest.approx(p50, rel=0.01)
    assert got.p95 == pytest.approx(p95, rel=0.01)
    assert got.p99 == pytest.approx(p99, rel=0.02)


@pytest.mark.parametrize("steps", sorted(SHAPES))
@pytest.mark.parametrize("rho", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("retry_rate", [0.01, 0.02, 0.05])
def test_retries_match_a_simulation(steps, rho, retry_rate):
    got = percentiles(SHAPES[steps], TOOLS_S, retry_rate=retry_rate, backoff_s=BACKOFF_S, correlation=rho)
    p50, p95, p99 = simulate(SHAPES[steps], rho, retry_rate)
    assert got.p50 == pytest.approx(p50, rel=0.01)
    assert got.p95 == pytest.approx(p95, rel=0.02)
    # Two retries in one request are counted as retries of its slowest call: the p99 errs
    # on the slow side when retries are common and one step is much slower than the rest.
    assert p99 * 0.98 <= got.p99 <= p99 * (1.03 if retry_rate <= 0.02 else 1.2)


@pytest.mark.parametrize("steps", sorted(SHAPES))
def test_frequent_retries_never_understate(steps):
    got = percentiles(SHAPES[steps], TOOLS_S, retry_rate=0.2, backoff_s=BACKOFF_S, correlation=0.5)
    for model, real in zip((got.p50, got.p95, got.p99), simulate(SHAPES[steps], 0.5, 0.2), strict=True):
        assert real * 0.99 <= model <= real * 1.35


def test_slow_together_adds_the_percentiles_up():
    calls = [Calls(1, 0.6, 0.8), Calls(3, 2.0, 3.0)]
    got = percentiles(calls, 1.0, correlation=1.0)
    assert got.p50 == pytest.approx(1.0 + 0.6 + 3 * 2.0)
    assert got.p95 == pytest.approx(1.0 + 0.8 + 3 * 3.0)


def test_independent_calls_are_a_third_below_the_sum_of_their_p95s_at_four_calls():
    # What multiplying one call's p95 by the number of calls overstates.
    calls = [Calls(4, 1.0, 2.0)]
    summed = percentiles(calls, correlation=1.0).p95
    independent = percentiles(calls, correlation=0.0).p95
    assert summed / independent == pytest.approx(1.31, abs=0.01)
    assert independent < percentiles(calls, correlation=0.5).p95 < summed


def test_every_call_retried_is_every_call_twice_and_its_back_off():
    calls = [Calls(2, 8.0, 8.0), Calls(1, 1.0, 1.0)]
    got = percentiles(calls, retry_rate=1.0, backoff_s=BACKOFF_S)
    assert got.p50 == got.p95 == got.p99 == pytest.approx(2 * 17 + 3 * BACKOFF_S)


# Calls as a workload measures or the advisor estimates them: a p95 up to three medians (the
# catalogue's first-token spread is 1.7, a reasoning model's 2.8).
_calls = st.builds(
    lambda count, p50, spread: Calls(count, p50, p50 * spread),
    st.integers(1, 25),
    st.floats(0.01, 600),
    st.floats(1.0, 3.0),
)
# Retry rates near the common ones, but none whose no-retry share for one call is exactly 0.5, 0.95
# or 0.99: there a percentile sits on a flat stretch of the distribution (a call without spread, 1%
# retried, has every time from its own to its retried one as its p99), it is not unique, and a
# property comparing two of them would compare two arbitrary points of that stretch.
_request = dict(
    rho=st.floats(0, 1), retry_rate=st.sampled_from([0.0, 0.011, 0.052, 0.2, 0.47, 1.0]), tools=st.floats(0, 3600)
)


@settings(max_examples=300, deadline=None)
@given(calls=st.lists(_calls, min_size=1, max_size=6), **_request)
def test_percentiles_are_ordered_and_finite(calls, rho, retry_rate, tools):
    got = percentiles(calls, tools, retry_rate=retry_rate, backoff_s=BACKOFF_S, correlation=rho)
    assert all(math.isfinite(x) for x in (got.p50, got.p95, got.p99, got.mean))
    assert tools <= got.p50 <= got.p95 <= got.p99


@settings(max_examples=300, deadline=None)
@given(calls=st.lists(_calls, min_size=1, max_size=6), extra=_calls, **_request)
def test_another_call_never_lowers_a_percentile(calls, extra, rho, retry_rate, tools):
    before = percentiles(calls, tools, retry_rate=retry_rate, backoff_s=BACKOFF_S, correlation=rho)
    after = percentiles([*calls, extra], tools, retry_rate=retry_rate, backoff_s=BACKOFF_S, correlation=rho)
    for x, y in ((before.p50, after.p50), (before.p95, after.p95), (before.p99, after.p99)):
        assert y >= x * (1 - 1e-9)


@settings(max_examples=200, deadline=None)
@given(
    calls=st.lists(
        st.builds(lambda c, p50, s: Calls(c, p50, p50 * s), st.integers(1, 25), st.floats(0.01, 600),
                  st.floats(1.0, 10.0)),
        min_size=1, max_size=6,
    ),
    rho=st.floats(0, 1),
    retry_rate=st.sampled_from([0.0, 0.01, 0.05]),
)
def test_at_the_widest_spread_allowed_another_call_lowers_no_tail_and_the_median_by_a_few_percent_at_most(
    calls, rho, retry_rate
):
    # A call whose p95 is ten medians (the profile's bound) skews the sum so much that the
    # three-moment fit puts its body low: the median can come out a few percent under the
    # one without that call (5 calls of 7 s at rho 0.875: 34.68 s against 35.11 s, where a
    # simulation of 2 million requests gives 36.24 s; the worst a targeted search of 20,000
    # cases found was 3.8%). The p95 and p99, which the rules judge, never fell in that search.
    before = percentiles(calls, retry_rate=retry_rate, backoff_s=BACKOFF_S, correlation=rho)
    after = percentiles([*calls, Calls(1, 1.0, 10.0)], retry_rate=retry_rate, backoff_s=BACKOFF_S, correlation=rho)
    assert after.p95 >= before.p95 * 0.99 and after.p99 >= before.p99 * 0.99
    assert after.p50 >= before.p50 * 0.95


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(
        st.tuples(st.floats(1e-9, 1), st.floats(0, 100), st.floats(-5, 7), st.floats(0.001, 3)), min_size=1, max_size=12
    ),
    x=st.floats(1e-6, 5_000),
)
def test_the_mixture_adds_a_saturated_component_exactly_as_its_logarithm_would(parts, x):
    # A component far from x is added as 0 or its weight without its logarithm: the sum must
    # be the one the erf of every component gives, to the last bit (the figures stay the same).
    components = [(w, shift, _Fit(0.0, mu, sigma, 0.0)) for w, shift, mu, sigma in parts]
    plain = 0.0
    for w, shift, fit in components:
        if x > shift:
            plain += w * 0.5 * (1.0 + math.erf((math.log(x - shift) - fit.mu) / (fit.sigma * math.sqrt(2.0))))
    assert _Mixture(components)._cdf(x) == plain


def test_a_percentile_where_one_group_of_the_mixture_ends_is_where_their_tails_balance():
    # Half the requests near 1 s, half near e^2 s, nothing between: the median is where as
    # many of the first are still running as of the second are done, e^1 by symmetry. The
    # CDF is 0.5 to the last bit across most of the gap, so a search on it could stop
    # anywhere there.
    near, far = _Fit(0.0, 0.0, 0.05, 1.0), _Fit(0.0, 2.0, 0.05, 7.4)
    mixture = _Mixture([(0.5, 0.0, near), (0.5, 0.0, far)], ends=[1, 2])
    assert mixture.quantile(0.5) == pytest.approx(math.e, rel=1e-10)


@settings(max_examples=200, deadline=None)
@given(
    p50=st.floats(0.05, 100),
    spread=st.floats(1.01, 1.5),
    # (calls, retry rate): one call at 1% (5%, half) puts the p99 (p95, p50) where the
    # requests without a retry end and those with one begin; two calls at 10%, the p99
    # where those with one retry end (0.81 + 0.18).
    shape=st.sampled_from([(1, 0.01), (1, 0.05), (1, 0.5), (2, 0.1)]),
    tools=st.floats(0.1, 600),
)
def test_a_constant_time_moves_every_percentile_by_itself_even_where_retries_begin(p50, spread, shape, tools):
    # A tool's constant time must add to such a percentile exactly, not move it about the
    # gap between the two groups.
    count, retry_rate = shape
    calls = [Calls(count, p50, p50 * spread)]
    bare = percentiles(calls, retry_rate=retry_rate, backoff_s=BACKOFF_S)
    moved = percentiles(calls, tools, retry_rate=retry_rate, backoff_s=BACKOFF_S)
    for x, y in ((bare.p50, moved.p50), (bare.p95, moved.p95), (bare.p99, moved.p99)):
        assert y - tools == pytest.approx(x, rel=1e-6)
