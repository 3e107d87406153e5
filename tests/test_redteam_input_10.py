"""Red-team round 10 on bad input: a calibrated workload's evidence.models edited by hand, an
attribute given twice as two types, a fine-tune named in capitals. Each test is a defect found,
asserted as the user sees it (or a guard, said so). The report is
/work/scratch/reports/redteam-input-10.md."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor.cli import main

from .conftest import EXAMPLES, run_cli

SUPPORT = EXAMPLES / "support-reply-draft.yaml"
TRACES = EXAMPLES / "traces" / "rag-chat.jsonl.gz"


# -- evidence.models: a measured step found by its name ----------------------------------------------
# The check that refuses a step edited to another model while it keeps the first model's call
# times looks the step up by name in evidence.models. A step renamed as well as re-modelled, or
# folded into the single-call fields, was not found: gpt-5.4's measured 5.44 s / 7.88 s were
# credited to gpt-5.4-nano, "measured from 353 traces", exit 0.

@pytest.fixture(scope="module")
def calibrated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("cal") / "m.yaml"
    assert main(["calibrate", str(TRACES), "-o", str(out)]) == 0
    data: dict[str, Any] = yaml.safe_load(out.read_text(encoding="utf-8"))
    data.update(interaction="chat", latency_budget_s=10, downstream="own_ui")
    assert data["evidence"]["models"] == {"chat-gpt-5-4-mini": "gpt-5.4-mini", "chat-gpt-5-4": "gpt-5.4"}
    return data


def _recommend(data: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    path = tmp_path / "w.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return run_cli(capsys, "recommend", path, "--price-date", "2026-11-01")


def _copy(data: dict[str, Any]) -> dict[str, Any]:
    copied: dict[str, Any] = json.loads(json.dumps(data))
    return copied


def test_a_measured_step_renamed_and_edited_to_another_model_is_refused(
    calibrated: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _copy(calibrated)
    data["steps"][1].update(name="answer", model="gpt-5.4-nano")
    code, out, err = _recommend(data, tmp_path, capsys)
    assert code == 2 and out == ""
    assert err == (
        f"advisor: error: {tmp_path / 'w.yaml'}: field 'evidence.models.chat-gpt-5-4': names a step the workload "
        "does not have (its steps are chat-gpt-5-4-mini, answer): the evidence says, by step name, which model "
        "each step's call times were measured on; rename a step here as in steps, and remove a step removed "
        "there (got 'gpt-5.4')\n"
    )


def test_a_measured_step_folded_into_the_single_call_fields_on_another_model_is_refused(
    calibrated: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _copy(calibrated)
    step = data.pop("steps")[1]
    for name in ("input_tokens", "output_tokens", "model_p50_s", "model_p95_s", "ttft_s", "output_tokens_per_s"):
        data[name] = step[name]
    data["model"] = "gpt-5.4-nano"
    code, out, err = _recommend(data, tmp_path, capsys)
    assert code == 2 and out == ""
    assert "field 'evidence.models.chat-gpt-5-4-mini': names a step the workload does not have (it describes" \
        " no steps)" in err


def test_renamed_in_both_places_the_model_check_still_applies(
    calibrated: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The way out the message names: renamed in evidence.models too, the step is found again."""
    data = _copy(calibrated)
    data["steps"][1]["name"] = "answer"
    data["evidence"]["models"] = {"chat-gpt-5-4-mini": "gpt-5.4-mini", "answer": "gpt-5.4"}
    assert _recommend(data, tmp_path, capsys)[0] == 0
    data["steps"][1]["model"] = "gpt-5.4-nano"
    code, _, err = _recommend(data, tmp_path, capsys)
    assert code == 2 and "field 'steps.answer.model': is gpt-5.4-nano, but its model_p50_s" in err


