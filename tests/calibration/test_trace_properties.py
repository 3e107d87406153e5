"""Properties of the reader and the calibration: any valid encoding parses to what it encodes;
any garbage is a TraceError (never another exception); any calibration is self-consistent."""

from __future__ import annotations

import base64
import copy
import gzip
import json
import math
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from advisor.core.calibration import calibrate_spans
from advisor.core.errors import TraceError
from advisor.core.genai import KEPT_ATTRIBUTES, PROVIDER_IDS
from advisor.core.otlp import Span, read_spans
from advisor.core.profile import ANSWERS_TRACES_CANNOT_GIVE, parse_profile, unanswered
from advisor.core.yamlio import parse_yaml
from advisor.views.workload_file import calibrated_workload

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _spelling(draw: st.DrawFn, camel: str) -> str:
    snake = "".join("_" + c.lower() if c.isupper() else c for c in camel)
    return draw(st.sampled_from([camel, snake]))


# -- values ---------------------------------------------------------------------------

INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
DOUBLES = st.floats(allow_nan=True, allow_infinity=True)


@st.composite
def scalar_value(draw: st.DrawFn) -> tuple[Any, dict[str, Any]]:
    kind = draw(st.sampled_from(["string", "bool", "int", "double", "bytes", "empty"]))
    if kind == "string":
        value = draw(st.text())
        return value, {_spelling(draw, "stringValue"): value}
    if kind == "bool":
        value = draw(st.booleans())
        return value, {_spelling(draw, "boolValue"): value}
    if kind == "int":
        value = draw(INT64)
        return value, {_spelling(draw, "intValue"): draw(st.sampled_from([value, str(value)]))}
    if kind == "double":
        value = draw(DOUBLES)
        if math.isnan(value):
            written: Any = "NaN"
        elif math.isinf(value):
            written = "Infinity" if value > 0 else "-Infinity"
        else:
            written = draw(st.sampled_from([value, repr(value)]))
        return value, {_spelling(draw, "doubleValue"): written}
    if kind == "bytes":
        value = draw(st.binary())
        return value, {_spelling(draw, "bytesValue"): base64.b64encode(value).decode()}
    return None, {}


def any_value() -> st.SearchStrategy[tuple[Any, dict[str, Any]]]:
    def extend(children: st.SearchStrategy[tuple[Any, dict[str, Any]]]) -> st.SearchStrategy[Any]:
        @st.composite
        def array(draw: st.DrawFn) -> tuple[Any, dict[str, Any]]:
            items = draw(st.lists(children, max_size=4))
            return [v for v, _ in items], {_spelling(draw, "arrayValue"): {"values": [e for _, e in items]}}

        @st.composite
        def kvlist(draw: st.DrawFn) -> tuple[Any, dict[str, Any]]:
            items = draw(st.dictionaries(st.text(max_size=8), children, max_size=4))
            encoded = [{"key": k, "value": e} for k, (_, e) in items.items()]
            return {k: v for k, (v, _) in items.items()}, {_spelling(draw, "kvlistValue"): {"values": encoded}}

        return array() | kvlist()

    return st.recursive(scalar_value(), extend, max_leaves=12)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


# -- spans ----------------------------------------------------------------------------


@st.composite
def encoded_id(draw: st.DrawFn, nbytes: int) -> tuple[str, str]:
    raw = bytes([draw(st.integers(1, 255))]) + draw(st.binary(min_size=nbytes - 1, max_size=nbytes - 1))
    form = draw(st.sampled_from(["hex", "HEX", "base64"]))
    written = raw.hex() if form == "hex" else raw.hex().upper() if form == "HEX" else base64.b64encode(raw).decode()
    return raw.hex(), written


