"""The decision map: each cell is what the engine recommends there; `advisor map` prints it."""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor import WorkloadProfile, assess, load_profile, load_rules, parse_profile
from advisor.cli.map import parse_axis
from advisor.core.assessment import build_assessment
from advisor.core.decision_map import decision_map, default_values, spaced_values
from advisor.core.engine import evaluate
from advisor.core.errors import InputError
from advisor.core.facts import FACTS
from advisor.core.situation import situate
from advisor.core.variables import CHOICE_FACTS, NUMERIC_FACTS, VARIABLE_FACTS, field_range

from .conftest import PRICE_DATE, ROOT, run_cli
from .strategies import profile_dicts

RULES = load_rules()
GRAY = ROOT / "examples/gray-zone-30s.yaml"




def _assessed_as_it_is(data: Any) -> Any:
    """What assess() gives, for a variation the public assess() would refuse (a copy is read
    again there) but the map reads as it is: a peak no month holds, or a call larger than its
    model's context window or its maximum output (the map's cells are what-ifs, worked out as the
    levers' are)."""
    profile = data if isinstance(data, WorkloadProfile) else parse_profile(data)
    with mock.patch("advisor.core.situation.check_context_window", lambda card, *_: card), \
            mock.patch("advisor.core.situation.check_max_output", lambda *_: None):
        situation = situate(profile, RULES, PRICE_DATE)
    return build_assessment(RULES, situation, evaluate(RULES, situation.facts, None))


@st.composite
def grids(draw):
    data = draw(profile_dicts())
    profile = parse_profile(data)
    x_fact, y_fact = draw(st.permutations(VARIABLE_FACTS).map(lambda p: p[:2]))
    xs = draw(st.lists(st.sampled_from(default_values(x_fact, profile, n=12)), min_size=1, max_size=3, unique=True))
    ys = draw(st.lists(st.sampled_from(default_values(y_fact, profile, n=12)), min_size=1, max_size=3, unique=True))
    return profile, x_fact, xs, y_fact, ys


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids())
def test_every_cell_is_the_engines_recommendation(grid):
    profile, x_fact, xs, y_fact, ys = grid
    result = decision_map(profile, x_fact, xs, y_fact, ys, rules=RULES, price_date=PRICE_DATE)
    assert (result.x_fact, result.y_fact, result.x_values, result.y_values) == (x_fact, y_fact, xs, ys)
    assert len(result.cells) == len(ys) and all(len(row) == len(xs) for row in result.cells)
    for j, y in enumerate(ys):
        for i, x in enumerate(xs):
            data: Any = {**profile.model_dump(), x_fact: x, y_fact: y}
            try:
                parse_profile(data)
            except InputError as exc:
                # A peak no month holds (a map of the peak, or of the volume under a peak), or a
                # call's p95 mapped below the workload's first token, is still a cell of the
                # map: the engine reads its facts as they are.
                assert exc.field in ("peak_requests_per_minute", "ttft_s"), exc
                data = profile.model_copy(update={x_fact: x, y_fact: y})
            expected = _assessed_as_it_is(data)
            assert result.cells[j][i] == expected.recommendation == result.mode_at(x, y)
            assert result.feasible[j][i] == expected.feasible


def test_a_cell_past_the_models_maximum_output_is_still_a_cell():
    # Hypothesis found it: claude-sonnet-4-5 answers at most 64,000 tokens a call, and a map of
    # the output tokens may run past that; the cell is a what-if, not a file to refuse.
    profile = parse_profile({"name": "long answers", "interaction": "request_response", "latency_budget_s": 600,
                             "input_tokens": 1000, "output_tokens": 500, "requests_per_month": 10000,
                             "provider": "anthropic", "model": "claude-sonnet-4-5"})
    test_every_cell_is_the_engines_recommendation.hypothesis.inner_test(
        (profile, "output_tokens", [500, 100_000], "requests_per_month", [1000, 10_000]))


def test_gray_zone_map_shows_the_five_second_line():
    profile = load_profile(GRAY)
    result = decision_map(
        profile, "model_p95_s", [2.0, 4.0, 5.0, 6.0, 30.0], "interaction", ["request_response", "chat"],
        rules=RULES, price_date=PRICE_DATE,
    )
    assert result.current.x == 30.0 and result.current.y == "request_response"
    click = result.cells[0]
    assert click[:3] == ["sync"] * 3 and click[3:] == ["async", "async"]
    # The report's answer is JSON, needed whole: a chat waiting over 5 s for it is a job too
    # (latency-blocking-wait-over-5s); within 5 s it streams.
    assert result.cells[1] == ["streaming"] * 3 + ["async"] * 2


def test_current_point_uses_the_estimated_p95_and_effective_peak():
    profile = load_profile(ROOT / "examples/support-reply-draft.yaml")
    result = decision_map(profile, "model_p95_s", [1.0], "peak_requests_per_minute", [1.0], rules=RULES,
                          price_date=PRICE_DATE)
    own = assess(profile, RULES, price_date=PRICE_DATE, what_if=False)
    assert result.current.x == own.latency.per_call_p95_s
    assert result.current.y == profile.effective_peak_rpm