def test_steps_reordered_are_still_read(
    calibrated: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A guard: the evidence names steps, not places, so reordering them is no edit of a model."""
    data = _copy(calibrated)
    data["steps"].reverse()
    data["steps"][0]["shown"] = None
    data["steps"][0].pop("shown")
    data["steps"][1]["shown"] = True
    code, _, err = _recommend(data, tmp_path, capsys)
    assert code == 0, err


@pytest.mark.parametrize(
    ("model", "message"),
    [
        ("gpt-5.4\n# injected", "must be one line of text (no control characters or line breaks) (got 'gpt-5.4\\n# injected')"),
        (" ", "must contain a visible character (not only spaces or invisible characters) (got ' ')"),
    ],
)
def test_an_evidence_model_that_is_no_name_is_refused_by_its_own_field(
    calibrated: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str], model: str, message: str
) -> None:
    """It was read, and the refusal blamed steps.chat-gpt-5-4.model: "were measured on   (evidence.models)"."""
    data = _copy(calibrated)
    data["evidence"]["models"]["chat-gpt-5-4"] = model
    code, out, err = _recommend(data, tmp_path, capsys)
    assert code == 2 and out == ""
    assert err == f"advisor: error: {tmp_path / 'w.yaml'}: field 'evidence.models.chat-gpt-5-4': {message}\n"


# -- calibrate: one attribute given twice, as two types ----------------------------------------------
# 1 == 1.0 == True in Python, so an intValue 1 and a boolValue true were "the same value" and the
# last was kept: output tokens given as 1 then true were refused ("must be a whole number of
# tokens (got True)"), given as true then 1 were read as 1. The order decided.

def _docs() -> list[dict[str, Any]]:
    return [json.loads(line) for line in gzip.open(TRACES).read().splitlines() if line.strip()]


def _with_twice(tmp_path: Path, key: str, *values: dict[str, Any]) -> Path:
    docs = _docs()
    span = docs[0]["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
    span["attributes"] = [a for a in span["attributes"] if a["key"] != key] + [{"key": key, "value": v} for v in values]
    path = tmp_path / "twice.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("key", "first", "second", "shown"),
    [
        ("gen_ai.usage.output_tokens", {"intValue": "1"}, {"boolValue": True}, "(1, here True)"),
        ("gen_ai.usage.output_tokens", {"boolValue": True}, {"intValue": "1"}, "(True, here 1)"),
        ("gen_ai.usage.output_tokens", {"intValue": "41"}, {"doubleValue": 41.0}, "(41, here 41.0)"),
        ("gen_ai.request.stream", {"boolValue": True}, {"intValue": 1}, "(True, here 1)"),
        ("gen_ai.request.model", {"arrayValue": {"values": [{"intValue": 1}]}},
         {"arrayValue": {"values": [{"boolValue": True}]}}, "([1], here [True])"),
    ],
)
def test_an_attribute_given_twice_as_two_types_is_refused_whichever_comes_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str, first: dict[str, Any], second: dict[str, Any],
    shown: str,
) -> None:
    traces = _with_twice(tmp_path, key, first, second)
    code, out, err = run_cli(capsys, "calibrate", traces, "-o", tmp_path / "w.yaml")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert f"({key}): the span gives this attribute twice, with another value at " in err
    assert f"] {shown}: an attribute key may appear once in a span" in err
    assert not (tmp_path / "w.yaml").exists()


# -- an unpriced fine-tune named in capitals ---------------------------------------------------------
# The price data is looked up without case (GPT-4O is gpt-4o), but the fine-tune pattern was not:
# FT:gpt-4o was offered "close matches: gpt-4o, ...", its base model, billed at other prices,
# which the fine-tune message exists to stop.

@pytest.mark.parametrize("model", ["FT:gpt-4o", "gpt-4o-2024-08-06.FT-abc"])
def test_a_fine_tune_in_capitals_is_asked_for_its_own_prices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], model: str
) -> None:
    data = yaml.safe_load(SUPPORT.read_text(encoding="utf-8"))
    data["model"] = model
    path = tmp_path / "w.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    code, out, err = run_cli(capsys, "recommend", path, "--price-date", "2026-11-01")
    assert code == 2 and out == ""
    assert err == (
        f"advisor: error: {path}: field 'model': unknown model '{model}' for provider 'openai': a fine-tuned model "
        "is billed at prices of its own, not its base model's, and the price data has none for this one; give "
        "them in a 'pricing' override (input_per_mtok, output_per_mtok)\n"
    )


# -- advisor.verify_exit_code as a library user -----------------------------------------------------
# render_verify refuses what is not verify's results by name; verify_exit_code, its pair, did not:
# a string raised AttributeError ('str' object has no attribute 'status'), None a TypeError, and
# a dict (say, one JSON report loaded back) gave 2 without a word, as if no record were found.

@pytest.mark.parametrize("results", ["0001-x.md", None, {}, [{"status": "holds"}]])
def test_verify_exit_code_refuses_what_is_not_verify_s_results_by_name(results: Any) -> None:
    import advisor
    from advisor.core.errors import InputError

    with pytest.raises(InputError) as caught:
        advisor.verify_exit_code(results)
    assert str(caught.value).startswith("field 'results': must be the list advisor.verify(...) returns (got ")


def test_allow_empty_that_is_not_a_bool_is_refused_by_name() -> None:
    """'no' is truthy: render_verify([], allow_empty='no') allowed the empty run it was told not to."""
    import advisor
    from advisor.core.errors import InputError

    for call in (lambda: advisor.render_verify([], allow_empty="no"), lambda: advisor.verify_exit_code([], allow_empty="no")):
        with pytest.raises(InputError) as caught:
            call()
        assert str(caught.value) == "field 'allow_empty': must be True or False (got str)"
    assert advisor.verify_exit_code([]) == 2 and advisor.verify_exit_code([], allow_empty=True) == 0


# -- the checkout-only hint where the folder is there -------------------------------------------------
# A misspelt trace in a checkout (rag-chat.jsonl for rag-chat.jsonl.gz), or a project's own
# examples/traces, was told "examples/traces/ comes with a checkout of advisor's repository (run
# from its top), not with an installed advisor": the folder is there; the file is not.

@pytest.mark.parametrize("own", [False, True])
def test_a_misspelt_file_in_an_examples_traces_folder_that_is_there_gets_no_checkout_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, own: bool
) -> None:
    if own:  # a project's own examples/traces
        (tmp_path / "examples" / "traces").mkdir(parents=True)
        monkeypatch.chdir(tmp_path)
    else:  # advisor's checkout
        monkeypatch.chdir(EXAMPLES.parent)
    code, out, err = run_cli(capsys, "calibrate", "examples/traces/rag-chat.jsonl", "-o", "-")
    assert (code, out, err) == (2, "", "advisor: error: examples/traces/rag-chat.jsonl: no such file\n")


def test_the_checkout_hint_still_said_where_the_folder_is_not_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A guard: from an empty folder, the README's own command still gets the hint."""
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, "calibrate", "examples/traces/rag-chat.jsonl.gz", "-o", "-")
    assert code == 2 and err.endswith("examples/traces/ comes with a checkout of advisor's repository (run from its"
                                      " top), not with an installed advisor\n")


