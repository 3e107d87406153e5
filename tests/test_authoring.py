"""Rule authoring: `advisor rules check` catches each lint case in a seeded bad rule set,
`advisor rules docs` writes a lint-clean page that stays in step with the rules, and a
custom rule set (examples/rules-cost-first) changes real decisions."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from advisor import assess, load_profile, load_rules
from advisor.core.conditions import compile_condition
from advisor.core.errors import InputError, RuleSetError
from advisor.core.facts import FACTS
from advisor.core.files import write_atomic
from advisor.core.profile import MODES, Downstream, Interaction, OutputFormat, SideEffects
from advisor.core.rules import RULES_ENV, default_rules_dir
from advisor.core.rules_check import SAMPLE_SIZE, check_rules, sample_profiles
from advisor.views.rules_check import render_check_report
from advisor.views.rules_docs import describe_condition, rules_docs

from .conftest import PRICE_DATE, ROOT, SHIPPED_RULES, make_rule_set, run_cli

COST_FIRST = ROOT / "examples/rules-cost-first"
SALES_CALLS = COST_FIRST / "workloads/sales-call-summaries.yaml"
DOCS = ROOT / "docs/rules.md"


def fail_lines(out: str, rule_id: str) -> list[str]:
    """The FAIL line of a rule and its continuation lines."""
    lines = out.splitlines()
    found = []
    for i, line in enumerate(lines):
        if line.startswith(f"FAIL {rule_id}: "):
            found.append(line)
            found.extend(_continuation(lines[i + 1 :]))
    return found


def _continuation(lines: list[str]):
    for line in lines:
        if not line.startswith("     "):
            return
        yield line


def lint_markdown(path_or_text: Path | str) -> list[str]:
    from pymarkdown.api import PyMarkdownApi

    api = PyMarkdownApi().disable_rule_by_identifier("md013").disable_rule_by_identifier("md024")
    result = api.scan_path(str(path_or_text)) if isinstance(path_or_text, Path) else api.scan_string(path_or_text)
    return [f"{f.line_number}:{f.column_number} {f.rule_id} {f.rule_description}" for f in result.scan_failures]


def rule(rule_id: str, when: dict[str, Any], effect: dict[str, Any], fires: list, does_not_fire: list, **extra: Any):
    return {
        "id": rule_id,
        "axis": extra.pop("axis", "ux_contract"),
        "title": extra.pop("title", f"Test rule {rule_id}"),
        "when": when,
        "effect": effect,
        "because": extra.pop("because", "A test rule that exists to exercise one check of the rule authoring tools."),
        "source": extra.pop("source", "003_a5044114f5d4f089.txt § Pattern 3 (Batch Processing)"),
        "examples": {"fires": fires, "does_not_fire": does_not_fire},
        **extra,
    }


def leaf(fact: str, op: str, value: Any) -> dict[str, Any]:
    return {"fact": fact, "op": op, "value": value}


# -- rules check: the shipped and the custom rule set pass ----------------------------


def test_the_shipped_rule_set_passes(capsys):
    code, out, _ = run_cli(capsys, "rules", "check", str(default_rules_dir()))
    ruleset = load_rules(default_rules_dir())
    assert code == 0, out
    lines = out.splitlines()
    assert lines[-1] == f"{len(ruleset.rules)} passed, 0 failed"
    for r in ruleset.rules:
        count = len(r.spec.examples.fires) + len(r.spec.examples.does_not_fire)
        assert f"PASS {r.id} ({count} examples)" in lines
    assert not [line for line in lines if line.startswith(("FAIL", "WARN"))]


def test_rules_check_defaults_to_the_shipped_rule_set(capsys):
    code, out, _ = run_cli(capsys, "rules", "check")
    assert code == 0
    assert f"in {default_rules_dir()}:" in out.splitlines()[0]


def test_the_cost_first_rule_set_passes():
    report = check_rules(COST_FIRST)
    assert report.ok, render_check_report(report)
    assert report.exit_code == 0
    assert report.ruleset_id == "acme-cost-first"
    org = next(c for c in report.checks if c.name == "org-batch-anything-over-10k-usd")
    assert org.passed and org.examples == 5


def acme_first_draft(folder: Path) -> Path:
    """ACME's first draft of its rule (docs/custom-rules.md): the worked example's rule with
    only its first two conditions and its first three examples, in ``folder``."""
    shutil.copytree(COST_FIRST, folder)
    org = folder / "org.yaml"
    text = org.read_text(encoding="utf-8")
    for fact in ("someone_waiting", "requests_per_month", "batch_saving_fraction", "downstream"):
        text, found = re.subn(rf"\n +- \{{fact: {fact}, [^}}]*\}}", "", text)
        assert found == 1, fact
    for example in ("someone is waiting", "prices without a batch discount"):
        text, found = re.subn(rf"\n +# {example}.*\n +- \{{.*\}}", "", text)
        assert found == 1, example
    org.write_text(text, encoding="utf-8")
    return folder


def test_changing_an_answer_fails_the_inherited_rules_whose_examples_it_changes(tmp_path):
    """docs/custom-rules.md's policy snippet (pipelines count as waiting): rules check fails the
    inherited rules whose examples assume no one waits for a pipeline, and only on an example."""
    page = (ROOT / "docs" / "custom-rules.md").read_text(encoding="utf-8")
    snippet = next(b for b in re.findall(r"```yaml\n(.*?)```", page, re.DOTALL) if b.startswith("answers:"))
    folder = tmp_path / "ours"
    folder.mkdir()
    header = {"id": "ours", "version": "1.0.0", "title": "Ours", "extends": "default"}
    (folder / "ruleset.yaml").write_text(yaml.safe_dump(header) + snippet, encoding="utf-8")
    report = check_rules(folder)
    failed = [check for check in report.checks if not check.passed]
    assert report.exit_code == 1 and failed
    shipped = {rule.id for rule in load_rules(default_rules_dir()).rules}
    assert {check.name for check in failed} <= shipped
    assert all("examples." in problem for check in failed for problem in check.problems)


def test_the_first_draft_fails_as_the_docs_show(tmp_path, monkeypatch, capsys):
    page = (ROOT / "docs" / "custom-rules.md").read_text(encoding="utf-8")
    shown = re.search(r"```text\n\$ advisor rules check our-rules\n(.*?)```", page, re.DOTALL)
    assert shown, "docs/custom-rules.md shows the first draft's check"
    monkeypatch.chdir(tmp_path)
    acme_first_draft(tmp_path / "our-rules")
    code, out, _ = run_cli(capsys, "rules", "check", "our-rules")
    assert code == 1
    # The page shows the default rule set where a pip install puts it.
    installed = "/home/acme/.venv/lib/python3.12/site-packages/advisor/rules"
    printed = out.replace(str(default_rules_dir()), installed).splitlines()
    position = 0
    for line in shown.group(1).splitlines():
        if line != "...":
            assert line in printed[position:], f"the page shows {line!r}, which rules check does not print (in order)"
            position = printed.index(line, position) + 1


def test_a_failure_names_an_inherited_rule_where_it_is_written(tmp_path, monkeypatch, capsys):
    """The default rule that clashes with ACME's draft is in the default rule set's files, not
    in ACME's folder (which has no ux_contract.yaml): every file a failure names exists."""
    monkeypatch.chdir(tmp_path)
    acme_first_draft(tmp_path / "our-rules")
    code, out, _ = run_cli(capsys, "rules", "check", "our-rules")
    assert code == 1
    named = set(re.findall(r"[\w./-]+\.yaml\b", out))
    assert "our-rules/org.yaml" in named
    assert [name for name in sorted(named) if not Path(name).is_file()] == []
    inherited = str(default_rules_dir() / "ux_contract.yaml")
    assert f"rule 'ux-batch-not-for-waiting' ({inherited}) excludes batch" in out


