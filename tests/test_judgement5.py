"""The fifth judgement review's workloads (redteam-judgement-5): each verdict or wording it
found wrong, on the architect's own files (tests/fixtures/judgement-5), with a guard that the
rule still does its job where its premise holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from advisor import assess, load_rules

from .conftest import PRICE_DATE

RULES = load_rules()
HERE = Path(__file__).resolve().parent / "fixtures" / "judgement-5"


def fields(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((HERE / f"{name}.yaml").read_text(encoding="utf-8"))
    return data


def decide(name: str, **changes: Any):
    return assess({**fields(name), **changes}, RULES, price_date=PRICE_DATE)


def fired(a) -> set[str]:
    return {r.id for r in a.fired_rules}


def excluded_by(a, mode: str) -> set[str]:
    return {rule for e in a.excluded if e.mode == mode for rule in e.rules}


# -- F2: a fixed three-call chain no one waits on is not "unbounded" -------------------------


def test_a_fixed_three_call_chain_in_a_background_script_is_not_excluded_from_sync():
    a = decide("probe-Y10-chain3")
    assert a.facts["chained_calls"] == 3 and a.facts["within_budget"] is True
    assert "latency-chain-over-two" not in fired(a)
    assert not excluded_by(a, "sync")
    # Batch would need three dependent batches (a 3-day guarantee against 7 h) and costs more.
    assert (a.recommendation, a.feasible) == ("sync", True)


def test_a_chain_someone_waits_on_or_one_over_its_budget_still_goes_async():
    waited = decide("probe-Y10-chain3", interaction="request_response", latency_budget_s=60)
    assert "latency-chain-over-two" in fired(waited) and "latency-chain-over-two" in excluded_by(waited, "sync")
    over = decide("probe-Y10-chain3", latency_budget_s=10)
    assert over.facts["within_budget"] is False
    assert "latency-chain-over-two" in fired(over)
