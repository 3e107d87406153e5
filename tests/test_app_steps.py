"""The questionnaire's steps: a request described as its model calls, edited in a data editor,
with each step's time and cost, the latency distribution against the budget and the backlog
a peak builds.

AppTest cannot type into a data editor; the tests set the editor's rows the way an edit
leaves them (``apply_edits`` of Streamlit's edit record, tested on its own), and the
browser test (test_browser.py) edits a cell for real. Every expectation comes from
``advisor.assess`` on the same answers.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as hs
from streamlit.testing.v1 import AppTest

import advisor
from advisor.views.formatting import count, money, seconds
from questionnaire import changes, charts, lifecycle, session, state, steps, vocabulary
from questionnaire.trace_upload import with_evidence
from tests.strategies import NAMES, profile_dicts

from .conftest import RETIRING, ROOT
from .test_app import (
    SETTINGS,
    block,
    chart_specs,
    label,
    ok,
    open_tab,
    rows_of,
    session_profile,
    shown_mode,
    texts,
    valid_vega_lite,
)

pytestmark = pytest.mark.slow


RAG = ROOT / "examples" / "rag-chat-rewrite.yaml"
AGENT = ROOT / "examples" / "support-agent-tools.yaml"
REASONING = ROOT / "examples" / "reasoning-contract-check.yaml"
STEP_EXAMPLES = [RAG, AGENT, REASONING]


def load(at: AppTest, path: Path) -> AppTest:
    at.selectbox(key="scenario").set_value(path.stem).run()
    return ok(at)


def set_rows(at: AppTest, rows: list[dict[str, Any]]) -> AppTest:
    """The step editor's rows as an edit leaves them (a new editor on them)."""
    at.session_state[state.STEPS_ROWS] = rows
    at.session_state[state.STEPS_GENERATION] = at.session_state[state.STEPS_GENERATION] + 1
    return at.run()


def rows(at: AppTest) -> list[dict[str, Any]]:
    return copy.deepcopy(state.step_rows(at.session_state))


def frame(at: AppTest, column: str) -> Any:
    """The one table on the page with this column."""
    (found,) = [d.value for d in at.get("dataframe") if column in d.value.columns]
    return found


def metric(at: AppTest, name: str) -> Any:
    return next(m for m in block(at, "verdict").metric if m.label == name)


# -- loading and round trips ------------------------------------------------------------------


@pytest.mark.parametrize("path", STEP_EXAMPLES, ids=[p.stem for p in STEP_EXAMPLES])
def test_a_steps_workload_loads_into_the_step_editor_unchanged(at: AppTest, path: Path) -> None:
    load(at, path)
    profile = advisor.load_profile(path)
    assert at.toggle(key="q_use_steps").value is True
    assert [r["name"] for r in rows(at)] == [s.name for s in profile.steps or ()]
    # Nothing lost on the way in: the answers are the file's workload, exactly.
    assert session_profile(at) == profile
    assert shown_mode(at) == label(advisor.assess(profile).recommendation)
    # The single-call questions are not asked; the grid is.
    assert not [n for n in at.number_input if n.key in ("q_input_tokens", "q_chained_calls")]
    grids = [d for d in block(at, "q_axis_latency").get("dataframe") if "q_steps_editor" in d.proto.id]
    assert len(grids) == 1 and list(grids[0].value["name"]) == [s.name for s in profile.steps or ()]  # type: ignore[union-attr]


def test_downloaded_answers_of_a_steps_workload_read_back_the_same(at: AppTest) -> None:
    load(at, AGENT)
    text = state.answers_yaml(session_profile(at))
    assert "steps:" in text and "input_tokens" in text.split("steps:")[1]
    assert state.read_upload("answers.yaml", text.encode()) == advisor.load_profile(AGENT)


def test_uploading_a_steps_workload_loads_its_steps(at: AppTest) -> None:
    text = RAG.read_text("utf-8").replace("name: rewrite", "name: Rewrite the question")
    at.file_uploader[0].set_value(("mine.yaml", text.encode(), "application/yaml")).run()
    ok(at)
    assert [r["name"] for r in rows(at)] == ["Rewrite the question", "answer"]
    assert session_profile(at).steps[0].name == "Rewrite the question"  # type: ignore[index]


