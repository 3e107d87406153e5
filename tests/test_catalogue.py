"""The provider catalogue: data in the rule set, validated at load, matched without
substring accidents, read by the latency, price and capacity models."""

from __future__ import annotations

import datetime
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

import advisor
from advisor import assess, load_rules, parse_profile
from advisor.core.errors import InputError, RuleSetError, SourceIdError
from advisor.core.latency import model_speed
from advisor.core.prices import price_card
from advisor.core.situation import resituate, situate

from .conftest import EXAMPLES, PRICE_DATE, SHIPPED_RULES, run_cli
from .strategies import profile_dicts

RULES = load_rules()
ONE_DAY = datetime.timedelta(days=1)
CATALOGUE = RULES.catalogue
BASE = {"name": "x", "interaction": "chat", "latency_budget_s": 10, "input_tokens": 500, "output_tokens": 200,
        "requests_per_month": 10_000, "model": "gpt-4o-mini"}


def _copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SHIPPED_RULES, tmp_path / "rules"))


def _edit(folder: Path, change: Any) -> None:
    path = folder / "catalogue.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


# -- matching ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "reference", "expected"),
    [
        ("openai", "gpt-4o", "gpt-4o"),
        ("openai", "GPT-4o-mini", "gpt-4o-mini"),  # case does not matter
        ("openai", "gpt-4o-mini-2024-07-18", "gpt-4o-mini"),  # exact snapshot, not gpt-4o
        ("openai", "gpt-4.1-2025-04-14", "gpt-4.1"),  # a dated snapshot of a name
        ("openai", "gpt-4.1-mini-2025-04-14", "gpt-4.1-mini"),  # ... of the longer name
        ("anthropic", "claude-sonnet-4-5-20250929", "claude-sonnet-4-5"),
        ("google", "gemini-2.5-pro-preview-06-05", "gemini-2.5-pro"),  # a prefix ends at '-'
        ("google", "gemini-2.5-pro-tts", None),  # vetoed
        ("google", "gemini-2.5-profound", None),  # a prefix must end at '-', '@', ':' or the end
        ("aws", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic.claude-sonnet-4-5"),
        ("openai", "gemini-2.5-flash", None),  # lookups never cross providers
        ("google", "gpt-4o-mini", None),
        ("openai", "mini", None),  # no substring accident either way
        ("openai", "gpt-5.4-mini-2026-03-17", "gpt-5.4-mini"),  # not gpt-5.4
        ("openai", "gpt-5.4-2026-03-05", "gpt-5.4"),
        ("openai", "gpt-5.4-nano", None),  # a model the catalogue lacks
        ("acme", "gpt-4o", None),  # a provider it lacks
    ],
)
def test_models_match_by_exact_name_snapshot_or_bounded_prefix(provider, reference, expected):
    assert CATALOGUE.resolve(provider, reference).model_key == expected


def test_gemini_is_not_a_mini_model():
    # The old substring table gave every "gemini" a small model's speed.
    flash = model_speed(CATALOGUE, "google", "gemini-2.5-flash")
    mini = model_speed(CATALOGUE, "openai", "gpt-4o-mini")
    assert flash != mini
    assert flash.reasons  # thinking is on by default: its first visible token waits
    assert flash.ttft_p95_s > 10 * mini.ttft_p95_s


def test_reasoning_models_wait_for_their_reasoning():
    o3 = model_speed(CATALOGUE, "openai", "o3")
    o4_mini = model_speed(CATALOGUE, "openai", "o4-mini")  # no measurement of its own
    gpt_4o = model_speed(CATALOGUE, "openai", "gpt-4o")
    assert o3.reasons and o4_mini.reasons and not gpt_4o.reasons
    assert min(o3.ttft_p95_s, o4_mini.ttft_p95_s) > 20 > gpt_4o.ttft_p95_s
    assert "reasons before it answers" in o4_mini.ttft_assumption.value


def test_speeds_are_medians_made_p95_by_the_measured_spread():
    gpt_4o = model_speed(CATALOGUE, "openai", "gpt-4o")
    assert gpt_4o.ttft_p95_s == pytest.approx(0.45 * 1.7)
    assert "0.45 s median x 1.7" in gpt_4o.ttft_assumption.value
    assert "jonathanwrede.de" in gpt_4o.ttft_assumption.source and "2026-06-24" in gpt_4o.ttft_assumption.source
    unknown = model_speed(CATALOGUE, "openai", "gpt-3.5-turbo")
    assert not unknown.measured and "judged no faster than the slowest measured model of OpenAI, gpt-4.1-mini" in (
        unknown.ttft_assumption.value)


def test_two_models_claiming_one_name_is_an_error_at_load(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, lambda d: d["providers"]["openai"]["models"]["gpt-4.1"]["match"]["exact"].append("gpt-4o"))
    with pytest.raises(RuleSetError) as info:
        load_rules(folder)
    assert "catalogue.yaml" in str(info.value)
    assert "providers.openai.models.gpt-4.1.match.exact: 'gpt-4o' is also claimed by model 'gpt-4o'" in str(info.value)


# -- validation: bad data names the file and the key, exit 2 -----------------------------


BAD_CATALOGUES = [
    ("wrong type", lambda d: d["providers"]["openai"]["models"]["gpt-4o"]["speed"].update(ttft_s="fast"),
     "providers.openai.models.gpt-4o.speed.ttft_s: input should be a valid number (got 'fast')"),
    ("unknown source", lambda d: d["providers"]["openai"]["batch"].update(source="my_memory"),
     "providers.openai.batch.source: unknown source 'my_memory'"),
    ("unknown tier", lambda d: d["providers"]["openai"].update(default_tier="tier-9"),
     "providers.openai.default_tier: must be one of the provider's tiers"),
    ("limit the provider does not set", lambda d: d["providers"]["anthropic"]["models"]["claude-sonnet-4-5"]["limits"]
     ["start"].update(tpm=1000),
     "providers.anthropic.models.claude-sonnet-4-5.limits.start.tpm: anthropic counts tokens as 'separate'"),
    ("batch discount without a batch API", lambda d: d["providers"]["deepseek"]["batch"].update(discount=0.5),
     "providers.deepseek.batch: without a batch API: no discount"),
    ("unknown key", lambda d: d["providers"]["openai"].update(colour="green"), "providers.openai.colour: unknown key"),
    ("always_reasons without its source", lambda d: d["providers"]["openai"]["models"]["o3"]
     .pop("always_reasons_source"),
     "providers.openai.models.o3.always_reasons_source: always_reasons needs its source"),
    ("always_reasons on a model that does not reason", lambda d: d["providers"]["openai"]["models"]["gpt-4o"]
     .update(always_reasons=True, always_reasons_source="azure_reasoning_effort_reference"),
     "providers.openai.models.gpt-4o.always_reasons: a model that always reasons needs reasons: true"),
    ("speed_of a model that is not there", lambda d: d["providers"]["aws"]["models"]["anthropic.claude-sonnet-4-5"]
     .update(speed_of="anthropic/claude-sonnet-9"),
     "providers.aws.models.anthropic.claude-sonnet-4-5.speed_of: names the same model at another provider"),
    ("an alias that is another provider's id", lambda d: d["providers"]["google"]["aliases"].append("openai"),
     "providers.google.aliases[1]: 'openai' is a provider's id"),
    ("an alias of two providers", lambda d: d["providers"]["aws"]["aliases"].append("gemini"),
     "providers.google.aliases[0]: 'gemini' is also an alias of aws"),
    ("aliases without their source", lambda d: d["providers"]["google"].pop("aliases_source"),
     "providers.google.aliases_source: aliases need their source"),
    ("a note on missing limits without its source", lambda d: d["providers"]["openai"]["models"]["gpt-6-luna"]
     .pop("limits_source"),
     "providers.openai.models.gpt-6-luna.limits_source: limits_note needs its source"),
    ("a note on missing limits for a model with limits", lambda d: d["providers"]["openai"]["models"]["gpt-4o"]
     .update(limits_note="none published"),
     "providers.openai.models.gpt-4o.limits_note: a note says why a model has no limits; this one has limits"),
]


