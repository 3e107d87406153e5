"""Rule sets: every rule's examples run; a bad rule file fails at load naming the file,
the rule id and the path inside the rule."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from advisor import RuleSetError, assess, load_profile, load_rules
from advisor.core.conditions import compile_condition
from advisor.core.engine import evaluate_rule
from advisor.core.rules import default_rules_dir
from advisor.core.rules_check import run_rule_examples

RULESET = load_rules()


@pytest.mark.parametrize("rule", RULESET.rules, ids=lambda r: r.id)
def test_rule_examples(rule):
    results = run_rule_examples(RULESET, rule)
    assert results, f"{rule.id} has no examples"
    failures = [r.message for r in results if not r.passed]
    assert not failures, "\n".join(failures)


def test_every_rule_cites_a_seed_and_explains_itself():
    for rule in RULESET.rules:
        assert rule.spec.source.split(" ")[0] in RULESET.header.sources
        assert len(rule.spec.because.split()) >= 8, rule.id
        assert rule.spec.examples.fires and rule.spec.examples.does_not_fire, rule.id


def test_axes_and_weights_live_in_the_rule_set():
    assert [a.id for a in RULESET.header.axes] == [
        "ux_contract", "latency", "cost_burst", "failure_retry", "downstream"
    ]
    # Seed 004: the UX contract is the dominant axis.
    assert max(RULESET.weights, key=RULESET.weights.get) == "ux_contract"


@pytest.fixture
def rules_copy(tmp_path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), target)
    return target


def edit_rule(folder: Path, file: str, rule_id: str, change) -> None:
    path = folder / file
    data = yaml.safe_load(path.read_text())
    for rule in data["rules"]:
        if rule["id"] == rule_id:
            change(rule)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


BAD_RULES = [
    ("unknown fact", lambda r: r["when"]["all"][0].update(fact="latency_budget"),
     "when.all[0].fact: unknown fact 'latency_budget'; did you mean 'latency_budget_s'?"),
    ("unknown operator", lambda r: r["when"]["all"][0].update(op="gtt"),
     "when.all[0].op: unknown operator 'gtt'"),
    ("wrong value type", lambda r: r["when"]["all"][1].update(value="five"),
     "when.all[1].value: fact 'end_to_end_p95_s' is a number; value must be a number"),
    ("ordering on an enum", lambda r: r["when"]["all"].append({"fact": "interaction", "op": "gt", "value": "chat"}),
     "when.all[3].op: 'gt' compares numbers, but fact 'interaction' is a choice (chat, "),
    ("a threshold that is not a finite number", lambda r: r["when"]["all"][1].update(value=float("nan")),
     "when.all[1].value: fact 'end_to_end_p95_s' is a number; value must be a finite number (got nan)"),
    ("a boolean where a number goes", lambda r: r["when"]["all"][1].update(value=True),
     "when.all[1].value: fact 'end_to_end_p95_s' is a number; value must be a number (got true)"),
    ("unknown enum value", lambda r: r["when"]["all"].append({"fact": "interaction", "op": "eq", "value": "chatbot"}),
     "when.all[3].value: fact 'interaction' allows chat"),
    ("unknown mode", lambda r: r["effect"].update(exclude=["realtime"]), "effect.exclude.0"),
    ("missing because", lambda r: r.pop("because"), "because: required key is missing"),
    ("unknown axis", lambda r: r.update(axis="speed"), "axis: unknown axis 'speed'"),
    ("unknown key", lambda r: r.update(severity="high"), "severity: unknown key"),
    ("source not a seed", lambda r: r.update(source="my blog post"), "source must start with a document"),
    ("empty effect", lambda r: r.update(effect={}), "an effect needs at least one of"),
    ("bad condition key", lambda r: r.update(when={"every": []}), "unknown condition key(s) every"),
]


@pytest.mark.parametrize("label, change, fragment", BAD_RULES, ids=[c[0] for c in BAD_RULES])
def test_bad_rule_fails_at_load_naming_file_rule_and_path(rules_copy, label, change, fragment):
    edit_rule(rules_copy, "latency.yaml", "latency-sync-over-5s", change)
    with pytest.raises(RuleSetError) as info:
        load_rules(rules_copy)
    message = str(info.value)
    assert "latency.yaml" in message
    assert "rule 'latency-sync-over-5s'" in message
    assert fragment in message


def test_duplicate_rule_ids_are_rejected(rules_copy):
    edit_rule(rules_copy, "latency.yaml", "latency-sync-over-5s", lambda r: r.update(id="ux-click-and-wait"))
    with pytest.raises(RuleSetError, match="duplicate rule id"):
        load_rules(rules_copy)


def test_rule_set_without_header(tmp_path):
    (tmp_path / "rules.yaml").write_text("rules: []\n")
    with pytest.raises(RuleSetError, match=r"needs a ruleset\.yaml"):
        load_rules(tmp_path)


def test_missing_rule_set_folder(tmp_path):
    with pytest.raises(RuleSetError, match="no such rule-set folder"):
        load_rules(tmp_path / "nope")


def test_a_rule_set_path_that_is_a_file_says_so(tmp_path, capsys):
    from advisor.cli import main

    workload = tmp_path / "chatbot.yaml"
    workload.write_text("name: x\n", encoding="utf-8")
    for args in (["recommend", "examples/chatbot.yaml", "--rules", str(workload)], ["rules", "check", str(workload)]):
        assert main(args) == 2
        assert capsys.readouterr().err == (
            f"advisor: error: {workload}: is a file, not a rule-set folder: "
            "give the folder that holds the rule set's YAML files\n"
        )


def test_bad_rules_dir_on_the_cli_exits_2(rules_copy, capsys):
    from advisor.cli import main

    edit_rule(rules_copy, "latency.yaml", "latency-sync-over-5s", lambda r: r["when"]["all"][0].update(op="gtt"))
    code = main(["recommend", "examples/chatbot.yaml", "--rules", str(rules_copy)])
    err = capsys.readouterr().err
    assert code == 2 and "unknown operator" in err and "Traceback" not in err


def test_rules_env_variable_selects_the_rule_set(rules_copy, monkeypatch):
    header = yaml.safe_load((rules_copy / "ruleset.yaml").read_text())
    header["id"] = "acme-policy"
    (rules_copy / "ruleset.yaml").write_text(yaml.safe_dump(header, sort_keys=False))
    monkeypatch.setenv("ADVISOR_RULES", str(rules_copy))
    assert load_rules().id == "acme-policy"


def test_trace_shows_every_condition_with_actual_and_threshold():
    rule = RULESET.rule("latency-sync-over-5s")
    outcome = evaluate_rule(rule, {"someone_waiting": True, "end_to_end_p95_s": 7.5, "latency_budget_s": 10})
    assert outcome.fired
    assert outcome.conditions == [
        ("someone_waiting", "eq", True, True, True),
        ("end_to_end_p95_s", "gt", 7.5, 5, True),
        ("latency_budget_s", "ge", 10, 5, True),
    ]
    # No short-circuit: a failing first condition still traces the others.
    outcome = evaluate_rule(rule, {"someone_waiting": False, "end_to_end_p95_s": 2, "latency_budget_s": 10})
    assert not outcome.fired and len(outcome.conditions) == 3


def test_condition_combinators_and_fact_references():
    check = compile_condition(
        {"any": [
            {"not": {"fact": "interaction", "op": "in", "value": ["chat", "inline_edit"]}},
            {"fact": "time_to_first_token_s", "op": "gt", "value": {"fact": "latency_budget_s"}},
        ]}
    )
    trace: list = []
    assert check({"interaction": "pipeline", "time_to_first_token_s": 1, "latency_budget_s": 2}, trace)
    trace = []
    assert not check({"interaction": "chat", "time_to_first_token_s": 1, "latency_budget_s": 2}, trace)
    assert trace[1] == ("time_to_first_token_s", "gt", 1, 2, False)
    trace = []
    assert check({"interaction": "chat", "time_to_first_token_s": 3, "latency_budget_s": 2}, trace)


def test_absent_fact_never_passes():
    check = compile_condition({"fact": "batch_breakeven_requests_per_month", "op": "lt", "value": 1000})
    trace: list = []
    assert not check({"batch_breakeven_requests_per_month": None}, trace)
    assert trace == [("batch_breakeven_requests_per_month", "lt", None, 1000, False)]


def write_extending_set(folder: Path, header: dict, rules: list | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ruleset.yaml").write_text(yaml.safe_dump(header, sort_keys=False))
    if rules is not None:
        (folder / "org.yaml").write_text(yaml.safe_dump({"rules": rules}, sort_keys=False))
    return folder


EXTENDING = {"id": "acme", "version": "2", "title": "ACME policy", "extends": "default"}


def test_extending_rule_set_inherits_and_overrides(tmp_path):
    folder = write_extending_set(
        tmp_path / "acme", {**EXTENDING, "weights": {"cost_burst": 4}, "disable": ["ux-simple-script"]}
    )
    ruleset = load_rules(folder)
    assert ruleset.id == "acme" and ruleset.version == "2"
    assert ruleset.weights["cost_burst"] == 4 and ruleset.weights["latency"] == RULESET.weights["latency"]
    ids = [r.id for r in ruleset.rules]
    assert "ux-simple-script" not in ids and len(ids) == len(RULESET.rules) - 1
    assert ruleset.content_hash != RULESET.content_hash


def test_extending_rule_set_adds_rules_citing_its_own_sources(tmp_path):
    rule = {
        "id": "org-no-streaming", "axis": "ux_contract", "title": "We do not stream",
        "when": {"all": [{"fact": "interaction", "op": "eq", "value": "chat"}]},
        "effect": {"exclude": ["streaming"]},
        "because": "Our mobile clients cannot hold a stream open on flaky networks.",
        "source": "acme-mobile-guidelines.md § 2",
        "examples": {"fires": [{"interaction": "chat"}], "does_not_fire": [{"interaction": "pipeline"}]},
    }
    header = {**EXTENDING, "sources": {"acme-mobile-guidelines.md": "ACME mobile guidelines"}}
    ruleset = load_rules(write_extending_set(tmp_path / "acme", header, [rule]))
    assert ruleset.rules[-1].id == "org-no-streaming"
    result = assess(load_profile("examples/chatbot.yaml"), ruleset, what_if=False)
    assert result.recommendation != "streaming"
    assert "org-no-streaming" in {e for x in result.excluded for e in x.rules}


@pytest.mark.parametrize(
    "change, fragment",
    [
        ({"weights": {"speed": 2}}, "weights.speed: unknown axis"),
        ({"disable": ["no-such-rule"]}, "disable[0]: no rule 'no-such-rule'"),
        ({"extends": "../nowhere"}, "no such rule-set folder"),
        ({"axes": []}, "axes: unknown key"),
    ],
)
def test_bad_extending_header(tmp_path, change, fragment):
    folder = write_extending_set(tmp_path / "acme", {**EXTENDING, **change})
    with pytest.raises(RuleSetError) as info:
        load_rules(folder)
    assert fragment in str(info.value)


def test_extends_loop_is_an_error(tmp_path):
    write_extending_set(tmp_path / "a", {**EXTENDING, "id": "a", "extends": "../b"})
    write_extending_set(tmp_path / "b", {**EXTENDING, "id": "b", "extends": "../a"})
    with pytest.raises(RuleSetError, match="loop"):
        load_rules(tmp_path / "a")


def test_redefining_an_inherited_rule_id_is_a_duplicate(tmp_path):
    rule = yaml.safe_load((default_rules_dir() / "latency.yaml").read_text())["rules"][0]
    folder = write_extending_set(tmp_path / "acme", EXTENDING, [rule])
    with pytest.raises(RuleSetError, match="duplicate rule id"):
        load_rules(folder)


def test_an_extending_rule_set_reloads_when_its_base_changes(tmp_path):
    base = tmp_path / "base"
    shutil.copytree(default_rules_dir(), base)
    derived = write_extending_set(tmp_path / "acme", {**EXTENDING, "extends": "../base"})
    first = load_rules(derived)
    assert load_rules(derived) is first  # cached
    edit_rule(base, "latency.yaml", "latency-sync-over-5s", lambda r: r.update(title="Changed in the base"))
    second = load_rules(derived)
    assert second is not first
    assert second.rule("latency-sync-over-5s").spec.title == "Changed in the base"
    assert second.content_hash != first.content_hash


@pytest.mark.parametrize("extends, made", [("../nowhere", None), ("../plain", "folder"), ("../org.yaml", "file")])
def test_extends_of_no_rule_set_names_the_header_and_what_extends_takes(tmp_path, extends, made):
    if made == "folder":
        (tmp_path / "plain").mkdir()
    elif made == "file":
        (tmp_path / "org.yaml").write_text("rules: []\n")
    folder = write_extending_set(tmp_path / "acme", {**EXTENDING, "extends": extends})
    with pytest.raises(RuleSetError) as info:
        load_rules(folder)
    message = str(info.value)
    # The user wrote the path in ruleset.yaml: the message points there, not at a folder
    # they never named on the command line.
    assert message.startswith(f"{folder / 'ruleset.yaml'}: extends: ")
    assert repr(extends) in message
    assert "'default'" in message


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        ("weights", {"cost_burst": -1}, "weight of cost_burst must be between 0 and 100 (got -1"),
        ("score", 20, "score for async must be between -10 and 10 (got 20"),
    ],
)
def test_an_out_of_range_weight_or_score_is_shown_once(tmp_path, where, value, message):
    rule = {
        "id": "org-async-scores", "axis": "cost_burst", "title": "t",
        "when": {"fact": "interaction", "op": "eq", "value": "pipeline"},
        "effect": {"scores": {"async": value if where == "score" else 1}},
        "because": "b", "source": "acme.md § 1",
    }
    header = {**EXTENDING, "sources": {"acme.md": "ACME policy"}}
    if where == "weights":
        header["weights"] = value
    folder = write_extending_set(tmp_path / "acme", header, [rule])
    with pytest.raises(RuleSetError) as info:
        load_rules(folder)
    # The value once, as written; not again as the whole mapping it sits in ("(got {'async': 20})").
    assert message in str(info.value)
    assert str(info.value).count("(got") == 1