# -- rules check: each lint case, seeded in a bad rule set ----------------------------

LINT_CASES = [
    # (fixture, [(rule id, what its failure must say)])
    ("duplicate_ids", [("dup-rule", "duplicate rule id 'dup-rule'")]),
    ("missing_because", [("no-because", "because: required key is missing")]),
    ("missing_source", [("no-source", "source: required key is missing")]),
    (
        "missing_examples",
        [("no-fires-example", "no 'fires' example"), ("no-negative-example", "no 'does_not_fire' example")],
    ),
    ("unknown_fact", [("unknown-fact-rule", "unknown fact 'latency_budget'; did you mean 'latency_budget_s'?")]),
    ("unknown_operator", [("unknown-operator-rule", "unknown operator 'gte'")]),
    ("wrong_value_type", [("wrong-type-rule", "value must be a number (got 'ten')")]),
    (
        "contradictory_exclusions",
        [
            ("pipelines-are-not-realtime", "contradictory hard constraints"),
            ("slow-budgets-never-queue", "contradictory hard constraints"),
        ],
    ),
    (
        "contradictory_require",
        [
            ("compliance-needs-a-job", "contradictory hard constraints: it requires async"),
            ("clicks-never-queue", "contradictory hard constraints: it excludes async"),
        ],
    ),
    ("failing_example", [("wrong-example", "examples.fires[0] should fire but did not (chained_calls gt 2: actual 2")]),
    ("never_fires", [("impossible-window", "never fires: not on its fires example nor on any of the 400 sample profiles")]),
]


@pytest.mark.parametrize("case, expected", LINT_CASES, ids=[c for c, _ in LINT_CASES])
def test_rules_check_catches_each_lint_case(capsys, bad_rules, case, expected):
    folder = bad_rules(case)
    code, out, err = run_cli(capsys, "rules", "check", str(folder))
    assert code == 1, out
    assert "Traceback" not in out + err
    for rule_id, message in expected:
        lines = fail_lines(out, rule_id)
        assert lines, f"no FAIL line for {rule_id}:\n{out}"
        text = "\n".join(lines)
        assert message in text, text
        # The message names the file and the rule.
        assert f"{folder}/" in text and rule_id in text.split(": ", 1)[1]
    # The rule that is fine still passes, and the summary counts the failures.
    assert "PASS good-chat-streams (2 examples)" in out
    failed = sum(1 for line in out.splitlines() if line.startswith("FAIL "))
    assert out.splitlines()[-1] == f"1 passed, {failed} failed"


def test_a_duplicate_id_names_both_files(capsys, bad_rules):
    code, out, _ = run_cli(capsys, "rules", "check", bad_rules("duplicate_ids"))
    lines = fail_lines(out, "dup-rule")
    assert code == 1 and len(lines) == 2
    for line in lines:
        assert "duplicate_ids/a.yaml" in line and "duplicate_ids/b.yaml" in line
    assert out.splitlines()[-1] == "1 passed, 2 failed"


def test_a_contradiction_names_the_other_rule_and_a_profile_where_both_fire(capsys, bad_rules):
    _, out, _ = run_cli(capsys, "rules", "check", bad_rules("contradictory_require"))
    (line,) = fail_lines(out, "compliance-needs-a-job")
    assert "rule 'clicks-never-queue'" in line and "contradictory_require/rules.yaml" in line
    assert "downstream = compliance_critical" in line and "interaction = request_response" in line


def test_a_contradiction_only_the_sample_reaches_is_found(tmp_path):
    # No example of either rule makes both fire: only the broad sample can find the clash.
    folder = make_rule_set(
        tmp_path / "rs",
        [
            rule("pipelines-not-realtime", {"all": [leaf("interaction", "eq", "pipeline")]},
                 {"exclude": ["sync", "streaming"]}, [{"interaction": "pipeline"}], [{"interaction": "chat"}]),
            rule("long-budgets-never-queue", {"all": [leaf("latency_budget_s", "ge", 3600)]},
                 {"exclude": ["async", "batch"]}, [{"interaction": "chat", "latency_budget_s": 7200}],
                 [{"latency_budget_s": 60}], axis="latency"),
        ],
    )
    report = check_rules(folder)
    assert not report.ok and report.exit_code == 1
    problems = {c.name: c.problems for c in report.checks}
    for name, other in (("pipelines-not-realtime", "long-budgets-never-queue"),
                        ("long-budgets-never-queue", "pipelines-not-realtime")):
        (problem,) = problems[name]
        assert f"rule '{other}'" in problem and "e.g. on sample profile" in problem
        assert "interaction = pipeline" in problem


