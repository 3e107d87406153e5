"""A decision map as CSV, as ``advisor map`` prints it: one row per y value, one column per x,
the corner naming both facts; a cell whose mode misses its contract there says so ("sync (not
feasible)"), as the assessment would."""

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
    writer.writerow([f"{result.y_fact} \\ {result.x_fact}", *(_cell(x) for x in result.x_values)])
    for y, row, met in zip(result.y_values, result.cells, result.feasible, strict=True):
        cells = (mode if ok else f"{mode} (not feasible)" for mode, ok in zip(row, met, strict=True))
        writer.writerow([_cell(y), *cells])
    return out.getvalue()
