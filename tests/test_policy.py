"""Policy is data: who waits, the words of modes and answers, migration advice, what to watch
in production and the review's risks come from the rule set, are checked when it loads,
and a rule set that extends the default can change each of them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor import RuleSetError, assess, load_profile, load_rules, render_adr, render_review, review
from advisor.core.situation import situate
from advisor.views.text import render_text
from questionnaire.vocabulary import Words

from .conftest import EXAMPLES, PRICE_DATE, make_rule_set

DEFAULT = load_rules()
EXTENDING = {"id": "acme", "version": "1", "title": "ACME policy", "extends": "default"}
GRAY = load_profile(EXAMPLES / "gray-zone-30s.yaml")  # runs sync today, moves to async


def extending(tmp_path: Path, **sections: Any) -> Path:
    folder = tmp_path / "acme"
    folder.mkdir(parents=True)
    (folder / "ruleset.yaml").write_text(yaml.safe_dump({**EXTENDING, **sections}, sort_keys=False), "utf-8")
    return folder


def test_who_waits_is_the_rule_sets_answer_and_rules_read_it(tmp_path):
    triage = load_profile(EXAMPLES / "nightly-ticket-triage.yaml")
    assert situate(triage, DEFAULT, PRICE_DATE).facts["someone_waiting"] is False
    assert assess(triage, DEFAULT, price_date=PRICE_DATE, what_if=False).recommendation == "batch"
    # An organisation whose pipelines feed a live dashboard counts them as waiting.
    acme = load_rules(extending(tmp_path, answers={"interaction": {"pipeline": {"someone_waiting": True}}}))
    assert acme.waiting_interactions == DEFAULT.waiting_interactions | {"pipeline"}
    assert situate(triage, acme, PRICE_DATE).facts["someone_waiting"] is True
    result = assess(triage, acme, price_date=PRICE_DATE, what_if=False)
    assert "ux-batch-not-for-waiting" in {rule for e in result.excluded for rule in e.rules}
    assert result.recommendation != "batch"


def test_one_vocabulary_for_the_record_the_text_summary_and_the_app(tmp_path):
    acme = load_rules(extending(tmp_path, modes={"batch": {"label": "Overnight lane", "phrase": "the overnight lane"}}))
    chat = assess(load_profile(EXAMPLES / "chatbot.yaml"), acme, price_date=PRICE_DATE, what_if=False)
    assert "- Overnight lane (`batch`)" in render_adr(chat, date=PRICE_DATE)  # an option of the record
    assert "  batch (Overnight lane): " in render_text(chat)  # excluded, in the text summary
    assert Words(acme).mode("batch") == "Overnight lane"  # the questionnaire
    # Words the rule set does not change are inherited.
    assert acme.header.modes["batch"].verb == DEFAULT.header.modes["batch"].verb
    answer = "A person waits for a chat reply."
    acme = load_rules(extending(tmp_path / "2", answers={"interaction": {"chat": {"sentence": answer}}}))
    chat = assess(load_profile(EXAMPLES / "chatbot.yaml"), acme, price_date=PRICE_DATE, what_if=False)
    assert answer in render_adr(chat, date=PRICE_DATE)


def test_migration_advice_comes_from_the_rule_set(tmp_path):
    step = "Announce the move from {from} to {to} in the ACME change calendar first."
    acme = load_rules(extending(tmp_path, migration={"steps": [{"text": step}]}))
    record = render_adr(assess(GRAY, acme, price_date=PRICE_DATE, what_if=False), date=PRICE_DATE)
    assert "1. Announce the move from sync to async in the ACME change calendar first." in record
    assert "Version the endpoint" not in record  # a list replaces the inherited one
    default = render_adr(assess(GRAY, DEFAULT, price_date=PRICE_DATE, what_if=False), date=PRICE_DATE)
    assert "1. Version the endpoint, don't mutate it: ship the async version" in default
    assert "Treat the UX redesign as part of the migration" in default  # a person clicks and waits


def _moved(example: str, **changes: Any) -> str:
    """The MADR record of an example workload with some answers changed."""
    data = {**load_profile(EXAMPLES / f"{example}.yaml").model_dump(exclude_none=True), **changes}
    return render_adr(assess(data, DEFAULT, price_date=PRICE_DATE, what_if=False), date=PRICE_DATE)


def test_a_scheduled_job_is_switched_not_versioned_as_an_endpoint():
    """Board M15: the nightly ticket triage, a cron job, was told to ship its batch version as a
    new endpoint (/v2) and to move the consumers of its synchronous response first; no one
    calls it. A feature a person or a service calls keeps the endpoint's versioning."""
    triage = _moved("nightly-ticket-triage")  # runs sync today, moves to batch
    assert "/v2" not in triage and "Version the endpoint" not in triage
    assert "whatever depends on the synchronous response" not in triage
    assert ("1. Switch the scheduled job's calls to batch submission plus a result collector: the job compiles its"
            " requests into a batch, each with a custom_id, and submits it;") in triage
    assert "Keep the sync path until the first batches are reconciled against it" in triage
    assert "2. Schedule the submissions and alert when a batch nears" in triage
    # A pipeline moved to a queue of jobs gets the step for jobs.
    enrichment = _moved("deepseek-catalogue-enrichment", current_mode="sync")
    assert "1. Switch the scheduled job's calls to job submission plus a result collector" in enrichment
    assert "/v2" not in enrichment
    # Submitted by a person who is told later, there is an endpoint to version.
    called = _moved("nightly-ticket-triage", interaction="submit_and_notify")
    assert "1. Version the endpoint, don't mutate it: ship the async version as a new endpoint (e.g. /v2)" in called
    assert "Switch the scheduled job's calls" not in called
    chat = _moved("chatbot", current_mode="sync")
    assert "1. Version the endpoint, don't mutate it: ship the streaming version as a new endpoint (e.g. /v2)" in chat


