"""Reading OTLP/JSON: every span the SDK recorded comes back as it was, in every accepted form."""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from google.protobuf import json_format
from hypothesis import given, settings
from hypothesis import strategies as st
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.trace import StatusCode

from advisor.core.errors import InputError, TraceError
from advisor.core.otlp import (
    STATUS_ERROR,
    STATUS_OK,
    STATUS_UNSET,
    _Bounded,
    parse_export,
    parse_request,
    read_spans,
)

from .conftest import Hour
from .simulate import request_json

_STATUS = {StatusCode.UNSET: STATUS_UNSET, StatusCode.OK: STATUS_OK, StatusCode.ERROR: STATUS_ERROR}


def _expected(sdk_span) -> tuple:
    parent = sdk_span.parent
    return (
        f"{sdk_span.context.trace_id:032x}",
        f"{sdk_span.context.span_id:016x}",
        f"{parent.span_id:016x}" if parent else "",
        sdk_span.name,
        sdk_span.start_time,
        sdk_span.end_time,
        _STATUS[sdk_span.status.status_code],
        dict(sdk_span.attributes),
        tuple((e.name, e.timestamp) for e in sdk_span.events),
    )


def _got(span) -> tuple:
    return (
        span.trace_id,
        span.span_id,
        span.parent_id,
        span.name,
        span.start_ns,
        span.end_ns,
        span.status,
        span.attributes,
        span.events,
    )


@pytest.mark.parametrize("which", ["export", "legacy_export"])
def test_every_span_reads_back_as_the_sdk_recorded_it(which: str, request: pytest.FixtureRequest) -> None:
    hour: Hour = request.getfixturevalue("hour" if which == "export" else "legacy_hour")
    spans = read_spans(request.getfixturevalue(which))
    assert [_got(s) for s in spans] == [_expected(s) for s in hour.spans]
    assert spans[0].source.endswith("line 1")


def test_protobuf_json_mapping_reads_the_same(hour: Hour) -> None:
    """The official messages' own JSON (base64 ids, enum names) gives the same spans as OTLP/JSON."""
    batch = hour.spans[:300]
    official = json_format.MessageToDict(encode_spans(batch))
    otlp_json = request_json(batch)
    assert official != otlp_json
    assert parse_request(official, source="x") == parse_request(otlp_json, source="x")


def test_only_the_attributes_asked_for_are_decoded(export: Path) -> None:
    spans = read_spans(export, attributes={"gen_ai.request.model"})
    models = {s.attributes.get("gen_ai.request.model") for s in spans}
    assert models == {None, "gpt-4o-mini", "gpt-4o", "o3-mini"}
    assert all(set(s.attributes) <= {"gen_ai.request.model"} for s in spans)


def _request(spans: list[dict], **resource) -> dict:
    return {"resourceSpans": [{"resource": resource, "scopeSpans": [{"scope": {}, "spans": spans}]}]}


SPAN = {
    "traceId": "5B8EFFF798038103D269B633813FC60C",
    "spanId": "EEE19B7EC3C1B174",
    "parentSpanId": "",
    "name": "chat gpt-4o",
    "kind": 3,
    "startTimeUnixNano": "1544712660000000000",
    "endTimeUnixNano": 1544712661000000000,
    "attributes": [
        {"key": "gen_ai.usage.input_tokens", "value": {"intValue": 12}},
        {"key": "gen_ai.request.model", "value": {"stringValue": "gpt-4o"}},
        {"key": "gen_ai.response.time_to_first_chunk", "value": {"doubleValue": "0.25"}},
        {"key": "gen_ai.response.finish_reasons", "value": {"arrayValue": {"values": [{"stringValue": "stop"}]}}},
        {"key": "empty", "value": {}},
    ],
    "status": {"code": "STATUS_CODE_ERROR", "message": "429"},
    "events": [{"timeUnixNano": "1544712660300000000", "name": "gen_ai.content.completion.chunk"}],
    "links": [],
    "flags": 256,
    "futureField": {"anything": True},
}


