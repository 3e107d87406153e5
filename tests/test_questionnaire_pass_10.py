"""The questionnaire's follow-ups from the tenth pass: a CTO with a multi-step agent and real traces.

A CTO described a three-step feature in the step editor (classify on gpt-5.4-nano, an agent
step on gpt-5.4-mini that runs three times with tools, a streamed answer on gpt-5.4), opened an
OpenTelemetry export of it (each step's call times measured), then changed one step's model in
the grid to see what moves. Faults, each something a person sees:

- The answer step moved from gpt-5.4 to gpt-5.4-mini in the grid kept gpt-5.4's measured call
  times (median 5.34 s, p95 7.10 s, first token 4.17 s) in its columns, off to the right of the
  grid: the latency did not move at all (p95 12.6 s before and after) and the card still said
  "p95 from measured call times", for a model no call was measured on. A model lever
  (advisor.core.levers) sets those times aside for the same reason; the grid now does too,
  and says so under it.
- The single-call form had the same fault: a model picked under *Volume, tokens and cost* kept
  the call times measured on the model before it, in the latency question's expander above.
  They are set aside too, and a toast names them.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from streamlit.testing.v1 import AppTest

import advisor
from advisor.views.formatting import seconds
from questionnaire import state, steps

from .test_app import block, ok, session_profile, texts

pytestmark = pytest.mark.slow

# The answers the app gave after the trace export was opened (the steps' figures measured).
MEASURED: dict[str, Any] = {
    "name": "Support agent answer", "interaction": "chat", "latency_budget_s": 15.0,
    "requests_per_month": 308748, "peak_requests_per_minute": 68.0, "model": "gpt-5.4",
    "steps": [
        {"name": "classify", "model": "gpt-5.4-nano", "provider": "openai", "input_tokens": 860,
         "output_tokens": 106, "tool_latency_s": 0.032, "model_p50_s": 0.861, "model_p95_s": 1.39},
        {"name": "agent", "model": "gpt-5.4-mini", "provider": "openai", "input_tokens": 3078,
         "output_tokens": 59, "tool_latency_s": 0.431, "model_p50_s": 0.71, "model_p95_s": 1.172, "repeat": 3},
        {"name": "answer", "model": "gpt-5.4", "provider": "openai", "input_tokens": 4206, "output_tokens": 324,
         "reasoning_tokens": 907, "tool_latency_s": 0.02, "model_p50_s": 5.335, "model_p95_s": 7.101,
         "ttft_s": 4.171, "output_tokens_per_s": 121.8, "shown": True},
    ],
    "evidence": {"traces": 426, "spans": 4199, "start": "2025-03-04T10:00:31Z", "end": "2025-03-04T11:00:09Z"},
}
TIMES = ("model_p50_s", "model_p95_s", "ttft_s", "output_tokens_per_s")


def _load(at: AppTest, answers: dict[str, Any]) -> AppTest:
    text = yaml.safe_dump(answers, sort_keys=False)
    at.file_uploader[0].set_value(("support-agent-answer.yaml", text.encode(), "application/yaml")).run()
    return ok(at)


def _edit(at: AppTest, edited_rows: dict[int, dict[str, Any]]) -> AppTest:
    """An edit in the step grid, as Streamlit records it under the editor's key."""
    at.session_state[state.steps_editor_key(at.session_state)] = {
        "edited_rows": edited_rows, "added_rows": [], "deleted_rows": [],
    }
    return ok(at.run())


def test_a_step_given_another_model_is_not_timed_at_the_replaced_models_measurements(at: AppTest) -> None:
    _load(at, MEASURED)
    card = texts(block(at, "verdict"))
    assert "p95 from measured call times" in card and "12.6 s" in card
    _edit(at, {2: {"model": "gpt-5.4-mini"}})
    answer = session_profile(at).steps[2]  # type: ignore[index]
    assert answer.model == "gpt-5.4-mini"
    assert all(getattr(answer, f) is None for f in TIMES)
    # The verdict is gpt-5.4-mini's at its own (stand-in) speed, as assess gives it.
    expected = dict(MEASURED, evidence=None)
    expected["steps"] = [*MEASURED["steps"][:2],
                         {k: v for k, v in MEASURED["steps"][2].items() if k not in TIMES} | {"model": "gpt-5.4-mini"}]
    a = advisor.assess(advisor.parse_profile(expected))
    card = texts(block(at, "verdict"))
    assert seconds(a.latency.end_to_end_p95_s) in card and "12.6 s" not in card
    assert "p95 from measured call times" not in card and "stand-in" in card
    # The times set aside are named under the grid, so they can be typed back.
    grid = texts(block(at, "q_axis_latency"))
    assert ("Step “answer” now calls gpt-5.4-mini: the times measured on gpt-5.4 (median 5.33 s, p95 7.10 s, "
            "first token 4.17 s, 122 tokens/s) are set aside") in grid
    # The other steps keep theirs.
    assert session_profile(at).steps[1].model_p95_s == 1.172  # type: ignore[index]


