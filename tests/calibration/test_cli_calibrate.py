"""Acceptance, end to end: traces from real instrumentation -> `advisor calibrate` -> the
workload file a person reads -> `advisor recommend` and `advisor adr`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from advisor.core.calibration import calibrate
from tests.conftest import run_cli

from .conftest import Hour
from .simulate import EPOCH_NS, S, Simulation, write_otlp_json
from .test_calibration import _check_step, _check_volume

ANSWERS = ("interaction", "latency_budget_s", "downstream")
PRICE_DATE = "2026-11-01"
O3_MINI_ANSWERED = "2026-10-15"  # a price date before OpenAI shut o3-mini down


def _read(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _one_error_line(err: str) -> str:
    assert err.startswith("advisor: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def test_rag_chat_calibrated_then_recommended(hour: Hour, export: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "rag.yaml"
    code, _, err = run_cli(capsys, "calibrate", export, "--root", "rag.chat", "-o", out)
    assert code == 0, err
    assert err.startswith(f"wrote {out}: 2 steps measured from 1,929 traces between 2025-03-04T10:00:00Z and ")
    assert "fill in interaction, latency_budget_s, downstream (marked REQUIRED ANSWER)" in err

    text = out.read_text(encoding="utf-8")
    data = _read(out)
    # The file holds what the traces say: steps, percentiles within 5%, volume, peak, retries.
    steps = data["steps"]
    assert [s["name"] for s in steps] == ["chat-gpt-4o-mini", "chat-gpt-4o"]
    _check_step(steps[0], hour.rag.steps["rewrite"])
    _check_step(steps[1], hour.rag.steps["answer"])
    _check_volume(data, {"traces": data["evidence"]["traces"]}, hour.rag)
    assert data["evidence"] == {
        "traces": len(hour.rag.starts_ns), "spans": len(hour.spans), "start": "2025-03-04T10:00:00Z",
        "end": data["evidence"]["end"], "root": "rag.chat",
        "models": {"chat-gpt-4o-mini": "gpt-4o-mini", "chat-gpt-4o": "gpt-4o"},
    }
    # Comments: the sample, the window, the figures from fewer than 100 samples, the answers to give.
    assert "# Measured from 1,929 traces whose root span is rag.chat between 2025-03-04T10:00:00Z and" in text
    assert "minutes of traffic" in text
    assert (
        "# Estimated from fewer than 100 samples (marked below):\n"
        "#   peak_requests_per_minute: 60 minutes observed\n#\n"
    ) in text
    assert "peak_requests_per_minute: 179  # from 60 minutes observed" in text
    for name in ANSWERS:
        assert data[name] is None
        assert f"\n{name}: null  # REQUIRED ANSWER: " in text

    # Until the answers are filled in, recommend names them: one line, exit 2.
    code, printed, err = run_cli(capsys, "recommend", out)
    assert code == 2 and printed == ""
    assert "field 'interaction': required answer not filled in yet (marked REQUIRED ANSWER" in _one_error_line(err)
    assert all(name in err for name in ANSWERS)

    # Filled in, the measured workload is assessed, and says it was measured.
    filled = text.replace("interaction: null", "interaction: chat").replace(
        "latency_budget_s: null", "latency_budget_s: 12").replace("downstream: null", "downstream: own_ui")
    out.write_text(filled, encoding="utf-8")
    code, printed, err = run_cli(capsys, "recommend", out, "--format", "json", "--price-date", PRICE_DATE)
    assert code == 0, err
    result = json.loads(printed)
    measured = result["assumptions"][0]
    assert measured["name"] == "measured"
    assert "measured from 1,929 traces between 2025-03-04T10:00:00Z and" in measured["value"]
    assert [s["name"] for s in result["latency"]["steps"]] == ["chat-gpt-4o-mini", "chat-gpt-4o"]
    # The measured call times stand instead of the catalogue's estimate of them.
    assert not any(a["name"].startswith("per-call p95") for a in result["assumptions"])
    code, printed, _ = run_cli(capsys, "recommend", out, "--price-date", PRICE_DATE)
    assert "were measured from 1,929 OpenTelemetry traces whose root span is 'rag.chat'" in " ".join(printed.split())


def test_into_keeps_the_answers_and_replaces_what_was_measured(export: Path, tmp_path: Path, capsys) -> None:
    base = tmp_path / "agent.yaml"
    base.write_text(
        "name: Support agent\ninteraction: submit_and_notify\nlatency_budget_s: 120\ndownstream: own_ui\n"
        "side_effects: idempotent\ntier: tier-3\nrequests_per_month: 5\nprovider: openai\nmodel: gpt-4o\n"
        "input_tokens: 9\noutput_tokens: 9\nchained_calls: 4\nmodel_p95_s: 3\n",
        encoding="utf-8",
    )
    before = base.read_bytes()
    out = tmp_path / "agent-measured.yaml"
    code, _, err = run_cli(capsys, "calibrate", export, "--root", "support.agent", "--into", base, "-o", out)
    assert code == 0, err
    assert err.endswith(f"next: advisor recommend {out}\n")
    assert base.read_bytes() == before
    data = _read(out)
    measured = calibrate([export], root="support.agent").workload
    assert {k: data[k] for k in ("name", *ANSWERS, "side_effects", "tier")} == {
        "name": "Support agent", "interaction": "submit_and_notify", "latency_budget_s": 120,
        "downstream": "own_ui", "side_effects": "idempotent", "tier": "tier-3",
    }
    assert data["steps"] == measured["steps"] and data["requests_per_month"] == measured["requests_per_month"]
    assert data["model"] == "o3-mini"
    # The single-call fields went: the steps replace them.
    assert not {"input_tokens", "output_tokens", "chained_calls", "model_p95_s"} & set(data)
    assert "REQUIRED ANSWER" not in out.read_text(encoding="utf-8")
    # A model its provider has shut down is written as measured, and its step says so.
    assert 'o3-mini  # not priced: "OpenAI shut o3-mini down on 2026-10-23' in out.read_text(encoding="utf-8")

    # The agent's traces call o3-mini, which OpenAI shut down on 2026-10-23: assessed as it was.
    code, printed, err = run_cli(capsys, "recommend", out, "--format", "json", "--price-date", O3_MINI_ANSWERED)
    assert code == 0, err
    result = json.loads(printed)
    assert result["latency"]["calls"] == 5  # plan, three tool-loop calls, the answer
    assert result["assumptions"][0]["name"] == "measured"

    # The record says the figures were measured, and embeds the evidence.
    code, _, err = run_cli(capsys, "adr", out, "--dir", tmp_path / "decisions", "--price-date", O3_MINI_ANSWERED)
    assert code == 0, err
    (record,) = (tmp_path / "decisions").glob("*.md")
    words = " ".join(record.read_text(encoding="utf-8").split())
    assert "were measured from 415 OpenTelemetry traces whose root span is support.agent between" in words
    assert "evidence:" in record.read_text(encoding="utf-8")


def test_older_attribute_names_give_the_same_workload(export: Path, legacy_export: Path, tmp_path: Path,
                                                      capsys) -> None:
    current, legacy = tmp_path / "current.yaml", tmp_path / "legacy.yaml"
    assert run_cli(capsys, "calibrate", export, "--root", "rag.chat", "-o", current)[0] == 0
    assert run_cli(capsys, "calibrate", legacy_export, "--root", "rag.chat", "-o", legacy)[0] == 0
    assert _read(legacy) == _read(current)


def test_dash_prints_the_file(export: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, printed, _ = run_cli(capsys, "calibrate", export, "--root", "rag.chat", "-o", "-")
    assert code == 0 and printed.startswith("# A workload measured from OpenTelemetry traces")
    assert list(tmp_path.iterdir()) == []


# -- bad input: one line, exit 2, nothing written ------------------------------------------


def _rag(path: Path, starts: list[int]) -> Path:
    sim = Simulation(3)
    sim.rag_chat(starts)
    return write_otlp_json(sim.spans(), path)


def _every(n: int, seconds: float) -> list[int]:
    return [EPOCH_NS + round(i * seconds * S) for i in range(n)]


def _no_genai(path: Path) -> Path:
    sim = Simulation(1)
    for t in _every(20, 10):
        root = sim.span("GET /health", None, t)
        root.end(end_time=t + 3000)
    return write_otlp_json(sim.spans(), path)


def _no_root(path: Path) -> Path:
    sim = Simulation(1)
    sim.rag_chat(_every(20, 10))
    spans = [s for s in sim.spans() if s.parent is not None or s.start_time > EPOCH_NS]
    return write_otlp_json(spans, path)


def _skew(path: Path) -> Path:
    sim = Simulation(1)
    sim.rag_chat(_every(20, 10))
    root = sim.span("rag.chat", None, EPOCH_NS + 300 * S)
    sim.model_call(root, EPOCH_NS + 299 * S, model="gpt-4o", duration_s=1.2, input_tokens=10, output_tokens=5)
    root.end(end_time=EPOCH_NS + 302 * S)
    return write_otlp_json(sim.spans(), path)


def _model_spelled(model: str) -> Callable[[Path], Path]:
    """The RAG chat whose rewrite step's model is spelled ``model`` (JSON-escaped as written)."""

    def make(path: Path) -> Path:
        _rag(path, _every(20, 10))
        text = path.read_text(encoding="utf-8")
        spelled = text.replace('{"stringValue":"gpt-4o-mini"}', '{"stringValue":"' + model + '"}')
        path.write_text(spelled, encoding="utf-8")
        assert path.read_text(encoding="utf-8") != text
        return path

    return make