_STEP_MODELS = ("gpt-4o-mini", "gpt-4.1", "o3")


@hs.composite
def steps_profiles(draw: hs.DrawFn) -> advisor.WorkloadProfile:
    """A workload given as steps: each field present or absent, a step's own prices, an
    explicit shown: false, the latency correlation and the peak length."""
    data = draw(profile_dicts())
    for field in advisor.core.profile.SHORTHAND_FIELDS:
        data.pop(field, None)
    names = draw(hs.lists(NAMES, min_size=1, max_size=5, unique=True))
    shown_at = draw(hs.none() | hs.integers(0, len(names) - 1))
    made = []
    for i, name in enumerate(names):
        step: dict[str, Any] = {
            "name": name,
            "input_tokens": draw(hs.integers(0, 50_000)),
            "output_tokens": draw(hs.integers(0, 4_000)),
        }
        optional = {
            "model": hs.sampled_from(_STEP_MODELS),
            "reasoning_tokens": hs.integers(0, 5_000),
            "cached_input_fraction": hs.sampled_from([0.0, 0.25, 1.0]),
            "tool_latency_s": hs.floats(0, 30),
            "repeat": hs.integers(1, 5),
            "model_p95_s": hs.floats(0.5, 60),
            "ttft_s": hs.floats(0, 5),
            "output_tokens_per_s": hs.floats(5, 500),
            "pricing": hs.fixed_dictionaries({"input_per_mtok": hs.floats(0.01, 50),
                                               "output_per_mtok": hs.floats(0.01, 100)}),
        }
        for field, strategy in optional.items():
            if draw(hs.booleans()):
                step[field] = draw(strategy)
        if "ttft_s" in step and "model_p95_s" in step:  # the first token comes within the call
            step["ttft_s"] = min(step["ttft_s"], step["model_p95_s"])
        if i == shown_at:
            step["shown"] = True
        elif draw(hs.integers(0, 4)) == 0:
            step["shown"] = False
        made.append(step)
    data["steps"] = made
    if draw(hs.booleans()):
        data["latency_correlation"] = draw(hs.floats(0, 1))
    if draw(hs.booleans()):
        minutes = draw(hs.floats(1, 1_440))
        if data.get("peak_requests_per_minute"):  # a peak the month holds (it holds an hour's)
            minutes = min(minutes, max(1.0, data["requests_per_month"] / data["peak_requests_per_minute"] * 0.999))
        data["peak_minutes"] = minutes
    return advisor.parse_profile(data)


@SETTINGS
@given(profile=steps_profiles())
def test_a_steps_workload_round_trips_through_the_questionnaire_and_the_yaml_file(
    profile: advisor.WorkloadProfile,
) -> None:
    widgets = state.profile_to_state(profile)
    assert advisor.parse_profile(state.answers_from_state(widgets)) == profile
    assert state.read_upload("answers.yaml", state.answers_yaml(profile).encode("utf-8")) == profile


def test_switching_to_steps_keeps_the_verdict_then_a_step_changes_it(at: AppTest) -> None:
    at.number_input(key="q_chained_calls").set_value(3).run()
    before = advisor.assess(session_profile(at))
    at.toggle(key="q_use_steps").set_value(True).run()
    ok(at)
    # The single call, three times, as one step run three times: the same request.
    (row,) = rows(at)
    assert (row["name"], row["repeat"], row["input_tokens"], row["output_tokens"]) == ("call", 3, 1800, 180)
    after = advisor.assess(session_profile(at))
    assert session_profile(at).steps is not None
    assert after.recommendation == before.recommendation
    assert after.costs[after.recommendation].total_usd == pytest.approx(before.costs[before.recommendation].total_usd)
    assert after.latency.end_to_end_p95_s == pytest.approx(before.latency.end_to_end_p95_s)
    # Switched back, the single-call answers are as they were; switched on again, the steps too.
    at.toggle(key="q_use_steps").set_value(False).run()
    assert session_profile(at).chained_calls == 3 and session_profile(at).steps is None
    edited = rows(at)
    edited[0]["repeat"] = 2
    at.toggle(key="q_use_steps").set_value(True).run()
    set_rows(at, edited)
    at.toggle(key="q_use_steps").set_value(False).run()
    at.toggle(key="q_use_steps").set_value(True).run()
    assert rows(at)[0]["repeat"] == 2


