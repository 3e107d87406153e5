"""The time of a chain of LLM calls as a distribution: percentiles of a sum of correlated
lognormal calls, with retries, in closed form (no sampling: the same inputs give the same
figures, fast).

Each call's time is lognormal, fitted through its p50 and p95 (sigma = ln(p95/p50) / 1.645).
The log-times of any two calls of a request have the correlation ``correlation`` (a one-factor
Gaussian copula): 1 means slow together (the percentiles of the calls add up), 0 independent.
A retried call (probability ``retry_rate`` per call, at most one extra attempt) adds a whole
attempt and a back-off before it. Which call fails is not known: an extra attempt is counted
as slow as the request's slowest call (the largest median and p99 of its calls), the
conservative end, so that one more call never makes a request quicker.

Conditioned on the number k of retried calls (binomial), the sum of the calls and k extra
attempts is fitted with a shifted lognormal matching its first three moments, which are
exact for correlated lognormals. The distribution is the binomial mixture of those fits,
and a percentile is found by a search on its CDF; one where a group of the mixture ends (a
retry rate of 1% puts the p99 there) is where the two groups' tails balance. With
correlation 1 and no retries the sum is comonotone and its percentiles are exactly the sums
of the calls' percentiles. A seeded simulation in tests/test_distribution.py checks the
closed form at 1, 2, 4 and 12 steps (within 1% at p50 and p95, 2% at p99, for a p95 up to
three medians; the profile allows at most ten, where the fit stays within a few percent and
its median can come out a few percent low: docs/cost-model.md).
"""

from __future__ import annotations

import functools
import math
import operator
from collections.abc import Sequence
from statistics import NormalDist

from .value_class import value_class

_NORMAL = NormalDist()
Z95 = _NORMAL.inv_cdf(0.95)
Z99 = _NORMAL.inv_cdf(0.99)
PERCENTILES = (0.5, 0.95, 0.99)
_Z = {p: _NORMAL.inv_cdf(p) for p in PERCENTILES}
# Binomial weights below this share of the largest are left out (and the rest renormalised).
_NEGLIGIBLE = 1e-10
_STEPS = 200
# A percentile within this share of where a group of the mixture ends is taken to be there.
_BOUNDARY = 1e-12
_SQRT2 = math.sqrt(2.0)
_SQRT_PI = math.sqrt(math.pi)
# erf(t) is exactly 1.0 in floating point from t = 5.93 on (and -1.0 below -5.93): a margin.
_SATURATED = 6.5
_LARGEST_EXP = 709.0  # math.exp overflows above 709.78: no x is that far


def sigma_of(p50: float, p95: float) -> float:
    """The log-spread of a lognormal through a median and a p95 (0 when they are equal)."""
    return math.log(p95 / p50) / Z95 if p95 > p50 > 0 else 0.0


@value_class(slots=True)
class Calls:
    """``count`` calls whose time is lognormal through a median ``p50`` and a ``p95``."""

    count: float
    p50: float
    p95: float

    @property
    def sigma(self) -> float:
        return sigma_of(self.p50, self.p95)

    @property
    def mean(self) -> float:
        sigma = self.sigma
        return self.p50 * math.exp(sigma * sigma / 2)


@value_class(slots=True)
class Percentiles:
    """A latency distribution's p50, p95 and p99, and its mean."""

    p50: float
    p95: float
    p99: float
    mean: float


def percentiles(
    calls: Sequence[Calls],
    constant: float = 0.0,
    *,
    retried: Sequence[Calls] | None = None,
    retry_rate: float = 0.0,
    backoff_s: float = 0.0,
    correlation: float = 1.0,
) -> Percentiles:
    """p50, p95, p99 and mean of ``constant`` + the sum of ``calls``.

    ``retried`` is what an extra attempt costs, one entry per call with the same total count
    (default: the calls themselves); a retry also adds ``backoff_s``.
    """
    merged, merged_retried = _counted_together(calls, retried)
    return _percentiles(merged, constant, merged_retried, retry_rate, backoff_s, correlation)