def test_an_async_job_is_told_the_risks_of_the_people_and_services_it_reaches():
    """Board M15: a nightly pipeline's async record said the product feels broken without job
    history and notifications, and that its webhooks need retries; no one is shown its jobs and
    nothing is delivered by webhook. A person told later of a contract review hears both."""
    enrichment = assess(load_profile(EXAMPLES / "deepseek-catalogue-enrichment.yaml"), DEFAULT,
                        price_date=PRICE_DATE, what_if=False)
    assert enrichment.recommendation == "async"
    said = [r.risk for r in enrichment.risks]
    assert [r.split(":")[0] for r in said] == ["Real infrastructure", "Runaway cost goes unnoticed without explicit"
                                               " monitoring"]
    record = render_adr(enrichment, date=PRICE_DATE)
    assert "feels broken" not in record and "Webhooks need retries" not in record
    assert "11 days" not in record  # an anecdote its source gives no source for
    review = assess(load_profile(EXAMPLES / "contract-risk-review.yaml"), DEFAULT, price_date=PRICE_DATE,
                    what_if=False)
    assert review.recommendation == "async"
    record = render_adr(review, date=PRICE_DATE)
    assert "- Bad, because of a risk: without job history, status indicators and notifications the product" in record
    assert "- Bad, because of a risk: webhooks need retries on delivery failure" in record
    # A synchronous cron script has no endpoint to lock in; a click-and-wait reply does.
    cron = assess(load_profile(EXAMPLES / "monthly-cron-report.yaml"), DEFAULT, price_date=PRICE_DATE, what_if=False)
    reply = assess(load_profile(EXAMPLES / "support-reply-draft.yaml"), DEFAULT, price_date=PRICE_DATE, what_if=False)
    assert cron.recommendation == reply.recommendation == "sync"
    assert not any("endpoint" in r.risk for r in cron.risks)
    assert any(r.risk.startswith("Once the endpoint is in a public API") for r in reply.risks)


