"""The Streamlit questionnaire, driven headless with AppTest: what a CTO sees and downloads.

Every expectation comes from the library (``advisor.assess``) for the same answers: the app
renders the assessment, it never decides. What a browser alone can see (where the verdict
sits on a phone, what stays in view while scrolling, the requests a page makes) is checked
in test_browser.py.
"""

from __future__ import annotations

import base64
import datetime
import json
import logging
import re
import subprocess
import sys
import textwrap
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

import advisor
from advisor.core.decision_map import decision_map, default_values
from advisor.core.errors import InputError
from advisor.core.profile import MODES
from advisor.views import formatting
from advisor.views.formatting import money, seconds
from advisor.views.json_output import dump_json
from advisor.views.limits import headroom
from advisor.views.sources import cite
from advisor.views.text import render_text
from questionnaire import changes, charts, lifecycle, record, state, views, vocabulary
from questionnaire.scenarios import read_scenarios
from tests.strategies import profile_dicts

from .conftest import RETIRING, ROOT, TODAY

APP = ROOT / "app.py"
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
DEFAULT = ROOT / "examples" / "support-reply-draft.yaml"
SOURCE_KEY = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b|\b[Ss]eeds? \d{3}\b")

# Every test here runs the Streamlit script (AppTest) or imports Streamlit: `make test-fast` skips them.
pytestmark = pytest.mark.slow

# AppTest has no browser session; Streamlit says so on every run.
logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)


def ok(at: AppTest) -> AppTest:
    """The run raised nothing and showed no error box."""
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def block(at: AppTest | Block, key: str) -> Block:
    """The container the page keyed ``key`` (Streamlit ids end with "-<key>")."""

    def find(node: Any) -> Block | None:
        proto = getattr(node, "proto", None)
        if isinstance(node, Block) and proto is not None and str(getattr(proto, "id", "")).endswith(f"-{key}"):
            return node
        for child in getattr(node, "children", {}).values():
            if (found := find(child)) is not None:
                return found
        return None

    found = find(at._tree if isinstance(at, AppTest) else at)
    assert found is not None, f"no container keyed {key!r}"
    return found


def texts(where: AppTest | Block) -> str:
    """Everything a person reads there: Markdown, captions, alerts, metrics, Markdown escapes undone."""
    parts = [m.value for m in where.markdown] + [c.value for c in where.caption]
    parts += [e.value for e in [*where.error, *where.warning, *where.info]]
    parts += [f"{m.label} {m.value} {m.proto.delta}" for m in where.metric]
    return re.sub(r"\\(.)", r"\1", " ".join(parts))


def shown_mode(at: AppTest) -> str:
    """The recommended mode as the verdict card shows it ("## Streaming response")."""
    titles = [m.value[3:] for m in block(at, "verdict").markdown if m.value.startswith("## ")]
    assert len(titles) == 1, titles
    return titles[0]


def label(mode: str) -> str:
    return vocabulary.Words(advisor.load_rules()).mode(mode)


def open_tab(at: AppTest, name: str) -> AppTest:
    at.session_state["result_tab"] = name
    return at.run()


def chart_specs(at: AppTest) -> list[dict[str, Any]]:
    """Every chart on the page, as the Vega-Lite spec the browser receives."""
    return [json.loads(element.proto.spec) for element in at.get("vega_lite_chart")]


