"""Acceptance tests: the seeds' worked cases, reproduced by the default rule set."""

from __future__ import annotations

import pytest

from advisor import assess, load_profile
from advisor.views.text import render_text

from .conftest import PRICE_DATE

BASE = {
    "name": "case",
    "interaction": "request_response",
    "latency_budget_s": 10,
    "input_tokens": 800,
    "output_tokens": 200,
    "requests_per_month": 20000,
    "model": "gpt-4o-mini",
}


def decide(**fields):
    return assess({**BASE, **fields}, price_date=PRICE_DATE, what_if=False)


def decide_file(path: str):
    return assess(load_profile(path), price_date=PRICE_DATE, what_if=False)


# -- seed 000: practice scenarios and the 30-second gray zone ---------------------------

@pytest.mark.parametrize(
    "path, mode, contract",
    [
        # 1. IDE inline code completion -> "sync" (latency-critical): a synchronous contract,
        #    streamed, as seed 004 says of code completion.
        ("examples/code-completion.yaml", "streaming", "synchronous"),
        # 2. Nightly classification of 10K support tickets -> batch.
        ("examples/nightly-ticket-triage.yaml", "batch", "asynchronous"),
        # 3. Long document summary from a button click, 30-60 s -> async.
        ("examples/document-summary-button.yaml", "async", "asynchronous"),
        # 4. Real-time chat -> "sync" (user waiting): a synchronous contract, streamed.
        ("examples/chatbot.yaml", "streaming", "synchronous"),
        # 5. Embedding 5M docs for a new RAG corpus -> batch.
        ("examples/rag-corpus-embedding.yaml", "batch", "asynchronous"),
    ],
)
def test_seed_000_practice_scenarios(path, mode, contract):
    result = decide_file(path)
    assert result.recommendation == mode
    assert result.contract == contract


def test_seed_000_gray_zone_30_seconds():
    result = decide_file("examples/gray-zone-30s.yaml")
    assert result.recommendation == "async"
    assert {"sync", "streaming"} <= {e.mode for e in result.excluded}
    patterns = {p.id for p in result.patterns}
    # Seed 002: async with polling plus streaming to show progress; seed 004: a sync fast path.
    assert patterns == {"streaming_progress", "async_sync_fast_path"}
    # What guides the decision is the 5-second line: a fast model keeps it synchronous.
    fast = assess({**load_profile("examples/gray-zone-30s.yaml").model_dump(), "model_p95_s": 2.5},
                  price_date=PRICE_DATE, what_if=False)
    assert fast.recommendation == "sync"


# -- seed 001: pattern comparison table ---------------------------------------------------

def test_seed_001_sync_for_simple_scripts():
    result = decide(interaction="pipeline", latency_budget_s=3600, requests_per_month=60)
    assert result.recommendation == "sync"


def test_seed_001_a_simple_script_with_side_effects_stays_a_script_with_a_key():
    # A monthly script of 200 calls whose writes are not idempotent. Seed 002: batch needs an
    # idempotency key (its custom_id) as much as a script does, so the side effect is no reason
    # to leave a direct call (seed 001: sync for simple scripts; seed 003: 1K requests, direct).
    # It went to the Batch API at $129 a month more than the script.
    script = dict(interaction="pipeline", latency_budget_s=86400, input_tokens=5000, output_tokens=600,
                  requests_per_month=200, provider="anthropic", model="claude-sonnet-4-6",
                  downstream="internal_service")
    result = decide(**script, side_effects="non_idempotent")
    assert result.recommendation == "sync"
    assert result.recommendation == decide(**script, side_effects="idempotent").recommendation
    assert any(item.startswith("An idempotency key on every request (the row's or record's id)")
               for item in result.checklist)
    # A request someone makes still weighs its side effects: its caller retries it.
    assert "failure-duplicate-side-effects" in {r.id for r in decide(side_effects="non_idempotent").fired_rules}


def test_seed_001_async_for_web_services_is_a_sync_contract_with_an_async_client():
    # Seed 001's "async" is non-blocking I/O (asyncio) under a request/response contract:
    # the caller still waits for the answer, so the contract is synchronous.
    result = decide(interaction="service_call", downstream="internal_service", latency_budget_s=5,
                    output_tokens=120, peak_requests_per_minute=600, requests_per_month=2_000_000)
    assert result.contract == "synchronous"


def test_seed_001_streaming_for_chat_apps():
    assert decide(interaction="chat", latency_budget_s=3).recommendation == "streaming"


def test_seed_001_batch_for_bulk_processing():
    result = decide(interaction="pipeline", latency_budget_s=86400, requests_per_month=500_000)
    assert result.recommendation == "batch"


# -- seed 002: latency-tolerance categories and the database-vs-UI rule ----------------------

