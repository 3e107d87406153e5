"""The Streamlit questionnaire, driven headless with AppTest: what a CTO sees and downloads.

Every expectation comes from the library (``advisor.assess``) for the same answers: the app
renders the assessment, it never decides.
"""

from __future__ import annotations

import datetime
import io
import json
import logging
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

import advisor
from advisor.core.decision_map import decision_map, default_values
from advisor.core.errors import InputError
from advisor.core.profile import MODES
from advisor.views.json_output import dump_json
from advisor.views.sources import cite
from questionnaire import charts, record, state, views, vocabulary
from questionnaire.scenarios import read_scenarios
from tests.strategies import profile_dicts

from .conftest import ROOT

APP = ROOT / "app.py"
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
DEFAULT = ROOT / "examples" / "support-reply-draft.yaml"
SOURCE_KEY = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b|\b[Ss]eeds? \d{3}\b")

# Every test here runs the Streamlit script (AppTest) or imports Streamlit: `make test-fast` skips them.
pytestmark = pytest.mark.slow

# AppTest has no browser session; Streamlit says so on every run.
logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.chdir(ROOT)  # Streamlit reads .streamlit/config.toml from here
    test = AppTest.from_file(str(APP), default_timeout=30)
    test.run()
    return test


def ok(at: AppTest) -> AppTest:
    """The run raised nothing and showed no error box."""
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def shown_mode(at: AppTest) -> str:
    """The recommended mode as the headline shows it ("# Streaming")."""
    titles = [m.value[2:] for m in at.markdown if m.value.startswith("# ")]
    assert len(titles) == 1, titles
    return titles[0]


def label(mode: str) -> str:
    return vocabulary.Words(advisor.load_rules()).mode(mode)


def open_tab(at: AppTest, name: str) -> AppTest:
    at.session_state["result_tab"] = name
    return at.run()