# -- editing steps moves the verdict ------------------------------------------------------------


def test_adding_a_reasoning_step_before_the_answer_breaks_the_streaming_contract(at: AppTest) -> None:
    load(at, RAG)
    cost_before = metric(at, "Monthly cost").value
    assert "meets its contract" in texts(block(at, "verdict"))
    current = rows(at)
    plan = steps.NEW_ROW | {"name": "plan", "model": "o3", "input_tokens": 2000, "output_tokens": 200,
                            "reasoning_tokens": 1500, "_shown": None, "_pricing": None}
    set_rows(at, [current[0], plan, current[1]])
    ok(at)
    a = advisor.assess(session_profile(at))
    assert [s.name for s in session_profile(at).steps or ()] == ["rewrite", "plan", "answer"]
    assert not a.feasible and a.latency.time_to_first_token_s > 2.5
    verdict = texts(block(at, "verdict"))
    assert "misses its contract" in verdict and "Not feasible as specified" in verdict
    assert metric(at, "Monthly cost").value == money(a.costs[a.recommendation].total_usd) != cost_before
    # Each step's time and cost, under the grid.
    figures = frame(at, "time")
    assert list(figures["step"]) == ["rewrite", "plan", "answer"]
    plan_cost = next(c for c in a.pricing.steps if c.name == "plan").tokens_usd_per_month[a.recommendation]
    assert figures["cost"][1].startswith(money(plan_cost))


def test_removing_a_step_lowers_the_cost_and_the_latency(at: AppTest) -> None:
    load(at, RAG)
    before = advisor.assess(session_profile(at))
    set_rows(at, rows(at)[1:])
    ok(at)
    after = advisor.assess(session_profile(at))
    assert [s.name for s in session_profile(at).steps or ()] == ["answer"]
    assert after.costs[after.recommendation].total_usd < before.costs[before.recommendation].total_usd
    assert after.latency.end_to_end_p95_s < before.latency.end_to_end_p95_s
    assert metric(at, "Monthly cost").value == money(after.costs[after.recommendation].total_usd)
    assert metric(at, "First token at p95").value == seconds(after.latency.time_to_first_token_s)


def test_editing_a_steps_model_and_runs_reprices_and_retimes_it(at: AppTest) -> None:
    load(at, RAG)
    edited = rows(at)
    edited[1]["model"] = "gpt-4.1"
    edited[0]["repeat"] = 3
    set_rows(at, edited)
    ok(at)
    profile = session_profile(at)
    assert profile.steps is not None and profile.steps[1].model == "gpt-4.1" and profile.steps[0].repeat == 3
    a = advisor.assess(profile)
    assert metric(at, "Monthly cost").value == money(a.costs[a.recommendation].total_usd)
    answer = next(c for c in a.pricing.steps if c.name == "answer")
    assert answer.model == "gpt-4.1"
    assert a.latency.calls == 4


