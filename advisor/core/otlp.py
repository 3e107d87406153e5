"""Reading OTLP/JSON trace exports, as the OpenTelemetry Collector's file exporter writes them.

Accepted input, per file:
- JSON Lines: one ``ExportTraceServiceRequest`` (or ``TracesData``, the same shape) per line,
  which is what the file exporter writes; or one JSON document (pretty-printed or not), or a
  JSON array of such requests;
- the camelCase field names of OTLP/JSON and the snake_case names of the proto fields, mixed
  freely, as the collector's own reader accepts them;
- trace and span ids as hex (OTLP/JSON) or as base64 (protobuf's own JSON mapping);
- 64-bit integers as JSON strings or numbers; enums as integers or as their names;
- gzip-compressed files, recognised by their first bytes rather than their name.

Plain ``json`` rather than protobuf's JSON mapping: OTLP/JSON deviates from proto3 JSON (hex
ids), and protobuf's parser reads a hex id as base64 without complaint, giving wrong bytes.
docs/calibration.md gives the measurement behind the choice.

Every problem is a ``TraceError`` naming the file, the line and the field; nothing else escapes.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import io
import json
import os
import re
import stat
import sys
import zlib
from collections.abc import Container, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .errors import TraceError
from .files import NUL_IN_PATH
from .resources import checkout_only_hint


def printable(text: str, limit: int = 80) -> str:
    """Text from a trace file, safe in a one-line message or a YAML comment.

    Returned as it is when it is short and printable; otherwise JSON-quoted, with control
    characters and line breaks escaped, and shortened.
    """
    if len(text) <= limit and text.isprintable():
        return text
    return json.dumps(text if len(text) <= limit else text[: limit - 3] + "...", ensure_ascii=True)


class _DuplicateKey(Exception):  # not a ValueError: never taken for a parse failure
    """A key written twice in one JSON object (json keeps the last one without a word)."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refused when a key appears twice, as a YAML input's is."""
    value = dict(pairs)
    if len(value) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return value


def _loads(text: bytes) -> Any:
    return json.loads(text, object_pairs_hook=_json_object)


def _duplicate(exc: _DuplicateKey, where: str, source: str) -> TraceError:
    return TraceError(
        f"{where}duplicate key {printable(exc.key)!r} in one object: a key may appear once "
        "(a JSON reader would silently keep the last value)",
        source=source,
    )


# Decompressed bytes read from one file. A collector file exporter rotates well below this
# (its default rotation is 100 MiB); the bound keeps a gzip bomb from filling memory.
MAX_FILE_BYTES = 1 << 30
# One JSON document is held whole in memory while parsed; JSON Lines are read a line at a time.
MAX_DOCUMENT_BYTES = 256 << 20
# Nesting of attribute values (arrays and key-value lists inside each other).
MAX_VALUE_DEPTH = 32

STATUS_UNSET, STATUS_OK, STATUS_ERROR = 0, 1, 2
_STATUS_NAMES = {"STATUS_CODE_UNSET": STATUS_UNSET, "STATUS_CODE_OK": STATUS_OK, "STATUS_CODE_ERROR": STATUS_ERROR}

_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_OTHER_COMPRESSION = {
    _ZSTD_MAGIC: "zstd",
    b"BZh": "bzip2",
    b"\xfd7zXZ": "xz",
    b"PK\x03\x04": "zip",
}


@dataclass(slots=True)
class Span:
    """One span, reduced to what calibration reads."""

    trace_id: str  # 32 lowercase hex digits
    span_id: str  # 16 lowercase hex digits
    parent_id: str  # "" for a root span
    name: str
    start_ns: int
    end_ns: int
    status: int  # STATUS_UNSET, STATUS_OK, STATUS_ERROR (or a code this reader does not know)
    attributes: dict[str, Any]  # decoded values of the attributes asked for
    events: tuple[tuple[str, int], ...]  # (name, time in ns), in file order
    source: str  # "FILE line N", for messages about this span


class _Bad(Exception):
    """A problem inside one request; the caller adds the file and line."""

    def __init__(self, path: str, message: str):
        super().__init__(message)
        self.path = path
        self.message = message


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=True) if not isinstance(value, bytes) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _field(obj: dict[str, Any], camel: str, snake: str) -> Any:
    value = obj.get(camel)
    return obj.get(snake) if value is None else value


