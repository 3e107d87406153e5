"""Finding model calls among spans, by the OpenTelemetry GenAI semantic conventions.

Attribute names, newest first in each list (sources in docs/calibration.md):
- current: the GenAI semantic conventions registry (semantic-conventions-genai, model/gen-ai/
  registry.yaml; the same names as opentelemetry-semantic-conventions 0.66b2's incubating
  gen_ai attributes);
- older names still emitted by deployed instrumentations: ``gen_ai.system`` (replaced by
  ``gen_ai.provider.name`` in semconv 1.37), ``gen_ai.usage.prompt_tokens`` /
  ``completion_tokens`` (renamed to input/output tokens in 1.27), and the cache, reasoning and
  first-token names used by OpenLLMetry, Sentry and the Vercel AI SDK.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .errors import TraceError
from .otlp import STATUS_ERROR, Span, printable

OPERATION = "gen_ai.operation.name"
PROVIDER = ("gen_ai.provider.name", "gen_ai.system")
MODEL = ("gen_ai.request.model", "gen_ai.response.model")
INPUT_TOKENS = ("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens")
OUTPUT_TOKENS = ("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens")
CACHED_INPUT_TOKENS = (
    "gen_ai.usage.cache_read.input_tokens",
    "gen_ai.usage.cache_read_input_tokens",  # OpenLLMetry; Sentry's deprecated alias
    "gen_ai.usage.input_tokens.cached",  # Sentry
)
REASONING_TOKENS = (
    "gen_ai.usage.reasoning.output_tokens",
    "gen_ai.usage.reasoning_tokens",  # OpenLLMetry
    "gen_ai.usage.output_tokens.reasoning",  # Sentry
)
# Seconds from the request to the first chunk of a streamed response.
TIME_TO_FIRST_CHUNK_S = (
    "gen_ai.response.time_to_first_chunk",
    "gen_ai.response.time_to_first_token",  # Sentry
)
TIME_TO_FIRST_CHUNK_MS = ("ai.response.msToFirstChunk",)  # Vercel AI SDK
STREAM = "gen_ai.request.stream"
ERROR_TYPE = "error.type"
# Span events that mark a streamed chunk; the earliest one is the first chunk.
CHUNK_EVENTS = frozenset(
    {
        "gen_ai.content.completion.chunk",  # OpenLLMetry (current)
        "llm.content.completion.chunk",  # OpenLLMetry (older)
        "ai.stream.firstChunk",  # Vercel AI SDK
    }
)

# The conventions' provider names (gen_ai.provider.name's well-known values, and gen_ai.system's
# before it) that differ from the provider ids advisor's catalogue and genai-prices use. Each
# maps to the provider whose prices and limits apply: Azure OpenAI is Azure's, Gemini through
# Vertex AI is Google's. A name not listed is kept as the traces spell it (openai, anthropic,
# deepseek, groq...), and the calibrated file says when advisor does not know it.
PROVIDER_IDS = {
    "azure.ai.openai": "azure",
    "az.ai.openai": "azure",  # the conventions' earlier spelling
    "gcp.gemini": "google",
    "gcp.vertex_ai": "google",
    "gcp.gen_ai": "google",
    "vertex_ai": "google",
    "gemini": "google",
    "aws.bedrock": "aws",
    "mistral_ai": "mistral",
}

# Operations that call a model. Agent, tool, workflow, retrieval and memory operations wrap
# or sit beside model calls; counting them as steps would count a call twice or count a tool.
MODEL_OPERATIONS = frozenset({"chat", "text_completion", "generate_content", "embeddings"})
NON_MODEL_OPERATIONS = frozenset(
    {
        "create_agent",
        "invoke_agent",
        "execute_tool",
        "invoke_workflow",
        "plan",
        "retrieval",
        "search_memory",
        "create_memory",
        "update_memory",
        "upsert_memory",
        "delete_memory",
        "create_memory_store",
        "delete_memory_store",
    }
)
# Older spans without gen_ai.operation.name: their name's first word, per the span naming
# convention "{operation} {model}"; otherwise the step is called a "call".
_LEGACY_OPERATIONS = {
    "completion": "text_completion",
    "completions": "text_completion",
    **{op: op for op in MODEL_OPERATIONS},
}

KEPT_ATTRIBUTES = frozenset(
    {
        OPERATION,
        *PROVIDER,
        *MODEL,
        *INPUT_TOKENS,
        *OUTPUT_TOKENS,
        *CACHED_INPUT_TOKENS,
        *REASONING_TOKENS,
        *TIME_TO_FIRST_CHUNK_S,
        *TIME_TO_FIRST_CHUNK_MS,
        STREAM,
        ERROR_TYPE,
    }
)


@dataclass(slots=True)
class ModelCall:
    """One call to a model, as its span records it."""

    span: Span
    operation: str
    provider: str
    model: str
    input_tokens: int | None  # all input, cached included
    output_tokens: int | None  # visible output, reasoning excluded
    reasoning_tokens: int | None
    cached_input_tokens: int | None
    ttft_s: float | None
    streamed: bool
    failed: bool

    @property
    def start_ns(self) -> int:
        return self.span.start_ns

    @property
    def end_ns(self) -> int:
        return self.span.end_ns

    @property
    def duration_s(self) -> float:
        return (self.span.end_ns - self.span.start_ns) / 1e9


def _first(attributes: dict[str, Any], names: tuple[str, ...]) -> tuple[str, Any]:
    for name in names:
        value = attributes.get(name)
        if value is not None:
            return name, value
    return names[0], None


def _bad(span: Span, message: str) -> TraceError:
    return TraceError(f"span '{printable(span.name)}' (trace {span.trace_id}): {message}", source=span.source)


def _count(span: Span, names: tuple[str, ...]) -> int | None:
    name, value = _first(span.attributes, names)
    if value is None:
        return None
    if type(value) is int and value >= 0:
        return value
    if type(value) is float and value.is_integer() and value >= 0:
        return int(value)
    if type(value) is str and value.isascii() and value.isdigit():
        return int(value)
    raise _bad(span, f"{name} must be a whole number of tokens, 0 or more (got {value!r})")


def _seconds(span: Span, value: Any, name: str, scale: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise _bad(
            span, f"{name} must be a number of {'seconds' if scale == 1 else 'milliseconds'}, 0 or more (got {value!r})"
        )
    return value / scale


def _ttft(span: Span) -> float | None:
    name, value = _first(span.attributes, TIME_TO_FIRST_CHUNK_S)
    if value is not None:
        return _within_the_call(span, name, _seconds(span, value, name, 1.0), " (is it in milliseconds?)")
    name, value = _first(span.attributes, TIME_TO_FIRST_CHUNK_MS)
    if value is not None:
        return _within_the_call(span, name, _seconds(span, value, name, 1000.0))
    chunk_times = [(when, event) for event, when in span.events if event in CHUNK_EVENTS]
    if chunk_times:
        when, event = min(chunk_times)
        return _within_the_call(span, f"the {event} event", max(0, when - span.start_ns) / 1e9)
    return None


# A first chunk this far past the span's end is the clock's rounding (SDKs that keep
# milliseconds), not a chunk after the call: it is read as the end.
_ROUNDING_S = 0.001


def _within_the_call(span: Span, name: str, ttft_s: float, hint: str = "") -> float:
    """The first-chunk time, which can't come after the call ended (a unit mixed up can)."""
    duration_s = (span.end_ns - span.start_ns) / 1e9
    if ttft_s <= duration_s:
        return ttft_s
    if ttft_s <= duration_s + _ROUNDING_S:
        return duration_s
    raise _bad(
        span,
        f"{name} is {ttft_s:g} s, after the call ended ({duration_s:g} s after it started): a first chunk comes "
        f"before the call ends{hint}",
    )


