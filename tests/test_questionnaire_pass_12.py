"""The questionnaire's follow-ups from the twelfth pass: an engineering manager preparing an
architecture review loads three workloads (a chat streamed from a 10 s serverless function, a
report API behind API Gateway's 29 s, a classify-then-enrich chain whose shown step is the
first), builds a chain of their own, and reads card and tabs in a real browser.

Faults, each something a person sees:

- The chat streamed from a 10 s function misses its contract because the caller gives up
  before the whole answer (14.3 s) comes, but the card read "First token at p95 0.67 s" over a
  green "budget 3.00 s" under a red "misses its contract". The card now says the caller gives up
  at 10.0 s, in red.
- The caller's timeout line the CLI's and the record's Latency sections give (the share cut
  off, the caveat on an estimated tail close to the timeout, the hint that a webhook sender is
  a pipeline) was on no tab but the record's: the Latency & capacity tab now says it, in the
  form's words.
- A chain whose shown step is not the last: the CLI says "step 'classify' done at 1.98 s
  (p95)", the time a split answers at; the Latency & capacity tab did not.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from streamlit.proto.Metric_pb2 import Metric
from streamlit.testing.v1 import AppTest

import advisor
from advisor.views.formatting import seconds

from .test_app import block, ok, open_tab, texts

pytestmark = pytest.mark.slow

# /work/scratch/judge14/04-vercel-10s-chat.yaml
VERCEL: dict[str, Any] = {
    "name": "Docs assistant on a 10 s serverless function", "interaction": "chat", "latency_budget_s": 3,
    "caller_timeout_s": 10, "input_tokens": 3000, "output_tokens": 1200, "requests_per_month": 50000,
    "peak_requests_per_minute": 20, "provider": "openai", "model": "gpt-5.4", "tier": "tier-2",
    "downstream": "own_ui", "side_effects": "none", "current_mode": "streaming",
}
# /work/scratch/judge14/03-api-gateway-29s.yaml
GATEWAY: dict[str, Any] = {
    "name": "Public report API behind API Gateway", "interaction": "service_call", "latency_budget_s": 30,
    "caller_timeout_s": 29, "input_tokens": 4000, "output_tokens": 2500, "requests_per_month": 40000,
    "peak_requests_per_minute": 20, "provider": "anthropic", "model": "claude-sonnet-4-6", "tier": "build",
    "downstream": "external_api", "side_effects": "none", "current_mode": "sync",
}
# /work/scratch/judge15/01-classify-then-enrich.yaml
CHAIN: dict[str, Any] = {
    "name": "Lead classify then enrich", "interaction": "request_response", "latency_budget_s": 2,
    "requests_per_month": 60000, "provider": "openai", "model": "gpt-5.4-mini", "tier": "tier-2",
    "steps": [
        {"name": "classify", "input_tokens": 800, "output_tokens": 20, "shown": True},
        {"name": "enrich", "model": "gpt-5.4", "input_tokens": 6000, "output_tokens": 1500},
    ],
    "downstream": "own_ui",
}


def _load(at: AppTest, answers: dict[str, Any]) -> AppTest:
    text = yaml.safe_dump(answers, sort_keys=False)
    at.file_uploader[0].set_value(("answers.yaml", text.encode(), "application/yaml")).run()
    return ok(at)


def _latency_tab(at: AppTest, answers: dict[str, Any]) -> str:
    return texts(block(open_tab(_load(at, answers), "Latency & capacity"), "result_tab")).replace("**", "")


def test_a_stream_cut_off_by_its_caller_says_so_beside_its_budget(at: AppTest) -> None:
    a = advisor.assess(advisor.parse_profile(VERCEL))
    assert (a.recommendation, a.feasible) == ("streaming", False)
    assert a.latency.time_to_first_token_s <= 3 < a.latency.end_to_end_p95_s
    first = next(m for m in block(_load(at, VERCEL), "verdict").metric if m.label == "First token at p95")
    assert (first.value, first.proto.delta) == ("0.67 s", "the caller gives up at 10.0 s, budget 3.00 s")
    # Red, as the badge above it: not the green of a figure that fits.
    assert Metric.MetricColor.Name(first.proto.color) == "RED"
    # Without the caller's timeout the same stream meets its contract, and its budget stands alone.
    free = {k: v for k, v in VERCEL.items() if k != "caller_timeout_s"}
    first = next(m for m in block(_load(at, free), "verdict").metric if m.label == "First token at p95")
    assert (first.proto.delta, Metric.MetricColor.Name(first.proto.color)) == ("budget 3.00 s", "GREEN")


def test_the_latency_tab_says_what_the_callers_timeout_does(at: AppTest) -> None:
    shown = _latency_tab(at, VERCEL)
    assert "The caller gives up after 10.0 s: about 100% of calls would be cut off" in shown


def test_the_latency_tab_says_an_estimated_tail_is_close_to_the_timeout_in_the_forms_words(at: AppTest) -> None:
    a = advisor.assess(advisor.parse_profile(GATEWAY))
    assert a.recommendation == "async" and seconds(a.latency.end_to_end_p99_s) == "25.5 s"
    shown = _latency_tab(at, GATEWAY)
    assert "whose p99 of 25.5 s is close to the timeout" in shown
    assert "\u201cMeasured p95 of one model call\u201d" in shown and "model_p95_s" not in shown
    assert (
        "is \u201cWho waits for the answer\u201d: \u201cPipeline\u201d, not \u201cService call\u201d" in shown
    )
    assert "interaction: pipeline" not in shown


def test_the_latency_tab_says_when_the_shown_step_is_done(at: AppTest) -> None:
    a = advisor.assess(advisor.parse_profile(CHAIN))
    done = seconds(a.latency.shown_step_p95_s)
    assert done == "1.98 s" and a.latency.end_to_end_p95_s > 2
    shown = _latency_tab(at, CHAIN)
    assert f"The step the person reads, classify, is done after {done} at p95, within the budget" in shown


def test_a_chain_whose_shown_step_is_last_says_no_shown_step_done(at: AppTest) -> None:
    # Its shown step done is the whole answer: nothing to add.
    last = dict(CHAIN, steps=[dict(CHAIN["steps"][0], shown=None), dict(CHAIN["steps"][1], shown=True)])
    assert "The step the person reads" not in _latency_tab(at, last)


def test_the_card_shows_when_the_shown_step_is_done(at: AppTest) -> None:
    # The rep reads the segment (classify) and the brief (enrich) goes into the CRM: the card read
    # only "Answer at p95 19.6 s" in red, not that the step the rep waits for is done in time,
    # the figure the advice to answer at the shown step and run the rest as a job turns on.
    a = advisor.assess(advisor.parse_profile(CHAIN))
    assert "answer_at_the_shown_step" in [p.id for p in a.patterns]
    metrics = {m.label: m for m in block(_load(at, CHAIN), "verdict").metric}
    assert metrics["Answer at p95"].value == "19.6 s"
    done = metrics["Shown step done at p95"]
    assert (done.value, done.proto.delta, Metric.MetricColor.Name(done.proto.color)) == (
        "1.98 s", "budget 2.00 s", "GREEN"
    )
    assert "classify" in done.proto.help
    # A budget the whole chain fits (a job's 20 s): nothing to split, no such figure on the card.
    labels = [m.label for m in block(_load(at, dict(CHAIN, latency_budget_s=20)), "verdict").metric]
    assert "Shown step done at p95" not in labels
    # A single call has no step after the shown one: no such figure.
    single = {k: v for k, v in CHAIN.items() if k != "steps"} | {"input_tokens": 800, "output_tokens": 20}
    labels = [m.label for m in block(_load(at, single), "verdict").metric]
    assert "Shown step done at p95" not in labels
