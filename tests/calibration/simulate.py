"""Trace fixtures from real instrumentation, with known distributions.

opentelemetry-sdk records GenAI spans with explicit start and end timestamps (a simulated
hour runs in a second), the real OTLP encoder (``encode_spans``) turns them into an
``ExportTraceServiceRequest``, and ``write_otlp_json`` writes it as the collector's file
exporter does: one request per line, camelCase fields, hex trace and span ids, enums as
integers, 64-bit integers as strings (pdata's JSON marshaler). The simulation keeps what it
generated (``Truth``) so tests compare the calibration with the generated sample itself.
"""

from __future__ import annotations

import base64
import gzip
import json
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.protobuf import json_format
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.id_generator import IdGenerator
from opentelemetry.trace import SpanKind, Status, StatusCode

S = 1_000_000_000  # nanoseconds per second
EPOCH_NS = 1_741_082_400 * S  # 2025-03-04T10:00:00Z


class SeededIds(IdGenerator):
    """Trace and span ids from a seeded generator, so fixtures are the same on every run."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def generate_span_id(self) -> int:
        return self.rng.getrandbits(64) or 1

    def generate_trace_id(self) -> int:
        return self.rng.getrandbits(128) or 1


@dataclass
class StepTruth:
    """The generated values of one step, over the requests of the workload's structure."""

    durations_s: list[float] = field(default_factory=list)  # successful calls
    input_tokens: list[int] = field(default_factory=list)
    output_tokens: list[int] = field(default_factory=list)  # visible output
    reasoning_tokens: list[int] = field(default_factory=list)
    cached_tokens: list[int] = field(default_factory=list)
    ttft_s: list[float] = field(default_factory=list)
    speeds: list[float] = field(default_factory=list)
    tool_s: list[float] = field(default_factory=list)  # per request: time outside the model per run
    repeats: list[int] = field(default_factory=list)


@dataclass
class Truth:
    """What one simulated feature generated."""

    root: str
    starts_ns: list[int] = field(default_factory=list)  # every request
    steps: dict[str, StepTruth] = field(default_factory=dict)  # aligned requests only
    calls: int = 0  # calls that count as steps, every request
    retries: int = 0  # failed attempts followed by a retry
    aligned: int = 0


# Attribute names: the current GenAI conventions, or the older ones (semconv <= 1.26, with the
# OpenLLMetry names for cache and reasoning tokens) that deployed instrumentations still emit.
CURRENT = {
    "provider": "gen_ai.provider.name",
    "input": "gen_ai.usage.input_tokens",
    "output": "gen_ai.usage.output_tokens",
    "cached": "gen_ai.usage.cache_read.input_tokens",
    "reasoning": "gen_ai.usage.reasoning.output_tokens",
}
LEGACY = {
    "provider": "gen_ai.system",
    "input": "gen_ai.usage.prompt_tokens",
    "output": "gen_ai.usage.completion_tokens",
    "cached": "gen_ai.usage.cache_read_input_tokens",
    "reasoning": "gen_ai.usage.reasoning_tokens",
}


