"""Red-team round 9 on bad input: options given twice, hostile trace exports, and a calibrated
workload edited by hand. Each test is a defect found, asserted as the user sees it. The report
is /work/scratch/reports/redteam-input-9.md."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor.cli import main

from .conftest import EXAMPLES, run_cli

CHATBOT = EXAMPLES / "chatbot.yaml"
SUPPORT = EXAMPLES / "support-reply-draft.yaml"
TRACES = EXAMPLES / "traces" / "rag-chat.jsonl.gz"


def _refused(capsys: pytest.CaptureFixture[str], *argv: Any) -> str:
    """argparse's refusal: exit status 2, with the command's usage; the message line returned."""
    with pytest.raises(SystemExit) as caught:
        main([str(a) for a in argv])
    assert caught.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    return err.strip().splitlines()[-1]


# -- a one-value option given twice -----------------------------------------------------------------
# argparse keeps the last value without a word: `adr --supersedes 1 --supersedes 4` superseded
# record 4 only and left record 1 in force; `-o a.md -o b.md` wrote b.md only; `--price-date`
# twice priced at the second date.

def test_supersedes_given_twice_is_refused_and_no_record_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    decisions = tmp_path / "d"
    for _ in range(2):
        assert run_cli(capsys, "adr", SUPPORT, "--dir", decisions, "--date", "2026-11-01")[0] == 0
    before = {p.name: p.read_bytes() for p in decisions.iterdir()}
    line = _refused(capsys, "adr", SUPPORT, "--dir", decisions, "--supersedes", "1", "--supersedes", "2")
    assert line == (
        "advisor adr: error: argument --supersedes: given twice (--supersedes 1 and --supersedes 2); give it once"
    )
    assert {p.name: p.read_bytes() for p in decisions.iterdir()} == before


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["rules", "docs", "-o", "a.md", "--output=b.md"], "argument -o/--output: given twice (-o a.md and --output b.md)"),
        (["recommend", CHATBOT, "--price-date", "2026-11-01", "--price-date", "2020-01-01"],
         "argument --price-date: given twice (--price-date 2026-11-01 and --price-date 2020-01-01)"),
        (["verify", "--format", "json", "--format", "text"], "argument --format: given twice"),
    ],
)
def test_an_option_given_twice_is_refused(
    argv: list[Any], expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert expected in _refused(capsys, *argv)
    assert list(tmp_path.iterdir()) == []


def test_options_that_take_many_values_still_take_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "adr", CHATBOT, "--dir", tmp_path, "--date", "2026-11-01",
                             "--decision-makers", "Ana", "--decision-makers", "Bo")
    assert code == 0, err
    assert 'decision-makers: ["Ana", "Bo"]' in Path(out.strip()).read_text(encoding="utf-8")


# -- calibrate: one attribute given twice in a span -------------------------------------------------
# OTLP: "Attribute keys MUST be unique" (opentelemetry-proto, trace.proto, Span.attributes). A
# span with gen_ai.request.model twice, "gpt-5.4-mini" then "other", was read as "other"
# without a word (a JSON key written twice is refused).

def _docs() -> list[dict[str, Any]]:
    return [json.loads(line) for line in gzip.open(TRACES).read().splitlines() if line.strip()]


def _spans(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for rs in doc["resourceSpans"] for ss in rs["scopeSpans"] for s in ss["spans"]]


def _write(path: Path, docs: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return path


def _attribute(span: dict[str, Any], key: str) -> dict[str, Any]:
    return next(a for a in span["attributes"] if a["key"] == key)


def test_an_attribute_given_twice_with_two_values_is_refused_by_file_line_and_span(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = _docs()[:1]
    span = _spans(docs[0])[0]
    span["attributes"].append({"key": "gen_ai.request.model", "value": {"stringValue": "other"}})
    traces = _write(tmp_path / "dup.jsonl", docs)
    code, out, err = run_cli(capsys, "calibrate", traces, "-o", tmp_path / "w.yaml")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"advisor: error: {traces}: line 1: ")
    assert "resourceSpans[0].scopeSpans[0].spans[0].attributes[6] (gen_ai.request.model): the span gives this" \
        " attribute twice, with another value at resourceSpans[0].scopeSpans[0].spans[0].attributes[1]" \
        " ('gpt-5.4-mini', here 'other')" in err
    assert not (tmp_path / "w.yaml").exists()


def test_an_attribute_repeated_with_the_same_value_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = _docs()
    span = _spans(docs[0])[0]
    span["attributes"].append(dict(_attribute(span, "gen_ai.request.model")))
    code, out, err = run_cli(capsys, "calibrate", _write(tmp_path / "same.jsonl", docs), "-o", "-")
    assert code == 0, err
    assert "Also seen" not in out


# -- calibrate: "1 requests" ------------------------------------------------------------------------

def test_a_shape_seen_once_is_one_request(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = _docs()
    _attribute(_spans(docs[0])[0], "gen_ai.request.model")["value"] = {"stringValue": "gpt-5.4-nano"}
    code, out, err = run_cli(capsys, "calibrate", _write(tmp_path / "once.jsonl", docs), "-o", "-")
    assert code == 0, err
    assert "# Also seen: chat gpt-5.4-nano -> chat gpt-5.4 (1 request)." in out


# -- a calibrated step's model edited by hand -------------------------------------------------------
# The measured p50/p95/first token of gpt-5.4 stayed in the step when its model was edited to
# gpt-5.4-nano, and were taken for gpt-5.4-nano's: "measured from 353 traces", exit 0.

@pytest.fixture(scope="module")
def calibrated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("cal") / "m.yaml"
    code = main(["calibrate", str(TRACES), "--root", "rag.chat", "--into", str(EXAMPLES / "rag-chat-rewrite.yaml"),
                 "-o", str(out)])
    assert code == 0
    data: dict[str, Any] = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert [s["model"] for s in data["steps"]] == ["gpt-5.4-mini", "gpt-5.4"]
    return data


def _recommend(data: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    path = tmp_path / "w.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return run_cli(capsys, "recommend", path, "--price-date", "2026-11-01")


def test_a_measured_step_edited_to_another_model_is_refused(
    calibrated: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(json.dumps(calibrated))
    data["steps"][1]["model"] = "gpt-5.4-nano"
    code, out, err = _recommend(data, tmp_path, capsys)
    assert code == 2 and out == ""
    assert err == (
        f"advisor: error: {tmp_path / 'w.yaml'}: field 'steps.chat-gpt-5-4.model': is gpt-5.4-nano, but its "
        "model_p50_s, model_p95_s, ttft_s and output_tokens_per_s were measured on gpt-5.4 (evidence.models): "
        "a call's time is its model's; remove them to have gpt-5.4-nano's estimated, or calibrate again from "
        "traces of gpt-5.4-nano (got 'gpt-5.4-nano')\n"
    )


def test_the_same_step_without_its_measured_times_is_estimated(
    calibrated: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(json.dumps(calibrated))
    step = data["steps"][1]
    step["model"] = "gpt-5.4-nano"
    for name in ("model_p50_s", "model_p95_s", "ttft_s", "output_tokens_per_s"):
        del step[name]
    code, out, err = _recommend(data, tmp_path, capsys)
    assert code == 0, err
    assert "gpt-5.4-nano" in out


def test_a_calibrated_workload_as_written_and_one_without_models_still_read(
    calibrated: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _recommend(calibrated, tmp_path, capsys)[0] == 0
    older = json.loads(json.dumps(calibrated))
    older["evidence"].pop("models", None)  # written before the evidence named the models
    older["steps"][1]["model"] = "gpt-5.4-nano"
    assert _recommend(older, tmp_path, capsys)[0] == 0


# -- a self-hosted model whose own pricing declares a batch discount ----------------------------------
# The batch option said "the provider guarantees results only within its window of 24 h" and
# "self-hosted ... guarantees only its window of 24 h": the catalogue has no window for a provider
# it lacks; 24 h is OpenAI's and Anthropic's (When to Skip Real-Time LLM Inference), taken here.
# (Since docs read 12, "self-hosted" is the catalogue's self_hosted, which has no batch API and
# refuses a batch_discount: the provider the catalogue lacks is one of another name.)

def test_a_batch_window_taken_for_an_unknown_provider_is_said_as_taken(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = yaml.safe_load((EXAMPLES / "nightly-ticket-triage.yaml").read_text(encoding="utf-8"))
    data.update(provider="acme-llm", model="my-llama",
                pricing={"input_per_mtok": 1, "output_per_mtok": 2, "batch_discount": 0.5})
    path = tmp_path / "acme-llm.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    code, out, err = run_cli(capsys, "recommend", path, "--price-date", "2026-11-01", "--format", "json")
    assert code == 0, err
    assumptions = {a["name"]: a for a in json.loads(out)["assumptions"]}
    window = assumptions["batch window"]
    assert window["value"].startswith("24 h, the completion window OpenAI and Anthropic guarantee: the provider "
                                      "catalogue has no batch window for acme-llm")
    assert "guarantees only its window of 24 h" not in assumptions["typical batch completion"]["value"]


def test_a_catalogue_provider_s_window_is_its_own(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "recommend", EXAMPLES / "nightly-ticket-triage.yaml", "--price-date",
                             "2026-11-01", "--format", "json")
    assert code == 0, err
    assert "batch window" not in [a["name"] for a in json.loads(out)["assumptions"]]