def share_above(
    limit: float,
    calls: Sequence[Calls],
    constant: float = 0.0,
    *,
    retried: Sequence[Calls] | None = None,
    retry_rate: float = 0.0,
    backoff_s: float = 0.0,
    correlation: float = 1.0,
) -> float:
    """The share of requests that take longer than ``limit`` seconds: one minus the CDF at
    ``limit`` of the distribution whose percentiles ``percentiles`` gives for the same
    arguments (more than 5% where its p95 is above the limit, more than 1% where its p99 is)."""
    merged, merged_retried = _counted_together(calls, retried)
    built = _distribution(merged, constant, merged_retried, retry_rate, backoff_s, correlation)
    if isinstance(built, _Comonotone):
        return built.share_above(limit)
    if isinstance(built, Percentiles):  # no calls: the constant alone
        return 1.0 if built.p50 > limit else 0.0
    mixture, _ = built
    return min(1.0, max(0.0, 1.0 - mixture.cdf(limit)))


@functools.lru_cache(maxsize=4096)
def _percentiles(
    calls: tuple[Calls, ...],
    constant: float,
    retried: tuple[Calls, ...] | None,
    retry_rate: float,
    backoff_s: float,
    correlation: float,
) -> Percentiles:
    built = _distribution(calls, constant, retried, retry_rate, backoff_s, correlation)
    if isinstance(built, Percentiles):
        return built
    if isinstance(built, _Comonotone):
        return built.percentiles
    mixture, mean = built
    p50, p95, p99 = (_round(mixture.quantile(p)) for p in PERCENTILES)
    return Percentiles(p50, max(p95, p50), max(p99, p95, p50), mean)


class _Comonotone:
    """Calls all at the same quantile (each a lognormal): their percentiles add up exactly,
    and the share above a time is where the sum of their quantiles reaches it."""

    __slots__ = ("constant", "percentiles", "terms")

    def __init__(self, percentiles: Percentiles, terms: tuple[tuple[float, float], ...], constant: float):
        self.percentiles = percentiles
        self.terms = terms  # (count x p50, sigma) of each kind of call
        self.constant = constant

    def at(self, z: float) -> float:
        return self.constant + sum(scale * math.exp(min(sigma * z, _LARGEST_EXP)) for scale, sigma in self.terms)

    def share_above(self, limit: float) -> float:
        if all(sigma == 0 for _, sigma in self.terms):
            return 1.0 if self.at(0.0) > limit else 0.0
        low, high = -40.0, 40.0  # beyond: a share below 1e-300 either way
        if self.at(low) > limit:
            return 1.0
        if self.at(high) <= limit:
            return 0.0
        for _ in range(_STEPS):  # bisection on the increasing sum: z where it reaches the limit
            mid = (low + high) / 2
            if self.at(mid) > limit:
                high = mid
            else:
                low = mid
            if high - low <= 1e-12:
                break
        return 1.0 - _NORMAL.cdf((low + high) / 2)


