"""Output is sane for every input the profile accepts: at the bounds of every field, each
figure the advisor derives is finite, the JSON is strict (no NaN, no Infinity), and the
text, the decision record and the review print numbers a person can read."""

from __future__ import annotations

import datetime
import json
import math
import re
from typing import Any, get_args

import annotated_types
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

import advisor
from advisor.core.profile import (
    DEFAULT_PEAK_MINUTES,
    MAX_P95_OVER_P50,
    MODES,
    SHORTHAND_FIELDS,
    CostOptions,
    Pricing,
    RateLimits,
    Step,
    WorkloadProfile,
    parse_profile,
)
from advisor.core.yamlio import read_yaml_file
from advisor.records.inputs import find_inputs
from advisor.views.adr import render_adr
from advisor.views.formatting import count, money, percent, seconds, value
from advisor.views.json_output import dump_json
from advisor.views.review import Review, render_review, review_row, summarise
from advisor.views.text import render_text

from .conftest import PRICE_DATE, ROOT
from .strategies import MODELS, NAMES, WINDOWS

RULES = advisor.load_rules()
TINY = 1e-9


def _bounds(model: type[BaseModel], name: str) -> tuple[float, float, bool]:
    """(lowest, highest, integer) a numeric field of ``model`` accepts."""
    field = model.model_fields[name]
    types = {t for t in (field.annotation, *get_args(field.annotation)) if t in (int, float)}
    low, high = 0.0, 1e6
    for item in field.metadata:
        if isinstance(item, annotated_types.Ge):
            low = float(item.ge)  # type: ignore[arg-type]
        elif isinstance(item, annotated_types.Gt):
            low = float(item.gt) + TINY  # type: ignore[arg-type]
        elif isinstance(item, annotated_types.Le):
            high = float(item.le)  # type: ignore[arg-type]
        elif isinstance(item, annotated_types.Lt):
            high = float(item.lt) - TINY  # type: ignore[arg-type]
    return low, high, types == {int}


def at_bounds(model: type[BaseModel], name: str) -> st.SearchStrategy[Any]:
    """A field's lowest or highest value, or one just inside, or anything between."""
    low, high, integer = _bounds(model, name)
    if integer:
        return st.one_of(st.sampled_from([int(low), int(high)]), st.integers(int(low), int(high)))
    inside = [low, high, min(high, low + 1e-6), max(low, high * (1 - 1e-9))]
    return st.one_of(st.sampled_from(inside), st.floats(low, high, allow_nan=False))


NUMERIC = [
    name for name, f in WorkloadProfile.model_fields.items()
    if {int, float} & {f.annotation, *get_args(f.annotation)} and name != "name"
]


@st.composite
def extreme_profiles(draw: st.DrawFn) -> dict[str, Any]:
    provider, model = draw(st.sampled_from(MODELS))
    data: dict[str, Any] = {
        "name": draw(NAMES),
        "interaction": draw(st.sampled_from(["chat", "request_response", "pipeline", "service_call"])),
        "provider": provider,
        "model": model,
        "downstream": draw(st.sampled_from(["own_ui", "compliance_critical"])),
    }
    for name in NUMERIC:
        required = WorkloadProfile.model_fields[name].is_required() or name in ("input_tokens", "output_tokens")
        if required or draw(st.booleans()):
            data[name] = draw(at_bounds(WorkloadProfile, name))
    _ordered_percentiles(data)
    if draw(st.booleans()):
        # The same calls as steps at their bounds: one to three of them, one maybe shown.
        for name in SHORTHAND_FIELDS:
            data.pop(name, None)
        data["steps"] = [_step_at_bounds(draw, i) for i in range(draw(st.integers(1, 3)))]
    if draw(st.booleans()):
        data["current_mode"] = draw(st.sampled_from(MODES))
    if draw(st.booleans()):
        data["rate_limits"] = {k: draw(at_bounds(RateLimits, k)) for k in RateLimits.model_fields}
    if draw(st.booleans()):
        data["pricing"] = {
            k: draw(at_bounds(Pricing, k) if k == "batch_discount" else st.sampled_from([0.0, 0.0001, 10_000.0]))
            for k in Pricing.model_fields
        }
        # A cached read is never dearer than an uncached one.
        data["pricing"]["cached_input_per_mtok"] = min(data["pricing"]["cached_input_per_mtok"],
                                                       data["pricing"]["input_per_mtok"])
    _within_max_output(data)
    if "pricing" not in data and _over_window(data):
        # A call larger than its model's context window (the price data's) is an input error
        # (tests/test_oversized.py); with prices of its own the window is not known, and the
        # figures at the bounds are still worked out.
        data["pricing"] = {"input_per_mtok": 10_000.0, "output_per_mtok": 10_000.0}
    if data.get("peak_requests_per_minute"):  # a peak the month holds, for as long as it lasts
        minutes = data.get("peak_minutes") or DEFAULT_PEAK_MINUTES
        data["peak_requests_per_minute"] = min(data["peak_requests_per_minute"], data["requests_per_month"] / minutes)
    if draw(st.booleans()):
        data["costs"] = {
            "usd_per_person_week": draw(at_bounds(CostOptions, "usd_per_person_week")),
            "amortisation_months": draw(at_bounds(CostOptions, "amortisation_months")),
            "infra_usd_per_month": dict.fromkeys(MODES, draw(st.sampled_from([0.0, 1e9]))),
            "engineering_person_weeks": dict.fromkeys(MODES, draw(st.sampled_from([0.0, 10_000.0]))),
        }
    return data


