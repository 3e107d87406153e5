"""A decision map as CSV, as ``advisor map`` prints it: one row per y value, one column per x."""

from __future__ import annotations

import csv
import io

from advisor.core.decision_map import DecisionMap
from advisor.core.variables import Value


def _cell(value: Value) -> str:
    return value if isinstance(value, str) else repr(value)


def render_csv(result: DecisionMap) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["y\\x", *(_cell(x) for x in result.x_values)])
    for y, row in zip(result.y_values, result.cells, strict=True):
        writer.writerow([_cell(y), *row])
    return out.getvalue()