def test_the_editors_edit_record_gives_the_rows_it_shows() -> None:
    profile = advisor.load_profile(AGENT)
    base = steps.rows_of(profile)
    edits = {
        "edited_rows": {1: {"input_tokens": 3000.0, "model": "gpt-4o-mini"}, 3: {"shown": True}},
        "added_rows": [{"name": "notify", "input_tokens": 200, "output_tokens": 40, "_index": 9}],
        "deleted_rows": [0],
    }
    now = steps.apply_edits(base, edits)
    assert [r["name"] for r in now] == ["order lookup", "policy check", "reply", "notify"]
    made = steps.steps_of(now)
    assert made[0]["input_tokens"] == 3000 and isinstance(made[0]["input_tokens"], int)
    assert made[0]["model"] == "gpt-4o-mini"
    assert made[2]["shown"] is True
    # A new row takes Step's own defaults and says nothing it was not told.
    assert made[3] == {"name": "notify", "input_tokens": 200, "output_tokens": 40,
                       "tool_latency_s": 0.0, "repeat": 1, "cached_input_fraction": 0.0}
    data = yaml.safe_load(AGENT.read_text("utf-8")) | {"steps": made}
    assert advisor.parse_profile(data).steps[-1].name == "notify"  # type: ignore[index]
    # A blank cell is the step's default; a whole number typed as 1200.0 is a whole number.
    assert steps.steps_of([steps.NEW_ROW | {"name": " x ", "model": "  ", "input_tokens": 12.0,
                                            "output_tokens": float("nan")}]) == [
        {"name": " x ", "input_tokens": 12, "tool_latency_s": 0.0, "repeat": 1,
         "cached_input_fraction": 0.0}
    ]


# -- wrong steps are marked at the question ------------------------------------------------------


def test_two_steps_with_one_name_are_marked_under_the_steps_and_keep_the_verdict_stale(at: AppTest) -> None:
    load(at, RAG)
    mode = shown_mode(at)
    edited = rows(at)
    edited[1]["name"] = "rewrite"
    set_rows(at, edited)
    assert not at.exception
    latency = block(at, "q_axis_latency")
    marked = [e.value for e in latency.error]
    assert marked == ["**Steps**: two steps are named 'rewrite'; each step needs a name of its own"], marked
    assert "Stale" in texts(block(at, "verdict")) and shown_mode(at) == mode


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"model": "no-such-model"}, "**Step “answer”, model**: unknown model 'no-such-model' for provider"),
        ({"name": ""}, "**Step “step 2”, name**: needs an answer"),
        ({"output_tokens": None}, "**Step “answer”, output tokens**: needs an answer"),
        ({"cached_input_fraction": 1.5}, "**Step “answer”, cached input**: must be between 0% and 100%"),
        ({"shown": True, "_both": True}, "**Steps**: 'rewrite' and 'answer' both have shown: true"),
    ],
)
def test_a_wrong_step_is_marked_at_the_steps_question_in_its_words(
    at: AppTest, change: dict[str, Any], expected: str
) -> None:
    load(at, RAG)
    edited = rows(at)
    if change.pop("_both", False):
        edited[0]["shown"] = True
    edited[1].update(change)
    set_rows(at, edited)
    assert not at.exception
    marked = re.sub(r"\\(.)", r"\1", " ".join(e.value for e in block(at, "q_axis_latency").error))
    assert expected in marked, marked
    # Nowhere else, and the verdict is kept.
    assert not list(block(at, "q_axis_cost").error)
    assert "Stale" in texts(block(at, "verdict"))


def test_an_empty_step_list_asks_for_a_step(at: AppTest) -> None:
    load(at, RAG)
    set_rows(at, [])
    marked = " ".join(e.value for e in block(at, "q_axis_latency").error)
    assert "add at least one step" in marked


# -- what the page shows of the steps -------------------------------------------------------------


def test_the_card_says_the_backlog_a_peak_builds(at: AppTest) -> None:
    load(at, AGENT)
    a = advisor.assess(advisor.load_profile(AGENT))
    cap = a.capacity
    assert cap.backlog_requests > 0 and cap.drain_time_s is not None
    headroom = metric(at, "Rate-limit headroom")
    backlog = f"{count(cap.backlog_requests)} queued at peak, drains in {seconds(cap.drain_time_s)}"
    assert headroom.proto.delta == f"{backlog}, {cap.tier}"
    assert backlog in texts(block(at, "verdict_bar"))
    open_tab(at, "Latency & capacity")
    assert not at.exception
    shown = {m.label: m.value for m in at.metric}
    assert shown["Backlog at peak"] == count(cap.backlog_requests)
    assert shown["Drained after the peak"] == seconds(cap.drain_time_s)
    # Within the limits: no backlog, and the card says the tier as before (the RAG chat on
    # gpt-4o-mini, whose tier-2 limits the catalogue has).
    rag = (RETIRING / "rag-chat-rewrite.yaml").read_bytes()
    ok(at.file_uploader[0].set_value(("rag.yaml", rag, "application/yaml")).run())
    assert metric(at, "Rate-limit headroom").proto.delta == "at peak, tier-2"