def test_three_rules_that_only_together_exclude_every_mode(tmp_path):
    folder = make_rule_set(
        tmp_path / "rs",
        [
            rule("no-sync", {"all": [leaf("interaction", "eq", "pipeline")]}, {"exclude": ["sync"]},
                 [{"interaction": "pipeline"}], [{"interaction": "chat"}]),
            rule("no-streaming-or-async", {"all": [leaf("interaction", "eq", "pipeline")]},
                 {"exclude": ["streaming", "async"]}, [{"interaction": "pipeline"}], [{"interaction": "chat"}]),
            rule("no-batch", {"all": [leaf("interaction", "eq", "pipeline")]}, {"exclude": ["batch"]},
                 [{"interaction": "pipeline"}], [{"interaction": "chat"}]),
        ],
    )
    report = check_rules(folder)
    assert report.failed == 3
    for check in report.checks:
        assert "contradictory hard constraints" in check.problems[0]


def test_a_failing_examples_trace_writes_values_as_the_rule_file_does(capsys, tmp_path):
    folder = make_rule_set(
        tmp_path / "rs",
        [rule("waiting", {"all": [leaf("someone_waiting", "eq", True)]}, {"scores": {"sync": 1}},
              [{"interaction": "pipeline"}], [{"interaction": "pipeline"}])],
    )
    code, out, _ = run_cli(capsys, "rules", "check", str(folder))
    assert code == 1
    assert "(someone_waiting eq true: actual false -> fail)" in out, out  # not Python's True and False


def test_a_rule_that_fires_on_every_sample_profile_is_a_warning_not_a_failure(capsys, tmp_path):
    folder = make_rule_set(
        tmp_path / "rs",
        [rule("almost-always", {"all": [leaf("input_tokens", "ge", 10)]}, {"scores": {"sync": 1}},
              [{"input_tokens": 500}], [{"input_tokens": 5}])],
    )
    code, out, _ = run_cli(capsys, "rules", "check", str(folder))
    assert code == 0, out
    assert "PASS almost-always (2 examples)" in out
    assert out.splitlines()[0].endswith(": 1 rule, 2 examples, 400 sample profiles")  # not "1 rules"
    assert f"WARN almost-always: {folder}/rules.yaml: fires on every one of the 400 sample profiles" in out
    assert out.splitlines()[-1] == "1 passed, 0 failed"


def test_broken_yaml_is_a_failed_line_and_unusable_input(capsys, bad_rules):
    # A file that is not YAML is unusable input (exit 2, as everywhere); a rule that reads
    # but fails its checks is a finding (exit 1).
    code, out, err = run_cli(capsys, "rules", "check", bad_rules("bad_yaml"))
    assert code == 2 and "Traceback" not in out + err
    assert re.search(r"^FAIL rules\.yaml: .*bad_yaml/rules\.yaml: not valid YAML \(line \d+", out, re.M)
    assert out.splitlines()[-1] == "not checked: the rule set does not load (1 problem above); no rule was run"


def _acme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of ACME's rule set (it extends the default), given as a relative path."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(COST_FIRST, tmp_path / "acme")
    return Path("acme")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


UNLOADABLE = [
    # (case, the file at fault, what its line says)
    ("rule-for-rules", "zz.yaml", "a rule file holds one key, 'rules', a list of rules; found 'rule'; did you mean 'rules'?"),
    ("not-yaml", "zz.yaml", "not valid YAML (line"),
    ("extends-nowhere", "ruleset.yaml", "extends: '../nope': no such rule-set folder (nope); use 'default'"),
    ("disable-typo", "ruleset.yaml", "disable[0]: no rule 'cost-bursty-trafic' in default; did you mean 'cost-bursty-traffic'?"),
    ("weight-typo", "ruleset.yaml", "weights.cost_bursts: unknown axis; did you mean 'cost_burst'? axes: cost_burst,"),
]


@pytest.mark.parametrize("case, file, message", UNLOADABLE, ids=[c for c, _, _ in UNLOADABLE])
def test_a_rule_set_that_does_not_load_is_unusable_input_with_no_rule_passed(
    capsys, tmp_path, monkeypatch, case, file, message
):
    # These exited 1 ("0 passed, 1 failed", PASS for the rules read before the fault, the
    # folder's name as the label, an absolute path) while recommend --rules exits 2 on them.
    folder = _acme(tmp_path, monkeypatch)
    if case == "rule-for-rules":
        (folder / "zz.yaml").write_text("rule:\n  - id: org-extra\n", encoding="utf-8")
    elif case == "not-yaml":
        (folder / "zz.yaml").write_text("rules: [\n", encoding="utf-8")
    elif case == "extends-nowhere":
        _edit(folder / "ruleset.yaml", "extends: default", "extends: ../nope")
    elif case == "disable-typo":
        _edit(folder / "ruleset.yaml", "extends: default", "extends: default\ndisable: [cost-bursty-trafic]")
    else:
        _edit(folder / "ruleset.yaml", "cost_burst: 2.5", "cost_bursts: 2.5")
    code, out, err = run_cli(capsys, "rules", "check", folder)
    assert code == 2 and err == "", out + err
    lines = out.splitlines()
    assert lines[0].endswith("in acme: it does not load"), lines[0]
    assert not [line for line in lines if line.startswith("PASS")], out
    assert "passed" not in out and str(tmp_path) not in out  # paths as given, relative here
    (fail,) = [line for line in lines if line.startswith("FAIL")]
    assert fail.startswith(f"FAIL {file}: acme/{file}: ") and message in fail, fail
    assert lines[-1] == "not checked: the rule set does not load (1 problem above); no rule was run"
    assert run_cli(capsys, "recommend", SALES_CALLS, "--rules", folder)[0] == 2


def test_a_duplicate_id_in_one_file_is_one_failure_with_both_lines(capsys, tmp_path, monkeypatch):
    folder = _acme(tmp_path, monkeypatch)
    org = folder / "org.yaml"
    text = org.read_text(encoding="utf-8")
    rule_text = text[text.index("  - id: org-batch-anything-over-10k-usd"):]
    org.write_text(text.rstrip("\n") + "\n" + rule_text, encoding="utf-8")
    first, second = (i + 1 for i, line in enumerate(org.read_text().splitlines())
                     if line == "  - id: org-batch-anything-over-10k-usd")
    code, out, _ = run_cli(capsys, "rules", "check", folder)
    assert code == 1
    (line,) = fail_lines(out, "org-batch-anything-over-10k-usd")
    assert line == (
        "FAIL org-batch-anything-over-10k-usd: acme/org.yaml: duplicate rule id 'org-batch-anything-over-10k-usd' "
        f"(defined more than once in this file, lines {first} and {second})"
    )
    assert out.splitlines()[-1].endswith(" passed, 1 failed")
    code, _, err = run_cli(capsys, "recommend", SALES_CALLS, "--rules", folder)
    assert code == 2 and f"defined more than once in this file, lines {first} and {second}" in err


