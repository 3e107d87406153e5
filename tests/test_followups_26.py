"""Follow-ups 26: the 429 line of a chat whose limits sit below even its monthly average, a
cached fraction below the provider's cache floor, and an impossible calendar date."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from advisor import assess
from advisor.core.policy import WatchSpec
from advisor.core.profile import parse_profile
from advisor.views.adr import render_adr

from .conftest import PRICE_DATE

# A chat on gpt-5.4 at tier-1-like limits of the workload's own.
CHAT: dict[str, Any] = {
    "name": "Help chat", "interaction": "chat", "latency_budget_s": 2.5, "input_tokens": 1500,
    "output_tokens": 350, "provider": "openai", "model": "gpt-5.4", "downstream": "own_ui",
}


def _watch_429(data: dict[str, Any]) -> str:
    record = render_adr(assess(parse_profile(data), price_date=PRICE_DATE), date="2026-11-01")
    [line] = [x for x in record.splitlines() if x.startswith("- 429 (rate limit) responses")]
    return line


# -- 1. the 429 line where smoothing the peak cannot help ------------------------------------


def test_limits_below_the_monthly_average_are_not_fixed_by_a_smoother_peak():
    # 4,000,000 requests a month average 93 a minute, against 50 requests/min.
    line = _watch_429({**CHAT, "requests_per_month": 4_000_000, "peak_requests_per_minute": 200,
                       "rate_limits": {"rpm": 50, "tpm": 100_000}})
    assert "smooth the peak before launch" not in line
    assert "will come all the time, not only at peaks" in line
    assert "the limits are below even the monthly average rate" in line
    assert "Raise the account tier before launch" in line and "smoothing the peak cannot help" in line
    assert line.endswith("Alert on the share of streams refused with a 429.")


def test_a_peak_over_limits_the_average_fits_still_says_smooth_the_peak():
    # 400,000 a month average 9 a minute: the peak of 200 alone is over 100 requests/min.
    line = _watch_429({**CHAT, "requests_per_month": 400_000, "peak_requests_per_minute": 200,
                       "rate_limits": {"rpm": 100, "tpm": 1_000_000}})
    assert "Raise the account tier or smooth the peak before launch" in line
    assert "all the time" not in line and "cannot help" not in line


def test_one_request_over_the_token_limit_is_refused_however_the_peak_is_spread():
    line = _watch_429({**CHAT, "interaction": "request_response", "latency_budget_s": 10,
                       "requests_per_month": 10_000, "peak_requests_per_minute": 5,
                       "rate_limits": {"rpm": 500, "tpm": 1_000}})
    assert "one request's 1,850 tokens are more than the 1,000 tokens/min" in line
    assert "however the peak is spread" in line and "smoothing the peak cannot help" in line


def test_a_rule_set_may_give_never_drains_alone_and_name_why():
    spec = WatchSpec(text="429s stay near zero.", never_drains="429s all the time: {never_drains_why}.")
    assert spec.said(True, never_drains=True) == "429s all the time: {never_drains_why}."
    assert spec.said(True) == spec.said(False) == "429s stay near zero."
    with pytest.raises(ValidationError, match=r"unknown figure \{limits_remedy\}"):
        WatchSpec(text="x", never_drains="{limits_remedy}")