def _distribution(
    calls: tuple[Calls, ...],
    constant: float,
    retried: tuple[Calls, ...] | None,
    retry_rate: float,
    backoff_s: float,
    correlation: float,
) -> Percentiles | _Comonotone | tuple[_Mixture, float]:
    """The distribution of ``constant`` + the calls: its percentiles where they are exact
    (no call, or comonotone calls: a ``_Comonotone``), else the mixture and its mean."""
    calls = tuple(c for c in calls if c.count > 0)
    units = sum(c.count for c in calls)
    if not calls:
        return Percentiles(constant, constant, constant, constant)
    retried = tuple(c for c in (retried if retried is not None else calls) if c.count > 0)
    if retry_rate >= 1:
        # Every call retried once: each attempt is a call of its own, each back-off a constant.
        extra = sum(c.count for c in retried)
        return _distribution((*calls, *retried), constant + extra * backoff_s, None, 0.0, 0.0, correlation)
    weights = _retries(round(units), retry_rate)
    rho = correlation
    if len(weights) == 1 and weights[0][0] == 0 and (rho >= 1.0 or units == 1):
        # Comonotone: every call at the same quantile, so the percentiles add up exactly
        # (the p95 is the calls' own p95s, to the last digit).
        mean = constant + sum(c.count * c.mean for c in calls)
        return _Comonotone(
            Percentiles(
                constant + sum(c.count * c.p50 for c in calls),
                constant + sum(c.count * c.p95 for c in calls),
                constant + sum(c.count * c.p50 * math.exp(c.sigma * Z99) for c in calls),
                mean,
            ),
            tuple((c.count * c.p50, c.sigma) for c in calls),
            constant,
        )
    slowest = _slowest(retried)
    moments = _Moments(calls, rho, (slowest, *retried))
    components: list[tuple[float, float, _Fit]] = []
    ends: list[int] = []  # where the components of each number of retries end
    for k, w in weights:
        if k == 1:
            # One call retried, the usual case: which one, each in its share.
            picks = sum(c.count for c in retried)
            for c in _merged(retried):
                components.append((w * c.count / picks, constant + backoff_s, moments.fit(1, c)))
        else:
            components.append((w, constant + k * backoff_s, moments.fit(k, slowest)))
        ends.append(len(components))
    mean = sum(w * (shift + fit.mean) for w, shift, fit in components)
    return _Mixture(components, ends), mean


def _round(value: float) -> float:
    """Twelve significant digits: a figure worked out through logarithms and back says 0.765,
    not 0.7649999999999999 (which a view rounds to 0.76)."""
    return float(f"{value:.12g}")


def _counted_together(
    calls: Sequence[Calls], retried: Sequence[Calls] | None
) -> tuple[tuple[Calls, ...], tuple[Calls, ...] | None]:
    """The calls, and the retried ones, with calls that time alike (an agent's repeated steps)
    counted together: the same sum, and the same key for the cache of percentiles."""
    return tuple(_merged(tuple(calls))), None if retried is None else tuple(_merged(tuple(retried)))


def _merged(calls: tuple[Calls, ...]) -> list[Calls]:
    """The calls with equal p50 and p95 counted together."""
    counts: dict[tuple[float, float], float] = {}
    for c in calls:
        counts[c.p50, c.p95] = counts.get((c.p50, c.p95), 0.0) + c.count
    return [Calls(count, p50, p95) for (p50, p95), count in counts.items()]


def _slowest(calls: tuple[Calls, ...]) -> Calls:
    """What each of two or more retries is counted as: an extra attempt at least as slow as
    any of ``calls`` from its p50 to its p99 (the largest median and the largest p99,
    lognormal between them). The conservative end of the rare requests that retry twice, and
    a request with one more call never comes out quicker."""
    p50 = max(c.p50 for c in calls)
    p99 = max(c.p50 * math.exp(c.sigma * Z99) for c in calls)
    if p50 <= 0:  # calls that take no time (no output, no first token)
        return Calls(1, 0.0, 0.0)
    return Calls(1, p50, p50 * (p99 / p50) ** (Z95 / Z99))


@functools.lru_cache(maxsize=1024)
def _retries(units: int, rate: float) -> tuple[tuple[int, float], ...]:
    """(k, probability) that k of ``units`` calls are retried, each with probability ``rate``
    (cached: a workload's probes ask for the same few again and again)."""
    if rate <= 0 or units == 0:
        return ((0, 1.0),)
    if rate >= 1:
        return ((units, 1.0),)
    log_r, log_q = math.log(rate), math.log1p(-rate)

    def log_pmf(k: int) -> float:
        ways = math.lgamma(units + 1) - math.lgamma(k + 1) - math.lgamma(units - k + 1)
        return ways + k * log_r + (units - k) * log_q

    mode = min(units, int((units + 1) * rate))
    top = log_pmf(mode)
    floor = top + math.log(_NEGLIGIBLE)
    low = mode
    while low > 0 and log_pmf(low - 1) >= floor:
        low -= 1
    high = mode
    while high < units and log_pmf(high + 1) >= floor:
        high += 1
    raw = [(k, math.exp(log_pmf(k) - top)) for k in range(low, high + 1)]
    total = sum(w for _, w in raw)
    return tuple((k, w / total) for k, w in raw)