def _spelled(obj: dict[str, Any], camel: str, snake: str) -> str:
    return snake if camel not in obj and snake in obj else camel


def _list(value: Any, path: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Bad(path, f"must be an array (got {_kind(value)})")
    return value


def _object(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Bad(path, f"must be an object (got {_kind(value)})")
    return value


# -- scalar fields ------------------------------------------------------------------


def decode_id(value: Any, nbytes: int) -> str:
    """A trace id (16 bytes) or span id (8 bytes): hex as OTLP/JSON has it, or base64.

    Returns lowercase hex, "" for an empty id. Raises ValueError with the reason.
    """
    if not isinstance(value, str):
        raise ValueError(f"must be a string of {2 * nbytes} hex digits (got {_kind(value)})")
    if value == "":
        return ""
    if len(value) == 2 * nbytes:
        try:
            raw = bytes.fromhex(value)
        except ValueError:
            raw = b""
        if len(raw) == nbytes:
            return raw.hex()
    elif len(value) == 4 * ((nbytes + 2) // 3):  # base64, as protobuf's JSON mapping writes bytes
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) == nbytes:
            return raw.hex()
    raise ValueError(f"must be {2 * nbytes} hex digits (got {_show(value)})")


_UINT64_MAX = 2**64 - 1
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def decode_uint(value: Any) -> int:
    """A uint64 as OTLP/JSON writes it: a decimal string, or a JSON number."""
    number: int | None = None
    if type(value) is int:
        number = value
    elif (type(value) is str and value.isascii() and value.isdigit() and len(value) <= 20) or (
        type(value) is float and value.is_integer()
    ):
        number = int(value)
    if number is None or not 0 <= number <= _UINT64_MAX:
        raise ValueError(
            f"must be a whole number of nanoseconds from 0 to 2^64-1, as a string or number (got {_show(value)})"
        )
    return number


def _int64(value: Any) -> int:
    number: int | None = None
    if type(value) is int:
        number = value
    elif type(value) is str:
        text = value[1:] if value[:1] == "-" else value
        if text.isascii() and text.isdigit() and len(text) <= 19:
            number = int(value)
    elif type(value) is float and value.is_integer():
        number = int(value)
    if number is None or not _INT64_MIN <= number <= _INT64_MAX:
        raise ValueError(f"intValue must be a 64-bit whole number, as a string or number (got {_show(value)})")
    return number


_SPECIAL_DOUBLES = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


def _double(value: Any) -> float:
    if type(value) is int and not -sys.float_info.max <= value <= sys.float_info.max:
        # Beyond a double's range: the infinity "1e400" as text (below) or any JSON reader makes
        # of it, which the figures then refuse by name, rather than float()'s OverflowError.
        return float("inf") if value > 0 else float("-inf")
    if type(value) in (int, float):
        return float(value)
    if type(value) is str:
        if value in _SPECIAL_DOUBLES:
            return _SPECIAL_DOUBLES[value]
        try:
            return float(value)  # proto3 JSON allows a number written as a string
        except ValueError:
            pass
    raise ValueError(f"doubleValue must be a number (got {_show(value)})")


def _values(inner: Any, kind: str) -> list[Any]:
    if not isinstance(inner, dict):
        raise ValueError(f"{kind} must be an object with 'values' (got {_kind(inner)})")
    values = inner.get("values")
    if values is None:
        return []
    if not isinstance(values, list):
        raise ValueError(f"{kind}.values must be an array (got {_kind(values)})")
    return values


def decode_any_value(value: Any, depth: int = 0) -> Any:
    """Decode an OTLP ``AnyValue`` ({"stringValue": ...}, {"int_value": "3"}, ...).

    Returns str, bool, int, float, bytes, list, dict, or None for an empty value.
    Raises ValueError naming what is wrong.
    """
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError(f'value must be an object such as {{"stringValue": ...}} (got {_kind(value)})')
    if depth > MAX_VALUE_DEPTH:
        raise ValueError(f"value is nested more than {MAX_VALUE_DEPTH} levels deep")
    for key, inner in value.items():
        if key in ("stringValue", "string_value"):
            if not isinstance(inner, str):
                raise ValueError(f"stringValue must be a string (got {_kind(inner)})")
            return inner
        if key in ("intValue", "int_value"):
            return _int64(inner)
        if key in ("doubleValue", "double_value"):
            return _double(inner)
        if key in ("boolValue", "bool_value"):
            if not isinstance(inner, bool):
                raise ValueError(f"boolValue must be true or false (got {_show(inner)})")
            return inner
        if key in ("arrayValue", "array_value"):
            items = _values(inner, "arrayValue")
            return [decode_any_value(item, depth + 1) for item in items]
        if key in ("kvlistValue", "kvlist_value"):
            pairs = _values(inner, "kvlistValue")
            result: dict[str, Any] = {}
            for pair in pairs:
                if not isinstance(pair, dict) or not isinstance(pair.get("key"), str):
                    raise ValueError("kvlistValue.values must hold objects with a string 'key'")
                result[pair["key"]] = decode_any_value(pair.get("value"), depth + 1)
            return result
        if key in ("bytesValue", "bytes_value"):
            if not isinstance(inner, str):
                raise ValueError(f"bytesValue must be a base64 string (got {_kind(inner)})")
            try:
                return base64.b64decode(inner, validate=True)
            except (binascii.Error, ValueError):
                raise ValueError(f"bytesValue must be base64 (got {_show(inner)})") from None
    if not value:
        return None
    keys = ", ".join(printable(str(key), 40) for key in sorted(value)[:5])
    raise ValueError(f"value has no known type (keys: {keys})")


def _status(value: Any, path: str) -> int:
    if value is None:
        return STATUS_UNSET
    code = _object(value, path).get("code")
    if code is None:
        return STATUS_UNSET
    if type(code) is int:
        return code
    if isinstance(code, str) and code in _STATUS_NAMES:
        return _STATUS_NAMES[code]
    raise _Bad(f"{path}.code", f"must be 0, 1, 2 or a STATUS_CODE_* name (got {_show(code)})")


# -- structure ----------------------------------------------------------------------


def _attributes(items: Any, path: str, keep: Container[str] | None) -> dict[str, Any]:
    result: dict[str, Any] = {}
    where: dict[str, int] = {}
    for i, item in enumerate(_list(items, path)):
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            raise _Bad(f"{path}[{i}]", "must be an object with a string 'key' and a 'value'")
        key = item["key"]
        if keep is None or key in keep:
            try:
                value = decode_any_value(item.get("value"))
            except ValueError as exc:
                raise _Bad(f"{path}[{i}] ({printable(key, 60)})", str(exc)) from None
            # repr, not ==: 1 == 1.0 == True, yet an intValue and a boolValue are two values, and
            # which one was kept (the last) decided whether a token count was read or refused.
            if key in result and repr(result[key]) != repr(value):
                # OTLP: attribute keys MUST be unique. Which of two values is meant is not for their order to decide.
                raise _Bad(
                    f"{path}[{i}] ({printable(key, 60)})",
                    f"the span gives this attribute twice, with another value at {path}[{where[key]}] "
                    f"({printable(repr(result[key]), 60)}, here {printable(repr(value), 60)}): an attribute key "
                    "may appear once in a span, so which value is meant can't be told",
                )
            result[key] = value
            where.setdefault(key, i)
    return result


def _events(items: Any, path: str) -> tuple[tuple[str, int], ...]:
    events = []
    for i, item in enumerate(_list(items, path)):
        event = _object(item, f"{path}[{i}]")
        name = event.get("name", "")
        if not isinstance(name, str):
            raise _Bad(f"{path}[{i}].name", f"must be a string (got {_kind(name)})")
        try:
            when = decode_uint(_field(event, "timeUnixNano", "time_unix_nano"))
        except ValueError as exc:
            raise _Bad(f"{path}[{i}].{_spelled(event, 'timeUnixNano', 'time_unix_nano')}", str(exc)) from None
        events.append((name, when))
    return tuple(events)


def _span_time(value: Any) -> int:
    """A span's start or end. Both are required; 0 is what an unset time is (proto3's JSON
    leaves it out), and read as 1970 it would stretch the traffic's window over 55 years;
    past 2^63 - 1 (the year 2262) it is a signed -1 read as unsigned."""
    not_recorded = "a time not recorded; a span needs its start and end (nanoseconds since 1970)"
    if value is None:
        raise ValueError(f"is missing, {not_recorded}")
    time = decode_uint(value)
    if time == 0:
        raise ValueError(f"is 0, {not_recorded}")
    if time > _INT64_MAX:  # -1 and its kin, as an SDK's unset time lands in the unsigned field
        raise ValueError(f"is {time}, after the year 2262: a negative time written as unsigned, {not_recorded}")
    return time


def _span(obj: Any, path: str, source: str, keep: Container[str] | None) -> Span:
    span = _object(obj, path)
    get = span.get
    try:
        key = "traceId"
        trace_id = decode_id(_field(span, "traceId", "trace_id"), 16)
        if not trace_id or trace_id == "0" * 32:
            raise ValueError("is missing or all zeros (an invalid trace id)")
        key = "spanId"
        span_id = decode_id(_field(span, "spanId", "span_id"), 8)
        if not span_id or span_id == "0" * 16:
            raise ValueError("is missing or all zeros (an invalid span id)")
        key = "parentSpanId"
        parent = _field(span, "parentSpanId", "parent_span_id")
        parent_id = "" if parent is None else decode_id(parent, 8)
        if parent_id == "0" * 16:
            parent_id = ""
        key = "startTimeUnixNano"
        start = _span_time(_field(span, "startTimeUnixNano", "start_time_unix_nano"))
        key = "endTimeUnixNano"
        end = _span_time(_field(span, "endTimeUnixNano", "end_time_unix_nano"))
    except ValueError as exc:
        snake = "".join("_" + c.lower() if c.isupper() else c for c in key)
        raise _Bad(f"{path}.{_spelled(span, key, snake)}", str(exc)) from None
    if end < start:
        raise _Bad(path, f"span ends before it starts (end {end} < start {start})")
    name = get("name", "")
    if not isinstance(name, str):
        raise _Bad(f"{path}.name", f"must be a string (got {_kind(name)})")
    return Span(
        trace_id=trace_id,
        span_id=span_id,
        parent_id=parent_id,
        name=name,
        start_ns=start,
        end_ns=end,
        status=_status(get("status"), f"{path}.status"),
        attributes=_attributes(get("attributes"), f"{path}.attributes", keep),
        events=_events(get("events"), f"{path}.events"),
        source=source,
    )


_OTHER_SIGNALS = {
    "resourceMetrics": "metrics",
    "resource_metrics": "metrics",
    "resourceLogs": "logs",
    "resource_logs": "logs",
    "resourceProfiles": "profiles",
    "resource_profiles": "profiles",
}


def parse_request(obj: Any, *, source: str, attributes: Container[str] | None = None) -> list[Span]:
    """The spans of one decoded ``ExportTraceServiceRequest`` (or ``TracesData``).

    ``attributes``: the attribute keys to decode (None: all). Raises ``_Bad`` with a path.
    """
    if not isinstance(obj, dict):
        raise _Bad("", f"expected a JSON object (an OTLP ExportTraceServiceRequest), got {_kind(obj)}")
    resource_spans = _field(obj, "resourceSpans", "resource_spans")
    if resource_spans is None:
        other = next((signal for key, signal in _OTHER_SIGNALS.items() if key in obj), None)
        if other:
            raise _Bad("", f"is an OTLP {other} export, not traces")
        # Present but null reads as empty, as a null scopeSpans or spans below does (proto3's
        # JSON null is the default value): never "no 'resourceSpans' (found resourceSpans)".
        if obj and "resourceSpans" not in obj and "resource_spans" not in obj:
            keys = ", ".join(printable(key, 40) for key in sorted(obj)[:5])
            raise _Bad("", f"not an OTLP trace export: no 'resourceSpans' (found {keys})")
        return []
    rs_key = _spelled(obj, "resourceSpans", "resource_spans")
    spans: list[Span] = []
    for i, rs in enumerate(_list(resource_spans, rs_key)):
        rs_path = f"{rs_key}[{i}]"
        rs = _object(rs, rs_path)
        scope_key = next(
            (
                k
                for k in ("scopeSpans", "scope_spans", "instrumentationLibrarySpans", "instrumentation_library_spans")
                if rs.get(k) is not None
            ),
            "scopeSpans",
        )
        for j, ss in enumerate(_list(rs.get(scope_key), f"{rs_path}.{scope_key}")):
            ss_path = f"{rs_path}.{scope_key}[{j}]"
            ss = _object(ss, ss_path)
            for k, span in enumerate(_list(ss.get("spans"), f"{ss_path}.spans")):
                spans.append(_span(span, f"{ss_path}.spans[{k}]", source, attributes))
    return spans


# -- files --------------------------------------------------------------------------


def _open_regular(path: Path, source: str) -> int:
    if "\0" in str(path):
        raise TraceError(NUL_IN_PATH, source=source)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)  # non-blocking: opening a FIFO must not wait for a writer
    except FileNotFoundError:
        hint = checkout_only_hint(path)
        raise TraceError("no such file" + (f"; {hint}" if hint else ""), source=source) from None
    except IsADirectoryError:
        raise TraceError("is a folder; give a trace export file", source=source) from None
    except PermissionError:
        raise TraceError("permission denied", source=source) from None
    except OSError as exc:
        raise TraceError(f"cannot open: {exc.strerror or exc}", source=source) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        what = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a device, FIFO or socket)"
        raise TraceError(f"is {what}; give a trace export file", source=source)
    return fd


