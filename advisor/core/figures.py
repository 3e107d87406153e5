"""Figures in the core's own sentences: the reason a mode misses its contract ("The first
token arrives at 0.77 s...") and the levers ("... $120 a month less"). They read as the
views print the same figures (advisor.views.formatting), which the core cannot import.
"""

from __future__ import annotations

from typing import Any

from .facts import FACTS


def seconds(value: float) -> str:
    """A duration in the largest unit it reaches: "0.50 s", "12.5 s", "5 min", "8 h"."""
    if value >= 3600:
        return f"{value / 3600:.3g} h"
    if value >= 60:
        return f"{value / 60:.3g} min"
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def money(value: float) -> str:
    """US dollars: whole dollars from $100, cents from $1, four decimals below."""
    if value < 0:
        return "-" + money(-value)
    if value == 0:
        return "$0"
    if value >= 100:
        return f"${value:,.0f}"
    if value >= 1:
        return f"${value:,.2f}"
    return f"${value:,.4f}"


def percent(share: float) -> str:
    if share == 0 or abs(share) >= 0.01:
        return f"{share:.0%}"
    return f"{share:.2%}"


def count(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:,.1f}"


def fact_text(name: str, value: Any) -> str:
    """A fact's value in words, by its unit: seconds, dollars, shares, counts, or as it is."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    spec = FACTS.get(name)
    unit = spec.unit if spec else ""
    if isinstance(value, (int, float)):
        if unit == "s":
            return seconds(float(value))
        if unit.startswith("USD"):
            return money(float(value))
        if unit == "fraction":
            return percent(float(value))
        return count(float(value))
    return str(value)
