"""The JSON every command prints: indented, UTF-8 as is, one trailing newline, and strict:
no NaN or Infinity, which JSON does not have and strict parsers reject (every figure the
advisor derives is finite; a property test checks it at the profile's bounds)."""

from __future__ import annotations

import json
from typing import Any


def dump_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
