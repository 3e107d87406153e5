"""Numbers as people read them: money, durations, shares and counts. Every view (the text
summary, the decision record, the review, the rule docs, the questionnaire) formats its
figures here, so a figure reads the same wherever it appears.
"""

from __future__ import annotations


def money(value: float) -> str:
    """US dollars: whole dollars from $100, cents from $1, four decimals below; "-$5.00"."""
    if value < 0:
        return "-" + money(-value)
    if value == 0:
        return "$0"
    if value >= 100:
        return f"${value:,.0f}"
    if value >= 1:
        return f"${value:,.2f}"
    return f"${value:,.4f}"


def seconds(value: float) -> str:
    """A duration in the largest unit it reaches: "0.50 s", "12.5 s", "5 min", "8 h"."""
    if value >= 3600:
        return f"{value / 3600:g} h"
    if value >= 60:
        return f"{value / 60:g} min"
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def percent(share: float) -> str:
    """A share as a percentage; a small share never rounds to a misleading 0%."""
    if share == 0 or abs(share) >= 0.01:
        return f"{share:.0%}"
    return f"{share:.2%}" if abs(share) >= 0.0001 else "less than 0.01%"


def count(value: float) -> str:
    """A count or rate: whole with thousands separators, one decimal below 10 when needed."""
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:,.1f}"


def number(value: float) -> str:
    """A threshold as written in a rule: exact, with thousands separators from 10,000."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    return repr(value)


def signed(value: float) -> str:
    """A score with its sign: "+5", "-10", "+0.5"."""
    return f"{float(value):+g}"


def value(item: object) -> str:
    """Any fact value in a table: numbers to four significant digits, lists joined."""
    if isinstance(item, float):
        return f"{item:,.4g}"
    if isinstance(item, (list, tuple)):
        return ", ".join(map(str, item))
    return str(item)
