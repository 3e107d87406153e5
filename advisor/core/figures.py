"""Figures in the core's own sentences: the reason a mode misses its contract ("The first
token arrives at 0.77 s...") and the levers ("... $120 a month less"). They read as the
views print the same figures: advisor.views.formatting takes these formatters from here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

# Never inf, nan or scientific notation; from a trillion, figures are counted in trillions.
_TRILLION = 1e12
# Every figure the advisor derives is finite (the profile bounds its inputs, and a property
# test checks it at the bounds); were one not, a view prints this rather than "inf" or "nan".
NOT_A_NUMBER = "n/a"


def _big(value: float) -> str:
    """A magnitude of a trillion or more, in trillions: "2.5 trillion", "22,000 trillion";
    beyond a million trillion no figure means anything to a reader."""
    scaled = value / _TRILLION
    if scaled >= 1_000_000:
        return "more than a million trillion"
    return f"{scaled:,.0f} trillion" if scaled >= 100 else f"{scaled:.3g} trillion"


# The units a duration is written in from a minute on, largest first: (unit, from).
_DURATION_UNITS = ((86_400.0, 2 * 86_400.0, "days"), (3_600.0, 3_600.0, "h"), (60.0, 60.0, "min"))


def duration_unit(value: float) -> float:
    """The unit, in seconds, that ``seconds`` writes a duration in from a minute on (a day, an
    hour, a minute); 1 below a minute."""
    return next((unit for unit, start, _ in _DURATION_UNITS if abs(value) >= start), 1.0)


def seconds(value: float, extra: int = 0) -> str:
    """A duration in the largest unit it reaches, to three significant digits: "0.50 s",
    "12.5 s", "5 min", "1.33 h", "116 days"; under 10 ms in milliseconds. ``extra``: that
    many digits more (``budget_digits``: to tell a time from the budget it is set against)."""
    if not math.isfinite(value):
        return NOT_A_NUMBER
    if value < 0:
        return "-" + seconds(-value, extra)
    if value == 0:
        return "0 s"
    if value < 0.0001:
        return "less than 0.1 ms"
    if value < 0.01:
        return f"{value * 1000:.{2 + extra}g} ms"
    if value < 10:
        return f"{value:.{2 + extra}f} s"
    if value < 60:
        return f"{value:.{1 + extra}f} s"
    unit = duration_unit(value)
    name = next(name for size, _, name in _DURATION_UNITS if size == unit)
    amount = value / unit
    if name == "days" and amount >= 100:
        return f"{count(amount)} days" if not extra else f"{amount:,.{extra}f} days"
    return f"{amount:.{3 + extra}g} {name}"


# Digits a figure and its budget may need beyond the usual three before they read apart.
_MAX_EXTRA_DIGITS = 6

_READ_UNITS = {"ms": 0.001, "s": 1.0, "min": 60.0, "h": 3_600.0, "days": 86_400.0}
_READ = re.compile(r"(-?)([\d,]*\.?\d+) (ms|s|min|h|days)")


def _read_back(text: str) -> float | None:
    """The duration a ``seconds`` print says, in seconds ("60 min" and "1 h" both say 3,600);
    None for words that say no single number ("less than 0.1 ms")."""
    found = _READ.fullmatch(text)
    if found is None:
        return None
    sign, number, unit = found.groups()
    return (-1 if sign else 1) * float(number.replace(",", "")) * _READ_UNITS[unit]


def as_said(value: float, extra: int = 0) -> float:
    """The duration ``seconds`` says, read back in seconds (57.58 s is said "57.6 s"): what a
    reader computes with (the budget less a said p95 is the budget less 57.6 s, not 57.58 s).
    The value itself where the words say no single number."""
    said = _read_back(seconds(value, extra))
    return value if said is None else said


# Two durations further apart than this share of the smaller never print alike: a print keeps
# at least two significant digits, so two that do are within about 10% of each other.
_APART = 0.25


def _read_alike(a: float, b: float, extra: int) -> bool:
    """Whether two durations print as the same figure with ``extra`` digits: the same words,
    or words that say the same duration (59.99 min rounds to "60 min", which is "1 h")."""
    first, second = seconds(a, extra), seconds(b, extra)
    if first == second:
        return True
    said = _read_back(first)
    return said is not None and said == _read_back(second)


def digits_apart(value: float, budget: float) -> int:
    """The digits beyond ``seconds``' three that a duration and the budget it is judged
    against need to read apart (0 where they already do, or are equal)."""
    if value == budget:
        return 0
    # Too far apart to print alike: no need to print and read them back. Not where the smaller
    # is from 10 to 100 ms, printed in hundredths of a second, one digit: 15.6 and 23.4 ms both
    # read "0.02 s" (every other range prints at least two digits, a step of at most 10%).
    smaller = min(abs(value), abs(budget))
    if abs(value - budget) > _APART * smaller and not 0.01 <= smaller < 0.1:
        return 0
    if not _read_alike(value, budget, 0):
        return 0
    for extra in range(1, _MAX_EXTRA_DIGITS + 1):
        if not _read_alike(value, budget, extra):
            return extra
    return 0


def budget_seconds(budget: float, extra: int = 0, lines: Iterable[float] = ()) -> str:
    """The latency budget in words: in the ``extra`` digits the times set against it are said
    in (``budget_digits``), and in enough more not to read as a line a rule draws on the
    budget (``lines``: the rule set's thresholds on ``latency_budget_s``) that it is not on:
    3,601 s is "1.0003 h", not "1 h", where the rules draw the async/batch line at an hour;
    an hour itself stays "1 h"."""
    return seconds(budget, max([extra, *(digits_apart(budget, line) for line in lines)]))


# The times the advisor sets against the latency budget: the whole answer, the first token,
# the wait for a peak's queue to drain and the peak's last request's wait in it, a batch API's
# window, the shown step's whole answer.
_TIMES_AGAINST_BUDGET = (
    "end_to_end_p95_s", "time_to_first_token_s", "shown_step_p95_s", "drain_time_s", "peak_worst_wait_s",
    "batch_window_s",
)


def budget_digits(facts: Mapping[str, Any]) -> int:
    """The digits beyond the usual three that a workload's times need, all of them alike,
    where one set against the budget would otherwise read as the budget ("0.67 s, after the
    budget of 0.67 s"); 0 where none would."""
    budget = facts.get("latency_budget_s")
    if not isinstance(budget, (int, float)):
        return 0
    times = [facts.get(name) for name in _TIMES_AGAINST_BUDGET]
    numbers = [float(t) for t in times if isinstance(t, (int, float)) and not isinstance(t, bool)]
    return max((digits_apart(t, float(budget)) for t in numbers), default=0)


# The steps money() prints an amount in, by its size: whole dollars from $100, cents from $1,
# four decimals below.
_WHOLE_DOLLARS, _CENTS, _BASIS_POINTS = Decimal(1), Decimal("0.01"), Decimal("0.0001")
# Enough digits for any amount money() prints exactly (under a trillion, to four decimals),
# whatever the thread's own decimal context is.
_EXACT = Context(prec=40)


def money_step(value: float) -> Decimal:
    """The step money() prints a (finite, non-negative) amount in: $1, $0.01 or $0.0001."""
    return _WHOLE_DOLLARS if value >= 100 else _CENTS if value >= 1 else _BASIS_POINTS


def round_half_up(value: float | Decimal, step: Decimal) -> Decimal:
    """``value`` to a multiple of ``step``, a half rounded away from zero ($652.50 is $653),
    from the float's exact decimal value: 2.675 is 2.67499999999999982236431605997495353221893310546875
    as a float, so it is $2.67, as the figure it holds says, not $2.68."""
    return Decimal(value).quantize(step, rounding=ROUND_HALF_UP, context=_EXACT)


def money_shown(value: float, like: float = 0.0) -> Decimal | None:
    """The amount ``money`` prints, exactly ($652.50 prints as $653: 653); None where it prints
    words ("n/a", "less than $0.0001", trillions). ``like`` as for ``money``."""
    if not math.isfinite(value) or value >= _TRILLION or value <= -_TRILLION or 0 < abs(value) < 0.0001:
        return None
    if value < 0:
        shown = money_shown(-value, like)
        return None if shown is None else -shown
    coarse = _coarse(value, like)
    return coarse if coarse else round_half_up(value, money_step(value))


def _coarse(value: float, like: float) -> Decimal | None:
    """A positive ``value`` in the step of ``like`` where that is coarser (see ``money``); None
    where there is no ``like``, or where the value would round to nothing in its step.

    From the value as it prints in its own step, the figure a reader sees beside it: tokens of
    $97.50 (the float 97.4999999999) save "$98" in whole dollars, not "$97"."""
    if not like or not math.isfinite(like) or abs(like) >= _TRILLION:
        return None
    step = money_step(max(value, abs(like)))
    own = money_step(value)
    shown = round_half_up(value, own) if own < step else value
    return round_half_up(shown, step) or None


def money(value: float, like: float = 0.0) -> str:
    """US dollars: whole dollars from $100, cents from $1, four decimals below, each rounded
    half up ($652.50 is "$653"; a float's exact value decides: see ``round_half_up``);
    "-$5.00"; a positive amount below $0.0001 is "less than $0.0001", never "$0.0000".

    ``like``: an amount the value is read beside, whose step it is shown in where that is
    coarser: a difference of $65.28 between $615 and $550 is "$65", not "$65.28" (a figure
    finer than the two it comes from), unless that would show a difference as "$0"."""
    if not math.isfinite(value):
        return NOT_A_NUMBER
    if value < 0:
        return "-" + money(-value, like)
    if value < _TRILLION and (coarse := _coarse(value, like)):
        return f"${coarse:,f}"
    if value == 0:
        return "$0"
    if value >= _TRILLION:
        big = _big(value)
        return "more than $1,000,000 trillion" if big.startswith("more than") else "$" + big
    if value < 0.0001:
        return "less than $0.0001"
    step = money_step(value)
    return f"${round_half_up(value, step):,f}"


def _multiple(figure: str) -> str:
    """A figure as a multiple: "23x" after digits, but "2.5 trillion times", never
    "2.5 trillionx", after a figure that ends in a word."""
    return f"{figure} times" if " " in figure else f"{figure}x"


def percent(share: float) -> str:
    """A share as a percentage; a small share never rounds to a misleading 0%, and one of
    ten times or more is said as a multiple ("23x"), not as thousands of per cent."""
    if not math.isfinite(share):
        return NOT_A_NUMBER
    if abs(share) >= 10:
        return ("-" if share < 0 else "") + _multiple(count(abs(share)))
    if share == 0 or abs(share) >= 0.01:
        return f"{share:.0%}"
    return f"{share:.2%}" if abs(share) >= 0.0001 else "less than 0.01%"


def count(value: float) -> str:
    """A count or rate: whole with thousands separators, one decimal below 10 when needed,
    in trillions from a trillion; a positive figure below 0.05 is "less than 0.1", never a
    misleading "0.0" (a hundred requests a month peak at about 0.002 a minute)."""
    if not math.isfinite(value):
        return NOT_A_NUMBER
    if abs(value) >= _TRILLION:
        return ("-" if value < 0 else "") + _big(abs(value))
    if 0 < value < 0.05:
        return "less than 0.1"
    return f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:,.1f}"


def count_from(value: float) -> str:
    """The volume from which something holds, as ``count`` writes it: the first whole count
    at or above ``value``. Batch that pays from 52,974.2 requests a month pays from 52,975;
    at 52,974 it still costs more. A float's last digit over a whole number is not a request."""
    if not math.isfinite(value):
        return count(value)
    return count(math.ceil(value - 1e-9 * max(1.0, abs(value))))


def times(ratio: float) -> str:
    """How many times a limit something is: "1.5x", "23x", "2.5 trillion times"."""
    if not math.isfinite(ratio):
        return NOT_A_NUMBER
    if ratio >= 10:
        return _multiple(count(ratio))
    # More digits where two would say "1x" of a ratio that is not 1: 4% over a limit is
    # "1.04x", not "1x", which reads as exactly at it.
    text = f"{ratio:.2g}"
    for digits in range(3, 7):
        if ratio == 1 or float(text) != 1:
            break
        text = f"{ratio:.{digits}g}"
    return f"{text}x"