# Whitespace between the lines of JSON Lines is skipped a block at a time: read a line at a
# time, a file of blank lines (a 100 KB gzip of 100 MB of them) would take minutes.
_BLOCK_BYTES = 1 << 16
_NOT_BLANK = re.compile(rb"[^ \t\n\r\x0b\x0c]")  # what bytes.strip() keeps
_BLANK_BYTES = frozenset(b" \t\n\r\x0b\x0c")


class _Bounded:
    """Reads lines from a binary stream, failing once more than ``limit`` bytes were read."""

    def __init__(
        self, stream: IO[bytes], limit: int, source: str, compressed: bool, line_limit: int = MAX_DOCUMENT_BYTES
    ):
        self.stream = stream
        self.left = limit
        self.limit = limit
        self.line_limit = line_limit  # a line is held whole, as one document is
        self.source = source
        self.compressed = compressed
        self.ahead = b""  # read from the stream, not yet returned: from ``self.at`` on
        self.at = 0
        self.reads = 0  # calls on the stream, for the tests

    def _read(self, size: int) -> bytes:
        self.reads += 1
        data = self.stream.read(size)
        self.left -= len(data)
        if self.left < 0:
            raise self._too_big()
        return data

    def next_line(self) -> tuple[bytes, int]:
        """The next line holding more than whitespace (without the whitespace before it; b""
        at the end), and how many lines were read to reach it, that line included."""
        # The usual case first: a line that starts where the last one ended, whole in the block.
        at, ahead = self.at, self.ahead
        if at < len(ahead) and ahead[at] not in _BLANK_BYTES:
            end = ahead.find(b"\n", at)
            if end >= 0:
                self.at = end + 1
                return ahead[at : end + 1], 1
        lines = 0
        while True:
            found = _NOT_BLANK.search(self.ahead, self.at)
            if found is not None:
                break
            lines += self.ahead.count(b"\n", self.at)
            self.ahead, self.at = self._read(min(_BLOCK_BYTES, self.left + 1)), 0
            if not self.ahead:
                return b"", lines
        # The line from its start where this block holds it (an error's column counts from there).
        start = max(self.ahead.rfind(b"\n", self.at, found.start()) + 1, self.at)
        lines += self.ahead.count(b"\n", self.at, start) + 1
        end = self.ahead.find(b"\n", start)
        if end >= 0:
            self.at = end + 1
            return self.ahead[start : end + 1], lines
        line = self.ahead[start:]
        self.ahead, self.at = b"", 0
        # The rest of a line longer than the block, read by the stream's own readline.
        self.reads += 1
        rest = self.stream.readline(max(0, min(self.left, self.line_limit - len(line))) + 1)
        self.left -= len(rest)
        if self.left < 0:
            raise self._too_big()
        if len(line) + len(rest) > self.line_limit:  # refused before a 1 GiB line is held twice
            raise TraceError(
                f"has a line of more than {self.line_limit:,} bytes, the limit for one JSON document (a line is "
                "read whole); export smaller requests, one per line, as the collector's file exporter writes them",
                source=self.source,
            )
        return line + rest, lines

    def _too_big(self) -> TraceError:
        what = "decompressed, " if self.compressed else ""
        return TraceError(
            f"is larger than {self.limit:,} bytes ({what}the limit for one file); split the export into smaller files",
            source=self.source,
        )

    def read_rest(self, limit: int) -> bytes:
        """What is left of the stream, read ahead included, up to ``limit`` bytes and one more."""
        ahead = self.ahead[self.at :]
        self.ahead, self.at = b"", 0
        return ahead + self._read(max(0, min(self.left, limit - len(ahead))) + 1)


