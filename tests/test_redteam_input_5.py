"""Red-team round 5 on bad input: each test is a defect found, asserted as the user sees it
(one message naming where, exit status 2, no traceback, nothing written). The report is
/work/scratch/reports/redteam-input-5.md."""

from __future__ import annotations

import difflib
import itertools
import json
import shutil
from pathlib import Path

import pytest

import advisor
from advisor import InputError

from .conftest import EXAMPLES, run_cli

CHATBOT = EXAMPLES / "chatbot.yaml"


# -- two records in force that share a number ----------------------------------------------------
# verify said "records 1 and 1 in d are both in force ...: retire the older, record 1: mark it
# superseded by record 1 (MADR: 'status: superseded by ADR-0001' ...)": a record told to name
# itself as its successor. With one number there is no newest; each needs a number of its own.

def test_two_records_in_force_with_one_number_are_not_told_to_supersede_themselves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "d"
    assert run_cli(capsys, "adr", CHATBOT, "--dir", folder, "--price-date", "2026-11-01")[0] == 0
    (first,) = folder.glob("0001-*.md")
    second = folder / "0001-pasted.md"
    shutil.copy(first, second)
    said = (f"{first} and {second} are both in force about {CHATBOT}: they share a number, so none can"
            " supersede another: give each record a number of its own, or set the status of each one no"
            " longer meant to deprecated")
    code, out, _ = run_cli(capsys, "verify", folder, "--price-date", "2026-11-01")
    assert code == 0 and said in out
    assert "superseded by record 1" not in out
    code, out, _ = run_cli(capsys, "verify", folder, "--price-date", "2026-11-01", "--format", "json")
    (several,) = json.loads(out)["several_records_in_force"]
    assert several["older"] == [] and several["fix"] == said


# -- an integer beyond a float's range, in a field that takes a decimal number ------------------
# It said "input should be a valid number (got 1000...)" of a number: pydantic's words when an
# int does not convert to a float. A count (an int field) already said the bound it passes.

@pytest.mark.parametrize(("digits", "got"), [(401, "100000000000000000"), (5001, "a 5,001-digit number")])
def test_a_huge_integer_for_a_decimal_field_is_said_to_be_too_large(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], digits: int, got: str
) -> None:
    workload = tmp_path / "w.yaml"
    text = CHATBOT.read_text(encoding="utf-8")
    workload.write_text(text.replace("latency_budget_s: 2.5", "latency_budget_s: 1" + "0" * (digits - 1)),
                        encoding="utf-8")
    code, out, err = run_cli(capsys, "recommend", workload)
    assert code == 2 and out == ""
    assert err.startswith(f"advisor: error: {workload}: field 'latency_budget_s': input should be less than or"
                          f" equal to 2592000 (got {got}")
    assert "valid number" not in err


def test_the_python_api_says_a_huge_negative_decimal_is_below_the_range() -> None:
    data = advisor.load_profile(CHATBOT).model_dump(exclude_none=True)
    with pytest.raises(InputError, match=r"field 'tool_latency_s': input should be greater than or equal to 0 \("):
        advisor.parse_profile({**data, "tool_latency_s": -(10**400)})


# -- a Python value nested too deep to show ------------------------------------------------------
# parse_profile of a dict a caller built (from JSON, say) with a list 100,000 deep in a field
# raised RecursionError while the message quoted the value: no InputError, no field named.

def test_a_value_nested_100000_deep_is_an_input_error_naming_its_field() -> None:
    data = advisor.load_profile(CHATBOT).model_dump(exclude_none=True)
    deep: list[object] = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(InputError) as caught:
        advisor.parse_profile({**data, "description": deep})
    assert str(caught.value) == "workload: field 'description': input should be a valid string (got [[[[[[[...]]]]]]])"


# -- a path with a NUL byte, given to the Python API ---------------------------------------------
# The OS refuses it with ValueError("embedded null byte"), which escaped every function that
# takes a path: a caller passing on a user's path got no AdvisorError. (A command line cannot
# hold a NUL.)

NUL = "the path holds a NUL byte, which no file name can"


