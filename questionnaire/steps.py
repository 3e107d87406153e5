"""The step editor's rows: a workload's ``steps`` as the rows of a data editor and back.

A row holds one step's answers by field name (blank cells are None: the step takes the
workload's model, the catalogue's speed, no reasoning stated). What the grid does not show
(a step's own ``pricing``, a ``shown: false`` written out) rides along in the row under a
leading underscore, so a loaded workload comes back exactly as it went in.

The editor's state is Streamlit's edit record of the rows it was given (cells edited by row
position, rows added, rows deleted); ``apply_edits`` turns it into the rows as they now
stand, in the order Streamlit applies them. Pure functions (no Streamlit, no pandas), so the
round trips are property-tested.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from annotated_types import Ge, Le

from advisor.core.profile import Step, WorkloadProfile
from advisor.core.steps import SHORTHAND_STEP

Kind = Literal["text", "int", "float", "share", "bool"]


@dataclass(frozen=True)
class Column:
    field: str  # the step field, as the workload file spells it
    label: str  # the grid's header
    kind: Kind
    help: str
    blank: str = ""  # what a blank cell means ("" for a cell that needs a value)

    @property
    def required(self) -> bool:
        return self.field in ("name", "input_tokens", "output_tokens")

    def bounds(self) -> tuple[float | None, float | None]:
        """The step field's own bounds (Step's, never restated here)."""
        low = high = None
        for item in Step.model_fields[self.field].metadata:
            if isinstance(item, Ge):
                low = float(item.ge)  # type: ignore[arg-type]
            elif isinstance(item, Le):
                high = float(item.le)  # type: ignore[arg-type]
        return low, high


# In the order the grid shows them: what every step needs first, measured figures last.
COLUMNS: tuple[Column, ...] = (
    Column("name", "Step", "text", "The step's name, unique in the request: rewrite, retrieve and answer, triage."),
    Column("model", "Model", "text", "The model this step calls, as the provider names it.",
           "blank: the workload's model"),
    Column("input_tokens", "Input tokens", "int", "Tokens sent in one call of this step."),
    Column("output_tokens", "Output tokens", "int",
           "Visible tokens one call writes: what the next step or the reader gets."),
    Column("reasoning_tokens", "Reasoning tokens", "int",
           "Tokens a reasoning model thinks before its first visible token; billed as output.",
           "blank: none stated, none billed; a reasoning model's first token is then the catalogue's, which "
           "includes some reasoning; 0: no reasoning (thinking off)"),
    Column("tool_latency_s", "Tool time (s)", "float",
           "Time outside the model in each run of this step, before its call: retrieval, a tool, an API."),
    Column("repeat", "Runs", "int", "How many times the step runs one after another in a request, as in an agent "
           "loop."),
    Column("shown", "Shown", "bool", "Tick the step whose output the person reads as it appears (at most one); "
           "none ticked: the last step."),
    Column("cached_input_fraction", "Cached input", "share",
           "Share of this step's input served from the provider's prompt cache."),
    Column("provider", "Provider", "text", "Who serves this step's model.", "blank: the workload's provider"),
    Column("model_p50_s", "Measured p50 (s)", "float", "The measured median of one call of this step.",
           "blank: estimated from the model's speed"),
    Column("model_p95_s", "Measured p95 (s)", "float", "The measured p95 of one call of this step.",
           "blank: estimated from the model's speed"),
    Column("ttft_s", "First token p95 (s)", "float",
           "The measured p95 time to the first visible token of one call.", "blank: the model's"),
    Column("output_tokens_per_s", "Speed (tokens/s)", "float", "The measured output speed of this step's model.",
           "blank: the model's"),
)
FIELDS: tuple[str, ...] = tuple(c.field for c in COLUMNS)
BY_FIELD: dict[str, Column] = {c.field: c for c in COLUMNS}
# What a new row starts with where Step has a default of its own.
NEW_ROW: dict[str, Any] = {c.field: None for c in COLUMNS} | {
    "tool_latency_s": 0.0, "repeat": 1, "shown": False, "cached_input_fraction": 0.0,
}

Row = dict[str, Any]


def row_of(step: Step) -> Row:
    """One step as a row of the grid (and what the grid does not show, kept aside)."""
    row: Row = {field: getattr(step, field) for field in FIELDS}
    row["shown"] = bool(step.shown)
    row["_shown"] = step.shown  # None, True or False as written
    row["_pricing"] = step.pricing.model_dump(exclude_none=True) if step.pricing else None
    return row


def rows_of(profile: WorkloadProfile) -> list[Row]:
    return [row_of(step) for step in profile.steps or ()]


def shorthand_rows(state: Mapping[Any, Any]) -> list[Row]:
    """The single-call answers as one step run ``chained_calls`` times, its tool time spread
    over the runs: the same request the shorthand describes, ready to be split up."""
    calls = state.get("q_chained_calls") or 1
    tools = state.get("q_tool_latency_s") or 0.0
    return [
        NEW_ROW | {
            "name": SHORTHAND_STEP,
            "input_tokens": state.get("q_input_tokens"),
            "output_tokens": state.get("q_output_tokens"),
            "reasoning_tokens": state.get("q_reasoning_tokens"),
            "cached_input_fraction": state.get("q_cached_input_fraction") or 0.0,
            "tool_latency_s": tools / calls,
            "repeat": calls,
            "model_p50_s": state.get("q_model_p50_s"),
            "model_p95_s": state.get("q_model_p95_s"),
            "ttft_s": state.get("q_ttft_s"),
            "output_tokens_per_s": state.get("q_output_tokens_per_s"),
            "_shown": None,
            "_pricing": None,
        }
    ]


def apply_edits(rows: list[Row], edits: Mapping[str, Any] | None) -> list[Row]:
    """The rows after the editor's edits: cells edited by their row's position in ``rows``,
    then deleted rows dropped, then added rows appended (Streamlit's own order)."""
    current = [dict(row) for row in rows]
    if not edits:
        return current
    for position, changes in (edits.get("edited_rows") or {}).items():
        index = int(position)
        if 0 <= index < len(current):
            current[index].update({k: v for k, v in changes.items() if k in BY_FIELD})
    deleted = {int(i) for i in edits.get("deleted_rows") or ()}
    current = [row for i, row in enumerate(current) if i not in deleted]
    for added in edits.get("added_rows") or ():
        current.append(NEW_ROW | {"_shown": None, "_pricing": None} | {k: v for k, v in added.items() if k in BY_FIELD})
    return current


# A step's measured call times: a measurement of the model it was taken on.
MEASURED_TIMES = ("model_p50_s", "model_p95_s", "ttft_s", "output_tokens_per_s")


def replaced_measurements(rows: list[Row], edits: Mapping[str, Any] | None) -> dict[int, dict[str, Any]]:
    """The measured call times an edit leaves on a step whose model or provider it changed, by
    the row's position: they were taken on the model it replaced (a trace's gpt-5.4 calls), so
    the new model would be timed at them. None where no edit did so; a measured time typed in
    the same edit is the new model's, and is kept."""
    found: dict[int, dict[str, Any]] = {}
    for position, changes in ((edits or {}).get("edited_rows") or {}).items():
        index = int(position)
        if not 0 <= index < len(rows):
            continue
        row = rows[index]
        moved = any(
            f in changes and _cell(BY_FIELD[f], changes[f]) != _cell(BY_FIELD[f], row.get(f))
            for f in ("model", "provider")
        )
        kept = {f: row[f] for f in MEASURED_TIMES if f not in changes and _cell(BY_FIELD[f], row.get(f)) is not None}
        if moved and kept:
            found[index] = kept
    return found


def steps_of(rows: list[Row]) -> list[dict[str, Any]]:
    """The workload's ``steps`` as the rows give them; blank cells are left out (the step's
    default), so a problem names the field a person left blank or got wrong."""
    return [_step_of(row) for row in rows]


def _step_of(row: Row) -> dict[str, Any]:
    step: dict[str, Any] = {}
    for column in COLUMNS:
        value = _cell(column, row.get(column.field))
        if column.field == "shown":
            # Unticked: the default (the last step is shown), unless the file said false.
            value = True if value else (False if row.get("_shown") is False else None)
        if value is not None:
            step[column.field] = value
    if row.get("_pricing"):
        step["pricing"] = dict(row["_pricing"])
    return step


def _cell(column: Column, value: Any) -> Any:
    """A cell's value as the workload file would hold it: None for a blank cell, a whole
    number as an int (the grid may send 1200.0), text as typed."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if column.kind == "text":
        text = str(value)
        return text if text.strip() else None
    if column.kind == "bool":
        return bool(value)
    if isinstance(value, bool):
        return value  # a wrong type is the profile's to name
    if column.kind == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    if column.kind in ("float", "share") and isinstance(value, int):
        return float(value)
    return value


def step_label(field: str) -> str | None:
    """"steps.answer.repeat" -> 'Step "answer", runs'; 'Steps' for the list itself; None for
    a field that is not a step's."""
    if field == "steps":
        return "Steps"
    if not field.startswith("steps."):
        return None
    name, _, part = field[len("steps."):].rpartition(".")
    if not name:  # "steps.answer": the step itself
        return f"Step \u201c{part}\u201d"
    column = BY_FIELD.get(part)
    words = "name" if part == "name" else column.label.lower() if column else part.replace("_", " ")
    return f"Step \u201c{name}\u201d, {words}"