def _yaml(path: Path) -> Path:
    path.write_text("name: a workload, not traces\n", encoding="utf-8")
    return path


BAD: dict[str, tuple[Callable[[Path], Path], str]] = {
    "not OTLP": (_yaml, "not an OTLP/JSON trace export (it does not start with '{')"),
    "no GenAI attributes": (_no_genai, "none of the 20 spans carries GenAI attributes"),
    "no root": (_no_root, "has no root span (every span names a parent): the export is incomplete"),
    "clock skew": (_skew, "starts 1.000 s before its parent 'rag.chat'"),
    # JSON can spell a lone surrogate (half of a UTF-16 pair), which no UTF-8 file can hold:
    # a workload written with it could not be read back.
    "model not Unicode": (_model_spelled("gpt-4o-mini\\ud800"), "steps.chat-gpt-4o-mini.model is not one a "
                          "workload takes: must be Unicode text (a lone surrogate"),
    "under a minute": (lambda p: _rag(p, _every(30, 1.5)), "calibration needs at least a minute of traffic"),
    "nine requests": (lambda p: _rag(p, _every(9, 60)), "only 9 requests (traces with a model call); calibration "
                      "needs at least 10: export a longer window"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_traces(case: str, tmp_path: Path, capsys) -> None:
    make, message = BAD[case]
    traces = make(tmp_path / "traces.jsonl")
    out = tmp_path / "workload.yaml"
    code, printed, err = run_cli(capsys, "calibrate", traces, "-o", out)
    assert (code, printed) == (2, "")
    assert message in _one_error_line(err)
    assert f"{traces}" in err
    assert not out.exists()


def test_output_is_never_overwritten_without_force(export: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "workload.yaml"
    out.write_text("mine\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "calibrate", export, "--root", "rag.chat", "-o", out)
    assert code == 2 and "already exists; pass --force to replace the workload file" in _one_error_line(err)
    assert out.read_text(encoding="utf-8") == "mine\n"
    assert run_cli(capsys, "calibrate", export, "--root", "rag.chat", "-o", out, "--force")[0] == 0
    assert _read(out)["evidence"]["root"] == "rag.chat"


def test_a_trace_file_is_never_the_output(export: Path, tmp_path: Path, capsys) -> None:
    traces = tmp_path / "traces.jsonl"
    traces.write_bytes(export.read_bytes())
    code, _, err = run_cli(capsys, "calibrate", traces, "--root", "rag.chat", "-o", traces, "--force")
    assert code == 2 and "is one of this command's inputs" in _one_error_line(err)
    assert traces.read_bytes() == export.read_bytes()


RAG_CHAT_BASE = """\
# Our RAG chat: the answers a trace cannot give.
name: Help-centre chat with retrieval
description: >
  A customer asks a question in the help widget. The model first rewrites it into a search
  query, the help-centre index returns five passages, and the answer streams from them.

  Second paragraph: who owns it.
interaction: chat
latency_budget_s: 2.5
downstream: own_ui
side_effects: none
tier: tier-2
input_tokens: 600
output_tokens: 40
provider: openai
model: gpt-5.4
"""


def test_the_refresh_writes_the_into_file_in_place(export: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    """The calibrated file's header says to refresh it with --into this file: -o onto the
    --into file was refused even with --force. It is the refresh now (with --force), written
    whole through a temporary file, and a folded description stays a folded block."""
    workload = tmp_path / "rag-chat.yaml"
    workload.write_text(RAG_CHAT_BASE, encoding="utf-8")
    argv = ["calibrate", export, "--root", "rag.chat", "--into", workload, "-o", workload]
    code, _, err = run_cli(capsys, *argv)
    assert code == 2 and "is the --into workload: pass --force to refresh it in place" in _one_error_line(err)
    assert workload.read_text(encoding="utf-8") == RAG_CHAT_BASE

    from advisor.core import files

    replaced: list[tuple[str, str]] = []
    real_replace = files.os.replace

    def spy(src, dst):  # the file is replaced by a rename of a whole temporary file
        replaced.append((str(src), str(dst)))
        return real_replace(src, dst)

    monkeypatch.setattr(files.os, "replace", spy)
    code, _, err = run_cli(capsys, *argv, "--force")
    assert code == 0, err
    assert [dst for _, dst in replaced] == [str(workload)] and replaced[0][0] != str(workload)
    text = workload.read_text(encoding="utf-8")
    data = _read(workload)
    assert data["description"] == yaml.safe_load(RAG_CHAT_BASE)["description"]
    assert "description: >\n  A customer asks a question in the help widget." in text
    assert "\\n" not in text and "'" not in text.split("description:", 1)[1].split("\n")[0]
    assert {key: data[key] for key in ANSWERS} == {"interaction": "chat", "latency_budget_s": 2.5, "downstream": "own_ui"}
    assert data["evidence"]["root"] == "rag.chat" and "input_tokens" not in data
    header = " ".join(line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#"))
    assert "run calibrate again with --into this file -o this file --force." in header
    # Again: the loop is stable, the file the same.
    assert run_cli(capsys, *argv, "--force")[0] == 0
    assert workload.read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    ("into", "message"),
    [
        ("missing.yaml", "no such file"),
        ("list.yaml", "expected a workload (a mapping of fields) to keep the answers of"),
        ("bad.yaml", "field 'latency_budget_s'"),
    ],
)
def test_a_bad_base_workload(into: str, message: str, export: Path, tmp_path: Path, capsys) -> None:
    (tmp_path / "list.yaml").write_text("- a\n- b\n", encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("name: x\ninteraction: chat\nlatency_budget_s: -4\n", encoding="utf-8")
    out = tmp_path / "out.yaml"
    code, _, err = run_cli(capsys, "calibrate", export, "--root", "rag.chat", "--into", tmp_path / into, "-o", out)
    assert code == 2 and message in _one_error_line(err)
    assert not out.exists()


@pytest.mark.parametrize("days", ["0", "-1", "nan", "inf", "0.0001", "seven"])
def test_bad_window_days(days: str, export: Path, tmp_path: Path, capsys) -> None:
    code, _, err = run_cli_exit(capsys, "calibrate", export, "--window-days", days, "-o", tmp_path / "w.yaml")
    assert code == 2 and "--window-days" in err
    assert not (tmp_path / "w.yaml").exists()


def test_window_days_shorter_than_the_traces(tmp_path: Path, capsys) -> None:
    traces = _rag(tmp_path / "t.jsonl", _every(20, 600))
    code, _, err = run_cli(capsys, "calibrate", traces, "--window-days", "0.1", "-o", tmp_path / "w.yaml")
    assert code == 2
    assert "option --window-days: the requests span 0.13 days, longer than the window given" in _one_error_line(err)


def run_cli_exit(capsys, *argv) -> tuple[int, str, str]:
    """argparse refuses a bad option value with SystemExit(2) and its usage."""
    with pytest.raises(SystemExit) as caught:
        run_cli(capsys, *argv)
    out, err = capsys.readouterr()
    return int(caught.value.code or 0), out, err


def test_every_figure_from_fewer_than_100_samples_is_commented(tmp_path: Path, capsys) -> None:
    traces = _rag(tmp_path / "t.jsonl", _every(40, 10))  # 40 requests over 6.5 minutes
    out = tmp_path / "w.yaml"
    assert run_cli(capsys, "calibrate", traces, "-o", out)[0] == 0
    text = out.read_text(encoding="utf-8")
    header = text.split("\n\n", 1)[0]
    for line in ("#   requests_per_month: 40 requests", "#   peak_requests_per_minute: 7 minutes observed",
                 "#   steps.chat-gpt-4o.model_p95_s: 40 calls", "#   steps.chat-gpt-4o.tool_latency_s: 40 requests"):
        assert line in header, header
    body = text.split("\n\n", 1)[1]
    figures = body.split("\nevidence:", 1)[0]  # the evidence (traces, spans, models...) counts no samples
    measured = [line for line in figures.splitlines() if line.startswith(("  ", "- ")) and ":" in line]
    assert measured and all("# from 40 " in line for line in measured if not line.lstrip("- ").startswith(
        ("name:", "model:", "provider:", "shown:")))
    assert "requests_per_month: " in body and "# from 40 requests" in body


def test_the_api_takes_the_base_workload_as_the_cli_does(export: Path, tmp_path: Path, capsys) -> None:
    import advisor
    from advisor.core.errors import InputError

    base = Path(__file__).parents[2] / "examples" / "rag-chat-rewrite.yaml"
    out = tmp_path / "measured.yaml"
    code, _, err = run_cli(capsys, "calibrate", export, "--root", "rag.chat", "--into", base, "-o", out)
    assert code == 0, err
    measured = advisor.calibrate(export, root="rag.chat")
    # `--into BASE` mirrors `calibrated_workload(calibration, base)`: a path, or its fields.
    assert advisor.calibrated_workload(measured, str(base)) == out.read_text(encoding="utf-8")
    assert advisor.calibrated_workload(measured, base) == out.read_text(encoding="utf-8")
    assert advisor.calibrated_workload(measured, _read(base), base_source=str(base)) == out.read_text(encoding="utf-8")
    # A loaded workload too, as Calibration.into takes it: the fields its file gave, no defaults.
    loaded = advisor.load_profile(base)
    assert advisor.calibrated_workload(measured, loaded, base_source=str(base)) == out.read_text(encoding="utf-8")
    assert measured.into(loaded) == measured.into(_read(base))
    (tmp_path / "list.yaml").write_text("- a\n- b\n", encoding="utf-8")
    for wrong, where in ((tmp_path / "list.yaml", str(tmp_path / "list.yaml")), (["a"], "the base workload")):
        with pytest.raises(InputError) as info:
            advisor.calibrated_workload(measured, wrong)
        assert str(info.value) == f"{where}: expected a workload (a mapping of fields) to keep the answers of"


# -- a model that cannot turn its reasoning off ---------------------------------------------


def _o3(path: Path, reasoning: list[int]) -> Path:
    """One o3 call a request, a request a minute; call i reports ``reasoning[i]`` reasoning tokens."""
    sim = Simulation(5)
    for i, tokens in enumerate(reasoning):
        t0 = EPOCH_NS + i * 60 * S
        root = sim.span("report.summary", None, t0)
        end = sim.model_call(root, t0 + S // 50, model="o3", duration_s=8.0 + i % 3, input_tokens=1200,
                             output_tokens=300, reasoning=tokens)
        root.end(end_time=end + S // 100)
    return write_otlp_json(sim.spans(), path)


@pytest.mark.parametrize(
    ("reasoning", "written", "note"),
    [
        # Most calls report none: the median is 0, which o3 cannot do; the calls that reasoned say how much.
        ([0] * 12 + [1500, 1700, 1600, 1400, 1800, 1500, 1900, 1300], 1550,
         "# Note: step chat-o3: o3 cannot turn its reasoning off, yet 12 of its 20 calls report 0 reasoning "
         "tokens (a median of 0 would state thinking off); reasoning_tokens is the median of the 8 calls that "
         "report some, so its cost and first token lean high\n"),
        # None reports any: reasoning_tokens is left unstated, not written as thinking off.
        ([0] * 20, None,
         "# Note: step chat-o3: o3 cannot turn its reasoning off, yet all 20 of its calls report 0 reasoning "
         "tokens (which would state thinking off); reasoning_tokens is left out: none is billed and the first "
         "token is the catalogue's (give the figure if the traces miss it)\n"),
    ],
)
def test_a_model_that_always_reasons_is_never_written_as_thinking_off(
    reasoning: list[int], written: int | None, note: str, tmp_path: Path, capsys
) -> None:
    traces = _o3(tmp_path / "o3.jsonl", reasoning)
    out = tmp_path / "o3.yaml"
    code, _, err = run_cli(capsys, "calibrate", traces, "-o", out)
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    (step,) = _read(out)["steps"]
    assert step["model"] == "o3" and step.get("reasoning_tokens") == written
    assert note in text.replace("\n#   ", " ")
    filled = text.replace("interaction: null", "interaction: submit_and_notify").replace(
        "latency_budget_s: null", "latency_budget_s: 600").replace("downstream: null", "downstream: own_ui")
    out.write_text(filled, encoding="utf-8")
    # The file calibrate wrote is one recommend takes: o3 is not stated as thinking off.
    code, printed, err = run_cli(capsys, "recommend", out, "--format", "json", "--price-date", PRICE_DATE)
    assert code == 0, err
    assert json.loads(printed)["latency"]["steps"][0]["name"] == "chat-o3"


def test_a_median_of_zero_is_thinking_off_for_a_model_that_can_turn_it_off(tmp_path: Path, capsys) -> None:
    sim = Simulation(5)
    for i in range(20):
        t0 = EPOCH_NS + i * 60 * S
        root = sim.span("report.summary", None, t0)
        end = sim.model_call(root, t0 + S // 50, model="gpt-5.4", duration_s=3.0, input_tokens=1200,
                             output_tokens=300, reasoning=0 if i < 12 else 900)
        root.end(end_time=end + S // 100)
    traces = write_otlp_json(sim.spans(), tmp_path / "t.jsonl")
    measured = calibrate([traces])
    assert measured.workload["steps"][0]["reasoning_tokens"] == 0
    assert not measured.provenance["warnings"]