@pytest.mark.parametrize("call", [
    lambda tmp, a: advisor.load_profile(tmp / "w\0.yaml"),
    lambda tmp, a: advisor.load_rules(tmp / "r\0"),
    lambda tmp, a: advisor.rules_docs(tmp / "r\0"),
    lambda tmp, a: advisor.review([tmp / "w\0.yaml"]),
    lambda tmp, a: advisor.calibrate([tmp / "t\0.jsonl"]),
    lambda tmp, a: advisor.write_adr(a, tmp / "d\0"),
    lambda tmp, a: advisor.render_adr(a, template=str(tmp / "t\0.md.j2")),
], ids=["load_profile", "load_rules", "rules_docs", "review", "calibrate", "write_adr", "render_adr"])
def test_a_path_with_a_nul_byte_is_an_advisor_error(tmp_path: Path, call) -> None:
    assessment = advisor.assess(advisor.load_profile(CHATBOT), price_date="2026-11-01", what_if=False)
    with pytest.raises(advisor.AdvisorError) as caught:
        call(tmp_path, assessment)
    assert NUL in str(caught.value) and "\\x00" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_verify_says_a_path_with_a_nul_byte_is_unverifiable(tmp_path: Path) -> None:
    (result,) = advisor.verify([tmp_path / "d\0"])
    assert result.status == "unverifiable" and result.message == NUL


# -- a decisions folder under a file -----------------------------------------------------------------
# adr --dir /dev/null/x said "cannot write the record: the decisions folder cannot read it: Not a
# directory"; verify said "cannot read it: Not a directory".

def test_a_decisions_folder_under_a_file_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("x\n", encoding="utf-8")
    folder = tmp_path / "notes.txt" / "decisions"
    code, out, err = run_cli(capsys, "adr", CHATBOT, "--dir", folder, "--price-date", "2026-11-01")
    assert code == 2 and out == ""
    assert err == f"advisor: error: {folder}: cannot write the record: a part of the path is a file, not a folder\n"
    code, out, _ = run_cli(capsys, "verify", folder)
    assert code == 2 and f"{folder}: UNVERIFIABLE: a part of the path is a file, not a folder" in out
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


# -- a provider named by a text that contains another's name --------------------------------------
# genai-prices takes any provider text that contains a provider's name: 'azure-openai' was priced
# at OpenAI's own prices (Azure is a provider of its own, with its own limits), 'not-anthropic'
# and 'anthropic-bedrock' as Anthropic, 'openai ' and 'openai' with a zero-width space as OpenAI,
# each with "the provider catalogue does not know provider ..." and no rate limit checked.

@pytest.mark.parametrize(("provider", "offered"), [
    ("azure-openai", "openai, azure"),
    ("anthropic-bedrock", "anthropic"),
    ("not-anthropic", "anthropic"),
    ("openai ", "openai"),
    ("openai\u200b", "openai"),
])
def test_a_provider_is_named_by_its_id_not_a_text_containing_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], provider: str, offered: str
) -> None:
    workload = tmp_path / "w.yaml"
    text = CHATBOT.read_text(encoding="utf-8")
    workload.write_text(text.replace("provider: openai", f"provider: {json.dumps(provider)}"), encoding="utf-8")
    code, out, err = run_cli(capsys, "recommend", workload, "--price-date", "2026-11-01")
    assert code == 2 and out == ""
    shown = provider.encode("unicode_escape").decode("ascii")
    assert err.startswith(f"advisor: error: {workload}: field 'provider': unknown provider '{shown}'; close"
                          f" matches: {offered}")


def test_a_provider_in_another_case_is_still_its_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workload = tmp_path / "w.yaml"
    workload.write_text(CHATBOT.read_text(encoding="utf-8").replace("provider: openai", "provider: OpenAI"),
                        encoding="utf-8")
    code, out, _ = run_cli(capsys, "recommend", workload, "--price-date", "2026-11-01", "--format", "json")
    assert code == 0 and json.loads(out)["capacity"]["rpm_limit"] == 500  # priced, and its limits known


# -- a chain of rule sets, each extending the one before, with no loop in it -----------------------
# Six rule sets extending one another were refused as "rule sets extend each other in a loop":
# there is none; the chain is longer than the five allowed.

def _chain(root: Path, length: int) -> Path:
    for i in range(1, length + 1):
        folder = root / f"c{i}"
        folder.mkdir(parents=True)
        extends = "default" if i == 1 else f"../c{i - 1}"
        (folder / "ruleset.yaml").write_text(f"id: c{i}\nversion: 1.0.0\ntitle: C{i}\nextends: {extends}\n",
                                             encoding="utf-8")
    return root / f"c{length}"


