"""The shipped rule set's YAML, parsed ahead of time: a saving at start-up, never a second source.

Every command reads the shipped rule files and catalogue (about 170 KB of YAML), and parsing
them took about 20 ms of each start, a sixth of what advisor adds to the libraries it imports.
``preparsed.jsonl`` beside this module holds what ``parse_yaml`` makes of each of those files,
keyed by the SHA-256 of the file's bytes. A rule-set file is served from it only when its bytes
are exactly the bytes that were parsed: an edited, added or foreign file (a copy of the shipped
rule set with one threshold changed, a team's own rules) is parsed from its YAML as before, and
so is every file when ``preparsed.jsonl`` is missing or unreadable. The YAML stays the policy.

``make preparsed`` (``python -m advisor.core.preparsed``) writes the file; a test fails when it
no longer matches the shipped YAML. Each line is ``<sha256> <file name> <JSON>``; JSON has no
dates, so a date is written ``{"$date": "2026-11-20"}``, and a file whose data would not come
back exactly (type for type, key order included) is left out and always parsed from YAML.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

from .errors import RuleSetError
from .files import decode_text, read_bytes
from .resources import shipped_dir
from .yamlio import parse_yaml

PREPARSED_FILE = Path(__file__).with_name("preparsed.jsonl")
_DATE_KEY = "$date"

_lines: dict[str, str] | None = None  # sha256 -> the JSON of that file's data, read once


def read_rule_file(path: str | Path) -> Any:
    """What ``read_yaml_file(path)`` returns, and with its errors, taken from the shipped
    rule set's parsed copy when the file's bytes are exactly those of a shipped file."""
    return parse_rule_bytes(read_bytes(path, what="YAML file", missing="no such file"), path)


def parse_rule_bytes(raw: bytes, path: str | Path) -> Any:
    """``read_rule_file`` of bytes already read (the loader reads each file once, for the
    rule set's hash and its rules alike)."""
    text = _entries().get(hashlib.sha256(raw).hexdigest())
    if text is not None:
        try:
            return decode(text)  # a new copy each time: a caller may change what it is given
        except ValueError:  # a damaged copy: the YAML is the policy
            pass
    data = parse_yaml(decode_text(raw, str(path), what="YAML file"), str(path))
    _refuse_hidden_controls(data, str(path))
    return data


# Control characters other than a line break or a tab (an escape sequence repaints the terminal
# that prints a rule's title or reason), line and paragraph separators, and bidirectional
# controls (they reorder what a reviewer reads): refused in a rule set's text as in a workload's.
_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _refuse_hidden_controls(data: Any, source: str, where: str = "") -> None:
    if isinstance(data, str):
        if (found := _HIDDEN.search(data)) is not None:
            shown = repr(found.group())[1:-1]  # \x1b, \x9b, \u202e: as a workload's message shows it
            raise RuleSetError(
                f"{where or 'the file'}: text must not contain control characters or bidirectional controls "
                f"(found {shown}; line breaks and tabs are allowed): printed, they repaint a terminal or "
                "reorder what is shown",
                source=source,
            )
    elif isinstance(data, dict):
        for key, value in data.items():
            _refuse_hidden_controls(key, source, where)
            _refuse_hidden_controls(value, source, f"{where}.{key}" if where else str(key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            _refuse_hidden_controls(value, source, f"{where}[{index}]")


def _entries() -> dict[str, str]:
    global _lines
    if _lines is None:
        try:
            content = PREPARSED_FILE.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):  # a broken install parses the YAML instead
            content = ""
        entries: dict[str, str] = {}
        for line in content.splitlines():
            digest, _, rest = line.partition(" ")
            _, _, data = rest.partition(" ")
            if len(digest) == 64 and data:
                entries[digest] = data
        _lines = entries
    return _lines


def encode(data: Any) -> str:
    """``data`` as one line of JSON, dates tagged; ValueError when it would not come back exactly."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_tagged)
    try:
        same = _identical(decode(text), data)
    except ValueError:
        same = False
    if not same:
        raise ValueError("the data does not come back from JSON exactly")
    return text


def decode(text: str) -> Any:
    return json.loads(text, object_hook=_untagged)


def _tagged(value: Any) -> dict[str, str]:
    if type(value) is datetime.date:
        return {_DATE_KEY: value.isoformat()}
    raise ValueError(f"{type(value).__name__} has no JSON form here")


def _untagged(mapping: dict[str, Any]) -> Any:
    if len(mapping) == 1 and type(text := mapping.get(_DATE_KEY)) is str:
        return datetime.date.fromisoformat(text)
    return mapping


def _identical(a: Any, b: Any) -> bool:
    """Equal type for type (1, 1.0 and True are not the same value here) and key order included."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_identical(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_identical(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def render(directory: Path | None = None) -> str:
    """The content of ``preparsed.jsonl`` for the YAML files of a rule-set folder (the shipped one)."""
    folder = directory if directory is not None else shipped_dir("rules")
    lines = []
    for path in sorted(folder.glob("*.yaml")):
        raw = path.read_bytes()
        try:
            text = encode(parse_yaml(decode_text(raw, str(path), what="YAML file"), str(path)))
        except ValueError:
            continue  # parsed from its YAML on every start, as any other file
        lines.append(f"{hashlib.sha256(raw).hexdigest()} {path.name} {text}\n")
    return "".join(lines)


def main() -> int:
    content = render()
    if PREPARSED_FILE.is_file() and PREPARSED_FILE.read_text(encoding="utf-8") == content:
        print(f"{PREPARSED_FILE} is up to date")
        return 0
    temporary = PREPARSED_FILE.with_name(PREPARSED_FILE.name + ".tmp")
    temporary.write_text(content, encoding="utf-8")
    temporary.replace(PREPARSED_FILE)
    print(f"wrote {PREPARSED_FILE} ({content.count(chr(10))} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