@st.composite
def encoded_span(draw: st.DrawFn) -> tuple[tuple[Any, ...], dict[str, Any]]:
    trace_id, trace_written = draw(encoded_id(16))
    span_id, span_written = draw(encoded_id(8))
    parent = draw(st.one_of(st.none(), st.just(("", "")), encoded_id(8)))
    # 0 is a time not recorded; from 2^63 on, a negative time written unsigned.
    start = draw(st.integers(min_value=1, max_value=2**63 - 1 - 10**12))
    end = start + draw(st.integers(min_value=0, max_value=10**12))
    status_code = draw(st.sampled_from([0, 1, 2]))
    attributes = draw(st.dictionaries(st.text(min_size=1, max_size=12), any_value(), max_size=5))
    events = draw(st.lists(st.tuples(st.text(max_size=10), st.integers(min_value=0, max_value=2**63)), max_size=3))
    name = draw(st.text(max_size=20))
    span: dict[str, Any] = {
        _spelling(draw, "traceId"): trace_written,
        _spelling(draw, "spanId"): span_written,
        "name": name,
        _spelling(draw, "startTimeUnixNano"): draw(st.sampled_from([start, str(start)])),
        _spelling(draw, "endTimeUnixNano"): draw(st.sampled_from([end, str(end)])),
        "attributes": [{"key": k, "value": e} for k, (_, e) in attributes.items()],
        "events": [{"name": n, _spelling(draw, "timeUnixNano"): draw(st.sampled_from([t, str(t)]))} for n, t in events],
    }
    if parent is not None:
        span[_spelling(draw, "parentSpanId")] = parent[1]
    names = {0: "STATUS_CODE_UNSET", 1: "STATUS_CODE_OK", 2: "STATUS_CODE_ERROR"}
    if status_code or draw(st.booleans()):
        span["status"] = {"code": draw(st.sampled_from([status_code, names[status_code]]))}
    expected = (
        trace_id,
        span_id,
        parent[0] if parent else "",
        name,
        start,
        end,
        status_code,
        {k: v for k, (v, _) in attributes.items()},
        tuple(events),
    )
    return expected, span


def _write_bytes(data: bytes) -> Path:
    with tempfile.NamedTemporaryFile(delete=False, suffix=".jsonl") as handle:
        handle.write(data)
    return Path(handle.name)


def _write(document_text: str, compress: bool) -> Path:
    data = document_text.encode("utf-8")
    return _write_bytes(gzip.compress(data) if compress else data)


@SETTINGS
@given(
    spans=st.lists(encoded_span(), min_size=1, max_size=4),
    form=st.sampled_from(["lines", "document"]),
    compress=st.booleans(),
    snake=st.booleans(),
)
def test_any_valid_encoding_parses_to_what_it_encodes(spans, form, compress, snake) -> None:
    top, scope = ("resource_spans", "scope_spans") if snake else ("resourceSpans", "scopeSpans")
    requests = [{top: [{scope: [{"spans": [encoded]}]}]} for _, encoded in spans]
    text = "\n".join(json.dumps(r) for r in requests) if form == "lines" else json.dumps(requests, indent=1)
    path = _write(text, compress)
    try:
        read = read_spans(path)
    finally:
        path.unlink()
    assert len(read) == len(spans)
    for got, (expected, _) in zip(read, spans, strict=True):
        as_tuple = (
            got.trace_id,
            got.span_id,
            got.parent_id,
            got.name,
            got.start_ns,
            got.end_ns,
            got.status,
            got.attributes,
            got.events,
        )
        assert _same(list(as_tuple), list(expected))


# -- garbage --------------------------------------------------------------------------

VOCABULARY = [
    "resourceSpans",
    "resource_spans",
    "scopeSpans",
    "spans",
    "traceId",
    "spanId",
    "parentSpanId",
    "startTimeUnixNano",
    "endTimeUnixNano",
    "attributes",
    "events",
    "status",
    "code",
    "key",
    "value",
    "stringValue",
    "intValue",
    "doubleValue",
    "arrayValue",
    "kvlistValue",
    "values",
    "bytesValue",
    "name",
    "timeUnixNano",
    "instrumentationLibrarySpans",
    "resourceMetrics",
]
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(["5b8efff798038103d269b633813fc60c", "eee19b7ec3c1b174", "12", "STATUS_CODE_ERROR"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(VOCABULARY) | st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=20,
)

VALID = {
    "resourceSpans": [
        {
            "resource": {},
            "scopeSpans": [
                {
                    "scope": {},
                    "spans": [
                        {
                            "traceId": "5b8efff798038103d269b633813fc60c",
                            "spanId": "eee19b7ec3c1b174",
                            "parentSpanId": "",
                            "name": "chat gpt-4o",
                            "startTimeUnixNano": "1544712660000000000",
                            "endTimeUnixNano": "1544712661000000000",
                            "attributes": [
                                {"key": "gen_ai.usage.input_tokens", "value": {"intValue": "12"}},
                                {"key": "gen_ai.request.model", "value": {"stringValue": "gpt-4o"}},
                                {"key": "x", "value": {"arrayValue": {"values": [{"kvlistValue": {"values": []}}]}}},
                            ],
                            "events": [{"timeUnixNano": "1544712660300000000", "name": "e"}],
                            "status": {"code": 2},
                        }
                    ],
                }
            ],
        }
    ]
}


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*path, i))
    return found


