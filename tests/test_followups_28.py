"""What questionnaire pass 8 left: a rate-limit miss said "At peak" for a workload that gives no peak.

With no peak_requests_per_minute, every capacity figure is the monthly average's, and the Capacity
section says so ("Capacity at the monthly average (no peak given)"); the verdict above it said "At
peak the workload needs 1.8x its rate limit", a peak the workload never gave.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from advisor import assess

from .conftest import run_cli

# A help-desk chat at 10 million requests a month on tier 1: over its limits even at the average.
BUSY_CHAT: dict[str, Any] = {
    "name": "Ticket reply draft", "interaction": "chat", "latency_budget_s": 10, "input_tokens": 3000,
    "output_tokens": 800, "requests_per_month": 10_000_000, "provider": "openai", "model": "gpt-5.4",
    "tier": "tier-1",
}


def test_a_miss_at_the_rate_limits_with_no_peak_given_says_the_figures_are_the_average(capsys, tmp_path: Path):
    path = tmp_path / "chat.yaml"
    path.write_text(yaml.safe_dump(BUSY_CHAT), encoding="utf-8")
    code, out, _ = run_cli(capsys, "recommend", path, "--price-date", "2026-11-01")
    assert code == 0, out
    text = " ".join(out.split())
    assert ("NOT FEASIBLE as specified: The workload needs 1.8x its rate limit on gpt-5.4 (account tier "
            "'tier-1') at the monthly average (no peak given): the requests over it get 429s") in text
    assert "At peak the workload" not in text
    # The rule that says why the queue never drains says it the same way.
    code, out, _ = run_cli(capsys, "recommend", path, "--price-date", "2026-11-01", "--format", "json")
    [streaming] = json.loads(out)["unmet"]
    assert streaming["rules"] == ["cost-over-rate-limit-while-waiting", "cost-backlog-never-drains"]
    assert streaming["reasons"][1].startswith(
        "The workload needs 1.8x its rate limit on gpt-5.4 at the monthly average (no peak given), and even its"
        " average rate over the month is more than the limits let through"
    )


def test_the_same_miss_with_a_peak_given_says_at_peak() -> None:
    a = assess({**BUSY_CHAT, "requests_per_month": 1_000_000, "peak_requests_per_minute": 300},
               price_date="2026-11-01")
    assert not a.feasible
    assert (a.infeasible_reason or "").startswith(
        "The workload needs 2.3x its rate limit on gpt-5.4 (account tier 'tier-1') at peak: "
    ), a.infeasible_reason
    assert a.facts["rate_limit_when"] == "at peak"


def test_with_no_rate_limit_known_the_fact_is_absent() -> None:
    a = assess({**BUSY_CHAT, "provider": "acme", "model": "acme-1", "tier": None,
                "pricing": {"input_per_mtok": 1, "output_per_mtok": 2}}, price_date="2026-11-01")
    assert a.facts["rate_limit_when"] is None
