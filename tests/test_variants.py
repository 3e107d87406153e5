"""The verdicts a user reaches by following the advisor's own advice: an example workload with
one of its levers or what-would-change entries applied, read as the CTO reads it."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from hypothesis import assume, given
from hypothesis import example as shown_case
from hypothesis import strategies as st

from advisor import assess, load_rules
from advisor.core.conditions import condition_thresholds
from advisor.core.figures import budget_seconds, digits_apart, seconds
from advisor.views.adr import render_adr
from advisor.views.text import render_text

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
    script, SYNC. The rule that rules batch out comes first among the decisive rules; it read
    "Results needed within minutes to an hour are async work: the user submitted something and
    walked away": an argument for another mode, for a user this pipeline does not have. The
    headline is the rule that argues for the script."""
    a = example("monthly-cron-report", latency_budget_s=5.2)
    assert a.recommendation == "sync"
    assert a.decided_by[0] == "latency-batch-window-too-short"
    assert "async" not in a.reason and "walked away" not in a.reason
    assert a.reason.startswith("A background job of a few hundred calls a month is a simple script:")


# A figure set against the budget, and the budget, in the same words: "0.67 s (p95), after the
# budget of 0.67 s". The what-would-change search puts a user right at such a flip.
_SAME_AS_BUDGET = re.compile(
    r"(\d[\d.,]* (?:ms|s|min|h|days))\b[^.;]{0,80}?(?:over|after|longer than|against) (?:the|a) budget of \1(?![\d.])"
    r"|p95 (\d[\d.,]* (?:ms|s|min|h|days)) .{0,60}?budget \2 \("
)


@pytest.mark.parametrize(
    ("name", "changes"),
    [
        ("chatbot", {"latency_budget_s": 0.67}),  # first token 0.6749 s
        ("chatbot", {"tool_latency_s": 1.83}),  # first token 2.5049 s against 2.5 s
        ("contract-risk-review", {"latency_budget_s": 31.0}),  # 31.2 s on claude-sonnet-4-6
        ("contract-risk-review", {"tool_latency_s": 870.0}),  # 901.2 s against 15 min
        ("monthly-cron-report", {"tool_latency_s": 86400.0}),  # 24 h and 5 s against 24 h
        ("document-summary-button", {"model_p95_s": 60.1}),
    ],
)
def test_a_figure_just_over_its_budget_does_not_read_as_the_budget(name, changes, tmp_path):
    a = example(name, **changes)
    assert not a.feasible
    record = render_adr(a, template="madr")
    for words in (a.infeasible_reason, render_text(a), record):
        found = _SAME_AS_BUDGET.search(words)
        assert found is None, found.group(0)


@given(
    value=st.floats(0, 40 * 86_400, allow_nan=False),
    ratio=st.one_of(st.floats(0.5, 2.0), st.floats(0.7, 1.3), st.floats(0.95, 1.05)),
)
@shown_case(value=0.015625, ratio=1.5)  # 15.6 and 23.4 ms, half apart, both print "0.02 s"
def test_the_shortcut_for_times_far_apart_gives_what_printing_them_gives(value, ratio):
    """digits_apart skips printing two times more than a quarter apart: it must give what
    printing them and reading them back gives (0, as they never print alike)."""
    from advisor.core.figures import _read_alike

    budget = value * ratio
    slow = 0
    if value != budget and _read_alike(value, budget, 0):
        slow = next((extra for extra in range(1, 7) if not _read_alike(value, budget, extra)), 0)
    assert digits_apart(value, budget) == slow


@given(
    budget=st.floats(0.01, 30 * 86_400),
    ratio=st.floats(0.98, 1.02).filter(lambda r: abs(r - 1) >= 1e-4),
)
def test_a_time_near_its_budget_reads_apart_from_it_and_on_the_right_side(budget, ratio):
    """Within 2% of the budget, a time and the budget said with the same extra digits never
    read alike, and the one that is larger reads larger (when both are in the same unit)."""
    value = budget * ratio
    assume(value != budget)
    extra = digits_apart(value, budget)
    said, limit = seconds(value, extra), seconds(budget, extra)
    assert said != limit
    number, unit = said.split(" ", 1)
    bound, bound_unit = limit.split(" ", 1)
    if unit == bound_unit:
        assert (float(number.replace(",", "")) > float(bound.replace(",", ""))) == (value > budget), (said, limit)


_UNITS = {"ms": 0.001, "s": 1.0, "min": 60.0, "h": 3_600.0, "days": 86_400.0}


