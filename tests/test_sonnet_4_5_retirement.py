"""Anthropic retires Claude Sonnet 4.5 on the Claude API on 2026-11-30 (its model page, a cited
source). Before that day a workload on it is assessed and told the date, with the page; from
that day it is refused as every other shut-down model is, naming the models that answer. Bedrock
sets its own dates: its anthropic.claude-sonnet-4-5 is not retired by Anthropic's page. The
examples that ran on it now run on claude-sonnet-4-6 and keep their verdicts."""

from __future__ import annotations

import datetime

import pytest

import advisor
from advisor import assess, load_profile, load_rules
from advisor.core.assumption import Assumption
from advisor.core.errors import InputError

from .conftest import EXAMPLES, RETIRING, run_cli
from .test_shipped_models import _calls, _retiring, _workload, shipped_workloads

RULES = load_rules()
CATALOGUE = RULES.catalogue
SHUTDOWN = datetime.date(2026, 11, 30)
PAGE = "Claude Platform: Claude Sonnet 4.5 — deprecated, retires on November 30, 2026"
URL = "https://platform.claude.com/docs/zh-CN/models/sonnet-4-5/overview.md"
BASE = {"name": "x", "interaction": "chat", "latency_budget_s": 10, "input_tokens": 500, "output_tokens": 200,
        "requests_per_month": 1000, "provider": "anthropic", "model": "claude-sonnet-4-5"}
CONTRACT = RETIRING / "contract-risk-review.yaml"  # the example as it was, on claude-sonnet-4-5


def _shutdowns(a: advisor.Assessment) -> list[Assumption]:
    return [x for x in a.assumptions if x.name == "model shutdown"]


def test_the_catalogue_records_the_claude_api_date_with_the_model_page():
    for name in ("claude-sonnet-4-5", "claude-sonnet-4.5", "claude-sonnet-4-5-20250929"):
        entry = CATALOGUE.resolve("anthropic", name).model
        assert entry is not None and entry.shutdown is not None, name
        assert entry.shutdown.date == SHUTDOWN
    assert _retiring("anthropic", "claude-sonnet-4-5") == "anthropic/claude-sonnet-4-5 shuts down on 2026-11-30"


@pytest.mark.parametrize("model", ["claude-sonnet-4-5", "claude-sonnet-4-5-20250929"])
def test_priced_before_the_day_it_is_assessed_and_the_date_is_an_assumption_with_the_page(model):
    a = assess({**BASE, "model": model}, RULES, price_date=datetime.date(2026, 11, 1), what_if=False)
    (shutdown,) = _shutdowns(a)
    assert shutdown.value.startswith(
        f"Anthropic shuts {model} down on 2026-11-30, 29 days after the price date: from then every request "
        "to it fails, so this decision holds only until the move to a current model; Anthropic models with "
        "no shutdown announced: claude-sonnet-4-6,"
    ), shutdown.value
    assert "claude-sonnet-4-5" not in shutdown.value.split("no shutdown announced: ")[1]
    assert PAGE in shutdown.source and URL in shutdown.source
    # The record a board reads says it too, with its source.
    record = advisor.render_adr(a)
    assert f"Model shutdown: Anthropic shuts {model} down on 2026-11-30" in record
    assert PAGE in " ".join(record.split())


def test_the_day_before_it_still_answers():
    a = assess(BASE, RULES, price_date=SHUTDOWN - datetime.timedelta(days=1), what_if=False)
    (shutdown,) = _shutdowns(a)
    assert "Anthropic shuts claude-sonnet-4-5 down on 2026-11-30, 1 day" in shutdown.value


@pytest.mark.parametrize("day", [SHUTDOWN, datetime.date(2026, 12, 1)])
def test_from_the_day_it_is_refused_naming_the_field_the_page_and_the_models_that_answer(day):
    with pytest.raises(InputError) as info:
        assess(BASE, RULES, price_date=day, what_if=False)
    message = str(info.value)
    assert info.value.field == "model"
    assert "Anthropic shut claude-sonnet-4-5 down on 2026-11-30: every request to it fails" in message
    assert PAGE in message and URL in message
    answering = message.split(f"answer on {day}: ")[1].split("; or give")[0].split(", ")
    assert answering[0] == "claude-sonnet-4-6" and "claude-sonnet-4-5" not in answering
    assert "or give a price date before 2026-11-30 to assess it as it was" in message


def test_the_cli_refuses_it_from_the_day_as_it_does_o3(capsys, monkeypatch):
    """Mirrors test_clock's o3 case on the contract review as it shipped, on claude-sonnet-4-5."""
    monkeypatch.setenv("ADVISOR_TODAY", "2026-11-29")
    code, out, _ = run_cli(capsys, "recommend", CONTRACT)
    assert code == 0 and "shuts claude-sonnet-4-5 down on 2026-11-30" in out
    monkeypatch.setenv("ADVISOR_TODAY", "2026-12-01")
    code, out, err = run_cli(capsys, "recommend", CONTRACT)
    assert code == 2 and out == "" and "shut claude-sonnet-4-5 down on 2026-11-30" in err
    # An explicit earlier price date still assesses it as it was.
    code, out, _ = run_cli(capsys, "recommend", CONTRACT, "--price-date", "2026-11-01")
    assert code == 0 and "Contract risk review: ASYNC" in out


def test_bedrocks_sonnet_4_5_is_not_retired_by_anthropics_page():
    a = assess({**BASE, "provider": "aws", "model": "us.anthropic.claude-sonnet-4-5-20250929-v1:0"}, RULES,
               price_date=datetime.date(2026, 12, 1), what_if=False)
    assert not _shutdowns(a)


@pytest.mark.parametrize(
    ("name", "mode", "feasible"),
    [("contract-risk-review", "async", True), ("claims-triage-compliance", "async", False)],
)
def test_the_examples_that_ran_on_it_keep_their_verdicts_on_sonnet_4_6_and_are_told_of_no_shutdown(
    name, mode, feasible
):
    profile = load_profile(EXAMPLES / f"{name}.yaml")
    assert (profile.provider, profile.model) == ("anthropic", "claude-sonnet-4-6")
    now = assess(profile, RULES, price_date=datetime.date(2026, 12, 1))
    was = assess(load_profile(RETIRING / f"{name}.yaml"), RULES, price_date=datetime.date(2026, 11, 1))
    assert now.recommendation == was.recommendation == mode
    assert now.feasible is was.feasible is feasible
    assert not _shutdowns(now)


def test_no_shipped_example_uses_a_model_being_retired():
    found = []
    for path in shipped_workloads():
        data = _workload(path)
        assert data is not None
        found += [f"{path.name}: {r}" for p, m in _calls(data) if (r := _retiring(p, m))]
    assert not found
    assert EXAMPLES / "rules-cost-first" / "workloads" / "sales-call-summaries.yaml" in shipped_workloads()


def test_the_rule_set_documentation_marks_it_as_shutting_down_and_bedrocks_not():
    from advisor.views.rules_docs import ruleset_markdown

    text = ruleset_markdown(RULES)
    assert "`claude-sonnet-4-5` (shuts down 2026-11-30), `claude-sonnet-4-6`," in text
    assert "`anthropic.claude-sonnet-4-5`, `anthropic.claude-sonnet-5-5`" in text
