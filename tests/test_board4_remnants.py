"""Board read 4, what the closing note left alone, as a reader sees it.

- P7: the rounding note under a record's cost table says a saving can differ from the difference
  of its two monthly costs wherever a difference is said beside them, not only against today's
  mode: "$272 a month less ... ($112 against $385)", where $385 less $112 is $273.
- P3 (its last point): the review's row gives the recommended mode's month in the off-peak
  hours beside its peak figure, in the Markdown table and in the JSON (``recommended_off_peak``).
- P3: DeepSeek's batch caveat does not say that only a queued job can use its off-peak hours.
- P2: the saving among the Consequences carries the cache-hit hedge the Decision Outcome has.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest

from advisor import assess, load_profile, load_rules, render_adr
from advisor.core.cost import ModeCost
from advisor.views.formatting import rounding_note

from .conftest import EXAMPLES, run_cli
from .test_provider_caveats import CACHED_BATCH

RULES = load_rules()
PRICE_DATE = datetime.date(2026, 11, 27)
FIXED = ["--price-date", PRICE_DATE.isoformat()]
DEEPSEEK = EXAMPLES / "deepseek-catalogue-enrichment.yaml"
FULL_NOTE = ("Each figure is rounded on its own, so a row can differ from its sum, and a saving from the"
             " difference of the two monthly costs, by $1.")


def _record(workload: Any, template: str = "madr") -> str:
    a = assess(workload, RULES, price_date=PRICE_DATE)
    return " ".join(render_adr(a, template=template, date="2026-11-27").split())


def _cost(total: float) -> ModeCost:
    return ModeCost(mode="sync", tokens_usd=total, infra_usd=0.0, engineering_usd=0.0, total_usd=total,
                    per_1k_requests_usd=None, engineering_person_weeks=1.0, saving_vs_current_usd=None)


# -- P7: the rounding note covers a difference said beside its two costs


def test_the_note_under_0008s_table_covers_the_saving_beside_its_two_costs() -> None:
    """madr/0008 (examples/monthly-cron-report.yaml): sync at $111.85 is said to cost "$272 a month
    less" than async at $384.81, shown as $112 and $385 (a reader makes $273). The note said only
    that a row can differ from its sum."""
    record = _record(load_profile(EXAMPLES / "monthly-cron-report.yaml"))
    assert ("it costs $272 a month less than an asynchronous job, the cheapest other option that meets its"
            " contract ($112 against $385)") in record
    assert FULL_NOTE in record
    assert "so a row can differ from its sum by $1." not in record


def test_the_note_counts_a_difference_against_the_chosen_option_without_today() -> None:
    """No mode today, no row off. $112.46 against $384.50 (0008's shape): the difference, $272.04,
    is said "$272" beside "$112" and "$385", where a reader makes $273. $111.85 against $384.81:
    $272.96 is said "$273", as read; nothing to say."""
    chosen, async_ = _cost(112.46), _cost(384.50)
    assert rounding_note([chosen, async_], pairs=[(chosen, async_)]) == (
        "Each figure is rounded on its own, so a saving can differ from the difference of the two monthly costs"
        " by $1."
    )
    assert rounding_note([chosen, async_]) is None  # no difference said beside them: nothing to read
    chosen, async_ = _cost(111.85), _cost(384.81)
    assert rounding_note([chosen, async_], pairs=[(chosen, async_)]) is None


# -- P3: the review's row with the off-peak month


def test_the_review_row_gives_the_off_peak_month_in_markdown_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    """The board's review row read "$779 (reasoning tokens not priced: about $763 more)" and never
    said the off-peak hours, where the async job bills $581 a month."""
    code, out, err = run_cli(capsys, "review", DEEPSEEK, *FIXED)
    assert code == 0, err
    assert ("| $779 (reasoning tokens not priced: about $763 more); $581 in DeepSeek's off-peak hours |") in out
    code, out, err = run_cli(capsys, "review", DEEPSEEK, "--format", "json", *FIXED)
    assert code == 0, err
    row = json.loads(out)["workloads"][0]
    assert row["recommendation"] == "async"
    assert row["recommended_off_peak"] == {
        "monthly_usd": pytest.approx(581.3333, abs=0.01), "providers": ["DeepSeek"],
        "windows_utc": ["10:00-01:00", "04:00-06:00"],
    }
    # The peak figures stay where they were, under their names.
    assert row["recommended_monthly_usd"] == pytest.approx(779.3333, abs=0.01)
    assert row["recommended_reasoning_unpriced_usd"] == pytest.approx(763.2, abs=0.01)


def test_a_review_row_a_person_waits_on_has_no_off_peak_month(
    capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    """A chat on DeepSeek is answered when it is asked: no month in the off-peak hours is offered."""
    chat = tmp_path / "deepseek-chat.yaml"
    chat.write_text(DEEPSEEK.read_text().replace("interaction: pipeline", "interaction: chat")
                    .replace("latency_budget_s: 28800", "latency_budget_s: 120"))
    code, out, err = run_cli(capsys, "review", chat, "--format", "json", *FIXED)
    assert code == 0, err
    row = json.loads(out)["workloads"][0]
    assert row["recommended_off_peak"] is None
    code, out, err = run_cli(capsys, "review", chat, *FIXED)
    assert "off-peak" not in out


# -- P3: DeepSeek's batch caveat


def test_deepseeks_caveat_does_not_tie_its_off_peak_hours_to_a_queued_job() -> None:
    record = _record(load_profile(DEEPSEEK))
    assert "which a scheduled async job can use" not in record
    assert ("DeepSeek's API has no batch endpoint, so there is no batch discount; every call made in its off-peak"
            " hours is billed at half price, a script scheduled into them as well as a job.") in record


# -- P2: the Consequences' saving hedged as the Decision Outcome is


@pytest.mark.parametrize(("template", "label"), [("madr", "Good, because"), ("nygard", "Saving:")])
def test_j10s_saving_among_the_consequences_carries_the_cache_hit_hedge(template: str, label: str) -> None:
    hedge = ("if batches keep the 92% cache hits real time gets (Anthropic provides them best-effort, 30-98%, and at"
             " 30% batch would cost $2,254 a month more than a synchronous call in all)")
    record = _record(CACHED_BATCH, template)
    assert f"saves $1,010 a month (42%) against a synchronous call {hedge}" in record  # the headline, as it was
    assert (f"{label} it costs $1,010 a month less than a synchronous call, the cheapest other option that meets"
            f" its contract ($1,383 against $2,394) {hedge}, with its build amortised over 36 months") in record


def test_a_batch_saving_without_a_prompt_cache_is_not_hedged() -> None:
    record = _record({**CACHED_BATCH, "cached_input_fraction": 0})
    assert "best-effort" not in record.split("### Consequences")[1].split("### Confirmation")[0]