def rows_of(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [row for layer in spec["layer"] for row in layer["data"]["values"]]


def session_profile(at: AppTest) -> advisor.WorkloadProfile:
    return advisor.parse_profile(state.answers_from_state(at.session_state))


def assessed(path: Path = DEFAULT) -> advisor.Assessment:
    return advisor.assess(advisor.load_profile(path))


# -- the verdict ------------------------------------------------------------------------


def test_default_run_shows_the_default_example_assessed(at: AppTest) -> None:
    ok(at)
    expected = assessed()
    assert shown_mode(at) == label(expected.recommendation)
    assert session_profile(at) == advisor.load_profile(DEFAULT)
    assert at.text_input(key="q_name").value == "Support reply draft"
    verdict = block(at, "verdict")
    # The reason shown is the assessment's own one-line reason, in the card.
    assert any(m.value == state.md(expected.reason) for m in verdict.markdown)


def test_the_verdict_card_holds_mode_feasibility_cost_latency_and_the_record(at: AppTest) -> None:
    ok(at)
    a = assessed()
    verdict = block(at, "verdict")
    shown = texts(verdict)
    assert "meets its contract" in shown
    metrics = {m.label: m for m in verdict.metric}
    assert metrics["Monthly cost"].value == money(a.costs["sync"].total_usd)
    answer = metrics["Answer at p95"]
    assert answer.value == seconds(a.latency.end_to_end_p95_s) and answer.proto.delta == "budget 4.00 s"
    assert answer.proto.color == 1  # green: within the budget
    assert metrics["Rate-limit headroom"].value == headroom(a.capacity)
    # gpt-5.4's peak is checked against its tier's published limits, which the help cites.
    assert metrics["Rate-limit headroom"].value == "84%"
    assert metrics["Rate-limit headroom"].proto.delta == "at peak, tier-1"
    assert metrics["Rate-limit headroom"].proto.help == state.md(
        "At peak: 40 of 500 requests/min, 79,200 of 500,000 tokens/min: 84% headroom. Limits: OpenAI gpt-5.4,"
        " tier-1: OpenAI model page gpt-5.4 — rate limits per tier, read 2026-11-26:"
        " https://developers.openai.com/api/docs/models/gpt-5.4."
    )
    # The primary button is in the card, with one line of what to do next.
    (download,) = verdict.get("download_button")
    assert download.proto.label == "Download decision record (MADR 4)" and download.proto.type == "primary"
    assert "Next: commit the record as `docs/decisions/NNNN-support-reply-draft-" in shown
    # The compact bar (shown on a phone) says the same in one line.
    bar = texts(block(at, "verdict_bar"))
    assert "Synchronous call" in bar and "meets its contract" in bar
    assert f"{money(a.costs['sync'].total_usd)} a month" in bar
    assert f"answer at p95 {seconds(a.latency.end_to_end_p95_s)} (budget 4.00 s)" in bar


def test_the_headroom_names_the_account_tier_it_rests_on(at: AppTest) -> None:
    # The default example on gpt-4o-mini, whose Tier 1 limits the catalogue has.
    ok(at)
    upload(at, "draft.yaml", (RETIRING / "support-reply-draft.yaml").read_bytes())
    ok(at)
    a = advisor.assess(session_profile(at), advisor.load_rules())
    metrics = {m.label: m for m in block(at, "verdict").metric}
    assert metrics["Rate-limit headroom"].value == headroom(a.capacity)
    assert metrics["Rate-limit headroom"].proto.delta == f"at peak, {a.capacity.tier}"


def test_the_record_downloads_from_the_verdict_card_as_madr(at: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = captured_downloads(monkeypatch)
    at.run()
    ok(at)
    a = advisor.assess(session_profile(at), advisor.load_rules())
    expected = advisor.render_adr(a, template="madr", status="proposed", date=TODAY)
    assert seen["download_record"]["data"] == expected.encode("utf-8")
    assert seen["download_record"]["file_name"] == "support-reply-draft-call-the-model-synchronously.md"


def test_streaming_is_judged_on_its_first_token(at: AppTest) -> None:
    # The chatbot's whole answer takes 4 s against a 2.5 s budget; its first token 0.5 s.
    at.selectbox(key="scenario").set_value("chatbot").run()
    ok(at)
    a = assessed(ROOT / "examples" / "chatbot.yaml")
    assert a.recommendation == "streaming" and a.latency.end_to_end_p95_s > a.workload.latency_budget_s
    metrics = {m.label: m for m in block(at, "verdict").metric}
    first = metrics["First token at p95"]
    assert first.value == seconds(a.latency.time_to_first_token_s) < "2.50 s"
    assert first.proto.delta == "budget 2.50 s" and first.proto.color == 1
    assert "meets its contract" in texts(block(at, "verdict"))
    assert "Answer at p95" not in metrics  # no red end-to-end badge beside a streaming verdict


def test_money_and_mode_disagreeing_is_explained_in_one_sentence(at: AppTest) -> None:
    # Nightly ticket triage on gpt-4o-mini runs sync today; batch tokens are half price, the total rises.
    upload(at, "triage.yaml", (RETIRING / "nightly-ticket-triage.yaml").read_bytes())
    ok(at)
    verdict = texts(block(at, "verdict"))
    assert (
        "Batch API costs $114 a month more than Synchronous call (today): its token bill falls from $35.10 to $17.55, "
        "but its build adds $111 a month (the 1 person-week that the batch API adds to today's synchronous call, "
        "amortised over 36 months) and its infrastructure $20; batch pays for itself only from 2,241,216 requests a"
        " month." in verdict
    )
    cost = next(m for m in block(at, "verdict").metric if m.label == "Monthly cost")
    assert cost.proto.delta == "an extra cost of $114" and cost.proto.color == 0  # red: costs more than today
    assert "Cheapest mode" not in verdict and "Half price" not in verdict
    # A new feature: the cheaper mode is named, and why it is not chosen.
    upload(at, "chatbot.yaml", (RETIRING / "chatbot.yaml").read_bytes())
    ok(at)
    assert "costs $66 a month more than Synchronous call, which misses its contract" in texts(block(at, "verdict"))


def test_what_would_change_shows_at_most_three_grouped_by_mode_and_try_it_applies_one(at: AppTest) -> None:
    verdict = block(at, "verdict")
    tries = [b for b in verdict.button if b.label == "Try it"]
    assert 1 <= len(tries) <= 3
    a = assessed()
    groups = changes.card(a)
    heads = [m.value for m in verdict.markdown if m.value.startswith(":material/arrow_forward:")]
    words = vocabulary.Words(a.rules)
    assert heads == [f":material/arrow_forward: **{state.md(changes.group_title(words, a, g))}**" for g in groups]
    assert len({g.mode for g in groups}) == len(groups) >= 2  # the card shows different outcomes first
    first = groups[0].options[0]
    # No field names, no rule ids: the question's words.
    assert all("_" not in o.label and "latency-" not in o.because for g in groups for o in g.options)

    at.button(key="try_0").click().run()
    ok(at)
    assert shown_mode(at) == label(groups[0].mode)
    (field, value), = first.changes.items()
    assert getattr(session_profile(at), field) == pytest.approx(value)
    assert at.selectbox(key="scenario").value is None  # the answers are no longer the example's
    at.button(key="undo").click().run()
    ok(at)
    assert session_profile(at) == advisor.load_profile(DEFAULT) and shown_mode(at) == label("sync")


# -- answers move the recommendation ---------------------------------------------------


def test_every_question_explains_itself(at: AppTest) -> None:
    widgets = [*at.text_input, *at.text_area, *at.selectbox, *at.number_input, *at.slider, *at.toggle]
    questions = [w for w in widgets if str(w.key or "").startswith("q_")]
    assert len(questions) > 30
    assert all(w.help and len(w.help) > 20 for w in questions), [w.key for w in questions if not w.help]


def test_choosing_chat_gives_streaming(at: AppTest) -> None:
    at.selectbox(key="q_interaction").set_value("chat").run()
    ok(at)
    assert shown_mode(at) == label("streaming")
    assert advisor.assess(session_profile(at)).recommendation == "streaming"


def test_compliance_critical_downstream_gives_async_and_draws_the_rest_ruled_out(at: AppTest) -> None:
    at.selectbox(key="q_downstream").set_value("compliance_critical").run()
    ok(at)
    assert shown_mode(at) == label("async")
    open_tab(at, "Overview")
    assert "Ruled out" in texts(at)
    (spec,) = [s for s in chart_specs(at) if "axis score x priority" in json.dumps(s)]
    bars = spec["layer"][0]
    grey = bars["encoding"]["color"]["scale"]
    assert grey["domain"][-1] == charts.RULED_OUT and grey["range"][-1] == vocabulary.RULED_OUT_COLOR
    for row in bars["data"]["values"]:
        ruled_out = row["name"] != label("async")
        assert (row["part"] == charts.RULED_OUT) is ruled_out and (row["shown"] < 1) is ruled_out
    rows = spec["layer"][0]["encoding"]["y"]["scale"]["domain"]
    assert rows[0] == f"1. {label('async')}|(recommended)"  # "|" splits a label into lines
    assert all("|ruled out by:" in row for row in rows[1:])


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_each_example_loads_with_its_expected_mode(at: AppTest, path: Path) -> None:
    at.selectbox(key="scenario").set_value(path.stem).run()
    ok(at)
    profile = advisor.load_profile(path)
    assert session_profile(at) == profile  # every answer taken over, nothing lost
    assert at.text_input(key="q_name").value == profile.name
    assert shown_mode(at) == label(advisor.assess(profile).recommendation)


def test_the_scenario_picker_is_on_the_page_not_in_the_sidebar(at: AppTest) -> None:
    assert block(at, "start").selectbox(key="scenario").label == "Start from a worked example"
    assert not at.sidebar.selectbox and not at.sidebar.slider


def test_reweighting_the_axes_reorders_the_ranking(at: AppTest) -> None:
    # A monthly script: sync on its contract, async once the contract and the budget count for nothing.
    at.selectbox(key="scenario").set_value("monthly-cron-report").run()
    profile = advisor.load_profile(ROOT / "examples" / "monthly-cron-report.yaml")
    before = [r.mode for r in advisor.assess(profile).ranking]
    assert displayed_ranking(at) == before

    at.slider(key="q_w_ux_contract").set_value(0.0)
    at.slider(key="q_w_latency").set_value(0.0).run()
    assert not at.exception
    weights = {**advisor.load_rules().weights, "ux_contract": 0.0, "latency": 0.0}
    after = advisor.assess(profile, weights=weights)
    assert displayed_ranking(at) == [r.mode for r in after.ranking] != before
    assert shown_mode(at) == label(after.recommendation) != label("sync")
    assert "your axis priorities" in texts(block(at, "verdict"))
    # A zero weight is said, under its slider: the axis is ignored.
    assert [w.value for w in at.warning if "is ignored" in w.value] == [
        "At 0, *UX contract* is ignored: it no longer counts in the ranking.",
        "At 0, *Latency budget vs model worst case* is ignored: it no longer counts in the ranking.",
    ]

    at.button(key="reset_weights").click().run()
    assert displayed_ranking(at) == before

    for axis in advisor.load_rules().weights:  # nothing counts: no ranking, and the page says why
        at.slider(key=f"q_w_{axis}").set_value(0.0)
    at.run()
    assert not at.exception
    assert any("Axis priority" in e.value and "at least one axis weight must be above 0" in e.value for e in at.error)


def test_the_axis_weights_sit_in_advanced_with_their_defaults(at: AppTest) -> None:
    rules = advisor.load_rules()
    (advanced,) = [e for e in at.expander if e.label == "Advanced: how much each axis counts"]
    sliders = {s.key: s for s in advanced.slider}
    for axis in rules.header.axes:
        slider = sliders[f"q_w_{axis.id}"]
        assert slider.label == f"{state.md(axis.name)} (default {axis.weight:g})" and slider.value == axis.weight


def displayed_ranking(at: AppTest) -> list[str]:
    """Modes in the order the ranking caption lists them ("1. Synchronous call +10.5 · 2. ...")."""
    captions = [c.value for c in at.caption if c.value.startswith("1. ")]
    assert len(captions) == 1, captions
    by_label = {label(m): m for m in MODES}
    return [by_label[name] for name in re.findall(r"\d\. ([^+\-·]+?) [+-]", captions[0].replace("\\", ""))]


def test_not_built_yet_is_an_answer_of_its_own(at: AppTest) -> None:
    question = at.selectbox(key="q_current_mode")
    assert question.options[0] == "Not built yet"
    question.set_value(vocabulary.NOT_BUILT).run()
    ok(at)
    assert session_profile(at).current_mode is None
    assert "move from" not in texts(block(at, "verdict"))


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


# -- wrong answers: marked at their question, the last good verdict kept and labelled stale --------


def test_a_missing_name_marks_its_question_and_keeps_the_verdict_stale(at: AppTest) -> None:
    at.text_input(key="q_name").set_value("").run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors == ["**Feature name**: give the feature a name"]  # the question's words, not pydantic's
    assert [e.value for e in block(at, "q_feature").error] == errors  # under its own question
    verdict = block(at, "verdict")
    assert shown_mode(at) == label("sync")  # the last good result stays on screen...
    assert "Stale" in texts(verdict)  # ...labelled stale
    assert verdict.get("download_button")[0].proto.disabled
    assert all(b.proto.disabled for b in verdict.button if b.label == "Try it")
    assert "stale" in texts(block(at, "verdict_bar"))
    assert at.download_button(key="download_answers").proto.disabled
    at.text_input(key="q_name").set_value("Support reply draft").run()
    ok(at)
    assert "Stale" not in texts(block(at, "verdict"))


def test_a_zero_latency_budget_says_what_is_allowed_in_seconds(at: AppTest) -> None:
    at.number_input(key="q_budget").set_value(0.0).run()
    assert not at.exception
    assert [e.value for e in block(at, "q_axis_latency").error] == [
        "**Latency budget at p95**: must be between 0.01 s and 30 days"
    ]


@pytest.mark.parametrize(
    ("key", "value", "group", "expected"),
    [
        ("q_requests_per_month", -5, "q_axis_cost", "**Requests per month**: must be a whole number between 0 and "
         "100,000,000,000"),
        ("q_requests_per_month", 999_999_999_999_999, "q_axis_cost", "**Requests per month**: must be a whole number "
         "between 0 and 100,000,000,000"),
        ("q_chained_calls", 0, "q_axis_latency", "**Chained calls per request**: must be a whole number between 1 and 50"),
        ("q_budget", -3.0, "q_axis_latency", "**Latency budget at p95**: must be between 0.01 s and 30 days"),
        ("q_usd_per_person_week", -5.0, "q_axis_cost", "**Build and run cost, engineer cost per week**: must be "
         "greater than or equal to 0 \\(got \\-5\\)"),
    ],
)
def test_a_number_outside_its_bounds_reaches_the_profile_and_is_marked(
    at: AppTest, key: str, value: float, group: str, expected: str
) -> None:
    # A widget with min_value/max_value dropped such a value silently (in the browser, and in
    # AppTest back to its default): the verdict stayed on the old answer, neither marked nor stale.
    at.number_input(key=key).set_value(value).run()
    assert not at.exception
    assert at.number_input(key=key).value == value  # kept as typed, not reset
    assert [e.value for e in block(at, group).error] == [expected]
    assert shown_mode(at) == label("sync") and "Stale" in texts(block(at, "verdict"))
    assert "stale" in texts(block(at, "verdict_bar"))


def test_several_wrong_answers_are_each_marked(at: AppTest) -> None:
    at.text_input(key="q_name").set_value("")
    at.toggle(key="q_use_pricing").set_value(True).run()  # own prices on, none given yet
    assert not at.exception
    assert [e.value for e in block(at, "q_feature").error] == ["**Feature name**: give the feature a name"]
    assert [e.value for e in block(at, "q_axis_cost").error] == [
        "**Your own prices, input**: needs an answer",
        "**Your own prices, output**: needs an answer",
    ]


def test_an_unknown_model_is_marked_at_the_model_question(at: AppTest) -> None:
    upload(at, "private.yaml", COMPLETE.replace(b"gpt-4o-mini", b"no-such-model-x"))
    assert not at.exception
    (error,) = block(at, "q_axis_cost").error
    assert "no\\-such\\-model\\-x" in error.value and "*Use my own prices*" in error.value
    assert "pricing" not in error.value  # the question, not the field
    # Own prices make it assessable.
    at.toggle(key="q_use_pricing").set_value(True).run()
    at.number_input(key="q_input_per_mtok").set_value(1.0)
    at.number_input(key="q_output_per_mtok").set_value(4.0).run()
    ok(at)
    assert session_profile(at).pricing is not None


@pytest.mark.parametrize(
    ("key", "value", "label"),
    [("q_service_tier", "flex", "Service tier"), ("q_tier", "tier-9", "Account tier")],
)
def test_a_tier_the_model_lacks_is_marked_once_at_its_question(at: AppTest, key: str, value: str, label: str) -> None:
    # OpenAI offers flex, but not for gpt-4o-mini; a file may name a tier the provider does not list.
    field = key.removeprefix("q_")
    upload(at, "tier.yaml", COMPLETE + f"{field}: {value}\n".encode())
    assert not at.exception
    assert at.selectbox(key=key).value == value  # kept from the file, and marked
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith(f"**{label}**: "), errors
    assert [e.value for e in block(at, "q_axis_cost").error] == errors  # under the question, not above the form


def test_the_service_tier_offers_what_the_catalogue_documents_for_the_model(at: AppTest) -> None:
    # OpenAI has a flex tier, but the catalogue does not document it for gpt-4.1: the picker does not offer it.
    at.selectbox(key="q_model").set_value("gpt-4.1").run()
    assert not at.exception
    assert "flex" not in at.selectbox(key="q_service_tier").options
    at.selectbox(key="q_model").set_value("gpt-6-luna").run()
    assert not at.exception
    assert "flex" in at.selectbox(key="q_service_tier").options


def test_a_measured_p95_below_its_median_says_so(at: AppTest) -> None:
    # 1 s is within the p95's bounds: what is wrong is that it is below the 5 s median.
    at.number_input(key="q_model_p50_s").set_value(5.0)
    at.number_input(key="q_model_p95_s").set_value(1.0).run()
    assert not at.exception
    assert [e.value for e in block(at, "q_axis_latency").error] == [
        "**Measured p95 of one model call**: must be at least the measured median of one model call \\(5 s\\)\\: "
        "a p95 is never below the median"
    ]


def test_rate_limits_turned_on_and_left_blank_ask_for_the_limits_the_form_shows(at: AppTest) -> None:
    at.toggle(key="q_use_limits").set_value(True).run()
    assert not at.exception
    assert [e.value for e in block(at, "q_axis_cost").error] == [
        "**Your rate limits**: give the requests or the tokens per minute, or switch off *Use my rate limits*"
    ]


def test_the_model_picker_leaves_out_models_shut_down_and_dates_those_retiring(at: AppTest) -> None:
    """The picker offered o4-mini (shut down by OpenAI on 2026-10-23: choosing it is an error)
    and gpt-4o-mini with nothing to say it goes on 2027-01-14. A model shut down is not offered;
    a retiring one says when it goes, as the rule reference does."""
    box = at.selectbox(key="q_model")
    assert box.value == "gpt-5.4"  # the default example's model: no shutdown announced, as it is
    assert "o4-mini" not in box.options and not [o for o in box.options if o.startswith("o4-mini ")]
    assert "gpt-4o-mini (shuts down 2027-01-14)" in box.options and "gpt-4o-mini" not in box.options
    assert "gpt-5.5" in box.options
    at.selectbox(key="q_model").set_value("gpt-5.5").run()
    ok(at)
    assert session_profile(at).model == "gpt-5.5"


def test_the_model_picker_opens_on_the_models_the_catalogue_knows_not_on_ada(at: AppTest) -> None:
    """genai-prices lists OpenAI's 100-odd priced models alphabetically, so the picker opened on
    ada, babbage and babbage-002, long shut down, and the models the advisor has speeds, limits
    and lifecycles for were scattered among them. Those come first now, the ones that stay ahead
    of the retiring ones; the rest follow."""
    options = at.selectbox(key="q_model").options
    catalogue = advisor.load_rules().catalogue
    known = [i for i, o in enumerate(options) if catalogue.resolve("openai", o.split(" (")[0]).model is not None]
    assert known == list(range(len(known)))  # a block at the top
    retiring = [i for i in known if "(shuts down " in options[i]]
    assert retiring and retiring == known[-len(retiring):]
    assert options[0] in ("gpt-5.4", "gpt-5.4-mini", "gpt-5.5", "gpt-6-luna")
    # Only priced: after them (ada, which opened the list, is shut down and not offered at all).
    assert options.index("gpt-5.1") > known[-1] and "ada" not in options


def test_the_model_picker_leaves_out_models_retired_long_ago_that_the_price_data_still_prices(at: AppTest) -> None:
    """The picker offered davinci (shut down by OpenAI on 2024-01-04) and claude-3-5-sonnet
    (retired by Anthropic on 2025-10-28): genai-prices still prices them, and the catalogue did
    not know them, so choosing one gave a verdict and a cost for a model that fails every request."""
    options = at.selectbox(key="q_model").options
    for gone in ("davinci", "ada", "gpt-4-32k", "gpt-4.5-preview", "o1-mini"):
        assert not [o for o in options if o == gone or o.startswith(f"{gone} ")], gone
    at.selectbox(key="q_provider").set_value("anthropic").run()
    options = at.selectbox(key="q_model").options
    for gone in ("claude-3-5-sonnet", "claude-3-haiku", "claude-2", "claude-v1", "claude-3-7-sonnet-latest"):
        assert not [o for o in options if o == gone or o.startswith(f"{gone} ")], gone
    assert "claude-sonnet-4-6" in options  # a model that answers is still offered


def test_changing_provider_clears_a_model_it_does_not_list(at: AppTest) -> None:
    at.selectbox(key="q_provider").set_value("anthropic").run()
    assert not at.exception
    assert at.session_state["q_model"] is None
    assert [e.value for e in at.error] == ["**Model**: needs an answer"]


# -- files in and out ------------------------------------------------------------------


COMPLETE = (
    b"name: x\ninteraction: chat\nlatency_budget_s: 2\ninput_tokens: 10\noutput_tokens: 10\n"
    b"requests_per_month: 10\nmodel: gpt-4o-mini\n"
)


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader[0].set_value((name, content, "application/yaml"))
    return at.run()


def test_the_verdict_says_when_the_model_is_being_retired(at: AppTest) -> None:
    ok(at)  # the default example, on a model with no shutdown announced
    assert not [w.value for w in block(at, "verdict").warning if "Model retiring" in w.value]
    # The same workload on gpt-4o-mini, assessed at today's prices.
    upload(at, "draft.yaml", (RETIRING / "support-reply-draft.yaml").read_bytes())
    ok(at)
    a = advisor.assess(session_profile(at), advisor.load_rules())
    (retiring,) = [x.value for x in a.assumptions if x.name == "model shutdown"]
    assert retiring.startswith("OpenAI shuts gpt-4o-mini down on 2027-01-14")
    # As the summary's headline and the record's decision say it: the shutdown, then the money.
    money = " The monthly costs bill gpt-4o-mini's calls at its own prices for the whole month; those prices hold only" \
            " until 2027-01-14."
    said = f"**Model retiring**: {state.md(retiring + '.' + money)}"
    assert said in [w.value for w in block(at, "verdict").warning]
    # Claude Sonnet 4.5 has no announced shutdown.
    upload(at, "review.yaml", (ROOT / "examples" / "contract-risk-review.yaml").read_bytes())
    ok(at)
    assert not [w.value for w in block(at, "verdict").warning if "Model retiring" in w.value]


def test_a_malformed_advisor_today_is_named_in_the_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("ADVISOR_TODAY", "26/11/2026")
    test = AppTest.from_file(str(APP), default_timeout=30)
    test.run()
    assert not test.exception, [e.message for e in test.exception]
    assert [e.value for e in test.error] == [
        state.md("$ADVISOR_TODAY") + ": " + state.md("expected a date as YYYY-MM-DD, got '26/11/2026'")
    ]


def test_uploading_a_workload_replaces_the_answers(at: AppTest) -> None:
    text = (ROOT / "examples" / "chatbot.yaml").read_text("utf-8").replace("Customer chatbot", "Help widget")
    upload(at, "mine.yaml", text.encode())
    ok(at)
    assert at.text_input(key="q_name").value == "Help widget"
    assert shown_mode(at) == label("streaming")
    assert at.selectbox(key="scenario").value is None


def test_an_uploaded_files_name_is_shown_as_text(at: AppTest) -> None:
    # A file's name is the user's text: the toast saying it was loaded shows it, never its markup.
    name = "**v2** [draft](https:evil.example) :red[final] $x$.yaml"
    upload(at, name, COMPLETE)
    ok(at)
    assert [t.value for t in at.toast] == [f"Loaded {state.md(name)}"]
    traces = (ROOT / "examples" / "traces" / "rag-chat.jsonl.gz").read_bytes()
    at.file_uploader[1].set_value(("**night** :red[run].jsonl.gz", traces, "application/gzip")).run()
    ok(at)
    assert f"Measured from {state.md('**night** :red[run].jsonl.gz')}" in [t.value for t in at.toast]


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


def test_an_uploaded_file_shows_every_problem(at: AppTest) -> None:
    upload(at, "three.yaml", b"name: ''\ninteraction: telepathy\nlatency_budget_s: -1\nmodel: gpt-4o-mini\n")
    (error,) = at.error
    shown = error.value.replace("\\", "")
    assert "it has 6 problems" in shown
    for field in ("'name'", "'interaction'", "'latency_budget_s'", "'input_tokens'", "'output_tokens'"):
        assert f"three.yaml: field {field}" in shown


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
    # The card's button follows the format chosen in the record tab.
    assert seen["download_record"]["data"] == expected.encode("utf-8")
    assert block(at, "verdict").get("download_button")[0].proto.label == "Download decision record (Nygard)"
    # The record decides what the verdict shows: the same mode, in the rule set's words.
    chosen = assessment.rules.header.modes[assessment.recommendation]
    assert f"We will {chosen.verb} (`{assessment.recommendation}`, {chosen.label}), because" in expected
    assert shown_mode(at) == chosen.label
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


# -- the details -----------------------------------------------------------------------


def test_cost_chart_shows_each_modes_monthly_total(at: AppTest) -> None:
    open_tab(at, "Cost")
    ok(at)
    expected = assessed()
    (spec,) = [s for s in chart_specs(at) if "USD per month" in json.dumps(s)]
    totals = {row["mode"].split("|")[0]: row["total"] for row in rows_of(spec) if "total" in row}
    assert totals == {label(m): pytest.approx(expected.costs[m].total_usd) for m in MODES}
    x = spec["layer"][0]["encoding"]["x"]
    assert x["title"] == "USD per month" and x["axis"]["format"] == "$,.0f"


def test_cost_tab_invents_no_batch_figure_for_a_provider_without_a_batch_api(at: AppTest) -> None:
    at.selectbox(key="scenario").set_value("deepseek-catalogue-enrichment").run()
    open_tab(at, "Cost")
    ok(at)
    (prices,) = [c.value for c in at.caption if c.value.startswith("Prices: deepseek")]
    assert "The provider has no batch API: batch would run at standard prices and save nothing." in prices
    assert "from the none" not in prices and "at no volume" not in prices and "Batch saves" not in prices


def test_downloads_are_offered(at: AppTest) -> None:
    assert at.download_button(key="download_answers").label == "Download answers"
    open_tab(at, "Decision record")
    ok(at)
    keys = {b.key for b in at.download_button}
    assert keys == {"download_answers", "download_record", "download_adr", "download_json"}
    at.text_input(key="q_name").set_value("").run()  # nothing valid to download
    assert at.download_button(key="download_answers").proto.disabled
    assert at.download_button(key="download_adr").proto.disabled


def test_every_tab_renders(at: AppTest) -> None:
    for tab in views.TABS:
        open_tab(at, tab)
        ok(at)
    open_tab(at, "Why")
    expected = assessed()
    assert any(f"{len(expected.fired_rules)} of {len(expected.trace)} rules fired" in m.value for m in at.markdown)
    sources = " ".join(c.value for c in at.caption)
    titles = expected.rules.header.sources
    assert all(state.md(cite(r.source, titles)) in sources for r in expected.fired_rules)


def test_why_tab_says_which_mode_a_rule_rules_out_when_it_does_not_pay_its_way(at: AppTest) -> None:
    """Batch at a hundred calls a month costs more than the script it would replace: the rule
    that says so rules it out, as its effect in the Why tab says."""
    at.selectbox(key="scenario").set_value("monthly-cron-report").run()
    open_tab(at, "Why")
    ok(at)
    (effect,) = [c.value for c in at.caption if "`cost-batch-pays-its-way`" in c.value]
    assert "effect: rules out batch" in effect


@pytest.mark.parametrize("stem", ["support-reply-draft", "claims-triage-compliance", "nightly-ticket-triage"])
def test_plain_language_first(at: AppTest, stem: str) -> None:
    """No hashed source file name anywhere; rule ids only in the Why tab; every number formatted."""
    at.selectbox(key="scenario").set_value(stem).run()
    rule_ids = re.compile("|".join(rf"\b{re.escape(r.id)}\b" for r in advisor.load_rules().rules))
    for tab in views.TABS:
        open_tab(at, tab)
        ok(at)
        shown = " ".join(
            [texts(at)] + [json.dumps(d.value.to_dict()) for d in at.dataframe] + [e.label for e in at.expander]
        )
        assert not SOURCE_KEY.search(shown), (tab, SOURCE_KEY.search(shown))
        # The Why tab names rules by id; so does the record itself, which the last tab previews as written.
        if tab not in ("Why", "Decision record"):
            assert not rule_ids.search(shown), (tab, rule_ids.search(shown))
        code_dates_versions = r"```.*?```|`[^`]*`|https?://\S+|\d{4}-\d{2}-\d{2}|sha256 \w+|\d+\.\d+\.\d+"
        prose = re.sub(code_dates_versions, "", texts(at), flags=re.S)
        assert not re.search(r"(?<![\d,.])\d{5,}(?![\d,])", prose), (tab, re.search(r"\d{5,}", prose))
        # Four decimals only for an amount below a dollar ("$0.3780"), as the formatting module writes it.
        assert not re.search(r"(?<!\$)\d\.\d{4,}", prose), (tab, re.search(r"(?<!\$)\d\.\d{4,}", prose))
        # Over a limit is "x the limit", never a negative headroom ("1-5%" is a range).
        assert not re.search(r"(?<![\w-])-\d+%", prose), tab


def test_sources_are_listed_by_title(at: AppTest) -> None:
    (sources,) = [e for e in at.expander if e.label == "Sources"]
    listed = " ".join(m.value for m in sources.markdown).replace("\\", "")
    titles = advisor.load_rules().header.sources
    for rule in assessed().fired_rules:
        for key, title in titles.items():
            if key in rule.source:
                assert title in listed


def test_decision_map_marks_the_current_workload(at: AppTest) -> None:
    at.session_state["map_n"] = 6
    open_tab(at, "Decision map")
    ok(at)
    profile = advisor.load_profile(DEFAULT)
    xs = default_values("latency_budget_s", profile, 6)
    ys = default_values("requests_per_month", profile, 6)
    expected = decision_map(profile, "latency_budget_s", xs, "requests_per_month", ys, rules=advisor.load_rules())
    (spec,) = [s for s in chart_specs(at) if "recommended" in json.dumps(s)]
    rows = rows_of(spec)
    cells = [r for r in rows if "mode" in r]
    marker = [r for r in rows if r.get("what") == "your workload"]
    assert len(cells) == len(xs) * len(ys)
    assert sorted(r["mode"] for r in cells) == sorted(label(m) for row in expected.cells for m in row)
    assert marker and marker[0]["x0"] == 4.0 and marker[0]["y0"] == 120_000
    colour = spec["layer"][0]["encoding"]["color"]["scale"]
    assert colour["range"] == [vocabulary.MODE_COLORS[m] for m in MODES]
    # A mode that misses its contract is drawn pale, and the caption says how much of the grid.
    met = sorted(r["contract"] == "met" for r in cells)
    assert met == sorted(ok for row in expected.feasible for ok in row) and not all(met)
    assert spec["layer"][0]["encoding"]["opacity"]["condition"]["test"] == "datum.contract == 'met'"
    assert any("Pale cells" in c.value for c in at.caption)


def test_the_decision_map_labels_every_category(at: AppTest) -> None:
    at.session_state["map_x"] = "interaction"
    at.session_state["map_y"] = "downstream"
    open_tab(at, "Decision map")
    ok(at)
    (spec,) = [s for s in chart_specs(at) if "recommended" in json.dumps(s)]
    x = spec["layer"][0]["encoding"]["x"]
    assert x["axis"]["labelOverlap"] is False and len(x["sort"]) == 6


def test_the_modes_tab_draws_the_four_lifecycles_annotated(at: AppTest) -> None:
    at.selectbox(key="scenario").set_value("nightly-ticket-triage").run()
    open_tab(at, "Modes")
    ok(at)
    images = at.get("image")
    svgs = [svg_of(image) for image in images]
    assert len(svgs) == 4
    a = assessed(ROOT / "examples" / "nightly-ticket-triage.yaml")
    for mode, svg in zip(MODES, svgs, strict=True):
        assert label(mode) in svg
        assert "Client" in svg and "Your service" in svg and "Model API" in svg
        assert "Tokens: " in svg and "Engineering: " in svg
    sync, streaming, async_, batch = svgs
    assert f"p95 {seconds(a.latency.end_to_end_p95_s)}" in sync
    assert "Queue + worker" in async_ and "Batch file" in batch
    assert "Tokens: 0.5x the price of sync" in batch  # the batch discount, as priced
    assert "Engineering: built already, $0 a month to run" in sync  # today's mode is built
    chosen = vocabulary.MODE_COLORS[a.recommendation]
    assert f"stroke='{chosen}' stroke-width='4'" in batch  # the recommended mode is highlighted
    assert "fill='url(#hatch)'" in streaming and "ruled out: " in streaming


def svg_of(image: Any) -> str:
    url = image.proto.imgs[0].url
    head, _, body = url.partition(",")
    return base64.b64decode(body).decode() if head.endswith(";base64") else unquote(body)


def test_the_page_icon_is_drawn_here_not_fetched() -> None:
    import app

    assert app.PAGE_ICON.startswith("<svg") and "http" not in app.PAGE_ICON.replace("http://www.w3.org", "")
    assert "<" not in app.PAGE_CSS.read_text("utf-8")  # the page's sanitiser would drop the whole style


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
    assert [str(e) for e in state.upload_problems("b.yaml", b"- a list\n")] == [
        "b.yaml: expected a mapping of workload fields, got a list"
    ]


def test_an_uploaded_count_too_big_for_any_integer_is_told_its_range() -> None:
    """1e308 (a float: YAML reads no 309-digit integer from an exponent) in a count: the
    upload names the range, as the CLI does, not "a valid integer"."""
    content = (
        b"name: a\ninteraction: chat\nlatency_budget_s: 1\ninput_tokens: 1\noutput_tokens: 1\n"
        b"requests_per_month: 1e308\nmodel: gpt-4o-mini\ncosts:\n  amortisation_months: .inf\n"
    )
    assert [str(e) for e in state.upload_problems("w.yaml", content)] == [
        "w.yaml: field 'requests_per_month': input should be less than or equal to 100000000000 (got 1e+308)",
        "w.yaml: field 'costs.amortisation_months': input should be less than or equal to 120 (got inf)",
    ]


def test_user_text_is_inert_markdown() -> None:
    assert state.md("[click](javascript:alert(1)) :red[x] $x$ **b** <b> :material/home:") == (
        "\\[click\\]\\(javascript\\:alert\\(1\\)\\) \\:red\\[x\\] \\$x\\$ \\*\\*b\\*\\* \\<b\\> \\:material\\/home\\:"
    )


# Streamlit 1.67's front end (StreamlitMarkdown): it turns every ":name:" in a Markdown text
# into an emoji, escaped or not, once this finds one anywhere in its source; and it rewrites
# ":material/" into an icon before reading the Markdown at all.
STREAMLIT_EMOJI_SWITCH = re.compile(r":(?!material/|streamlit:)[\w+-][\w_+-]*:")


def draws_a_shortcode(markdown: str) -> bool:
    return bool(STREAMLIT_EMOJI_SWITCH.search(markdown)) or ":material/" in markdown


@given(hs.lists(hs.sampled_from([":", "/", "material", ":material/", "home", "rocket", ":rocket:", "+1",
                                 "-", "_", " ", "\\", "`", "$", "[", "<", ">", "\n", "```"])
                | hs.text(max_size=3), max_size=30).map("".join))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_no_user_text_or_record_prose_draws_an_emoji_or_an_icon(text: str) -> None:
    assert not draws_a_shortcode(state.md(text))
    assert not any(draws_a_shortcode(t) for language, t in record.preview_blocks(text) if language is None)


def test_record_preview_escapes_streamlit_syntax_outside_code_only() -> None:
    body = (
        "# Launch :rocket: :material/home: day\n\nCosts $156 and $4,000 :red[x] at 12:30:45, "
        "`a:b $5` <https://example.com:8080/a> `x:rocket:y`\n```yaml\nname: 'Launch :rocket: $5'\n```\nAfter.\n"
    )
    assert record.preview_blocks(body) == [
        # A code span that Streamlit would read a shortcode in is shown as plain text.
        (None, "# Launch :rocket\\: :material\\/home: day\n\nCosts \\$156 and \\$4,000 \\:red[x] at 12:30\\:45, "
               "`a:b $5` <https://example.com:8080/a> x\\:rocket\\:y"),
        ("yaml", "name: 'Launch :rocket: $5'"),
        (None, "After."),
    ]


def test_record_preview_shows_a_colour_directive_in_a_name_as_typed(at: AppTest) -> None:
    # The record escapes the bracket ("\\["); Streamlit still drew a red nothing and dropped ":red".
    upload(at, "bot.yaml", COMPLETE.replace(b"name: x", b"name: 'Bot :red[x] v2'"))
    open_tab(at, "Decision record")
    ok(at)
    preview = "\n".join(m.value for m in block(at, "adr_preview").markdown)
    title = next(line for line in preview.splitlines() if line.startswith("# "))
    assert title == "# Bot \\:red\\[x\\] v2: stream the answer"


VEGA_LITE = None


def valid_vega_lite(spec: dict[str, Any]) -> None:
    global VEGA_LITE
    if VEGA_LITE is None:
        from altair.vegalite.v6.schema.core import load_schema

        VEGA_LITE = load_schema()
    jsonschema.validate(spec, VEGA_LITE)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_chart_is_valid_vega_lite_with_titled_axes(path: Path) -> None:
    assessment = advisor.assess(advisor.load_profile(path))
    for spec in (charts.ranking_chart(assessment), charts.cost_chart(assessment), charts.latency_chart(assessment)):
        valid_vega_lite(spec)
        x = spec["layer"][0]["encoding"]["x"]
        assert x["title"] and any(unit in x["title"] for unit in ("points", "USD", "seconds"))
        assert spec["layer"][0]["encoding"]["color"]["legend"]["orient"] == "bottom"
    profile = assessment.workload
    for x, y in (
        ("latency_budget_s", "requests_per_month"),
        # A workload given as steps varies its steps, not the single-call output_tokens.
        ("interaction", "output_tokens" if profile.steps is None else "requests_per_month"),
        ("downstream", "side_effects"),
    ):
        result = decision_map(profile, x, default_values(x, profile, 5), y, default_values(y, profile, 5))
        valid_vega_lite(charts.map_chart(result, vocabulary.Words(assessment.rules)))


def test_the_palettes_are_colour_blind_safe_and_distinct() -> None:
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}
    assert set(vocabulary.MODE_COLORS.values()) <= okabe_ito and len(set(vocabulary.MODE_COLORS.values())) == 4
    tol_bright = {"#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB"}
    assert set(vocabulary.AXIS_COLORS) <= tol_bright and len(set(vocabulary.AXIS_COLORS)) == len(vocabulary.AXIS_COLORS)
    assert vocabulary.RULED_OUT_COLOR not in {*vocabulary.MODE_COLORS.values(), *vocabulary.AXIS_COLORS}


def test_changes_group_by_mode_closest_first_and_the_card_takes_three() -> None:
    a = assessed()
    options = changes.options(a)
    assert [o.distance for o in options] == sorted(o.distance for o in options)
    groups = changes.grouped(a, options)
    assert sum(len(g.options) for g in groups) == len(a.what_would_change) + len(a.levers)
    assert all(len({o.mode for o in g.options}) == 1 for g in groups)
    card = changes.first(groups)
    assert sum(len(g.options) for g in card) == 3
    assert [g.mode for g in card] == [g.mode for g in groups][: len(card)]
    assert all(g.options[0] == full.options[0] for g, full in zip(card, groups, strict=False))
    # The engine cites rule ids in brackets; the page names rules by their titles only.
    assert changes.plain_because("Sync must fit the budget at p95 (latency-sync-misses-budget).", a) == (
        "Sync must fit the budget at p95."
    )


def test_a_lifecycle_escapes_the_rule_sets_words() -> None:
    panel = lifecycle.Panel(
        mode="sync",
        title="<script>x</script> & co",
        status="chosen",
        status_text="recommended <b>",
        timings={"answer": "p95 1 s"},
        footer=("a < b",),
    )
    svg = lifecycle.svg(panel)
    assert "<script>" not in svg and "&lt;script&gt;x&lt;/script&gt; &amp; co" in svg and "a &lt; b" in svg


def test_answer_problems_are_worded_as_the_questions_ask() -> None:
    answers = state.profile_to_state(advisor.load_profile(DEFAULT))
    answers.update(q_name="", q_chained_calls=0, q_retry_rate=2.0)
    problems = state.answer_problems(state.answers_from_state(answers))
    worded = {state.question_of(p): state.in_question_words(p) for p in problems}
    assert worded == {
        "name": "give the feature a name",
        "chained_calls": "must be a whole number between 1 and 50",
        "retry_rate": "must be between 0% and 100%",
    }


def test_the_latency_tab_names_the_budget_with_its_duration_after_it(at: AppTest) -> None:
    """"fits the 4.00 s budget" read "the 2 days budget" and "a 18.6 s budget" for other budgets."""
    open_tab(at, "Latency & capacity")
    ok(at)
    shown = " ".join(m.value for m in [*at.markdown, *at.caption])  # sentences, not the metrics' figures
    assert f"the budget of {seconds(assessed().latency.latency_budget_s)} (" in shown
    assert not re.search(r"(?<![\w.,-])[0-9][0-9.,]* ?(?:ms|s|min|h|days?) budget\b", shown)


def test_the_cost_tab_names_every_model_the_steps_are_priced_at(at: AppTest) -> None:
    at.selectbox(key="scenario").set_value("support-agent-tools").run()
    open_tab(at, "Cost")
    ok(at)
    prices = re.sub(r"\\(.)", r"\1", " ".join(c.value for c in at.caption if c.value.startswith("Prices:")))
    assert "Prices: openai gpt-5.5 as of" not in prices
    assert "Prices: each step's own model (openai/gpt-5.4 and openai/gpt-5.5) as of " in prices


def test_names_keep_their_capitals_inside_a_sentence(at: AppTest) -> None:
    """The overview lowered whole rule titles and mode names to fit them into a sentence:
    DeepSeek's batch was "ruled out by: batch needs a batch api", and a move "to batch api"."""
    at.selectbox(key="scenario").set_value("deepseek-catalogue-enrichment").run()
    ok(at)
    open_tab(at, "Overview")
    shown = texts(at)
    assert "by the rule: batch needs a batch API" in shown
    assert "batch api" not in shown
    (spec,) = [s for s in chart_specs(at) if "axis score x priority" in json.dumps(s)]
    rows = " ".join(spec["layer"][0]["encoding"]["y"]["scale"]["domain"])
    assert "batch api" not in rows and "batch API" in rows, rows


def test_a_miss_on_a_stand_in_speed_is_labelled_so_on_the_verdict_card(at: AppTest) -> None:
    # gpt-5.4-mini has no measured speed: a 1.5 s budget is missed on its stand-in, and the card says so.
    at.selectbox(key="q_model").set_value("gpt-5.4-mini")
    at.number_input(key="q_budget").set_value(1.5).run()
    assert not at.exception
    card = texts(block(at, "verdict"))
    assert "Not feasible as specified, on an assumed speed" in card
    assert "gpt-5.4-mini has no measured speed, so it is timed at a stand-in" in card
    assert ":orange-badge[misses its contract on an assumed speed]" in card
    # Measured, the same miss is a plain miss.
    at.number_input(key="q_model_p95_s").set_value(1.9).run()
    card = texts(block(at, "verdict"))
    assert ":red-badge[misses its contract]" in card and "assumed speed" not in card


def test_a_budget_past_the_hour_reads_past_it_on_the_card_and_in_the_try_it_labels(at: AppTest) -> None:
    # The rules draw the async/batch line at an hour: 3,601 s is batch, and once read "budget 1 h".
    data = yaml.safe_load((ROOT / "examples" / "nightly-ticket-triage.yaml").read_text(encoding="utf-8"))
    upload(at, "past.yaml", yaml.safe_dump({**data, "latency_budget_s": 3601}).encode())
    ok(at)
    assert shown_mode(at) == label("batch")
    metrics = {m.label: m for m in block(at, "verdict").metric}
    assert metrics["Results"].proto.delta == "budget 1.0003 h"
    assert "(budget 1.0003 h)" in texts(block(at, "verdict_bar"))
    # With 10 minutes, the flip to batch is the first budget past the hour, and reads past it; the
    # lever offers batch at the window the provider guarantees.
    a = advisor.assess({**data, "latency_budget_s": 600})
    labels = [o.label for o in changes.options(a) if o.mode == "batch" and "latency_budget_s" in o.changes]
    assert labels == ["Latency budget at p95: 1.003 h (now 10 min)",
                      "Latency budget at p95: 24 h (now 10 min), $449 a month less"], labels


def test_a_time_that_would_read_as_the_budget_has_the_summarys_digits_on_the_card(at: AppTest) -> None:
    """A p95 of 2.503 s against a budget of 2.5 s read "2.50 s" against "budget 2.50 s", in red,
    on the card; the summary and the record say "2.503 s" and "2.500 s" (budget_digits)."""
    from advisor.views.text import render_text

    data = yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))
    data.update(output_format="json", latency_budget_s=2.5, model_p50_s=2.0, model_p95_s=2.503)
    upload(at, "near.yaml", yaml.safe_dump(data).encode())
    ok(at)
    a = advisor.assess(data)
    assert a.recommendation == "sync" and not a.feasible and a.latency.end_to_end_p95_s == pytest.approx(2.503)
    assert seconds(a.latency.end_to_end_p95_s) == seconds(a.latency.latency_budget_s) == "2.50 s"  # the defect
    summary = render_text(a)
    assert "end-to-end p95 2.503 s" in summary and "budget 2.500 s (OVER budget)" in summary
    answer = {m.label: m for m in block(at, "verdict").metric}["Answer at p95"]
    assert (answer.value, answer.proto.delta) == ("2.503 s", "budget 2.500 s")
    assert answer.proto.color == 0  # red: the verdict misses (Streamlit's "inverse")
    assert "P50 2.000 s, p95 2.503 s, p99 2.747 s." in answer.proto.help.replace("\\", "")
    assert "answer at p95 2.503 s (budget 2.500 s)" in texts(block(at, "verdict_bar"))
    open_tab(at, "Latency & capacity")
    ok(at)
    shown = texts(at)
    assert "p95 **2.503 s**" in shown and "the budget of 2.500 s" in shown
    spec = next(s for s in chart_specs(at) if any(r.get("label") == "budget 2.500 s" for r in rows_of(s)))
    assert any(r.get("text") == "p95 2.503 s" for r in rows_of(spec))