def test_an_edit_that_keeps_the_model_keeps_its_measured_times(at: AppTest) -> None:
    _load(at, MEASURED)
    _edit(at, {2: {"input_tokens": 5000}})
    answer = session_profile(at).steps[2]  # type: ignore[index]
    assert (answer.input_tokens, answer.model_p95_s, answer.ttft_s) == (5000, 7.101, 4.171)
    assert "set aside" not in texts(block(at, "q_axis_latency"))


def test_a_time_typed_with_the_new_model_is_the_new_models() -> None:
    rows = steps.rows_of(advisor.parse_profile(MEASURED))
    assert steps.replaced_measurements(rows, {"edited_rows": {2: {"model": "gpt-5.4-mini", "model_p95_s": 3.0}}}) == {
        2: {"model_p50_s": 5.335, "ttft_s": 4.171, "output_tokens_per_s": 121.8}
    }
    # The same model typed again, or a step with no measured time, sets nothing aside.
    assert steps.replaced_measurements(rows, {"edited_rows": {2: {"model": "gpt-5.4"}}}) == {}
    rows[2] |= dict.fromkeys(TIMES)
    assert steps.replaced_measurements(rows, {"edited_rows": {2: {"model": "gpt-5.4-mini"}}}) == {}


def test_a_single_call_given_another_model_is_not_timed_at_the_replaced_models_measurements(at: AppTest) -> None:
    # The same fault in the single-call form: the model is asked under Volume, tokens and cost,
    # its measured times in an expander of the latency question above it.
    single = {k: v for k, v in MEASURED.items() if k not in ("steps", "evidence")} | {
        "input_tokens": 4206, "output_tokens": 324, "model_p50_s": 5.335, "model_p95_s": 7.101, "ttft_s": 4.171,
    }
    _load(at, single)
    assert "p95 from measured call times" in texts(block(at, "verdict"))
    at.selectbox(key="q_model").set_value("gpt-5.4-mini").run()
    profile = session_profile(ok(at))
    assert profile.model == "gpt-5.4-mini"
    assert (profile.model_p50_s, profile.model_p95_s, profile.ttft_s) == (None, None, None)
    assert "p95 from measured call times" not in texts(block(at, "verdict"))
    assert [re.sub(r"\\(.)", r"\1", t.proto.body) for t in at.toast] == [
        "The times measured on gpt-5.4 (median 5.33 s, p95 7.10 s, first token 4.17 s) are set aside: gpt-5.4-mini "
        "is timed at its own speed until you give its measured times under *Measured model speed*."
    ]


def test_each_steps_monthly_cost_comes_right_after_its_name(at: AppTest) -> None:
    # On a 390 px phone the figures under the grid are 326 px wide: the monthly cost, last of
    # four columns, was clipped mid-figure ("$2,384 ("). It now comes second; one call's p95,
    # also on the Latency tab, goes last.
    _load(at, MEASURED)
    (figures,) = [d.value for d in at.get("dataframe") if "cost" in d.value.columns]
    assert list(figures.columns) == ["step", "cost", "time", "p95"]
    assert list(figures["cost"]) == ["$94.01 (0.82%)", "$2,384 (21%)", "$8,948 (78%)"]


def test_a_mistyped_model_sets_no_measured_time_aside(at: AppTest) -> None:
    # A model the price data lacks is marked as such; its fix may well be the model measured.
    _load(at, MEASURED)
    at.session_state[state.steps_editor_key(at.session_state)] = {
        "edited_rows": {2: {"model": "gpt5.4"}}, "added_rows": [], "deleted_rows": [],
    }
    at.run()
    assert not at.exception
    assert state.step_rows(at.session_state)[2]["model_p95_s"] == 7.101
    assert "set aside" not in texts(block(at, "q_axis_latency"))


def test_a_model_levers_measured_times_are_said_in_seconds(at: AppTest) -> None:
    # The card's model lever read "Measured median of one model call: estimated ... (now 5.335);
    # ... Time to first token: 4.18 (now 4.171)": the p95 beside them was "7.10 s".
    single = {k: v for k, v in MEASURED.items() if k not in ("steps", "evidence")} | {
        "input_tokens": 4206, "output_tokens": 324, "model_p50_s": 5.335, "model_p95_s": 7.101, "ttft_s": 4.171,
    }
    card = texts(block(_load(at, single), "verdict"))
    assert "Model: gpt-5.4-mini (now gpt-5.4)" in card
    assert "(now 5.33 s)" in card and "(now 7.10 s)" in card and "Time to first token: 4.18 s (now 4.17 s)" in card
    assert "(now 5.335)" not in card and "(now 4.171)" not in card
