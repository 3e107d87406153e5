"""A calibrated workload as a YAML file a person reads, fills in and commits.

The comments say what the figures rest on: how many traces, from when to when, which step
structure they describe, and every figure measured from fewer than 100 samples. The answers
traces can't give (who waits, the budget, who consumes the output) come from the base
workload (``--into``) or are written as null and marked REQUIRED ANSWER: every command that
reads the file names them until they are filled in.

Text from the traces (span and model names) only reaches a comment through ``printable``:
a name can't end the comment and start a field.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from advisor.core import clock
from advisor.core.calibration import LOW_SAMPLE, MEASURED_FIELDS, Calibration, workload_fields
from advisor.core.errors import InputError, TraceError, UnknownModelError, check_type
from advisor.core.otlp import printable
from advisor.core.prices import price_card
from advisor.core.profile import (
    ANSWERS_TRACES_CANNOT_GIVE,
    MAX_P95_OVER_P50,
    WorkloadProfile,
    profile_problems,
    unanswered,
)
from advisor.core.yamlio import Dumper as _Dumper
from advisor.core.yamlio import dump_yaml, parse_yaml, read_yaml_file

from .text import plural

# The bounds of the step fields a calibration measures: a figure outside them (an instant
# span, a stream whose first chunk came at its end) is written at the bound, and the comment
# says what was measured.
_BOUNDS = {
    "model_p50_s": (0.01, 3_600.0),
    "model_p95_s": (0.01, 3_600.0),
    "ttft_s": (0.0, 600.0),
    "output_tokens_per_s": (1.0, 100_000.0),
    "tool_latency_s": (0.0, 86_400.0),
}

_WINDOW_UNITS = ((86_400, "days"), (3_600, "hours"), (60, "minutes"))


def _window(seconds: float) -> str:
    for size, unit in _WINDOW_UNITS:
        if seconds >= 2 * size or size == 60:
            return f"{seconds / size:,.1f} {unit}"
    return f"{seconds:,.0f} s"  # pragma: no cover - the loop always returns


def _comment_lines(text: str, width: int = 98) -> list[str]:
    """``text`` as ``#`` lines of at most ``width`` characters."""
    lines, line = [], "#"
    for word in text.split():
        if len(line) + 1 + len(word) > width and line != "#":
            lines.append(line)
            line = "#  "
        line += " " + word
    lines.append(line)
    return lines


def _clamped(workload: dict[str, Any]) -> dict[tuple[int, str], str]:
    """Bring figures outside the profile's bounds to them; a note for each, by (step, field)."""
    notes = {}
    for i, step in enumerate(workload["steps"]):
        for key, (low, high) in _BOUNDS.items():
            value = step.get(key)
            if value is not None and not low <= value <= high:
                bound = low if value < low else high
                notes[(i, key)] = f"measured {value:g}; the profile takes {low:g} to {high:g}"
                step[key] = bound
        if step["model_p95_s"] > MAX_P95_OVER_P50 * step["model_p50_s"]:
            # Two kinds of call in one step (cache hits and misses): the p95 is what a budget
            # meets; the median would describe neither kind.
            clamped = notes.get((i, "model_p95_s"))  # kept: the figure written is not the one measured
            notes[(i, "model_p95_s")] = (f"{clamped}; " if clamped else "") + (
                f"over {MAX_P95_OVER_P50} times the median ({step['model_p50_s']:g} s), so the median is left out: "
                "two kinds of call? describe them as two steps or two workloads"
            )
            del step["model_p50_s"]
    return notes


def _unpriced(data: Mapping[str, Any]) -> dict[int, str]:
    """Steps whose provider and model the price data lacks, with what to do (by step). A
    step of the workload's own model takes the workload's pricing, when it has one."""
    found = {}
    today = clock.today()
    for i, step in enumerate(data["steps"]):
        own = (step["provider"], step["model"]) == (data["provider"], data["model"]) and data.get("pricing")
        if step.get("pricing") is not None or own:
            continue
        try:
            price_card(step["provider"], step["model"], today)
        except UnknownModelError as exc:
            found[i] = exc.message
    return found