def test_the_card_weighs_money_against_the_modes_the_rules_leave_open(at: AppTest) -> None:
    # The opening example is sync; Batch API is $190 a month cheaper but ruled out (someone waits).
    # The card said "Synchronous call costs $190 a month more than Batch API, which is ruled out",
    # which the summary and the record do not: a mode the rules rule out is no cheaper option.
    ok(at)
    a = assessed()
    assert min(a.costs, key=lambda m: a.costs[m].total_usd) == "batch" and "batch" in {e.mode for e in a.excluded}
    assert "a month more than" not in texts(block(at, "verdict"))
    # The chatbot streams: Batch API (ruled out) is cheapest; the sentence weighs it against
    # sync, which the rules leave open but which misses its contract, as the summary does.
    at.selectbox(key="scenario").set_value("chatbot").run()
    ok(at)
    verdict = texts(block(at, "verdict"))
    assert "than Batch API" not in verdict
    summary = " ".join(render_text(assessed(ROOT / "examples" / "chatbot.yaml")).split())
    sentence = "Streaming response costs $66 a month more than Synchronous call, which misses its contract"
    assert sentence in verdict and sentence in summary


def test_a_batch_whose_window_outlasts_the_budget_is_at_risk_on_the_card_as_in_the_summary(at: AppTest) -> None:
    # The nightly triage: batch, a 24 h window against a budget of hours. The summary says
    # "Feasible, but batch is at risk against the budget: ..."; the card said "meets its contract".
    at.selectbox(key="scenario").set_value("nightly-ticket-triage").run()
    ok(at)
    a = assessed(ROOT / "examples" / "nightly-ticket-triage.yaml")
    sentence = formatting.at_risk_sentence(a)
    assert sentence and sentence.startswith("Feasible, but batch is at risk against the budget: ")
    assert sentence in " ".join(render_text(a).split())
    card = texts(block(at, "verdict"))
    assert ":orange-badge[:material/schedule: at risk against the budget]" in card
    assert "meets its contract" not in card
    assert sentence in card
    assert "at risk against the budget" in texts(block(at, "verdict_bar"))
    # Within its window the same batch meets its contract, and the card says so.
    at.number_input(key="q_budget").set_value(48).run()
    assert at.selectbox(key="q_budget_unit").value == "hours"
    card = texts(block(at, "verdict"))
    assert ":green-badge[:material/check: meets its contract]" in card and "at risk" not in card