@pytest.mark.parametrize("fact", NUMERIC_FACTS)
def test_default_values_cover_the_workload_and_stay_in_bounds(fact):
    profile = load_profile(GRAY)
    values = default_values(fact, profile)
    rng = field_range(fact)
    assert len(values) >= 2 and values == sorted(values) and len(set(values)) == len(values)
    assert all(rng.contains(v) and isinstance(v, int) == rng.integer for v in values)
    own = assess(profile, RULES, price_date=PRICE_DATE, what_if=False).facts[fact]
    assert values[0] <= own <= values[-1]


def test_default_values_spacing():
    budgets = default_values("latency_budget_s")
    ratios = [b / a for a, b in itertools.pairwise(budgets)]
    assert max(ratios) / min(ratios) < 1.05  # log-spaced: a constant ratio, up to rounding
    assert default_values("chained_calls") == list(range(1, 11))  # linear whole numbers
    for fact in CHOICE_FACTS:
        assert default_values(fact) == list(FACTS[fact].allowed)


@given(
    st.sampled_from(NUMERIC_FACTS),
    st.floats(min_value=0.0, max_value=1.0),
    st.floats(min_value=0.0, max_value=1.0),
    st.integers(2, 200),
)
def test_spaced_values_keep_the_ends_and_the_bounds(fact, a, b, n):
    rng = field_range(fact)
    low = max(rng.low, 0.01 if rng.low_open else rng.low)
    high = min(rng.high, 1e9)
    start = low + (high - low) * min(a, b) ** 3
    stop = low + (high - low) * max(a, b) ** 3
    if rng.integer:
        start, stop = math.ceil(start), math.floor(stop)
    if start >= stop:
        return
    values = spaced_values(fact, start, stop, n)
    assert values[0] == start and values[-1] == stop
    assert values == sorted(values) and len(set(values)) == len(values) <= n
    assert all(rng.contains(v) for v in values)


def test_a_range_a_few_floating_point_steps_wide_keeps_both_ends():
    # 0.01 to 0.01 + 5e-16 in 123 points: no rounding keeps 121 interior values apart, and a
    # rounded one landed past the end and pushed it out.
    stop = 0.010000000000000548
    values = spaced_values("latency_budget_s", 0.01, stop, 123)
    assert values[0] == 0.01 and values[-1] == stop
    assert values == sorted(set(values))


# -- parsing --option ranges ----------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("latency_budget=1:10:5", "did you mean 'latency_budget_s'"),
        ("budget_ratio", "not an answer the workload can vary"),
        ("latency_budget_s=0:10:5", "START of latency_budget_s must be a number >= 0.01 and <= 2,592,000"),
        ("chained_calls=1:60:5", "STOP of chained_calls must be a whole number >= 1 and <= 50"),
        ("chained_calls=1.5:6:5", "START of chained_calls must be a whole number"),
        ("latency_budget_s=1:10:1", "N must be between 2 and 200"),
        ("latency_budget_s=1:10:500", "N must be between 2 and 200"),
        ("latency_budget_s=1:10:ten", "N must be a whole number"),
        ("latency_budget_s=1:10", "expected FACT or FACT=START:STOP:N"),
        ("latency_budget_s=a:10:3", "START must be a number"),
        ("latency_budget_s=10:1:3", "START must be below STOP"),
        ("latency_budget_s=1:nan:3", "STOP of latency_budget_s must be"),
        ("interaction=1:2:3", "'interaction' is a choice"),
    ],
)
def test_bad_ranges_name_the_option_and_what_is_allowed(spec, fragment):
    with pytest.raises(InputError) as info:
        parse_axis(spec, load_profile(GRAY), "--x")
    assert fragment in str(info.value)
    assert str(info.value).startswith("--x")


def test_range_spacing():
    profile = load_profile(GRAY)
    assert parse_axis("latency_budget_s=1:1000:4", profile, "--x") == ("latency_budget_s", [1.0, 10.0, 100.0, 1000.0])
    assert parse_axis("chained_calls=1:4:4", profile, "--x") == ("chained_calls", [1, 2, 3, 4])
    assert parse_axis("tool_latency_s=0:3:4", profile, "--x") == ("tool_latency_s", [0.0, 1.0, 2.0, 3.0])
    # Log spacing needs a positive start; from zero the spacing is linear.
    assert parse_axis("input_tokens=0:300:4", profile, "--x") == ("input_tokens", [0, 100, 200, 300])
    assert parse_axis(" downstream", profile, "--y")[1] == ["own_ui", "internal_service", "external_api",
                                                            "compliance_critical"]


def test_library_rejects_values_out_of_range():
    profile = load_profile(GRAY)
    with pytest.raises(InputError, match=r"chained_calls.*whole number >= 1"):
        decision_map(profile, "chained_calls", [0], "interaction", ["chat"], rules=RULES)
    with pytest.raises(InputError, match="must be one of chat"):
        decision_map(profile, "chained_calls", [1], "interaction", ["phone"], rules=RULES)
    with pytest.raises(InputError, match="two different facts"):
        decision_map(profile, "chained_calls", [1], "chained_calls", [2], rules=RULES)


