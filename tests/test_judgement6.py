"""The sixth judgement review's workloads (redteam-judgement-6): each verdict or wording it
found wrong, on the architect's own files (tests/fixtures/judgement-6), with a guard that the
rules still decide as before where the premise does not hold."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from advisor import assess, load_rules
from advisor.views.text import render_text

from .conftest import PRICE_DATE

RULES = load_rules()
HERE = Path(__file__).resolve().parent / "fixtures" / "judgement-6"
RULE = "ux-text-wait-over-3s-streams"


def fields(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((HERE / f"{name}.yaml").read_text(encoding="utf-8"))
    return data


def decide(name: str, **changes: Any):
    return assess({**fields(name), **changes}, RULES, price_date=PRICE_DATE, what_if=False)


def fired(a) -> set[str]:
    return {r.id for r in a.fired_rules}


# -- A1: a person waiting 3-5 s for prose sees it start --------------------------------------


def test_a_prose_answer_a_person_waits_4_9_s_for_streams():
    a = decide("Z15-5s-boundary-a")
    assert a.latency.end_to_end_p95_s == 4.9 and a.facts["time_to_first_token_s"] < 3
    assert (a.recommendation, a.feasible) == ("streaming", True)
    assert a.decided_by == [RULE]
    assert a.reason.startswith("When a person who clicked waits more than 3 seconds at p95 to read prose, stream it")
    assert "users perceive more than 3 s without feedback as broken" in a.reason


def test_the_same_answer_at_501_tokens_streams_for_both_reasons():
    a = decide("probe-Z15a-501tok")
    assert (a.recommendation, a.feasible) == ("streaming", True)
    assert a.decided_by == ["ux-long-text-streams", RULE]


def test_at_5_1_s_the_five_second_rules_still_decide():
    a = decide("Z15-5s-boundary-b")
    assert (a.recommendation, a.feasible) == ("async", True)
    assert RULE not in fired(a)
    assert a.decided_by[:2] == ["latency-sync-over-5s", "latency-blocking-wait-over-5s"]


def test_under_3_s_a_direct_call_is_still_enough():
    a = decide("Z15-5s-boundary-a", model_p50_s=1.5, model_p95_s=2.9)
    assert RULE not in fired(a) and "latency-fast-direct" in fired(a)
    assert a.recommendation == "sync"


def test_a_json_answer_at_4_s_stays_sync():
    # Nothing of a JSON answer shows until it is whole: streaming it shortens no blank wait.
    a = decide("Z15-5s-boundary-a", output_format="json", model_p95_s=4)
    assert RULE not in fired(a)
    assert (a.recommendation, a.feasible) == ("sync", True)
    assert a.decided_by == ["ux-click-and-wait", "failure-partial-structured-stream"]


def test_text_no_person_reads_or_whose_first_token_is_late_stays_sync():
    for changes in ({"downstream": "internal_service"}, {"interaction": "service_call"}, {"ttft_s": 3.5}):
        a = decide("Z15-5s-boundary-a", **changes)
        assert RULE not in fired(a), changes
        assert a.recommendation == "sync", changes


# -- A5: a calling service over 5 s is not told about a person at a button -------------------


def test_a_service_call_over_5_s_is_given_a_reason_that_speaks_of_a_calling_service():
    a = decide("probe-Z20-current-sync")
    assert a.recommendation == "async" and a.decided_by[0] == "latency-sync-over-5s"
    assert "staring at a button" not in a.reason and "users do not" not in a.reason
    assert "a calling service holds its connection open behind a long timeout" in a.reason
    headline = " ".join(render_text(a).split("\n  Feasible")[0].split())
    assert "staring at a button" not in headline and "calling service" in headline


def test_a_person_over_5_s_is_still_told_about_the_wait():
    a = decide("Z15-5s-boundary-b")
    assert a.reason.startswith("When the end-to-end p95 exceeds 5 seconds a blocking call is the wrong contract")
    assert "a person does not sit watching a screen that long" in a.reason
