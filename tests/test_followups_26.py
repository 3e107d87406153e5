"""Follow-ups 26: the 429 line of a chat whose limits sit below even its monthly average, a
cached fraction below the provider's cache floor, and an impossible calendar date."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from advisor import assess
from advisor.cli import main
from advisor.core.assumption import Assumption
from advisor.core.clock import as_date
from advisor.core.cost import CACHE_MINIMUM
from advisor.core.errors import InputError
from advisor.core.figures import money
from advisor.core.policy import WatchSpec
from advisor.core.profile import parse_profile
from advisor.views.adr import render_adr

from .conftest import EXAMPLES, PRICE_DATE, run_cli

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


# -- 2. a cached fraction below the provider's cache floor -----------------------------------

FAQ: dict[str, Any] = {
    "name": "FAQ answers", "interaction": "request_response", "latency_budget_s": 10, "input_tokens": 1400,
    "cached_input_fraction": 0.7, "output_tokens": 300, "requests_per_month": 200_000, "provider": "openai",
    "model": "gpt-4o-mini", "downstream": "own_ui",
}
CACHING_GUIDE = "https://developers.openai.com/api/docs/guides/prompt-caching"


def _floor_notes(a) -> list[Assumption]:
    return [x for x in a.assumptions if x.name == CACHE_MINIMUM]


def test_cached_tokens_below_openais_1024_floor_are_said_beside_the_bill(tmp_path, capsys):
    a = assess(parse_profile(FAQ), price_date=PRICE_DATE)
    [note] = _floor_notes(a)
    assert note.value.startswith("980 cached input tokens a call (70% of 1,400) are below the 1,024-token prefix"
                                 " OpenAI caches for gpt-4o-mini")
    # Still priced as stated, not refused: with none cached, 1,400 x $0.15 + 300 x $0.60 per 1M.
    assert money(a.costs["sync"].tokens_usd) == "$63.30"
    assert "with none cached, the tokens cost $78.00 a month, not $63.30 (batch: $39.00 either way)" in note.value
    assert CACHING_GUIDE in note.source and note.source_ids == ("openai_prompt_caching_guide",)

    path = tmp_path / "faq.yaml"
    path.write_text(yaml.safe_dump(FAQ), encoding="utf-8")
    code, out, _ = run_cli(capsys, "recommend", path, "--price-date", PRICE_DATE)
    assert code == 0
    cost = out[out.index("Cost per month"):out.index("build cost amortised")]
    assert "prompt cache minimum: 980 cached input tokens a call" in cost and "$78.00 a month" in cost
    code, out, _ = run_cli(capsys, "recommend", path, "--price-date", PRICE_DATE, "--format", "json")
    [said] = [x for x in json.loads(out)["assumptions"] if x["name"] == CACHE_MINIMUM]
    assert said["value"] == note.value and CACHING_GUIDE in said["source"]
    record = render_adr(a, date="2026-11-01")
    assert "- Prompt cache minimum: 980 cached input tokens a call" in record


def test_cached_tokens_at_the_floor_say_nothing():
    # 1,500 x 0.7 = 1,050 cached tokens: at least the 1,024 OpenAI caches.
    assert _floor_notes(assess(parse_profile({**FAQ, "input_tokens": 1500}), price_date=PRICE_DATE)) == []


def test_each_step_is_held_to_its_own_models_floor():
    # Haiku 4.5 caches no prefix under 4,096 tokens, Sonnet from 1,024: 1,500 cached is below
    # the one and above the other.
    agent = {
        "name": "Ticket agent", "interaction": "submit_and_notify", "latency_budget_s": 600,
        "requests_per_month": 50_000, "provider": "anthropic", "model": "claude-sonnet-4-6", "downstream": "own_ui",
        "steps": [
            {"name": "triage", "model": "claude-haiku-4-5", "input_tokens": 3000, "output_tokens": 50,
             "cached_input_fraction": 0.5},
            {"name": "answer", "input_tokens": 3000, "output_tokens": 400, "cached_input_fraction": 0.5},
        ],
    }
    [note] = _floor_notes(assess(parse_profile(agent), price_date=PRICE_DATE))
    assert note.value.startswith("step 'triage': 1,500 cached input tokens a call (50% of 3,000) are below the"
                                 " 4,096-token prefix Anthropic caches for claude-haiku-4-5")
    assert note.value.endswith("with none of the step cached, the tokens cost $710 a month, not $643 (batch:"
                               " $355, not $321)")
    assert note.source_ids == ("anthropic_prompt_caching_minimum",)


# -- 3. a date written as YYYY-MM-DD that names no day ----------------------------------------

CHATBOT = EXAMPLES / "chatbot.yaml"


@pytest.mark.parametrize(("text", "why"), [
    ("2026-02-30", "February 2026 has 28 days"),
    ("2028-02-30", "February 2028 has 29 days"),
    ("2026-04-31", "April 2026 has 30 days"),
    ("2026-11-00", "November 2026 has 30 days"),
    ("2026-13-01", "a year has 12 months, 01 to 12"),
    ("2026-00-10", "a year has 12 months, 01 to 12"),
    ("0000-01-01", "the years start at 0001"),
])
@pytest.mark.parametrize("option", ["--price-date", "--date"])
def test_an_impossible_date_option_says_the_day_is_not_on_the_calendar(tmp_path, capsys, text, why, option):
    with pytest.raises(SystemExit) as stopped:  # argparse's own refusal, status 2
        main(["adr", str(CHATBOT), "--dir", str(tmp_path / "d"), option, text])
    out, err = capsys.readouterr()
    assert stopped.value.code == 2 and out == ""
    assert err.endswith(f"error: argument {option}: {text} is not a day on the calendar ({why})\n")
    assert "YYYY-MM-DD, got" not in err and "Traceback" not in err
    assert not (tmp_path / "d").exists()


def test_a_leap_day_is_a_day_and_a_malformed_date_keeps_its_words(capsys):
    assert as_date("2028-02-29") == datetime.date(2028, 2, 29)
    with pytest.raises(InputError, match=r"field 'price_date': expected a date as YYYY-MM-DD, got '2026-2-30'"):
        assess(parse_profile(FAQ), price_date="2026-2-30", what_if=False)
    with pytest.raises(InputError, match=r"field 'price_date': 2027-02-29 is not a day on the calendar \(February 2027"
                                         r" has 28 days\)"):
        assess(parse_profile(FAQ), price_date="2027-02-29", what_if=False)


def test_an_impossible_price_date_in_a_records_inputs_is_said_so(tmp_path, capsys):
    assert run_cli(capsys, "adr", CHATBOT, "--dir", tmp_path, "--price-date", "2026-11-01")[0] == 0
    record = next(tmp_path.glob("0001-*.md"))
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("price_date: '2026-11-01'", "price_date: '2026-02-30'", 1), encoding="utf-8")
    code, out, _ = run_cli(capsys, "verify", record, "--price-date", "2026-11-01")
    assert code == 2
    assert ("UNVERIFIABLE: field 'record.prices.price_date': malformed inputs block: 2026-02-30 is not a day on the"
            " calendar (February 2026 has 28 days)") in out