def test_the_latency_chart_shows_p50_p95_p99_against_the_budget_and_each_step(at: AppTest) -> None:
    load(at, RAG)
    lat = advisor.assess(advisor.load_profile(RAG)).latency
    # The card's latency, with its distribution where it is read.
    first_help = re.sub(r"\\(.)", r"\1", metric(at, "First token at p95").proto.help)
    assert (f"P50 {seconds(lat.time_to_first_token_p50_s)}, p95 {seconds(lat.time_to_first_token_s)}, "
            f"p99 {seconds(lat.time_to_first_token_p99_s)}.") in first_help
    open_tab(at, "Latency & capacity")
    ok(at)
    a = advisor.assess(advisor.load_profile(RAG))
    lat = a.latency
    spec = next(s for s in chart_specs(at) if any(r.get("row") == charts.ANSWER_ROW for r in rows_of(s)))
    valid_vega_lite(spec)
    points = {(r["row"], r["p"]): r["s"] for r in rows_of(spec) if "p" in r and "row" in r}
    assert points[(charts.ANSWER_ROW, "p50")] == lat.end_to_end_p50_s
    assert points[(charts.ANSWER_ROW, "p95")] == lat.end_to_end_p95_s
    assert points[(charts.ANSWER_ROW, "p99")] == lat.end_to_end_p99_s
    assert points[(charts.FIRST_ROW, "p95")] == lat.time_to_first_token_s
    assert lat.end_to_end_p50_s <= lat.end_to_end_p95_s <= lat.end_to_end_p99_s
    budget = [r for r in rows_of(spec) if r.get("label") == f"budget {seconds(lat.latency_budget_s)}"]
    assert budget and budget[0]["s"] == lat.latency_budget_s
    # One typical request, step by step: each step's calls at their median, tools before them.
    segments = spec["layer"][0]["data"]["values"]
    assert [(r["step"], r["part"]) for r in segments] == [
        ("rewrite", "model call"), ("answer", "tools"), ("answer", "model call")
    ]
    assert segments[-1]["end"] == pytest.approx(sum(s.duration_s for s in lat.steps))
    # Streaming is judged on its first token: that row is drawn in the mode's colour.
    first = next(r for r in rows_of(spec) if r.get("row") == charts.FIRST_ROW and r.get("p") == "p95")
    assert first["ink"] == vocabulary.MODE_COLORS["streaming"]
    # The step table: one row a step, its time and its monthly tokens.
    table = frame(at, "call")
    assert list(table["step"]) == ["rewrite", "answer (shown)"]
    assert table["call"][0] == " / ".join(seconds(x) for x in (lat.steps[0].call_p50_s, lat.steps[0].call_p95_s,
                                                               lat.steps[0].call_p99_s))
    shown = texts(at)
    assert f"p99 **{seconds(lat.end_to_end_p99_s)}**" in shown or f"p99 {seconds(lat.end_to_end_p99_s)}" in shown


def test_a_far_budget_is_written_at_the_charts_edge() -> None:
    a = advisor.assess(advisor.load_profile(AGENT))
    spec = charts.latency_chart(a)
    valid_vega_lite(spec)
    assert a.latency.latency_budget_s > charts.FAR_BUDGET * a.latency.end_to_end_p99_s
    top = spec["layer"][0]["encoding"]["x"]["scale"]["domain"][1]
    assert top < a.latency.latency_budget_s
    (edge,) = [r for r in rows_of(spec) if str(r.get("label", "")).startswith("budget ")]
    assert edge["s"] == top and edge["label"].endswith("\u2192")


@pytest.mark.parametrize(
    ("path", "parts"), [(ROOT / "examples" / "chatbot.yaml", ["model call"]), (RAG, ["model call", "tools"])]
)
def test_the_latency_legend_names_only_the_parts_drawn(path, parts) -> None:
    spec = charts.latency_chart(advisor.assess(advisor.load_profile(path)))
    valid_vega_lite(spec)
    color = spec["layer"][0]["encoding"]["color"]["scale"]
    assert color["domain"] == parts
    assert color["range"] == [charts.SEGMENT_COLORS[p] for p in parts]