def test_the_batch_count_is_the_least_the_month_takes(at: AppTest) -> None:
    # The nightly triage runs every night; its 6 batches are the month packed to 50,000 requests
    # a batch (board read 3, N1): the capacity tab says "at least", and its help why.
    at.selectbox(key="scenario").set_value("nightly-ticket-triage").run()
    open_tab(at, "Latency & capacity")
    ok(at)
    metric = {m.label: m for m in at.metric}["Batch files a month"]
    assert metric.value == "at least 6"
    assert "one that runs more often takes more (one a night is 30)" in metric.proto.help


REFUND_AGENT = {
    "name": "Refund agent", "interaction": "request_response", "latency_budget_s": 10, "chained_calls": 4,
    "tool_latency_s": 2, "input_tokens": 3000, "output_tokens": 250, "requests_per_month": 50_000,
    "peak_requests_per_minute": 30, "provider": "anthropic", "model": "claude-sonnet-4-5",
    "side_effects": "non_idempotent", "downstream": "own_ui",
}


def test_a_change_both_a_lever_and_a_flip_is_offered_once_as_the_lever(at: AppTest) -> None:
    # The refund agent misses its 10 s budget: the budget at which a job meets its contract is
    # both a lever and a flip the assessment found. The card listed it twice, two "Try it" buttons.
    a = advisor.assess(REFUND_AGENT)
    lever = next(lv for lv in a.levers if set(lv.changes) == {"latency_budget_s"})
    assert any(
        {c.fact: c.value} == lever.changes and c.new_recommendation == lever.recommendation
        and c.feasible == lever.feasible for c in a.what_would_change
    )
    found = changes.options(a)
    keys = [(o.changes, o.mode, o.feasible) for o in found]
    assert all(keys.count(key) == 1 for key in keys), keys
    kept = [o for o in found if o.changes == lever.changes and o.mode == lever.recommendation]
    assert [o.lever for o in kept] == [True]  # the lever, with its money effect
    upload(at, "refund.yaml", yaml.safe_dump(REFUND_AGENT).encode())
    ok(at)
    shown = [re.sub(r"\\(.)", r"\1", m.value) for m in block(at, "verdict").markdown]
    rows = [row for row in shown if row.startswith("Latency budget at p95:")]
    assert len(rows) == len(set(rows)) == 1, rows


