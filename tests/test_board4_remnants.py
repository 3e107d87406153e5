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
from typing import Any

from advisor import assess, load_profile, load_rules, render_adr
from advisor.core.cost import ModeCost

from .conftest import EXAMPLES

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


# -- P3: DeepSeek's batch caveat


def test_deepseeks_caveat_does_not_tie_its_off_peak_hours_to_a_queued_job() -> None:
    record = _record(load_profile(DEEPSEEK))
    assert "which a scheduled async job can use" not in record
    assert ("DeepSeek's API has no batch endpoint, so there is no batch discount; every call made in its off-peak"
            " hours is billed at half price, a script scheduled into them as well as a job.") in record
