"""A peak given below the month's average is raised to the average (docs/cost-model.md):
the assessment says so among its assumptions, which text, records and JSON show."""

from __future__ import annotations

import csv
import json
from typing import Any

import pytest
import yaml

from advisor import assess
from advisor.core.profile import parse_profile

from .conftest import PRICE_DATE, run_cli

QUERY_INTENT: dict[str, Any] = {
    "name": "Search query intent", "interaction": "request_response", "latency_budget_s": 1.5,
    "input_tokens": 300, "output_tokens": 10, "model_p95_s": 0.9, "ttft_s": 0.4, "output_format": "json",
    "requests_per_month": 60_000_000, "provider": "openai", "model": "gpt-5.4-mini", "tier": "tier-5",
    "downstream": "internal_service", "current_mode": "sync",
}
SAID = "100 requests a minute given, below the month's average of 1,389: the average is used"


def _peaks(a) -> list[str]:
    return [x.value for x in a.assumptions if x.name == "peak"]


def test_a_peak_below_the_average_is_an_assumption_and_decides_nothing():
    low = assess(parse_profile({**QUERY_INTENT, "peak_requests_per_minute": 100}), price_date=PRICE_DATE)
    assert _peaks(low) == [SAID]
    assert low.facts["peak_requests_per_minute"] == pytest.approx(60_000_000 / 43_200)
    # The same assessment as with the average given, or no peak at all: only the line is new.
    for peak in (60_000_000 / 43_200, None):
        data = {**QUERY_INTENT, **({"peak_requests_per_minute": peak} if peak else {})}
        other = assess(parse_profile(data), price_date=PRICE_DATE)
        assert _peaks(other) == []
        # With no peak at all, the rate-limit figures say they are the monthly average's.
        when = {"rate_limit_when": "at peak" if peak else "at the monthly average (no peak given)"}
        assert (other.recommendation, other.decided_by, other.reason, other.facts) == (
            low.recommendation, low.decided_by, low.reason, {**low.facts, **when}
        )
        assert [x for x in low.assumptions if x.name != "peak"] == other.assumptions


def test_a_peak_above_the_average_says_nothing():
    a = assess(parse_profile({**QUERY_INTENT, "peak_requests_per_minute": 4000}), price_date=PRICE_DATE)
    assert _peaks(a) == []


def test_text_json_and_the_record_show_it(capsys, tmp_path):
    workload = tmp_path / "query-intent.yaml"
    workload.write_text(yaml.safe_dump({**QUERY_INTENT, "peak_requests_per_minute": 100}), encoding="utf-8")
    date = ["--price-date", PRICE_DATE.isoformat()]
    code, out, _ = run_cli(capsys, "recommend", workload, *date)
    assert code == 0 and f"  - peak: {SAID} [" in out
    code, out, _ = run_cli(capsys, "recommend", workload, "--format", "json", *date)
    assert code == 0 and SAID in [x["value"] for x in json.loads(out)["assumptions"] if x["name"] == "peak"]
    code, _, _ = run_cli(capsys, "adr", workload, "--dir", tmp_path / "decisions", *date)
    (record,) = (tmp_path / "decisions").glob("*.md")
    assert code == 0 and f"- Peak: {SAID} (advisor default" in record.read_text(encoding="utf-8")


def test_the_records_workload_sentence_states_the_peak_used(capsys, tmp_path):
    workload = tmp_path / "query-intent.yaml"
    workload.write_text(yaml.safe_dump({**QUERY_INTENT, "peak_requests_per_minute": 100}), encoding="utf-8")
    code, _, _ = run_cli(capsys, "adr", workload, "--dir", tmp_path / "decisions", "--price-date", PRICE_DATE.isoformat())
    (record,) = (tmp_path / "decisions").glob("*.md")
    text = record.read_text(encoding="utf-8")
    assert code == 0 and ("It makes 60,000,000 requests a month, peaking at 1,389 a minute, the month's average (the"
                          " peak given, 100 a minute, is below it); each sends") in text
    assert "peaking at 100 a minute" not in text


def test_a_map_cell_evaluated_at_a_raised_peak_says_the_peak_used(capsys, tmp_path):
    workload = tmp_path / "query-intent.yaml"
    workload.write_text(yaml.safe_dump({**QUERY_INTENT, "peak_requests_per_minute": 4000}), encoding="utf-8")
    axes = ["--x", "peak_requests_per_minute=100:4000:2", "--y", "requests_per_month=100000:60000000:2"]
    code, out, _ = run_cli(capsys, "map", workload, *axes, "--price-date", PRICE_DATE.isoformat())
    rows = list(csv.reader(out.splitlines()))
    # 100 a minute at 60M requests a month is the map at the month's average, 1,389: the cell says so; at
    # 100,000 a month (an average of 2.3) and at 4,000 a minute, the peak is as labelled.
    assert code == 0 and rows[1][1:] == ["sync", "sync"]
    assert rows[2][1:] == ["sync (peak raised to 1,389)", "sync"]
    code, out, _ = run_cli(capsys, "map", workload, *axes, "--format", "json", "--price-date", PRICE_DATE.isoformat())
    assert code == 0 and json.loads(out)["raised_peaks"] == [[None, None], [pytest.approx(60_000_000 / 43_200), None]]