def _reads_or_fails_clearly(path: Path) -> None:
    try:
        read_spans(path)
        event("read")
    except TraceError as error:
        assert str(error).startswith(str(path)) and "\n" not in str(error)
        event(f"error: {error.message[:30]}")
    finally:
        path.unlink()


@SETTINGS
@given(data=st.binary(max_size=300), compress=st.booleans())
def test_any_bytes_read_or_fail_clearly(data: bytes, compress: bool) -> None:
    _reads_or_fails_clearly(_write_bytes(gzip.compress(data) if compress else data))


@SETTINGS
@given(value=JSON, form=st.sampled_from(["lines", "document"]))
def test_any_json_reads_or_fails_clearly(value: Any, form: str) -> None:
    text = json.dumps(value) if form == "lines" else json.dumps(value, indent=2)
    _reads_or_fails_clearly(_write(text, compress=False))


@SETTINGS
@given(data=st.data(), garbage=JSON)
def test_any_corruption_of_a_valid_request_reads_or_fails_clearly(data: st.DataObject, garbage: Any) -> None:
    document = copy.deepcopy(VALID)
    target = data.draw(st.sampled_from(_paths(document)[1:]))
    node = document
    for part in target[:-1]:
        node = node[part]
    if data.draw(st.booleans()) and isinstance(node, dict):
        del node[target[-1]]
    else:
        node[target[-1]] = garbage
    _reads_or_fails_clearly(_write(json.dumps(document), compress=False))


# -- calibration ----------------------------------------------------------------------

GENAI_VALUES = st.one_of(
    st.integers(min_value=-5, max_value=5000),
    st.floats(allow_nan=True),
    st.text(max_size=8),
    st.booleans(),
    st.sampled_from(["chat", "embeddings", "execute_tool", "invoke_agent", "gpt-4o", "openai", "12"]),
)


@st.composite
def trace_spans(draw: st.DrawFn, index: int) -> list[Span]:
    """A trace: a root and model calls, mostly well formed; now and then skewed or with odd attributes."""
    trace_id = f"{index + 1:032x}"
    start = 1_700_000_000 * 10**9 + index * draw(st.integers(min_value=0, max_value=20)) * 10**9
    root = Span(
        trace_id,
        "a" * 16,
        "",
        draw(st.sampled_from(["rag", "rag", "rag", "agent"])),
        start,
        start + 10 * 10**9,
        0,
        {},
        (),
        "f line 1",
    )
    # Roots named 'rag' more often than not, so a root filter leaves enough requests.
    spans = [root]
    rare = st.integers(min_value=0, max_value=40).map(lambda k: k == 0)
    for k in range(draw(st.sampled_from([0, 1, 1, 2, 2, 3, 4]))):
        parent = root if draw(st.integers(0, 3)) else draw(st.sampled_from(spans))
        offset = (
            draw(st.integers(min_value=-2 * 10**9, max_value=0))
            if draw(rare)
            else draw(st.integers(min_value=0, max_value=9 * 10**9))
        )
        duration = draw(st.integers(min_value=0, max_value=3 * 10**9))
        attributes: dict[str, Any] = {
            "gen_ai.operation.name": "chat",
            "gen_ai.request.model": draw(st.sampled_from(["gpt-4o", "gpt-4o-mini"])),
            "gen_ai.usage.input_tokens": draw(st.integers(min_value=0, max_value=5000)),
            "gen_ai.usage.output_tokens": draw(st.integers(min_value=0, max_value=800)),
        }
        if draw(rare):  # anything at all, in the attributes calibration reads
            attributes.update(draw(st.dictionaries(st.sampled_from(sorted(KEPT_ATTRIBUTES)), GENAI_VALUES, max_size=4)))
        events = tuple(
            draw(
                st.lists(
                    st.tuples(
                        st.sampled_from(["gen_ai.content.completion.chunk", "x"]),
                        st.integers(min_value=0, max_value=2**63),
                    ),
                    max_size=2,
                )
            )
        )
        begin = parent.start_ns + offset
        spans.append(
            Span(
                trace_id,
                f"{k + 1:016x}",
                parent.span_id,
                "chat",
                begin,
                begin + duration,
                draw(st.sampled_from([0, 0, 0, 2])),
                attributes,
                events,
                "f line 2",
            )
        )
    return spans