def _json_error(exc: ValueError, source: str, data: bytes, line_offset: int = 0) -> TraceError:
    """What is wrong with ``data`` (the file from line ``line_offset + 1``), as json refused it."""
    if isinstance(exc, json.JSONDecodeError):
        return TraceError(
            f"not valid JSON (line {exc.lineno + line_offset}, column {exc.colno}): {exc.msg}", source=source
        )
    return TraceError(_text_problem(exc, data, line_offset), source=source)


def _text_problem(exc: ValueError, data: bytes, line_offset: int = 0) -> str:
    """Why json could not read ``data`` as text: a byte that is not UTF-8, where; or a number
    too long for Python's integers (which no OTLP field holds)."""
    if isinstance(exc, UnicodeDecodeError):
        start = exc.start
        line_start = data.rfind(b"\n", 0, start) + 1
        line = data.count(b"\n", 0, start) + 1 + line_offset
        column = len(data[line_start:start].decode("utf-8", "replace")) + 1
        return (
            f"not UTF-8 text (line {line}, column {column}: byte 0x{data[start]:02x}); "
            "OTLP/JSON is UTF-8: convert the file (e.g. iconv -f LATIN1 -t UTF-8)"
        )
    return f"holds a number of more than {sys.get_int_max_str_digits():,} digits, which no OTLP field takes"


