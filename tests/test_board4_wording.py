"""Board read 4, P1, P5 and P6: what the records say they compared and priced.

- P1: ``cost-batch-pays-its-way`` weighs batch against the mode the rules would choose
  without it (async for a nightly pipeline, sync for a simple script), not against today's
  mode. Its role and the what-would-change line said "the mode it replaces" beside "Batch API
  costs $119 a month more than Synchronous call (today)", which read as a cost test batch
  passed against today's mode. They now name the mode and both totals.
- P5: a move's "Expected effect on the monthly bill" says the migration itself is not priced
  (a saving of $50 a month read as free beside a new endpoint version to ship).
- P6: a model lever that wins only against the current model's stand-in speed leads with the
  measurement, naming whose speed it is timed at, before it gives the price.
"""

from __future__ import annotations

import datetime
from typing import Any

from advisor import assess, load_profile, load_rules, render_adr

from .conftest import EXAMPLES

RULES = load_rules()
PRICE_DATE = datetime.date(2026, 11, 27)
DATE = "2026-11-27"

# The red team's judgement 7 workloads (reports/redteam-judgement-7-workloads), as given.
# J06: a nightly cron of sync calls at 12,000 requests a month.
NIGHTLY_CRON: dict[str, Any] = {
    "name": "Product description rewrite (cron script, sync calls)", "interaction": "pipeline",
    "latency_budget_s": 86400, "requests_per_month": 12000, "provider": "openai", "model": "gpt-5.4-mini",
    "input_tokens": 800, "output_tokens": 300, "downstream": "internal_service", "side_effects": "idempotent",
    "current_mode": "sync",
}
# J05: a category suggestion built as a queued job with polling; it returns in about 1 s.
OVERBUILT: dict[str, Any] = {
    "name": "Ticket category suggestion (running as async job today)", "interaction": "request_response",
    "latency_budget_s": 2, "requests_per_month": 250000, "peak_requests_per_minute": 40, "provider": "openai",
    "model": "gpt-5.4-mini", "input_tokens": 900, "output_tokens": 6, "model_p50_s": 0.55, "model_p95_s": 1.1,
    "output_format": "json", "downstream": "own_ui", "current_mode": "async",
}
# J01: a router on gpt-5.4-mini (no measured speed: a stand-in) before an answer on gpt-5.4.
ROUTER_CHAT: dict[str, Any] = {
    "name": "Help chat with intent router", "interaction": "chat", "latency_budget_s": 2.5,
    "requests_per_month": 600000, "peak_requests_per_minute": 60, "provider": "openai", "model": "gpt-5.4",
    "tier": "tier-3", "downstream": "own_ui",
    "steps": [
        {"name": "route", "model": "gpt-5.4-mini", "input_tokens": 700, "output_tokens": 8},
        {"name": "answer", "tool_latency_s": 0.3, "input_tokens": 3500, "output_tokens": 450,
         "cached_input_fraction": 0.5},
    ],
}


def _record(workload: Any) -> str:
    a = assess(workload, RULES, price_date=PRICE_DATE)
    return " ".join(render_adr(a, template="madr", date=DATE).split())


def test_the_batch_cost_rule_names_the_mode_it_weighed_batch_against_and_both_totals() -> None:
    """J06: batch passed against async ($143 against $296), not against today's sync at $23.40,
    which the Decision Outcome still says batch costs $119 a month more than."""
    record = _record(NIGHTLY_CRON)
    assert ("- `cost-batch-pays-its-way` (finds that Batch API costs less than Asynchronous job, the mode the rules"
            " would choose without it, at $143 a month against $296, though more than today's Synchronous call at"
            " $23.40): ") in record
    assert "costs less than the mode it would replace" not in record
    assert "Batch API costs $119 a month more than Synchronous call (today)" in record


def test_what_would_change_says_what_the_batch_cost_rule_compared_at_the_flip() -> None:
    """J06 at 990 requests: the simple-script rule makes sync the mode batch would replace, and
    batch costs more than it there; the line says so, with the figures at 990 requests."""
    record = _record(NIGHTLY_CRON)
    assert ("`requests_per_month` = 990, instead of 12,000: a synchronous call. Batch API is ruled out: Batch must cost less than the"
            " mode it replaces (cost-batch-pays-its-way), the one the rules would choose without it; here that is"
            " Synchronous call, at $1.93 a month against Batch API's $132.") in record


def test_a_flip_into_batch_says_it_is_weighed_against_async_and_that_sync_costs_less() -> None:
    """The monthly cron report (madr 0008): at 1,000 requests batch is no longer weighed against
    the simple script but against async; sync, the recommendation as specified, still costs
    less, and the line says so. Its role names the sync it lost to, with both totals."""
    a = assess(load_profile(EXAMPLES / "monthly-cron-report.yaml"), RULES, price_date=PRICE_DATE)
    volume = next(c for c in a.what_would_change if c.fact == "requests_per_month" and c.value == 1000)
    assert volume.because == (
        "Batch API is no longer ruled out: Batch must cost less than the mode it replaces (cost-batch-pays-its-way),"
        " the one the rules would choose without it; here that is Asynchronous job, at $397 a month against Batch"
        " API's $249 (Synchronous call, recommended as specified, costs $125 there)."
    )
    record = " ".join(render_adr(a, template="madr", date=DATE).split())
    assert ("`cost-batch-pays-its-way` (decisive: rules out Batch API: it costs no less than Synchronous call, the"
            " mode the rules would choose without it, at $243 a month against $112): ") in record


def test_a_move_says_its_migration_is_not_priced() -> None:
    """J05 (async -> sync): "a saving of $50 a month" with no build beside a new endpoint version
    and polling clients to move; the bill line says the migration itself is not priced."""
    record = _record(OVERBUILT)
    assert ("3. Expected effect on the monthly bill: a saving of $50 a month; no build is added, and the migration"
            " itself (the steps above) is not priced.") in record
    assert record.count("is not priced.") == 1
    batch = _record(NIGHTLY_CRON)
    assert "batch pays for itself from 134,473 requests a month; beyond the new mode's build, the migration itself" \
        " (the steps above) is not priced." in batch


def test_a_model_lever_on_a_stand_in_speed_leads_with_the_measurement() -> None:
    """J01: the bigger router's $785 a month came first, the stand-in caveat last; the lever now
    opens with whose speed gpt-5.4-mini is timed at and to measure it, then the lever."""
    record = _record(ROUTER_CHAT)
    assert ("gpt-5.4-mini is timed at a stand-in, gpt-4.1-mini's 0.93 s median first token, not at its own speed,"
            " so the route step's lateness may be an artefact: measure gpt-5.4-mini before paying for this. With"
            " gpt-5.4 for the route step: streaming meets its contract; the first token arrives at 1.67 s (p95);"
            " $785 a month more than as specified.") in record
    assert "own speed is a stand-in: measure it before" not in record
