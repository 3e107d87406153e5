"""Red-team round 4 on bad input: each test is a defect found, asserted as the user sees it
(one message naming where, exit status 2, no traceback, nothing written). The report is
/work/scratch/reports/redteam-input-4.md."""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import pytest

import advisor
from advisor import InputError
from advisor.cli import main
from advisor.core.clock import TODAY_ENV

from .conftest import EXAMPLES, run_cli

CHATBOT = EXAMPLES / "chatbot.yaml"
PRICE_DATE = datetime.date(2026, 11, 1)


@pytest.fixture(scope="module")
def assessment() -> advisor.Assessment:
    return advisor.assess(advisor.load_profile(CHATBOT), price_date=PRICE_DATE, what_if=False)


# -- a date is YYYY-MM-DD, as every message and --help says ------------------------------------
# date.fromisoformat also read 20261101 and the ISO week date 2026-W44-1 (Monday 2026-10-26):
# a record dated, or priced on, a day the user never wrote as a day.

ODD_DATES = ["20261101", "2026-W44-1", "2026W441", "2026-W44"]


@pytest.mark.parametrize("text", ODD_DATES)
@pytest.mark.parametrize("option", ["--price-date", "--date"])
def test_a_date_option_takes_yyyy_mm_dd_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, option: str
) -> None:
    try:
        code = main(["adr", str(CHATBOT), "--dir", str(tmp_path / "d"), option, text])
    except SystemExit as exc:  # argparse's own refusal
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert code == 2
    assert f"argument {option}: expected a date as YYYY-MM-DD, got '{text}'" in err
    assert "Traceback" not in err and out == ""
    assert not (tmp_path / "d").exists()