# A byte-order mark, or the zero bytes of ASCII '{' or '[' in UTF-16 without one.
_UTF16_STARTS = (b"\xff\xfe", b"\xfe\xff", b"{\x00", b"[\x00", b"\x00{", b"\x00[")


def _looks_like_text(line: bytes) -> bool:
    """Whether a file's first line is text (a YAML or CSV file given by mistake), not binary."""
    try:
        text = line[:200].decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < 196:  # not merely a character cut at the 200th byte
            return False
        text = line[: exc.start].decode("utf-8")
    return all(ch.isprintable() or ch in "\t\r\n" for ch in text)


def _documents(reader: _Bounded, source: str) -> Iterator[tuple[str, Any]]:
    """Yield (where, decoded JSON value) for each request in the file."""
    first, lineno = reader.next_line()
    if not first:
        raise TraceError("is empty: no trace data", source=source)
    head = first.lstrip()[:1]
    if first.startswith(b"\xef\xbb\xbf"):
        head = first[3:].lstrip()[:1]
    if first.startswith(_UTF16_STARTS):
        raise TraceError(
            "is UTF-16 text; OTLP/JSON is UTF-8: convert the file (e.g. iconv -f UTF-16 -t UTF-8; "
            "Windows PowerShell's '>' writes UTF-16)",
            source=source,
        )
    if head not in (b"{", b"["):
        if _looks_like_text(first):
            raise TraceError("not an OTLP/JSON trace export (it does not start with '{')", source=source)
        raise TraceError(
            "not an OTLP/JSON trace export (it does not start with '{'); binary OTLP protobuf "
            "is not read: configure the file exporter with 'format: json'",
            source=source,
        )
    try:
        value = _loads(first)
    except (ValueError, RecursionError):
        value = None
    except _DuplicateKey as exc:
        raise _duplicate(exc, f"line {lineno}: ", source) from None
    if value is not None:  # JSON Lines: this line was a whole value
        yield from _items(f"line {lineno}", value)
        while True:
            line, read = reader.next_line()
            if not line:
                break
            lineno += read
            try:
                value = _loads(line)
            except _DuplicateKey as exc:
                raise _duplicate(exc, f"line {lineno}: ", source) from None
            except RecursionError:
                raise TraceError(f"line {lineno}: JSON nested too deeply", source=source) from None
            except json.JSONDecodeError as exc:
                message = f"line {lineno}, column {exc.colno}: not valid JSON: {exc.msg}"
                raise TraceError(message, source=source) from None
            except ValueError as exc:  # not UTF-8, or an integer too long for Python
                message = _text_problem(exc, line, lineno - 1)
                where = "" if isinstance(exc, UnicodeDecodeError) else f"line {lineno}: "
                raise TraceError(where + message, source=source) from None
            yield from _items(f"line {lineno}", value)
        return
    first_line = lineno
    rest = reader.read_rest(MAX_DOCUMENT_BYTES)
    if len(first) + len(rest) > MAX_DOCUMENT_BYTES:
        raise TraceError(
            f"is one JSON document larger than {MAX_DOCUMENT_BYTES:,} bytes; "
            "export it as JSON Lines (one request per line), as the collector's file exporter does",
            source=source,
        )
    try:
        document = first + rest
        value = _loads(document)
    except _DuplicateKey as exc:
        raise _duplicate(exc, "", source) from None
    except RecursionError:
        raise TraceError("JSON nested too deeply", source=source) from None
    except ValueError as exc:
        raise _json_error(exc, source, document, first_line - 1) from None
    yield from _items("", value)