def test_the_contract_badge_says_what_the_contract_promises(at: AppTest) -> None:
    # "synchronous contract" under a "Streaming response" verdict read as a contradiction: the
    # term stays (the CLI prints it), with what it promises the caller.
    at.selectbox(key="scenario").set_value("chatbot").run()
    ok(at)
    assert shown_mode(at) == label("streaming")
    badges = next(m for m in block(at, "verdict").markdown if m.value.startswith("Recommended"))
    assert ":blue-badge[sync contract: the caller waits]" in badges.value
    at.selectbox(key="scenario").set_value("nightly-ticket-triage").run()
    assert ":blue-badge[async contract: the result comes later]" in texts(block(at, "verdict"))
    assert "(asynchronous contract)" in render_text(assessed(ROOT / "examples" / "nightly-ticket-triage.yaml"))


def test_the_cards_figures_name_their_prices_and_how_the_latency_was_had(at: AppTest) -> None:
    # The card gave $864 and 2.72 s with no model, price date, price source or word that the
    # p95 was estimated: one line under the figures says them, read off the assessment.
    ok(at)
    a = assessed()
    pricing = a.pricing
    line = f"openai/gpt-5.4 prices of {pricing.price_date}, {pricing.data_version} · p95 estimated from published speed"
    assert pricing.data_version.startswith("genai-prices ")
    captions = {re.sub(r"\\(.)", r"\1", c.value): c for c in block(at, "verdict").caption}
    assert line in captions
    assert "per-call p95: 2.72 s = 0.67 s to the first token" in captions[line].proto.help.replace("\\", "")
    at.number_input(key="q_model_p95_s").set_value(2.0).run()
    assert "openai/gpt-5.4 prices of" in texts(block(at, "verdict"))
    assert "· p95 from measured call times" in texts(block(at, "verdict"))
    at.number_input(key="q_model_p95_s").set_value(None)
    at.selectbox(key="q_model").set_value("gpt-5.4-mini").run()  # no measured speed: timed at a stand-in
    assert "openai/gpt-5.4-mini prices of" in texts(block(at, "verdict"))
    assert "· p95 estimated at a stand-in speed" in texts(block(at, "verdict"))