@pytest.mark.parametrize("text", ODD_DATES)
def test_advisor_today_takes_yyyy_mm_dd_only(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    monkeypatch.setenv(TODAY_ENV, text)
    code, out, err = run_cli(capsys, "recommend", CHATBOT)
    assert code == 2
    assert err == f"advisor: error: ${TODAY_ENV}: expected a date as YYYY-MM-DD, got '{text}'\n"
    assert out == ""


@pytest.mark.parametrize("text", ODD_DATES)
def test_the_python_api_takes_a_date_as_yyyy_mm_dd_only(assessment: advisor.Assessment, text: str) -> None:
    with pytest.raises(InputError, match="field 'price_date': expected a date as YYYY-MM-DD"):
        advisor.assess(advisor.load_profile(CHATBOT), price_date=text, what_if=False)
    with pytest.raises(InputError, match="field 'date': expected a date as YYYY-MM-DD"):
        advisor.render_adr(assessment, date=text)
    # The form it does take still reads.
    assert "date: 2026-11-01" in advisor.render_adr(assessment, date="2026-11-01")


# -- the review says "1 feature name is used", not "nameis" ------------------------------------

def test_one_feature_name_used_twice_is_said_with_a_space(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(CHATBOT, tmp_path / folder / "chatbot.yaml")
    code, out, err = run_cli(capsys, "review", tmp_path, "--price-date", "2026-11-01")
    assert code == 0, err
    line = next(line for line in out.splitlines() if "used by more than one file" in line)
    assert line.startswith('1 feature name is used by more than one file (the File columns tell them apart): '
                           '"Customer chatbot" (')


# -- a trace export with "resourceSpans": null ------------------------------------------------
# It said "not an OTLP trace export: no 'resourceSpans' (found resourceSpans)". A null is the
# default value in OTLP's JSON (proto3), as a null scopeSpans or spans already read.

@pytest.mark.parametrize("document", [{"resourceSpans": None}, {"resource_spans": None, "other": 1}])
def test_a_null_resource_spans_is_an_export_without_spans(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], document: dict[str, object]
) -> None:
    traces = tmp_path / "t.jsonl"
    traces.write_text(json.dumps(document) + "\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "calibrate", traces, "-o", tmp_path / "w.yaml")
    assert code == 2
    assert out == "" and err == f"advisor: error: {traces}: no spans in the trace export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.jsonl"]


def test_an_export_of_other_keys_still_names_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    traces = tmp_path / "t.jsonl"
    traces.write_text('{"spans": []}\n', encoding="utf-8")
    code, _, err = run_cli(capsys, "calibrate", traces, "-o", "-")
    assert code == 2
    assert "not an OTLP trace export: no 'resourceSpans' (found spans)" in err


# -- the Python API: the wrong kind of argument is an InputError naming it ----------------------

@pytest.mark.parametrize(("call", "message"), [
    (lambda a: advisor.render_adr(a, template=None),
     "field 'template': must be madr, nygard or the path of a Jinja2 template (got NoneType)"),
    (lambda a: advisor.render_adr(a, template=["madr"]),
     "field 'template': must be madr, nygard or the path of a Jinja2 template (got list)"),
    (lambda a: advisor.render_adr(a, decision_makers=5),
     "field 'decision-makers': expected names as text or a list of them (got int)"),
    (lambda a: advisor.render_adr(a, informed={"Ana": "lead"}),
     "field 'informed': expected names as text or a list of them (got dict)"),
    (lambda a: advisor.parse_profile({"name": "x"}, source=5),
     "field 'source': must be the name of the workload's source, as text (got int)"),
    (lambda a: advisor.decision_map(advisor.load_profile(CHATBOT), ["latency_budget_s"], [1, 2],
                                    "requests_per_month", [10, 20], price_date=PRICE_DATE),
     "x: must be the name of a fact, as text, one of: latency_budget_s, "),
])
def test_an_argument_of_the_wrong_kind_is_an_input_error(
    assessment: advisor.Assessment, tmp_path: Path, call, message: str
) -> None:
    with pytest.raises(InputError) as caught:
        call(assessment)
    assert str(caught.value).startswith(message)


def test_write_adr_refuses_a_template_that_is_not_a_path_and_writes_nothing(
    assessment: advisor.Assessment, tmp_path: Path
) -> None:
    with pytest.raises(InputError, match="field 'template'"):
        advisor.write_adr(assessment, tmp_path / "d", template=None)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_a_template_given_as_a_path_object_is_rendered(assessment: advisor.Assessment, tmp_path: Path) -> None:
    template = tmp_path / "mine.md.j2"
    template.write_text("{{ inputs_block }}\n", encoding="utf-8")
    assert advisor.render_adr(assessment, template=template).startswith("```yaml\n")
    # and its errors name it as text does (a Path in the message was a TypeError)
    template.write_text("{{ nosuch }}{{ inputs_block }}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        advisor.render_adr(assessment, template=template)
    assert str(caught.value) == f"{template}: template uses an undefined value: 'nosuch' is undefined"


# -- a record's price date, edited to another form of date ---------------------------------------
# Pydantic read 20261101 as a Unix time ("datetimes provided to dates should have zero time")
# and '2026-W44-1' with "invalid character in month".

@pytest.mark.parametrize(("written", "got"), [("20261101", "20,261,101"), ("'2026-W44-1'", "'2026-W44-1'")])
def test_a_records_price_date_in_another_form_is_said_as_every_date_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], written: str, got: str
) -> None:
    assert run_cli(capsys, "adr", CHATBOT, "--dir", tmp_path, "--price-date", "2026-11-01")[0] == 0
    record = next(tmp_path.glob("0001-*.md"))
    text = record.read_text(encoding="utf-8")
    assert "price_date: '2026-11-01'" in text
    record.write_text(text.replace("price_date: '2026-11-01'", f"price_date: {written}", 1), encoding="utf-8")
    code, out, _ = run_cli(capsys, "verify", record, "--price-date", "2026-11-01")
    assert code == 2
    assert (f"UNVERIFIABLE: field 'record.prices.price_date': malformed inputs block: "
            f"must be a date as YYYY-MM-DD (got {got})") in out


# -- a rule set's text reaches terminals and Markdown as a workload's does -----------------------
# A rule's title, reason or source, or the rule set's version, with an escape sequence in it was
# printed raw by `rules check` and `recommend` (it could clear the screen, set the window title
# or hide what follows); a bidirectional control went into `rules docs` and the records. A
# workload's name and description refuse both; a rule set, often from another team, now does.