def test_the_modes_tab_annotates_each_lifecycle_with_the_steps_and_the_distribution() -> None:
    a = advisor.assess(advisor.load_profile(AGENT))
    lat = a.latency
    panels = {p.mode: p for p in lifecycle.panels(a)}
    sync = lifecycle.svg(panels["sync"])
    assert "4 steps, 4 calls in turn" in sync
    assert f"p50 {seconds(lat.end_to_end_p50_s)}, p95 {seconds(lat.end_to_end_p95_s)}" in sync
    streaming = lifecycle.svg(panels["streaming"])
    assert f"p50 {seconds(lat.time_to_first_token_p50_s)}, p95 {seconds(lat.time_to_first_token_s)}" in streaming
    # The async worker waits for the queue the peak builds.
    assert f"drains in {seconds(a.capacity.drain_time_s or 0)}" in lifecycle.svg(panels["async"])


def _step_change(option: Any) -> tuple[str, str]:
    """The step and the field an option changes (``steps.<name>.<field>``)."""
    key = next(k for k in option.changes if k.startswith("steps."))
    step, field = key.removeprefix("steps.").rsplit(".", 1)
    return step, field


# The agent at tier-4, whose limits hold its peak: the changes offered first are its steps'
# (at tier-2 it misses its budget, and the tier, the budget and the peak come first).
AGENT_AT_TIER_4 = AGENT.read_text("utf-8").replace("\ntier: tier-2\n", "\ntier: tier-4\n")


def _upload(at: AppTest, text: str) -> AppTest:
    at.file_uploader[0].set_value(("agent.yaml", text.encode(), "application/yaml")).run()
    return ok(at)


def test_try_it_changes_a_step_and_undo_brings_it_back(at: AppTest) -> None:
    profile = advisor.parse_profile(yaml.safe_load(AGENT_AT_TIER_4))
    assert profile.tier == "tier-4"
    _upload(at, AGENT_AT_TIER_4)
    a = advisor.assess(profile)
    groups = changes.card(a)
    offered = [o for g in groups for o in g.options]
    index = next(i for i, o in enumerate(offered) if any(k.startswith("steps.") for k in o.changes))
    option = offered[index]
    step, field = _step_change(option)
    assert option.label.startswith(f"Step “{step}”, ")
    at.button(key=f"try_{index}").click().run()
    ok(at)
    row = next(r for r in rows(at) if r["name"] == step)
    assert row[field] == option.changes[f"steps.{step}.{field}"] != getattr(
        next(s for s in profile.steps or () if s.name == step), field
    )
    assert shown_mode(at) == label(option.mode)
    at.button(key="undo").click().run()
    ok(at)
    assert session_profile(at) == profile


def test_the_undo_button_shows_a_steps_name_as_text(at: AppTest) -> None:
    # A step's name is the user's text; the change tried names it, and so does "Undo".
    a = advisor.assess(advisor.parse_profile(yaml.safe_load(AGENT_AT_TIER_4)))
    offered = [o for g in changes.card(a) for o in g.options]
    step, _ = _step_change(next(o for o in offered if any(k.startswith("steps.") for k in o.changes)))
    text = AGENT_AT_TIER_4.replace(f"  - name: {step}\n", f"  - name: '**{step}** _v2_ $ :red[x]'\n")
    _upload(at, text)
    a = advisor.assess(advisor.parse_profile(yaml.safe_load(text)))
    groups = changes.card(a)
    offered = [o for g in groups for o in g.options]
    index = next(i for i, o in enumerate(offered) if f"**{step}**" in o.label)
    at.button(key=f"try_{index}").click().run()
    ok(at)
    assert at.button(key="undo").label == f"Undo: {state.md(session.undo_label(offered[index].label))}"


