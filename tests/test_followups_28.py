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


# Questionnaire pass 9: last month's record of a single call, superseded after the call became two
# steps on cheaper models at ten times the volume.
LAST_MONTH: dict[str, Any] = {
    "name": "Support reply draft", "interaction": "request_response", "latency_budget_s": 4.0,
    "input_tokens": 1800, "output_tokens": 180, "requests_per_month": 120_000, "peak_requests_per_minute": 40.0,
    "model": "gpt-5.4", "current_mode": "sync",
}
THIS_MONTH: dict[str, Any] = {
    **{k: v for k, v in LAST_MONTH.items() if k not in ("input_tokens", "output_tokens")},
    "requests_per_month": 1_200_000, "peak_requests_per_minute": 400.0, "model": "gpt-5.4-mini",
    "steps": [{"name": "classify", "model": "gpt-5.4-nano", "input_tokens": 1500, "output_tokens": 10},
              {"name": "draft", "input_tokens": 1800, "output_tokens": 180}],
}
FIXED = ("--date", "2026-11-01", "--price-date", "2026-11-01")


def _record_then_change(capsys, tmp_path: Path) -> Path:
    (tmp_path / ".git").write_text("gitdir: elsewhere\n", encoding="utf-8")
    feature = tmp_path / "feature.yaml"
    feature.write_text(yaml.safe_dump(LAST_MONTH), encoding="utf-8")
    assert run_cli(capsys, "adr", feature, "--dir", tmp_path / "d", *FIXED)[0] == 0
    feature.write_text(yaml.safe_dump(THIS_MONTH), encoding="utf-8")
    return feature


def test_a_single_call_that_became_steps_is_said_as_one_change_not_five_fields_gone(capsys, tmp_path: Path):
    feature = _record_then_change(capsys, tmp_path)
    code, out, _ = run_cli(capsys, "verify", tmp_path / "d", "--price-date", "2026-11-01")
    assert code == 1, out
    changed = next(line for line in out.splitlines() if "the workload changed since the record" in line)
    assert "not given" not in changed  # was "input_tokens 1,800 -> not given", five times over
    assert ("the calls: one call (chained_calls 1, tool_latency_s 0, input_tokens 1,800, output_tokens 180, "
            "cached_input_fraction 0) -> 2 steps ('classify', 'draft')") in changed
    assert "model gpt-5.4 -> gpt-5.4-mini" in changed

    code, out, _ = run_cli(capsys, "adr", feature, "--dir", tmp_path / "d", "--supersedes", "1", *FIXED)
    assert code == 0, out
    record = next((tmp_path / "d").glob("0002-*.md")).read_text(encoding="utf-8")
    since = next(line for line in record.splitlines() if line.startswith("Record 1 chose"))
    assert "not given" not in since
    assert "the calls: one call (chained_calls 1, tool_latency_s 0, input_tokens 1,800" in since
    assert "to 2 steps ('classify', 'draft')" in since


def test_a_superseding_record_that_keeps_a_mode_now_missing_its_contract_says_so(capsys, tmp_path: Path):
    feature = _record_then_change(capsys, tmp_path)
    assert run_cli(capsys, "adr", feature, "--dir", tmp_path / "d", "--supersedes", "1", *FIXED)[0] == 0
    record = next((tmp_path / "d").glob("0002-*.md")).read_text(encoding="utf-8")
    # Was "This record keeps Synchronous call, now at $2,967 a month.": read as the old decision holding.
    # With the spend difference said since board read 11.
    assert ("This record keeps Synchronous call, now at $2,967 a month, $2,103 a month more than record 1's, and as"
            " specified it no longer meets its contract.") in record


def test_a_shape_change_back_from_steps_to_one_call_reads_the_other_way() -> None:
    from advisor.records.workload import change_lines

    lines = change_lines([("input_tokens", None, 900), ("steps", [{"name": "a"}, {"name": "b c"}], None),
                          ("model", "x", "y")])
    assert lines == ["the calls: 2 steps ('a', 'b c') -> one call (input_tokens 900)", "model x -> y"]


def test_the_cards_backlog_badge_says_the_monthly_average_where_no_peak_is_given() -> None:
    # The card read "5,994 queued at peak, never drains" beside "at the monthly average (no peak given)".
    from questionnaire.verdict import backlog_in_words

    average = assess(BUSY_CHAT, price_date="2026-11-01").capacity
    assert backlog_in_words(average) == "5,994 queued at the monthly average, never drains"
    peak = assess({**BUSY_CHAT, "requests_per_month": 1_000_000, "peak_requests_per_minute": 300},
                  price_date="2026-11-01").capacity
    assert backlog_in_words(peak).startswith(f"{peak.backlog_requests:,.0f} queued at peak, ")


def test_the_tier_lever_says_what_its_limits_hold_where_no_peak_is_given() -> None:
    # It read "With account tier 'tier-2', whose limits hold the peak" for a workload with no peak.
    average = assess(BUSY_CHAT, price_date="2026-11-01")
    [tier] = [lever for lever in average.levers if "tier" in lever.changes]
    assert "account tier 'tier-2', whose limits hold the monthly average rate" in tier.because
    assert "the peak" not in tier.because
    peak = assess({**BUSY_CHAT, "requests_per_month": 1_000_000, "peak_requests_per_minute": 300},
                  price_date="2026-11-01")
    assert any("whose limits hold the peak" in lever.because for lever in peak.levers)