def test_an_emptied_number_is_a_blank_answer_not_the_fields_minimum(at: AppTest) -> None:
    # An emptied field took the widget's default, its minimum, as if typed: a measured p95
    # typed and then deleted became 0.01 s, a measurement nobody made.
    at.number_input(key="q_model_p95_s").set_value(2.0).run()
    assert "2.00 s" in texts(block(at, "verdict"))
    at.number_input(key="q_model_p95_s").set_value(None).run()
    ok(at)
    assert at.number_input(key="q_model_p95_s").value is None
    assert session_profile(at).model_p95_s is None  # estimated again
    assert "Stale" not in texts(block(at, "verdict")) and "2.72 s" in texts(block(at, "verdict"))
    at.number_input(key="q_requests_per_month").set_value(None).run()  # a required answer, emptied
    assert [e.value for e in block(at, "q_axis_cost").error] == ["**Requests per month**: needs an answer"]
    assert "Stale" in texts(block(at, "verdict"))


def test_answers_valid_but_likely_unmeant_get_a_note_at_their_question(at: AppTest) -> None:
    # No output tokens for a text answer: valid, but the p95 is then the first token's alone.
    at.number_input(key="q_output_tokens").set_value(0).run()
    ok(at)
    notes = [i.value.replace("\\", "") for i in block(at, "q_axis_cost").info]
    assert any(n.startswith("No output tokens: the answer is its first token alone") for n in notes), notes
    assert "Stale" not in texts(block(at, "verdict"))  # a note, not an error
    at.selectbox(key="q_output_format").set_value("embedding").run()  # an embedding writes no tokens
    assert not any("No output tokens" in i.value for i in block(at, "q_axis_cost").info)
    # A peak below the monthly average (2.8 a minute): the advisor uses the average, and says so.
    at.number_input(key="q_peak_requests_per_minute").set_value(0.0).run()
    notes = [i.value.replace("\\", "") for i in block(at, "q_axis_cost").info]
    assert "The peak (0 a minute) is below the monthly average (2.8 a minute); the advisor uses the average." in notes


