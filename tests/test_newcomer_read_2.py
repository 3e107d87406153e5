"""A second newcomer read, from a wheel, outside the repository: what the README, the docs
and the help promise of the features added since the first (steps, calibrate, review, map)
is what the installed product does."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

import advisor
from advisor.core.variables import VARIABLE_FACTS

from .conftest import EXAMPLES, ROOT, run_cli
from .test_cli_help import LEAVES, PARSERS, example_lines, option_groups

RAG = EXAMPLES / "rag-chat-rewrite.yaml"


def _attr(key: str, value: str | int) -> dict[str, object]:
    kind = {"intValue": str(value)} if isinstance(value, int) else {"stringValue": value}
    return {"key": key, "value": kind}


def _rag_export(path: Path, requests: int = 20) -> Path:
    """An OTLP/JSON export (JSON Lines, gzip) as the collector's file exporter writes it: a
    rag.chat root span over two gpt-5.4 calls, the rewrite and the answer, 0.4 s apart."""
    start_ns = 1_793_000_000_000_000_000
    lines = []
    for i in range(requests):
        trace = f"{i + 1:032x}"
        start = start_ns + i * 5_000_000_000
        rewrite_end = start + 900_000_000 + i * 10_000_000
        answer_start = rewrite_end + 400_000_000
        end = answer_start + 4_300_000_000 + i * 20_000_000

        def call(n: int, t0: int, t1: int, tokens_in: int, tokens_out: int, i: int = i, trace: str = trace) -> dict:
            return {
                "traceId": trace, "spanId": f"{i * 10 + n + 1:016x}", "parentSpanId": f"{i * 10 + 1:016x}",
                "name": "chat gpt-5.4", "kind": 3, "startTimeUnixNano": str(t0), "endTimeUnixNano": str(t1),
                "attributes": [_attr("gen_ai.operation.name", "chat"), _attr("gen_ai.provider.name", "openai"),
                               _attr("gen_ai.request.model", "gpt-5.4"),
                               _attr("gen_ai.usage.input_tokens", tokens_in),
                               _attr("gen_ai.usage.output_tokens", tokens_out)],
            }

        spans = [
            {"traceId": trace, "spanId": f"{i * 10 + 1:016x}", "name": "rag.chat", "kind": 2,
             "startTimeUnixNano": str(start), "endTimeUnixNano": str(end), "attributes": []},
            call(1, start, rewrite_end, 600, 40),
            call(2, answer_start, end, 3500, 350),
        ]
        lines.append(json.dumps({"resourceSpans": [{"resource": {"attributes": []},
                                                    "scopeSpans": [{"scope": {"name": "t"}, "spans": spans}]}]}))
    with gzip.open(path, "wt") as f:
        f.write("\n".join(lines) + "\n")
    return path


def _step_names(text: str) -> list[str]:
    return re.findall(r"^- name: (.+)$", text, re.MULTILINE)


def test_calibrate_into_keeps_the_base_step_names_as_into_does(capsys, tmp_path, monkeypatch):
    # `calibration.into(base)` names the measured steps as the base names the same calls
    # (rewrite, answer), and the questionnaire's upload keeps them; the command and
    # advisor.calibrated_workload wrote the traces' names (chat-gpt-5-4, chat-gpt-5-4-2) all
    # the same, so the monthly refresh the README describes renamed a team's steps each time.
    monkeypatch.chdir(tmp_path)
    traces = _rag_export(tmp_path / "traces.jsonl.gz")
    calibration = advisor.calibrate([traces], root="rag.chat")
    assert [s["name"] for s in calibration.into(advisor.load_profile(RAG))["steps"]] == ["rewrite", "answer"]
    for base in (RAG, str(RAG), advisor.load_profile(RAG)):
        assert _step_names(advisor.calibrated_workload(calibration, base)) == ["rewrite", "answer"]

    code, _, err = run_cli(capsys, "calibrate", str(traces), "--root", "rag.chat", "--into", str(RAG),
                           "-o", "rag-chat.yaml")
    assert code == 0, err
    written = (tmp_path / "rag-chat.yaml").read_text()
    assert _step_names(written) == ["rewrite", "answer"]
    assert written == advisor.calibrated_workload(calibration, str(RAG))
    # The refresh: --into the file -o the file --force keeps them too.
    code, _, err = run_cli(capsys, "calibrate", str(traces), "--root", "rag.chat", "--into", "rag-chat.yaml",
                           "-o", "rag-chat.yaml", "--force")
    assert code == 0, err
    assert _step_names((tmp_path / "rag-chat.yaml").read_text()) == ["rewrite", "answer"]


def test_calibrate_without_a_base_still_names_the_steps_from_the_traces(tmp_path):
    calibration = advisor.calibrate([_rag_export(tmp_path / "t.jsonl.gz")], root="rag.chat")
    assert _step_names(advisor.calibrated_workload(calibration)) == ["chat-gpt-5-4", "chat-gpt-5-4-2"]
    # A base whose steps are other calls keeps the measured names.
    other = {"name": "x", "steps": [{"name": "only", "input_tokens": 1, "output_tokens": 1}]}
    assert _step_names(advisor.calibrated_workload(calibration, other)) == ["chat-gpt-5-4", "chat-gpt-5-4-2"]


def test_the_calibration_doc_python_snippet_runs_as_printed(tmp_path, monkeypatch):
    # docs/calibration.md's snippet said base could be "the path of a workload file" for
    # calibration.into(base) as well: into() refused it (field 'base': must be a workload).
    doc = (ROOT / "docs" / "calibration.md").read_text()
    snippet = re.search(r"```python\n(.*?)```", doc, re.DOTALL)
    assert snippet is not None
    monkeypatch.chdir(tmp_path)
    _rag_export(tmp_path / "traces.jsonl.gz")
    (tmp_path / "rag-chat.yaml").write_bytes(RAG.read_bytes())
    # `base` as the old comment named it first, should the snippet not bind it itself.
    namespace: dict[str, object] = {"base": "rag-chat.yaml"}
    exec(compile(snippet.group(1), "docs/calibration.md", "exec"), namespace)
    calibration = namespace["calibration"]
    assert isinstance(calibration, advisor.Calibration)
    assert _step_names(advisor.calibrated_workload(calibration, namespace["base"])) == ["rewrite", "answer"]


@pytest.mark.parametrize("words", LEAVES)
def test_every_option_is_shown_in_an_example_of_its_help(words):
    # The help named each option with its values, but adr, verify, review, map and rules docs
    # showed --rules, --price-date, --force, --allow-empty, --decisions or --no-recurse in no
    # example (test_cli_help runs every example as printed).
    examples = " ".join(example_lines(words))
    missing = [sorted(group)[0] for group in option_groups(words) if not any(o in examples for o in group)]
    assert not missing, f"advisor {words} --help: no example shows {missing}"


def test_the_map_help_says_which_facts_a_workload_of_steps_cannot_vary(capsys):
    epilog = PARSERS["map"].epilog or ""
    code, _, err = run_cli(capsys, "map", str(RAG), "--x", "input_tokens", "--y", "latency_budget_s")
    assert code == 2
    refused = sorted(f for f in VARIABLE_FACTS if f not in err.split("vary one of:", 1)[1])
    said = epilog.split("described as steps", 1)[1].split(":", 1)[0]
    assert refused and sorted(f for f in VARIABLE_FACTS if f in said) == refused


def test_the_review_says_one_record_holds_not_one_hold(tmp_path, monkeypatch):
    # "1 decision record: 1 hold (as `advisor verify` judges them today)": the plural verb
    # for one record; verify's own summary says "1 holds".
    monkeypatch.chdir(tmp_path)
    (tmp_path / "chatbot.yaml").write_bytes((EXAMPLES / "chatbot.yaml").read_bytes())
    advisor.write_adr(advisor.assess(advisor.load_profile("chatbot.yaml")), "decisions", workload_file="chatbot.yaml")
    md = advisor.render_review(advisor.review(["chatbot.yaml"], decisions_dir="decisions"), "md")
    assert "1 decision record: 1 holds (as `advisor verify` judges them today)" in md
    advisor.write_adr(advisor.assess(advisor.load_profile("chatbot.yaml")), "decisions", workload_file="chatbot.yaml")
    md = advisor.render_review(advisor.review(["chatbot.yaml"], decisions_dir="decisions"), "md")
    assert "2 decision records: 2 hold (as `advisor verify` judges them today)" in md


def test_a_changed_step_is_annotated_where_the_readme_says(capsys, tmp_path, monkeypatch):
    # The README said the annotation goes "at the line of the first field that changed"; for a
    # step's field it goes on the line of `steps:` (the top-level key), as verify's code says.
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "at the line of the top-level key of the first field that changed (`steps:` for a step's field" in readme
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    text = RAG.read_text(encoding="utf-8")
    (tmp_path / "rag.yaml").write_text(text, encoding="utf-8")
    advisor.write_adr(advisor.assess(advisor.load_profile("rag.yaml")), "decisions", workload_file="rag.yaml")
    (tmp_path / "rag.yaml").write_text(text.replace("input_tokens: 3500", "input_tokens: 9000"), encoding="utf-8")
    code, out, _ = run_cli(capsys, "verify", "decisions", "--format", "github")
    assert code == 1
    steps_line = text.splitlines().index("steps:") + 1
    assert f"::error file=rag.yaml,line={steps_line}," in out
    assert "steps[1].input_tokens 3,500 -> 9,000" in out