ESCAPES = [
    ("\x1b[2J", "\\x1b"),  # clear the screen
    ("\x1b]0;pwned\x07", "\\x1b"),  # set the window title
    ("\r", "\\r"),  # return to the line's start: what follows overwrites what went before
    ("\x9b31m", "\\x9b"),  # the one-byte C1 CSI
    ("\u202e", "\\u202e"),  # right-to-left override
    ("\u2066", "\\u2066"),  # left-to-right isolate
]


def _rule_set_with(tmp_path: Path, key: str, text: str) -> Path:
    """ACME's rule set with one rule whose ``key`` holds ``text``."""
    folder = tmp_path / "rs"
    shutil.copytree(EXAMPLES / "rules-cost-first", folder, ignore=shutil.ignore_patterns("workloads"))
    rule = {
        "id": "org-x", "axis": "cost_burst", "title": "A rule",
        "when": {"fact": "latency_budget_s", "op": "gt", "value": 1}, "effect": {"scores": {"batch": 1}},
        "because": "Because.", "source": "acme-ai-cost-policy-2026.md § 3.2",
    }
    rule[key] = f"A rule {text} here"
    # JSON is YAML: a double-quoted string with its escapes, as a hand-written file would have it.
    (folder / "org.yaml").write_text(json.dumps({"rules": [rule]}, ensure_ascii=True), encoding="utf-8")
    return folder


@pytest.mark.parametrize(("text", "shown"), ESCAPES)
@pytest.mark.parametrize("key", ["title", "because", "source"])
def test_a_rule_set_with_a_control_character_in_its_text_does_not_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, shown: str, key: str
) -> None:
    folder = _rule_set_with(tmp_path, key, text)
    said = (f"rules[0].{key}: text must not contain control characters or bidirectional controls "
            f"(found {shown}; line breaks and tabs are allowed)")
    code, out, err = run_cli(capsys, "recommend", CHATBOT, "--rules", folder, "--price-date", "2026-11-01")
    assert code == 2 and out == ""
    assert err.startswith(f"advisor: error: {folder.resolve() / 'org.yaml'}: {said}")
    assert text not in err
    code, out, err = run_cli(capsys, "rules", "check", folder)
    assert code == 2, out
    assert f"FAIL org.yaml: {folder / 'org.yaml'}: {said}" in out and text not in out
    code, out, err = run_cli(capsys, "rules", "docs", folder, "-o", tmp_path / "docs.md")
    assert code == 2 and said in err
    assert not (tmp_path / "docs.md").exists()


def test_line_breaks_and_tabs_in_a_rules_text_are_still_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _rule_set_with(tmp_path, "because", "\tspread\nover two lines")
    code, out, err = run_cli(capsys, "recommend", CHATBOT, "--rules", folder, "--price-date", "2026-11-01")
    assert code == 0 and out.startswith("Customer chatbot"), err


def test_the_rule_set_header_is_held_to_it_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _rule_set_with(tmp_path, "title", "plain")
    header = folder / "ruleset.yaml"
    header.write_text(header.read_text(encoding="utf-8").replace("version: 1.0.0", 'version: "1.0.0\\e[2J"'),
                      encoding="utf-8")
    code, out, err = run_cli(capsys, "rules", "check", folder)
    assert code == 2 and "\x1b" not in out + err
    assert "version: text must not contain control characters or bidirectional controls (found \\x1b;" in out


# -- a decisions folder whose highest number leaves no next one ---------------------------------
# It said "field 'number': must be a record number from 1 to 999,999,999 (got 1000000000)":
# a field the user never gave, and not the file that caused it.

@pytest.mark.parametrize("name", ["999999999-last.md", "99999999999999999999-pasted.md"])
def test_a_record_numbered_at_the_highest_names_itself(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    (tmp_path / name).write_text("# Someone else's record\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "adr", CHATBOT, "--dir", tmp_path, "--price-date", "2026-11-01")
    assert code == 2 and out == ""
    assert err.startswith(f"advisor: error: {tmp_path}: {name} is numbered ")
    assert "the highest a record takes: renumber or move that file\n" in err and "field 'number'" not in err
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no record, no reservation left behind
