"""A chain whose shown step is not the last (redteam-judgement-15, F4).

A rep sees a classifier's segment (the shown step, 1.98 s at p95, inside the 2 s budget),
then a 17.7 s enrichment writes a brief into the CRM. advisor judged the whole chain against
the budget ("sync, not feasible, 19.6 s") and its only way out was a 19.7 s budget. An
architect answers when the shown step is done and runs the steps after it as a job (seed
002, The Practical Decision; seed 003, Hybrid). The verdict stays the whole chain's (the
workload gives one budget); the pattern and the checklist say how to split it.
"""

from __future__ import annotations

from typing import Any

import pytest

from advisor import assess, load_rules, render_adr
from advisor.views.text import render_text

from .conftest import PRICE_DATE

RULES = load_rules()
PATTERN = "answer_at_the_shown_step"

# /work/scratch/judge15/01-classify-then-enrich.yaml, as written.
CLASSIFY_THEN_ENRICH: dict[str, Any] = {
    "name": "Lead classify then enrich",
    "interaction": "request_response",
    "latency_budget_s": 2,
    "requests_per_month": 60000,
    "provider": "openai",
    "model": "gpt-5.4-mini",
    "tier": "tier-2",
    "steps": [
        {"name": "classify", "input_tokens": 800, "output_tokens": 20, "shown": True},
        {"name": "enrich", "model": "gpt-5.4", "input_tokens": 6000, "output_tokens": 1500},
    ],
    "downstream": "own_ui",
}


def _with(**changes: Any) -> dict[str, Any]:
    return {**CLASSIFY_THEN_ENRICH, **changes}


def _patterns(a: Any) -> list[str]:
    return [p.id for p in a.patterns]


def test_a_person_waiting_on_an_early_step_is_told_to_answer_there_and_run_the_rest_as_a_job():
    a = assess(CLASSIFY_THEN_ENRICH, RULES, price_date=PRICE_DATE)
    # The verdict is the whole chain's, as before: one budget for the whole request.
    assert a.recommendation == "sync" and not a.feasible
    assert a.facts["steps_after_shown"] == 1
    assert a.facts["shown_step_p95_s"] == pytest.approx(1.98, abs=0.005)
    assert a.facts["shown_step_p95_s"] <= 2 < a.facts["end_to_end_p95_s"]
    assert _patterns(a) == [PATTERN]
    assert "latency-answer-at-the-shown-step" in [r.id for r in a.fired_rules]
    assert any(item.startswith("Answer when the shown step is done") for item in a.checklist)

    text = render_text(a)
    assert "Answer at the shown step, the rest as a job" in text
    assert "step 'classify' done at 1.98 s (p95)" in text

    data = a.model_dump(mode="json")
    assert [p["id"] for p in data["patterns"]] == [PATTERN]
    assert data["facts"]["steps_after_shown"] == 1
    assert data["latency"]["shown_step_p95_s"] == pytest.approx(1.98, abs=0.005)

    for template in ("madr", "nygard"):
        record = render_adr(a, template=template, date="2026-11-01")
        assert "Answer at the shown step, the rest as a job" in record, template
        assert "| **Shown step done (classify)** | | | | 1.33 s / 1.98 s / 2.34 s |" in record, template
        assert "answer when the shown step is done" in record, template


def test_a_chain_whose_shown_step_is_the_last_gets_no_split():
    steps = [
        {"name": "classify", "input_tokens": 800, "output_tokens": 20},
        {"name": "enrich", "model": "gpt-5.4", "input_tokens": 6000, "output_tokens": 1500, "shown": True},
    ]
    a = assess(_with(steps=steps), RULES, price_date=PRICE_DATE)
    assert a.facts["steps_after_shown"] == 0
    # Where nothing follows the shown step, its whole answer is the whole request's.
    assert a.facts["shown_step_p95_s"] == a.facts["end_to_end_p95_s"]
    assert PATTERN not in _patterns(a)
    assert "done at" not in render_text(a)


def test_a_chain_whose_shown_step_already_misses_the_budget_gets_no_split():
    a = assess(_with(latency_budget_s=1.5), RULES, price_date=PRICE_DATE)
    assert a.facts["steps_after_shown"] == 1 and a.facts["shown_step_p95_s"] > 1.5
    assert PATTERN not in _patterns(a)
    assert not any(item.startswith("Answer when the shown step is done") for item in a.checklist)


def test_a_pipeline_no_one_waits_on_gets_no_split():
    a = assess(_with(interaction="pipeline", downstream="internal_service"), RULES, price_date=PRICE_DATE)
    assert a.facts["steps_after_shown"] == 1
    assert PATTERN not in _patterns(a)


def test_the_shown_step_done_counts_every_call_and_tool_before_it_and_none_after():
    # A middle step shown: its whole answer waits for the step and the search before it.
    steps = [
        {"name": "route", "input_tokens": 400, "output_tokens": 10, "model_p50_s": 0.5, "model_p95_s": 0.8},
        {"name": "answer", "tool_latency_s": 0.5, "input_tokens": 800, "output_tokens": 100,
         "model_p50_s": 1.0, "model_p95_s": 1.5, "shown": True},
        {"name": "log", "input_tokens": 2000, "output_tokens": 500, "model_p50_s": 8, "model_p95_s": 10},
    ]
    a = assess(_with(steps=steps, latency_budget_s=4), RULES, price_date=PRICE_DATE)
    done = a.facts["shown_step_p95_s"]
    assert a.facts["steps_after_shown"] == 1
    assert 1.5 + 0.5 < done < 0.8 + 0.5 + 1.5 + 1e-9  # more than the call and its tool, at most all added up
    assert done < a.facts["end_to_end_p95_s"]
    assert PATTERN in _patterns(a)


def test_the_single_call_shorthand_has_no_steps_after_the_shown_one():
    a = assess({"name": "one call", "interaction": "request_response", "latency_budget_s": 2,
                "input_tokens": 500, "output_tokens": 200, "requests_per_month": 10000, "model": "gpt-5.4",
                "chained_calls": 3}, RULES, price_date=PRICE_DATE)
    assert a.facts["steps_after_shown"] == 0
    assert a.facts["shown_step_p95_s"] == a.facts["end_to_end_p95_s"]
    assert PATTERN not in _patterns(a)