def _header(calibration: Calibration, base_source: str | None, missing: list[str]) -> list[str]:
    p = calibration.provenance
    structure = p["step_structure"]
    files = ", ".join(printable(s) for s in p["sources"][:3]) + (
        f" and {len(p['sources']) - 3} more files" if len(p["sources"]) > 3 else ""
    )
    chosen = f" whose root span is {printable(p['root'])}" if p["root"] else ""
    window = (
        f"a window of {_window(p['window_s'])} given with --window-days"
        if p["window_from"] == "window_days"
        else f"{_window(p['window_s'])} of traffic"
    )
    lines = ["# A workload measured from OpenTelemetry traces by `advisor calibrate`."]
    lines += _comment_lines(
        f"Measured from {p['traces']:,} traces{chosen} between {p['start']} and {p['end']} ({window}); "
        f"{p['spans']:,} spans read from {files}"
        + (f" ({p['duplicate_spans']:,} exact duplicate span{'s' if p['duplicate_spans'] > 1 else ''} dropped)."
           if p.get("duplicate_spans") else ".")
    )
    lines += _comment_lines(
        f"Steps: {structure['steps']}, the calls of {structure['requests']:,} of the {p['traces']:,} requests "
        f"({structure['share']:.0%}); every request counts for volume, peak and retries."
    )
    for other in structure["others"]:
        lines += _comment_lines(f"Also seen: {other['steps']} ({plural(other['requests'], 'request')}).")
    if p["retries"]:
        lines += _comment_lines(
            f"Retries: {plural(p['retries'], 'failed attempt')} followed by the same call, over "
            f"{plural(p['samples']['retry_rate'], 'call')}."
        )
    for given, resolved in sorted(p["provider_names"].items()):
        lines += _comment_lines(f"Provider {printable(given)} in the traces is {resolved} here.")
    low = calibration.low_sample_figures()
    if low:
        names = [step["name"] for step in calibration.workload["steps"]]
        lines.append(f"# Estimated from fewer than {LOW_SAMPLE} samples (marked below):")
        lines += [f"#   {_figure(path, names)}: {_samples(path, n)}" for path, n in low]
    for warning in p["warnings"]:
        lines += _comment_lines(f"Note: {printable(warning, 300)}")
    lines.append("#")
    if missing:
        lines += _comment_lines(
            f"Traces can't tell who waits, the budget or who consumes the output: fill in the {len(missing)} REQUIRED "
            "ANSWERS below (advisor recommend names them until then), or run calibrate again with --into an "
            "existing workload to keep its answers."
        )
    elif base_source:
        lines += _comment_lines(
            f"The answers come from {printable(base_source)}; the measured fields below them replace its own."
        )
    lines += _comment_lines(
        "To refresh the measured fields and keep the answers, run calibrate again with --into this file "
        "-o this file --force."
    )
    return lines


def _figure(path: str, names: list[str]) -> str:
    """"steps[1].model_p95_s" as the profile's errors and levers name it: "steps.answer.model_p95_s"."""
    if path.startswith("steps["):
        index, _, field = path[len("steps["):].partition("].")
        return f"steps.{names[int(index)]}.{field}"
    return path


def _samples(path: str, n: int) -> str:
    """What a figure's samples are: minutes for the peak, requests for what each request has once."""
    field = path.rpartition(".")[2]
    unit = (
        "minutes observed" if field == "peak_requests_per_minute"
        else "requests" if field in ("requests_per_month", "tool_latency_s", "repeat")
        else "calls"
    )
    return f"{n:,} {unit if n != 1 else unit.replace('minutes', 'minute').rstrip('s')}"