# -- a superseded record whose inputs were edited by hand --------------------------------------------
# Its monthly cost typed over (864.0 to 8640000.0; verify: INCONSISTENT, "edited by hand") was
# restated by the record superseding it as its choice, and subtracted: "Record 1 chose Synchronous
# call at $8,640,000 a month ... now at $259 a month, $8,639,741 a month less than record 1's".

def test_a_superseded_record_edited_by_hand_is_not_restated_from_its_edited_inputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    decisions = tmp_path / "d"
    assert run_cli(capsys, "adr", SUPPORT, "--dir", decisions, "--date", "2026-11-01", "--price-date", "2026-11-01")[0] == 0
    (old,) = decisions.iterdir()
    text = old.read_text(encoding="utf-8")
    assert "monthly_cost: {sync: 864.0," in text
    old.write_text(text.replace("monthly_cost: {sync: 864.0,", "monthly_cost: {sync: 8640000.0,"), encoding="utf-8")
    mini = tmp_path / "mini.yaml"
    mini.write_text(SUPPORT.read_text(encoding="utf-8").replace("\nmodel: gpt-5.4\n", "\nmodel: gpt-5.4-mini\n"),
                    encoding="utf-8")
    code, _, err = run_cli(capsys, "adr", mini, "--dir", decisions, "--date", "2026-11-01", "--price-date",
                           "2026-11-01", "--supersedes", "1")
    assert code == 0, err
    new = next(p for p in decisions.iterdir() if p.name.startswith("0002-")).read_text(encoding="utf-8")
    assert "8,640,000" not in new and "8,639,741" not in new
    assert ("Record 1's inputs were edited by hand after it was written (they no longer match the digest written"
            " with them; `advisor verify` says it is inconsistent), so what it chose and what has changed since"
            " are not restated from them.") in new


# -- advisor app: the port given twice --------------------------------------------------------------
# `advisor app --port 8502 -- --server.port=9000` served on 9000 without a word (Streamlit takes
# the last of a repeated option); --port given twice is refused, so this is too.

@pytest.mark.parametrize("after", [["--server.port=9000"], ["--server.port", "9000"]])
def test_the_port_given_as_port_and_as_streamlit_s_own_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, after: list[str]
) -> None:
    import advisor.cli.app as app_command

    def never(command: list[str]) -> int:
        raise AssertionError(f"served: {command}")

    monkeypatch.setattr(app_command, "serve", never)
    code, out, err = run_cli(capsys, "app", "--port", "8502", "--", *after)
    assert (code, out) == (2, "")
    assert err == f"advisor: error: the port is given twice (--port 8502 and {after[0]} after --); give it once\n"


# -- adr: a person given twice -----------------------------------------------------------------------
# --decision-makers is repeated by design; the same person given twice (a script's list and the
# user's own flag) was listed twice: 'decision-makers: ["Ana Lima", "Ana Lima"]'.

def test_a_person_given_twice_is_listed_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "adr", SUPPORT, "--dir", tmp_path, "--date", "2026-11-01", "--price-date",
                           "2026-11-01", "--decision-makers", "Ana Lima, Ben Okafor", "--decision-makers", "Ana  Lima")
    assert code == 0, err
    (record,) = tmp_path.glob("0001-*.md")
    text = record.read_text(encoding="utf-8")
    assert 'decision-makers: ["Ana Lima", "Ben Okafor"]' in text