def test_an_inherited_id_taken_again_fails_that_rule_and_runs_the_rest(capsys, tmp_path, monkeypatch):
    # The FAIL line's label was the folder ("FAIL acme: ..."), and the rule set's own rules
    # printed PASS although the inherited ones were never run.
    folder = _acme(tmp_path, monkeypatch)
    _edit(folder / "org.yaml", "id: org-batch-anything-over-10k-usd", "id: cost-bursty-traffic")
    code, out, _ = run_cli(capsys, "rules", "check", folder)
    assert code == 1
    (line,) = fail_lines(out, "cost-bursty-traffic")
    inherited = default_rules_dir() / "cost_burst.yaml"
    assert line.startswith(f"FAIL cost-bursty-traffic: acme/org.yaml: duplicate rule id 'cost-bursty-traffic' "
                           f"(also in {inherited}, a rule this rule set inherits: to replace it, list its id under "
                           "disable: in ruleset.yaml)"), line
    assert not re.search(r"^FAIL acme:", out, re.M)
    shipped = len(load_rules(default_rules_dir()).rules)
    assert out.splitlines()[-1] == f"{shipped} passed, 1 failed"  # every inherited rule was run
    # Disabled, the id is free for the organisation's own version of the rule.
    _edit(folder / "ruleset.yaml", "extends: default", "extends: default\ndisable: [cost-bursty-traffic]")
    assert run_cli(capsys, "rules", "check", folder)[0] == 0


def test_a_source_not_listed_lists_the_sources_and_the_closest(capsys, tmp_path, monkeypatch):
    folder = _acme(tmp_path, monkeypatch)
    _edit(folder / "org.yaml", "source: acme-ai-cost-policy-2026.md", "source: acme-ai-cost-policy-2025.md")
    code, out, _ = run_cli(capsys, "rules", "check", folder)
    assert code == 1
    (line,) = fail_lines(out, "org-batch-anything-over-10k-usd")
    assert ("(got 'acme-ai-cost-policy-2025.md'); did you mean 'acme-ai-cost-policy-2026.md'? listed: "
            "000_1af0566c9c22d7a8.txt, ") in line
    assert line.endswith(", acme-ai-cost-policy-2026.md"), line


def test_a_folder_that_is_not_a_rule_set_is_an_input_error(capsys, tmp_path):
    # A wrong path (examples/ for examples/rules-cost-first) is unusable input, exit 2 as
    # `recommend --rules` says it, not a rule that failed (exit 1).
    (tmp_path / "notes.yaml").write_text("rules: []\n")
    code, out, err = run_cli(capsys, "rules", "check", str(tmp_path))
    assert code == 2 and out == ""
    assert err == f"advisor: error: {tmp_path}: a rule set needs a ruleset.yaml (id, version, axes, modes)\n"
    assert run_cli(capsys, "recommend", SALES_CALLS, "--rules", tmp_path)[2] == err


def test_a_missing_folder_is_an_input_error(capsys, tmp_path):
    code, out, err = run_cli(capsys, "rules", "check", str(tmp_path / "nowhere"))
    assert code == 2 and out == ""
    assert err == f"advisor: error: {tmp_path / 'nowhere'}: no such rule-set folder\n"


def test_an_unreadable_folder_is_an_input_error(capsys, monkeypatch, tmp_path):
    folder = shutil.copytree(default_rules_dir(), tmp_path / "rs")

    def denied(path):  # chmod 000 would not stop root, who runs CI
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(os, "listdir", denied)
    code, out, err = run_cli(capsys, "rules", "check", str(folder))
    assert code == 2 and out == ""
    assert err == f"advisor: error: {folder}: cannot read the rule-set folder: permission denied\n"


def test_every_problem_of_a_rule_is_reported_not_just_the_first(tmp_path):
    # Two invalid rules and one valid one: the loader stops at the first, the check does not.
    folder = make_rule_set(
        tmp_path / "rs",
        [
            rule("bad-fact", {"all": [leaf("latency", "gt", 1)]}, {"scores": {"sync": 1}}, [{}], [{}]),
            rule("bad-axis", {"all": [leaf("chained_calls", "gt", 2)]}, {"scores": {"sync": 1}}, [{}], [{}], axis="speed"),
            rule("fine", {"all": [leaf("chained_calls", "gt", 2)]}, {"scores": {"async": 1}},
                 [{"chained_calls": 3}], [{"chained_calls": 1}], axis="latency"),
        ],
    )
    report = check_rules(folder)
    by_name = {c.name: c for c in report.checks}
    assert "unknown fact 'latency'" in by_name["bad-fact"].problems[0]
    assert "unknown axis 'speed'" in by_name["bad-axis"].problems[0]
    assert by_name["fine"].passed
    assert (report.passed, report.failed) == (1, 2)


# -- the sample -----------------------------------------------------------------------


def test_the_sample_is_deterministic_and_spans_every_choice_and_decades():
    ruleset = load_rules(default_rules_dir())
    first = sample_profiles(ruleset)
    assert first == sample_profiles(ruleset)
    assert len(first) == SAMPLE_SIZE
    for name, values in (
        ("interaction", get_args(Interaction)),
        ("output_format", get_args(OutputFormat)),
        ("downstream", get_args(Downstream)),
        ("side_effects", get_args(SideEffects)),
        ("current_mode", (*MODES, None)),
    ):
        assert {getattr(p, name) for p in first} == set(values), name
    budgets = [p.latency_budget_s for p in first]
    volumes = [p.requests_per_month for p in first]
    assert min(budgets) < 2 and max(budgets) > 2 * 86_400
    assert min(volumes) < 100 and max(volumes) > 10_000_000


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**64), size=st.integers(min_value=24, max_value=80))
def test_any_seed_gives_valid_profiles_covering_every_choice(seed, size):
    ruleset = load_rules(default_rules_dir())
    profiles = sample_profiles(ruleset, size=size, seed=seed)
    assert len(profiles) == size  # every generated profile validated
    assert {p.interaction for p in profiles} == set(get_args(Interaction))
    for p in profiles:
        assert 0.5 <= p.latency_budget_s <= 7 * 86_400
        assert 1 <= p.requests_per_month <= 1_000_000_000
        assert p.output_format != "embedding" or p.output_tokens == 0


