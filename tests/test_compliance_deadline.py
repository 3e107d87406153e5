"""Compliance-critical output due inside the batch window is not left to batch (board item N4).

Seed 004, the decision rule's step 1: output that feeds a financial, legal or compliance
system goes async. A Batch API guarantees results only within its completion window (24 h
at OpenAI), so where the budget is shorter the rule failure-compliance-deadline-inside-batch-window
rules batch out; where the budget is at least the window, batch's guarantee covers it.
"""

from __future__ import annotations

from advisor import assess, render_adr
from advisor.views.text import render_text

from .conftest import PRICE_DATE

RULE = "failure-compliance-deadline-inside-batch-window"

# The red team's Z06: scanned invoices posted to the ERP, not idempotent, due within the working day.
INVOICES = {
    "name": "Invoice extraction to ERP",
    "description": "Scanned supplier invoices are read by the model and posted as payables in the ERP;"
                   " a posting is not idempotent. Finance needs the postings within the working day.",
    "interaction": "pipeline",
    "latency_budget_s": 14400,
    "input_tokens": 3500,
    "output_tokens": 400,
    "output_format": "json",
    "requests_per_month": 200000,
    "provider": "openai",
    "model": "gpt-5.4-mini",
    "downstream": "compliance_critical",
    "side_effects": "non_idempotent",
}


def decide(**changes):
    return assess({**INVOICES, **changes}, price_date=PRICE_DATE)


def excluders(a, mode):
    return next((e.rules for e in a.excluded if e.mode == mode), ())


def test_compliance_postings_due_in_4_hours_go_async_not_batch():
    a = decide()
    assert a.recommendation == "async"
    assert a.feasible
    assert RULE in excluders(a, "batch")
    assert RULE in a.decided_by
    text = render_text(a)
    assert text.startswith("Invoice extraction to ERP: ASYNC")
    assert f"batch (Batch API): {RULE}" in text


def test_the_record_says_why_batch_is_ruled_out():
    a = decide()
    record = render_adr(a, date="2026-11-01")
    assert record.startswith("---") and "# Invoice extraction to ERP: run the model as an asynchronous job" in record
    assert "Chosen option: \"Asynchronous job\"" in record
    assert ("Bad, because it is ruled out: the output feeds a compliance-critical system and is due within 4 h,"
            " but the Batch API guarantees results only within its window of 24 h: a compliance deadline is not"
            f" left to a best-effort window. (`{RULE}`)") in record
    # The money the rule costs is said, against batch: $584 a month, and the budget that would free it.
    assert "Good, because it would cost $584 a month less than the chosen Asynchronous job ($685 against $1,268)" in record
    assert "With a budget of 24 h: the recommendation becomes batch, which meets its contract" in record
    nygard = render_adr(a, template="nygard", date="2026-11-01")
    assert "a compliance deadline is not left to a best-effort window" in nygard


def test_a_budget_of_the_whole_window_keeps_batch():
    for budget in (86400, 172800):
        a = decide(latency_budget_s=budget)
        assert a.recommendation == "batch", budget
        assert RULE not in {r.id for r in a.fired_rules}
        assert "batch" not in {e.mode for e in a.excluded}


def test_a_budget_just_under_the_window_rules_batch_out():
    a = decide(latency_budget_s=86399)
    assert a.recommendation == "async"
    assert RULE in excluders(a, "batch")


def test_output_that_is_not_compliance_critical_is_unaffected():
    for downstream in ("own_ui", "internal_service"):
        a = decide(downstream=downstream)
        assert a.recommendation == "batch", downstream
        assert RULE not in {r.id for r in a.fired_rules}
        assert "batch" not in {e.mode for e in a.excluded}


def test_what_would_change_names_the_window_itself():
    a = decide()
    budget = [c for c in a.what_would_change if c.fact == "latency_budget_s" and c.new_recommendation == "batch"]
    assert [c.value for c in budget] == [86400.0]
