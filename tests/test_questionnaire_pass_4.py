"""The questionnaire as a CTO filled it a fourth time, in a real browser: a summarise button,
a nightly batch and a support agent with tool calls (questionnaire pass 4).

What the page says is checked in AppTest against ``advisor.assess`` on the same answers; the
phone layout, which only a browser draws, in Chromium (marked like test_browser.py).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

import advisor
from advisor.core.profile import WorkloadProfile
from questionnaire import changes
from questionnaire.state import md
from questionnaire.vocabulary import FIELD_LABELS, Words

from .test_app import block, ok, session_profile
from .test_browser import PHONE, app_url, browse, chromium  # noqa: F401  (the browser's fixtures)

# A workload file's field names: what the page must say as its questions instead.
FILE_FIELDS = sorted(f for f in WorkloadProfile.model_fields if "_" in f)


def shown_text(at: AppTest) -> str:
    """Every sentence the page shows, Markdown's escapes taken out."""
    said = [str(e.value) for kind in ("markdown", "caption", "warning", "info", "error", "success") for e in at.get(kind)]
    return "\n".join(said).replace("\\", "")


# -- the not-feasible warning names the question, not the workload file's field -----------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("stem", "model"),
    [("voice-assistant", None), ("document-summary-button", "gpt-5.5")],
    ids=["benchmarked-speed", "stand-in-speed"],
)
def test_a_verdict_on_an_unmeasured_speed_asks_for_the_measurement_in_the_forms_words(
    at: AppTest, stem: str, model: str | None
) -> None:
    # The card said "measure the call and give its p95 as model_p95_s (ttft_s for the first
    # token)": a workload file's keys, which the form never shows; its question is "Measured
    # p95 of one model call", under "Measured model speed".
    at.selectbox(key="scenario").set_value(stem).run()
    if model:
        at.selectbox(key="q_model").set_value(model).run()
    ok(at)
    profile = session_profile(at)
    a = advisor.assess(profile)
    assert not a.feasible and "model_p95_s" in (a.infeasible_reason or "")  # the engine's words, for files
    (warning,) = [str(w.value).replace("\\", "") for w in block(at, "verdict").warning if "Not feasible" in w.value]
    assert f"give its p95 as \u201c{FIELD_LABELS['model_p95_s']}\u201d" in warning
    assert f"\u201c{FIELD_LABELS['ttft_s']}\u201d for the first token" in warning
    named = [f for f in FILE_FIELDS if re.search(rf"(?<![\w.]){f}(?!\w)", shown_text(at))]
    assert named == [], named


def test_words_plain_leaves_other_underscored_words_and_dotted_paths_alone() -> None:
    words = Words(advisor.load_rules())
    assert words.plain("match by custom_id; steps.reply.model_p95_s") == "match by custom_id; steps.reply.model_p95_s"
    assert words.plain("set output_tokens_per_s") == f"set \u201c{FIELD_LABELS['output_tokens_per_s']}\u201d"


# -- "Undo" says what the answer was, not what it is now --------------------------------------------


@pytest.mark.slow
def test_undo_after_try_it_says_what_the_answer_was(at: AppTest) -> None:
    # After "Try it" on "Who waits for the answer: Submit and notify (now Click and wait)", the
    # button read "Undo: Who waits for the answer: Submit and notify (now Click and wait)",
    # while the answer now was Submit and notify.
    a = advisor.assess(session_profile(at))
    words = Words(a.rules)
    offered = [o for g in changes.card(a) for o in g.options]
    index, option = next((i, o) for i, o in enumerate(offered) if set(o.changes) == {"interaction"})
    before = words.short_choice("interaction", a.workload.interaction)
    after = words.short_choice("interaction", option.changes["interaction"])
    at.button(key=f"try_{index}").click().run()
    ok(at)
    assert at.selectbox(key="q_interaction").value == option.changes["interaction"]
    undo = at.button(key="undo").label
    question = FIELD_LABELS["interaction"]
    assert undo == "Undo: " + md(f"{question}: {after} (was {before})")
    at.button(key="undo").click().run()
    ok(at)
    assert at.selectbox(key="q_interaction").value == a.workload.interaction


