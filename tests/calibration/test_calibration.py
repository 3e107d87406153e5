"""Acceptance: calibrating the simulated hour gives back what the simulation generated."""

from __future__ import annotations

import statistics
from collections import Counter
from pathlib import Path

import pytest

from advisor import calibrated_workload, parse_profile
from advisor.core.calibration import DAYS_PER_MONTH, calibrate, quantile
from advisor.core.errors import TraceError
from advisor.core.yamlio import parse_yaml

from .conftest import Hour
from .simulate import EPOCH_NS, S, Simulation, StepTruth, Truth, write_otlp_json


def _half_up(value: float) -> int:
    return int(value + 0.5)


def _close(measured: float, expected: float, tolerance: float = 0.05) -> bool:
    return abs(measured - expected) <= tolerance * abs(expected) + 0.0015  # figures are rounded to ms


def _check_step(step: dict, truth: StepTruth) -> None:
    assert step["input_tokens"] == _half_up(statistics.median(truth.input_tokens))
    assert step["output_tokens"] == _half_up(statistics.median(truth.output_tokens))
    if any(truth.reasoning_tokens):
        assert step["reasoning_tokens"] == _half_up(statistics.median(truth.reasoning_tokens))
    else:  # the spans report no reasoning: the step leaves it unstated
        assert "reasoning_tokens" not in step
    assert step["repeat"] == _half_up(statistics.median(truth.repeats))
    expected_cached = sum(truth.cached_tokens) / sum(truth.input_tokens)
    assert step["cached_input_fraction"] == pytest.approx(expected_cached, abs=0.001)
    # Percentiles within 5% of the generated sample's own.
    assert _close(step["model_p50_s"], quantile(truth.durations_s, 0.50))
    assert _close(step["model_p95_s"], quantile(truth.durations_s, 0.95))
    assert _close(step["tool_latency_s"], statistics.median(truth.tool_s))
    if truth.ttft_s:
        assert _close(step["ttft_s"], quantile(truth.ttft_s, 0.95))  # a p95, as the profile's ttft_s
        assert _close(step["output_tokens_per_s"], statistics.median(truth.speeds))
    else:
        assert "ttft_s" not in step and "output_tokens_per_s" not in step


