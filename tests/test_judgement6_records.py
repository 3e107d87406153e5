"""The sixth judgement review's workloads (redteam-judgement-6): the wording of its records
and verdicts that it found wrong, on the architect's own files (tests/fixtures/judgement-6),
assessed at the review's price date: a model shut down in 4 days said where the board reads
the decision (A6), a retry rate said as the share of calls it is (A7), DeepSeek's peak rate
said as the price the bill is at (A8), and a miss on a speed measured under other conditions
(A3) or on a chat model's stand-in for an embedding (A4) said as such."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor import assess, load_rules, render_adr
from advisor.views.formatting import retries_in_words
from advisor.views.text import render_text

RULES = load_rules()
HERE = Path(__file__).resolve().parent / "fixtures" / "judgement-6"
REVIEWED = datetime.date(2026, 11, 27)  # the review's --price-date
DATE = "2026-11-27"


def fields(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((HERE / f"{name}.yaml").read_text(encoding="utf-8"))
    return data


def decide(name: str, **changes: Any):
    return assess({**fields(name), **changes}, RULES, price_date=REVIEWED)


def flat(text: str) -> str:
    return " ".join(text.split())


def decision(record: str, template: str) -> str:
    """The paragraph that states the decision: MADR's Decision Outcome, Nygard's Decision."""
    if template == "madr":
        return flat(record.split("## Decision Outcome\n")[1].split("### Consequences")[0])
    return flat(record.split("## Decision\n")[1].split("\n**")[0])


def driver(record: str, name: str) -> str:
    (line,) = [line for line in record.splitlines() if f"**{name}**" in line]
    return line


# -- A6: a model shut down soon is in the decision, with what it means for the money ---------

SHUTDOWN = (
    "**Model retiring:** Google (Gemini API) shuts gemini-2.5-flash down on 2026-12-01, 4 days after the price"
    " date: from then requests to it are answered by gemini-3.5-flash-lite, at that model's prices, so this decision"
    " holds only until the move to a current model;"
)
MONEY = (
    "The monthly costs bill gemini-2.5-flash's calls at its own prices for the whole month; those prices hold only"
    " until 2026-12-01."
)


@pytest.mark.parametrize("template", ["madr", "nygard"])
def test_a_model_shut_down_in_four_days_is_said_in_the_decision_with_its_date_and_its_cost(template):
    record = render_adr(decide("Z18-gemini25-flash-enrichment"), template=template, date=DATE)
    said = decision(record, template)
    assert SHUTDOWN in said and MONEY in said
    # Before the rules that decided it: where the board reads, not after the levers.
    assert said.index("**Model retiring:**") < said.index("Decided by")
    # The risk among the consequences starts with the provider's name, as a sentence does.
    if template == "madr":
        assert "- Bad, because of a risk: Google (Gemini API) shuts gemini-2.5-flash down on 2026-12-01" in record
        assert "because of a risk: google" not in record
    else:
        assert "- Risk: Google (Gemini API) shuts gemini-2.5-flash down on 2026-12-01" in record


def test_the_decision_says_a_shutdown_by_the_headlines_rule_however_far_off():
    # The text summary's headline says every shutdown announced after the price date; the
    # record's decision says the same, with the same words: gpt-4.1-mini's, 48 days off.
    a = decide("Z03-moderation-in-request-path")
    head = flat(render_text(a).split("\n\n")[0])
    money = ("The monthly costs bill gpt-4.1-mini's calls at its own prices for the whole month; those prices hold"
             " only until 2027-01-14.")
    assert "Model retiring: OpenAI shuts gpt-4.1-mini down on 2027-01-14, 48 days after the price date" in head
    assert money in head
    for template in ("madr", "nygard"):
        said = decision(render_adr(a, template=template, date=DATE), template)
        assert "**Model retiring:** OpenAI shuts gpt-4.1-mini down on 2027-01-14, 48 days after" in said
        assert money in said
    # A model with no shutdown announced (claude-sonnet-4-6; the fixture's claude-sonnet-4-5 shuts
    # down on 2026-11-30): nothing said.
    calm = decide("Z17-refund-agent-background", model="claude-sonnet-4-6")
    assert "Model retiring" not in render_adr(calm, date=DATE) + render_text(calm)


# -- A7: a retry rate is a share of calls; a request of several calls sees more retries -----


@pytest.mark.parametrize("template", ["madr", "nygard"])
def test_the_retry_driver_says_calls_as_the_assumption_does_and_the_requests_that_see_one(template):
    a = decide("Z17-refund-agent-background")  # 5 calls a request, retry_rate 0.03
    assert a.latency.calls == 5
    record = render_adr(a, template=template, date=DATE)
    line = driver(record, "Failure modes and retry semantics")
    assert ("3% of calls are retried once; about 14% of requests (1 - 0.97^5, over 5 calls each) see at least one"
            " retry.") in line
    assert "of requests are retried" not in record
    # The assumption and the cost note say calls too.
    assert "Retries: 3% of calls are retried once; a retried call adds a whole attempt" in record
    assert "over 5 calls of 3 steps, each at its own model's prices, 3% of calls retried." in record
    # One call a request: a call's share is the request's, and nothing more is said.
    one = decide("Z18-gemini25-flash-enrichment", retry_rate=0.03)
    line = driver(render_adr(one, template=template, date=DATE), "Failure modes and retry semantics")
    assert line.endswith("3% of calls are retried once.") and "requests (" not in line


def test_the_share_of_requests_that_see_a_retry_is_worked_out_over_the_calls():
    assert retries_in_words(0.0, 5) == "0% of calls are retried"
    assert retries_in_words(0.02, 1) == "2% of calls are retried once"
    assert retries_in_words(0.02, 5).endswith("about 10% of requests (1 - 0.98^5, over 5 calls each) see at least one"
                                              " retry")
    # At or near every call, every request: never "about 100%", and no working in exponent form.
    assert retries_in_words(1.0, 3).endswith("; every request sees at least one retry")
    assert retries_in_words(1 - 1e-9, 2).endswith("; nearly every request (over 2 calls each) sees at least one retry")
    assert retries_in_words(0.9, 3).endswith("; nearly every request (1 - 0.1^3, over 3 calls each) sees at least one"
                                             " retry")


def test_the_questionnaire_asks_for_the_share_of_calls_retried():
    from questionnaire.vocabulary import FIELD_LABELS, HELP

    assert FIELD_LABELS["retry_rate"] == "Calls retried"
    assert HELP["retry_rate"].startswith("Share of model calls that fail once and are retried")
    # Its example is the formula the record uses: 1 - 0.98^5 is about 10%.
    assert "at 2% of calls, a request of 5 calls sees at least one about 10% of the time" in HELP["retry_rate"]


# -- A8: DeepSeek's peak rate is said as the price the token bill is at ---------------------

PEAK = "DeepSeek's peak rate (its price at 02:00 UTC, an upper bound: calls made off-peak bill less)"


@pytest.mark.parametrize("template", ["madr", "nygard"])
def test_a_bill_at_deepseeks_peak_rate_says_so_where_it_is_given_and_watched(template):
    record = render_adr(decide("Z10-deepseek-nightly-summaries"), template=template, date=DATE)
    assert f"$2,880 a month in tokens at {PEAK}, no batch API" in driver(record, "Cost and burst")
    assert "at standard prices" not in driver(record, "Cost and burst")
    (watched,) = [line for line in record.splitlines() if "token bill stays near" in line]
    assert f"($2,880 a month at 1,000,000 requests) at {PEAK} plus what deepseek-flash reasons" in watched
    # No off-peak figure is made up: the bill is priced at one hour (the peak). The off-peak
    # hours' month, read from the price data, is said only as what running there would save
    # (N9, tests/test_offpeak.py), never as a priced figure.
    said = [line for line in record.splitlines() if "$1,440" in line]
    assert len(said) == 1 and "Run in DeepSeek's off-peak hours (" in said[0]
    assert "| $2,880 | $50.00 |" in record


def test_a_bill_at_prices_of_the_workloads_own_or_of_a_service_tier_says_whose():
    # The workload's own prices depend on no hour: standard prices, no peak rate.
    own = decide("Z10-deepseek-nightly-summaries", pricing={"input_per_mtok": 0.3, "output_per_mtok": 1.2})
    line = driver(render_adr(own, date=DATE), "Cost and burst")
    assert "in tokens at standard prices, no batch API" in line and "peak rate" not in line
    # The flex tier's prices are flex prices, not standard ones.
    flex = decide("Z18-gemini25-flash-enrichment", provider="openai", model="gpt-5-mini", service_tier="flex")
    assert "a month in tokens at flex prices," in driver(render_adr(flex, date=DATE), "Cost and burst")


# -- A3 and A4: a miss on a speed measured under other conditions, or on a chat stand-in -----

BENCHMARK = (
    "The speed of gpt-4.1-mini (measured with 10,000 input tokens) is a benchmark's, not this call's (see the"
    " assumptions): measure the call and give its p95 as model_p95_s (ttft_s for the first token) before acting on"
    " this verdict."
)


def test_a_miss_on_a_benchmarks_speed_says_the_benchmark_measured_another_call():
    a = decide("Z03-moderation-in-request-path")  # 300 input tokens; gpt-4.1-mini measured with 10,000
    assert not a.feasible and a.latency.benchmarked == ("gpt-4.1-mini (measured with 10,000 input tokens)",)
    assert a.infeasible_reason is not None and a.infeasible_reason.endswith(BENCHMARK)
    assert BENCHMARK in flat(render_text(a).split("\n\n")[0])
    assert BENCHMARK in decision(render_adr(a, date=DATE), "madr")
    assert a.model_dump(mode="json")["latency"]["benchmarked"] == ["gpt-4.1-mini (measured with 10,000 input tokens)"]
    # The call measured: its own time, nothing to caveat.
    measured = decide("Z03-moderation-in-request-path", model_p95_s=1.5)
    assert not measured.feasible and "benchmark" not in (measured.infeasible_reason or "")
    # Within the budget: only a miss is said so (no threshold on how unlike the benchmark's call).
    met = decide("Z03-moderation-in-request-path", latency_budget_s=5)
    assert met.feasible and "benchmark" not in render_text(met).split("\n\n")[0]


def test_an_embedding_timed_at_a_stand_in_says_the_stand_in_is_a_generating_models():
    a = decide("Z05-query-embedding")
    assert not a.feasible and a.latency.stand_ins == ("text-embedding-3-small",)
    assert a.infeasible_reason is not None
    assert ("text-embedding-3-small has no measured speed, so it is timed at a stand-in taken from text-generating"
            " models (see the assumptions): measure the call and give its p95 as model_p95_s before acting on this"
            " verdict.") in a.infeasible_reason