def heading_levels(at: AppTest) -> list[tuple[int, str]]:
    """The page's own headings in page order, as (level, text): st.title/header/subheader and
    Markdown headings; the record preview's are the record's (a document of its own)."""
    found: list[tuple[int, str]] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if isinstance(node, Block) and str(getattr(proto, "id", "")).endswith("-adr_preview"):
            return
        if getattr(node, "type", None) in ("title", "header", "subheader"):
            found.append((int(node.tag[1]), node.value))
        elif getattr(node, "type", None) == "markdown" and (m := re.match(r"(#{1,6}) (.*)", node.value)):
            found.append((len(m.group(1)), m.group(2)))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


def test_the_form_groups_are_headings_and_no_level_is_skipped(at: AppTest) -> None:
    # The five axes were bold paragraphs: a screen reader could not jump between them. And the
    # outline went h2 (page), h2, h3 (details), h5 (each tab's sections).
    for tab in ("Overview", "Cost", "Latency & capacity", "Risks", "Why", "Decision map", "Decision record"):
        levels = heading_levels(open_tab(at, tab))
        assert levels[0] == (1, "Execution-mode advisor") and [lv for lv, _ in levels].count(1) == 1
        assert all(b - a <= 1 for (a, _), (b, _) in pairwise(levels)), levels
    groups = [text for level, text in levels if level == 2]
    axes = [f"{i} · {axis.name}" for i, axis in enumerate(advisor.load_rules().header.axes, 1)]
    assert groups[: len(axes) + 1] == ["The feature", *axes]
    assert not [m.value for m in at.markdown if m.value.startswith("**1 · ")]


