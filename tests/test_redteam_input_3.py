"""Red-team round 3 on bad input: each test is a defect found, asserted as the user sees it
(one message naming the file, exit status 2, no traceback, nothing written)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import advisor
from advisor.core.yamlio import parse_yaml

from .conftest import EXAMPLES, run_cli

CHATBOT = EXAMPLES / "chatbot.yaml"


def _with_name(tmp_path: Path, value: str) -> Path:
    text = re.sub(r"(?m)^name: .*$", lambda _: f"name: {value}", CHATBOT.read_text(encoding="utf-8"), count=1)
    path = tmp_path / "w.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# -- a value its YAML tag cannot make --------------------------------------------------------

@pytest.mark.parametrize(("value", "said"), [
    ("2026-02-30", "'2026-02-30' reads as a date, but is not one (day is out of range for month)"),
    ("2026-13-01", "'2026-13-01' reads as a date, but is not one (month must be in 1..12)"),
    ("2026-11-01T25:00:00", "reads as a date, but is not one (hour must be in 0..23)"),
    ("!!int abc", "'abc' cannot be read as !!int"),
    ("!!float abc", "'abc' cannot be read as !!float"),
    ("!!bool maybe", "'maybe' cannot be read as !!bool"),
    ("!!int 1:x", "'1:x' cannot be read as !!int"),
    ("!!int ''", "'' cannot be read as !!int"),
    ("!!set [1]", "a list cannot be read as !!set"),
])
def test_a_value_its_tag_cannot_make_is_one_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, said: str
) -> None:
    path = _with_name(tmp_path, value)
    code, out, err = run_cli(capsys, "recommend", path)
    assert code == 2
    assert out == ""
    assert err.startswith(f"advisor: error: {path}: not valid YAML (line 4, column 7): ")
    assert said in err
    assert "Traceback" not in err and err.count("\n") == 1


def test_an_impossible_date_in_a_records_inputs_is_unverifiable_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    decisions = tmp_path / "decisions"
    assert run_cli(capsys, "adr", CHATBOT, "--dir", decisions)[0] == 0
    record = next(decisions.glob("0001-*.md"))
    text = record.read_text(encoding="utf-8")
    assert "price_date: '" in text
    record.write_text(re.sub(r"price_date: '[0-9-]+'", "price_date: 2026-02-30", text, count=1), encoding="utf-8")
    code, out, err = run_cli(capsys, "verify", decisions)
    assert code == 2
    assert "UNVERIFIABLE" in out and "'2026-02-30' reads as a date, but is not one" in out
    assert "Traceback" not in err


def _extending_default(tmp_path: Path, org_yaml: str) -> Path:
    """A rule set of one's own on top of the shipped one, its rules in org.yaml."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "ruleset.yaml").write_text("id: mine\nversion: 1.0.0\ntitle: Mine\nextends: default\n", encoding="utf-8")
    (rules / "org.yaml").write_text(org_yaml, encoding="utf-8")
    return rules


def test_an_impossible_date_in_a_rule_file_is_a_rule_set_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = _extending_default(
        tmp_path, "rules:\n  - id: x\n    when: {fact: requests_per_month, op: gt, value: 2026-02-30}\n"
    )
    code, out, err = run_cli(capsys, "recommend", CHATBOT, "--rules", rules)
    assert code == 2 and out == ""
    assert "org.yaml: not valid YAML (line 3" in err and "reads as a date, but is not one" in err


def test_parse_yaml_raises_input_error_for_an_impossible_date() -> None:
    with pytest.raises(advisor.InputError, match=r"reads as a date, but is not one"):
        parse_yaml("when: 2026-02-30\n", "x.yaml")


# -- an integer beyond a float's range ------------------------------------------------------

BIG = 10**400  # math.isfinite(BIG) raises OverflowError; repr() of 10**5000 raises ValueError
HUGE = 10**5000


def test_a_rule_threshold_beyond_a_floats_range_is_a_rule_set_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = _extending_default(
        tmp_path,
        "rules:\n  - id: x\n    axis: cost_burst\n    title: T\n"
        f"    when: {{fact: requests_per_month, op: gt, value: {BIG}}}\n"
        "    effect: {scores: {sync: 1}}\n    because: b\n    source: advisor-default\n",
    )
    # rules check reports a rule that does not load as a failed rule (exit 1), as it does any other
    for argv, status in ((("recommend", CHATBOT, "--rules", rules), 2), (("rules", "check", rules), 1)):
        code, out, err = run_cli(capsys, *argv)
        assert code == status, argv
        assert "Traceback" not in out + err
        assert "value must be a finite number (got 1000000" in out + err


@pytest.mark.parametrize("value", [BIG, HUGE, -HUGE], ids=["400-digits", "5001-digits", "negative"])
def test_the_python_api_refuses_an_absurd_integer_with_an_input_error(tmp_path: Path, value: int) -> None:
    profile = advisor.load_profile(CHATBOT)
    assessment = advisor.assess(profile)
    calls = [
        lambda: advisor.parse_profile({**profile.model_dump(exclude_none=True), "requests_per_month": value}),
        lambda: advisor.decision_map(profile, "requests_per_month", [1, value], "latency_budget_s", [1, 2]),
        lambda: advisor.verify([tmp_path], cost_tolerance=value),
        lambda: advisor.write_adr(assessment, tmp_path / "decisions", supersedes=value),
        lambda: advisor.render_adr(assessment, number=value),
        lambda: advisor.what_would_change(profile, advisor.load_rules(), value),  # type: ignore[arg-type]
        lambda: advisor.load_rules().evaluate(advisor.facts(profile), weights={"latency": value}),
        lambda: advisor.calibrate([EXAMPLES / "traces" / "rag-chat.jsonl.gz"], root="rag.chat", window_days=value),
    ]
    for call in calls:
        with pytest.raises(advisor.InputError) as caught:
            call()
        assert "digits" in str(caught.value) or "1000000" in str(caught.value)
    assert not (tmp_path / "decisions").exists()


