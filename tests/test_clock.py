"""Today, the default price date and a new record's date, is the UTC date, or the one
ADVISOR_TODAY fixes: a run that sets it gives the same output on any day."""

from __future__ import annotations

import datetime
import json

import pytest

from advisor import load_rules

from .conftest import EXAMPLES, RETIRING, run_cli

CHATBOT = EXAMPLES / "chatbot.yaml"
O3 = RETIRING / "reasoning-contract-check.yaml"  # openai/o3


def test_advisor_today_sets_the_price_date_and_the_records_date(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ADVISOR_TODAY", "2026-11-20")
    code, out, _ = run_cli(capsys, "recommend", "--format", "json", CHATBOT)
    assert code == 0 and json.loads(out)["price_date"] == "2026-11-20"
    code, _, err = run_cli(capsys, "adr", CHATBOT, "--dir", tmp_path)
    assert code == 0, err
    (record,) = tmp_path.glob("0001-*.md")
    assert "\ndate: 2026-11-20\n" in record.read_text()


def test_a_model_is_refused_from_its_shutdown_day_on(capsys, monkeypatch):
    shutdown = load_rules().catalogue.resolve("openai", "o3").model.shutdown
    assert shutdown is not None
    monkeypatch.setenv("ADVISOR_TODAY", (shutdown.date - datetime.timedelta(days=1)).isoformat())
    code, out, _ = run_cli(capsys, "recommend", O3)
    assert code == 0 and f"shuts o3 down on {shutdown.date}" in out
    monkeypatch.setenv("ADVISOR_TODAY", shutdown.date.isoformat())
    code, out, err = run_cli(capsys, "recommend", O3)
    assert code == 2 and out == "" and f"shut o3 down on {shutdown.date}" in err


@pytest.mark.parametrize("value", ["tomorrow", "26-11-2026", "2026-11-26T10:00", " 2026-11-26"])
def test_a_malformed_advisor_today_is_one_clear_error_and_writes_nothing(value, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ADVISOR_TODAY", value)
    code, out, err = run_cli(capsys, "adr", CHATBOT, "--dir", tmp_path / "decisions")
    assert code == 2 and out == ""
    assert err == f"advisor: error: $ADVISOR_TODAY: expected a date as YYYY-MM-DD, got {value!r}\n"
    assert not (tmp_path / "decisions").exists()


def test_an_impossible_advisor_today_says_the_day_is_not_on_the_calendar(tmp_path, capsys, monkeypatch):
    # Written as YYYY-MM-DD, as asked: the message names what is wrong with the day, not the form.
    monkeypatch.setenv("ADVISOR_TODAY", "2026-02-30")
    code, out, err = run_cli(capsys, "adr", CHATBOT, "--dir", tmp_path / "decisions")
    assert code == 2 and out == ""
    assert err == "advisor: error: $ADVISOR_TODAY: 2026-02-30 is not a day on the calendar (February 2026 has 28 days)\n"
    assert not (tmp_path / "decisions").exists()


def test_an_empty_advisor_today_is_the_clock(capsys, monkeypatch):
    monkeypatch.setenv("ADVISOR_TODAY", "")
    code, out, _ = run_cli(capsys, "recommend", "--format", "json", CHATBOT)
    today = datetime.datetime.now(datetime.UTC).date()
    assert code == 0 and json.loads(out)["price_date"] in {today.isoformat(), (today - datetime.timedelta(days=1)).isoformat()}
