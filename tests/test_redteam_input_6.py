"""Red-team round 6 on bad input: each test is a defect found, asserted as the user sees it
(one message naming where, exit status 2, no traceback, nothing written). The report is
/work/scratch/reports/redteam-input-6.md."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

import advisor
from advisor import RuleSetError, TraceError

from .conftest import EXAMPLES, run_cli

CHATBOT = EXAMPLES / "chatbot.yaml"
T0 = 1_741_082_403_000_000_000  # 2025-03-04, in ns
MINUTE = 60_000_000_000


def _span(trace: str, span: str, parent: str, name: str, start: int, end: int,
          attributes: dict[str, Any] | None = None) -> dict[str, Any]:
    attrs = [{"key": k, "value": {"intValue": str(v)} if isinstance(v, int) else {"stringValue": v}}
             for k, v in (attributes or {}).items()]
    return {"traceId": trace, "spanId": span, "parentSpanId": parent, "name": name,
            "startTimeUnixNano": str(start), "endTimeUnixNano": str(end), "attributes": attrs}


def _call(trace: str, span: str, parent: str, start: int, end: int) -> dict[str, Any]:
    return _span(trace, span, parent, "chat gpt-5.4-mini", start, end, {
        "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-5.4-mini",
        "gen_ai.usage.input_tokens": 300, "gen_ai.usage.output_tokens": 40,
    })


def _export(path: Path, change: Any = None, n: int = 20) -> Path:
    """``n`` requests a minute apart, each a root span around one model call (1.4 s), as JSON
    Lines; ``change(i, spans)`` edits request i's spans."""
    lines = []
    for i in range(n):
        trace, root, call = f"{i + 1:032x}", f"{10 * i + 1:016x}", f"{10 * i + 2:016x}"
        start = T0 + i * MINUTE
        spans = [_span(trace, root, "", "rag.chat", start, start + 2_000_000_000),
                 _call(trace, call, root, start + 100_000_000, start + 1_500_000_000)]
        if change is not None:
            change(i, spans)
        lines.append(json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": spans}]}]}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# -- a model call that is its own parent -----------------------------------------------------------
# The call was taken for a wrapper of itself (two instrumentations of one call) and dropped,
# leaving requests of no step: calibrate ended in "IndexError: list index out of range", a
# traceback, exit 1, from the CLI, the API and the questionnaire's trace upload alike.

def _self_parent(i: int, spans: list[dict[str, Any]]) -> None:
    spans[1]["parentSpanId"] = spans[1]["spanId"]


def _calls_parent_each_other(i: int, spans: list[dict[str, Any]]) -> None:
    first = spans[1]
    second = _call(first["traceId"], f"{10 * i + 7:016x}", first["spanId"],
                   int(first["startTimeUnixNano"]), int(first["startTimeUnixNano"]) + 500_000_000)
    first["parentSpanId"] = second["spanId"]
    spans.append(second)


@pytest.mark.parametrize("change", [_self_parent, _calls_parent_each_other])
def test_a_call_that_is_its_own_ancestor_is_refused_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: Any
) -> None:
    export = _export(tmp_path / "t.jsonl", change)
    out = tmp_path / "w.yaml"
    code, stdout, err = run_cli(capsys, "calibrate", export, "-o", out)
    assert code == 2 and stdout == "" and not out.exists()
    assert err.startswith(f"advisor: error: {export} line 1: span 'chat gpt-5.4-mini' "
                          "(trace 00000000000000000000000000000001, span ")
    assert "is its own ancestor: its parentSpanId, followed from parent to parent, leads back to it" in err
    assert "Traceback" not in err and err.count("\n") == 1
    with pytest.raises(TraceError, match="is its own ancestor"):
        advisor.calibrate([export])


# -- a call time clamped to the profile's bound, far beyond its median ------------------------------
# One call ended in 2262 (an SDK's unset end written as the largest time): its p95 was written
# at the bound, 3600 s, and the note "measured 3.7e+08; the profile takes 0.01 to 3600" was
# replaced by the one about the median, so the file presented 3600 s as measured.

