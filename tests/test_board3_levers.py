"""Board read 3, M8 and N8: the record's ways out are the engine's, and its headline reason
for batch states the net saving.

- M8: a record whose recommendation misses its contract offers the ways to meet it that the
  engine found (the claims check: a faster model's p95, not only a budget of 10.1 s); a
  change no model can make (output tokens beyond the model's maximum output, where the
  provider catalogue gives it) is not offered; the nearest flip it then hides comes back
  (the monthly summary: 1,000 requests a month -> batch).
- N8: where batch is chosen for its token discount ("whose tokens cost about half as much"),
  the Decision Outcome says what it saves net of its build (the nightly triage: $65 a month,
  11%, paid back in 28 months).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from advisor import assess, load_profile, load_rules, render_adr
from advisor.core.errors import RuleSetError
from advisor.core.variables import realistic_range

from .conftest import EXAMPLES, PRICE_DATE, SHIPPED_RULES

RULES = load_rules()
DATE = "2026-11-27"


def _assess(example: str):
    return assess(load_profile(EXAMPLES / f"{example}.yaml"), RULES, price_date=PRICE_DATE)


def _record(example: str, template: str = "madr") -> str:
    return render_adr(_assess(example), template=template, date=DATE)


def _section(record: str, heading: str) -> str:
    """The text under a heading, to the next heading of any level."""
    match = re.search(rf"^#+ {re.escape(heading)}\n(.*?)(?=^#|\Z)", record, re.S | re.M)
    return match.group(1) if match else ""


def _decision_outcome(record: str) -> str:
    return _section(record, "Decision Outcome")


# -- M8: a change no model can make is not offered -----------------------------------------


def test_no_flip_offers_more_output_than_gpt_5_4_can_return():
    a = _assess("monthly-cron-report")  # gpt-5.4: at most 128,000 output tokens a response
    assert RULES.catalogue.resolve("openai", "gpt-5.4").model.max_output_tokens == 128_000
    outputs = [c.value for c in a.what_would_change if c.fact == "output_tokens"]
    assert all(value <= 128_000 for value in outputs), outputs


def test_the_monthly_summary_record_names_the_near_flip_not_an_impossible_output():
    what_if = _section(_record("monthly-cron-report"), "What would change the decision")
    assert "`output_tokens` = 175000" not in what_if  # before: listed, though no model returns it
    assert "`requests_per_month` = 1000, instead of 100: batch jobs through the Batch API" in what_if  # before: hidden


def test_output_and_reasoning_share_the_models_maximum_output():
    profile = load_profile(EXAMPLES / "monthly-cron-report.yaml").model_copy(update={"reasoning_tokens": 8_000})
    output = realistic_range("output_tokens", profile, 1_050_000, 128_000)
    reasoning = realistic_range("reasoning_tokens", profile, 1_050_000, 128_000)
    assert output is not None and output.high == 120_000
    assert reasoning is not None and reasoning.high == 128_000 - 400
    # A workload already larger keeps its own value; without a known maximum only the window bounds it.
    big = profile.model_copy(update={"output_tokens": 200_000, "reasoning_tokens": None})
    assert realistic_range("output_tokens", big, 1_050_000, 128_000).high == 200_000
    assert realistic_range("output_tokens", profile, 200_000).high == 200_000 - 3_000 - 8_000


def test_a_maximum_output_needs_its_source(tmp_path: Path):
    import shutil

    folder = Path(shutil.copytree(SHIPPED_RULES, tmp_path / "rules"))
    path = folder / "catalogue.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["providers"]["openai"]["models"]["gpt-5.4"]["max_output_source"]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuleSetError, match="max_output_source"):
        load_rules(folder)


# -- M8: an infeasible record offers the engine's ways to meet its contract ---------------


def test_the_claims_check_offers_the_model_speed_the_what_if_found_not_only_a_budget():
    a = _assess("claims-triage-compliance")
    assert not a.feasible and a.recommendation == "async"
    speed = next(c for c in a.what_would_change if c.fact == "model_p95_s")
    assert speed.new_recommendation == "async" and speed.feasible
    lever = next(lever for lever in a.levers if set(lever.changes) == {"model_p95_s"})
    assert lever.changes["model_p95_s"] == speed.value  # the lever and the what-if name one figure
    assert lever.feasible

    outcome = _decision_outcome(_record("claims-triage-compliance"))
    ways = outcome.split("What would make it feasible", 1)[1]
    assert "With a budget of 10.1 s" in ways  # still offered, no longer the only way
    assert f"With a model that answers each call within {speed.value:.2f} s at p95" in ways
    assert "claude-sonnet-4-6: 5.10 s, estimated" in ways  # how far the model as specified is
    assert "none of Anthropic's current models in the provider catalogue makes it feasible" in ways
    assert "async meets its contract; the end-to-end p95 is 4.93 s" in ways


def test_nygard_offers_the_same_ways_out():
    outcome = _record("claims-triage-compliance", "nygard")
    assert "With a budget of 10.1 s" in outcome
    assert "With a model that answers each call within 2.50 s at p95" in outcome


def test_no_speed_lever_where_a_catalogue_model_is_the_way_out_or_the_contract_is_a_stream():
    # The voice assistant streams: its contract is the first token, not the whole call.
    voice = _assess("voice-assistant")
    assert not voice.feasible and voice.recommendation == "streaming"
    assert not any("model_p95_s" in lever.changes for lever in voice.levers)
    # Feasible records get no speed lever at all.
    assert not any("model_p95_s" in lever.changes for lever in _assess("monthly-cron-report").levers)


def test_a_stream_that_misses_lists_the_engines_way_to_meet_it_first():
    what_if = _section(_record("voice-assistant"), "What would change the decision")
    items = [line for line in what_if.splitlines() if line.startswith("- ")]
    # Before: only flips of the mode were listed (here to modes that miss too); the what-if's
    # way to meet the contract was dropped as "the same mode".
    assert items[0].startswith("- `model_p95_s` = 0.5, instead of 2.04 s as estimated: a streaming response.")
    assert "now meets its contract" in items[0]


# -- N8: the headline reason for batch states the net saving -------------------------------


@pytest.mark.parametrize("template", ["madr", "nygard"])
def test_the_batch_decision_states_the_net_saving_beside_half_the_token_price(template):
    record = _record("nightly-ticket-triage", template)
    heading = "Decision Outcome" if template == "madr" else "Decision"
    outcome = _section(record, heading)
    assert "whose tokens cost about half as much" in outcome  # the rule's text is policy: it stays
    # The move pays only what batch's build adds to today's sync (docs/cost-model.md, Against today).
    assert ("Net of its build and running costs, Batch API saves $176 a month (29%) against today's "
            "synchronous call: its token bill falls from $615 to $308, and the $4,000 its build adds to "
            "today's pays back in 14 months.") in outcome
    # Said before the rules that decided it, right after the reason it qualifies.
    assert outcome.index("half as much") < outcome.index("Net of its build") < outcome.index("Decided by")


def test_no_net_saving_sentence_where_batch_costs_more_or_batch_is_not_chosen():
    # The corpus embedding: batch costs more, which the trade-off sentence already says.
    embedding = _decision_outcome(_record("rag-corpus-embedding"))
    assert "a month more than" in embedding and "Net of its build" not in embedding
    assert "Net of its build" not in _decision_outcome(_record("monthly-cron-report"))


def test_the_records_are_byte_identical_when_rendered_again():
    for example in ("claims-triage-compliance", "nightly-ticket-triage", "monthly-cron-report"):
        assert _record(example) == _record(example)