def test_undo_keeps_a_steps_name_as_typed() -> None:
    from questionnaire.session import undo_label

    label = "Step \u201clookup (now v2)\u201d, model: gpt-5.4-mini (now gpt-5.4); Service tier: flex (now standard)"
    assert undo_label(label) == (
        "Step \u201clookup (now v2)\u201d, model: gpt-5.4-mini (was gpt-5.4); Service tier: flex (was standard)"
    )


# -- a what-if on an estimated speed is measured, not tried -------------------------------------------


@pytest.mark.slow
def test_a_what_if_on_an_estimated_speed_asks_for_a_measurement_not_a_try(at: AppTest) -> None:
    # "Measured p95 of one model call: if you measure 5.00 s (now 26.9 s, estimated)" had a
    # "Try it" that set 5.00 s as the measured p95: the card then said "p95 from measured call
    # times" and "commit the record", which would record a measurement nobody took.
    at.selectbox(key="scenario").set_value("document-summary-button").run()
    ok(at)
    a = advisor.assess(session_profile(at))
    assert a.workload.model_p95_s is None
    offered = [o for g in changes.card(a) for o in g.options]
    index, option = next((i, o) for i, o in enumerate(offered) if "model_p95_s" in o.changes)
    assert option.what_if and "if you measure" in option.label
    row = block(at, f"change_{index}")
    assert [c.value for c in row.caption] == [changes.MEASURE_FIRST]
    assert not list(row.button)
    # Every other change on the card keeps its "Try it"; the Overview's list does the same.
    tried = [b.key for b in at.button if b.key and b.key.startswith("try_") and not b.key.startswith("try_all")]
    assert tried == [f"try_{i}" for i, o in enumerate(offered) if not o.what_if]
    every = [o for g in changes.grouped(a, changes.options(a)) for o in g.options]
    assert any(o.what_if for o in every)
    assert len([b for b in at.button if b.key and b.key.startswith("try_all_")]) == len(
        [o for o in every if not o.what_if]
    )


def test_a_measured_speed_is_not_a_what_if() -> None:
    # A speed the workload gives measured: its what-if is a figure to try, not to measure first.
    from .conftest import ROOT

    profile = advisor.load_profile(ROOT / "examples" / "document-summary-button.yaml")
    a = advisor.assess(profile.model_copy(update={"model_p95_s": 20.0, "model_p50_s": 15.0}))
    speeds = [o for o in changes.options(a) if "model_p95_s" in o.changes]
    assert speeds and not any(o.what_if for o in speeds)


# -- a phone: the card and the form as wide as the page ----------------------------------------------


@pytest.mark.browser
@pytest.mark.slow
def test_on_a_phone_the_card_and_the_form_reach_the_pages_right_edge(browse: Any) -> None:  # noqa: F811
    # Stacked, the two columns kept the room of the gap Streamlit leaves between them side by
    # side: the card and the form stopped 24 px short of the right edge the details reach.
    page = browse(PHONE)
    details = page.locator('[data-testid="stTabs"]').bounding_box()
    for key in ("verdict", "q_feature"):
        box = page.locator(f".st-key-{key}").bounding_box()
        assert box is not None and details is not None
        assert abs((box["x"] + box["width"]) - (details["x"] + details["width"])) <= 1, (key, box, details)
        assert box["x"] + box["width"] <= PHONE["width"]



# -- a reload starts over: the page says so where the answers can be kept ---------------------------


@pytest.mark.slow
def test_download_answers_says_a_reload_starts_over(at: AppTest) -> None:
    # The answers live in the browser session: a reload (or Back) opens the example again and
    # nothing on the page said so, so a CTO lost a form's worth of answers to F5.
    help_text = at.download_button(key="download_answers").proto.help
    assert "reload" in help_text and "download them to keep them" in help_text


@pytest.mark.slow
def test_the_speed_questions_are_labelled_as_the_warnings_name_them(at: AppTest) -> None:
    # The not-feasible warning asks for "Measured p95 of one model call"; the form's field read
    # "Measured p95 of one call (s)", so the question asked for was not the one on the page.
    labels = {n.label for n in at.number_input}
    for field in ("model_p50_s", "model_p95_s", "ttft_s"):
        assert f"{FIELD_LABELS[field]} (s)" in labels