def _check_one(spans) -> None:
    (span,) = spans
    assert span.trace_id == "5b8efff798038103d269b633813fc60c" and span.span_id == "eee19b7ec3c1b174"
    assert span.parent_id == "" and span.status == STATUS_ERROR
    assert (span.start_ns, span.end_ns) == (1544712660000000000, 1544712661000000000)
    assert span.attributes == {
        "gen_ai.usage.input_tokens": 12,
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.response.time_to_first_chunk": 0.25,
        "gen_ai.response.finish_reasons": ["stop"],
        "empty": None,
    }
    assert span.events == (("gen_ai.content.completion.chunk", 1544712660300000000),)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(json.dumps(_request([SPAN])) + "\n", id="json-lines"),
        pytest.param("\n\r\n" + json.dumps(_request([SPAN])) + "\r\n\n", id="blank-lines-crlf"),
        pytest.param("\ufeff" + json.dumps(_request([SPAN])), id="byte-order-mark"),
        pytest.param(json.dumps(_request([SPAN]), indent=2), id="one-document"),
        pytest.param(json.dumps([_request([SPAN]), {}], indent=1), id="array-of-requests"),
        pytest.param(json.dumps([{}, _request([SPAN])]), id="array-on-one-line"),
        pytest.param(
            json.dumps({"resource_spans": [{"instrumentationLibrarySpans": [{"spans": [SPAN]}]}]}),
            id="legacy-instrumentation-library",
        ),
        pytest.param("{}\n" + json.dumps(_request([SPAN])), id="empty-request-first"),
    ],
)
def test_accepted_forms(text: str, tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(text, encoding="utf-8")
    _check_one(read_spans(path))
    path.write_bytes(gzip.compress(text.encode()))
    _check_one(read_spans(path))


def test_blank_lines_are_skipped_a_block_at_a_time(tmp_path: Path) -> None:
    # A 100 KB gzip of 100 MB of newlines took 107 s, read one line at a time: now a read per
    # 64 KB block. (The count of reads is the test, not the time.)
    blank = 8 << 20
    text = b"\n" * blank + json.dumps(_request([SPAN])).encode() + b"\n" + b" \r\n" * (blank // 3)
    reader = _Bounded(io.BytesIO(text), len(text), "t.jsonl", compressed=False)
    first, lines = reader.next_line()
    assert lines == blank + 1 and first.startswith(b'{"resourceSpans"')
    assert reader.next_line() == (b"", blank // 3)
    assert reader.reads <= len(text) // (1 << 16) + 3
    path = tmp_path / "t.jsonl.gz"
    path.write_bytes(gzip.compress(text, compresslevel=1))
    _check_one(read_spans(path))
    # A file of nothing but blank lines is empty, said once the whole file was read.
    path.write_bytes(gzip.compress(b"\n" * blank, compresslevel=1))
    with pytest.raises(TraceError, match="is empty: no trace data"):
        read_spans(path)


_LINE_PARTS = st.sampled_from([b"\n", b"\r\n", b" ", b"\t", b"\x0b", b"{}", b'{"a": 1}', b"x" * 70_000])


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(_LINE_PARTS, max_size=40), limit_over=st.integers(0, 2))
def test_the_next_line_is_what_reading_line_by_line_gives(parts: list[bytes], limit_over: int) -> None:
    """next_line() gives the lines a line-at-a-time reader gives, skipping the blank ones, with
    the same line numbers, and fails on the same size limit."""
    data = b"".join(parts)
    expected = [(line, number) for number, line in enumerate(io.BytesIO(data), 1) if line.strip()]
    limit = max(0, len(data) - 1 + limit_over)
    reader = _Bounded(io.BytesIO(data), limit, "t.jsonl", compressed=False)
    got, number = [], 0
    try:
        while True:
            line, read = reader.next_line()
            if not line:
                break
            number += read
            got.append((line, number))
    except TraceError as exc:
        assert limit < len(data) and "is larger than" in str(exc)
        return
    assert limit >= len(data)
    # Each line whole, but for whitespace before it that began in an earlier block.
    assert [n for _, n in got] == [n for _, n in expected]
    assert all(whole.endswith(line) and line.lstrip() == whole.lstrip()
               for (line, _), (whole, _) in zip(got, expected, strict=True))


def test_base64_ids_and_snake_case(tmp_path: Path) -> None:
    span = {
        "trace_id": "W47/95gDgQPSabYzgT/GDA==",
        "span_id": "7uGbfsPBsXQ=",
        "name": "chat gpt-4o",
        "start_time_unix_nano": 1544712660000000000,
        "end_time_unix_nano": "1544712661000000000",
        "attributes": [
            {"key": "gen_ai.usage.input_tokens", "value": {"int_value": "12"}},
            {"key": "gen_ai.request.model", "value": {"string_value": "gpt-4o"}},
            {"key": "gen_ai.response.time_to_first_chunk", "value": {"double_value": 0.25}},
            {"key": "gen_ai.response.finish_reasons", "value": {"array_value": {"values": [{"string_value": "stop"}]}}},
            {"key": "empty", "value": None},
        ],
        "status": {"code": 2},
        "events": [{"time_unix_nano": 1544712660300000000, "name": "gen_ai.content.completion.chunk"}],
    }
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps({"resource_spans": [{"scope_spans": [{"spans": [span]}]}]}))
    _check_one(read_spans(path))


def test_an_upload_reads_as_the_file_does(export: Path, legacy_export: Path) -> None:
    """The app's upload goes through parse_export: the same spans, the same errors, gzip included."""
    for path in (export, legacy_export):
        assert parse_export(path.read_bytes(), "upload.jsonl") == [
            replace(span, source=span.source.replace(str(path), "upload.jsonl")) for span in read_spans(path)
        ]
    with pytest.raises(TraceError) as caught:
        parse_export(b'{"resourceMetrics": []}', "upload.jsonl")
    assert str(caught.value) == "upload.jsonl: line 1: is an OTLP metrics export, not traces"


def test_a_trace_error_is_an_input_error_the_cli_reports_with_exit_2() -> None:
    assert issubclass(TraceError, InputError)
    error = TraceError("must be 32 hex digits", source="t.jsonl", field="line 2: resourceSpans[0].spans[0].traceId")
    assert str(error) == "t.jsonl: line 2: resourceSpans[0].spans[0].traceId: must be 32 hex digits"
    assert str(TraceError("too short", field="--window-days")) == "option --window-days: too short"