def _within_max_output(data: dict[str, Any]) -> None:
    """A call asking its model for more output and reasoning than one response holds (the
    catalogue's max_output_tokens, prices of its own or not) is an input error
    (tests/test_judgement12.py): each call's are cut to the limit, as a user would have to."""
    entry = RULES.catalogue.resolve(data["provider"], data["model"]).model
    limit = entry.max_output_tokens if entry is not None else None
    if limit is None:
        return
    for call in data.get("steps") or [data]:
        output = call.get("output_tokens", 0)
        if output + (call.get("reasoning_tokens") or 0) > limit:
            call["output_tokens"] = min(output, limit)
            if call.get("reasoning_tokens"):
                call["reasoning_tokens"] = limit - call["output_tokens"]


def _over_window(data: dict[str, Any]) -> bool:
    """One call of the workload holds more tokens than its model's context window."""
    window = WINDOWS[data["model"]]
    embedding = data["model"] == "text-embedding-3-small"
    calls = data.get("steps") or [data]
    return any(
        call.get("input_tokens", 0)
        + (0 if embedding else call.get("output_tokens", 0) + (call.get("reasoning_tokens") or 0)) > window
        for call in calls
    )


def _ordered_percentiles(data: dict[str, Any]) -> None:
    """A p50 and a p95 drawn at their bounds, made a valid pair: p50 <= p95 <= 100 x p50; and
    the first token within the call's p95."""
    p50, p95 = data.get("model_p50_s"), data.get("model_p95_s")
    if p50 is not None and p95 is not None:
        low, high = sorted((p50, p95))
        data["model_p50_s"], data["model_p95_s"] = max(low, high / MAX_P95_OVER_P50 * (1 + 1e-9)), high
    if data.get("ttft_s") is not None and data.get("model_p95_s") is not None:
        data["ttft_s"] = min(data["ttft_s"], data["model_p95_s"])


def _step_at_bounds(draw: st.DrawFn, i: int) -> dict[str, Any]:
    step: dict[str, Any] = {"name": f"step {i}"}
    for name, field in Step.model_fields.items():
        if {int, float} & {field.annotation, *get_args(field.annotation)} and (
            field.is_required() or draw(st.booleans())
        ):
            step[name] = draw(at_bounds(Step, name))
    _ordered_percentiles(step)
    return step


def _floats(data: Any) -> list[float]:
    if isinstance(data, float):
        return [data]
    if isinstance(data, dict):
        return [x for v in data.values() for x in _floats(v)]
    if isinstance(data, list):
        return [x for v in data for x in _floats(v)]
    return []


# What a person should never read: inf, nan, scientific notation, a number of 20 digits.
ABSURD = re.compile(r"\b(inf|nan|Infinity|NaN)\b|(?<![\w.])\d+(?:\.\d+)?[eE][-+]?\d+\b|\d(?:[\d,]){24,}")


def absurd(text: str, *names: str) -> list[str]:
    """Lines with a figure no one should read; ``names`` (a workload's own name) are not figures."""
    for name in names:
        # Replaced by a word character, not removed: a name "o" taken out of "gpt-5-nano" would
        # leave "gpt-5-nan", a NaN no one wrote.
        text = text.replace(name, "_")
    return [line.strip()[:200] for line in text.splitlines() if ABSURD.search(_without_inputs(line))]