# -- the environment variable ---------------------------------------------------------


def test_advisor_rules_env_chooses_the_rule_set_for_recommend(capsys, monkeypatch):
    code, out, _ = run_cli(capsys, "recommend", str(SALES_CALLS), "--format", "json", "--price-date", "2026-11-01")
    default = yaml.safe_load(out)
    assert code == 0 and default["ruleset"]["id"] == "advisor-default"
    assert default["recommendation"] == "async"

    monkeypatch.setenv(RULES_ENV, str(COST_FIRST))
    code, out, _ = run_cli(capsys, "recommend", str(SALES_CALLS), "--format", "json", "--price-date", "2026-11-01")
    custom = yaml.safe_load(out)
    assert code == 0 and custom["ruleset"]["id"] == "acme-cost-first"
    assert custom["recommendation"] == "batch"
    # ACME's own document, cited by its rule, has its title in the JSON's sources.
    (org,) = [r for r in custom["fired_rules"] if r["id"] == "org-batch-anything-over-10k-usd"]
    assert org["source_ids"] == ["acme-ai-cost-policy-2026.md"]
    assert custom["sources"]["acme-ai-cost-policy-2026.md"]["title"] == "ACME AI cost policy 2026 (internal)"

    # --rules wins over the environment.
    code, out, _ = run_cli(
        capsys, "recommend", str(SALES_CALLS), "--format", "json", "--price-date", "2026-11-01",
        "--rules", str(default_rules_dir()),
    )
    assert yaml.safe_load(out)["ruleset"]["id"] == "advisor-default"

    # A variable naming a folder that is not there says it is the variable's.
    monkeypatch.setenv(RULES_ENV, str(COST_FIRST.parent / "nope"))
    code, out, err = run_cli(capsys, "recommend", str(SALES_CALLS))
    assert (code, out) == (2, "")
    assert err == f"advisor: error: {COST_FIRST.parent / 'nope'}: no such rule-set folder (named by $ADVISOR_RULES)\n"


def test_advisor_rules_env_chooses_the_rule_set_for_rules_check(capsys, monkeypatch, bad_rules):
    folder = bad_rules("never_fires")
    monkeypatch.setenv(RULES_ENV, str(folder))
    code, out, _ = run_cli(capsys, "rules", "check")
    assert code == 1
    assert f"in {folder}:" in out.splitlines()[0]
    assert "FAIL impossible-window" in out
    # An explicit folder wins over the environment.
    code, out, _ = run_cli(capsys, "rules", "check", str(COST_FIRST))
    assert code == 0