def _dot(x: list[float], y: list[float]) -> float:
    total: float = sum(map(operator.mul, x, y))  # the same sum, term by term, as a generator's
    return total


class _Moments:
    """The mean, variance and third central moment of the calls, and of the calls with k
    extra attempts of one call: exact for lognormal calls whose log-times have one pairwise
    correlation (an extra attempt is a call of its own, correlated with every other). Written
    with u = e^(rho s_a s_b) - 1 and v = e^(s^2) - 1 (both >= 0), so that no term is a
    difference of large numbers, in units of the largest mean (nothing overflows)."""

    def __init__(self, calls: tuple[Calls, ...], rho: float, attempts: tuple[Calls, ...] = ()):
        index: dict[tuple[float, float], int] = {}
        for c in calls:
            index.setdefault((c.p50, c.sigma), len(index))  # sigma: equal spreads merge
        size = len(index)
        r = range(size)
        n = [0.0] * size
        for c in calls:
            n[index[c.p50, c.sigma]] += c.count
        means = [p50 * math.exp(s * s / 2) for p50, s in index]
        # The unit: the largest mean of the calls and of the attempts that may be added.
        largest = max([*means, *(c.mean for c in attempts)])
        self.scale = largest if largest > 0 else 1.0
        m = [x / self.scale for x in means]
        sig = [s for _, s in index]
        u = [[math.expm1(rho * sig[a] * sig[b]) for b in r] for a in r]
        v = [math.expm1(s * s) for s in sig]
        mn = [m[c] * n[c] for c in r]
        row_n = [_dot(mn, u[a]) for a in r]  # a call's covariance with all the units, over m_a
        self._rho, self._n, self._m, self._sig, self._u, self._v = rho, n, m, sig, u, v
        self._mn, self._row_n = mn, row_n
        self._terms: dict[tuple[float, float], tuple[float, float, float, float, float, float, float]] = {}
        # Three different units: W_abc = m m m (u_ab u_ac + u_ab u_bc + u_ac u_bc + u_ab u_ac u_bc);
        # a unit counted twice (cw) or thrice (lone) adds what its own variance brings.
        triples = 0.0
        for a in r:
            ua = u[a]
            for b in range(a, size):
                ub = u[b]
                uab = ua[b]
                both = list(map(operator.mul, ua, ub))
                w = m[a] * m[b] * (1.0 if a == b else 2.0)
                triples += n[a] * n[b] * w * (_dot(mn, both) * (1 + uab) + uab * (row_n[a] + row_n[b]))
        twice = sum(
            n[a] * n[c] * m[a] * m[a] * m[c] * (v[a] - u[a][a]) * (2 * u[a][c] + u[a][c] ** 2)
            for a in r for c in r
        )
        lone = sum(n[a] * m[a] ** 3 * (v[a] - u[a][a]) ** 2 * (v[a] + 2 * u[a][a] + 3) for a in r)
        own = sum(n[a] * m[a] * m[a] * (v[a] - u[a][a]) for a in r)
        self.mean = _dot(n, m)
        self.var = _dot(mn, row_n) + own
        self.third = triples + 3 * twice + lone

    def _with(self, call: Calls) -> tuple[float, float, float, float, float, float, float]:
        """What one attempt of ``call`` brings, whatever the number of attempts: its mean and
        spread, two attempts' covariance, and its mixed moments with the calls."""
        r = range(len(self._m))
        n, m, u, v, mn, row_n = self._n, self._m, self._u, self._v, self._mn, self._row_n
        sigma = call.sigma
        mx, vx = call.mean / self.scale, math.expm1(sigma * sigma)
        uxx = math.expm1(self._rho * sigma * sigma)  # two attempts of the call
        ux = [math.expm1(self._rho * s * sigma) for s in self._sig]
        nux = [mn[a] * ux[a] for a in r]
        spread = sum(nux)  # the calls' covariance with one attempt, over mx
        # E[(S - ES)^2 (X - EX)] for one attempt X: pairs of different units, then one unit twice.
        pairs = 2 * _dot(nux, row_n) + spread * spread + sum(nux[a] * _dot(u[a], nux) for a in r)
        twice = sum(
            n[a] * m[a] * m[a] * (ux[a] * (ux[a] + 2 * v[a] + ux[a] * v[a])
                                  - (2 * u[a][a] * ux[a] + ux[a] * ux[a] + u[a][a] * ux[a] * ux[a]))
            for a in r
        )
        s2x = mx * (pairs + twice)
        # E[(S - ES)(X - EX)^2]: the same attempt twice, or two different attempts.
        sxx = mx * mx * sum(nux[a] * (ux[a] + 2 * vx + ux[a] * vx) for a in r)
        sxy = mx * mx * sum(nux[a] * (ux[a] + 2 * uxx + ux[a] * uxx) for a in r)
        return mx, vx, uxx, spread, s2x, sxx, sxy

    def fit(self, k: int = 0, call: Calls | None = None) -> _Fit:
        """The shifted lognormal of the calls with ``k`` extra attempts of ``call``, in seconds."""
        mean, var, third = self.mean, self.var, self.third
        if k and call is not None:
            key = (call.p50, call.p95)
            terms = self._terms.get(key)
            if terms is None:
                terms = self._terms[key] = self._with(call)
            mx, vx, uxx, spread, s2x, sxx, sxy = terms
            # The k attempts among themselves.
            var_y = k * mx * mx * vx + k * (k - 1) * mx * mx * uxx
            third_y = mx**3 * (
                k * vx * vx * (vx + 3) + 3 * k * (k - 1) * uxx * (uxx + 2 * vx + uxx * vx)
                + k * (k - 1) * (k - 2) * (3 * uxx * uxx + uxx**3)
            )
            mean = mean + k * mx
            var = var + var_y + 2 * k * mx * spread
            third = third + third_y + 3 * k * s2x + 3 * (k * sxx + k * (k - 1) * sxy)
        fit = _fit(mean, max(var, 0.0), third)
        s = self.scale
        return _Fit(fit.shift * s, fit.mu + math.log(s), fit.sigma, fit.mean * s)


