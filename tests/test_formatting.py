"""The money vocabulary's trade-off sentence: when the recommended mode costs more than
today's or than a cheaper mode, one sentence says why, from the assessment's own figures."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import advisor
from advisor.views.formatting import in_a_sentence, money, percent, tradeoff_in_words

from .conftest import EXAMPLES, PRICE_DATE, RETIRING


def assessed(name: str, **changes: object) -> advisor.Assessment:
    # Fixed inputs whose costs have the shape each sentence needs (the examples on gpt-4o-mini).
    profile = advisor.load_profile(RETIRING / f"{name}.yaml")
    return advisor.assess(profile.model_copy(update=changes), price_date=PRICE_DATE)


def test_a_move_that_costs_more_names_the_bill_the_build_and_the_break_even() -> None:
    a = assessed("nightly-ticket-triage")
    today, batch = a.costs["sync"], a.costs["batch"]
    sentence = tradeoff_in_words(a)
    assert sentence is not None
    assert sentence.startswith(f"Batch API costs {money(batch.total_usd - today.total_usd)} a month more than")
    assert "Synchronous call (today)" in sentence
    assert f"its token bill falls from {money(today.tokens_usd)} to {money(batch.tokens_usd)}" in sentence
    assert f"its build adds {money(batch.engineering_usd)} a month (amortised over 36 months; today's is paid)" in sentence
    assert "batch pays for itself only from" in sentence and sentence.endswith("requests a month.")


def test_a_new_feature_names_the_cheaper_mode_and_why_it_lost() -> None:
    a = assessed("chatbot")
    sentence = tradeoff_in_words(a)
    assert sentence is not None and "than Synchronous call, which misses its contract" in sentence
    a = assessed("code-completion")
    assert "than Batch API, which is ruled out: its token bill rises" in (tradeoff_in_words(a) or "")


def test_no_sentence_when_the_verdict_is_the_cheapest_or_costs_no_more_than_today() -> None:
    a = assessed("support-reply-draft")  # sync, and it runs sync today
    assert a.recommendation == "sync" and tradeoff_in_words(a) is None
    a = assessed("nightly-content-audit")
    assert min(a.costs, key=lambda m: a.costs[m].total_usd) == a.recommendation and tradeoff_in_words(a) is None


def test_figures_beyond_a_trillion_read_as_words_a_reader_can_say() -> None:
    assert money(2.5e12) == "$2.5 trillion"
    assert money(3e20) == "more than $1,000,000 trillion"  # was "$more than a million trillion"
    assert percent(23.4) == "23x"
    assert percent(1.1e14) == "110 trillion times"  # was "110 trillionx"
    assert percent(5e18) == "more than a million trillion times"


def test_where_the_batch_prices_come_from_reads_as_words_in_every_view() -> None:
    from advisor.core.profile import Pricing
    from advisor.views.adr import render_adr
    from advisor.views.text import render_text

    own = Pricing(input_per_mtok=1.0, output_per_mtok=4.0, batch_discount=0.4)
    for a, words in (
        (assessed("chatbot"), "batch prices as genai-prices lists them"),
        (assessed("chatbot", pricing=own), "batch prices at the workload's own batch discount"),
    ):
        assert f"; {words})" in render_text(a)
        assert f"; {words}." in render_adr(a)
        assert "batch prices: " not in render_text(a) + render_adr(a)  # was "batch prices: catalogue"


def test_a_small_rate_never_reads_as_zero() -> None:
    """A cron job of a hundred calls a month peaks at about 0.002 requests a minute: the text
    summary and the record said "peak 0.0 requests/min" and "0.0 concurrent connections",
    which a reader takes for no traffic at all. As money and shares do, a positive figure
    too small to print says so."""
    from advisor.views.formatting import count

    assert count(0.0023) == "less than 0.1"
    assert count(0) == "0" and count(0.05) == "0.1" and count(0.5) == "0.5" and count(12.4) == "12"
    assert count(-0.5) == "-0.5"
    a = advisor.assess(advisor.load_profile(EXAMPLES / "monthly-cron-report.yaml"), price_date=PRICE_DATE)
    from advisor.views.text import render_text

    text = render_text(a)
    assert " 0.0 " not in text
    assert "less than 0.1 of 500 requests/min" in text  # against gpt-5.4's Tier 1 limit


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("Retry with exponential backoff", "retry with exponential backoff"),
        ("A higher account tier", "a higher account tier"),
        ("Per-request timeout", "per-request timeout"),
        ("Request/response logging", "request/response logging"),
        ("Admission, or the overflow through the Batch API", "admission, or the overflow through the Batch API"),
        ("OpenAI's limits", "OpenAI's limits"),
        ("SSE parsing", "SSE parsing"),
        ("Retry-After honoured", "Retry-After honoured"),
        ("PagerDuty alert on 429s", "PagerDuty alert on 429s"),
        ("custom_id as the key", "custom_id as the key"),
        ("429s alert", "429s alert"),
    ],
)
def test_a_list_item_in_a_sentence_lowers_its_first_letter_and_nothing_else(item: str, expected: str) -> None:
    assert in_a_sentence(item) == expected


@given(st.text(min_size=1))
def test_a_list_item_in_a_sentence_changes_at_most_its_first_letter(item: str) -> None:
    assert in_a_sentence(item) in (item, item[0].lower() + item[1:])


@pytest.mark.parametrize(
    ("ratio", "said"), [(1.0416, "1.04x"), (1.00001, "1.00001x"), (1.0, "1x"), (0.996, "0.996x"), (3.3, "3.3x"), (2.54, "2.5x")]
)
def test_a_multiple_of_a_limit_never_reads_as_the_limit_itself(ratio, said):
    # A peak 4% over the limit printed "OVER LIMIT: peak use is 1x the limit".
    from advisor.core.figures import times

    assert times(ratio) == said


@given(st.floats(min_value=0.5, max_value=9.99, allow_nan=False).filter(lambda r: abs(r - 1) >= 1e-5))
def test_a_multiple_other_than_one_is_never_said_as_one(ratio):
    # (to six significant digits: closer to 1 than 1e-5 it is said as 1)
    from advisor.core.figures import times

    assert times(ratio) != "1x"