def test_advisor_rules_env_pointing_nowhere_is_an_input_error(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv(RULES_ENV, str(tmp_path / "nowhere"))
    code, _, err = run_cli(capsys, "recommend", str(ROOT / "examples/chatbot.yaml"))
    assert code == 2 and "nowhere" in err and "Traceback" not in err


# -- the custom rule set changes real decisions ---------------------------------------


def test_the_cost_first_rule_set_ranks_cost_above_latency():
    weights = load_rules(COST_FIRST).weights
    assert weights["cost_burst"] > weights["latency"]
    assert load_rules(default_rules_dir()).weights["cost_burst"] < load_rules(default_rules_dir()).weights["latency"]


def test_a_workload_the_two_rule_sets_decide_differently():
    profile = load_profile(SALES_CALLS)
    default = assess(profile, str(default_rules_dir()), price_date=PRICE_DATE, what_if=False)
    custom = assess(profile, str(COST_FIRST), price_date=PRICE_DATE, what_if=False)
    assert default.recommendation == "async"
    assert custom.recommendation == "batch"
    assert custom.decided_by[0] == "org-batch-anything-over-10k-usd"
    # The rule's own threshold: this bill is over $10,000 a month.
    assert custom.facts["monthly_token_cost_usd"] > 10_000
    assert custom.ruleset.id == "acme-cost-first"


def test_the_organisation_rule_leaves_a_mode_where_batch_saves_nothing():
    """ACME's rule requires batch; a price without a batch discount rules batch out
    (cost-batch-needs-a-saving). The two together must not leave the workload without a mode."""
    data = {**yaml.safe_load(SALES_CALLS.read_text(encoding="utf-8")),
            "pricing": {"input_per_mtok": 3, "output_per_mtok": 15, "batch_discount": 0}}
    custom = assess(data, str(COST_FIRST), price_date=PRICE_DATE, what_if=False)
    assert custom.recommendation == "async"
    assert "org-batch-anything-over-10k-usd" not in custom.decided_by


def test_the_organisation_rule_cites_the_organisation_policy():
    ruleset = load_rules(COST_FIRST)
    org = ruleset.rule("org-batch-anything-over-10k-usd")
    assert org.spec.source.startswith("acme-ai-cost-policy-2026.md ")
    assert "acme-ai-cost-policy-2026.md" in ruleset.header.sources


# -- rules docs -----------------------------------------------------------------------


def test_docs_rules_md_is_up_to_date():
    expected = rules_docs(default_rules_dir())
    actual = DOCS.read_text(encoding="utf-8") if DOCS.exists() else ""
    assert actual == expected, (
        "docs/rules.md is stale: the rule set changed since it was generated. "
        "Regenerate it with `advisor rules docs -o docs/rules.md` and commit it."
    )


def test_the_docs_do_not_depend_on_where_the_rule_set_lives(tmp_path):
    copy = shutil.copytree(default_rules_dir(), tmp_path / "elsewhere")
    assert rules_docs(copy) == rules_docs(default_rules_dir())


def test_the_docs_pages_pass_markdown_lint():
    assert lint_markdown(DOCS) == []
    assert lint_markdown(ROOT / "docs/custom-rules.md") == []
    assert lint_markdown(ROOT / "docs/architecture.md") == []


def test_the_docs_describe_each_rule_what_why_source_examples():
    ruleset = load_rules(default_rules_dir())
    page = rules_docs(default_rules_dir())
    assert page.startswith(f"# {ruleset.header.title}\n")
    assert f"| Content hash (SHA-256 of the rule files) | `{ruleset.content_hash}` |" in page
    for r in ruleset.rules:
        assert f"\n#### `{r.id}`\n" in page
    section = page.split("#### `latency-sync-over-5s`")[1].split("\n#### ")[0]
    assert (
        "- **When:** `someone_waiting` = true and `end_to_end_p95_s` > 5 s and `latency_budget_s` ≥ 5 s\n" in section
    )
    assert "- **Then:** Scores async +1 on Latency budget vs model worst case (weight 2). Excludes `sync`.\n" in section
    assert "- **Why:** When the end-to-end p95 exceeds 5 seconds a blocking call is the wrong contract" in section
    assert ("- **Source:** Sync vs. Async AI Inference § The decision rule, step 2 and FAQ, a longer timeout; When to"
            " Skip Real-Time LLM Inference § latency tolerance categories") in section
    assert "- **Fires on:**\n  - `{interaction: request_response, model_p95_s: 8}`\n" in section
    assert "- **Does not fire on:**\n  - `{interaction: request_response, model_p95_s: 2}`\n" in section
    for heading in ("## Axes", "## Sources", "## Rules", "## Complementary patterns", "## Modes"):
        assert f"\n{heading}\n" in page
    for mode in MODES:
        assert f"(`{mode}`)\n" in page


def test_the_docs_show_a_custom_rule_sets_weights_and_own_rule():
    page = rules_docs(COST_FIRST)
    assert "| Cost and burst | `cost_burst` | 2.5 |" in page
    section = page.split("#### `org-batch-anything-over-10k-usd`")[1].split("\n#### ")[0]
    assert (
        "- **When:** `monthly_token_cost_usd` > 10,000 USD/month and `latency_budget_s` > 3600 s and "
        "`someone_waiting` = false and `requests_per_month` ≥ 100 requests and `batch_saving_fraction` > 0"
        " and `downstream` ≠ `compliance_critical`\n"
    ) in section
    assert "- **Then:** Requires `batch` (excludes `sync`, `streaming` and `async`).\n" in section
    assert "ACME AI cost policy 2026 (internal) § 3.2 Batch by default above $10K a month" in section


def test_free_text_in_a_rule_set_is_escaped_in_the_docs(tmp_path):
    hostile = "Evil <script>alert(1)</script> | pipe `tick` *bold* [link](javascript:x)."
    folder = make_rule_set(
        tmp_path / "rs",
        [rule("hostile", {"any": [leaf("interaction", "eq", "chat"), {"not": leaf("chained_calls", "le", 2)}]},
              {"scores": {"sync": 1}}, [{"interaction": "chat"}], [{"interaction": "pipeline"}],
              title=hostile, because=hostile)],
        title="# Not a heading | " + hostile,
    )
    page = rules_docs(folder)
    assert "<script>" not in page and "[link](javascript" not in page
    assert "&lt;script&gt;" in page
    assert "- **When:** `interaction` = `chat` or not (`chained_calls` ≤ 2 calls)\n" in page
    assert lint_markdown(page) == []


def _table_cells(page: str, first_cell: str) -> list[str]:
    """The cells of the table row starting with ``first_cell``, split where GFM splits them
    (at each pipe not escaped with a backslash, inside a code span too)."""
    row = next(line for line in page.splitlines() if line.startswith(f"| {first_cell}"))
    return re.split(r"(?<!\\)\|", row)[1:-1]


def test_a_pipe_in_the_version_or_a_tier_name_cannot_break_the_docs_tables(tmp_path):
    # The version and tier names are shown as code spans in table cells: a "|" inside one still
    # splits the cell (GFM), and what follows it would be raw HTML. Escaped as the review's File cells.
    folder = tmp_path / "rs"
    folder.mkdir()
    evil = "<img src=x onerror=a()>|`x`"
    (folder / "ruleset.yaml").write_text(
        yaml.safe_dump({"id": "w9", "version": evil, "title": "t", "extends": "default"}), encoding="utf-8"
    )
    tier = "t|<img src=x onerror=a()>"
    provider = {"name": "ACME | y", "prices": None, "token_limit": "none", "rate_limits_source": "advisor_catalogue",
                "tiers": [tier], "default_tier": tier, "tiers_source": "advisor_catalogue",
                "batch": {"available": False, "reason": "none", "source": "advisor_catalogue"}, "any_model": True}
    (folder / "catalogue.yaml").write_text(yaml.safe_dump({"providers": {"acme": provider}}), encoding="utf-8")
    page = rules_docs(folder)
    assert len(_table_cells(page, "Version")) == 2
    assert len(_table_cells(page, "ACME")) == 7
    html = MarkdownIt("commonmark").enable("table").render(page)
    assert "<img" not in html and "&lt;img src=x onerror=a()&gt;|`x`" in html
    assert lint_markdown(page) == []


def test_docs_are_written_atomically_with_o(capsys, tmp_path):
    target = tmp_path / "rules.md"
    target.write_text("old page\n")
    code, out, err = run_cli(capsys, "rules", "docs", str(default_rules_dir()), "-o", str(target))
    assert code == 2 and "already exists; pass --force" in err and target.read_text() == "old page\n"
    code, out, err = run_cli(capsys, "rules", "docs", str(default_rules_dir()), "-o", str(target), "--force")
    assert code == 0 and out == ""
    assert target.read_text(encoding="utf-8") == rules_docs(default_rules_dir())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rules.md"]  # no temp file left behind


def test_docs_to_stdout(capsys):
    code, out, _ = run_cli(capsys, "rules", "docs", str(COST_FIRST))
    assert code == 0 and out == rules_docs(COST_FIRST)


def test_a_failed_write_leaves_the_old_page_whole(monkeypatch, tmp_path):
    target = tmp_path / "rules.md"
    target.write_text("old page\n")

    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(InputError, match="No space left on device"):
        write_atomic(target, "new page\n")
    assert target.read_text() == "old page\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rules.md"]