def _check_volume(workload: dict, provenance: dict, truth: Truth) -> None:
    starts = sorted(truth.starts_ns)
    n = len(starts)
    rate = (n - 1) / ((starts[-1] - starts[0]) / S)
    assert provenance["traces"] == n
    assert workload["requests_per_month"] == _half_up(rate * DAYS_PER_MONTH * 86_400)
    # Poisson traffic at the simulated rate, plus the burst, over the hour.
    assert workload["peak_requests_per_minute"] == max(Counter(t // (60 * S) for t in starts).values())
    assert workload["retry_rate"] == pytest.approx(truth.retries / truth.calls, abs=1e-4)


def test_rag_chat_steps_volume_peak_and_retries(hour: Hour, export: Path) -> None:
    result = calibrate([export], root="rag.chat")
    steps = result.workload["steps"]
    assert [(s["name"], s["model"], s["provider"]) for s in steps] == [
        ("chat-gpt-4o-mini", "gpt-4o-mini", "openai"),
        ("chat-gpt-4o", "gpt-4o", "openai"),
    ]
    _check_step(steps[0], hour.rag.steps["rewrite"])
    _check_step(steps[1], hour.rag.steps["answer"])
    # Retrieval sits between the rewrite and the answer: the answer step's time outside the model.
    assert 0.2 < steps[1]["tool_latency_s"] < 0.35
    assert steps[1].get("shown") is True and "shown" not in steps[0]
    assert (result.workload["provider"], result.workload["model"]) == ("openai", "gpt-4o")
    _check_volume(result.workload, result.provenance, hour.rag)
    assert hour.rag.retries > 50 and result.provenance["retries"] == hour.rag.retries
    # The burst minute (150 extra requests over ~30 a minute) is the peak.
    assert result.workload["peak_requests_per_minute"] > 150


def test_agent_loop_is_one_step_with_repeat(hour: Hour, export: Path) -> None:
    result = calibrate([export], root="support.agent")
    steps = result.workload["steps"]
    assert [(s["name"], s["model"], s["repeat"]) for s in steps] == [
        ("chat-gpt-4o-mini", "gpt-4o-mini", 1),
        ("chat-gpt-4o-mini-2", "gpt-4o-mini", 3),
        ("chat-o3-mini", "o3-mini", 1),
    ]
    for step, key in zip(steps, ("plan", "act", "answer"), strict=True):
        _check_step(step, hour.agent.steps[key])
    # Reasoning tokens are separated from visible output; the first token comes from chunk events.
    assert steps[2]["reasoning_tokens"] > 700 and steps[2]["output_tokens"] < 400
    assert steps[2]["shown"] is True
    _check_volume(result.workload, result.provenance, hour.agent)
    # One request in ten skips the plan: counted in volume, not in the steps, and reported.
    structure = result.provenance["step_structure"]
    assert structure["requests"] == hour.agent.aligned < result.provenance["traces"]
    assert structure["others"] == [
        {"steps": "chat gpt-4o-mini -> chat o3-mini", "requests": len(hour.agent.starts_ns) - hour.agent.aligned}
    ]


def test_provenance_names_the_sample_and_window(hour: Hour, export: Path) -> None:
    result = calibrate([export], root="rag.chat")
    p = result.provenance
    assert p["sources"] == [str(export)]
    assert p["spans"] == len(hour.spans) and p["duplicate_spans"] == 0
    assert p["traces_read"] == len(hour.rag.starts_ns) + len(hour.agent.starts_ns)
    first = min(hour.rag.starts_ns) // S
    assert p["start"] == f"2025-03-04T10:00:{first - 1_741_082_400:02d}Z"  # the first request, seconds in
    assert p["end"].startswith("2025-03-04T11:00:")
    assert p["window_from"] == "observed" and 3500 < p["window_s"] <= 3600
    samples = p["samples"]
    assert samples["requests_per_month"] == len(hour.rag.starts_ns)
    assert samples["steps"][1]["model_p95_s"] == len(hour.rag.steps["answer"].durations_s)
    # Every figure rests on hundreds of samples but the peak: the largest of 60 minutes.
    assert result.low_sample_figures() == [("peak_requests_per_minute", 60)]


def test_small_samples_are_listed_for_comments(hour: Hour, export: Path) -> None:
    result = calibrate([export], root="support.agent")
    n = hour.agent.aligned  # requests with the plan step: one sample per step and request
    assert 300 < n < 400
    assert result.low_sample_figures(threshold=400) == [
        ("peak_requests_per_minute", 60),
        *[(f"steps[0].{k}", n) for k in result.provenance["samples"]["steps"][0]],
        ("steps[1].tool_latency_s", n),
        ("steps[1].repeat", n),
        *[(f"steps[2].{k}", n) for k in result.provenance["samples"]["steps"][2]],
    ]


def test_older_attribute_names_snake_case_gzip_give_the_same_workload(export: Path, legacy_export: Path) -> None:
    assert legacy_export.read_bytes()[:2] == b"\x1f\x8b"
    for root in ("rag.chat", "support.agent"):
        current = calibrate([export], root=root)
        legacy = calibrate([legacy_export], root=root)
        assert legacy.workload == current.workload
        assert legacy.provenance["traces"] == current.provenance["traces"]


def test_without_root_every_trace_with_a_model_call_is_a_request(hour: Hour, export: Path) -> None:
    result = calibrate([export])
    assert result.provenance["traces"] == len(hour.rag.starts_ns) + len(hour.agent.starts_ns)
    # The RAG chat is the commoner structure, so it gives the steps; the agent is reported.
    assert result.provenance["step_structure"]["steps"] == "chat gpt-4o-mini -> chat gpt-4o"
    assert result.provenance["step_structure"]["share"] < 1


def test_window_days_scales_volume(hour: Hour, export: Path) -> None:
    result = calibrate([export], root="rag.chat", window_days=1)
    assert result.workload["requests_per_month"] == len(hour.rag.starts_ns) * DAYS_PER_MONTH
    assert result.provenance["window_from"] == "window_days"


def test_same_result_whatever_the_file_layout(hour: Hour, export: Path, tmp_path: Path) -> None:
    """One document, JSON Lines split over two files (traces cut in two), a file given twice."""
    reference = calibrate([export], root="rag.chat").workload
    document = write_otlp_json(hour.spans, tmp_path / "one.json", one_document=True)
    assert calibrate([document], root="rag.chat").workload == reference
    lines = export.read_text().splitlines(keepends=True)
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text("".join(lines[: len(lines) // 2]))
    second.write_text("".join(lines[len(lines) // 2 :]))
    assert calibrate([second, first], root="rag.chat").workload == reference
    twice = calibrate([export, export], root="rag.chat")
    assert twice.workload == reference and twice.provenance["duplicate_spans"] == len(hour.spans)


def test_the_same_span_with_other_content_is_refused_whatever_the_order(export: Path, tmp_path: Path) -> None:
    # Two exports of the same span ids that disagree (every token count prefixed by 9): the first
    # file given won, so the order of the arguments decided input_tokens (316 or 9316).
    changed = tmp_path / "changed.jsonl"
    text = export.read_text()
    assert '"intValue":"' in text
    changed.write_text(text.replace('"intValue":"', '"intValue":"9'))
    for files in ([export, changed], [changed, export]):
        with pytest.raises(TraceError) as caught:
            calibrate(files, root="rag.chat")
        message = str(caught.value)
        assert f"is in {files[0]} line " in message and f" and in {files[1]} line " in message
        assert "the two differ in their attributes" in message and "span " in message


def test_the_header_says_how_many_exact_duplicates_were_dropped(hour: Hour, export: Path) -> None:
    text = calibrated_workload(calibrate([export, export], root="rag.chat"))
    header = " ".join(line.lstrip("# ") for line in text.split("\n#\n")[0].splitlines())
    assert f"spans read from {export}, {export} ({len(hour.spans):,} exact duplicate spans dropped)." in header
    assert "duplicate" not in calibrated_workload(calibrate([export], root="rag.chat"))


@pytest.mark.parametrize(
    ("window_days", "month", "peak_minutes"),
    [(None, 129, 43.0), (3, 100, 33.33), (365, 3, 1)],  # 10 requests, 3 in one minute
)
def test_sparse_traffic_gives_a_peak_the_month_holds(tmp_path: Path, window_days, month, peak_minutes) -> None:
    # Ten requests over a day or a year: the busiest minute for the default hour would be more
    # than the whole month, which the profile refuses. The peak lasts what the month holds.
    sim = Simulation(2)
    spread = [EPOCH_NS + i * 3 * 86_400 * S // 10 for i in range(8)]  # over 2.1 days (or the window given)
    sim.rag_chat([*spread, spread[-1] + S, spread[-1] + 2 * S])
    path = write_otlp_json(sim.spans(), tmp_path / "sparse.jsonl")
    result = calibrate([path], root="rag.chat", window_days=window_days)
    workload = result.workload
    assert workload["peak_requests_per_minute"] == 3
    assert (workload["requests_per_month"], workload["peak_minutes"]) == (month, peak_minutes)
    base = {"name": "x", "interaction": "chat", "latency_budget_s": 5, "side_effects": "none", "downstream": "own_ui"}
    text = calibrated_workload(result, base)
    assert parse_profile(parse_yaml(text, "w.yaml")).peak_minutes == peak_minutes
    said = [w for w in result.provenance["warnings"] if "busiest minute" in w]
    assert said == ([] if window_days != 365 else [
        "the busiest minute (3 requests) holds more than an average month (1): requests_per_month is 3, the peak "
        "one minute"
    ])


def test_deterministic(export: Path) -> None:
    assert calibrate([export], root="support.agent") == calibrate([export], root="support.agent")


def test_into_keeps_the_answers_and_the_names_of_the_same_steps(export: Path) -> None:
    result = calibrate([export], root="rag.chat")
    base = {
        "name": "Help chat", "interaction": "chat", "latency_budget_s": 3, "model": "gpt-4o", "tier": "tier-2",
        "steps": [{"name": "rewrite", "model": "gpt-4o-mini", "input_tokens": 1, "output_tokens": 1},
                  {"name": "answer", "input_tokens": 1, "output_tokens": 1, "pricing": {"input_per_mtok": 1}}],
    }
    merged = result.into(base)
    assert list(merged)[:5] == ["name", "interaction", "latency_budget_s", "downstream", "tier"]
    assert (merged["name"], merged["interaction"], merged["downstream"], merged["tier"]) == (
        "Help chat", "chat", None, "tier-2",
    )
    # The same calls (one step each on gpt-4o-mini, then gpt-4o): the base's names, the measured figures.
    assert [s["name"] for s in merged["steps"]] == ["rewrite", "answer"]
    assert [{**s, "name": ""} for s in merged["steps"]] == [{**s, "name": ""} for s in result.workload["steps"]]
    # The evidence names each step's measured model as the base names the step.
    assert merged["evidence"] == result.evidence | {"models": {"rewrite": "gpt-4o-mini", "answer": "gpt-4o"}}
    # Other calls keep the measured names.
    other = result.into({**base, "steps": [{"name": "only", "input_tokens": 1, "output_tokens": 1}]})
    assert [s["name"] for s in other["steps"]] == ["chat-gpt-4o-mini", "chat-gpt-4o"]
    assert result.into(None)["name"] == "rag.chat"


def test_one_path_is_read_as_one_file_as_verify_and_review_take_it(export: Path) -> None:
    # advisor.verify and advisor.review take a single path as well as a list; calibrate read
    # a single string character by character ("e: no such file").
    as_list = calibrate([export], root="rag.chat")
    assert calibrate(str(export), root="rag.chat") == as_list
    assert calibrate(export, root="rag.chat") == as_list


@pytest.mark.parametrize("depth", [2, 3, 200])
def test_a_call_recorded_by_nested_instrumentations_counts_once_as_the_innermost(depth: int, tmp_path: Path) -> None:
    # A framework span around an SDK span around the HTTP client's: each records the call
    # (model, operation); the innermost has what the provider returned. A deep nesting (an
    # agent framework's spans inside each other) is still one call.
    from .simulate import EPOCH_NS, Simulation

    sim = Simulation(5)
    for i in range(12):
        start = EPOCH_NS + i * 10 * S
        root = sim.span("ask", None, start)
        layers = [root]
        for level in range(depth - 1):
            attributes = {"gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o"}
            begin = start + (level + 1) * 1000
            layers.append(sim.span(f"chat gpt-4o {level}", layers[-1], begin, attributes=attributes))
        inner_start = start + depth * 1000
        sim.model_call(layers[-1], inner_start, model="gpt-4o", duration_s=1.0, input_tokens=500, output_tokens=50)
        for level, span in reversed(list(enumerate(layers))):
            span.end(end_time=inner_start + S + (depth - level) * 1000)
    result = calibrate([write_otlp_json(sim.spans(), tmp_path / "traces.jsonl")])
    (step,) = result.workload["steps"]
    assert (step["repeat"], step["input_tokens"], step["output_tokens"]) == (1, 500, 50)
    assert step["model_p50_s"] == 1.0
