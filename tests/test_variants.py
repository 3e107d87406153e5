"""The verdicts a user reaches by following the advisor's own advice: an example workload with
one of its levers or what-would-change entries applied, read as the CTO reads it."""

from __future__ import annotations

from typing import Any

import yaml

from advisor import assess, load_rules

from .conftest import EXAMPLES, PRICE_DATE

RULES = load_rules()


def example(name: str, **changes: Any):
    data = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
    return assess({**data, **changes}, RULES, price_date=PRICE_DATE, what_if=False)


def test_a_queue_that_never_drains_says_so_and_why():
    """Contract risk review past 1,440,000 requests a month (its what-would-change): the
    limits let through less than the monthly average, so the queue a peak builds never
    drains. The reason said the queue would "take unknown to drain"."""
    a = example("contract-risk-review", requests_per_month=1_500_000)
    assert (a.recommendation, a.feasible) == ("async", False)
    assert a.capacity.drain_time_s is None
    assert "unknown" not in a.infeasible_reason
    assert "never drains" in a.infeasible_reason
    assert "cost-backlog-never-drains" in next(u.rules for u in a.unmet if u.mode == "async")


def test_a_pipeline_with_a_seconds_budget_is_not_headed_by_an_argument_for_async():
    """The monthly cron report with a budget of 5.2 s (its what-would-change) is a simple
    script, SYNC. Its headline is the rule that rules batch out, which read "Results needed
    within minutes to an hour are async work: the user submitted something and walked away":
    an argument for another mode, for a user this pipeline does not have."""
    a = example("monthly-cron-report", latency_budget_s=5.2)
    assert a.recommendation == "sync"
    assert a.decided_by[0] == "latency-batch-window-too-short"
    assert "async" not in a.reason and "walked away" not in a.reason
    assert "batch" in a.reason.lower()