@pytest.mark.parametrize("path", STEP_EXAMPLES, ids=[p.stem for p in STEP_EXAMPLES])
def test_every_tab_renders_for_a_steps_workload(at: AppTest, path: Path) -> None:
    load(at, path)
    for tab in ("Overview", "Modes", "Cost", "Latency & capacity", "Risks", "Why", "Decision map", "Decision record"):
        open_tab(at, tab)
        assert not at.exception, (tab, [e.message for e in at.exception])
        assert not [e.value for e in at.error if "cannot be drawn" in e.value], tab


def test_the_step_help_and_columns_say_what_a_blank_cell_means() -> None:
    for column in steps.COLUMNS:
        assert column.label and column.help
        if not column.required and column.field not in ("tool_latency_s", "repeat", "shown", "cached_input_fraction"):
            # a blank cell means something of its own: say what
            assert column.blank, column.field
    assert json.dumps([c.field for c in steps.COLUMNS]) == json.dumps(list(steps.FIELDS))
    assert set(steps.FIELDS) <= set(advisor.core.profile.Step.model_fields)


def test_the_form_asks_every_workload_field_or_keeps_it_as_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """A field the form does not ask about (a newer release's provenance, say) is not lost
    on the way through the form."""
    assert set(advisor.WorkloadProfile.model_fields) >= state.ASKED  # no name the profile lacks
    profile = advisor.load_profile(AGENT).model_copy(update={"latency_correlation": 0.3})
    assert state.profile_to_state(profile)[state.KEPT] == {}
    monkeypatch.setattr(state, "ASKED", state.ASKED - {"latency_correlation"})
    widgets = state.profile_to_state(profile)
    assert widgets[state.KEPT] == {"latency_correlation": 0.3}
    widgets["q_latency_correlation"] = None  # as if the form had no such question
    assert advisor.parse_profile(state.answers_from_state(widgets)) == profile


@pytest.mark.parametrize("root", ["rag.chat", "support.agent"])
def test_a_calibrated_workload_round_trips_through_the_form(root: str, tmp_path: Path) -> None:
    """What `advisor calibrate --into` writes from traces (steps with measured p50, p95 and first
    token, repeats, tool time, and the evidence) goes into the form and comes back exactly."""
    from tests.calibration.conftest import simulate_hour
    from tests.calibration.simulate import write_otlp_json

    export = write_otlp_json(simulate_hour(7).spans, tmp_path / "traces.jsonl")
    base = {"name": root, "interaction": "chat", "latency_budget_s": 5, "downstream": "own_ui"}
    profile = advisor.parse_profile(advisor.calibrate([export], root=root).into(base))
    assert profile.steps and any(s.model_p95_s is not None for s in profile.steps)
    assert profile.evidence is not None
    widgets = state.profile_to_state(profile)
    assert widgets["q_use_steps"] is True
    # The evidence goes with the measured answers while they stand.
    assert advisor.parse_profile(with_evidence(state.answers_from_state(widgets), widgets)) == profile
    assert state.read_upload("w.yaml", state.answers_yaml(profile).encode("utf-8")) == profile
    widgets[state.STEPS_ROWS][0]["input_tokens"] += 1
    assert advisor.parse_profile(with_evidence(state.answers_from_state(widgets), widgets)).evidence is None


def test_a_calibrated_file_opened_says_measured_until_a_step_is_changed(at: AppTest) -> None:
    base = {"name": "Help chat", "interaction": "chat", "latency_budget_s": 3, "downstream": "own_ui"}
    export = ROOT / "examples" / "traces" / "rag-chat.jsonl.gz"
    profile = advisor.parse_profile(advisor.calibrate([export]).into(base))
    text = state.answers_yaml(profile)
    at.file_uploader[0].set_value(("measured.yaml", text.encode(), "application/yaml")).run()
    ok(at)
    measured = with_evidence(state.answers_from_state(at.session_state), at.session_state)
    assert advisor.parse_profile(measured) == profile
    assert "OpenTelemetry traces" in texts(at)
    edited = rows(at)
    edited[0]["output_tokens"] += 10
    set_rows(at, edited)
    ok(at)
    assert "OpenTelemetry traces" not in texts(at)