def test_a_chain_of_rule_sets_too_long_is_not_called_a_loop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "recommend", CHATBOT, "--rules", _chain(tmp_path / "ok", 5),
                             "--price-date", "2026-11-01")
    assert code == 0 and out.startswith("Customer chatbot"), err
    code, out, err = run_cli(capsys, "recommend", CHATBOT, "--rules", _chain(tmp_path / "long", 6))
    assert code == 2 and out == ""
    assert err == (f"advisor: error: {(tmp_path / 'long' / 'c1' / 'ruleset.yaml').resolve()}: extends: more than 5"
                   " rule sets extend one another in a chain, from the one given to this one; extend a rule set"
                   " nearer the default\n")
    assert "loop" not in err


def test_a_loop_of_rule_sets_is_still_a_loop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name, other in (("a", "b"), ("b", "a")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "ruleset.yaml").write_text(
            f"id: {name}\nversion: 1.0.0\ntitle: {name}\nextends: ../{other}\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "recommend", CHATBOT, "--rules", tmp_path / "a")
    assert code == 2 and "extends: rule sets extend each other in a loop (../a)" in err


# -- a file of thousands of unknown keys ---------------------------------------------------------
# Each unknown key got a did-you-mean, a difflib search, three times over: a 950 KB workload of
# 40,000 keys took 38 s to refuse (the corpus allows any input 10 s), a step of 400 unknown keys
# in each of 100 steps 8 s. The first 50 are offered a did-you-mean; every problem is counted.

@pytest.mark.parametrize("where", ["top", "steps"])
def test_thousands_of_unknown_keys_are_refused_without_a_search_for_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    searches = 0
    search = difflib.get_close_matches

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal searches
        searches += 1
        return search(*args, **kwargs)

    monkeypatch.setattr(difflib, "get_close_matches", counted)
    lines = ["name: x", "interaction: chat", "latency_budget_s: 3", "requests_per_month: 10", "provider: openai",
             "model: gpt-4o"]
    if where == "top":
        lines += ["input_tokens: 10", "output_tokens: 5", *(f"input_tokenz{k}: 1" for k in range(40_000))]
        said = "field 'input_tokenz0': unknown field; did you mean 'input_tokens'? allowed fields: name,"
        more = "[and 39,999 more problems]"
    else:
        lines.append("steps:")
        for step in range(100):
            lines += [f"  - name: s{step}", *(f"    input_tokenz{k}: 1" for k in range(400))]
        said = "field 'steps.s0.input_tokenz0': unknown field; did you mean 'input_tokens'? allowed fields: name,"
        more = "[and 40,199 more problems]"  # and each step's two missing token counts
    workload = tmp_path / "w.yaml"
    workload.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "recommend", workload)
    assert code == 2 and out == ""
    assert err.startswith(f"advisor: error: {workload}: {said}")
    assert err.endswith(f" {more}\n")
    assert searches <= 200  # was 120,000 (top) and 80,000 (steps)


def test_the_review_does_not_capitalise_a_path_that_starts_a_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The review's summary wrote "V/d/0001-....md and v/d/0001-pasted.md are both in force": the
    # first letter of each such line was upper-cased, a path's included.
    monkeypatch.chdir(tmp_path)
    assert run_cli(capsys, "adr", CHATBOT, "--dir", "v", "--price-date", "2026-11-01")[0] == 0
    (first,) = Path("v").glob("0001-*.md")
    shutil.copy(first, "v/0001-pasted.md")
    code, out, err = run_cli(capsys, "review", CHATBOT, "--decisions", "v", "--price-date", "2026-11-01")
    assert code == 0, err
    assert f"\n{first} and v/0001-pasted.md are both in force about " in out
    assert "\nV/" not in out


# -- the Python API's decision map, asked for millions of cells -------------------------------------
# `advisor map` takes 200 values a side at most; decision_map() took any number: 5,000 x 5,000
# values ran for hours, and an endless generator (itertools.count) never returned.

@pytest.mark.parametrize(("values", "got"), [([1 + i / 1000 for i in range(5000)], "5,000"),
                                             (itertools.count(1), "more")], ids=["list", "endless"])
def test_the_decision_map_takes_at_most_200_values_a_side(values: object, got: str) -> None:
    profile = advisor.load_profile(CHATBOT)
    with pytest.raises(InputError) as caught:
        advisor.decision_map(profile, "latency_budget_s", values, "requests_per_month", [1000, 2000],  # type: ignore[arg-type]
                             price_date="2026-11-01")
    assert str(caught.value) == f"x: at most 200 values a side (got {got})"
    # 200 a side still draws, from a generator too
    result = advisor.decision_map(profile, "latency_budget_s", [1 + i / 100 for i in range(200)],
                                  "requests_per_month", (v for v in (1000, 2000)), price_date="2026-11-01")
    assert len(result.cells) == 2 and len(result.cells[0]) == 200