@pytest.mark.parametrize(("label", "change", "fragment"), BAD_CATALOGUES, ids=[c[0] for c in BAD_CATALOGUES])
def test_a_bad_catalogue_fails_at_load_naming_file_and_key(tmp_path, capsys, label, change, fragment):
    folder = _copy(tmp_path)
    _edit(folder, change)
    with pytest.raises(RuleSetError) as info:
        load_rules(folder)
    assert str(info.value).startswith(str(folder / "catalogue.yaml"))
    assert fragment in str(info.value)
    for argv in (("rules", "check", folder), ("recommend", "examples/chatbot.yaml", "--rules", folder)):
        code, _, err = run_cli(capsys, *argv)
        assert code == 2 and fragment in err and "Traceback" not in err, argv


def _edit_header(folder: Path, change: Any) -> None:
    path = folder / "ruleset.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _refused_everywhere(capsys, folder: Path, tmp_path: Path, fragment: str) -> None:
    """Every command that loads the rule set exits 2 with one message holding ``fragment``,
    and writes nothing."""
    decisions = tmp_path / "decisions"
    for argv in (
        ("rules", "check", folder),
        ("recommend", EXAMPLES / "chatbot.yaml", "--rules", folder),
        ("adr", EXAMPLES / "chatbot.yaml", "--rules", folder, "--dir", decisions),
    ):
        code, out, err = run_cli(capsys, *argv)
        assert code == 2 and out == "" and "Traceback" not in err, (argv, err)
        assert fragment in err and len(err.strip().splitlines()) == 1, (argv, err)
    assert not decisions.exists()


def test_a_rule_set_document_id_the_catalogue_already_uses_is_refused(tmp_path, capsys):
    """An organisation's document keyed like a catalogue source merged the two into one entry
    of the assessment's ``sources``: a citation of either pointed at one document. The
    rule set is refused, naming its file, the key and who holds it."""
    folder = _copy(tmp_path)
    _edit_header(folder, lambda d: d["sources"].update({"openai_rate_limits_guide": "ACME's notes on our limits"}))
    with pytest.raises(RuleSetError) as info:
        load_rules(folder)
    message = str(info.value)
    assert message.startswith(f"{folder / 'ruleset.yaml'}: sources.openai_rate_limits_guide: ")
    assert "taken by the provider catalogue" in message and str(folder / "catalogue.yaml") in message
    _refused_everywhere(capsys, folder, tmp_path, "sources.openai_rate_limits_guide: ")


