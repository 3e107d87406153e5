"""The questionnaire's follow-ups from the fourth browser pass (questionnaire pass 5): a batch
or async verdict's Latency tab says the rate limits as the card and the record do; the cost
table of a feature not built yet has no column against today, as the CLI's and the record's
have none; the cost chart's last axis label fits a phone; the card offers no "Try it" on a
number from nothing (no tool time to 8 h) that breaks the verdict.

What the page says is checked in AppTest against ``advisor.assess`` on the same answers; the
chart's labels, which only a browser lays out, in Chromium (marked like test_browser.py).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

import advisor
from advisor.views.adr import rate_limit_watch, render_adr
from questionnaire import changes
from questionnaire.state import md
from questionnaire.vocabulary import Words

from .test_app import block, ok, open_tab, session_profile, texts, upload
from .test_browser import PHONE, _wait_idle, app_url, browse, chromium  # noqa: F401  (the browser's fixtures)

ROOT = Path(__file__).resolve().parent.parent

# The pass-4 report's nightly case: 60M requests a month, peaking at 20x the real-time limits.
NIGHTLY = b"""
name: Nightly batch over 2M records
interaction: pipeline
latency_budget_s: 28800
input_tokens: 800
output_tokens: 150
output_format: json
requests_per_month: 60000000
peak_requests_per_minute: 10000
peak_minutes: 240
provider: openai
model: gpt-5.4
downstream: internal_service
side_effects: idempotent
"""
# Told later, peaking at 3x the limits: async, whose workers queue what the limits refuse.
QUEUED = b"""
name: Contract review queue
interaction: submit_and_notify
latency_budget_s: 3600
input_tokens: 3000
output_tokens: 400
requests_per_month: 2000000
peak_requests_per_minute: 1500
peak_minutes: 20
provider: openai
model: gpt-5.4
downstream: internal_service
side_effects: idempotent
"""
# A chat whose peak is over the limits: streaming, which is refused at the peak.
CHAT_OVER = re.sub(rb"(?m)^peak_requests_per_minute: .*$", b"peak_requests_per_minute: 3000",
                   (ROOT / "examples" / "chatbot.yaml").read_bytes())

THE_429_WARNING = "expect 429 errors unless traffic is queued"


def _latency_tab(at: AppTest, name: str, content: bytes) -> advisor.Assessment:
    upload(at, name, content)
    ok(at)
    open_tab(at, "Latency & capacity")
    assert not at.exception, [e.message for e in at.exception]  # a stream over the limits shows an error
    return advisor.assess(session_profile(at))


def _record(a: advisor.Assessment) -> str:
    return render_adr(a, number=1, date="2026-11-01")


# -- a queued verdict's Latency tab says the limits as the card and the record do -----------------


@pytest.mark.slow
def test_a_batch_over_the_real_time_limits_is_told_what_to_watch_not_to_expect_429s(at: AppTest) -> None:
    # The tab said "Peak traffic is 20x the rate limit: expect 429 errors unless traffic is
    # queued" while the card said batch runs under limits of its own.
    a = _latency_tab(at, "nightly.yaml", NIGHTLY)
    assert a.recommendation == "batch" and a.capacity.over_limit
    assert not at.error
    said = rate_limit_watch(a)
    assert said is not None and "the Batch API runs under limits of its own" in said
    assert said in _record(a)  # the record's confirmation, word for word
    assert [i.value for i in at.info if "Batch API" in i.value] == [md(Words(a.rules).plain(said))]
    # The figures are the real-time limits', as the card's "Real-time rate limits" says.
    assert "Real-time rate limits at peak" in [m.value.removeprefix("### ") for m in at.markdown]
    assert "Real-time rate limits" in {m.label for m in block(at, "verdict").metric}


@pytest.mark.slow
def test_an_async_job_over_the_limits_is_told_its_workers_queue_what_the_limits_refuse(at: AppTest) -> None:
    a = _latency_tab(at, "queue.yaml", QUEUED)
    assert a.recommendation == "async" and a.capacity.over_limit
    assert not at.error
    said = rate_limit_watch(a)
    assert said is not None and "the workers must hold their calls to the limits" in said
    assert said in _record(a)
    assert [w.value for w in at.warning if "workers" in w.value] == [md(Words(a.rules).plain(said))]
    assert "Rate limits at peak" in [m.value.removeprefix("### ") for m in at.markdown]  # not a batch's


@pytest.mark.slow
def test_a_stream_over_the_limits_still_expects_429s(at: AppTest) -> None:
    # Streaming holds a connection per request: the peak over the limits is refused.
    a = _latency_tab(at, "chat.yaml", CHAT_OVER)
    assert a.recommendation in ("sync", "streaming") and a.capacity.over_limit
    assert [e.value for e in at.error if THE_429_WARNING in e.value]


# -- a feature not built yet: no column against today --------------------------------------------


def _cost_table(at: AppTest) -> Any:
    (table,) = [d.value for d in at.dataframe if "per 1K" in d.value.columns]
    return table


@pytest.mark.slow
def test_the_cost_table_of_a_feature_not_built_yet_has_no_column_against_today(at: AppTest) -> None:
    # It read "n/a" in every row; the CLI's table and the record's have no such column then.
    upload(at, "nightly.yaml", NIGHTLY)
    ok(at)
    open_tab(at, "Cost")
    ok(at)
    assert session_profile(at).current_mode is None
    assert "vs today" not in _cost_table(at).columns
    # Running today, the column says each mode against it, as the CLI's "vs today" does.
    upload(at, "triage.yaml", (ROOT / "examples" / "nightly-ticket-triage.yaml").read_bytes())
    ok(at)
    open_tab(at, "Cost")
    ok(at)
    assert list(_cost_table(at)["vs today"]) == ["today", "extra cost $66", "extra cost $272", "saving $176"]


# -- the card: no "Try it" on a number from nothing that breaks the verdict ---------------------------


@pytest.mark.slow
def test_the_card_offers_no_tool_time_from_nothing_that_breaks_a_batch(at: AppTest) -> None:
    # "Batch API, missing its contract: Tool time per request: 8 h (now 0 s) ▷ Try it": a way
    # to break the verdict, not a change to make.
    upload(at, "nightly.yaml", NIGHTLY)
    ok(at)
    a = advisor.assess(session_profile(at))
    flips = [o for o in changes.options(a) if "tool_latency_s" in o.changes]
    assert flips and not any(o.action for o in flips)
    card = texts(block(at, "verdict"))
    assert "Tool time per request" not in card and "missing its contract" not in card
    # The details still list it, with the other what-ifs.
    open_tab(at, "Overview")
    ok(at)
    assert "Tool time per request: 8 h (now 0 s)" in texts(at)


def test_a_number_moved_from_nothing_is_not_within_reach_but_a_small_move_is() -> None:
    assert not changes._within_reach("tool_latency_s", 0.0, 28800.0)
    assert changes._within_reach("tool_latency_s", 1.0, 2.0)
    assert changes._within_reach("interaction", "pipeline", "chat")  # a choice is always within reach


# -- a phone: the cost chart's value labels inside the plot ------------------------------------------


@pytest.mark.browser
@pytest.mark.slow
def test_on_a_phone_the_cost_charts_axis_labels_end_inside_the_chart(browse: Any) -> None:  # noqa: F811
    # At 390 px the last tick ($1,500) sat 13 px short of the plot's end, its label centred on it
    # and cut by the page's edge.
    page = browse(PHONE)
    page.get_by_role("tab", name="Cost").click()
    _wait_idle(page)
    # Found and measured in one step inside the page, until it is drawn: a rerun may replace
    # the chart between a locator's finding it and using it ("Element is not attached to the DOM").
    plot, labels = page.wait_for_function(
        """() => {
            const chart = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
                .find(e => e.getBoundingClientRect().width > 0);
            if (!chart) return null;
            chart.scrollIntoView({block: "center"});
            const frame = chart.querySelector('.role-frame > g > path.background');
            const labels = [...chart.querySelectorAll('.role-axis-label text')]
                .filter(t => t.textContent.startsWith('$'));
            if (!frame || labels.length < 3) return null;
            return [frame.getBoundingClientRect().right,
                    labels.map(t => [t.textContent, t.getBoundingClientRect().right])];
        }"""
    ).json_value()
    assert len(labels) >= 3, labels
    assert all(right <= plot + 0.5 for _, right in labels), (plot, labels)
    assert plot <= PHONE["width"]