class Simulation:
    """Emits spans of simulated GenAI features through opentelemetry-sdk."""

    def __init__(self, seed: int, *, legacy: bool = False, service: str = "support-app"):
        self.rng = random.Random(seed)
        self.legacy = legacy
        self.names = LEGACY if legacy else CURRENT
        self.exporter = InMemorySpanExporter()
        self.provider = TracerProvider(
            resource=Resource({"service.name": service}), id_generator=SeededIds(random.Random(seed + 1))
        )
        self.provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.tracer = self.provider.get_tracer("simulated.genai", "1.0.0")

    # -- helpers ----------------------------------------------------------------------

    def _lognormal(self, median: float, sigma: float) -> float:
        return self.rng.lognormvariate(math.log(median), sigma)

    def _tokens(self, mean: float, sd: float, low: int) -> int:
        return max(low, round(self.rng.gauss(mean, sd)))

    def span(
        self,
        name: str,
        parent: trace.Span | None,
        start: int,
        kind: SpanKind = SpanKind.INTERNAL,
        attributes: dict[str, Any] | None = None,
    ) -> trace.Span:
        context = trace.set_span_in_context(parent) if parent is not None else None
        return self.tracer.start_span(name, context=context, kind=kind, attributes=attributes, start_time=start)

    def model_call(
        self,
        parent: trace.Span,
        start: int,
        *,
        model: str,
        operation: str = "chat",
        duration_s: float,
        input_tokens: int | None = None,
        output_tokens: int | None = None,
        reasoning: int | None = None,
        cached: int | None = None,
        ttft_s: float | None = None,
        ttft_as_events: bool = False,
        failed: bool = False,
    ) -> int:
        """Record one model-call span; returns its end time."""
        n = self.names
        attributes: dict[str, Any] = {n["provider"]: "openai", "gen_ai.request.model": model}
        if not self.legacy:
            attributes["gen_ai.operation.name"] = operation
        span = self.span(f"{operation} {model}", parent, start, SpanKind.CLIENT, attributes)
        end = start + round(duration_s * S)
        if failed:
            span.set_attribute("error.type", "429")
            span.set_status(Status(StatusCode.ERROR, "Rate limit reached"))
        else:
            span.set_attribute("gen_ai.response.model", f"{model}-2025-01-01")
            span.set_attribute(n["input"], input_tokens or 0)
            total_output = (output_tokens or 0) + (reasoning or 0)
            span.set_attribute(n["output"], total_output)
            if reasoning is not None:
                span.set_attribute(n["reasoning"], reasoning)
            if cached is not None and (cached or not self.legacy):
                span.set_attribute(n["cached"], cached)
            if ttft_s is not None:
                if not self.legacy:
                    span.set_attribute("gen_ai.request.stream", True)
                first_chunk = start + round(ttft_s * S)
                if ttft_as_events or self.legacy:
                    event = "llm.content.completion.chunk" if self.legacy else "gen_ai.content.completion.chunk"
                    for k in range(3):  # the first chunk, and two after it
                        span.add_event(event, timestamp=first_chunk + k * (end - first_chunk) // 3)
                else:
                    span.set_attribute("gen_ai.response.time_to_first_chunk", ttft_s)
        span.end(end_time=end)
        return end

    def _retried_attempts(self, parent: trace.Span, start: int, model: str, probability: float) -> tuple[int, int]:
        """Failed attempts before a call (rate limits), each with back-off; returns (start of the call, count)."""
        count = 0
        while count < 3 and self.rng.random() < probability:
            end = self.model_call(parent, start, model=model, duration_s=self._lognormal(0.15, 0.2), failed=True)
            start = end + round(self.rng.uniform(0.4, 0.6) * S)
            count += 1
        return start, count

    @staticmethod
    def arrivals(rng: random.Random, per_minute: float, minutes: int, burst_minute: int, burst: int) -> list[int]:
        """Request start times: Poisson arrivals over ``minutes``, plus ``burst`` in one minute."""
        times = []
        t = 0.0
        while True:
            t += rng.expovariate(per_minute / 60)
            if t >= minutes * 60:
                break
            times.append(EPOCH_NS + round(t * S))
        times += [EPOCH_NS + round((burst_minute * 60 + rng.uniform(0, 60)) * S) for _ in range(burst)]
        return sorted(times)

    # -- features ---------------------------------------------------------------------

    def rag_chat(
        self, starts: Sequence[int], truth: Truth | None = None, models: tuple[str, str] = ("gpt-4o-mini", "gpt-4o")
    ) -> Truth:
        """A RAG chat: rewrite the question (small model), retrieve, answer (streamed); ``models``
        are the rewrite's and the answer's."""
        truth = truth or Truth("rag.chat")
        rewrite, answer = truth.steps.setdefault("rewrite", StepTruth()), truth.steps.setdefault("answer", StepTruth())
        for t0 in starts:
            truth.starts_ns.append(t0)
            truth.aligned += 1
            root = self.span("rag.chat", None, t0, SpanKind.SERVER, {"http.route": "/chat"})
            t = t0 + round(self._lognormal(0.02, 0.3) * S)
            rewrite.tool_s.append((t - t0) / S)
            inp, out, dur = self._tokens(320, 40, 50), self._tokens(40, 8, 5), self._lognormal(0.55, 0.3)
            end = self.model_call(root, t, model=models[0], duration_s=dur, input_tokens=inp, output_tokens=out)
            rewrite.durations_s.append((end - t) / S)
            rewrite.input_tokens.append(inp)
            rewrite.output_tokens.append(out)
            rewrite.reasoning_tokens.append(0)
            rewrite.repeats.append(1)
            retrieval = self.span("vector.search", root, end + 2_000_000, SpanKind.CLIENT, {"db.system": "qdrant"})
            retrieval_end = end + 2_000_000 + round(self._lognormal(0.25, 0.4) * S)
            retrieval.end(end_time=retrieval_end)
            attempt = retrieval_end + 3_000_000
            answer.tool_s.append((attempt - end) / S)
            t, retries = self._retried_attempts(root, attempt, models[1], 0.06)
            truth.retries += retries
            inp = self._tokens(2600, 350, 500)
            cached = 1536 if self.rng.random() < 0.5 else 0
            out, ttft, speed = self._tokens(420, 90, 20), self._lognormal(0.45, 0.35), max(20.0, self.rng.gauss(85, 12))
            dur = ttft + out / speed
            end = self.model_call(
                root, t, model=models[1], duration_s=dur, input_tokens=inp, output_tokens=out, cached=cached, ttft_s=ttft
            )
            answer.durations_s.append((end - t) / S)
            answer.input_tokens.append(inp)
            answer.output_tokens.append(out)
            answer.reasoning_tokens.append(0)
            answer.cached_tokens.append(cached)
            answer.ttft_s.append(ttft)
            answer.speeds.append(out / ((end - t) / S - ttft))
            answer.repeats.append(1)
            truth.calls += 2
            root.end(end_time=end + 15_000_000)
        return truth

    def agent(self, starts: Sequence[int], truth: Truth | None = None) -> Truth:
        """A support agent: plan, a tool loop (search then act, 1-5 times), a reasoning-model answer.

        One request in ten skips the plan: another step structure, counted for volume only.
        """
        truth = truth or Truth("support.agent")
        plan, act, answer = (truth.steps.setdefault(k, StepTruth()) for k in ("plan", "act", "answer"))
        for t0 in starts:
            truth.starts_ns.append(t0)
            root = self.span("support.agent", None, t0, SpanKind.SERVER, {"http.route": "/agent"})
            agent_attrs = {"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "support"}
            if not self.legacy:
                agent_attrs[self.names["provider"]] = "openai"
            agent = self.span("invoke_agent support", root, t0 + 1_000_000, SpanKind.INTERNAL, agent_attrs)
            t = t0 + 1_000_000 + round(self._lognormal(0.03, 0.3) * S)
            planned = self.rng.random() >= 0.1
            if planned:
                truth.aligned += 1
                plan.tool_s.append((t - t0) / S)
                inp, out, dur = self._tokens(850, 90, 200), self._tokens(110, 25, 10), self._lognormal(0.9, 0.3)
                end = self.model_call(
                    agent, t, model="gpt-4o-mini", duration_s=dur, input_tokens=inp, output_tokens=out
                )
                plan.durations_s.append((end - t) / S)
                plan.input_tokens.append(inp)
                plan.output_tokens.append(out)
                plan.reasoning_tokens.append(0)
                plan.repeats.append(1)
                truth.calls += 1
            else:
                end = t
            loops = self.rng.choice([1, 2, 3, 3, 3, 4, 5])
            outside = 0.0
            for i in range(loops):
                tool_start = end + 1_000_000
                tool = self.span(
                    "execute_tool search_kb",
                    agent,
                    tool_start,
                    SpanKind.INTERNAL,
                    {"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "search_kb"},
                )
                tool_end = tool_start + round(self._lognormal(0.4, 0.5) * S)
                tool.end(end_time=tool_end)
                t = tool_end + 1_000_000
                outside += (t - end) / S
                inp, out, dur = (
                    self._tokens(2600 + 450 * i, 100, 1000),
                    self._tokens(60, 20, 8),
                    self._lognormal(0.7, 0.3),
                )
                end = self.model_call(
                    agent, t, model="gpt-4o-mini", duration_s=dur, input_tokens=inp, output_tokens=out
                )
                if planned:
                    act.durations_s.append((end - t) / S)
                    act.input_tokens.append(inp)
                    act.output_tokens.append(out)
                    act.reasoning_tokens.append(0)
                truth.calls += 1
            if planned:
                act.tool_s.append(outside / loops)
                act.repeats.append(loops)
            t = end + 20_000_000
            inp, out, reasoning = self._tokens(4200, 400, 1000), self._tokens(320, 60, 20), self._tokens(900, 200, 0)
            ttft, speed = self._lognormal(2.5, 0.3), max(30.0, self.rng.gauss(120, 15))
            dur = ttft + out / speed
            end = self.model_call(
                agent,
                t,
                model="o3-mini",
                duration_s=dur,
                input_tokens=inp,
                output_tokens=out,
                reasoning=reasoning,
                ttft_s=ttft,
                ttft_as_events=True,
            )
            truth.calls += 1
            if planned:
                answer.tool_s.append(0.02)
                answer.durations_s.append((end - t) / S)
                answer.input_tokens.append(inp)
                answer.output_tokens.append(out)
                answer.reasoning_tokens.append(reasoning)
                answer.ttft_s.append(ttft)
                answer.speeds.append(out / ((end - t) / S - ttft))
                answer.repeats.append(1)
            agent.end(end_time=end + 2_000_000)
            root.end(end_time=end + 10_000_000)
        return truth

    def spans(self) -> tuple[ReadableSpan, ...]:
        return self.exporter.get_finished_spans()


# -- OTLP/JSON as the collector's file exporter writes it ---------------------------------

_ID_KEYS = {"traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id"}


def _hex_ids(node: Any) -> None:
    """protobuf's JSON mapping writes bytes as base64; OTLP/JSON writes trace and span ids as hex."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _ID_KEYS and isinstance(value, str):
                node[key] = base64.b64decode(value).hex()
            else:
                _hex_ids(value)
    elif isinstance(node, list):
        for item in node:
            _hex_ids(item)


def request_json(spans: Sequence[ReadableSpan], *, snake_case: bool = False) -> dict[str, Any]:
    """One ExportTraceServiceRequest from the real OTLP encoder, in OTLP/JSON."""
    message = encode_spans(spans)
    document = json_format.MessageToDict(message, preserving_proto_field_name=snake_case, use_integers_for_enums=True)
    _hex_ids(document)
    parent_key = "parent_span_id" if snake_case else "parentSpanId"
    for rs in document.get("resource_spans" if snake_case else "resourceSpans", []):
        for ss in rs.get("scope_spans" if snake_case else "scopeSpans", []):
            for span in ss["spans"]:
                span.setdefault(parent_key, "")  # the collector writes an empty parent id for a root
    return document


def batches(spans: Sequence[ReadableSpan], size: int) -> Iterator[Sequence[ReadableSpan]]:
    for i in range(0, len(spans), size):
        yield spans[i : i + size]


def write_otlp_json(
    spans: Sequence[ReadableSpan],
    path: Path,
    *,
    snake_case: bool = False,
    compress: bool = False,
    batch: int = 512,
    one_document: bool = False,
) -> Path:
    """Write spans as the file exporter does (one request per line), or as one document."""
    if one_document:
        text = json.dumps(request_json(spans, snake_case=snake_case), indent=2) + "\n"
    else:
        text = "".join(
            json.dumps(request_json(chunk, snake_case=snake_case), separators=(",", ":")) + "\n"
            for chunk in batches(spans, batch)
        )
    data = text.encode()
    path.write_bytes(gzip.compress(data, mtime=0) if compress else data)
    return path


def example_export(path: Path) -> Path:
    """examples/traces/rag-chat.jsonl.gz: half an hour of the RAG chat (about 10 requests a
    minute, a burst of 40 in minute 12) as the collector's file exporter writes it, gzipped; on
    models OpenAI has announced no shutdown for, as the RAG chat example is.

        .venv/bin/python -m tests.calibration.simulate examples/traces/rag-chat.jsonl.gz
    """
    sim = Simulation(11, service="help-centre")
    starts = Simulation.arrivals(random.Random(12), per_minute=10, minutes=30, burst_minute=12, burst=40)
    sim.rag_chat(starts, models=("gpt-5.4-mini", "gpt-5.4"))
    return write_otlp_json(sim.spans(), path, compress=True)


if __name__ == "__main__":
    import sys

    print(example_export(Path(sys.argv[1])))