def test_a_risk_is_said_only_for_the_workloads_its_when_names_wherever_risks_are_shown(tmp_path):
    """One selection for the assessment's risks (its JSON, the questionnaire's Risks tab), the
    record's consequences and another option's main risk in the record."""
    source = "004_5230b8ac56ced4ba.txt § What sync is actually bad at"
    risks = [
        {"when": {"interaction": "pipeline"}, "risk": "Only a pipeline's.", "mitigation": "Watch it.",
         "source": source},
        {"risk": "Everyone's.", "mitigation": "Watch it too.", "source": source},
    ]
    acme = load_rules(extending(tmp_path, modes={"sync": {"risks": risks}}))
    cron = assess(load_profile(EXAMPLES / "monthly-cron-report.yaml"), acme, price_date=PRICE_DATE, what_if=False)
    assert cron.recommendation == "sync"
    assert [r["risk"] for r in cron.model_dump(mode="json")["risks"]] == ["Only a pipeline's.", "Everyone's."]
    assert "- Bad, because of a risk: only a pipeline's. Mitigation: Watch it." in render_adr(cron, date=PRICE_DATE)
    reply = assess(load_profile(EXAMPLES / "support-reply-draft.yaml"), acme, price_date=PRICE_DATE, what_if=False)
    assert reply.recommendation == "sync"
    assert [r["risk"] for r in reply.model_dump(mode="json")["risks"]] == ["Everyone's."]
    assert "pipeline's" not in render_adr(reply, date=PRICE_DATE)
    # Where sync is an option, not the choice, its main risk is the first said for the workload.
    triage = assess(load_profile(EXAMPLES / "nightly-ticket-triage.yaml"), acme, price_date=PRICE_DATE, what_if=False)
    assert "- Bad, because of its main risk: Only a pipeline's." in render_adr(triage, date=PRICE_DATE)
    chat = assess(load_profile(EXAMPLES / "chatbot.yaml"), acme, price_date=PRICE_DATE, what_if=False)
    assert "- Bad, because of its main risk: Everyone's." in render_adr(chat, date=PRICE_DATE)


def test_confirmation_metrics_come_from_the_rule_set_with_the_workloads_figures(tmp_path):
    watch = ["Queue age stays under {budget}; today's estimate is {monthly_cost} a month."]
    acme = load_rules(extending(tmp_path, modes={"async": {"confirmation": watch}}))
    result = assess(GRAY, acme, price_date=PRICE_DATE, what_if=False)
    assert result.recommendation == "async"
    record = render_adr(result, date=PRICE_DATE)
    assert "- Queue age stays under 45.0 s; today's estimate is $" in record
    assert "dead-letter queue stay flat" not in record


def test_review_risks_come_from_the_rule_set(tmp_path):
    pricey = {
        "kind": "pricey", "label": "over $100 a month in tokens", "none": "no feature over $100 a month in tokens",
        "when": {"fact": "monthly_token_cost_usd", "op": "gt", "value": 100},
        "severity": "monthly_token_cost_usd", "detail": "runs {current_mode} today",
    }
    acme = load_rules(extending(tmp_path, review_risks=[pricey]))
    result = review([EXAMPLES / "chatbot.yaml", EXAMPLES / "gray-zone-30s.yaml"], rules=acme, price_date=PRICE_DATE)
    flagged = {(k.kind, k.workload) for k in result.summary.risks}
    assert ("pricey", "Customer chatbot") in flagged
    assert {k.kind for k in result.summary.risks} == {"pricey"}  # the list replaces the default kinds
    assert "| over $100 a month in tokens | Customer chatbot |" in render_review(result)
    quiet = review([EXAMPLES / "monthly-cron-report.yaml"], rules=acme, price_date=PRICE_DATE)
    assert "None found: no feature over $100 a month in tokens." in render_review(quiet)


def test_the_record_counts_the_axes_of_its_rule_set(tmp_path):
    rule = {
        "id": "chat-streams", "axis": "ux_contract", "title": "Chat streams",
        "when": {"all": [{"fact": "interaction", "op": "eq", "value": "chat"}]}, "effect": {"scores": {"streaming": 5}},
        "because": "A person reading as the answer is written is what streaming is for.",
        "source": "004_5230b8ac56ced4ba.txt § The five axes",
        "examples": {"fires": [{"interaction": "chat"}], "does_not_fire": [{"interaction": "pipeline"}]},
    }
    two = load_rules(make_rule_set(tmp_path / "two", [rule], axes=DEFAULT.header.model_dump()["axes"][:2]))
    two_axes = assess(load_profile(EXAMPLES / "chatbot.yaml"), two, price_date=PRICE_DATE)
    record = render_adr(two_axes, template="nygard", date=PRICE_DATE)
    assert "The forces, the two axes of the rule set" in record
    assert len(re.findall(r"^\d\. \*\*", render_adr(two_axes, date=PRICE_DATE), re.MULTILINE)) == 2
    default = render_adr(assess(load_profile(EXAMPLES / "chatbot.yaml"), price_date=PRICE_DATE), template="nygard",
                         date=PRICE_DATE)
    assert "The forces, the five axes of the rule set" in default


