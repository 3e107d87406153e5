"""A peak given below the month's average is raised to the average (docs/cost-model.md):
the assessment says so among its assumptions, which text, records and JSON show."""

from __future__ import annotations

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
        assert (other.recommendation, other.decided_by, other.reason, other.facts) == (
            low.recommendation, low.decided_by, low.reason, low.facts
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