# A value class, like advisor.core.latency.StepLatency: two per fitted component, a dozen per
# latency estimate, and a frozen dataclass's __init__ costs three times as much. Nothing
# changes one once it is built.
@value_class(slots=True)
class _Fit:
    """A shifted lognormal: shift + exp(mu + sigma Z); sigma 0 is the constant ``shift``."""

    shift: float
    mu: float
    sigma: float
    mean: float

    def quantile(self, z: float) -> float:
        if self.sigma == 0:
            return self.shift
        return self.shift + math.exp(self.mu + self.sigma * z)

    def cdf(self, x: float) -> float:
        if self.sigma == 0:
            return 1.0 if x >= self.shift else 0.0
        if x <= self.shift:
            return 0.0
        return _NORMAL.cdf((math.log(x - self.shift) - self.mu) / self.sigma)


def _fit(mean: float, var: float, third: float) -> _Fit:
    """The shifted lognormal with this mean, variance and third central moment (an unshifted
    one when the third says less skew than a lognormal can have)."""
    if not (mean > 0 and var / mean / mean > 1e-18):
        return _Fit(mean, 0.0, 0.0, mean)
    spread = var / mean / mean  # relative, so that no power of a tiny figure underflows
    skew = third / mean / mean / mean / spread**1.5
    if skew > 1e-9:
        # (w + 2) sqrt(w - 1) = skew, with y = sqrt(w - 1): y^3 + 3y = skew (Cardano).
        half = skew / 2
        c = (half + math.sqrt(half * half + 1)) ** (1 / 3)
        y = c - 1 / c
        w = 1 + y * y
        shifted = True
    else:
        w = 1 + var / (mean * mean)
        shifted = False
    if not w > 1:
        return _Fit(mean, 0.0, 0.0, mean)
    sigma = math.sqrt(math.log(w))
    scale = math.sqrt(var / ((w - 1) * w))  # e^mu
    shift = mean - scale * math.sqrt(w) if shifted else 0.0
    if shift < 0:
        # A time is never negative: where the skew asks for a shift below zero (a sum that
        # is mostly a few rare, very slow attempts), the unshifted lognormal of the mean and
        # variance instead.
        return _fit(mean, var, 0.0)
    return _Fit(shift, math.log(scale), sigma, mean)


