"""The build of a move (docs/cost-model.md, Against today): a feature that runs in one mode
today has built the synchronous call's resilient client, which every mode's build contains,
so a move pays only what the new mode's build adds to it (red-team review 7, B1)."""

from __future__ import annotations

import math
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor import assess, load_rules
from advisor.core.cost import ENGINEERING_PERSON_WEEKS, estimate_costs, move_build
from advisor.core.errors import RuleSetError
from advisor.core.prices import price_card
from advisor.core.profile import MODES, parse_profile
from advisor.views.formatting import move_in_words, tradeoff_in_words
from advisor.views.review import review

from .conftest import PRICE_DATE, ROOT
from .strategies import profile_dicts

RULES = load_rules()
WEEK_MONTH = 4_000 / 36  # one person-week amortised, a month (the defaults)

# J21 of review 7: a policy chat answered whole after a spinner today, which should stream.
CHAT = {
    "name": "Policy Q&A", "interaction": "chat", "latency_budget_s": 3, "requests_per_month": 60_000,
    "peak_requests_per_minute": 15, "provider": "openai", "model": "gpt-4o", "input_tokens": 5000,
    "output_tokens": 700, "output_format": "text", "downstream": "own_ui", "current_mode": "sync",
    "pricing": {"input_per_mtok": 3.0, "output_per_mtok": 15.0},
}
# J05: a one-second classifier built as a queued job, which belongs in a direct call.
CLASSIFIER = {
    "name": "Ticket category", "interaction": "request_response", "latency_budget_s": 2,
    "requests_per_month": 250_000, "peak_requests_per_minute": 40, "provider": "openai", "model": "gpt-4o-mini",
    "input_tokens": 900, "output_tokens": 6, "model_p50_s": 0.55, "model_p95_s": 1.1, "output_format": "json",
    "downstream": "own_ui", "current_mode": "async",
}
# J18: a nightly re-embedding loop of sync calls, which batch halves the tokens of.
REEMBED = {
    "name": "Nightly re-embedding", "interaction": "pipeline", "latency_budget_s": 86_400,
    "requests_per_month": 3_000_000, "provider": "openai", "model": "text-embedding-3-large",
    "input_tokens": 500, "output_tokens": 0, "output_format": "embedding", "downstream": "internal_service",
    "side_effects": "idempotent", "current_mode": "sync",
}


def _assess(fields: dict[str, Any], **changes: Any):
    return assess({**fields, **changes}, RULES, price_date=PRICE_DATE, what_if=False)


def test_sync_to_streaming_pays_what_streaming_adds_not_the_client_again() -> None:
    a = _assess(CHAT)
    assert a.recommendation == "streaming"
    streaming = a.costs["streaming"]
    assert streaming.engineering_usd == pytest.approx(0.5 * WEEK_MONTH)  # $55.56, not the whole $167
    assert streaming.engineering_person_weeks == 1.5  # the whole build, as the table gives it
    assert streaming.engineering_person_weeks_charged == 0.5 and streaming.build_reused == "sync"
    assert streaming.saving_vs_current_usd == pytest.approx(-(0.5 * WEEK_MONTH + 10))
    # The same difference a new feature sees between the two builds.
    new = _assess(CHAT, current_mode=None)
    assert streaming.engineering_usd == pytest.approx(
        new.costs["streaming"].engineering_usd - new.costs["sync"].engineering_usd
    )


def test_the_move_says_what_its_build_charges() -> None:
    a = _assess(CHAT)
    said = move_in_words(a) or ""
    # "$56": the parts of an extra cost are said in its step ($66, as $1,596 less $1,530).
    assert ("its build adds $56 a month (the 0.5 person-week that the streaming response adds to today's"
            " synchronous call, amortised over 36 months)") in said
    assert "today's is paid" not in said
    assert "the 0.5 person-week that the streaming response adds" in (tradeoff_in_words(a) or "")


def test_async_to_sync_is_a_saving_of_asyncs_infrastructure() -> None:
    a = _assess(CLASSIFIER)
    assert a.recommendation == "sync"
    sync = a.costs["sync"]
    assert sync.engineering_usd == 0 and sync.engineering_person_weeks_charged == 0
    assert sync.saving_vs_current_usd == pytest.approx(50.0)  # the queue's infrastructure, not an extra cost
    assert (move_in_words(a) or "").startswith("a saving of $50")


def test_sync_to_batch_breaks_even_where_a_new_feature_does() -> None:
    moving, new = _assess(REEMBED), _assess(REEMBED, current_mode=None)
    batch = moving.costs["batch"]
    assert batch.engineering_usd == pytest.approx(WEEK_MONTH)  # 2 - 1 person-weeks
    assert moving.pricing.batch_breakeven_requests_per_month == pytest.approx(
        new.pricing.batch_breakeven_requests_per_month
    )
    assert "pays for itself from 4,034,189 requests a month" in (move_in_words(moving) or "")


def test_a_feature_running_batch_weighs_sync_at_no_build() -> None:
    a = _assess(REEMBED, current_mode="batch")
    assert a.costs["sync"].engineering_usd == 0
    # Batch pays for itself once its token saving covers its own $20 of infrastructure.
    saving = a.costs["sync"].tokens_usd - a.costs["batch"].tokens_usd
    assert a.pricing.batch_breakeven_requests_per_month == pytest.approx(20 / saving * 3_000_000)


