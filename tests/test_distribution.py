"""The latency distribution of a chain of calls: the closed form (advisor.core.distribution)
against a seeded simulation at 1, 2, 4 and 12 steps, and its properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.core.distribution import Calls, percentiles, sigma_of

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


def simulate(calls: list[Calls], rho: float, retry_rate: float, n: int = 400_000, seed: int = 11) -> np.ndarray:
    """p50, p95, p99 of ``n`` simulated requests: each call lognormal through its p50 and p95,
    the calls' log-times correlated at ``rho`` through one shared factor; a call is retried
    with probability ``retry_rate``, the retry a whole new attempt after the back-off."""
    rng = np.random.default_rng(seed)
    shared = rng.standard_normal(n)

    def draw(c: Calls) -> np.ndarray:
        z = math.sqrt(rho) * shared + math.sqrt(1 - rho) * rng.standard_normal(n)
        return c.p50 * np.exp(sigma_of(c.p50, c.p95) * z)

    total = np.full(n, TOOLS_S)
    for c in calls:
        for _ in range(int(c.count)):
            total += draw(c)
            if retry_rate:
                retried = rng.random(n) < retry_rate
                total += np.where(retried, draw(c) + BACKOFF_S, 0.0)
    return np.quantile(total, [0.5, 0.95, 0.99])


@pytest.mark.parametrize("steps", sorted(SHAPES))
@pytest.mark.parametrize("rho", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("retry_rate", [0.0, 0.05])
def test_the_closed_form_matches_a_simulation(steps, rho, retry_rate):
    got = percentiles(SHAPES[steps], TOOLS_S, retry_rate=retry_rate, backoff_s=BACKOFF_S, correlation=rho)
    p50, p95, p99 = simulate(SHAPES[steps], rho, retry_rate)
    assert got.p50 == pytest.approx(p50, rel=0.01)
    assert got.p95 == pytest.approx(p95, rel=0.01)
    assert got.p99 == pytest.approx(p99, rel=0.02)


@pytest.mark.parametrize("steps", sorted(SHAPES))
def test_many_retries_keep_the_p95_and_never_understate_the_p99(steps):
    # A third of the calls retried: the slowest requests are those retried, a second mode the
    # three-moment fit smooths over; its p99 errs on the slow side.
    got = percentiles(SHAPES[steps], TOOLS_S, retry_rate=0.3, backoff_s=BACKOFF_S, correlation=0.5)
    p50, p95, p99 = simulate(SHAPES[steps], 0.5, 0.3)
    assert got.p50 == pytest.approx(p50, rel=0.02)
    assert got.p95 == pytest.approx(p95, rel=0.03)
    assert p99 * 0.99 <= got.p99 <= p99 * 1.12


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


_calls = st.builds(
    lambda count, p50, spread: Calls(count, p50, p50 * spread),
    st.integers(1, 25),
    st.floats(0.01, 600),
    st.floats(1.0, 100.0),
)
_settings = dict(rho=st.floats(0, 1), retry_rate=st.sampled_from([0.0, 0.01, 0.05, 0.2, 1.0]),
                 tools=st.floats(0, 3600))


@settings(max_examples=300, deadline=None)
@given(calls=st.lists(_calls, min_size=1, max_size=6), **_settings)
def test_percentiles_are_ordered_and_finite(calls, rho, retry_rate, tools):
    got = percentiles(calls, tools, retry_rate=retry_rate, backoff_s=BACKOFF_S, correlation=rho)
    assert all(math.isfinite(x) for x in (got.p50, got.p95, got.p99, got.mean))
    assert tools <= got.p50 <= got.p95 <= got.p99


@settings(max_examples=300, deadline=None)
@given(calls=st.lists(_calls, min_size=1, max_size=6), extra=_calls, **_settings)
def test_another_call_never_lowers_a_percentile(calls, extra, rho, retry_rate, tools):
    before = percentiles(calls, tools, retry_rate=retry_rate, backoff_s=BACKOFF_S, correlation=rho)
    after = percentiles([*calls, extra], tools, retry_rate=retry_rate, backoff_s=BACKOFF_S, correlation=rho)
    for x, y in ((before.p50, after.p50), (before.p95, after.p95), (before.p99, after.p99)):
        assert y >= x * (1 - 1e-9)