@pytest.mark.parametrize(
    "sections, fragment",
    [
        ({"modes": {"sync": {"confirmation": ["Watch {latency}"]}}}, "modes.sync.confirmation: unknown figure {latency}"),
        ({"migration": {"steps": [{"text": "Go to {target}"}]}}, "migration.steps.0.text: unknown figure {target}"),
        ({"migration": {"steps": [{"when": {"to": "fax"}, "text": "x"}]}}, "migration.steps.0.when.to.0"),
        # The keys as written: a step's `from`, not the Python name behind it.
        ({"migration": {"steps": [{"when": {"form": "sync"}, "text": "x"}]}},
         "migration.steps.0.when.form: unknown key; did you mean 'from'? allowed keys: from, to,"),
        # A risk's `when` reads the workload's answers, not the move.
        (
            {"modes": {"async": {"risks": [{"when": {"to": "batch"}, "risk": "r", "mitigation": "m",
                                            "source": "004_5230b8ac56ced4ba.txt"}]}}},
            "modes.async.risks.0.when.to: unknown key; allowed keys: interaction, side_effects, downstream,"
            " output_format",
        ),
        (
            {"modes": {"sync": {"risks": [{"when": {"interaction": ["chat", "phone"]}, "risk": "r", "mitigation": "m",
                                           "source": "004_5230b8ac56ced4ba.txt"}]}}},
            "modes.sync.risks.0.when.interaction.1: must be one of 'chat', 'inline_edit'",
        ),
        ({"answers": {"interaction": {"chat": {"someone_waiting": "yes"}}}}, "answers.interaction.chat.someone_waiting"),
        (
            {"review_risks": [{"kind": "k", "label": "l", "none": "n", "detail": "d",
                               "when": {"fact": "monthly_cost", "op": "gt", "value": 1}}]},
            "unknown fact 'monthly_cost'",
        ),
        (
            {"review_risks": [{"kind": "k", "label": "l", "none": "n", "detail": "d", "severity": "interaction",
                               "when": {"fact": "over_rate_limit", "op": "eq", "value": True}}]},
            "severity needs a number",
        ),
    ],
)
def test_policy_is_checked_when_the_rule_set_loads(tmp_path, sections, fragment):
    folder = extending(tmp_path, **sections)
    with pytest.raises(RuleSetError) as info:
        load_rules(folder)
    assert str(info.value).startswith(f"{folder / 'ruleset.yaml'}: ")
    assert fragment in str(info.value)


def test_a_standalone_rule_set_words_every_answer(tmp_path):
    answers = DEFAULT.header.model_dump(mode="json")["answers"]
    del answers["interaction"]["service_call"]
    with pytest.raises(RuleSetError, match="interaction: word every answer; missing service_call"):
        load_rules(make_rule_set(tmp_path / "rs", [], answers=answers))


def test_a_confirmation_metric_names_only_its_figures_over_the_limit_too(tmp_path):
    watch = [{"text": "429s stay near zero at {limits_use}.", "over_limit": "429s come at {peak}."}]
    with pytest.raises(RuleSetError, match=r"over_limit: .*unknown figure \{peak\}"):
        load_rules(extending(tmp_path, modes={"async": {"confirmation": watch}}))


def test_a_confirmation_metric_names_only_its_figures_against_an_unknown_limit_too(tmp_path):
    watch = [{"text": "429s stay near zero.", "over_limit": "429s come.", "limit_unknown": "Give {limit_field}."}]
    with pytest.raises(RuleSetError, match=r"limit_unknown: .*unknown figure \{limit_field\}"):
        load_rules(extending(tmp_path, modes={"async": {"confirmation": watch}}))
    # Without its own line for an unknown limit, a metric says its usual one.
    watch = [{"text": "429s stay near zero.", "over_limit": "429s come."}]
    spec = load_rules(extending(tmp_path / "two", modes={"async": {"confirmation": watch}})).header.modes["async"]
    assert spec.watch(over_limit=False, limits_known=False) == ["429s stay near zero."]