def test_a_workload_name_taken_out_of_the_text_makes_no_figure():
    assert absurd("on gpt-5-nano at $0.05", "o") == []
    assert absurd("a figure of nan", "x") != []


def _without_inputs(line: str) -> str:
    # The inputs a record embeds are data, written as YAML writes numbers; sha256 digests are hex.
    return re.sub(r"sha256[ :`]*[0-9a-f]{12,}|[0-9a-f]{64}", "", line)


CORNERS = [
    read_yaml_file(ROOT / "tests" / "hostile" / "workloads" / f"every-field-at-its-{end}.yaml")
    for end in ("minimum", "maximum", "maximum-estimated")
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(extreme_profiles())
@example(CORNERS[0])
@example(CORNERS[1])
@example(CORNERS[2])
@example({**CORNERS[2], "pricing": {"input_per_mtok": 0.0001, "output_per_mtok": 0.0001, "batch_discount": 1e-300}})
def test_every_figure_is_finite_and_the_json_strict_at_the_bounds(data):
    profile = parse_profile(data)
    a = advisor.assess(profile, RULES, price_date=PRICE_DATE)
    dumped = a.model_dump(mode="json")
    text = dump_json(dumped)  # allow_nan=False: raises on NaN or Infinity
    assert json.loads(text, parse_constant=lambda c: pytest.fail(f"non-strict JSON constant {c}")) == dumped
    assert all(math.isfinite(x) for x in _floats(dumped))
    summary = render_text(a)
    assert absurd(summary, profile.name) == []
    record = render_adr(a, date=datetime.date(2026, 11, 23))
    block = find_inputs(record)
    assert block
    body = record.replace(block, "")  # the inputs block is data, written as YAML writes numbers
    assert absurd(body, profile.name) == []
    # One money vocabulary: a negative saving is an extra cost, never "-$".
    assert "-$" not in summary and "-$" not in body


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(extreme_profiles(), min_size=1, max_size=4))
def test_a_review_of_extreme_workloads_is_readable_and_strict(datas):
    rows = [
        review_row(advisor.assess(parse_profile(d), RULES, price_date=PRICE_DATE, what_if=False), f"w{i}.yaml", RULES)
        for i, d in enumerate(datas)
    ]
    summary = summarise(rows, broken_files=0, ruleset=RULES)
    assert all(math.isfinite(x) for x in _floats(summary.model_dump(mode="json")))
    r = Review(
        advisor_version="t", ruleset={"id": RULES.id, "version": RULES.version, "hash": RULES.content_hash},
        price_date=PRICE_DATE, decisions_dir=None, workloads=rows, summary=summary, errors=[],
    )
    r._rules = RULES
    report = render_review(r, "md")
    assert absurd(report, *(row.name for row in rows)) == [] and "-$" not in report
    json.loads(render_review(r, "json"))


@pytest.mark.parametrize(
    ("formatter", "values"),
    [
        (money, [0, 1e-9, 0.00005, 0.5, 99.99, 1e11, 2.2e16, -3.5, 1e300]),
        (seconds, [0, 1e-4, 0.005, 0.5, 12.5, 300, 4800, 5e7, 1e12]),
        (percent, [0, 1e-7, 0.004, 0.5, 9.99, 23.0, -2.2e15]),
        (count, [0, 0.5, 9.5, 1e11, 2.2e15, 1e20, -3e13, 1e300]),
        (value, [0.0, 1e-300, 0.5, 123456789.0, 1e20]),
    ],
)
def test_formatters_print_short_figures_for_any_finite_number(formatter, values):
    for v in values:
        shown = formatter(v)
        assert not ABSURD.search(shown), (v, shown)
        assert len(shown) <= 30, (v, shown)
    assert formatter(math.inf) == "n/a" and formatter(math.nan) == "n/a"


@pytest.mark.parametrize("name", ["money", "seconds", "percent", "count"])
def test_the_cores_sentences_print_figures_as_the_views_do(name):
    """The reason a mode misses its contract and the levers are written in the core, which
    cannot import the views: its formatters follow the same rules, figure for figure."""
    from advisor.core import figures
    from advisor.views import formatting

    ours, theirs = getattr(figures, name), getattr(formatting, name)
    for v in [0, 1e-9, 0.00005, 0.004, 0.5, 0.77, 9.5, 12.5, 99.99, 300, 4800, 5e4, 5e7, 1e11, 2.2e16, -3.5, 1e300]:
        assert ours(v) == theirs(v), (name, v)
    assert ours(math.inf) == theirs(math.inf) == "n/a"