class _Mixture:
    """The weighted mixture of shifted lognormals (``components``: weight, shift, fit), its
    CDF set up once for the percentiles asked of it. ``ends``: where each group of components
    ends (the requests with no retry, with one, with two...), in order."""

    def __init__(self, components: list[tuple[float, float, _Fit]], ends: Sequence[int] = ()):
        self._components = components
        # Where each group but the last ends, and the weight of the groups up to there.
        self._bounds: list[tuple[float, int]] = []
        total, start = 0.0, 0
        for end in ends[:-1]:
            total += sum(w for w, _, _ in components[start:end])
            self._bounds.append((total, end))
            start = end
        # Each component's CDF as erf of its log, inlined: the sum is evaluated a dozen times
        # per percentile. Beyond |t| = 6.5 erf is exactly -1 or 1 in floating point: a
        # component there adds exactly 0 or its weight, so it is added without its logarithm
        # (the same sum, bit for bit).
        smooth = []
        for w, shift, fit in components:
            if fit.sigma > 0:
                at, scale = shift + fit.shift, fit.sigma * _SQRT2
                top = fit.mu + _SATURATED * scale
                below = at + math.exp(fit.mu - _SATURATED * scale)
                above = at + math.exp(top) if top < _LARGEST_EXP else math.inf
                smooth.append((w, w * 0.5, at, fit.mu, scale, below, above))
        self._smooth = smooth
        self._steps = [(w, shift + fit.shift) for w, shift, fit in components if fit.sigma == 0]

    def cdf(self, x: float) -> float:
        """The share of requests done by ``x`` seconds."""
        return self._cdf(x)

    def _cdf(self, x: float) -> float:
        log, erf = math.log, math.erf
        total = sum(w for w, at in self._steps if x >= at) if self._steps else 0.0
        for w, half, at, mu, scale, below, above in self._smooth:
            if x >= above:
                total += w
            elif x > below:
                total += half * (1.0 + erf((log(x - at) - mu) / scale))
        return total

    def quantile(self, p: float) -> float:
        z = _Z.get(p)
        if z is None:
            z = _NORMAL.inv_cdf(p)
        points = [shift + fit.quantile(z) for _, shift, fit in self._components]
        if len(points) == 1:
            return points[0]
        split = self._split(p)
        if split is not None:
            return self._balance(split, min(points), max(points))
        # Every component is at or below p at the least of their quantiles and at or above it
        # at the largest: the mixture's quantile lies between. Found by the Illinois variant of
        # false position (a handful of steps where bisection takes forty), every fourth step a
        # bisection so that a mixture of steps (calls of no spread) converges as surely.
        low, high = min(points), max(points)
        cdf = self._cdf
        f_low, f_high = cdf(low) - p, cdf(high) - p
        side = 0
        for step in range(_STEPS):
            if high - low <= 1e-10 * high or f_low >= 0 or f_high <= 0:
                break
            x = (low * f_high - high * f_low) / (f_high - f_low)
            if step % 4 == 3 or not low < x < high:
                x = (low + high) / 2
            fx = cdf(x) - p
            if fx < 0:
                low, f_low = x, fx
                if side < 0:
                    f_high /= 2
                side = -1
            elif fx > 0:
                high, f_high = x, fx
                if side > 0:
                    f_low /= 2
                side = 1
            else:
                return x
        return low if f_low >= 0 else high if f_high <= 0 else (low + high) / 2

    def _split(self, p: float) -> int | None:
        """The number of components whose weights add up to ``p`` (to rounding), if any: a
        retry rate of 1% puts the p99 exactly where the requests without a retry end."""
        for total, end in self._bounds:
            if abs(total - p) <= _BOUNDARY * p:
                return end
        return None

    def _balance(self, split: int, low: float, high: float) -> float:
        """The percentile at the boundary of two groups: where the share of the later groups
        already done equals the share of the earlier ones still running (the CDF minus p,
        with each side's tail worked out on its own, in logarithms). The CDF itself sits
        within a rounding of p all across the gap between the groups, so that a search on it
        stops anywhere in the gap: with a retry rate of 1% and one call of little spread,
        two searches, equally exact elsewhere, gave p99s up to several times apart. Found by
        Newton's method on the logarithms' difference, kept within its bracket."""
        parts = [
            (math.log(w), shift + fit.shift, fit.mu, fit.sigma * _SQRT2,
             math.log(fit.sigma * _SQRT2 * _SQRT_PI) if fit.sigma > 0 else 0.0)
            for w, shift, fit in self._components
        ]
        earlier, later = parts[:split], parts[split:]
        # Before the first of the later groups starts none of them is done: the balance is past it.
        low = max(low, min(at for _, at, _, _, _ in later))
        x = (low + high) / 2
        for _ in range(_STEPS):
            done, done_slope = _log_tails(x, later, lower=True)
            running, running_slope = _log_tails(x, earlier, lower=False)
            gap = done - running  # increasing in x: 0 at the percentile
            if gap < 0:
                low = x
            elif gap > 0:
                high = x
            else:
                return x
            slope = math.exp(done_slope - done) + math.exp(running_slope - running)
            step = x - gap / slope if slope > 0 and math.isfinite(gap) else math.nan
            if abs(step - x) <= 1e-10 * x:
                return step
            if not low < step < high:
                step = (low + high) / 2
            if high - low <= 1e-10 * high:
                return step
            x = step
        return x