def test_seed_002_under_5_seconds_is_real_time():
    result = decide(latency_budget_s=3, output_tokens=100)
    assert result.contract == "synchronous"


def test_seed_002_5_to_60_seconds_is_async_with_streaming_progress():
    result = decide(latency_budget_s=45, model_p95_s=20)
    assert result.recommendation == "async"
    assert "streaming_progress" in {p.id for p in result.patterns}


def test_seed_002_minutes_to_an_hour_is_async():
    result = decide(interaction="submit_and_notify", latency_budget_s=1200, requests_per_month=200_000)
    assert result.recommendation == "async"


def test_seed_002_hours_or_overnight_is_batch():
    result = decide(interaction="pipeline", latency_budget_s=8 * 3600, requests_per_month=200_000)
    assert result.recommendation == "batch"


def test_seed_002_database_versus_ui():
    enrichment = dict(input_tokens=5000, output_tokens=300, output_format="json", requests_per_month=100_000)
    into_database = decide(interaction="pipeline", latency_budget_s=4 * 3600, downstream="internal_service", **enrichment)
    on_screen = decide(interaction="request_response", latency_budget_s=4, **enrichment)
    assert into_database.recommendation == "batch"
    assert on_screen.contract == "synchronous"


# -- seed 003: architecture decision matrix -------------------------------------------------