# -- a trace's doubleValue beyond a double's range -------------------------------------------

def test_a_trace_double_beyond_a_doubles_range_is_a_trace_error_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import gzip

    text = gzip.decompress((EXAMPLES / "traces" / "rag-chat.jsonl.gz").read_bytes()).decode("utf-8")
    first = '"doubleValue":0.5079950326505669'
    assert first in text
    trace = tmp_path / "t.jsonl"
    trace.write_text(text.replace(first, f'"doubleValue":{BIG}', 1), encoding="utf-8")
    code, out, err = run_cli(capsys, "calibrate", trace, "--root", "rag.chat", "-o", tmp_path / "w.yaml")
    assert code == 2 and out == ""
    assert "gen_ai.response.time_to_first_chunk must be a number of seconds, 0 or more (got inf)" in err
    assert "Traceback" not in err and not (tmp_path / "w.yaml").exists()


# -- a rule file that is not a regular file ---------------------------------------------------

def _rule_set_with(tmp_path: Path, name: str, make: str) -> Path:
    import os
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(EXAMPLES / "rules-cost-first", rules, ignore=shutil.ignore_patterns("workloads"))
    target = rules / name
    target.unlink(missing_ok=True)
    if make == "folder":
        target.mkdir()
    elif make == "fifo":
        os.mkfifo(target)
    elif make == "broken link":
        target.symlink_to("gone.yaml")
    else:
        target.symlink_to(target.name)  # a link to itself: a loop
    return rules


@pytest.mark.parametrize("name", ["org.yaml", "catalogue.yaml"])
@pytest.mark.parametrize(("make", "said"), [
    ("folder", "is a folder, expected a rule file"),
    ("fifo", "is a FIFO, not a regular file"),
    ("broken link", "is a symbolic link to gone.yaml, which does not exist"),
    ("loop", "is a symbolic link loop"),
])
def test_a_rule_file_that_is_no_regular_file_is_refused_not_passed_over(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, make: str, said: str
) -> None:
    # Passed over, the organisation's rules (or its catalogue) would silently not apply.
    rules = _rule_set_with(tmp_path, name, make)
    for argv in (("recommend", CHATBOT, "--rules", rules), ("rules", "docs", rules), ("rules", "check", rules)):
        code, out, err = run_cli(capsys, *argv)
        assert code == 2, argv
        assert f"{rules / name}: {said}" in out + err
        assert "Traceback" not in out + err
    with pytest.raises(advisor.AdvisorError, match=said):
        advisor.load_rules(rules)


def test_an_editors_lock_beside_a_rule_file_being_edited_is_passed_over(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Emacs links .#org.yaml to "user@host.pid" (no such file) while org.yaml has unsaved changes:
    # the rule set must still load, and decide as it does without the lock.
    rules = tmp_path / "rules"
    shutil.copytree(EXAMPLES / "rules-cost-first", rules, ignore=shutil.ignore_patterns("workloads"))
    without = advisor.assess(advisor.load_profile(CHATBOT), advisor.load_rules(rules)).recommendation
    (rules / ".#org.yaml").symlink_to("ana@laptop.4242:1700000000")
    assert advisor.assess(advisor.load_profile(CHATBOT), advisor.load_rules(rules)).recommendation == without
    for argv in (("recommend", CHATBOT, "--rules", rules), ("rules", "check", rules)):
        code, _out, err = run_cli(capsys, *argv)
        assert code == 0, (argv, err)


# -- numbers in options: ASCII, no digit separator, as every other option reads them ----------

@pytest.mark.parametrize(("argv", "said"), [
    (("map", CHATBOT, "--x", "latency_budget_s=1:20:\u0663", "--y", "requests_per_month"),
     "N must be a whole number of points (got '\u0663')"),
    (("map", CHATBOT, "--x", "latency_budget_s=1_0:20:3", "--y", "requests_per_month"),
     "START must be a number (got '1_0')"),
    (("calibrate", EXAMPLES / "traces" / "rag-chat.jsonl.gz", "--window-days", "1_0", "-o", "-"),
     "argument --window-days: expected a number of days, got '1_0'"),
    (("calibrate", EXAMPLES / "traces" / "rag-chat.jsonl.gz", "--window-days", "\u0663", "-o", "-"),
     "argument --window-days: expected a number of days, got '\u0663'"),
    (("app", "--port", "\u00b2"), "argument --port: expected a port number from 1 to 65535, got '\u00b2'"),
    (("app", "--port", "\uff18\uff15\uff10\uff11"), "argument --port: expected a port number from 1 to 65535"),
])
def test_a_number_option_takes_ascii_digits_only(
    capsys: pytest.CaptureFixture[str], argv: tuple[object, ...], said: str
) -> None:
    from advisor.cli import main

    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse's own refusal
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert said in err and "Traceback" not in err