def test_docs_into_a_missing_folder_or_from_a_bad_rule_set_is_an_input_error(capsys, tmp_path, bad_rules):
    code, _, err = run_cli(capsys, "rules", "docs", str(default_rules_dir()), "-o", str(tmp_path / "no/such/rules.md"))
    assert code == 2 and "does not exist" in err
    target = tmp_path / "rules.md"
    target.write_text("old page\n")
    code, _, err = run_cli(capsys, "rules", "docs", bad_rules("unknown_fact"), "-o", target)
    assert code == 2 and "unknown fact 'latency_budget'" in err
    assert target.read_text() == "old page\n"


# -- conditions in plain words --------------------------------------------------------

_NUMERIC = [name for name, spec in FACTS.items() if spec.numeric]
_ENUMS = [name for name, spec in FACTS.items() if spec.type == "enum"]


def _leaves() -> st.SearchStrategy[dict[str, Any]]:
    numeric = st.builds(
        leaf, st.sampled_from(_NUMERIC), st.sampled_from(["lt", "le", "gt", "ge", "eq", "ne"]),
        st.one_of(st.integers(-10**9, 10**9), st.floats(-1e9, 1e9, allow_nan=False)),
    )
    enum = st.sampled_from(_ENUMS).flatmap(
        lambda name: st.builds(
            leaf, st.just(name), st.sampled_from(["in", "not_in"]),
            st.lists(st.sampled_from(FACTS[name].allowed), min_size=1, max_size=3, unique=True),
        )
    )
    return st.one_of(numeric, enum)


_CONDITIONS = st.recursive(
    _leaves(),
    lambda children: st.one_of(
        st.builds(lambda xs: {"all": xs}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda xs: {"any": xs}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda x: {"not": x}, children),
    ),
    max_leaves=6,
)


def _facts_in(node: Any) -> list[str]:
    if isinstance(node, dict):
        if "fact" in node:
            return [node["fact"]]
        return [f for v in node.values() for f in _facts_in(v)]
    if isinstance(node, list):
        return [f for v in node for f in _facts_in(v)]
    return []


@given(_CONDITIONS)
def test_any_valid_condition_reads_in_plain_words(condition):
    compile_condition(condition)  # valid by construction
    text = describe_condition(condition)
    assert "\n" not in text
    for fact in _facts_in(condition):
        assert f"`{fact}`" in text
    # Every group opened is closed: the words keep the tree's nesting.
    assert text.count("(") == text.count(")")


def test_each_rules_effect_reads_as_sentences():
    """"says why as The end-to-end p95 ... budget.; adds to ..." read as one broken sentence:
    each part of a rule's effect is a sentence of its own, a capital first, a full stop last."""
    page = rules_docs(default_rules_dir())
    thens = [line.removeprefix("- **Then:** ") for line in page.splitlines() if line.startswith("- **Then:** ")]
    assert len(thens) == len(load_rules(default_rules_dir()).rules)
    for then in thens:
        assert then[0].isupper() and then.endswith("."), then
        assert ".;" not in then and "; adds" not in then and "as The" not in then, then
        assert ".." not in then, then
    section = page.split("#### `latency-sync-misses-budget`")[1].split("\n#### ")[0]
    assert (
        "- **Then:** Marks `sync` as missing its contract (unmet). Says why: The end-to-end p95 is"
        " {end_to_end_p95_s} on {model}, over the"
    ) in section
    assert ". Adds to the `sync` checklist: A hard timeout at the budget" in section


@pytest.mark.parametrize("name", ["org.yml", "ORG.YAML"])
def test_a_rule_set_with_a_rule_file_it_would_not_read_is_refused(capsys, tmp_path, name):
    # recommend said ASYNC (the default rules' answer, not ACME's BATCH), exit 0, without a
    # word: org.yml was passed over. Every command that loads the rule set refuses it now.
    folder = tmp_path / "acme"
    folder.mkdir()
    shutil.copy(COST_FIRST / "ruleset.yaml", folder / "ruleset.yaml")
    shutil.copy(COST_FIRST / "org.yaml", folder / name)
    stem = Path(name).stem
    expected = (f"advisor: error: {folder / name}: rule files end in .yaml, and this one would not be read: "
                f"rename it {stem}.yaml\n")
    for command in ("recommend", "adr", "review", "map"):
        argv = [command, SALES_CALLS, "--rules", folder, "--price-date", PRICE_DATE.isoformat()]
        extra = {"adr": ["--dir", tmp_path / "d"], "map": ["--x", "interaction", "--y", "downstream"]}
        code, out, err = run_cli(capsys, *argv, *extra.get(command, []))
        assert (code, out, err) == (2, "", expected), command
    assert run_cli(capsys, "verify", tmp_path, "--rules", folder)[:3:2] == (2, expected)
    assert run_cli(capsys, "rules", "docs", folder)[:3:2] == (2, expected)
    with pytest.raises(RuleSetError, match=r"rule files end in \.yaml"):
        load_rules(folder)
    (folder / name).rename(folder / f"{stem}.yaml")
    assert load_rules(folder).rule("org-batch-anything-over-10k-usd")


def test_the_shipped_rule_sets_have_no_rule_file_they_would_not_read():
    for folder in (SHIPPED_RULES, COST_FIRST):
        assert [p.name for p in folder.iterdir() if p.suffix.lower() in (".yml", ".yaml") and p.suffix != ".yaml"] == []


@pytest.mark.parametrize("name", ["org.yml", "ORG.YAML", "org.Yaml"])
def test_a_rule_file_the_rule_set_does_not_read_makes_rules_check_refuse_it_as_recommend_does(capsys, tmp_path, name):
    # Only *.yaml files hold rules: a rule file named org.yml was passed over without a
    # word, and `rules check` said every rule passed, exit 0; then it was a finding (exit 1)
    # while recommend refused the same rule set (exit 2) (platform pass).
    folder = tmp_path / "acme"
    folder.mkdir()
    shutil.copy(COST_FIRST / "ruleset.yaml", folder / "ruleset.yaml")
    shutil.copy(COST_FIRST / "org.yaml", folder / name)
    refused = run_cli(capsys, "recommend", SALES_CALLS, "--rules", folder, "--price-date", PRICE_DATE.isoformat())
    message = refused[2].removeprefix("advisor: error: ").rstrip("\n")
    code, out, _ = run_cli(capsys, "rules", "check", folder)
    assert (code, refused[0]) == (2, 2)
    assert out.splitlines() == [
        f"checking rule set acme-cost-first 1.0.0 in {folder}: it does not load",
        f"FAIL {name}: {message}",  # recommend's own words
        "not checked: the rule set does not load (1 problem above); no rule was run",
    ]
    assert "PASS" not in out  # none of its rules was run with the others, so none is said to pass