@SETTINGS
@given(
    data=st.data(),
    n=st.integers(0, 9) | st.integers(10, 24) | st.integers(10, 24),
    root=st.sampled_from([None, None, "rag"]),
)
def test_calibration_is_a_consistent_workload_or_a_clear_error(data: st.DataObject, n: int, root: str | None) -> None:
    spans = [s for i in range(n) for s in data.draw(trace_spans(i))]
    try:
        result = calibrate_spans(spans, root=root, sources=["f"])
    except TraceError as error:
        assert "\n" not in str(error)
        event(f"error: {error.message.split(':')[0][:40]}")
        return
    event("calibrated")
    workload = result.workload
    assert result.provenance["traces"] >= 10
    assert 0 <= workload["retry_rate"] <= 1 and workload["peak_requests_per_minute"] >= 1
    assert workload["requests_per_month"] >= 0
    names = [s["name"] for s in workload["steps"]]
    assert len(set(names)) == len(names) >= 1
    assert sum(1 for s in workload["steps"] if s.get("shown")) <= 1
    for step in workload["steps"]:
        assert 0 <= step["model_p50_s"] <= step["model_p95_s"]
        assert 0 <= step["cached_input_fraction"] <= 1 and step["repeat"] >= 1 and step["tool_latency_s"] >= 0
        assert min(step["input_tokens"], step["output_tokens"], step.get("reasoning_tokens", 0)) >= 0
    # The file calibrate writes reads back as that workload, its answers still to give; or,
    # when a measured figure is no figure a workload takes, one clear error and no file.
    try:
        text = calibrated_workload(result)
    except TraceError as error:
        assert "\n" not in str(error) and "the measured steps" in str(error)
        event("measured, not a workload")
        return
    data = parse_yaml(text, "workload.yaml")
    assert unanswered(data) == list(ANSWERS_TRACES_CANNOT_GIVE)
    assert all(line.startswith("#") or line == "" or not line.startswith(" ") for line in text.splitlines()[:5])
    profile = parse_profile({**data, "interaction": "chat", "latency_budget_s": 10, "downstream": "own_ui"})
    assert [s.name for s in profile.steps or []] == names
    assert profile.evidence is not None and profile.evidence.traces == result.provenance["traces"]


# -- text from the traces, into the workload file ------------------------------------------

# Any character, and often one of those that break a file or a terminal: lone surrogates
# (which JSON can spell), controls, format characters (bidirectional ones), line separators.
ANY_TEXT = st.text(
    alphabet=st.characters(exclude_categories=()) | st.characters(categories=["Cs", "Cc", "Cf", "Zl", "Zp"]),
    max_size=30,
)


@SETTINGS
@given(field=st.sampled_from(["model", "provider", "root"]), text=ANY_TEXT)
def test_any_text_from_the_traces_is_written_so_it_reads_back_or_refused_clearly(field: str, text: str) -> None:
    # The models, providers and root span name land in the workload file, the first step's
    # only in its step; whatever the traces spell there, the file calibrate writes is UTF-8
    # that reads back as what was measured, or calibration says in one line why it can't be.
    given = {"model": "gpt-4o-mini", "provider": "openai", "root": "ask", field: text}
    spans = []
    for i in range(12):
        start = 1_700_000_000 * 10**9 + i * 10 * 10**9
        trace_id = f"{i + 1:032x}"
        spans.append(Span(trace_id, "a" * 16, "", given["root"], start, start + 3 * 10**9, 0, {}, (), "f line 1"))
        for k, (model, provider) in enumerate([(given["model"], given["provider"]), ("gpt-4o", "openai")]):
            attributes = {
                "gen_ai.operation.name": "chat",
                "gen_ai.request.model": model,
                "gen_ai.provider.name": provider,
                "gen_ai.usage.input_tokens": 100,
                "gen_ai.usage.output_tokens": 10,
            }
            begin = start + (k + 1) * 10**6 + k * 10**9
            span_id = f"{k + 1:016x}"
            spans.append(Span(trace_id, span_id, "a" * 16, "chat", begin, begin + 10**9, 0, attributes, (), "f"))
    try:
        written = calibrated_workload(calibrate_spans(spans, sources=["f"]))
    except TraceError as error:
        assert "\n" not in str(error)
        event(f"error: {error.message[:40]}")
        return
    event("written")
    written.encode("utf-8")  # a file can hold it
    data = parse_yaml(written, "workload.yaml")
    step = data["steps"][0]
    assert step["model"] == given["model"]
    provider = given["provider"]
    assert step["provider"] == (PROVIDER_IDS.get(provider.lower(), provider) if provider else "unknown")
    assert data["name"] in (given["root"], "Calibrated workload")