def _said(text: str) -> float:
    """The duration a print says, in seconds: "59.99 min" is 3,599.4."""
    number, unit = text.split(" ", 1)
    return float(number.replace(",", "")) * _UNITS[unit]


def test_the_lines_a_budget_is_said_apart_from_are_the_rule_sets_own():
    # The shipped rules: the 5-second real-time window, a minute, an hour (async/batch).
    assert RULES.thresholds("latency_budget_s") == (5.0, 60.0, 3600.0)
    # Read from the conditions, not known in advance: another rule set draws its own.
    when = {"all": [{"fact": "latency_budget_s", "op": "gt", "value": 7200},
                    {"not": {"fact": "latency_budget_s", "op": "in", "value": [30, 90]}},
                    {"fact": "latency_budget_s", "op": "lt", "value": {"fact": "batch_window_s"}},
                    {"fact": "requests_per_month", "op": "ge", "value": 1000}]}
    assert condition_thresholds(when, "latency_budget_s") == {7200.0, 30.0, 90.0}
    assert budget_seconds(7201, 0, (7200.0,)) == "2.0003 h" and budget_seconds(7201) == "2 h"
    assert budget_seconds(7200, 0, (7200.0,)) == "2 h"  # on the line: said as the line


@given(
    line=st.sampled_from(RULES.thresholds("latency_budget_s")),
    ratio=st.floats(0.98, 1.02).filter(lambda r: abs(r - 1) >= 1e-4),
)
def test_a_budget_near_a_rules_line_reads_apart_from_it_and_on_its_side(line, ratio):
    """A budget within 2% of a line the rules draw on it never reads as the line ("1 h" for
    3,601 s, or "60 min" for 3,599.5 s), and reads on the side of it that it is on."""
    budget = line * ratio
    assume(budget != line)
    said = budget_seconds(budget, 0, RULES.thresholds("latency_budget_s"))
    assert _said(said) != line, said
    assert (_said(said) > line) == (budget > line), (said, line)


def test_a_lever_to_batch_says_when_results_come_not_a_call_s_p95():
    """Support agent tools' budget lever (4 days) moves it to batch. The lever said 'the
    end-to-end p95 is 25.2 s', a time no batch result comes in: the record judges batch by the
    provider's window, one per dependent call (here 4 x 24 h)."""
    data = yaml.safe_load((EXAMPLES / "support-agent-tools.yaml").read_text(encoding="utf-8"))
    # At tier-3, where its peak's backlog drains within its budget (at its shipped tier-2 the
    # budget lever is async's, 19.17 min), and with replies safe to repeat (the shipped agent
    # emails them, which keeps it a job with an idempotency key whatever the budget).
    a = assess({**data, "tier": "tier-3", "side_effects": "idempotent"}, RULES, price_date=PRICE_DATE)
    assert a.feasible
    lever = next(lv for lv in a.levers if lv.recommendation == "batch")
    assert "p95" not in lever.because
    assert "results come within 4 days, the provider's batch window for each of 4 dependent calls" in lever.because


def test_a_peak_exactly_at_the_limit_is_within_it():
    """Contract risk review at 1,440,000 requests a month (its what-would-change) needs exactly
    2,000,000 input tokens a minute, the tier's limit. Rounding made it 2,000,000.0000000002:
    over the limit, 'the peak leaves less than 0.1 requests queued' and the queue never drains."""
    a = example("contract-risk-review", requests_per_month=1_440_000)
    assert a.capacity.tpm_utilisation == 1.0
    assert not a.capacity.over_limit and a.capacity.backlog_requests == 0
    assert (a.recommendation, a.feasible) == ("async", True)


def test_the_spread_says_the_p95_as_the_latency_line_does():
    """The monthly cron report with a day of tool time (its what-would-change): the Latency
    line says the p95 in the digits that tell it from the budget of 24 h; the lines under it
    said 'p50 24 h, p95 24 h, p99 24 h' and 'first visible token when streaming: 24 h', a
    p95 on the budget after all and a first token no earlier than the whole answer."""
    text = render_text(example("monthly-cron-report", tool_latency_s=86400.0))
    latency = text.split("\nLatency\n", 1)[1].splitlines()
    p95 = re.search(r"end-to-end p95 (\S+ h) =", latency[0]).group(1)
    assert p95 != "24 h" and "budget 24 h (OVER budget)" in latency[0]
    assert f"p95 {p95}," in latency[1] and " 24 h" not in latency[1]
    # A cron job: no one waits for its first token, so none is said (review 3, N11d).
    assert "first visible token" not in text