def _text(span: Span, names: tuple[str, ...]) -> str | None:
    name, value = _first(span.attributes, names)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _bad(span, f"{name} must be a string (got {value!r})")
    return value


def _operation(span: Span) -> str | None:
    """The model operation of a span, or None when the span is not a model call."""
    attrs = span.attributes
    op = attrs.get(OPERATION)
    if op is not None and not isinstance(op, str):  # an array is no name (nor hashable: "in" would raise)
        raise _bad(span, f"{OPERATION} must be a string (got {printable(repr(op))})")
    if op in MODEL_OPERATIONS:
        return op
    if op in NON_MODEL_OPERATIONS:
        return None
    has_model = any(attrs.get(name) for name in MODEL)
    has_usage = any(attrs.get(name) is not None for name in (*INPUT_TOKENS, *OUTPUT_TOKENS))
    if isinstance(op, str) and op:
        # A provider-specific operation name the conventions allow: a model call if it has
        # a model and token usage.
        return op if has_model and has_usage else None
    if not (has_model and (has_usage or any(attrs.get(name) for name in PROVIDER))):
        return None
    word = span.name.split(" ", 1)[0].lower()
    return _LEGACY_OPERATIONS.get(word, "call")


def model_call(span: Span) -> ModelCall | None:
    """The model call a span records, or None if it records none. Raises TraceError."""
    operation = _operation(span)
    if operation is None:
        return None
    model = _text(span, MODEL)
    if model is None:
        raise _bad(span, "a GenAI model span without gen_ai.request.model or gen_ai.response.model")
    provider = _text(span, PROVIDER) or "unknown"
    input_tokens = _count(span, INPUT_TOKENS)
    output_tokens = _count(span, OUTPUT_TOKENS)
    cached = _count(span, CACHED_INPUT_TOKENS)
    reasoning = _count(span, REASONING_TOKENS)
    # The conventions count cached input inside input_tokens and reasoning inside
    # output_tokens. Some instrumentations report them beside instead (Anthropic's API does
    # for cache reads): a part larger than its whole says so, and is added to it.
    if cached is not None and input_tokens is not None and cached > input_tokens:
        input_tokens += cached
    if reasoning is not None and output_tokens is not None:
        output_tokens = output_tokens - reasoning if reasoning <= output_tokens else output_tokens
    ttft = _ttft(span)
    stream = span.attributes.get(STREAM)
    return ModelCall(
        span=span,
        operation=operation,
        provider=provider,
        model=model,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        reasoning_tokens=reasoning,
        cached_input_tokens=cached,
        ttft_s=ttft,
        streamed=stream is True or ttft is not None,
        failed=span.status == STATUS_ERROR or span.attributes.get(ERROR_TYPE) is not None,
    )


def is_genai(span: Span) -> bool:
    """Whether a span carries any GenAI attribute this module reads (model call or not)."""
    return any(key.startswith("gen_ai.") for key in span.attributes)