# -- docs/custom-rules.md: changing an inherited rule, and which rule is the stated reason --

CUSTOM_RULES = ROOT / "docs/custom-rules.md"


def _section(heading: str) -> str:
    text = CUSTOM_RULES.read_text(encoding="utf-8")
    assert f"\n### {heading}\n" in text, heading
    return re.split(r"\n#{2,3} ", text.split(f"\n### {heading}\n", 1)[1], maxsplit=1)[0]


def _yaml_blocks(section: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", section, re.S)


def test_the_docs_show_how_to_change_an_inherited_threshold(capsys, tmp_path):
    header, rules = _yaml_blocks(_section("Change an inherited rule"))
    folder = tmp_path / "our-rules"
    folder.mkdir()
    (folder / "ruleset.yaml").write_text(header, encoding="utf-8")
    (folder / "volume.yaml").write_text(rules, encoding="utf-8")
    code, out, _ = run_cli(capsys, "rules", "check", folder)
    assert code == 0, out
    ruleset = load_rules(folder)
    ids = {r.id for r in ruleset.rules}
    assert "cost-batch-needs-volume" not in ids and "our-batch-needs-volume" in ids
    # The copy draws the line where the docs say: 400 requests a month rule out batch now.
    base = {"name": "t", "interaction": "pipeline", "latency_budget_s": 86400, "input_tokens": 1000,
            "output_tokens": 200, "provider": "openai", "model": "gpt-5.4-mini", "requests_per_month": 400}
    from advisor.core.profile import parse_profile

    assessment = assess(parse_profile(base), folder, price_date=PRICE_DATE)
    assert "our-batch-needs-volume" in [r.id for r in assessment.fired_rules]
    assert assessment.recommendation != "batch"
    shipped = assess(parse_profile(base), default_rules_dir(), price_date=PRICE_DATE)
    assert {"our-batch-needs-volume", "cost-batch-needs-volume"}.isdisjoint(r.id for r in shipped.fired_rules)


def test_the_docs_say_how_the_stated_reason_is_chosen(tmp_path):
    """An exclude-only rule that decides is listed under "Decided by" but another rule, which
    argues for the chosen mode, is the stated reason (the platform team's query intent);
    scoring the chosen mode, as the docs show, makes it the reason where no rule before it
    under "Decided by" argues for that mode, and not where one does (an extending set)."""
    section = _section("Which rule is the stated reason")
    assert "argues *for* the recommended mode" in section and "`contract`" in section
    (effect,) = _yaml_blocks(section)
    documented = yaml.safe_load(effect)["effect"]
    assert documented == {"exclude": ["sync"], "scores": {"streaming": 1}}
    org = rule(
        "org-no-sync-at-high-peak", {"all": [leaf("peak_requests_per_minute", "gt", 1000),
                                             leaf("interaction", "eq", "request_response")]},
        {"exclude": ["sync"], "scores": {"async": 1}},
        [{"interaction": "request_response", "requests_per_month": 5000000, "peak_requests_per_minute": 2000}],
        [{"interaction": "request_response", "requests_per_month": 100000, "peak_requests_per_minute": 50}],
        axis="cost_burst",
    )
    workload = {"name": "query intent", "interaction": "request_response", "latency_budget_s": 1.5,
                "input_tokens": 300, "output_tokens": 10, "model_p95_s": 0.9, "ttft_s": 0.4,
                "output_format": "json", "requests_per_month": 60_000_000, "peak_requests_per_minute": 4000,
                "provider": "openai", "model": "gpt-5.4-mini", "tier": "tier-5",
                "downstream": "internal_service", "current_mode": "sync"}
    from advisor.core.profile import parse_profile

    realtime = "Under 5 seconds the user is watching (or a calling service is blocked in its request path): " \
               "real-time, no choice."

    def verdict(folder: Path, effect_of_rule: dict[str, Any]) -> tuple[str, list[str], str]:
        # "a-peak.yaml": before the default's files by name, as a copy of the default reads them.
        (folder / "a-peak.yaml").write_text(
            yaml.safe_dump({"rules": [{**org, "effect": effect_of_rule}]}, sort_keys=False), encoding="utf-8"
        )
        a = assess(parse_profile(workload), folder, price_date=PRICE_DATE)
        assert a.recommendation == "streaming" and "org-no-sync-at-high-peak" in a.decided_by
        return a.reason

    # A copy of the default rule set (standalone): the rule is first under "Decided by".
    copy = shutil.copytree(default_rules_dir(), tmp_path / "copy")
    assert verdict(copy, org["effect"]) == realtime  # only excludes sync: never the reason
    assert verdict(copy, documented) == org["because"]  # scores streaming: the reason
    # Extending the default: latency-realtime-window (inherited, so earlier) argues for streaming.
    extending = shutil.copytree(COST_FIRST, tmp_path / "extending")
    org["source"] = "acme-ai-cost-policy-2026.md § 4"
    assert verdict(extending, documented) == realtime


def test_a_variable_naming_a_folder_that_is_no_rule_set_says_it_is_the_variables(capsys, tmp_path, monkeypatch):
    # ADVISOR_RULES=/ said "/: a rule set needs a ruleset.yaml", naming no variable.
    monkeypatch.setenv(RULES_ENV, str(tmp_path))
    code, out, err = run_cli(capsys, "recommend", str(SALES_CALLS))
    assert (code, out) == (2, "")
    assert err == (
        f"advisor: error: {tmp_path}: a rule set needs a ruleset.yaml (id, version, axes, modes) "
        "(named by $ADVISOR_RULES)\n"
    )


def test_an_id_is_told_its_form_in_words_not_as_a_pattern(tmp_path):
    folder = make_rule_set(tmp_path / "rs", [], id="Our Rules")
    with pytest.raises(RuleSetError) as caught:
        load_rules(folder)
    assert caught.value.message.endswith(
        "id: must be an id of lower-case letters, digits, '-' and '_', starting with a letter or digit, at most 80 "
        "characters (like cost-burst) (got 'Our Rules')"
    )