# -- the command ----------------------------------------------------------------------


def test_map_csv(capsys):
    code, out, err = run_cli(
        capsys, "map", str(GRAY), "--x", "model_p95_s=2:32:3", "--y", "interaction", "--price-date", "2026-11-01"
    )
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["interaction \\ model_p95_s", "2.0", "8.0", "32.0"]
    assert rows[1] == ["chat", "streaming", "async", "async"]  # a JSON answer over 5 s, in a chat too
    assert rows[3] == ["request_response", "sync", "async", "async"]
    assert len(rows) == 1 + 6


def test_map_csv_marks_a_mode_that_misses_its_contract(capsys):
    # The chatbot's 2.5 s budget cut to 1 s: a service waiting 1 s on gpt-5.4 gets sync, the
    # best allowed mode, which misses its contract there, as `advisor recommend` would say.
    code, out, err = run_cli(capsys, "map", str(ROOT / "examples/chatbot.yaml"), "--x", "interaction",
                             "--y", "latency_budget_s=1:600:2", "--price-date", "2026-11-01")
    assert code == 0, err
    rows = {row[0]: dict(zip(["chat", "inline_edit", "request_response", "submit_and_notify", "service_call",
                              "pipeline"], row[1:], strict=True)) for row in csv.reader(io.StringIO(out))}
    assert rows["1.0"]["service_call"] == "sync (not feasible)" and rows["1.0"]["chat"] == "streaming"
    assert rows["600.0"]["service_call"] == "sync"


def test_map_json(capsys):
    code, out, _ = run_cli(
        capsys, "map", str(GRAY), "--x", "latency_budget_s=1:3600:5", "--y", "requests_per_month=100:1000000:3",
        "--format", "json", "--price-date", "2026-11-01",
    )
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"x_fact", "y_fact", "x_values", "y_values", "cells", "feasible", "current", "raised_peaks"}
    assert [len(r) for r in data["feasible"]] == [len(r) for r in data["cells"]]
    assert data["current"] == {"x": 45.0, "y": 15000}
    assert data["y_values"] == [100, 10000, 1000000]
    assert len(data["cells"]) == 3 and all(len(r) == 5 for r in data["cells"])


def test_map_errors_exit_2_with_one_line(capsys):
    code, out, err = run_cli(capsys, "map", str(GRAY), "--x", "requests=1:2:3", "--y", "interaction")
    assert code == 2 and out == ""
    assert err.strip() == (
        "advisor: error: --x: unknown fact 'requests'; did you mean 'requests_per_month'? facts: "
        + ", ".join(VARIABLE_FACTS)
    )
    code, _, err = run_cli(capsys, "map", str(GRAY), "--x", "interaction", "--y", "interaction")
    assert code == 2 and "both vary 'interaction'" in err


@pytest.mark.parametrize("spec", ["chained_calls", "chained_calls=1:5:3"])
def test_map_of_a_single_call_field_of_a_workload_with_steps_names_the_option(capsys, spec):
    code, out, err = run_cli(capsys, "map", str(ROOT / "examples/rag-chat-rewrite.yaml"), "--y", spec,
                             "--x", "interaction")
    assert code == 2 and out == ""
    assert err.startswith("advisor: error: --y: 'chained_calls' is a single-call field"), err


def test_variable_facts_are_profile_fields():
    """The map and the what-if search set these on the profile; each must be a field."""
    from advisor.core.profile import WorkloadProfile

    assert set(VARIABLE_FACTS) <= set(WorkloadProfile.model_fields)
    assert "current_mode" not in VARIABLE_FACTS  # what runs today is a record, not a choice
    for fact in NUMERIC_FACTS:
        rng = field_range(fact)
        assert math.isfinite(rng.low) and math.isfinite(rng.high)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((None, "latency_budget_s", [1.0], "requests_per_month", [1000]), "expected a workload profile or a mapping"),
        (([1], "latency_budget_s", [1.0], "requests_per_month", [1000]), "expected a workload profile or a mapping"),
        ((GRAY, "latency_budget_s", 5, "requests_per_month", [1000]), "x: expected a list of values (got int)"),
        ((GRAY, "interaction", "chat", "downstream", ["own_ui"]), "x: expected a list of values (got str)"),
        ((GRAY, "latency_budget_s", [1.0], "requests_per_month", None), "y: expected a list of values (got NoneType)"),
        ((GRAY, None, [1.0], "requests_per_month", [1000]), "x: must be the name of a fact, as text"),
    ],
)
def test_library_callers_get_an_input_error_for_arguments_of_the_wrong_kind(args, message):
    profile, *rest = args
    if profile == GRAY:
        profile = load_profile(GRAY)
    with pytest.raises(InputError) as info:
        decision_map(profile, *rest, price_date=PRICE_DATE)
    assert message in str(info.value)
