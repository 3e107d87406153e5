"""The fifteenth judgement review's findings (redteam-judgement-15).

- Batch's break-even volume was printed rounded to the nearest request: a nightly job of 52,974
  requests a month, where batch still costs more than the synchronous script, was told in the
  same screen that "batch pays for itself only from 52,974 requests a month". A count of
  requests from which something pays is the first whole volume at or above the exact figure.
"""

from __future__ import annotations

import math
from typing import Any

from advisor import assess, load_rules, render_adr
from advisor.views.text import render_text

from .conftest import PRICE_DATE

RULES = load_rules()

# Nightly tagging on gpt-5.4: batch saves $0.002475 a request against $131.11 a month more of
# build and run (2 person-weeks and $20 against 1 and $0 at $4,000 over 36 months), so it pays
# from 52,974.2 requests a month: at 52,974 it still costs half a cent more than sync.
TAGGING: dict[str, Any] = {
    "name": "Nightly product tagging",
    "interaction": "pipeline",
    "latency_budget_s": 86400,
    "input_tokens": 1500,
    "output_tokens": 80,
    "requests_per_month": 52_974,
    "provider": "openai",
    "model": "gpt-5.4",
    "tier": "tier-2",
    "downstream": "internal_service",
}


def test_the_break_even_volume_is_the_first_whole_volume_at_which_batch_pays():
    a = assess(TAGGING, RULES, price_date=PRICE_DATE)
    exact = a.pricing.batch_breakeven_requests_per_month
    assert exact is not None and 52_974 < exact < 52_975
    # At the volume as given batch still costs more than the synchronous script ...
    assert a.costs["batch"].total_usd > a.costs["sync"].total_usd
    # ... and one request more it no longer does.
    above = assess({**TAGGING, "requests_per_month": 52_975}, RULES, price_date=PRICE_DATE)
    assert above.costs["batch"].total_usd < above.costs["sync"].total_usd
    text = render_text(a)
    assert "batch pays for itself from 52,975 requests/month" in text
    assert "52,974 requests/month" not in text
    assert "pays for its extra build and run cost from 52,975 requests a month" in render_adr(a, date="2026-11-01")


def test_a_whole_break_even_is_not_pushed_one_request_up():
    # Where the exact figure is a whole number (give or take a float's last digit), it stands.
    from advisor.views.formatting import count, count_from

    assert count_from(52_974.0) == "52,974"
    assert count_from(52_974.000000001) == "52,974"
    assert count_from(52_974.18) == "52,975"
    assert count_from(math.inf) == count(math.inf)


# A webhook sender holds the connection 5 s; the note must be on the order within 2 minutes.
WEBHOOK: dict[str, Any] = {
    "name": "Gift note on order webhook",
    "interaction": "service_call",
    "latency_budget_s": 120,
    "caller_timeout_s": 5,
    "input_tokens": 900,
    "output_tokens": 150,
    "requests_per_month": 200_000,
    "peak_requests_per_minute": 300,
    "provider": "openai",
    "model": "gpt-5.4-mini",
    "tier": "tier-2",
    "downstream": "internal_service",
    "side_effects": "non_idempotent",
}
ACK_HINT = "a caller that waits only for an acknowledgement, such as a webhook sender, is interaction: pipeline"


def test_a_service_call_whose_caller_gives_up_before_the_budget_is_told_how_a_webhook_is_described():
    a = assess(WEBHOOK, RULES, price_date=PRICE_DATE)
    flat = " ".join(render_text(a).split())
    assert ACK_HINT in flat
    assert ACK_HINT in " ".join(render_adr(a, date="2026-11-01").split())
    # Described as the hint says, the webhook is acknowledged at once and worked as a job.
    piped = assess({**WEBHOOK, "interaction": "pipeline"}, RULES, price_date=PRICE_DATE)
    assert piped.recommendation == "async" and piped.feasible


def test_a_service_call_whose_caller_waits_out_the_budget_gets_no_such_hint():
    # A caller that waits as long as the budget consumes the answer: a service call indeed.
    a = assess({**WEBHOOK, "latency_budget_s": 5}, RULES, price_date=PRICE_DATE)
    assert ACK_HINT not in " ".join(render_text(a).split())
    slack = assess({**WEBHOOK, "interaction": "request_response"}, RULES, price_date=PRICE_DATE)
    assert ACK_HINT not in " ".join(render_text(slack).split())
