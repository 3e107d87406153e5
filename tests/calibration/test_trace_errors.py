"""Bad input: one clear TraceError naming the file and what is wrong, never a traceback."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from advisor.core.calibration import calibrate
from advisor.core.errors import TraceError
from advisor.core.genai import model_call
from advisor.core.otlp import read_spans

from .simulate import EPOCH_NS, S, Simulation, write_otlp_json


def _fails(paths: list[Path], message: str, **options) -> TraceError:
    with pytest.raises(TraceError) as caught:
        calibrate(paths, **options)
    text = str(caught.value)
    assert message in text, text
    assert "\n" not in text
    return caught.value


# -- files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty: no trace data"),
        (b"\n  \n", "is empty: no trace data"),
        (b"name: a yaml file\n", "not an OTLP/JSON trace export (it does not start with '{')"),
        (b"\x0a\x8c\x01\x0a\x10binary protobuf", "binary OTLP protobuf is not read"),
        (b'{"resourceMetrics": []}\n', "is an OTLP metrics export, not traces"),
        (b'{"resource_logs": []}\n', "is an OTLP logs export, not traces"),
        (b'{"traceEvents": [], "displayTimeUnit": "ms"}', "not an OTLP trace export: no 'resourceSpans'"),
        (b'{"resourceSpans": []}\n{"resourceSpans": [}\n', "line 2, column 20: not valid JSON: Expecting value"),
        (b'{"resourceSpans": [\n  {"scopeSpans": [\n  }\n', "not valid JSON (line 3, column 3)"),
        (b'{"resourceSpans": []}\n[{}, 2]\n', "line 2 item 1: expected a JSON object (an OTLP Export"),
        (b'[{"resourceSpans": []},\n 7]', "item 1: expected a JSON object"),
        (b'{"resourceSpans": []}\n"text"\n', "line 2: expected a JSON object (an OTLP ExportTraceServiceRequest)"),
        (b'{"resourceSpans": {"a": 1}}', "resourceSpans: must be an array (got an object)"),
        (
            b'{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "xyz"}]}]}]}',
            'resourceSpans[0].scopeSpans[0].spans[0].traceId: must be 32 hex digits (got "xyz")',
        ),
        # Windows PowerShell's '>' writes UTF-16 with a byte-order mark.
        (b"\xff\xfe" + '{"resourceSpans": []}'.encode("utf-16-le"), "is UTF-16 text; OTLP/JSON is UTF-8"),
        (b"\xfe\xff" + '{"resourceSpans": []}'.encode("utf-16-be"), "is UTF-16 text; OTLP/JSON is UTF-8"),
        (b'{"resourceSpans": [], "x": "\xff"}', "not UTF-8 text (line 1, column 29: byte 0xff)"),
        (
            b'{"resourceSpans": []}\n{"resourceSpans": [], "x": "caf\xe9"}\n',
            "not UTF-8 text (line 2, column 32: byte 0xe9)",
        ),
        (b'{"resourceSpans": [\n], "x": "\xe9"}', "not UTF-8 text (line 2, column 10: byte 0xe9)"),
        # Python refuses to read an integer of more than 4,300 digits; no OTLP field holds one.
        (b'{"resourceSpans": [], "x": ' + b"9" * 5000 + b"}\n", "holds a number of more than 4,300 digits"),
        (b'{"resourceSpans": []}\n{"x": ' + b"9" * 5000 + b"}\n", "line 2: holds a number of more than 4,300 digits"),
        (b"[" * 100_000, "nested too deeply"),
        (b"\x28\xb5\x2f\xfd\x00\x00", "is zstd-compressed; only gzip is read: decompress it first"),
        (b"\x00\x00\x01\x2c\x28\xb5\x2f\xfd\x00", "is the collector file exporter's compressed form"),
    ],
)
def test_not_an_otlp_trace_export(content: bytes, message: str, tmp_path: Path) -> None:
    path = tmp_path / "traces.jsonl"
    path.write_bytes(content)
    error = _fails([path], message)
    assert error.source == str(path)


@pytest.mark.parametrize("content", [b"null\n", b"42\n", b'"traces"\n', b"name: a yaml file\n"])
def test_text_that_is_not_a_json_object_is_not_called_binary(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "traces.json"
    path.write_bytes(content)
    error = _fails([path], "not an OTLP/JSON trace export (it does not start with '{')")
    assert "binary" not in str(error)


SPAN = {
    "traceId": "5b8efff798038103d269b633813fc60c",
    "spanId": "eee19b7ec3c1b174",
    "name": "chat",
    "startTimeUnixNano": "2",
    "endTimeUnixNano": "3",
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"traceId": "00000000000000000000000000000000"}, "traceId: is missing or all zeros"),
        ({"traceId": None}, "traceId: must be a string of 32 hex digits (got null)"),
        ({"spanId": "eee19b7ec3c1b17"}, "spanId: must be 16 hex digits"),
        ({"parentSpanId": 7}, "parentSpanId: must be a string of 16 hex digits (got a number)"),
        ({"startTimeUnixNano": "-5"}, "startTimeUnixNano: must be a whole number of nanoseconds"),
        # A time the instrumentation did not record: 0 (which proto3's JSON leaves out), or no field.
        ({"startTimeUnixNano": "0"}, "startTimeUnixNano: is 0, a time not recorded; a span needs its start and end"),
        ({"endTimeUnixNano": 0}, "endTimeUnixNano: is 0, a time not recorded; a span needs its start and end"),
        ({"startTimeUnixNano": None}, "startTimeUnixNano: is missing, a time not recorded; a span needs its start"),
        # -1 (an unset time in a signed field) written into OTLP's unsigned one.
        ({"endTimeUnixNano": str(2**64 - 1)}, "endTimeUnixNano: is 18446744073709551615, after the year 2262: a "
         "negative time written as unsigned, a time not recorded"),
        ({"endTimeUnixNano": 1.5}, "endTimeUnixNano: must be a whole number of nanoseconds"),
        ({"endTimeUnixNano": "1" * 21}, "endTimeUnixNano: must be a whole number of nanoseconds from 0 to 2^64-1"),
        ({"endTimeUnixNano": 2**64}, "endTimeUnixNano: must be a whole number of nanoseconds from 0 to 2^64-1"),
        (
            {"attributes": [{"key": "gen_ai.usage.input_tokens", "value": {"intValue": str(2**63)}}]},
            "attributes[0] (gen_ai.usage.input_tokens): intValue must be a 64-bit whole number",
        ),
        ({"endTimeUnixNano": "1" * 21}, "endTimeUnixNano: must be a whole number of nanoseconds from 0 to 2^64-1"),
        ({"endTimeUnixNano": 2**64}, "endTimeUnixNano: must be a whole number of nanoseconds from 0 to 2^64-1"),
        ({"endTimeUnixNano": "1"}, "spans[0]: span ends before it starts (end 1 < start 2)"),
        ({"name": ["chat"]}, "spans[0].name: must be a string (got an array)"),
        ({"status": {"code": "BROKEN"}}, "status.code: must be 0, 1, 2 or a STATUS_CODE_* name"),
        ({"events": [{"name": "x"}]}, "events[0].timeUnixNano: must be a whole number of nanoseconds"),
        ({"attributes": [{"value": {}}]}, "attributes[0]: must be an object with a string 'key'"),
        (
            {"attributes": [{"key": "gen_ai.usage.input_tokens", "value": {"intValue": "12a"}}]},
            "attributes[0] (gen_ai.usage.input_tokens): intValue must be a 64-bit whole number",
        ),
        (
            {"attributes": [{"key": "gen_ai.request.model", "value": {"stringValue": 4}}]},
            "attributes[0] (gen_ai.request.model): stringValue must be a string (got a number)",
        ),
        (
            {"attributes": [{"key": "gen_ai.request.model", "value": {"weirdValue": 4}}]},
            "value has no known type (keys: weirdValue)",
        ),
    ],
)
def test_malformed_span_names_line_and_field(change: dict, message: str, tmp_path: Path) -> None:
    path = tmp_path / "traces.jsonl"
    good = {"resourceSpans": [{"scopeSpans": [{"spans": [SPAN]}]}]}
    bad = {"resourceSpans": [{"scopeSpans": [{"spans": [{**SPAN, **change}]}]}]}
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    error = _fails([path], message)
    assert error.field is not None and error.field.startswith("line 2: resourceSpans[0].scopeSpans[0].spans[0]")


def test_snake_case_fields_are_named_as_written(tmp_path: Path) -> None:
    path = tmp_path / "traces.jsonl"
    span = {"trace_id": SPAN["traceId"], "span_id": SPAN["spanId"], "start_time_unix_nano": "x"}
    path.write_text(json.dumps({"resource_spans": [{"scope_spans": [{"spans": [span]}]}]}))
    _fails([path], "resource_spans[0].scope_spans[0].spans[0].start_time_unix_nano: must be a whole number")


def test_no_such_file_folder_fifo_device(tmp_path: Path) -> None:
    _fails([tmp_path / "missing.jsonl"], "missing.jsonl: no such file")
    _fails([tmp_path], "is a folder; give a trace export file")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    _fails([fifo], "pipe: is not a regular file (a device, FIFO or socket)")  # and does not wait for a writer
    _fails([Path("/dev/zero")], "/dev/zero: is not a regular file")
    _fails([], "no trace files given")


def test_unreadable_file(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    path = tmp_path / "secret.jsonl"
    path.write_text("{}")
    path.chmod(0)
    _fails([path], "permission denied")


def test_size_is_bounded_before_and_after_decompression(tmp_path: Path) -> None:
    line = json.dumps({"resourceSpans": []}) + "\n"
    plain = tmp_path / "big.jsonl"
    plain.write_text(line * 1000)
    with pytest.raises(TraceError, match="is larger than 10,000 bytes"):
        read_spans(plain, max_bytes=10_000)
    bomb = tmp_path / "bomb.gz"
    bomb.write_bytes(gzip.compress(b"{" + b" " * 50_000_000 + b"}"))  # 50 MB from ~50 kB
    assert bomb.stat().st_size < 100_000
    with pytest.raises(TraceError, match=r"is larger than 1,000,000 bytes \(decompressed"):
        read_spans(bomb, max_bytes=1_000_000)


def test_corrupt_and_truncated_gzip(tmp_path: Path) -> None:
    data = gzip.compress((json.dumps({"resourceSpans": []}) + "\n").encode() * 200)
    path = tmp_path / "t.gz"
    path.write_bytes(data[: len(data) // 2])
    _fails([path], "gzip data is corrupt or truncated")
    path.write_bytes(data[:20] + bytes(b ^ 0x55 for b in data[20:40]) + data[40:])
    _fails([path], "gzip data is corrupt or truncated")


# -- calibration ------------------------------------------------------------------------


def _rag(tmp_path: Path, starts: list[int], seed: int = 3) -> Path:
    sim = Simulation(seed)
    sim.rag_chat(starts)
    return write_otlp_json(sim.spans(), tmp_path / "rag.jsonl")


def _minutes(n: int, every_s: float) -> list[int]:
    return [EPOCH_NS + round(i * every_s * S) for i in range(n)]


def test_spans_without_genai_attributes(tmp_path: Path) -> None:
    sim = Simulation(1)
    for t in _minutes(20, 10):
        root = sim.span("GET /health", None, t, attributes={"http.route": "/health"})
        sim.span("SELECT", root, t + 1000, attributes={"db.system": "postgresql"}).end(end_time=t + 2000)
        root.end(end_time=t + 3000)
    path = write_otlp_json(sim.spans(), tmp_path / "traces.jsonl")
    _fails([path], "none of the 40 spans carries GenAI attributes (gen_ai.operation.name")


def test_agent_and_tool_spans_only(tmp_path: Path) -> None:
    sim = Simulation(1)
    for t in _minutes(20, 10):
        root = sim.span("invoke_agent support", None, t, attributes={"gen_ai.operation.name": "invoke_agent"})
        tool = sim.span("execute_tool search", root, t + 10, attributes={"gen_ai.operation.name": "execute_tool"})
        tool.end(end_time=t + 20)
        root.end(end_time=t + 30)
    path = write_otlp_json(sim.spans(), tmp_path / "traces.jsonl")
    _fails([path], "40 spans carry GenAI attributes but none is a model call")


def test_model_span_without_a_model(tmp_path: Path) -> None:
    sim = Simulation(1)
    root = sim.span("rag.chat", None, EPOCH_NS)
    sim.span("chat", root, EPOCH_NS + 1, attributes={"gen_ai.operation.name": "chat"}).end(end_time=EPOCH_NS + 5)
    root.end(end_time=EPOCH_NS + 10)
    path = write_otlp_json(sim.spans(), tmp_path / "traces.jsonl")
    error = _fails([path], "span 'chat' (trace ")
    assert "without gen_ai.request.model or gen_ai.response.model" in str(error)
    assert error.source == f"{path} line 1"


def test_bad_token_count(tmp_path: Path) -> None:
    sim = Simulation(1)
    root = sim.span("rag.chat", None, EPOCH_NS)
    sim.span(
        "chat",
        root,
        EPOCH_NS + 1,
        attributes={
            "gen_ai.operation.name": "chat",
            "gen_ai.request.model": "gpt-4o",
            "gen_ai.usage.input_tokens": -3,
        },
    ).end(end_time=EPOCH_NS + 5)
    root.end(end_time=EPOCH_NS + 10)
    path = write_otlp_json(sim.spans(), tmp_path / "traces.jsonl")
    _fails([path], "gen_ai.usage.input_tokens must be a whole number of tokens, 0 or more (got -3)")


@pytest.mark.parametrize(
    ("attribute", "value", "message"),
    [
        # Milliseconds in an attribute the conventions give in seconds.
        ("gen_ai.response.time_to_first_chunk", 450.0, "gen_ai.response.time_to_first_chunk is 450 s, after the call "
         "ended (1.2 s after it started): a first chunk comes before the call ends (is it in milliseconds?)"),
        ("ai.response.msToFirstChunk", 1500.0, "ai.response.msToFirstChunk is 1.5 s, after the call ended (1.2 s"),
    ],
)
def test_a_first_chunk_after_the_call_ended(attribute: str, value: float, message: str, tmp_path: Path) -> None:
    sim = Simulation(1)
    root = sim.span("rag.chat", None, EPOCH_NS)
    attributes = {"gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o", attribute: value}
    sim.span("chat", root, EPOCH_NS + S, attributes=attributes).end(end_time=EPOCH_NS + S + 1_200_000_000)
    root.end(end_time=EPOCH_NS + 3 * S)
    path = write_otlp_json(sim.spans(), tmp_path / "traces.jsonl")
    error = _fails([path], message)
    assert error.source == f"{path} line 1"


def test_a_first_chunk_within_a_millisecond_of_the_end_is_the_end(tmp_path: Path) -> None:
    # SDKs with millisecond clocks round the first chunk of a one-chunk answer past the end.
    sim = Simulation(1)
    root = sim.span("rag.chat", None, EPOCH_NS)
    attributes = {
        "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o", "ai.response.msToFirstChunk": 1200.4
    }
    sim.span("chat", root, EPOCH_NS + S, attributes=attributes).end(end_time=EPOCH_NS + S + 1_200_000_000)
    root.end(end_time=EPOCH_NS + 3 * S)
    call = model_call(read_spans(write_otlp_json(sim.spans(), tmp_path / "traces.jsonl"))[0])
    assert call is not None and call.ttft_s == 1.2


def test_trace_without_root(tmp_path: Path) -> None:
    sim = Simulation(1)
    sim.rag_chat(_minutes(20, 10))
    spans = [s for s in sim.spans() if s.parent is not None or s.name != "rag.chat" or s.start_time > EPOCH_NS]
    path = write_otlp_json(spans, tmp_path / "cut.jsonl")
    _fails([path], "has no root span (every span names a parent): the export is incomplete")


def test_clock_skew(tmp_path: Path) -> None:
    sim = Simulation(1)
    sim.rag_chat(_minutes(20, 10))
    root = sim.span("rag.chat", None, EPOCH_NS + 300 * S)
    sim.model_call(root, EPOCH_NS + 299 * S, model="gpt-4o", duration_s=1.2, input_tokens=10, output_tokens=5)
    root.end(end_time=EPOCH_NS + 302 * S)
    path = write_otlp_json(sim.spans(), tmp_path / "skew.jsonl")
    _fails([path], "clock skew in trace ")
    _fails([path], "span 'chat gpt-4o' starts 1.000 s before its parent 'rag.chat'")


def test_small_skew_is_rounding_not_skew(tmp_path: Path) -> None:
    sim = Simulation(1)
    sim.rag_chat(_minutes(20, 10))
    root = sim.span("rag.chat", None, EPOCH_NS + 300 * S)
    sim.model_call(root, EPOCH_NS + 300 * S - 500_000, model="gpt-4o", duration_s=1.2, input_tokens=10, output_tokens=5)
    root.end(end_time=EPOCH_NS + 302 * S)
    path = write_otlp_json(sim.spans(), tmp_path / "ok.jsonl")
    assert calibrate([path]).provenance["traces"] == 21


def test_window_shorter_than_a_minute(tmp_path: Path) -> None:
    path = _rag(tmp_path, _minutes(30, 1.5))  # 30 requests in 43.5 s
    _fails(
        [path],
        "the 30 requests (traces with a model call) start within 43.5 s; calibration needs at least "
        "a minute of traffic",
    )


def test_fewer_than_ten_requests(tmp_path: Path) -> None:
    path = _rag(tmp_path, _minutes(9, 60))
    _fails([path], "only 9 requests (traces with a model call); calibration needs at least 10: export a longer window")
    _fails([path], "only 9 requests (traces with a model call whose root span is 'rag.chat')", root="rag.chat")
    assert calibrate([_rag(tmp_path, _minutes(10, 7))]).provenance["traces"] == 10


def test_unknown_root_names_the_roots_found(tmp_path: Path) -> None:
    path = _rag(tmp_path, _minutes(20, 10))
    _fails(
        [path],
        "no trace with a model call has a root span named 'chat'; their root spans are: 'rag.chat' (20)",
        root="chat",
    )


@pytest.mark.parametrize("days", [0, -1, float("nan"), float("inf"), 0.0001, True, "7"])
def test_bad_window_days(days: object, tmp_path: Path) -> None:
    with pytest.raises(TraceError, match="must be a number of days covering at least a minute") as caught:
        calibrate([_rag(tmp_path, _minutes(20, 10))], window_days=days)  # type: ignore[arg-type]
    assert caught.value.field == "window_days"


def test_window_days_shorter_than_the_traces(tmp_path: Path) -> None:
    path = _rag(tmp_path, _minutes(20, 600))  # 20 requests over 3 h 10 min
    _fails([path], "the requests span 0.13 days, longer than the window given (0.1 days)", window_days=0.1)


def test_text_from_the_file_is_escaped_in_messages(tmp_path: Path) -> None:
    sim = Simulation(1)
    root = sim.span("rag.chat", None, EPOCH_NS)
    name = "chat\n\x1b[2J" + "x" * 200
    sim.span(name, root, EPOCH_NS + 1, attributes={"gen_ai.operation.name": "chat"}).end(end_time=EPOCH_NS + 5)
    root.end(end_time=EPOCH_NS + 10)
    path = write_otlp_json(sim.spans(), tmp_path / "traces.jsonl")
    error = _fails([path], "span '\"chat\\n\\u001b[2Jxxx")
    assert "\x1b" not in str(error) and len(str(error)) < 400


@pytest.mark.parametrize(
    ("content", "message"),
    [
        # One line: a JSON Lines export; a whole document written over several lines.
        (b'{"resourceSpans": [], "resourceSpans": [{}]}\n', "line 1: duplicate key 'resourceSpans' in one object"),
        (b'{\n  "resourceSpans": [],\n  "resourceSpans": [{}]\n}\n', "duplicate key 'resourceSpans' in one object"),
        (b'{"resourceSpans": [{"resource": {}, "resource": {}}]}\n', "line 1: duplicate key 'resource' in one object"),
    ],
)
def test_a_key_written_twice_is_refused_as_in_yaml(content: bytes, message: str, tmp_path: Path) -> None:
    """json keeps the last of two values without a word; the trace reader, like the YAML one, refuses."""
    path = tmp_path / "traces.json"
    path.write_bytes(content)
    error = _fails([path], message)
    assert str(error).startswith(f"{path}: ") and "a key may appear once" in str(error)