def test_the_users_builds_are_read_as_whole_builds() -> None:
    a = _assess(REEMBED, costs={"engineering_person_weeks": {"batch": 4}})
    assert a.costs["batch"].engineering_person_weeks_charged == 3
    a = _assess(REEMBED, costs={"engineering_person_weeks": {"sync": 3}})  # a client dearer than streaming
    assert a.costs["streaming"].engineering_usd == 0  # never a negative build
    assert a.costs["async"].engineering_person_weeks_charged == 0


def test_the_review_counts_the_builds_of_the_moves(tmp_path: Path) -> None:
    shutil.copy(ROOT / "examples" / "nightly-ticket-triage.yaml", tmp_path)  # sync today -> batch
    result = review([tmp_path], rules=RULES, price_date=PRICE_DATE)
    row = result.workloads[0]
    assert row.moves and row.recommendation == "batch"
    assert row.build_usd_per_month == pytest.approx(WEEK_MONTH)
    assert row.build_upfront_usd == pytest.approx(4_000)  # batch's 2 person-weeks less the client
    assert result.summary.build_upfront_usd == pytest.approx(4_000)


def test_which_build_a_mode_contains_is_the_rule_sets(tmp_path: Path) -> None:
    assert RULES.builds_on == {"sync": None, "streaming": "sync", "async": "sync", "batch": "sync"}
    folder = tmp_path / "rules"
    folder.mkdir()
    header = {"extends": "default", "id": "whole-builds", "version": "1", "title": "t",
              "modes": {"batch": {"builds_on": None}}}
    (folder / "ruleset.yaml").write_text(yaml.safe_dump(header), encoding="utf-8")
    whole = assess(REEMBED, str(folder), price_date=PRICE_DATE, what_if=False)
    assert whole.costs["batch"].engineering_usd == pytest.approx(2 * WEEK_MONTH)  # paid whole
    assert whole.costs["batch"].build_reused is None
    assert whole.costs["streaming"].engineering_usd == pytest.approx(0.5 * WEEK_MONTH)


def test_builds_that_contain_each_other_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    header = {"extends": "default", "id": "loop", "version": "1", "title": "t",
              "modes": {"sync": {"builds_on": "batch"}}}
    (folder / "ruleset.yaml").write_text(yaml.safe_dump(header), encoding="utf-8")
    with pytest.raises(RuleSetError, match="loop"):
        load_rules(str(folder))


# -- properties -------------------------------------------------------------------------------

_weeks = st.dictionaries(st.sampled_from(MODES), st.floats(min_value=0, max_value=10_000))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile_dicts(), st.none() | _weeks, st.sampled_from(MODES))
def test_a_move_pays_at_most_the_whole_build_and_nothing_for_today(
    fields: dict[str, Any], weeks: dict[str, float] | None, today: str
) -> None:
    if weeks is not None:
        fields["costs"] = {"engineering_person_weeks": weeks}
    fields["current_mode"] = today
    profile = parse_profile(fields)
    card = price_card(profile.provider, profile.model, PRICE_DATE, profile.pricing)
    moving = estimate_costs(profile, card, builds_on=RULES.builds_on)
    new = estimate_costs(profile.model_copy(update={"current_mode": None}), card, builds_on=RULES.builds_on)
    whole = {m: new.modes[m].engineering_person_weeks for m in MODES}
    for mode, cost in moving.modes.items():
        charged = cost.engineering_person_weeks_charged
        assert charged is not None and 0 <= charged <= whole[mode]
        assert cost.engineering_usd <= new.modes[mode].engineering_usd * (1 + 1e-12)
        assert cost.total_usd == pytest.approx(cost.tokens_usd + cost.infra_usd + cost.engineering_usd)
        if mode == today:
            assert cost.engineering_usd == 0 and cost.saving_vs_current_usd == 0
        else:  # what it adds to the client today's mode holds, whichever mode that is
            assert charged == max(0.0, whole[mode] - whole["sync"])
            assert cost.build_reused == "sync"
        if mode == "sync":  # every mode holds the client: a move to a direct call builds nothing
            assert cost.engineering_usd == 0
    # A new feature pays every whole build, as without the rule set's builds_on.
    plain = estimate_costs(profile.model_copy(update={"current_mode": None}), card)
    assert plain == new
    assert all(new.modes[m].engineering_person_weeks_charged == whole[m] for m in MODES)
    breakeven = moving.batch_breakeven_requests_per_month
    assert breakeven is None or (math.isfinite(breakeven) and breakeven >= 0)


@given(st.sampled_from(MODES), st.sampled_from(MODES), _weeks)
def test_move_build_is_the_difference_of_the_builds(today: str, mode: str, given_weeks: dict[str, float]) -> None:
    weeks = {**ENGINEERING_PERSON_WEEKS, **given_weeks}
    charged, reused = move_build(weeks, today, mode, RULES.builds_on)  # type: ignore[arg-type]
    assert 0 <= charged <= weeks[mode]
    if mode == today:
        assert (charged, reused) == (0.0, None)
    else:
        assert reused == "sync" and charged == max(0.0, weeks[mode] - weeks["sync"])
    assert move_build(weeks, None, mode, RULES.builds_on) == (weeks[mode], None)  # type: ignore[arg-type]