def _log_tails(
    x: float, components: list[tuple[float, float, float, float, float]], *, lower: bool
) -> tuple[float, float]:
    """log of the weighted share of ``components`` done by ``x`` (``lower``) or still running,
    and log of its rate of change there (a share's density). A component is its log weight,
    its start, mu, sigma sqrt 2 (0: a constant time) and log(sigma sqrt 2 sqrt pi)."""
    log, inf = math.log, math.inf
    shares, densities = [], []
    for log_w, at, mu, scale, log_scale in components:
        if scale == 0 or x <= at:
            # A constant time (done from its start on) or one not started: all or nothing,
            # and no slope.
            done = scale == 0 and x >= at
            shares.append(log_w if done == lower else -inf)
            continue
        lag = log(x - at)
        u = (lag - mu) / scale
        shares.append(log_w + _log_half_erfc(-u if lower else u))
        densities.append(log_w - u * u - lag - log_scale)
    return _log_sum(shares), _log_sum(densities) if densities else -inf


def _log_half_erfc(t: float) -> float:
    """log(erfc(t) / 2), the standard normal's tail beyond t * sqrt(2), far into the tail."""
    if t < 25.0:  # erfc(25) is about 1e-273: still a float
        return math.log(math.erfc(t) / 2)
    # The asymptotic series: its next term is under 1e-8 from 25 on.
    return -t * t - math.log(2 * t * _SQRT_PI) + math.log1p(-1 / (2 * t * t) + 3 / (4 * t**4))


def _log_sum(logs: list[float]) -> float:
    """log(sum(exp(v) for v in logs)), without overflow or underflow."""
    top = max(logs)
    if top == -math.inf:
        return top
    exp = math.exp
    return top + math.log(sum([exp(v - top) for v in logs]))