def _items(where: str, value: Any) -> Iterator[tuple[str, Any]]:
    """A request, or each request of an array of them."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield f"{where} item {i}".lstrip(), item
    else:
        yield where, value


def read_spans(
    path: str | Path,
    *,
    attributes: Container[str] | None = None,
    max_bytes: int = MAX_FILE_BYTES,
) -> list[Span]:
    """Read every span of one OTLP/JSON trace export (JSON Lines or one document, gzip or not).

    ``attributes``: the attribute keys to decode (None: all); others are skipped unread,
    which keeps large message-content attributes out of memory. Raises ``TraceError``.
    """
    path = Path(path)
    source = str(path)
    fd = _open_regular(path, source)
    with os.fdopen(fd, "rb") as raw:
        size = os.fstat(raw.fileno()).st_size
        return _read_stream(raw, source, attributes=attributes, max_bytes=max_bytes, size=size)


def parse_export(
    data: bytes,
    source: str,
    *,
    attributes: Container[str] | None = None,
    max_bytes: int = MAX_FILE_BYTES,
) -> list[Span]:
    """The spans of an export held in memory (an uploaded file); ``source`` names it in errors.

    The same reading as ``read_spans``: every form it accepts, every error it gives.
    """
    return _read_stream(io.BytesIO(data), source, attributes=attributes, max_bytes=max_bytes, size=len(data))


def _read_stream(
    raw: IO[bytes], source: str, *, attributes: Container[str] | None, max_bytes: int, size: int
) -> list[Span]:
    magic = raw.read(8)
    raw.seek(0)
    if magic[4:8] == _ZSTD_MAGIC:
        raise TraceError(
            "is the collector file exporter's compressed form (length-prefixed zstd frames), which is not "
            "read: export with 'format: json' and no 'compression' (gzip the rotated files if needed)",
            source=source,
        )
    for prefix, name in _OTHER_COMPRESSION.items():
        if magic.startswith(prefix):
            raise TraceError(f"is {name}-compressed; only gzip is read: decompress it first", source=source)
    compressed = magic.startswith(_GZIP_MAGIC)
    if not compressed and size > max_bytes:
        raise _Bounded(raw, max_bytes, source, False)._too_big()
    stream: IO[bytes] = gzip.GzipFile(fileobj=raw, mode="rb") if compressed else raw  # type: ignore[assignment]
    reader = _Bounded(stream, max_bytes, source, compressed, MAX_DOCUMENT_BYTES)
    spans: list[Span] = []
    try:
        for where, document in _documents(reader, source):
            label = f"{source} {where}" if where.startswith("line") else source
            try:
                spans.extend(parse_request(document, source=label, attributes=attributes))
            except _Bad as bad:
                place = ": ".join(p for p in (where, bad.path) if p)
                raise TraceError(bad.message, source=source, field=place or None) from None
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise TraceError(f"gzip data is corrupt or truncated ({exc})", source=source) from None
    except OSError as exc:
        raise TraceError(f"cannot read: {exc.strerror or exc}", source=source) from None
    return spans