def test_an_extending_rule_set_may_not_reuse_a_catalogue_id_for_its_own_document(tmp_path, capsys):
    ours = tmp_path / "ours"
    ours.mkdir()
    (ours / "ruleset.yaml").write_text(
        "id: ours\nversion: 1.0.0\ntitle: Ours\nextends: default\n"
        "sources:\n  openai_batch_guide: Our batch runbook\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleSetError) as info:
        load_rules(ours)
    assert str(info.value).startswith(f"{ours / 'ruleset.yaml'}: sources.openai_batch_guide: ")
    _refused_everywhere(capsys, ours, tmp_path, "taken by the provider catalogue")


def test_a_catalogue_override_may_update_its_sources_but_not_take_a_rule_set_documents_id(tmp_path, capsys):
    """A rule set's catalogue.yaml overriding a catalogue source (a newer reading of the same
    page) is the same document, updated; a source it adds under the id of one of the rule
    set's documents is a second document under one id, refused naming the catalogue file."""
    ours = tmp_path / "ours"
    ours.mkdir()
    (ours / "ruleset.yaml").write_text(
        "id: ours\nversion: 1.0.0\ntitle: Ours\nextends: default\n", encoding="utf-8"
    )
    newer = {"title": "OpenAI rate limits guide", "url": "https://platform.openai.com/docs/guides/rate-limits",
             "as_of": "2026-11-20", "kind": "page"}
    (ours / "catalogue.yaml").write_text(yaml.safe_dump({"sources": {"openai_rate_limits_guide": newer}}),
                                         encoding="utf-8")
    assert str(load_rules(ours).catalogue.data.sources["openai_rate_limits_guide"].as_of) == "2026-11-20"

    taken = {**newer, "title": "Our own defaults"}
    (ours / "catalogue.yaml").write_text(yaml.safe_dump({"sources": {"advisor-default": taken}}), encoding="utf-8")
    with pytest.raises(RuleSetError) as info:
        load_rules(ours)
    message = str(info.value)
    assert message.startswith(f"{ours / 'catalogue.yaml'}: sources.advisor-default: ")
    assert "rule set" in message and str(SHIPPED_RULES / "ruleset.yaml") in message
    _refused_everywhere(capsys, ours, tmp_path, "sources.advisor-default: ")


def test_the_id_of_a_document_the_advisor_cites_names_that_document_in_every_rule_set(tmp_path, capsys):
    """The advisor's own figures (each mode's build effort, the retry back-off) cite a document
    of the shipped rule set whatever rule set decides. A standalone rule set listing its own
    document under that id made them cite it: "ordered by ACME integration handbook § Head-to-
    Head Comparison", a section of another document. Refused at load, naming the file, the id
    and what is allowed; under the shipped title it is the same document, and loads."""
    key = "003_a5044114f5d4f089.txt"
    shipped_title = RULES.header.sources[key]
    folder = _copy(tmp_path)  # a rule set of its own, written from the shipped one
    _edit_header(folder, lambda d: d.update(id="acme") or d["sources"].update({key: "ACME integration handbook"}))
    with pytest.raises(SourceIdError) as info:
        load_rules(folder)
    message = str(info.value)
    assert message.startswith(f"{folder / 'ruleset.yaml'}: sources.{key}: ")
    assert repr(shipped_title) in message and str(SHIPPED_RULES / "ruleset.yaml") in message
    _refused_everywhere(capsys, folder, tmp_path, f"sources.{key}: ")

    _edit_header(folder, lambda d: d["sources"].update({key: shipped_title}))
    a = assess(parse_profile({**BASE, "retry_rate": 0.05}), rules=load_rules(folder), price_date=PRICE_DATE)
    cited = [x for x in a.assumptions if key in x.source_ids]
    assert {x.name for x in cited} >= {"sync engineering", "retries"}, [x.name for x in cited]
    assert a.sources[key].title == shipped_title

    # Nor may a rule set extending the default give it another title.
    ours = tmp_path / "ours"
    ours.mkdir()
    (ours / "ruleset.yaml").write_text(
        f"id: ours\nversion: 1.0.0\ntitle: Ours\nextends: default\nsources:\n  {key}: ACME integration handbook\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceIdError, match=rf"^{re.escape(str(ours / 'ruleset.yaml'))}: sources\.{re.escape(key)}: "):
        load_rules(ours)

    # Nor a catalogue source, in a rule set that does not list the document itself.
    alone = _copy(tmp_path / "alone")
    for path in alone.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        text = "".join(line for line in text.splitlines(keepends=True) if not line.startswith(f"  {key}:"))
        path.write_text(text.replace(key, "004_5230b8ac56ced4ba.txt"), encoding="utf-8")
    assert key not in load_rules(alone).header.sources
    _edit(alone, lambda d: d["sources"].update(
        {key: {"title": "ACME integration handbook", "url": None, "as_of": "2026-11-01", "kind": "read"}}))
    with pytest.raises(SourceIdError) as info:
        load_rules(alone)
    assert str(info.value).startswith(f"{alone / 'catalogue.yaml'}: sources.{key}: ")


def test_rules_check_reports_the_catalogue(capsys):
    code, out, _ = run_cli(capsys, "rules", "check")
    assert code == 0
    assert "catalogue: 8 providers" in out and "every figure cited" in out


def test_every_source_is_dated_and_every_model_prices():
    for key, source in CATALOGUE.data.sources.items():
        assert source.as_of, key
    for provider, spec in CATALOGUE.data.providers.items():
        for model, entry in spec.models.items():
            name = (entry.match.exact or entry.match.prefix)[0]
            assert CATALOGUE.resolve(provider, name).model_key == model
            if spec.prices is not None:
                # A model shut down is priced on the last day it answered.
                day = PRICE_DATE if entry.shutdown is None else min(PRICE_DATE, entry.shutdown.date - ONE_DAY)
                card = price_card(provider, name, day, catalogue=CATALOGUE)
                assert card.standard.input.base > 0, (provider, model)


def test_a_rule_set_extending_the_default_overrides_the_catalogue(tmp_path, capsys):
    ours = tmp_path / "ours"
    ours.mkdir()
    (ours / "ruleset.yaml").write_text(
        "id: ours\nversion: 1.0.0\ntitle: Ours\nextends: default\n", encoding="utf-8"
    )
    # Our account measured gpt-4o's first token itself; nothing else changes.
    (ours / "catalogue.yaml").write_text(
        yaml.safe_dump({
            "providers": {"openai": {"models": {"gpt-4o": {"speed": {
                "ttft_s": 0.3, "ttft_p95_s": 0.5, "output_tokens_per_s": 90, "source": "ours"}}}}},
            "sources": {"ours": {"title": "Our own traces, October", "url": None, "as_of": "2026-10-31",
                                 "kind": "measured"}},
        }),
        encoding="utf-8",
    )
    rules = load_rules(ours)
    speed = model_speed(rules.catalogue, "openai", "gpt-4o")
    assert (speed.ttft_p95_s, speed.output_tokens_per_s) == (0.5, 90)
    assert "Our own traces" in speed.ttft_assumption.source
    assert model_speed(rules.catalogue, "openai", "gpt-4o-mini") == model_speed(CATALOGUE, "openai", "gpt-4o-mini")
    assert rules.content_hash != RULES.content_hash


# -- what the workload asks for ----------------------------------------------------------


def test_the_default_tier_is_the_same_for_every_model_of_a_provider_and_printed():
    for model in ("gpt-4o", "gpt-4.1", "gpt-4o-mini", "o3"):
        a = assess({**BASE, "model": model}, RULES, price_date=PRICE_DATE, what_if=False)
        assert a.capacity.tier == "tier-1"
        tier = next(x for x in a.assumptions if x.name == "account tier")
        assert tier.value.startswith("tier-1 (OpenAI's default for every model")


def test_a_provider_named_by_its_alias_is_judged_as_by_its_id():
    # "gemini" is the Gemini API, which the catalogue lists as google (the price data too):
    # read as an unknown provider it was timed at the generic stand-in (0.8 s, no reasoning),
    # checked against no rate limit and told of no shutdown, and streamed where google's
    # gemini-2.5-flash, which thinks before it answers, misses the budget.
    chat = {**BASE, "model": "gemini-2.5-flash", "latency_budget_s": 8}
    by_id = assess({**chat, "provider": "google"}, RULES, price_date=PRICE_DATE, what_if=False)
    for alias in ("gemini", "Gemini"):
        by_alias = assess({**chat, "provider": alias}, RULES, price_date=PRICE_DATE, what_if=False)
        assert by_alias.recommendation == by_id.recommendation and by_alias.feasible == by_id.feasible
        assert by_alias.latency.end_to_end_p95_s == by_id.latency.end_to_end_p95_s
        assert by_alias.capacity.rpm_limit == by_id.capacity.rpm_limit is not None
        assert [x.value for x in by_alias.assumptions if x.name == "model shutdown"] == [
            x.value for x in by_id.assumptions if x.name == "model shutdown"]
    bedrock = assess({**BASE, "provider": "bedrock", "model": "anthropic.claude-sonnet-4-5-20250929-v1:0"},
                     RULES, price_date=PRICE_DATE, what_if=False)
    assert bedrock.capacity.tier == "default"  # AWS Bedrock's quotas, not "no provider known"


def test_why_a_model_has_no_limits_is_said_in_its_own_records_only():
    # gpt-6-luna's limits are published only in tiers that map to no Tier 1-5: its record says
    # so beside the unknown limits, with the page it comes from; another OpenAI model's
    # record no longer carries that reason in its account-tier note.
    luna = assess({**BASE, "model": "gpt-6-luna"}, RULES, price_date=PRICE_DATE, what_if=False)
    limits = next(x for x in luna.assumptions if x.name == "rate limits")
    assert "Build, Launch and Grow tiers, which map to no Tier 1-5" in limits.value
    assert "openai_model_page_gpt_6_luna" in limits.source_ids
    assert "Build, Launch and Grow" in luna.capacity.limits_source  # the Capacity panel's "limits:" line
    other = assess(BASE, RULES, price_date=PRICE_DATE, what_if=False)
    tier = next(x for x in other.assumptions if x.name == "account tier")
    assert "gpt-6-luna" not in tier.value and "Build, Launch and Grow" in tier.value


def test_an_unknown_tier_names_the_field_and_the_allowed_ids(tmp_path, capsys):
    with pytest.raises(InputError) as info:
        assess({**BASE, "tier": "gold"}, RULES, price_date=PRICE_DATE, what_if=False)
    assert info.value.field == "tier" and "allowed: tier-1, tier-2, tier-3, tier-4, tier-5" in info.value.message
    path = tmp_path / "w.yaml"
    path.write_text(yaml.safe_dump({**BASE, "provider": "anthropic", "model": "claude-haiku-4-5", "tier": "tier-2"}))
    code, _, err = run_cli(capsys, "recommend", path)
    expected = f"{path}: field 'tier': unknown tier 'tier-2' for Anthropic; allowed: start, build, scale"
    assert code == 2 and expected in err


def test_a_service_tier_the_model_lacks_is_an_error():
    with pytest.raises(InputError) as info:
        assess({**BASE, "model": "gpt-4o", "service_tier": "flex"}, RULES, price_date=PRICE_DATE, what_if=False)
    assert info.value.field == "service_tier" and "offered: standard, priority" in info.value.message
    with pytest.raises(InputError):
        assess({**BASE, "provider": "deepseek", "model": "deepseek-flash", "service_tier": "priority"}, RULES,
               price_date=PRICE_DATE, what_if=False)


def test_flex_and_priority_are_priced_from_the_price_data():
    flex = assess({**BASE, "model": "gpt-5", "service_tier": "flex"}, RULES, price_date=PRICE_DATE, what_if=False)
    standard = assess({**BASE, "model": "gpt-5"}, RULES, price_date=PRICE_DATE, what_if=False)
    assert flex.costs["sync"].tokens_usd == pytest.approx(standard.costs["sync"].tokens_usd / 2)
    # Async is also shown at flex prices where the model has a flex tier.
    assert standard.costs["async"].flex_total_usd == pytest.approx(
        standard.costs["async"].total_usd - standard.costs["async"].tokens_usd / 2
    )
    assert standard.costs["sync"].flex_total_usd is None
    priority = assess({**BASE, "model": "gpt-4o", "service_tier": "priority"}, RULES, price_date=PRICE_DATE,
                      what_if=False)
    plain = assess({**BASE, "model": "gpt-4o"}, RULES, price_date=PRICE_DATE, what_if=False)
    assert priority.costs["sync"].tokens_usd == pytest.approx(plain.costs["sync"].tokens_usd * 1.7)


def test_before_the_price_data_knew_flex_prices_the_published_discount_is_used():
    import datetime

    card = price_card("openai", "gpt-5", datetime.date(2026, 6, 1), catalogue=CATALOGUE)
    assert card.flex_source == "published discount"
    assert card.flex is not None and card.flex.input.base == pytest.approx(card.standard.input.base / 2)


# -- no invented discounts ---------------------------------------------------------------


@pytest.mark.parametrize(("provider", "model"), [("aws", "us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
                                                 ("azure", "gpt-4.1")])
def test_bedrock_and_azure_batch_at_their_documented_discount(provider, model):
    card = price_card(provider, model, PRICE_DATE, catalogue=CATALOGUE)
    assert card.batch_source == "published discount" and card.batch_available
    assert card.batch.input.base == pytest.approx(card.standard.input.base / 2)
    discount = next(a for a in card.assumptions if a.name == "batch discount")
    assert ("Amazon Bedrock" if provider == "aws" else "Azure OpenAI") in discount.source


@pytest.mark.parametrize(("provider", "model", "pricing"), [
    ("deepseek", "deepseek-flash", None),
    ("self_hosted", "llama-3.3-70b", {"input_per_mtok": 0.2, "output_per_mtok": 0.2}),
])
def test_no_batch_api_means_no_batch_discount(provider, model, pricing):
    a = assess({**BASE, "interaction": "pipeline", "latency_budget_s": 86400, "provider": provider, "model": model,
                "pricing": pricing}, RULES, price_date=PRICE_DATE, what_if=False)
    assert a.recommendation != "batch"
    assert not a.pricing.batch_available and a.pricing.batch == a.pricing.standard
    assert a.costs["batch"].tokens_usd == a.costs["sync"].tokens_usd
    ruled_out = next(e for e in a.excluded if e.mode == "batch")
    assert ruled_out.rules == ["cost-batch-needs-a-batch-api"] and "has no batch API" in ruled_out.reasons[0]
    assert all(u.mode != "batch" for u in a.unmet)


@pytest.mark.parametrize(("provider", "model", "pricing"), [
    ("deepseek", "deepseek-flash", None),
    ("self_hosted", "llama-3.3-70b", {"input_per_mtok": 0.2, "output_per_mtok": 0.2}),
])
def test_without_a_batch_api_batch_is_not_the_answer_even_when_every_mode_misses(provider, model, pricing):
    """A nightly job whose tools alone take longer than its budget: every mode misses. The
    answer is an async job marked not feasible, with the numbers that miss; never batch, which
    the provider does not offer, with "no batch API" as the reason it is not feasible."""
    a = assess({**BASE, "interaction": "pipeline", "latency_budget_s": 28800, "tool_latency_s": 29000,
                "provider": provider, "model": model, "pricing": pricing}, RULES, price_date=PRICE_DATE,
               what_if=False)
    assert (a.recommendation, a.feasible) == ("async", False)
    assert "batch API" not in (a.infeasible_reason or "") and "8 h" in (a.infeasible_reason or "")


def test_a_batch_discount_for_a_provider_without_a_batch_api_is_an_error():
    with pytest.raises(InputError) as info:
        assess({**BASE, "provider": "deepseek", "model": "deepseek-flash",
                "pricing": {"input_per_mtok": 1, "output_per_mtok": 2, "batch_discount": 0.5}}, RULES,
               price_date=PRICE_DATE, what_if=False)
    assert info.value.field == "pricing.batch_discount" and "has no batch API" in info.value.message


def test_self_hosted_needs_its_own_prices_and_has_no_provider_limit():
    with pytest.raises(InputError) as info:
        assess({**BASE, "provider": "self_hosted", "model": "llama-3.3-70b"}, RULES, price_date=PRICE_DATE)
    assert info.value.field == "pricing"
    a = assess({**BASE, "provider": "self_hosted", "model": "llama-3.3-70b", "peak_requests_per_minute": 1e6,
                "requests_per_month": 60_000_000, "pricing": {"input_per_mtok": 0.2, "output_per_mtok": 0.2}},
               RULES, price_date=PRICE_DATE,
               what_if=False)
    assert not a.capacity.limits_known and not a.capacity.over_limit
    assert a.facts["over_rate_limit"] is None
    # Its capacity is the workload's own.
    own = assess({**BASE, "provider": "self_hosted", "model": "llama-3.3-70b", "peak_requests_per_minute": 100,
                  "rate_limits": {"concurrency": 1}, "pricing": {"input_per_mtok": 0.2, "output_per_mtok": 0.2}},
                 RULES, price_date=PRICE_DATE, what_if=False)
    assert own.capacity.over_limit


def test_deepseek_is_priced_at_its_peak_hour():
    card = price_card("deepseek", "deepseek-flash", PRICE_DATE, catalogue=CATALOGUE)
    assert card.standard.input.base == pytest.approx(0.3)  # off-peak is half
    assert any(a.name == "price hour" and "02:00 UTC" in a.value for a in card.assumptions)


def test_deepseeks_legacy_flash_names_get_deepseek_flash_facts():
    """DeepSeek still accepts deepseek-v4-flash-vision-exp and serves it with DeepSeek-V4.1-Flash
    at the Flash price: read as an unknown model, it got the fallback speed of a model that does
    not reason (0.8 s to the first token) and no concurrency limit."""
    for name in ("deepseek-v4-flash", "deepseek-v4-flash-vision-exp"):
        assert CATALOGUE.resolve("deepseek", name).model_key == "deepseek-flash", name
    a = assess({**BASE, "provider": "deepseek", "model": "deepseek-v4-flash-vision-exp"}, RULES,
               price_date=TODAY, what_if=False)
    assert a.latency.model_reasons
    assert a.capacity.concurrency_limit == 2500


def test_whether_cached_input_counts_cites_the_page_that_says_so_and_only_where_tokens_are_limited():
    """'cached input counts toward it' was cited to OpenAI's model pages, which do not say it
    (the prompt-caching FAQ does), and DeepSeek's concurrency limit, which counts no tokens,
    carried 'whether cached input counts is not documented: counted'."""
    a = assess(BASE, RULES, price_date=TODAY, what_if=False)
    (limits,) = [x for x in a.assumptions if x.name == "rate limits"]
    assert "cached input counts toward it" in limits.value
    assert "OpenAI model pages gpt-4o and gpt-4o-mini" in limits.source and "Prompt caching FAQ" in limits.source
    d = assess({**BASE, "provider": "deepseek", "model": "deepseek-flash"}, RULES, price_date=TODAY, what_if=False)
    (limits,) = [x for x in d.assumptions if x.name == "rate limits"]
    assert limits.value == "concurrent requests 2,500 (DeepSeek deepseek-flash, default)"


# -- a model's lifecycle: shut down, or shutting down ---------------------------------------

TODAY = datetime.date(2026, 11, 26)


def _refusal(tmp_path, capsys, provider: str, model: str) -> str:
    """`advisor recommend` on a workload on this model, which must be refused: exit 2, nothing
    on stdout, one message naming the file and the field. Returns the message."""
    path = tmp_path / "w.yaml"
    path.write_text(yaml.safe_dump({**BASE, "provider": provider, "model": model}))
    code, out, err = run_cli(capsys, "recommend", path, "--price-date", TODAY.isoformat())
    assert code == 2 and out == ""
    assert f"{path}: field 'model': " in err and "Traceback" not in err
    return err


@pytest.mark.parametrize(
    ("provider", "model", "shut_down", "allowed"),
    [
        ("deepseek", "deepseek-chat", "2026-07-24", "deepseek-flash, deepseek-v4-pro"),
        ("deepseek", "deepseek-reasoner", "2026-07-24", "deepseek-flash, deepseek-v4-pro"),
        ("openai", "o4-mini-2025-04-16", "2026-10-23", "gpt-4o (until 2027-01-14), gpt-4o-mini (until 2027-01-14)"),
        # Retired before: genai-prices still prices them, so they were assessed as if they answered.
        ("openai", "o3-mini", "2026-10-23", "gpt-4o (until 2027-01-14), gpt-4o-mini (until 2027-01-14)"),
        ("openai", "gpt-4.1-nano-2025-04-14", "2026-10-23", "gpt-4o (until 2027-01-14), gpt-4o-mini (until 2027-01-14)"),
        ("openai", "gpt-4o-2024-05-13", "2026-10-23", "gpt-4o (until 2027-01-14), gpt-4o-mini (until 2027-01-14)"),
        ("anthropic", "claude-sonnet-4-20250514", "2026-06-15",
         "claude-sonnet-4-6, claude-haiku-4-5, claude-opus-4, claude-sonnet-5, claude-opus-5, claude-sonnet-4-5 (until 2026-11-30)"),
        ("anthropic", "claude-opus-4-1", "2026-08-05",
         "claude-sonnet-4-6, claude-haiku-4-5, claude-opus-4, claude-sonnet-5, claude-opus-5, claude-sonnet-4-5 (until 2026-11-30)"),
    ],
)
def test_a_model_its_provider_has_shut_down_is_an_error_naming_the_field_and_the_models_that_answer(
    tmp_path, capsys, provider, model, shut_down, allowed
):
    """DeepSeek retired deepseek-chat and deepseek-reasoner on 2026-07-24 and OpenAI shut o4-mini
    down on 2026-10-23: priced as if they still answered, a workload got a cost (DeepSeek's
    2025 prices) and a recommendation for a model that fails every request."""
    err = _refusal(tmp_path, capsys, provider, model)
    assert f"shut {model} down on {shut_down}" in err
    assert allowed in err  # what is allowed: the provider's models that still answer


@pytest.mark.parametrize(
    ("provider", "model", "shut_down", "source"),
    [
        ("openai", "davinci", "2024-01-04", "OpenAI API: Deprecations, past deprecations"),
        ("openai", "text-ada-001", "2024-01-04", "OpenAI API: Deprecations, past deprecations"),
        ("openai", "gpt-3.5-turbo-0301", "2024-09-13", "OpenAI API: Deprecations, past deprecations"),
        ("openai", "gpt-4-32k-0613", "2025-06-06", "OpenAI API: Deprecations, past deprecations"),
        ("openai", "gpt-4.5-preview-2025-02-27", "2025-07-14", "OpenAI API: Deprecations, past deprecations"),
        ("openai", "davinci-002", "2026-09-28", "OpenAI API: Deprecations, past deprecations"),
        ("anthropic", "claude-3-5-sonnet", "2025-10-28", "Claude model deprecations, as copied by claude-wiki"),
        ("anthropic", "claude-3-5-sonnet-20240620", "2025-10-28", "Claude model deprecations, as copied by claude-wiki"),
        ("anthropic", "claude-2.1", "2025-07-21", "Claude model deprecations, as copied by claude-wiki"),
        ("anthropic", "claude-3-opus-latest", "2026-01-05", "Claude model deprecations, as copied by claude-wiki"),
        ("anthropic", "claude-3-haiku-20240307", "2026-04-20", "Claude model deprecations, as copied by claude-wiki"),
    ],
)
def test_a_model_retired_long_ago_that_the_price_data_still_prices_is_refused_naming_date_and_source(
    tmp_path, capsys, provider, model, shut_down, source
):
    """genai-prices still prices davinci, claude-3-5-sonnet and many more that their providers
    shut down long ago; absent from the catalogue, they were assessed as if they answered (at the
    fallback speed), with a verdict and a monthly cost for a model that fails every request."""
    err = _refusal(tmp_path, capsys, provider, model)
    assert f"shut {model} down on {shut_down}: every request to it fails" in err
    assert source in err  # the provider's own deprecations page, by title


# genai-prices' own names for models their providers retired: the picker offered every one.
RETIRED_BUT_PRICED = {
    "openai": ["ada", "babbage", "babbage-002", "curie", "davinci", "davinci-002", "text-davinci-002",
               "text-davinci-003", "gpt-3.5-turbo-0613", "gpt-3.5-turbo-16k-0613", "gpt-3.5-0301",
               "gpt-3.5-turbo-1106", "gpt-3.5-turbo-instruct", "gpt-4-32k", "gpt-4-vision-preview",
               "gpt-4.5-preview", "o1-preview", "o1-mini", "chatgpt-4o-latest"],
    "anthropic": ["claude-v1", "claude-2", "claude-3-sonnet", "claude-3-opus-latest", "claude-3-haiku",
                  "claude-3-5-sonnet", "claude-3-5-haiku-latest", "claude-3-7-sonnet-latest"],
}


@pytest.mark.parametrize(("provider", "model"), [(p, m) for p, ms in RETIRED_BUT_PRICED.items() for m in ms])
def test_the_price_datas_names_for_retired_models_are_refused(provider, model):
    with pytest.raises(InputError) as info:
        assess({**BASE, "provider": provider, "model": model}, RULES, price_date=TODAY, what_if=False)
    assert info.value.field == "model" and f"shut {model} down on " in str(info.value)


def test_a_shut_down_chat_model_is_never_told_to_move_to_an_embedding_model_nor_silently_to_a_retiring_one():
    """After 2027-01-14 gpt-4o-mini's refusal offered "text-embedding-3-small,
    text-embedding-3-large" as the OpenAI models that answer; before it, o4-mini's offered
    gpt-4o and gpt-4.1 without saying they go seven weeks later."""
    after = datetime.date(2027, 1, 20)
    with pytest.raises(InputError) as info:
        assess({**BASE, "model": "gpt-4o-mini"}, RULES, price_date=after, what_if=False)
    offered = str(info.value).split(f"answer on {after}: ")[1]
    assert "embedding" not in offered
    with pytest.raises(InputError) as info:
        assess({**BASE, "model": "o4-mini"}, RULES, price_date=TODAY, what_if=False)
    offered = str(info.value).split(f"answer on {TODAY}: ")[1]
    assert "embedding" not in offered
    assert "gpt-4.1 (until 2027-01-14)" in offered and "o3 (until 2026-12-11)" in offered
    # Those with no shutdown announced come first; the retiring ones latest first.
    names = [name.split(" (until ")[0] for name in offered.split("; or give")[0].split(", ")]
    dates = [m.shutdown.date if m.shutdown else datetime.date.max
             for m in (CATALOGUE.resolve("openai", name).model for name in names) if m is not None]
    assert dates == sorted(dates, reverse=True) and len(dates) == len(names)


def test_a_shut_down_model_of_a_step_names_the_step():
    steps = [{"name": "draft", "model": "deepseek-flash", "input_tokens": 100, "output_tokens": 50},
             {"name": "check", "model": "deepseek-reasoner", "input_tokens": 100, "output_tokens": 50}]
    workload = {k: v for k, v in BASE.items() if k not in ("input_tokens", "output_tokens", "model")}
    with pytest.raises(InputError) as info:
        assess({**workload, "provider": "deepseek", "model": "deepseek-flash", "steps": steps}, RULES,
               price_date=TODAY, what_if=False)
    assert info.value.field == "steps.check.model"


def test_a_model_shutting_down_is_assessed_and_its_shutdown_date_is_an_assumption_with_its_source():
    a = assess({**BASE, "model": "gpt-5"}, RULES, price_date=TODAY, what_if=False)
    (shutdown,) = [x for x in a.assumptions if x.name == "model shutdown"]
    assert "OpenAI shuts gpt-5 down on 2026-12-11, 15 days after the price date" in shutdown.value
    assert "OpenAI API deprecations" in shutdown.source and "2026-10-27" in shutdown.source
    # The record a board reads says it too.
    assert "Model shutdown: OpenAI shuts gpt-5 down on 2026-12-11" in advisor.render_adr(a)


def test_a_price_date_before_the_shutdown_assesses_the_model_as_it_was_and_says_it_is_gone():
    a = assess({**BASE, "model": "o4-mini"}, RULES, price_date=datetime.date(2026, 10, 1), what_if=False)
    (shutdown,) = [x for x in a.assumptions if x.name == "model shutdown"]
    assert "OpenAI shuts o4-mini down on 2026-10-23, 22 days after the price date" in shutdown.value


def test_gemini_2_5_pro_and_flash_shut_down_on_2026_12_01_and_say_what_answers_then():
    """Google retires gemini-2.5-pro and gemini-2.5-flash on 2026-12-01 and routes their requests
    to another model at its prices; gemini-2.5-flash-lite stays."""
    a = assess({**BASE, "provider": "google", "model": "gemini-2.5-pro"}, RULES, price_date=TODAY, what_if=False)
    (shutdown,) = [x for x in a.assumptions if x.name == "model shutdown"]
    assert shutdown.value.startswith("Google (Gemini API) shuts gemini-2.5-pro down on 2026-12-01, 5 days after the "
                                     "price date: from then requests to it are answered by gemini-3.8-flash")
    assert "Gemini API deprecations" in shutdown.source
    with pytest.raises(InputError, match=r"answered by gemini-3\.5-flash-lite"):
        assess({**BASE, "provider": "google", "model": "gemini-2.5-flash"}, RULES,
               price_date=datetime.date(2026, 12, 1), what_if=False)
    lite = assess({**BASE, "provider": "google", "model": "gemini-2.5-flash-lite"}, RULES,
                  price_date=datetime.date(2026, 12, 1), what_if=False)
    assert not [x for x in lite.assumptions if x.name == "model shutdown"]


def test_a_retiring_model_names_what_to_move_to():
    """'this decision holds only until the move to a current model' named none: a reader had to
    find out which of the provider's models are not going away too. It names them, of the same
    kind (chat models for a chat model), from the catalogue."""
    a = assess(BASE, RULES, price_date=TODAY, what_if=False)
    (shutdown,) = [x for x in a.assumptions if x.name == "model shutdown"]
    lasting = [key for key, m in CATALOGUE.models_of("openai") if m.shutdown is None and m.output == "text"]
    assert lasting and "gpt-5.4" in lasting and "text-embedding-3-small" not in lasting
    assert shutdown.value.endswith(
        "so this decision holds only until the move to a current model; OpenAI models with no shutdown announced: "
        f"{', '.join(lasting)}"
    ), shutdown.value


def test_an_active_model_has_no_shutdown_assumption():
    a = assess({**BASE, "provider": "anthropic", "model": "claude-sonnet-4-6"}, RULES, price_date=TODAY,
               what_if=False)
    assert not [x for x in a.assumptions if x.name == "model shutdown"]


def test_a_shutdown_names_a_known_source(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, lambda d: d["providers"]["openai"]["models"]["gpt-5"]["shutdown"].update(source="nowhere"))
    with pytest.raises(RuleSetError, match=r"providers.openai.models.gpt-5.shutdown.source: unknown source 'nowhere'"):
        load_rules(folder)


def test_the_model_levers_never_try_a_model_being_retired(monkeypatch, tmp_path):
    """Most OpenAI models of the catalogue are shut down or going away: re-running the
    assessment with one to find a lever is work for nothing, since a lever never names it.
    gpt-4.1-mini, its shutdown taken out here, is tried."""
    from advisor.core import levers

    folder = _copy(tmp_path)
    _edit(folder, lambda d: d["providers"]["openai"]["models"]["gpt-4.1-mini"].pop("shutdown"))
    rules = load_rules(folder)
    tried: list[str] = []
    run = levers._Finder.run

    def spy(self, changes):
        tried.extend(str(v) for k, v in changes.items() if k.endswith("model"))
        return run(self, changes)

    monkeypatch.setattr(levers._Finder, "run", spy)
    a = assess({**BASE, "latency_budget_s": 1.0, "output_tokens": 400}, rules, price_date=TODAY)
    found = a.levers  # searched when first read
    assert "gpt-4.1-mini" in tried
    assert [m for m in tried if _retiring(rules, "openai", m)] == []
    assert [lv for lv in found if _retiring(rules, "openai", str(lv.changes.get("model", "gpt-4.1-mini")))] == []


def _retiring(rules, provider: str, model: str) -> bool:
    entry = rules.catalogue.resolve(provider, model).model
    return entry is not None and entry.shutdown is not None


def _model_levers(a) -> list[tuple[str, str]]:
    return [(k, str(v)) for lever in a.levers for k, v in lever.changes.items() if k.rsplit(".", 1)[-1] == "model"]


@pytest.mark.parametrize("example", ["document-summary-button", "gray-zone-30s", "support-agent-tools"])
def test_a_model_lever_never_proposes_a_model_being_retired(example):
    """gpt-4o's levers offered gpt-4o-mini, which OpenAI shuts down on 2027-01-14 like gpt-4o,
    and nothing said so: advice to move to a model that is going away. A lever names only a
    model with no announced shutdown (a step's model lever too)."""
    profile = advisor.load_profile(EXAMPLES / f"{example}.yaml")
    a = assess(profile, RULES, price_date=TODAY)
    proposed = _model_levers(a)
    assert not [m for _, m in proposed if _retiring(RULES, profile.provider, m)], proposed


def test_a_model_lever_proposes_a_model_with_no_shutdown(tmp_path):
    """The same workload on a catalogue where gpt-4.1-mini has no shutdown: it is proposed, and
    the retiring gpt-4o-mini, faster and cheaper, still is not."""
    folder = _copy(tmp_path)
    _edit(folder, lambda d: d["providers"]["openai"]["models"]["gpt-4.1-mini"].pop("shutdown"))
    rules = load_rules(folder)
    a = assess(advisor.load_profile(EXAMPLES / "document-summary-button.yaml"), rules, price_date=TODAY)
    proposed = [m for _, m in _model_levers(a)]
    assert "gpt-4.1-mini" in proposed
    assert not [m for m in proposed if _retiring(rules, "openai", m)], proposed


# OpenAI shuts every chat model above down by 2027-01-14; these answer with no shutdown announced.
CURRENT_OPENAI = ("gpt-5.4", "gpt-5.4-mini", "gpt-5.5", "gpt-6-luna")


@pytest.mark.parametrize("model", CURRENT_OPENAI)
def test_current_openai_chat_models_resolve_are_priced_and_are_not_retiring(model):
    a = assess({**BASE, "model": model}, RULES, price_date=TODAY, what_if=False)
    assert CATALOGUE.resolve("openai", model).model_key == model
    assert a.costs and all(cost.tokens_usd > 0 for cost in a.costs.values())
    assert f"openai {model} on {TODAY}: input $" in _assumption(a, "prices")
    assert not [x for x in a.assumptions if x.name == "model shutdown"]
    # Still assessed, and still not retiring, on the day the last of the old ones is shut down.
    later = assess({**BASE, "model": model}, RULES, price_date=datetime.date(2027, 1, 14), what_if=False)
    assert not [x for x in later.assumptions if x.name == "model shutdown"]


def _assumption(a, name):
    (found,) = [x for x in a.assumptions if x.name == name]
    return found.value


def test_gpt_5_4_answers_without_reasoning_at_its_measured_speed_and_says_where_it_is_from():
    speed = model_speed(CATALOGUE, "openai", "gpt-5.4")
    assert not speed.reasons and speed.measured
    assert speed.ttft_p95_s == pytest.approx(0.397 * 1.7)
    assert "BridgeBench" in speed.ttft_assumption.source and "2026-11-26" in speed.ttft_assumption.source
    assert "short factual prompts" in speed.ttft_assumption.value  # the workload it was measured on
    assert "reasoning effort none by default" in CATALOGUE.data.sources["openai_model_page_gpt_5_4"].title


def test_gpt_5_4_mini_has_no_published_speed_and_says_what_it_is_judged_at():
    speed = model_speed(CATALOGUE, "openai", "gpt-5.4-mini")
    assert not speed.reasons and not speed.measured
    assert "gpt-5.4-mini has no measured speed in the provider catalogue: judged no faster than the slowest " \
        "measured model of OpenAI, gpt-4.1-mini" in speed.ttft_assumption.value


def test_gpt_5_5_and_gpt_6_luna_reason_by_default_and_gpt_5_5_carries_its_tier_limits():
    for model in ("gpt-5.5", "gpt-6-luna"):
        speed = model_speed(CATALOGUE, "openai", model)
        assert speed.reasons and speed.ttft_p95_s > 20, model
        assert "reasons before it answers" in speed.ttft_assumption.value
    a = assess({**BASE, "model": "gpt-5.5", "tier": "tier-3"}, RULES, price_date=TODAY, what_if=False)
    assert _assumption(a, "rate limits").startswith("RPM 5,000, TPM 2,000,000 (OpenAI gpt-5.5, tier-3")
    assert "model page gpt-5.5" in next(x for x in a.assumptions if x.name == "rate limits").source
    assert CATALOGUE.resolve("openai", "gpt-6-luna").model.flex  # Batch and Flex at half price


@pytest.mark.parametrize(
    ("model", "tier", "rpm", "tpm"),
    [
        # OpenAI's model pages, Tier 1 and Tier 5 rows (the default tier is Tier 1).
        ("gpt-5.4", None, 500, 500_000),
        ("gpt-5.4", "tier-5", 15_000, 40_000_000),
        ("gpt-5.4-mini", None, 500, 500_000),
        ("gpt-5.4-mini", "tier-5", 30_000, 180_000_000),
    ],
)
def test_gpt_5_4_and_gpt_5_4_mini_peaks_are_checked_against_their_published_tier_limits(model, tier, rpm, tpm):
    """The catalogue had no limits for either: a workload on them read 'headroom unknown: the
    provider catalogue has no OpenAI limits for gpt-5.4 at tier-1', its peak checked against
    nothing. Their model pages tabulate Tier 1-5, cited with the date they were read."""
    profile = {**BASE, "model": model, **({"tier": tier} if tier else {})}
    a = assess(profile, RULES, price_date=TODAY, what_if=False)
    assert a.capacity.limits_known and a.capacity.headroom is not None
    assert _assumption(a, "rate limits").startswith(f"RPM {rpm:,}, TPM {tpm:,} (OpenAI {model}, {tier or 'tier-1'}")
    source = next(x for x in a.assumptions if x.name == "rate limits").source
    assert source.startswith(f"OpenAI model page {model} — rate limits per tier, read 2026-11-26:"
                             f" https://developers.openai.com/api/docs/models/{model};")


def test_the_account_tier_note_does_not_claim_every_openai_model_publishes_tier_tables():
    """The tier note printed with every OpenAI workload said 'every model here still publishes
    Tier 1-5 tables', printed even for gpt-6-luna, whose page tabulates only Build, Launch and
    Grow and which therefore has no limits in the catalogue."""
    a = assess({**BASE, "model": "gpt-6-luna"}, RULES, price_date=TODAY, what_if=False)
    tier = _assumption(a, "account tier")
    assert "every model here still publishes" not in tier
    assert "Build, Launch and Grow" in tier
    assert "gpt-6-luna" in _assumption(a, "rate limits")  # the model is named where its limits are missing
    assert not CATALOGUE.resolve("openai", "gpt-6-luna").model.limits


def _only_gpt_4_1_mini_unmeasured(data: dict[str, Any]) -> None:
    """OpenAI with gpt-4o and a gpt-4.1-mini that has no shutdown, no measured speed and no limits."""
    models = data["providers"]["openai"]["models"]
    mini = {k: v for k, v in models["gpt-4.1-mini"].items() if k not in ("shutdown", "speed", "limits", "limits_source")}
    data["providers"]["openai"]["models"] = {"gpt-4o": models["gpt-4o"], "gpt-4.1-mini": mini}
    for model in data["providers"]["azure"]["models"].values():  # Azure's copies of the models dropped
        model.pop("speed_of", None)


def test_a_model_lever_says_what_is_not_known_of_the_model_it_proposes(tmp_path):
    """A lever to a model the catalogue has no speed or limits for read 'With gpt-5.4-mini: async
    meets its contract; the end-to-end p95 is 40.8 s', as if measured: its latency is the
    catalogue's conservative default and its peak goes unchecked, and the lever now says so
    (what the catalogue lacks, not that the provider publishes nothing)."""
    folder = _copy(tmp_path)
    _edit(folder, _only_gpt_4_1_mini_unmeasured)
    a = assess(advisor.load_profile(EXAMPLES / "document-summary-button.yaml"), load_rules(folder), price_date=TODAY)
    (lever,) = [lv for lv in a.levers if "model" in lv.changes]
    assert lever.because.startswith(
        "With gpt-4.1-mini (no measured speed in the provider catalogue: judged at the slow end of the published "
        "range; no rate limits in the provider catalogue at tier-1: its peak is not checked): "
    ), lever.because
    # A model measured and with its limits published carries no such words; claude-sonnet-5,
    # whose speed is not measured, does: judged no faster than the measured model it replaces,
    # whose first token is slower than the default.
    measured = assess(advisor.load_profile(EXAMPLES / "contract-risk-review.yaml"), RULES, price_date=TODAY)
    said = {lv.changes["model"]: lv.because for lv in measured.levers if "model" in lv.changes}
    assert said["claude-haiku-4-5"].startswith("With claude-haiku-4-5: ")
    assert said["claude-sonnet-5"].startswith("With claude-sonnet-5 (no measured speed in the provider catalogue: "
                                              "judged no faster than Anthropic's slowest measured model, "
                                              "claude-sonnet-4-5): ")


def test_the_rule_set_documentation_marks_the_models_shut_down_or_shutting_down():
    from advisor.views.rules_docs import ruleset_markdown

    text = ruleset_markdown(RULES)
    assert "`o4-mini` (shut down 2026-10-23)" in text
    assert "`gpt-5` (shuts down 2026-12-11)" in text
    assert "`claude-sonnet-4-6`," in text  # an active model is listed as it is


# -- the probes' shortcuts give what a fresh assessment gives -----------------------------

_CHANGES = st.one_of(
    st.fixed_dictionaries({"latency_budget_s": st.floats(0.1, 1e6)}),
    st.fixed_dictionaries({"interaction": st.sampled_from(["chat", "pipeline", "service_call", "request_response"])}),
    st.fixed_dictionaries({"model_p95_s": st.floats(0.1, 3000)}),
    st.fixed_dictionaries({"requests_per_month": st.integers(1, 10**9)}),
    st.fixed_dictionaries({"peak_requests_per_minute": st.floats(0, 1e6)}),
    st.fixed_dictionaries({"output_tokens": st.integers(1, 10**5)}),
    st.fixed_dictionaries({"tier": st.sampled_from(["tier-1", "tier-5"]), "model": st.sampled_from(["gpt-4o", "o3"]),
                           "provider": st.just("openai")}),
    st.fixed_dictionaries({"cached_input_fraction": st.floats(0, 1), "downstream": st.just("external_api")}),
)


@settings(max_examples=150, deadline=None)
@given(data=profile_dicts(), changes=_CHANGES)
def test_resituating_and_refiring_equal_a_fresh_evaluation(data, changes):
    profile = parse_profile(data)
    try:
        base = situate(profile, RULES, PRICE_DATE)
        fresh = situate(profile.model_copy(update=changes), RULES, PRICE_DATE)
    except InputError:  # e.g. a tier the provider lacks: nothing to compare
        return
    quick = resituate(base, RULES, changes)
    assert quick.facts == fresh.facts
    assert (quick.latency, quick.costs, quick.capacity, quick.card) == (fresh.latency, fresh.costs, fresh.capacity,
                                                                        fresh.card)
    assert (quick.assumptions, quick.latency_assumptions) == (fresh.assumptions, fresh.latency_assumptions)


def test_the_shipped_catalogue_is_trusted_only_as_validation_would_build_it():
    """A command builds the shipped catalogue without validating it (start-up time): the
    objects must be exactly those validation gives, field by field and type by type, and
    `advisor rules check` still validates it in full."""
    from advisor.core.catalogue import CatalogueData, trusted_catalogue
    from advisor.core.rules import shipped_catalogue_layers

    ((data, source),) = shipped_catalogue_layers()
    validated = CatalogueData.model_validate(data)
    trusted = trusted_catalogue(data, source).data

    def same(a, b, path="catalogue"):
        assert type(a) is type(b), path
        if isinstance(a, BaseModel):
            assert a.model_fields_set == b.model_fields_set, path
            for name in type(a).model_fields:
                same(getattr(a, name), getattr(b, name), f"{path}.{name}")
        elif isinstance(a, dict):
            assert a.keys() == b.keys(), path
            for key in a:
                same(a[key], b[key], f"{path}.{key}")
        elif isinstance(a, list):
            assert len(a) == len(b), path
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                same(x, y, f"{path}[{i}]")
        else:
            assert a == b, path

    same(validated, trusted)
    assert load_rules().catalogue.data == validated


def test_the_default_example_offers_no_unmeasured_model_at_a_speed_faster_than_measured_ones():
    """support-reply-draft (gpt-5.4, measured) was offered gpt-5.4-mini 'at 0.80 s', the seed's
    fallback, faster than OpenAI's measured gpt-4.1-mini (1.58 s at p95): review 3, N3."""
    a = assess(parse_profile(yaml.safe_load((EXAMPLES / "support-reply-draft.yaml").read_text("utf-8"))),
               price_date=PRICE_DATE)
    assert not any(lv.changes.get("model") == "gpt-5.4-mini" and lv.feasible and lv.recommendation == "streaming"
                   for lv in a.levers)


# -- a model that cannot turn its reasoning off (review 4, R1) --------------------------------


@pytest.mark.parametrize(("provider", "model"), [("google", "gemini-2.5-pro"), ("openai", "o3"),
                                                 ("openai", "o4-mini"), ("azure", "o3"), ("azure", "o4-mini")])
def test_models_that_cannot_turn_reasoning_off_say_so_with_a_source(provider, model):
    spec = CATALOGUE.resolve(provider, model).model
    assert spec is not None and spec.reasons and spec.always_reasons
    assert spec.always_reasons_source in CATALOGUE.data.sources
    # Those that can, or answer without reasoning, do not.
    for other in ("gemini-2.5-flash", "gemini-2.5-flash-lite"):
        assert not CATALOGUE.resolve("google", other).model.always_reasons


@pytest.mark.parametrize("shape", ["shorthand", "steps"])
def test_reasoning_tokens_0_on_a_model_that_cannot_stop_reasoning_is_an_input_error(tmp_path, capsys, shape):
    """gemini-2.5-pro with reasoning_tokens 0 was judged as a call without reasoning (2.10 s,
    feasible), where it waits 1.6 minutes for its reasoning: now the file is refused."""
    chat = {**BASE, "provider": "google", "model": "gemini-2.5-pro", "latency_budget_s": 3}
    if shape == "shorthand":
        data, field = {**chat, "reasoning_tokens": 0}, "reasoning_tokens"
    else:
        step = {"name": "answer", "input_tokens": 500, "output_tokens": 200, "reasoning_tokens": 0}
        data = {k: v for k, v in chat.items() if k not in ("input_tokens", "output_tokens")} | {"steps": [step]}
        field = "steps.answer.reasoning_tokens"
    with pytest.raises(InputError) as info:
        assess(data, RULES, price_date=PRICE_DATE, what_if=False)
    assert info.value.field == field
    assert info.value.message.startswith("gemini-2.5-pro cannot turn its reasoning off (Vercel AI Gateway")
    path = tmp_path / "w.yaml"
    path.write_text(yaml.safe_dump(data))
    code, out, err = run_cli(capsys, "recommend", path)
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.startswith(f"advisor: error: {path}: field '{field}': gemini-2.5-pro cannot turn its reasoning off")
    assert "give the reasoning tokens it writes per call, or leave the field out" in err
    assert len(err.strip().splitlines()) == 1
    # The questionnaire shows it under the question it belongs to.
    from questionnaire.state import problems_by_question

    (question, lines), = problems_by_question([info.value]).items()
    assert question == field.split(".")[0] and "cannot turn its reasoning off" in lines[0]
    # A model that can turn it off, and the same model with its reasoning given, are assessed.
    assess({**data, "model": "gemini-2.5-flash"}, RULES, price_date=PRICE_DATE, what_if=False)
    if shape == "shorthand":
        assess({**data, "reasoning_tokens": 500}, RULES, price_date=PRICE_DATE, what_if=False)


def test_no_lever_moves_a_workload_with_thinking_off_to_a_model_that_cannot_turn_it_off(monkeypatch):
    """Azure's gpt-5 with reasoning_tokens 0: o3 and o4-mini (no shutdown announced at Azure)
    would keep the 0, which they cannot do; the levers never try them."""
    from advisor.core import levers

    tried: list[dict[str, Any]] = []
    run = levers._Finder.run

    def spy(self, changes):
        tried.append(dict(changes))
        return run(self, changes)

    monkeypatch.setattr(levers._Finder, "run", spy)
    workload = {**BASE, "provider": "azure", "model": "gpt-5", "reasoning_tokens": 0, "latency_budget_s": 1}
    assessment = assess(workload, RULES, price_date=PRICE_DATE)
    assert assessment.levers  # worked out when first read
    models = {c.get("model") for c in tried}
    assert models - {None}, "the levers tried no model at all"
    assert not models & {"o3", "o4-mini"}
