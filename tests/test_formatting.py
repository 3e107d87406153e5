"""The money vocabulary's trade-off sentence: when the recommended mode costs more than
today's or than a cheaper mode, one sentence says why, from the assessment's own figures."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import advisor
from advisor.core.cost import ModeCost
from advisor.views.formatting import (
    in_a_sentence,
    money,
    percent,
    rounding_note,
    saving_cell,
    saving_or_extra,
    tradeoff_in_words,
)

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
    # The build of the move: what batch adds to today's resilient client (docs/cost-model.md, Against today).
    assert (f"its build adds {money(batch.engineering_usd)} a month (the 1 person-week that the batch API adds to"
            " today's synchronous call, amortised over 36 months)") in sentence
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



def test_a_multiple_of_a_trillion_or_more_reads_as_times_not_trillionx() -> None:
    from advisor.core.figures import times

    assert times(23.4) == "23x"
    assert times(1.12e12) == "1.12 trillion times"  # was "1.12 trillionx"
    assert times(5e18) == "more than a million trillion times"


def test_a_workload_a_trillion_times_over_its_limit_says_so_in_words(capsys, tmp_path) -> None:
    # Red team 2, F10: "At peak the workload needs 1.12 trillionx its rate limit".
    from .conftest import run_cli

    workload = tmp_path / "huge.yaml"
    workload.write_text(
        "name: Huge\ninteraction: submit_and_notify\nlatency_budget_s: 2592000\n"
        "input_tokens: 10000000\noutput_tokens: 100000\nrequests_per_month: 100000000000\n"
        "peak_requests_per_minute: 100000000\npeak_minutes: 10\nprovider: openai\nmodel: gpt-5.4\n"
        # Its own prices: a 10,100,000-token call is more than gpt-5.4's window in the price data.
        "pricing: {input_per_mtok: 2.5, output_per_mtok: 15}\n"
        "rate_limits: {rpm: 1000, tpm: 1000}\n",
        encoding="utf-8",
    )
    code, out, err = run_cli(capsys, "recommend", workload, "--price-date", PRICE_DATE.isoformat())
    assert (code, err) == (0, "")
    assert "trillionx" not in out
    # One request is larger than the 1,000 tokens/min: the reason says so (test_oversized), and
    # the peak's use of the limit is still said in words.
    assert "OVER LIMIT: peak use is 1.01 trillion times the limit" in out

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


# -- money: rounded half up, and a cost table whose rows do not add up says why --------------

def _half_up_oracle(value: float) -> str:
    """What money() prints, from the float's exact value as a fraction (no Decimal): the
    nearest multiple of its step, a half rounded up, with thousands separators."""
    from fractions import Fraction

    decimals = 0 if value >= 100 else 2 if value >= 1 else 4
    steps = math.floor(Fraction(value) * 10**decimals + Fraction(1, 2))  # exact: no float arithmetic
    whole, part = divmod(steps, 10**decimals)
    return f"${whole:,}" + (f".{part:0{decimals}d}" if decimals else "")


@pytest.mark.parametrize(("value", "said"), [
    (652.5, "$653"), (100.5, "$101"), (101.5, "$102"),  # halves at whole dollars: up, never to even
    (1.125, "$1.13"), (1.375, "$1.38"),  # halves at cents (exact in binary)
    (0.03125, "$0.0313"), (0.09375, "$0.0938"),  # halves at four decimals (exact in binary)
    # Not halves: the float 2.675 is 2.67499999..., 1.005 is 1.00499999..., 0.00015 is 0.000149999...
    (2.675, "$2.67"), (1.005, "$1.00"), (0.00015, "$0.0001"),
    (-652.5, "-$653"), (0, "$0"), (0.00009, "less than $0.0001"), (1_234_567.5, "$1,234,568"),
])
def test_money_rounds_a_half_up_at_every_step_it_prints(value: float, said: str) -> None:
    """f"{x:,.0f}" rounds a half to even: $652.50 of tokens printed as $652, and a row of
    the cost table missed its total by $1 (board review K2)."""
    assert money(value) == said


@settings(max_examples=500)
@given(st.one_of(
    st.floats(min_value=0.0001, max_value=1e12, exclude_max=True),
    st.integers(min_value=7, max_value=64 * 10**12 - 1).map(lambda n: n / 64),  # halves at every step, exactly
))
def test_money_is_the_exact_value_of_the_float_rounded_half_up(value: float) -> None:
    """Half up of a binary float: its exact decimal value (Decimal(x), not Decimal(str(x)))
    rounded to the step money() prints in, a half away from zero."""
    assert money(value) == _half_up_oracle(value)
    assert money(-value) == "-" + _half_up_oracle(value)


def _cost(tokens: float, infra: float, build: float) -> ModeCost:
    return ModeCost(mode="sync", tokens_usd=tokens, infra_usd=infra, engineering_usd=build,
                    total_usd=tokens + infra + build, per_1k_requests_usd=None, engineering_person_weeks=1,
                    saving_vs_current_usd=None)


def test_a_cost_row_that_misses_its_sum_by_a_rounding_is_said_once() -> None:
    note = "Each figure is rounded on its own, so a row can differ from its sum by $1."
    # The contract review's rows: $653 + $0 + $111 is its $764 (763.61) now that a half rounds
    # up, but $653 + $10.00 + $167 is $830, where the row's 829.17 is $829.
    assert rounding_note([_cost(652.5, 0, 4000 / 36)]) is None
    assert rounding_note([_cost(652.5, 10, 6000 / 36)]) == note
    assert rounding_note([_cost(652.5, 0, 4000 / 36), _cost(652.5, 10, 6000 / 36)]) == note
    assert rounding_note([_cost(326.25, 20, 8000 / 36)]) is None  # $326 + $20.00 + $222 = $568
    assert rounding_note([_cost(100.2, 100.2, 0)]) is None  # $100 + $100 = $200, and 200.4 is $200
    assert rounding_note([_cost(100.4, 100.4, 0)]) == note  # $100 + $100 = $200, but 200.8 is $201
    assert rounding_note([_cost(1.004, 1.004, 1.004)]) == (  # $1.00 three times, $3.01 in all
        "Each figure is rounded on its own, so a row can differ from its sum by $0.01."
    )
    assert rounding_note([_cost(60.004, 40.001, 0)]) is None  # $60.00 + $40.00 = 100.005: $100
    assert rounding_note([_cost(2e12, 1, 1)]) is None  # in trillions: words no one adds up


def test_a_difference_is_said_in_the_step_of_the_amounts_it_is_taken_between() -> None:
    """The board read "saving $65.28" beside $550 and $615: a figure finer than the two it
    comes from. It is "$65"; one difference reads alike in every view (the card, the record,
    the text), each rounding the exact figure in the step of the larger amount."""
    assert money(65.28, like=615.28) == "$65" and money(65.28) == "$65.28"
    assert money(-206.67, like=3983.0) == "-$207"
    assert money(24.8, like=120.3) == "$25" and money(24.8, like=95.5) == "$24.80"
    assert money(0.18, like=615.28) == money(0.18) == "$0.1800"  # never "$0" for a difference that is one
    assert money(2e12, like=1.0) == money(2e12) and money(5.0, like=2e12) == "$5.00"  # trillions: words
    assert saving_cell(65.28, 615.28) == "saving $65" and saving_or_extra(-206.67, 3983.0).startswith(
        "an extra cost of $207")


@settings(max_examples=500, deadline=None)
@given(st.floats(-1e13, 1e13, allow_nan=False), st.floats(0, 1e13, allow_nan=False))
def test_an_amount_said_beside_another_keeps_its_sign_and_is_never_zero(value: float, like: float) -> None:
    """Rounding in a coarser step may lose a difference's cents, never flip its sign nor show
    a difference that exists as "$0"."""
    said = money(value, like)
    assert said.startswith("-") == (value < 0 and said != money(0.0))
    assert (said == "$0") == (value == 0)


def test_the_rounding_note_covers_a_saving_that_misses_the_difference_of_the_costs_shown() -> None:
    """$3,983 against today's $3,777 is "extra cost $207" (206.67 exactly): the note under the
    cost table says a saving can differ from the difference of the two costs by $1."""
    today = _cost(3776.6, 0, 0)  # $3,777
    assert rounding_note([today, _cost(3983.3, 0, 0)], today) == (  # 206.7 said $207; $3,983 less $3,777 is 206
        "Each figure is rounded on its own, so a saving against today can differ from the difference of the two"
        " monthly costs by $1.")
    assert rounding_note([today, _cost(3982.6, 0, 0)], today) is None  # 206 said, 206 as read
    assert rounding_note([today, _cost(652.5, 10, 6000 / 36)], today) == (
        "Each figure is rounded on its own, so a row can differ from its sum, and a saving from the difference of"
        " the two monthly costs, by $1.")


def test_the_contract_review_cost_table_says_its_rows_are_rounded_on_their_own() -> None:
    """The board's figures: tokens $652.50 printed $652 beside a monthly cost of $764. Now
    $653; and the streaming row, $653 + $10.00 + $167 against $829, has the note under the table."""
    from advisor.views.adr import render_adr
    from advisor.views.text import render_text

    a = advisor.assess(advisor.load_profile(EXAMPLES / "contract-risk-review.yaml"), price_date=PRICE_DATE)
    sync = a.costs["sync"]
    assert sync.tokens_usd == 652.5 and money(sync.tokens_usd) == "$653" and money(sync.total_usd) == "$764"
    note = "Each figure is rounded on its own, so a row can differ from its sum by $1."
    text = render_text(a)
    assert "  sync               $653        $0      $111          $764" in text
    assert "  streaming          $653    $10.00      $167          $829" in text
    table = text[text.index("  mode "):text.index("build cost amortised")]
    assert table.count(note) == 1 and table.rstrip().endswith(note)  # under the rows
    # The record also says batch "would cost $467 a month less than the chosen Asynchronous job
    # ($568 against $1,036)", where a reader makes $468: its note says so too.
    full = ("Each figure is rounded on its own, so a row can differ from its sum, and a saving from the difference"
            " of the two monthly costs, by $1.")
    for template in ("madr", "nygard"):
        record = render_adr(a, template=template)
        assert "| Synchronous call | $653 | $0 | $111 | $764 | $255 |" in record
        assert f"| $189 |\n\n{full}\n\nPrices of " in record  # under the table, once
        assert record.count("rounded on its own") == 1
    # A workload whose rows and differences add up as shown says nothing of it (the chatbot's
    # record says batch costs $1,734 less than streaming, $2,042 against $3,777: it has the note).
    draft = advisor.assess(advisor.load_profile(EXAMPLES / "support-reply-draft.yaml"), price_date=PRICE_DATE)
    assert "rounded on its own" not in render_text(draft) + render_adr(draft)


def test_a_p95_said_apart_from_the_budget_is_the_sum_of_terms_said_alike() -> None:
    """A p95 of 2.503 s against a budget of 2.5 s prints with the digits that tell them apart;
    the sum it is made of printed "= 1 x 2.50 s per call", an equation that did not hold as read."""
    from advisor.views.adr import render_adr
    from advisor.views.text import render_text

    data = advisor.load_profile(EXAMPLES / "support-reply-draft.yaml").model_dump(exclude_none=True)
    data.update(output_format="json", latency_budget_s=2.5, model_p50_s=2.0, model_p95_s=2.503)
    a = advisor.assess(data, price_date=PRICE_DATE)
    assert "end-to-end p95 2.503 s = 1 x 2.503 s per call; budget 2.500 s (OVER budget)" in render_text(a)
    assert "End-to-end p95 2.503 s (1 x 2.503 s measured per call;" in " ".join(render_adr(a).split())
    # The lever that makes it feasible sets its p95 beside the budget as specified too (was "2.50 s").
    assert [lever.because for lever in a.levers if lever.changes == {"latency_budget_s": 2.51}] == [
        "With a budget of 2.51 s: sync meets its contract; the end-to-end p95 is 2.503 s; the same cost."
    ]
    far = advisor.assess({**data, "latency_budget_s": 10}, price_date=PRICE_DATE)
    assert "end-to-end p95 2.50 s = 1 x 2.50 s per call; budget 10.0 s" in render_text(far)


def test_a_rule_weighing_for_options_that_miss_their_contracts_says_so() -> None:
    """An in-app help answer of 800 tokens against a 2 s budget: click-and-wait weighs for sync
    and streaming, which both miss their contracts (not ruled out: the rules want them, the
    numbers miss); a rule that did not decide says so, and the deciding ones come first."""
    from advisor.views.formatting import decisive_first, rule_role

    a = advisor.assess({
        "name": "In-app help answer", "interaction": "request_response", "latency_budget_s": 2,
        "input_tokens": 3000, "output_tokens": 800, "requests_per_month": 200_000, "peak_requests_per_minute": 40,
        "provider": "openai", "model": "gpt-5.4", "tier": "tier-2",
    }, price_date=PRICE_DATE)
    assert {u.mode for u in a.unmet} >= {"sync", "streaming"} and not a.feasible
    roles = {r.id: rule_role(a, r) for r in a.fired_rules}
    assert roles["ux-click-and-wait"] == (
        "weighed for Synchronous call and Streaming response, which miss their contracts; against Asynchronous job"
    )
    assert roles["ux-long-text-streams"] == (
        "decisive: weighed for Streaming response, which misses its contract; against Synchronous call"
    )
    # Async and batch are ruled out by other rules: that they also miss their contracts changes nothing.
    assert roles["latency-async-misses-budget"] == "no effect on this decision"
    assert [r.id for r in decisive_first(a)][: len(a.decided_by)] == list(a.decided_by)


@pytest.mark.parametrize(
    ("reason", "after_because"),
    [("User-facing text generation beyond 500 tokens should stream", "user-facing text generation"),
     ("The user is conversing", "the user is conversing"), ("OpenAI says", "OpenAI says"), ("GPT-5 is", "GPT-5 is"),
     ("Gemini-2.5 is", "Gemini-2.5 is"), ("UX first", "UX first")],
)
def test_a_reason_after_because_starts_in_lower_case_unless_it_starts_with_a_name(reason, after_because) -> None:
    """A record read "because User-facing text generation beyond 500 tokens should stream"."""
    from advisor.views.adr import _lower_first

    assert _lower_first(reason).startswith(after_because)