def test_a_clamped_p95_still_says_what_was_measured(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def ends_in_2262(i: int, spans: list[dict[str, Any]]) -> None:
        if i == 0:
            spans[1]["endTimeUnixNano"] = str(2**63 - 1)
    export = _export(tmp_path / "t.jsonl", ends_in_2262)
    out = tmp_path / "w.yaml"
    assert run_cli(capsys, "calibrate", export, "-o", out)[0] == 0
    (line,) = [line for line in out.read_text(encoding="utf-8").splitlines() if line.startswith("  model_p95_s:")]
    assert line.startswith("  model_p95_s: 3600.0  # from 20 calls; measured 3.74114e+08; the profile takes 0.01 to 3600;")
    assert "over 10 times the median (1.4 s), so the median is left out" in line


# -- an empty rule-set path in the Python API -------------------------------------------------------
# `--rules ""` is refused ("expected a path, got an empty string"); advisor.load_rules("") and
# assess(profile, rules="") loaded the shipped default policy without a word, so a service
# passing a user's unset rule-set path decided by the wrong policy.

def test_an_empty_rule_set_path_is_refused_not_taken_for_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    said = "expected the path of a rule-set folder, got an empty string"
    with pytest.raises(RuleSetError, match=said):
        advisor.load_rules("")
    profile = advisor.load_profile(CHATBOT)
    with pytest.raises(RuleSetError, match=said):
        advisor.assess(profile, rules="", price_date="2026-11-01")
    assert advisor.load_rules().id == "advisor-default"  # no path at all is still the default
    with pytest.raises(SystemExit) as exited:  # the CLI's words, which the API's now match
        run_cli(capsys, "recommend", CHATBOT, "--rules", "")
    assert exited.value.code == 2 and "expected a path, got an empty string" in capsys.readouterr().err


# -- a hand-written record's title with brackets of its own -------------------------------------------
# `adr --supersedes 1` copies record 1's title into the new record's link to it. A title holding
# "](https://elsewhere.example) [" ended the link text early: the new record's "Supersedes" link
# went to that site, not to the superseded record.

def test_the_link_to_a_superseded_record_goes_to_its_file_whatever_its_title(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "decisions"
    folder.mkdir()
    old = folder / "0001-postgres.md"
    old.write_text("# 1. Use Postgres](https://elsewhere.example) [for `a[0]`\n\n## Status\n\nAccepted\n",
                   encoding="utf-8")
    code, _, err = run_cli(capsys, "adr", CHATBOT, "--dir", folder, "--supersedes", "1", "--force",
                           "--price-date", "2026-11-01")
    assert code == 0, err
    (new,) = folder.glob("0002-*.md")
    (line,) = [line for line in new.read_text(encoding="utf-8").splitlines() if line.startswith("Supersedes ")]
    assert line == r"Supersedes [1. Use Postgres\](https://elsewhere.example) \[for `a[0]`](0001-postgres.md)"
    assert f"Superseded by [2. Customer chatbot: stream the answer]({new.name})" in old.read_text(encoding="utf-8")


def test_an_advisor_title_in_the_link_is_left_as_written() -> None:
    from advisor.records.folder import RecordLink

    # advisor escapes its own titles already: their escapes are not doubled
    assert RecordLink(3, r"3. Chat \[beta\]", "0003-chat.md").text == r"[3. Chat \[beta\]](0003-chat.md)"


# -- one line of a gigabyte ----------------------------------------------------------------------------
# A 1.2 MB gzip holding one line of 1.2 GB: the line was read whole up to the 1 GiB file limit
# and copied once more (2.1 GB of memory) before "larger than 1,073,741,824 bytes". A line is
# read whole, as one JSON document is, so it is bounded as one: 256 MiB (560 MB at the peak).

def test_a_line_longer_than_a_document_may_be_is_refused_at_that_bound(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from advisor.core import otlp

    monkeypatch.setattr(otlp, "MAX_DOCUMENT_BYTES", 1 << 20)  # 1 MiB stands for 256 MiB
    export = tmp_path / "t.jsonl.gz"
    export.write_bytes(gzip.compress(b'{"resourceSpans": [], "x": "' + b"a" * (3 << 20) + b'"}\n'))
    out = tmp_path / "w.yaml"
    code, _, err = run_cli(capsys, "calibrate", export, "-o", out)
    assert code == 2 and not out.exists()
    assert err == (f"advisor: error: {export}: has a line of more than 1,048,576 bytes, the limit for one JSON "
                   "document (a line is read whole); export smaller requests, one per line, as the collector's "
                   "file exporter writes them\n")
    # A line under the bound is read as before.
    lines = _export(tmp_path / "ok.jsonl").read_bytes()
    export.write_bytes(gzip.compress(lines))
    assert run_cli(capsys, "calibrate", export, "-o", out)[0] == 0


# -- write_adr(force="false") -----------------------------------------------------------------------
# force lifts the check that a superseded record is about the same workload; any truthy value
# lifted it, so force="false" (read from a config file or an environment variable) superseded a
# record about another workload. The CLI's --force is a flag; the API now takes a bool only.

def test_write_adr_force_is_a_bool_not_any_truthy_value(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    other = advisor.parse_profile({**advisor.load_profile(CHATBOT).model_dump(mode="json"), "name": "Another feature"})
    first = advisor.write_adr(advisor.assess(other, price_date="2026-11-01"), folder)
    before = first.read_text(encoding="utf-8")
    chatbot = advisor.assess(advisor.load_profile(CHATBOT), price_date="2026-11-01")
    with pytest.raises(advisor.InputError, match=r"field 'force': must be True or False \(got str\)"):
        advisor.write_adr(chatbot, folder, supersedes=1, force="false")
    assert first.read_text(encoding="utf-8") == before and sorted(p.name for p in folder.iterdir()) == [first.name]
    with pytest.raises(advisor.InputError, match="record 1 is about 'Another feature', not 'Customer chatbot'"):
        advisor.write_adr(chatbot, folder, supersedes=1, force=False)


# -- a Nygard record superseded by one whose title holds brackets ----------------------------------
# "Chat [beta]" is written "Chat \[beta\]" in the link that marks the old Nygard record superseded;
# the reader's pattern stopped at the first "]", so the record did not read as superseded: verify
# said "records 1 and 2 ... are both in force ...: mark it superseded by record 2" (done already),
# and `adr --supersedes 1` superseded it a second time, adding a record 3.

def test_a_nygard_record_superseded_by_a_bracketed_title_reads_as_superseded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workload = tmp_path / "beta.yaml"
    workload.write_text(CHATBOT.read_text(encoding="utf-8").replace("name: Customer chatbot", 'name: "Chat [beta]"'),
                        encoding="utf-8")
    folder = tmp_path / "decisions"
    adr = ("adr", workload, "--template", "nygard", "--dir", folder, "--price-date", "2026-11-01")
    assert run_cli(capsys, *adr)[0] == 0
    assert run_cli(capsys, *adr, "--supersedes", "1")[0] == 0
    (old,) = folder.glob("0001-*.md")
    assert r"Superseded by [2. Chat \[beta\]: stream the answer](0002-" in old.read_text(encoding="utf-8")
    code, out, _ = run_cli(capsys, "verify", folder, "--price-date", "2026-11-01")
    assert code == 0 and f"{old}: superseded by record 2" in out and "both in force" not in out
    code, _, err = run_cli(capsys, *adr, "--supersedes", "1")
    assert code == 2 and "record 1 is already superseded by record 2; supersede that one instead" in err
    assert len(list(folder.glob("*.md"))) == 2


# -- Calibration.into(a list) --------------------------------------------------------------------------
# The public Calibration's into() (the questionnaire's merge) raised "TypeError: cannot convert
# dictionary update sequence element #0 to a sequence" for a base that is no mapping.

@pytest.mark.parametrize("base", [[1], "rag-chat.yaml", 5])
def test_calibration_into_names_a_base_that_is_no_workload(tmp_path: Path, base: object) -> None:
    calibration = advisor.calibrate([_export(tmp_path / "t.jsonl")])
    with pytest.raises(advisor.InputError, match=r"field 'base': must be a workload: a mapping of its fields or a "
                                                 rf"WorkloadProfile \(got {type(base).__name__}\)"):
        calibration.into(base)  # type: ignore[arg-type]
    assert calibration.into({"interaction": "chat"})["interaction"] == "chat"


# -- gen_ai.operation.name as an array -------------------------------------------------------------------
# An arrayValue or kvlistValue operation name ended in "TypeError: unhashable type: 'list'", a
# traceback (exit 1); an int, bool, bytes or double one was passed over as no name at all. The
# conventions' operation name is a string, as the model and provider names are, and is refused
# in the same words.

@pytest.mark.parametrize(("value", "shown"), [
    ({"arrayValue": {"values": [{"stringValue": "chat"}]}}, "['chat']"),
    ({"kvlistValue": {"values": [{"key": "a", "value": {"stringValue": "chat"}}]}}, "{'a': 'chat'}"),
    ({"intValue": "5"}, "5"),
])
def test_an_operation_name_that_is_no_string_is_refused_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: dict[str, Any], shown: str
) -> None:
    def operation(i: int, spans: list[dict[str, Any]]) -> None:
        (attribute,) = [a for a in spans[1]["attributes"] if a["key"] == "gen_ai.operation.name"]
        attribute["value"] = value
    export = _export(tmp_path / "t.jsonl", operation)
    out = tmp_path / "w.yaml"
    code, _, err = run_cli(capsys, "calibrate", export, "-o", out)
    assert code == 2 and not out.exists()
    assert err == (f"advisor: error: {export} line 1: span 'chat gpt-5.4-mini' (trace 00000000000000000000000000000001):"
                   f" gen_ai.operation.name must be a string (got {shown})\n")


# -- a hand-named record file with a space --------------------------------------------------------------
# `Supersedes [1. Use postgres](0001-use postgres.md)`: a space ends a bare link target, so the
# line rendered as text, no link to the superseded record. Such a name now goes between < >.

def test_the_link_to_a_hand_named_record_with_a_space_is_a_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "decisions"
    folder.mkdir()
    (folder / "0001-use postgres (v2).md").write_text("# 1. Use postgres\n\n## Status\n\nAccepted\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "adr", CHATBOT, "--dir", folder, "--supersedes", "1", "--force",
                           "--price-date", "2026-11-01")
    assert code == 0, err
    (new,) = folder.glob("0002-*.md")
    assert "\nSupersedes [1. Use postgres](<0001-use postgres (v2).md>)\n" in new.read_text(encoding="utf-8")
