"""A decision map as CSV, as ``advisor map`` prints it: one row per y value, one column per x,
the corner naming both facts; a cell whose mode misses its contract there says so ("sync (not
feasible)"), as the assessment would, and so does a cell evaluated at a peak raised to its month's
average, which its column or row label does not say ("sync (peak raised to 1,389)")."""

from __future__ import annotations

import csv
import io

from advisor.core.decision_map import DecisionMap
from advisor.core.variables import Value

from .formatting import count


def _cell(value: Value) -> str:
    return value if isinstance(value, str) else repr(value)


def render_csv(result: DecisionMap) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f"{result.y_fact} \\ {result.x_fact}", *(_cell(x) for x in result.x_values)])
    raised_rows = result.raised_peaks or [[None] * len(result.x_values) for _ in result.y_values]
    for y, row, met, raised in zip(result.y_values, result.cells, result.feasible, raised_rows, strict=True):
        cells = []
        for mode, ok, peak in zip(row, met, raised, strict=True):
            notes = ([] if ok else ["not feasible"]) + ([] if peak is None else [f"peak raised to {count(peak)}"])
            cells.append(f"{mode} ({'; '.join(notes)})" if notes else mode)
        writer.writerow([_cell(y), *cells])
    return out.getvalue()