@pytest.mark.parametrize(
    "situation, fields, expected",
    [
        ("chat interface, user watching", dict(interaction="chat", latency_budget_s=3), {"streaming"}),
        ("classification/routing under 100 tokens",
         dict(interaction="service_call", output_tokens=20, output_format="json", latency_budget_s=2), {"sync"}),
        ("embedding at request time",
         dict(interaction="service_call", output_format="embedding", output_tokens=0, latency_budget_s=1,
              model="text-embedding-3-small"), {"sync"}),
        ("embedding for bulk indexing",
         dict(interaction="pipeline", output_format="embedding", output_tokens=0, latency_budget_s=86400,
              requests_per_month=2_000_000, model="text-embedding-3-small"), {"batch"}),
        ("content generation, user-facing",
         dict(interaction="inline_edit", output_tokens=1500, latency_budget_s=3), {"streaming"}),
        ("content generation, backend",
         dict(interaction="pipeline", output_tokens=1500, latency_budget_s=86400, requests_per_month=50_000), {"batch"}),
        ("evaluation pipeline",
         dict(interaction="pipeline", latency_budget_s=86400, requests_per_month=5_000), {"batch"}),
        ("dataset labeling, 1K+ items",
         dict(interaction="pipeline", latency_budget_s=86400, requests_per_month=1_000, output_format="json"), {"batch"}),
        ("real-time moderation",
         dict(interaction="service_call", output_tokens=10, output_format="json", latency_budget_s=1), {"sync"}),
        ("multi-model chain, two steps",
         dict(chained_calls=2, output_tokens=60, latency_budget_s=3), {"sync"}),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_seed_003_decision_matrix(situation, fields, expected):
    assert decide(**fields).recommendation in expected


def test_seed_003_hybrid_real_time_plus_bulk():
    result = decide(interaction="chat", latency_budget_s=3, requests_per_month=2_000_000)
    assert result.recommendation == "streaming"
    assert "batch_backlog" in {p.id for p in result.patterns}


# -- seed 004: UX examples, the ordered decision rule, the scoring table ---------------------

@pytest.mark.parametrize(
    "path, mode",
    [
        ("examples/chatbot.yaml", "streaming"),  # "A chatbot reply is sync" -> streaming sync (step 3)
        ("examples/contract-risk-review.yaml", "async"),  # the 90-page contract
        ("examples/code-completion.yaml", "streaming"),  # "A code completion is streaming sync"
        ("examples/nightly-content-audit.yaml", "batch"),  # "A nightly content audit is batch async"
    ],
)
def test_seed_004_ux_examples(path, mode):
    assert decide_file(path).recommendation == mode


def test_seed_004_step_1_compliance_goes_async_whatever_the_latency():
    for interaction in ("chat", "request_response", "service_call"):
        result = decide(interaction=interaction, downstream="compliance_critical", latency_budget_s=2,
                        model_p95_s=0.5, output_format="json")
        assert result.recommendation == "async"
        assert "failure-compliance-audit-trail" in result.decided_by


def test_seed_004_step_2_slow_p95_goes_async():
    result = decide(model_p95_s=8, latency_budget_s=20)
    assert result.recommendation == "async"
    assert {"sync", "streaming"} <= {e.mode for e in result.excluded}


def test_seed_004_step_2_more_than_two_chained_calls_go_async():
    # Seed 004's example agent: 1.2 s x 4 + tools, its calls slow together (their p95s add up).
    result = decide(chained_calls=4, model_p95_s=1.2, tool_latency_s=2, latency_budget_s=10, latency_correlation=1)
    assert result.latency.end_to_end_p95_s == pytest.approx(6.8)
    assert result.recommendation == "async"
    # At the advisor's default correlation the chain is a little quicker at p95; the same answer.
    default = decide(chained_calls=4, model_p95_s=1.2, tool_latency_s=2, latency_budget_s=10)
    assert 6.0 < default.latency.end_to_end_p95_s < 6.8
    assert default.recommendation == "async"
    two_steps = decide(chained_calls=2, model_p95_s=1.0, latency_budget_s=3)
    assert two_steps.recommendation == "sync"  # seed 003 keeps a two-step chain synchronous


def test_seed_004_step_3_conversation_streams():
    assert decide(interaction="chat", latency_budget_s=2).recommendation == "streaming"
    assert decide(interaction="inline_edit", latency_budget_s=1, output_tokens=30).recommendation == "streaming"


def test_seed_004_step_4_fast_json_for_own_ui_is_plain_sync():
    result = decide(output_format="json", model_p95_s=1.2, latency_budget_s=2.5)
    assert result.recommendation == "sync"
    assert "downstream-own-ui-fast-json" in result.decided_by


def test_seed_004_step_5_async_with_a_sync_wrapper():
    result = decide(interaction="service_call", downstream="external_api", model_p95_s=6, latency_budget_s=30)
    assert result.recommendation == "async"
    assert "async_sync_fast_path" in {p.id for p in result.patterns}


def test_seed_004_scoring_table_async_wins_long_jobs_and_bursts():
    # "UX fit for long-running jobs: Terrible / Mediocre / Best"
    long_job = decide(interaction="submit_and_notify", latency_budget_s=900, output_tokens=3000)
    assert long_job.ranking[0].mode == "async"
    # "Burst absorption: Poor / Poor / Good" and rate limits: over the limit, sync is penalised.
    burst = decide(peak_requests_per_minute=50_000, requests_per_month=5_000_000, model_p95_s=2)
    assert burst.capacity.over_limit
    assert burst.rank_of("async").total > burst.rank_of("sync").total


def test_every_recommendation_names_the_rules_that_decided_it():
    for path in ("examples/chatbot.yaml", "examples/nightly-ticket-triage.yaml", "examples/gray-zone-30s.yaml"):
        result = decide_file(path)
        fired = {r.id for r in result.fired_rules}
        assert result.decided_by and set(result.decided_by) <= fired


def test_the_reason_is_one_sentence_from_the_decisive_rule():
    result = decide_file("examples/chatbot.yaml")
    lead = next(r for r in result.fired_rules if r.id == result.decided_by[0])
    assert " ".join(lead.because.split()).startswith(result.reason)
    assert result.reason.endswith(".") and "MicroSim" not in result.reason
    assert "The MicroSim files chat" in lead.because  # the reconciliation of the sources stays with the rule


def test_the_headline_argues_for_the_chosen_mode_not_against_another():
    """The line under the verdict says why this mode. A monthly script is decided first by
    batch not paying its way, an hourly pipeline by batch's window being too long: said under
    SYNC or ASYNC, those explain why batch lost ("Batch is recommended only where ...",
    "Results needed within the hour ... cannot wait for a batch API"). ``decided_by`` keeps
    its order; the headline is its first rule that argues for the mode chosen."""
    script = decide_file("examples/monthly-cron-report.yaml")
    verdict, headline = render_text(script).splitlines()[:2]
    assert verdict.endswith(": SYNC (synchronous contract)")
    assert script.decided_by == ["cost-batch-pays-its-way", "ux-simple-script"]
    assert headline.startswith("  A background job of a few hundred calls a month is a simple script: a direct call")
    hourly = decide(interaction="pipeline", latency_budget_s=3600, requests_per_month=200_000)
    assert (hourly.recommendation, hourly.decided_by[0]) == ("async", "latency-batch-window-too-short")
    assert hourly.reason == ("With minutes to an hour (an hour itself included) the user submitted something"
                             " and walked away: async is correct.")
    # A rule that keeps the chosen mode's contract speaks for it: "real-time, no choice" for a
    # call someone waits on, ahead of the rules that score sync up.
    # (A webhook that posts a comment, which async scores above sync.)
    watched = decide(interaction="service_call", input_tokens=2000, output_tokens=250, requests_per_month=300_000,
                     peak_requests_per_minute=300, provider="anthropic", model="claude-sonnet-4-6",
                     downstream="external_api", side_effects="non_idempotent", retry_rate=0.03)
    assert (watched.recommendation, watched.decided_by[0]) == ("sync", "latency-realtime-window")
    assert watched.reason.startswith("Under 5 seconds the user is watching (or a calling service is blocked")