def test_the_charts_name_the_axes_whole_and_keep_their_last_tick_in_view(at: AppTest) -> None:
    # The ranking's legend cut "Latency budget vs model wo…" (a 180 px label limit, kept for a
    # phone): its long names are written on lines of at most 24 characters instead.
    a = assessed()
    spec = charts.ranking_chart(a)
    legend = spec["layer"][0]["encoding"]["color"]["legend"]
    for axis in a.axes:
        lines = textwrap.wrap(axis.name, charts.LEGEND_WRAP)
        assert all(len(line) <= 24 for line in lines)
        if len(lines) > 1:
            assert json.dumps(lines) in legend["labelExpr"], axis.name
    assert json.dumps(["Latency budget vs model", "worst case"]) in legend["labelExpr"]
    # The value axes: the last label flush with the plot's end (the cost chart's "$80,000" was
    # cut at 390 px), fewer ticks on a narrow plot.
    for chart in (charts.ranking_chart(a), charts.cost_chart(a), charts.latency_chart(a)):
        axis = chart["layer"][0]["encoding"]["x"]["axis"]
        # A tick a little short of the end is flush too (questionnaire pass 5: "$1,500" 13 px short was cut).
        assert axis["labelFlush"] == charts.FLUSH_PX and "width" in axis["tickCount"]["expr"]
    # The cost table: the monthly cost right after the mode (on a phone the rest is off-screen).
    open_tab(at, "Cost")
    tables = [d.value for d in at.dataframe if "per 1K" in d.value.columns]
    assert [list(t.columns)[:2] for t in tables] == [["mode", "total"]]


# -- the CTO's second read (questionnaire-ux-2) -------------------------------------------

# Feature B of the review: a nightly extraction on gpt-5.4-mini, sync today, batch recommended.
NIGHTLY_INVOICES = {
    "name": "Nightly invoice extraction", "interaction": "pipeline", "latency_budget_s": 30 * 3600,
    "input_tokens": 3500, "output_tokens": 600, "output_format": "json", "requests_per_month": 4_500_000,
    "peak_requests_per_minute": 2000.0, "peak_minutes": 75.0, "model": "gpt-5.4-mini",
    "downstream": "internal_service", "side_effects": "idempotent", "current_mode": "sync",
}
# Feature A: a chat assistant whose peak is 1.8x its rate limit.
IN_APP_ASSISTANT = {
    "name": "In-app assistant", "interaction": "chat", "latency_budget_s": 2.0, "input_tokens": 6000,
    "output_tokens": 500, "requests_per_month": 2_000_000, "peak_requests_per_minute": 3000.0,
    "peak_minutes": 30.0, "provider": "anthropic", "model": "claude-sonnet-4-6", "tier": "scale",
}


def card_rows(at: AppTest) -> list[str]:
    """The card's "Try it" lines as read."""
    return [re.sub(r"\\(.)", r"\1", m.value) for m in block(at, "verdict").markdown if m.proto.help]


def test_a_batch_verdict_greys_the_real_time_limits_it_does_not_run_under(at: AppTest) -> None:
    # The card read "✓ meets its contract" beside a red "140,854 queued at peak, drains in 5.5 days":
    # the real-time limits, which a batch does not run under.
    a = advisor.assess(NIGHTLY_INVOICES)
    assert a.recommendation == "batch" and a.feasible and a.capacity.backlog_requests > 0
    upload(at, "b.yaml", yaml.safe_dump(NIGHTLY_INVOICES).encode())
    ok(at)
    card = block(at, "verdict")
    metrics = {m.label: m for m in card.metric}
    assert "Rate-limit headroom" not in metrics
    limits = metrics["Real-time rate limits"]
    assert limits.value == headroom(a.capacity)
    assert limits.proto.delta == "batch runs under limits of its own, not checked"
    assert limits.proto.color == 2  # grey, not red
    assert limits.proto.help.startswith("The Batch API runs under limits of its own")
    assert "queued at peak" not in texts(card)
    assert "queued at peak" not in texts(block(at, "verdict_bar"))
    # A real-time verdict over its limits keeps its red backlog.
    upload(at, "a.yaml", yaml.safe_dump(IN_APP_ASSISTANT).encode())
    ok(at)
    headroom_metric = next(m for m in block(at, "verdict").metric if m.label == "Rate-limit headroom")
    assert "queued at peak" in headroom_metric.proto.delta and headroom_metric.proto.color == 0


def test_the_token_answers_say_they_are_one_calls_and_what_a_request_of_several_sends(at: AppTest) -> None:
    # "Input tokens per request" was one call's: 3 chained calls billed 3 x 9,000 tokens, unsaid.
    assert at.number_input(key="q_input_tokens").label == "Input tokens per call"
    assert at.number_input(key="q_output_tokens").label == "Output tokens per call"
    assert "one model call" in at.number_input(key="q_input_tokens").help
    assert not [c for c in at.caption if "chained calls =" in c.value]  # one call: nothing to multiply
    at.number_input(key="q_chained_calls").set_value(3).run()
    ok(at)
    assert "\u00d7 3 chained calls = 5,400 input and 540 output tokens a request." in [c.value for c in at.caption]
    # The steps say it too: a step's tokens are one call's, times its runs.
    at.toggle(key="q_use_steps").set_value(True).run()
    ok(at)
    assert any(
        "A request: 3 calls, 5,400 input and 540 output tokens (a step's tokens are one call's, times its runs)."
        in c.value for c in at.caption
    )


def test_the_card_merges_one_number_moved_toward_one_mode_and_shows_the_cheapest_lever(at: AppTest) -> None:
    # The card listed "Peak requests per minute: 1,660" and "1,600" to the same streaming, and
    # left the prompt cache, $16,200 a month less, to the details tab.
    a = advisor.assess(IN_APP_ASSISTANT)
    assert not a.feasible
    peaks = [o for o in changes.options(a) if set(o.changes) == {"peak_requests_per_minute"} and o.feasible]
    assert [o.lever for o in peaks] == [True]  # the lever is kept: what a CTO acts on, with its money
    upload(at, "a.yaml", yaml.safe_dump(IN_APP_ASSISTANT).encode())
    ok(at)
    rows = card_rows(at)
    assert len([r for r in rows if r.startswith("Peak requests per minute:")]) == 1, rows
    cheapest = changes.cheapest(a, changes.options(a))
    assert cheapest is not None and "cache" in cheapest.label
    assert cheapest.label in rows


def test_the_cheapest_lever_that_meets_the_contract_takes_the_last_place_when_the_card_is_full() -> None:
    def option(label: str, distance: float, lever: bool = False, cost: float | None = None) -> changes.Option:
        return changes.Option({label: 1}, "streaming", True, "", distance, label, lever, cost)

    near = [option(f"near {i}", i / 10) for i in range(3)]
    cache = option("cache", 3.0, lever=True, cost=-16_200)
    groups = [changes.Group("streaming", True, (*near, cache))]
    assert [o.label for g in changes.first(groups) for o in g.options] == ["near 0", "near 1", "near 2"]
    kept = changes.first(groups, keep=cache)
    assert [o.label for g in kept for o in g.options] == ["near 0", "near 1", "cache"]


def test_the_card_offers_actions_and_words_a_measured_speed_as_a_what_if(at: AppTest) -> None:
    # "Requests per month: 99 (now 4,500,000)" to reach async, and "Measured p95 of one model
    # call: 4.01 s (now 2.72 s)" where 2.72 s is an estimate: neither is something a CTO does.
    upload(at, "b.yaml", yaml.safe_dump(NIGHTLY_INVOICES).encode())
    ok(at)
    assert not [r for r in card_rows(at) if r.startswith("Requests per month")]
    at.selectbox(key="scenario").set_value("support-reply-draft").run()
    ok(at)
    assert not [r for r in card_rows(at) if r.startswith("Measured")]
    a = assessed()
    speed = next(o for o in changes.options(a) if "model_p95_s" in o.changes)
    assert not speed.action
    assert speed.label == "Measured p95 of one model call: if you measure 3.01 s (now 2.72 s, estimated)"
    open_tab(at, "Overview")  # the details keep it, as a what-if
    assert speed.label in texts(at)


def test_a_rule_that_rules_out_two_modes_is_said_once(at: AppTest) -> None:
    open_tab(at, "Overview")
    ok(at)
    shown = texts(at)
    assert shown.count("Under 5 seconds the user is watching") == 1
    assert "The same reason as for asynchronous job, above." in shown


def test_the_record_names_its_decision_makers_consulted_and_informed(
    at: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = captured_downloads(monkeypatch)
    open_tab(at, "Decision record")
    at.text_input(key="adr_decision_makers").input("Ana Lima, Ben Okafor")
    at.text_input(key="adr_consulted").input("Platform team")
    at.text_input(key="adr_informed").input("Support leads").run()
    ok(at)
    a = advisor.assess(session_profile(at), advisor.load_rules())
    expected = advisor.render_adr(
        a, template="madr", status="proposed", date=TODAY, decision_makers=["Ana Lima", "Ben Okafor"],
        consulted=["Platform team"], informed=["Support leads"],
    )
    assert 'decision-makers: ["Ana Lima", "Ben Okafor"]' in expected
    assert seen["download_adr"]["data"] == expected.encode("utf-8")
    # The card's button writes the same record, with the tab closed too.
    open_tab(at, "Cost")
    ok(at)
    assert seen["download_record"]["data"] == expected.encode("utf-8")
