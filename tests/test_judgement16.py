"""Red team, judgement round 16 (/work/scratch/reports/redteam-judgement-16.md).

F1: a support copilot's chat streams its shown step (the answer, first token 3.50 s at p95
inside a 6 s budget), and a tagger runs after it for weekly analytics. Without the tagger the
same chat is a feasible stream; with it advisor said "async, not feasible (13.2 s)" and gave no
advice to split, because the split pattern compared the shown step's *whole* answer (6.86 s)
with the budget, while a conversation's stream is judged on its first token.
"""

from __future__ import annotations

from typing import Any

import pytest

from advisor import assess, load_rules

from .conftest import PRICE_DATE

RULES = load_rules()
PATTERN = "answer_at_the_shown_step"

# /work/scratch/judge16/02-shown-middle-step.yaml, as written.
COPILOT_WITH_TAGGER: dict[str, Any] = {
    "name": "Support copilot with a post-hoc tagger",
    "interaction": "chat",
    "latency_budget_s": 6,
    "requests_per_month": 400000,
    "peak_requests_per_minute": 60,
    "provider": "anthropic",
    "model": "claude-haiku-4-5",
    "steps": [
        {"name": "rewrite", "input_tokens": 800, "output_tokens": 60, "tool_latency_s": 0.4},
        {"name": "answer", "model": "claude-sonnet-4-6", "input_tokens": 5000, "output_tokens": 350, "shown": True},
        {"name": "tag", "input_tokens": 1500, "output_tokens": 300},
    ],
    "downstream": "own_ui",
    "side_effects": "none",
}


def _with(**changes: Any) -> dict[str, Any]:
    return {**COPILOT_WITH_TAGGER, **changes}


def test_a_chat_whose_streamed_shown_step_starts_in_budget_is_told_to_split_off_the_steps_after_it():
    a = assess(COPILOT_WITH_TAGGER, RULES, price_date=PRICE_DATE)
    f = a.facts
    # The reader sees the answer start inside the budget; its whole answer and the chain do not fit.
    assert f["time_to_first_token_s"] <= 6 < f["shown_step_p95_s"] < f["end_to_end_p95_s"]
    # Without the tagger the same chat is a feasible stream: the tagger alone costs it that.
    alone = assess(_with(steps=COPILOT_WITH_TAGGER["steps"][:2]), RULES, price_date=PRICE_DATE)
    assert alone.recommendation == "streaming" and alone.feasible
    assert PATTERN in [p.id for p in a.patterns]
    assert any(item.startswith("Stream the shown step's answer") for item in a.checklist)


def test_the_streamed_split_needs_a_conversation_reading_text_whose_first_token_fits():
    for changes in (
        {"interaction": "request_response"},  # read whole: the existing rule's done-time test decides
        {"output_format": "json"},  # usable only whole
        {"latency_budget_s": 2},  # the first token itself misses
    ):
        a = assess(_with(**changes), RULES, price_date=PRICE_DATE)
        assert not any(item.startswith("Stream the shown step's answer") for item in a.checklist), changes


# F2: /work/scratch/judge16/07-reembed-monthly.yaml. The month's whole volume (20M chunks) is
# sent at once; the limits let 2,000 a minute through, so the last waits 6.94 days. advisor
# said the queue "drains 9.04 days after the peak", counting the month's average rate as
# arriving after the peak, although every request of the month was in the peak.
REEMBED: dict[str, Any] = {
    "name": "Monthly re-embedding of a 20M chunk corpus",
    "interaction": "pipeline",
    "latency_budget_s": 604800,
    "input_tokens": 500,
    "output_tokens": 0,
    "output_format": "embedding",
    "requests_per_month": 20_000_000,
    "peak_requests_per_minute": 20_000_000,
    "peak_minutes": 1,
    "provider": "openai",
    "model": "text-embedding-3-small",
    "tier": "tier-2",
    "downstream": "internal_service",
    "side_effects": "idempotent",
}


def test_a_peak_that_holds_the_whole_month_drains_when_its_last_request_is_served():
    c = assess(REEMBED, RULES, price_date=PRICE_DATE).capacity
    assert c.sustainable_rpm == 2000
    # Nothing arrives after the peak: the queue is empty when its last request leaves it.
    assert c.drain_time_s == pytest.approx(c.peak_worst_wait_s)
    assert c.drain_time_s / 86400 == pytest.approx(6.94, abs=0.005)


def test_later_arrivals_are_the_months_requests_outside_the_peak():
    # Half the month in a 10-minute peak: the other half arrives over the rest of the month.
    half = {**REEMBED, "requests_per_month": 2_000_000, "peak_requests_per_minute": 100_000, "peak_minutes": 10}
    c = assess(half, RULES, price_date=PRICE_DATE).capacity
    after = (2_000_000 - 100_000 * 10) / (30 * 24 * 60 - 10)
    assert c.drain_time_s == pytest.approx(c.backlog_requests / (c.sustainable_rpm - after) * 60)