def chart_specs(at: AppTest) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Every chart on the page: (Vega-Lite spec, {dataset name: rows})."""
    charts = []
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        data = {
            d.name: pa.ipc.open_stream(io.BytesIO(d.data.data)).read_all().to_pylist() for d in element.proto.datasets
        }
        charts.append((spec, data))
    return charts


def session_profile(at: AppTest) -> advisor.WorkloadProfile:
    return advisor.parse_profile(state.answers_from_state(at.session_state))


# -- the default page ------------------------------------------------------------------


def test_default_run_shows_the_default_example_assessed(at: AppTest) -> None:
    ok(at)
    expected = advisor.assess(advisor.load_profile(DEFAULT))
    assert shown_mode(at) == label(expected.recommendation)
    assert session_profile(at) == advisor.load_profile(DEFAULT)
    assert at.text_input(key="q_name").value == "Support reply draft"
    # The reason shown is the assessment's own one-line reason.
    assert any(m.value == state.md(expected.reason) for m in at.markdown)


def test_every_question_explains_itself(at: AppTest) -> None:
    widgets = [*at.text_input, *at.text_area, *at.selectbox, *at.number_input, *at.slider, *at.toggle]
    questions = [w for w in widgets if str(w.key or "").startswith("q_")]
    assert len(questions) > 30
    assert all(w.help and len(w.help) > 20 for w in questions), [w.key for w in questions if not w.help]


# -- answers move the recommendation ---------------------------------------------------


def test_choosing_chat_gives_streaming(at: AppTest) -> None:
    at.selectbox(key="q_interaction").set_value("chat").run()
    ok(at)
    assert shown_mode(at) == label("streaming")
    assert advisor.assess(session_profile(at)).recommendation == "streaming"


def test_compliance_critical_downstream_gives_async(at: AppTest) -> None:
    at.selectbox(key="q_downstream").set_value("compliance_critical").run()
    ok(at)
    assert shown_mode(at) == label("async")
    open_tab(at, "Overview")
    ruled_out = " ".join(m.value for m in at.markdown)
    assert "Ruled out" in ruled_out


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_each_example_loads_with_its_expected_mode(at: AppTest, path: Path) -> None:
    at.selectbox(key="scenario").set_value(path.stem).run()
    ok(at)
    profile = advisor.load_profile(path)
    assert session_profile(at) == profile  # every answer taken over, nothing lost
    assert at.text_input(key="q_name").value == profile.name
    assert shown_mode(at) == label(advisor.assess(profile).recommendation)


def test_reweighting_the_axes_reorders_the_ranking(at: AppTest) -> None:
    profile = advisor.load_profile(DEFAULT)
    before = [r.mode for r in advisor.assess(profile).ranking]
    assert displayed_ranking(at) == before

    at.slider(key="q_w_ux_contract").set_value(0.0)
    at.slider(key="q_w_latency").set_value(0.0).run()
    ok(at)
    weights = {**advisor.load_rules().weights, "ux_contract": 0.0, "latency": 0.0}
    after = advisor.assess(profile, weights=weights)
    assert displayed_ranking(at) == [r.mode for r in after.ranking] != before
    assert shown_mode(at) == label(after.recommendation) != label("sync")
    assert any("your axis priorities" in m.value for m in at.markdown)

    at.button(key="reset_weights").click().run()
    assert displayed_ranking(at) == before

    for axis in advisor.load_rules().weights:  # nothing counts: no ranking, and the page says why
        at.slider(key=f"q_w_{axis}").set_value(0.0)
    at.run()
    assert not at.exception
    assert any("Axis priority" in e.value and "at least one axis weight must be above 0" in e.value for e in at.error)


def displayed_ranking(at: AppTest) -> list[str]:
    """Modes in the order the ranking caption lists them ("1. **sync** +10.5 · 2. ...")."""
    captions = [c.value for c in at.caption if c.value.startswith("1. **")]
    assert len(captions) == 1, captions
    return re.findall(r"\*\*(\w+)\*\*", captions[0])


def test_a_new_session_starts_from_the_defaults(at: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    at.selectbox(key="q_interaction").set_value("pipeline")
    at.slider(key="q_w_cost_burst").set_value(9.0).run()
    ok(at)
    rules = advisor.load_rules()
    other = AppTest.from_file(str(APP), default_timeout=30).run()
    ok(other)
    assert other.selectbox(key="q_interaction").value == "request_response"
    assert other.slider(key="q_w_cost_burst").value == rules.weights["cost_burst"]
    # The shared, cached rule set was read, never written.
    assert rules.weights == {a.id: a.weight for a in rules.header.axes}
    assert advisor.load_rules().content_hash == rules.content_hash


# -- impossible or missing answers -----------------------------------------------------


def test_a_missing_name_is_a_friendly_message(at: AppTest) -> None:
    at.text_input(key="q_name").set_value("").run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "Feature name" in errors[0]
    assert not [m for m in at.markdown if m.value.startswith("# ")]  # no recommendation from half an answer


def test_a_zero_latency_budget_is_a_friendly_message(at: AppTest) -> None:
    at.number_input(key="q_budget").set_value(0.0).run()
    assert not at.exception
    assert any("Latency budget" in e.value and "greater than or equal to 0" in e.value for e in at.error)


def test_an_unknown_model_is_a_friendly_message(at: AppTest) -> None:
    upload(at, "private.yaml", COMPLETE.replace(b"gpt-4o-mini", b"no-such-model-x"))
    assert not at.exception
    assert any("no\\-such\\-model\\-x" in e.value and "pricing" in e.value for e in at.error)
    # Own prices make it assessable.
    at.toggle(key="q_use_pricing").set_value(True).run()
    at.number_input(key="q_input_per_mtok").set_value(1.0)
    at.number_input(key="q_output_per_mtok").set_value(4.0).run()
    ok(at)
    assert session_profile(at).pricing is not None


def test_changing_provider_clears_a_model_it_does_not_list(at: AppTest) -> None:
    at.selectbox(key="q_provider").set_value("anthropic").run()
    assert not at.exception
    assert at.session_state["q_model"] is None
    assert any("Model" in e.value and "required" in e.value for e in at.error)


# -- files in and out ------------------------------------------------------------------


COMPLETE = (
    b"name: x\ninteraction: chat\nlatency_budget_s: 2\ninput_tokens: 10\noutput_tokens: 10\n"
    b"requests_per_month: 10\nmodel: gpt-4o-mini\n"
)


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader[0].set_value((name, content, "application/yaml"))
    return at.run()


def test_uploading_a_workload_replaces_the_answers(at: AppTest) -> None:
    text = (ROOT / "examples" / "chatbot.yaml").read_text("utf-8").replace("Customer chatbot", "Help widget")
    upload(at, "mine.yaml", text.encode())
    ok(at)
    assert at.text_input(key="q_name").value == "Help widget"
    assert shown_mode(at) == label("streaming")
    assert at.selectbox(key="scenario").value is None


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"name: x\ninteraction: chat\nlatency_budget_s: -1\n", "latency_budget_s"),
        (b"name: x\ninteraction: telepathy\n", "interaction"),
        (b"name: [unclosed\n", "not valid YAML"),
        (b"\xff\xfe\x00binary", "UTF-8"),
        (b"- a list\n", "mapping"),
        (COMPLETE + b"latency_budget: 3\n", "did you mean 'latency_budget_s'"),
        (COMPLETE.replace(b"model: gpt-4o-mini", b"model: 42"), "model"),
    ],
)
def test_a_bad_file_is_a_friendly_message_naming_the_file_and_field(at: AppTest, content: bytes, expected: str) -> None:
    upload(at, "broken.yaml", content)
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1
    assert "broken" in errors[0] and state.md(expected) in errors[0]
    assert session_profile(at) == advisor.load_profile(DEFAULT)  # the answers were left alone
    assert shown_mode(at) == label("sync")


def captured_downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What the page hands to each download button, by key (a callable is called, as on click)."""
    seen: dict[str, Any] = {}
    original = DeltaGenerator.download_button

    def spy(self: DeltaGenerator, label: str, data: Any, *args: Any, **kwargs: Any) -> Any:
        seen[kwargs.get("key")] = {"data": data() if callable(data) else data, "file_name": kwargs.get("file_name")}
        return original(self, label, data, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", spy)
    import streamlit

    monkeypatch.setattr(streamlit, "download_button", lambda *a, **k: spy(streamlit._main, *a, **k))
    return seen


def test_downloaded_answers_read_back_as_the_same_workload(at: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = captured_downloads(monkeypatch)
    at.selectbox(key="scenario").set_value("claims-triage-compliance").run()
    ok(at)
    answers = seen["download_answers"]
    assert answers["file_name"] == "drug-interaction-check.yaml"
    assert state.read_upload("x.yaml", answers["data"].encode()) == advisor.load_profile(
        ROOT / "examples" / "claims-triage-compliance.yaml"
    )


def test_downloaded_adr_is_the_record_the_cli_writes(at: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = captured_downloads(monkeypatch)
    at.selectbox(key="q_interaction").set_value("chat").run()
    at.session_state["adr_template"] = "nygard"
    at.session_state["adr_status"] = "accepted"
    at.session_state["adr_date"] = datetime.date(2026, 3, 4)
    open_tab(at, "Decision record")
    ok(at)

    assessment = advisor.assess(session_profile(at), advisor.load_rules())
    expected = advisor.render_adr(assessment, template="nygard", status="accepted", date=datetime.date(2026, 3, 4))
    assert seen["download_adr"]["data"] == expected.encode("utf-8")
    assert seen["download_adr"]["file_name"].endswith(".md")
    # The record decides what the headline shows: the same mode, in the rule set's words.
    chosen = assessment.rules.header.modes[assessment.recommendation]
    assert f"We will {chosen.verb} (`{assessment.recommendation}`, {chosen.label}), because" in expected
    assert f"# {chosen.label}" in [m.value for m in at.markdown]
    # The JSON download is exactly what `advisor recommend --format json` prints.
    assert seen["download_json"]["data"] == dump_json(assessment.model_dump(mode="json"))
    # The preview shows the same record.
    at.session_state["adr_view"] = "Markdown source"
    at.run()
    assert [c.value for c in at.code] == [expected.rstrip("\n")]


def test_madr_preview_keeps_dollar_amounts_literal(at: AppTest) -> None:
    open_tab(at, "Decision record")
    ok(at)
    preview = "\n".join(m.value for m in at.markdown)
    assert "\\$" in preview  # "$156 a month" must not turn into LaTeX between two dollar signs
    assert any(state.md("status: proposed") in c.value for c in at.caption)


# -- the result panel ------------------------------------------------------------------


def test_cost_chart_shows_each_modes_monthly_total(at: AppTest) -> None:
    open_tab(at, "Cost")
    ok(at)
    expected = advisor.assess(advisor.load_profile(DEFAULT))
    totals = {}
    for _spec, data in chart_specs(at):
        for rows in data.values():
            for row in rows:
                if "total" in row and "label" in row:
                    totals[row["mode"].split(" (")[0]] = row["total"]
    assert totals == {label(m): pytest.approx(expected.costs[m].total_usd) for m in MODES}
    assert any("USD per month" in json.dumps(spec) for spec, _ in chart_specs(at))


def test_downloads_are_offered(at: AppTest) -> None:
    assert at.download_button(key="download_answers").label == "Download answers (YAML)"
    open_tab(at, "Decision record")
    ok(at)
    assert {b.key for b in at.download_button} == {"download_answers", "download_adr", "download_json"}
    at.text_input(key="q_name").set_value("").run()  # nothing valid to download
    assert at.download_button(key="download_answers").proto.disabled


def test_every_tab_renders(at: AppTest) -> None:
    for tab in views.TABS:
        open_tab(at, tab)
        ok(at)
    open_tab(at, "Why")
    expected = advisor.assess(advisor.load_profile(DEFAULT))
    assert any(f"{len(expected.fired_rules)} of {len(expected.trace)} rules fired" in m.value for m in at.markdown)
    sources = " ".join(c.value for c in at.caption)
    titles = expected.rules.header.sources
    assert all(state.md(cite(r.source, titles)) in sources for r in expected.fired_rules)


def test_no_tab_shows_a_source_file_key(at: AppTest) -> None:
    """Sources are cited by their titles: no hashed seed file name, no "seed 003"."""
    for tab in views.TABS:
        open_tab(at, tab)
        ok(at)
        shown = " ".join(
            [m.value for m in at.markdown] + [c.value for c in at.caption]
            + [json.dumps(d.value.to_dict()) for d in at.dataframe] + [e.label for e in at.expander]
        )
        assert not SOURCE_KEY.search(shown), (tab, SOURCE_KEY.search(shown).group(0))


def test_decision_map_marks_the_current_workload(at: AppTest) -> None:
    at.session_state["map_n"] = 6
    open_tab(at, "Decision map")
    ok(at)
    profile = advisor.load_profile(DEFAULT)
    xs = default_values("latency_budget_s", profile, 6)
    ys = default_values("requests_per_month", profile, 6)
    expected = decision_map(profile, "latency_budget_s", xs, "requests_per_month", ys, rules=advisor.load_rules())
    ((_spec, data),) = [c for c in chart_specs(at) if "recommended" in json.dumps(c[0])]
    rows = [row for rows in data.values() for row in rows]
    cells = [r for r in rows if "mode" in r]
    marker = [r for r in rows if r.get("what") == "your workload"]
    assert len(cells) == len(xs) * len(ys)
    assert sorted(r["mode"] for r in cells) == sorted(label(m) for row in expected.cells for m in row)
    assert marker and marker[0]["x0"] == 4.0 and marker[0]["y0"] == 120_000


# -- the helpers the page is built from -------------------------------------------------


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(
    data=profile_dicts(),
    costs=hs.none()
    | hs.fixed_dictionaries(
        {"usd_per_person_week": hs.floats(0, 100_000)},
        optional={
            "amortisation_months": hs.integers(1, 120),
            "infra_usd_per_month": hs.dictionaries(hs.sampled_from(MODES), hs.floats(0, 1e6), min_size=1),
            "engineering_person_weeks": hs.dictionaries(hs.sampled_from(MODES), hs.floats(0, 100), min_size=1),
        },
    ),
)
def test_answers_round_trip_through_the_questionnaire_and_the_yaml_file(data: dict[str, Any], costs: Any) -> None:
    if costs is not None:
        data = {**data, "costs": costs}
    profile = advisor.parse_profile(data)
    widgets = state.profile_to_state(profile)
    assert advisor.parse_profile(state.answers_from_state(widgets)) == profile
    text = state.answers_yaml(profile)
    assert state.read_upload("answers.yaml", text.encode("utf-8")) == profile
    assert list(yaml.safe_load(text)) == [k for k in advisor.WorkloadProfile.model_fields if k in yaml.safe_load(text)]


@SETTINGS
@given(hs.floats(min_value=1e-3, max_value=30 * 86_400, allow_nan=False) | hs.integers(1, 30 * 86_400).map(float))
def test_a_budget_split_into_value_and_unit_gives_back_the_same_seconds(budget: float) -> None:
    value, unit = state.split_budget(budget)
    assert value * state.BUDGET_UNITS[unit] == budget
    assert unit == "seconds" or value >= 1


def test_budgets_read_in_the_unit_a_person_would_say() -> None:
    assert state.split_budget(28_800.0) == (8.0, "hours")
    assert state.split_budget(900.0) == (15.0, "minutes")
    assert state.split_budget(172_800.0) == (2.0, "days")
    assert state.split_budget(2.5) == (2.5, "seconds")
    assert state.split_budget(90.0) == (90.0, "seconds")


def test_examples_folder_keeps_the_good_files_and_names_the_broken_one(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text("# Seed 1: a chat.\n# Second line.\n" + COMPLETE.decode(), "utf-8")
    (tmp_path / "broken.yaml").write_text("name: x\ninteraction: telepathy\n", "utf-8")
    found, problems = read_scenarios(tmp_path)
    assert list(found) == ["good"]
    assert found["good"].name == "x" and found["good"].seed_note == "Seed 1: a chat. Second line."
    assert found["good"].profile == advisor.parse_profile(yaml.safe_load(COMPLETE))
    assert len(problems) == 1 and "broken.yaml" in problems[0] and "interaction" in problems[0]


def test_the_library_and_cli_never_load_the_app_parts() -> None:
    """Streamlit, Altair and this package stay off the CLI's import path."""
    code = (
        "import importlib, pkgutil, sys, advisor;"
        "[importlib.import_module(m.name) for m in pkgutil.walk_packages(advisor.__path__, 'advisor.')"
        " if not m.name.endswith('__main__')];"
        "print(sorted(m for m in ('streamlit', 'altair', 'pandas', 'questionnaire') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_upload_errors_name_the_file() -> None:
    with pytest.raises(InputError, match=r"big\.yaml: file is larger"):
        state.read_upload("big.yaml", b"#" * 1_000_001)
    with pytest.raises(InputError, match=r"w\.yaml: field 'requests_per_month'"):
        state.read_upload(
            "w.yaml",
            b"name: a\ninteraction: chat\nlatency_budget_s: 1\ninput_tokens: 1\n"
            b"output_tokens: 1\nrequests_per_month: -5\nmodel: gpt-4o-mini\n",
        )


def test_user_text_is_inert_markdown() -> None:
    assert state.md("[click](javascript:alert(1)) :red[x] $x$ **b** <b>") == (
        "\\[click\\]\\(javascript\\:alert\\(1\\)\\) \\:red\\[x\\] \\$x\\$ \\*\\*b\\*\\* \\<b\\>"
    )


def test_record_preview_escapes_streamlit_syntax_outside_code_only() -> None:
    body = "Costs $156 and $4,000 :red[x]\n```mermaid\nA-->B: $5\n```\n"
    assert record.preview_markdown(body) == "Costs \\$156 and \\$4,000 \\:red[x]\n```mermaid\nA-->B: $5\n```"


@pytest.mark.parametrize("path", EXAMPLES[:3], ids=[p.stem for p in EXAMPLES[:3]])
def test_every_chart_is_valid_vega_lite(path: Path) -> None:
    """The page skips schema validation at run time (it is slow); here every chart is validated."""
    assessment = advisor.assess(advisor.load_profile(path))
    for chart in (charts.ranking_chart(assessment), charts.cost_chart(assessment), charts.latency_chart(assessment)):
        chart.to_dict(validate=True)
    profile = assessment.workload
    for x, y in (
        ("latency_budget_s", "requests_per_month"),
        ("interaction", "output_tokens"),
        ("downstream", "side_effects"),
    ):
        result = decision_map(profile, x, default_values(x, profile, 5), y, default_values(y, profile, 5))
        charts.map_chart(result, vocabulary.Words(assessment.rules)).to_dict(validate=True)


def test_a_move_that_costs_more_says_so_and_why(at: AppTest) -> None:
    # Nightly ticket triage runs sync today; batch tokens are half price, the total rises.
    at.selectbox(key="scenario").set_value("nightly-ticket-triage").run()
    ok(at)
    labels = [m.label for m in at.metric]
    assert "Extra cost against today" in labels and not any("Saving" in x for x in labels)
    extra = next(m for m in at.metric if m.label == "Extra cost against today")
    assert extra.value == "$225"
    why = " ".join(c.value for c in at.caption).replace("\\", "")  # Markdown escapes
    assert "an extra cost of $225 a month: its build adds $222 a month" in why
    assert "batch pays for itself from" in why
    open_tab(at, "Cost")
    table = next(df for df in at.dataframe if "vs today" in df.value.columns)
    cells = list(table.value["vs today"])
    assert "today" in cells and all(c == "today" or c.startswith("extra cost $") for c in cells)
