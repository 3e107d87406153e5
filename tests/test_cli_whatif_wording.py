"""`advisor recommend` says each what-if's value as specified, as the decision record does.

The record's "What would change the decision" read "`requests_per_month` = 990, instead of
600000"; the text summary of the same assessment read "requests_per_month = 990 -> sync", leaving
the reader to find the workload's 600000 and the CLI and the record saying one change two ways.
Both now say the value as specified, from one function (advisor.views.formatting.as_specified).
"""

from __future__ import annotations

import datetime
import re

import pytest

from advisor import assess, load_profile, load_rules, render_adr
from advisor.views.text import render_text

from .conftest import EXAMPLES, run_cli

RULES = load_rules()
PRICE_DATE = datetime.date(2026, 11, 1)
DATE = datetime.date(2026, 11, 1)


def _text_what_ifs(summary: str) -> list[str]:
    section = summary.split("\nWhat would change the decision\n", 1)[1].split("\n\n", 1)[0]
    return section.splitlines()


def _recommend(capsys: pytest.CaptureFixture[str], example: str) -> list[str]:
    code, out, err = run_cli(capsys, "recommend", EXAMPLES / f"{example}.yaml", "--price-date", PRICE_DATE.isoformat())
    assert code == 0, err
    return _text_what_ifs(out)


def test_recommend_says_the_value_as_specified_beside_the_new_one(capsys: pytest.CaptureFixture[str]) -> None:
    lines = _recommend(capsys, "deepseek-catalogue-enrichment")
    assert "  requests_per_month = 990, instead of 600,000 -> sync:" \
        " A small background job is a simple script (ux-simple-script)." in lines
    # A time in hours reads in hours on both sides; a choice is named as the workload file writes it.
    triage = _recommend(capsys, "nightly-ticket-triage")
    assert triage[0].startswith("  latency_budget_s = 3600 (1 h), instead of 28,800 (8 h) -> async:")
    assert any(line.startswith("  interaction = chat, instead of pipeline -> streaming:") for line in triage)


def test_a_figure_the_workload_leaves_to_the_estimate_is_said_as_such(capsys: pytest.CaptureFixture[str]) -> None:
    summary = _recommend(capsys, "document-summary-button")
    # No measured p95 in the file: the estimate, with its unit, and said to be one.
    assert "  model_p95_s = 5, instead of 26.9 s as estimated -> streaming:" \
        " Asynchronous job is ruled out: Within 5 seconds the user is watching (latency-realtime-window)." in summary
    # No peak in the file: the monthly average stands in for it, and the line says so.
    assert any(line.startswith("  peak_requests_per_minute = 12.2, instead of 0.5, the monthly average"
                               " (no peak given) -> async (not feasible):") for line in summary)
    # A measured p95 is the user's own figure, not an estimate.
    gray = _recommend(capsys, "gray-zone-30s")
    assert any(line.startswith("  model_p95_s = 5, instead of 30 -> sync:") for line in gray)
    assert not any("as estimated" in line for line in gray)


@pytest.mark.parametrize("example", ["support-reply-draft", "monthly-cron-report", "document-summary-button",
                                     "nightly-ticket-triage", "deepseek-catalogue-enrichment"])
def test_the_text_and_the_record_say_each_change_alike(example: str) -> None:
    a = assess(load_profile(EXAMPLES / f"{example}.yaml"), RULES, price_date=PRICE_DATE)
    text = _text_what_ifs(render_text(a))
    # Every what-if line says once what it changes from.
    assert text and all(line.count(", instead of ") == 1 for line in text), text
    for template in ("madr", "nygard"):
        record = render_adr(a, template=template, date=DATE)
        said = re.findall(r"^- `(\w+)` = (.+?), instead of (.+?): ", record, re.MULTILINE)
        assert said, template
        for fact, value, before in said:  # the record's "`fact` = new, instead of old" is the text's too
            assert any(line.startswith(f"  {fact} = {value}, instead of {before} -> ") for line in text), (
                template, fact, value, before, text)


def test_the_json_keeps_its_what_if_keys() -> None:
    """The value as specified is wording: the JSON, read by programs, keeps its keys."""
    a = assess(load_profile(EXAMPLES / "deepseek-catalogue-enrichment.yaml"), RULES, price_date=PRICE_DATE)
    changes = a.model_dump(mode="json")["what_would_change"]
    assert changes and all(set(c) == {"fact", "value", "new_recommendation", "because", "feasible"} for c in changes)
