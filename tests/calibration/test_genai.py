"""What one span says about a model call, and how calls become steps (unit level)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from advisor.core.calibration import calibrate, same_shape
from advisor.core.errors import TraceError
from advisor.core.genai import model_call
from advisor.core.otlp import Span

from .simulate import EPOCH_NS, S, Simulation, write_otlp_json


def _span(attributes: dict, *, name: str = "chat gpt-4o", status: int = 0, events: tuple = ()) -> Span:
    return Span("1" * 32, "2" * 16, "3" * 16, name, 10 * S, 12 * S, status, attributes, events, "f line 1")


CHAT = {"gen_ai.operation.name": "chat", "gen_ai.provider.name": "anthropic", "gen_ai.request.model": "claude"}


def test_current_attributes() -> None:
    call = model_call(
        _span(
            {
                **CHAT,
                "gen_ai.response.model": "claude-2025",
                "gen_ai.usage.input_tokens": 1000,
                "gen_ai.usage.output_tokens": 900,
                "gen_ai.usage.cache_read.input_tokens": 400,
                "gen_ai.usage.reasoning.output_tokens": 600,
                "gen_ai.response.time_to_first_chunk": 1.5,
            }
        )
    )
    assert call is not None
    assert (call.operation, call.provider, call.model) == ("chat", "anthropic", "claude")  # the model asked for
    assert (call.input_tokens, call.cached_input_tokens) == (1000, 400)
    assert (call.output_tokens, call.reasoning_tokens) == (300, 600)  # reasoning is inside output: taken out
    assert call.ttft_s == 1.5 and call.streamed and not call.failed and call.duration_s == 2.0


def test_parts_reported_beside_their_whole() -> None:
    """Cache reads beside input (Anthropic's API), reasoning beside output: added, not subtracted."""
    call = model_call(
        _span(
            {
                **CHAT,
                "gen_ai.usage.input_tokens": 100,
                "gen_ai.usage.cache_read_input_tokens": 900,
                "gen_ai.usage.output_tokens": 50,
                "gen_ai.usage.reasoning_tokens": 400,
            }
        )
    )
    assert call is not None
    assert (call.input_tokens, call.cached_input_tokens) == (1000, 900)
    assert (call.output_tokens, call.reasoning_tokens) == (50, 400)


@pytest.mark.parametrize(
    ("extra", "events", "ttft"),
    [
        ({"ai.response.msToFirstChunk": 250}, (), 0.25),
        ({"gen_ai.response.time_to_first_token": 0.5}, (), 0.5),
        (
            {},
            (
                ("x", 10 * S + 1),
                ("llm.content.completion.chunk", 11 * S),
                ("llm.content.completion.chunk", 10 * S + 7 * S // 10),
            ),
            0.7,
        ),
        ({}, (("ai.stream.firstChunk", 10 * S + S // 5),), 0.2),
        ({}, (), None),
    ],
)
def test_first_token_from_attribute_or_first_chunk_event(extra: dict, events: tuple, ttft: float | None) -> None:
    call = model_call(_span({**CHAT, **extra}, events=events))
    assert call is not None
    assert call.ttft_s == (pytest.approx(ttft) if ttft is not None else None)
    assert call.streamed is (ttft is not None)


@pytest.mark.parametrize(
    ("attributes", "name", "operation"),
    [
        ({"gen_ai.system": "openai", "gen_ai.request.model": "gpt-4o"}, "chat gpt-4o", "chat"),
        ({"gen_ai.system": "openai", "gen_ai.request.model": "m"}, "completion m", "text_completion"),
        ({"gen_ai.response.model": "m", "gen_ai.usage.prompt_tokens": 3}, "openai.chat", "call"),
        (
            {"gen_ai.operation.name": "responses", "gen_ai.request.model": "m", "gen_ai.usage.input_tokens": 3},
            "responses m",
            "responses",
        ),
    ],
)
def test_operation_of_spans_without_a_known_operation_name(attributes: dict, name: str, operation: str) -> None:
    call = model_call(_span(attributes, name=name))
    assert call is not None and call.operation == operation


@pytest.mark.parametrize(
    "attributes",
    [
        {"gen_ai.operation.name": "invoke_agent", "gen_ai.request.model": "m", "gen_ai.usage.input_tokens": 9},
        {"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "search"},
        {"gen_ai.operation.name": "responses", "gen_ai.request.model": "m"},  # no usage: not known to be a call
        {"gen_ai.request.model": "m"},
        {"http.route": "/chat"},
    ],
)
def test_not_model_calls(attributes: dict) -> None:
    assert model_call(_span(attributes)) is None


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        ({"gen_ai.operation.name": "chat"}, "without gen_ai.request.model or gen_ai.response.model"),
        ({**CHAT, "gen_ai.usage.output_tokens": 1.5}, "gen_ai.usage.output_tokens must be a whole number"),
        ({**CHAT, "gen_ai.usage.input_tokens": "many"}, "gen_ai.usage.input_tokens must be a whole number"),
        ({**CHAT, "gen_ai.response.time_to_first_chunk": -1.0}, "must be a number of seconds, 0 or more"),
        ({**CHAT, "ai.response.msToFirstChunk": "fast"}, "must be a number of milliseconds, 0 or more"),
        ({**CHAT, "gen_ai.request.model": ["a"]}, "gen_ai.request.model must be a string"),
    ],
)
def test_bad_genai_attributes(attributes: dict, message: str) -> None:
    with pytest.raises(TraceError, match=message) as caught:
        model_call(_span(attributes))
    assert str(caught.value).startswith("f line 1: span 'chat gpt-4o' (trace 1111")


def test_failed_calls_and_same_shape() -> None:
    failed = model_call(_span({**CHAT, "error.type": "timeout"}))
    ok = model_call(_span({**CHAT, "gen_ai.usage.input_tokens": 3000, "gen_ai.usage.output_tokens": 50}))
    grown = model_call(_span({**CHAT, "gen_ai.usage.input_tokens": 5900, "gen_ai.usage.output_tokens": 140}))
    jump = model_call(_span({**CHAT, "gen_ai.usage.input_tokens": 6100, "gen_ai.usage.output_tokens": 50}))
    answer = model_call(_span({**CHAT, "gen_ai.usage.input_tokens": 3000, "gen_ai.usage.output_tokens": 600}))
    other = model_call(_span({**CHAT, "gen_ai.request.model": "haiku", "gen_ai.usage.input_tokens": 3000}))
    assert failed is not None and failed.failed
    assert ok is not None and grown is not None and jump is not None and answer is not None and other is not None
    assert same_shape(failed, ok) and same_shape(ok, grown)  # a count the span lacks; within 2x or 100 tokens
    assert not same_shape(ok, jump) and not same_shape(ok, answer) and not same_shape(ok, other)


# -- request-level semantics, with real instrumentation --------------------------------------


def _export(tmp_path: Path, build) -> Path:
    sim = Simulation(5)
    for i in range(12):
        build(sim, EPOCH_NS + i * 10 * S, random.Random(i))
    return write_otlp_json(sim.spans(), tmp_path / "traces.jsonl")


def test_a_call_recorded_twice_counts_once(tmp_path: Path) -> None:
    """A framework span around the client span of one call: the inner span is the call."""

    def build(sim: Simulation, t: int, rng: random.Random) -> None:
        root = sim.span("ask", None, t)
        outer = sim.span(
            "chat gpt-4o",
            root,
            t + S // 100,
            attributes={
                "gen_ai.operation.name": "chat",
                "gen_ai.request.model": "gpt-4o",
                "gen_ai.usage.input_tokens": 10,
                "gen_ai.usage.output_tokens": 20,
            },
        )
        sim.model_call(
            outer, t + S // 50, model="gpt-4o", duration_s=1 + rng.random(), input_tokens=100, output_tokens=200
        )
        outer.end(end_time=t + 3 * S)
        root.end(end_time=t + 4 * S)

    result = calibrate([_export(tmp_path, build)])
    (step,) = result.workload["steps"]
    assert (step["input_tokens"], step["output_tokens"], step["repeat"]) == (100, 200, 1)
    assert result.provenance["model_calls"] == 24  # both spans are GenAI model spans; one call a request


def test_final_failures_and_parallel_calls_are_reported(tmp_path: Path) -> None:
    def build(sim: Simulation, t: int, rng: random.Random) -> None:
        root = sim.span("ask", None, t)
        # two calls at once, the second of which sometimes fails for good
        sim.model_call(root, t + S // 10, model="gpt-4o", duration_s=1.0, input_tokens=100, output_tokens=200)
        sim.model_call(
            root,
            t + S // 5,
            model="gpt-4o",
            duration_s=2.0,
            input_tokens=100,
            output_tokens=200,
            failed=t % (20 * S) == 0,
        )
        root.end(end_time=t + 3 * S)

    result = calibrate([_export(tmp_path, build)])
    assert result.provenance["failed_calls"] == 6 and result.provenance["retries"] == 0
    assert result.workload["steps"][0]["repeat"] == 2
    assert result.workload["steps"][0]["model_p50_s"] == 1.0  # failed calls are not timed: 12 of 1 s, 6 of 2 s
    assert result.provenance["warnings"] == [
        "12 requests made model calls in parallel; the steps model them in sequence"
    ]


def test_feature_traces_without_a_model_call_are_reported_not_counted(tmp_path: Path) -> None:
    def build(sim: Simulation, t: int, rng: random.Random) -> None:
        root = sim.span("ask", None, t)
        sim.model_call(root, t + S // 10, model="gpt-4o", duration_s=1.0, input_tokens=100, output_tokens=200)
        root.end(end_time=t + 3 * S)
        sim.span("ask", None, t + 5 * S).end(end_time=t + 6 * S)  # a cache hit

    result = calibrate([_export(tmp_path, build)], root="ask")
    assert result.provenance["traces"] == 12 and result.provenance["traces_without_model_calls"] == 12