def calibrated_workload(
    calibration: Calibration,
    base: Mapping[str, Any] | WorkloadProfile | str | Path | None = None,
    *,
    base_source: str | None = None,
) -> str:
    """The workload file: ``base``'s answers (``calibration.into``) and the measured fields,
    with comments. ``base`` is the path of a workload file (``advisor calibrate --into
    BASE``), its fields (a mapping), or a loaded WorkloadProfile (``advisor.load_profile``);
    None: no answers yet, each written as a REQUIRED ANSWER. ``base_source`` names it in the
    file's comments and in errors (a path names itself). Raises ``TraceError`` when what was
    measured is not a workload the profile takes (named by field), so nothing is written."""
    check_type(calibration, Calibration, "calibration", "a Calibration, as advisor.calibrate(...) returns")
    if isinstance(base, (str, Path)):
        base_source = base_source or str(base)
        base = read_yaml_file(base)
    if base is not None and not isinstance(base, (Mapping, WorkloadProfile)):
        raise InputError("expected a workload (a mapping of fields) to keep the answers of",
                         source=base_source or "the base workload")
    base = workload_fields(base)
    data = calibration.into(base)
    workload = {**calibration.workload, "steps": [dict(s) for s in calibration.workload["steps"]]}
    clamps = _clamped(workload)
    # The figures as written (clamped), the names as into() gave them: the base's own step
    # names where the traces measured the same calls, so a refresh keeps them.
    named = data["steps"]
    data["steps"] = [{**step, "name": n["name"]} for step, n in zip(workload["steps"], named, strict=True)]
    missing = unanswered(data)
    problems = [e for e in profile_problems(data, source="calibrated workload") if e.field not in missing]
    if problems:
        # A wrong answer is the base workload's; a measured figure out of bounds, the traces'.
        first = problems[0]
        field = first.field or ""
        if field.split(".")[0] not in MEASURED_FIELDS:
            raise InputError(first.message, source=base_source or "the base workload", field=field or None)
        sources = calibration.provenance["sources"]
        raise TraceError(
            f"the measured {field} is not one a workload takes: {first.message}",
            source=", ".join(sources[:3]) + (" ..." if len(sources) > 3 else "") or None,
        )
    unpriced = _unpriced(data)
    samples = calibration.provenance["samples"]

    lines = _header(calibration, base_source, missing)
    lines.append("")
    measured_start = False
    for key, value in data.items():
        if key in MEASURED_FIELDS and not measured_start:
            lines += ["", "# Measured from the traces:"]
            measured_start = True
        if key in missing:
            lines.append(f"{key}: null  # REQUIRED ANSWER: {ANSWERS_TRACES_CANNOT_GIVE[key]}")
            continue
        if key == "steps":
            lines += _steps(value, samples["steps"], clamps, unpriced)
            continue
        text = _block_text(key, value) if isinstance(value, str) and "\n" in value else None
        block = (text or dump_yaml({key: value}, width=1000)).rstrip("\n").split("\n")
        n = samples.get(key)
        if n is not None and n < LOW_SAMPLE:
            block[0] += f"  # from {_samples(key, n)}"
        lines += block
    return "\n".join(lines) + "\n"


def _block_text(key: str, value: str) -> str | None:
    """A text of several lines (a folded ``description: >``) as a folded block again (wrapped
    at 90, each line break a blank line, as it is written), not the quoted string with
    ``\\n`` escapes the dumper writes. None where the block would not read back as the same
    text (trailing spaces, say): then the quoted string."""
    import yaml

    style = ">"

    class _Block(_Dumper):
        pass

    def text(dumper: _Dumper, data: str) -> yaml.Node:  # the key stays plain
        if "\n" not in data:
            return dumper.represent_str(data)
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)

    _Block.add_representer(str, text)
    dumped: str = yaml.dump({key: value}, Dumper=_Block, sort_keys=False, allow_unicode=True, width=90)
    try:
        same = parse_yaml(dumped, key) == {key: value}
    except InputError:
        same = False
    return dumped if same and dumped.startswith(f"{key}: {style}") else None


def _steps(
    steps: list[dict[str, Any]],
    samples: list[dict[str, int]],
    clamps: dict[tuple[int, str], str],
    unpriced: dict[int, str],
) -> list[str]:
    lines = dump_yaml({"steps": steps}, width=1000).rstrip("\n").split("\n")
    out, index = [], -1
    for line in lines:
        if line.startswith("- "):
            index += 1
        key = line[2:].split(":", 1)[0] if line.startswith(("- ", "  ")) else ""
        notes = []
        if index >= 0 and key:
            n = samples[index].get(key)
            if n is not None and n < LOW_SAMPLE:
                notes.append(f"from {_samples(key, n)}")
            if (index, key) in clamps:
                notes.append(clamps[(index, key)])
            if key == "model" and index in unpriced:
                notes.append(f"not priced: {printable(unpriced[index], 200)}")
        out.append(line + (f"  # {'; '.join(notes)}" if notes else ""))
    return out
