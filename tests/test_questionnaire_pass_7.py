"""The questionnaire's follow-ups from the seventh pass: starting a feature of one's own.

The page opens on the worked example "Support reply draft". A CTO who renamed it and answered
for their own feature, without retyping the description, got the example's description ("...
Built as a plain synchronous call on day one") in their record, and its "runs today: Synchronous
call", so a feature not yet built was told what moving from sync would cost; the picker still
said "Support reply draft" after every answer had changed. Now "Your own feature" starts from the
starter workload ``advisor init`` writes; the picker names an example only while the answers are
its own; a rename clears the example's description and current mode where they are still the
example's, with a note that can put them back. And a peak the month cannot hold is refused in
the product's figures ("2,400 requests", "60 minutes"), here as on the command line.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from streamlit.testing.v1 import AppTest

import advisor
from questionnaire.session import own_feature_profile

from .test_app import DEFAULT, block, captured_downloads, ok, session_profile, shown_mode, texts

pytestmark = pytest.mark.slow

EXAMPLE = advisor.load_profile(DEFAULT)
EXAMPLE_WORDS = "Built as a plain synchronous call on day one"


def _record(seen: dict[str, Any]) -> str:
    data = seen["download_record"]["data"]
    return data.decode("utf-8") if isinstance(data, bytes) else str(data)


def _cost_delta(at: AppTest) -> str:
    cost = next(m for m in block(at, "verdict").metric if m.label == "Monthly cost")
    return str(cost.proto.delta)


# -- "Your own feature" -------------------------------------------------------------------------


def test_your_own_feature_starts_from_the_starter_workload_with_no_example_in_it(
    at: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = captured_downloads(monkeypatch)
    assert "The built-in default example" in texts(at)  # the example's note
    at.button(key="own_feature").click().run()
    ok(at)
    profile = session_profile(at)
    starter = advisor.parse_profile(yaml.safe_load(advisor.starter_workload()))
    # The starter's figures, as `advisor init` writes them: no example's name, words or current mode.
    assert profile == own_feature_profile()
    assert profile.model_dump(exclude={"name", "description"}) == starter.model_dump(exclude={"name", "description"})
    assert (profile.name, profile.description, profile.current_mode) == ("New feature", "", None)
    assert at.text_input(key="q_name").value == "New feature" and at.text_area(key="q_description").value == ""
    assert at.selectbox(key="scenario").value is None  # the picker says "Your own answers"
    assert shown_mode(at) and _cost_delta(at) == ""  # a verdict, and no move from a mode it does not run in
    record = _record(seen)
    assert "New feature" in record and "Support reply draft" not in record and EXAMPLE_WORDS not in record
    assert "The built-in default example" not in texts(at)  # the example's note went with it

    # Undo brings the example back, the picker naming it again.
    (undo,) = [b for b in block(at, "verdict").button if b.key == "undo"]
    assert undo.label.replace("\\", "") == "Undo: Your own feature (was Support reply draft)"
    undo.click().run()
    ok(at)
    assert session_profile(at) == EXAMPLE and at.selectbox(key="scenario").value == "support-reply-draft"
    # The example back whole: renamed now, its words are cleared as on the first load.
    at.text_input(key="q_name").set_value("Refund drafting agent").run()
    assert session_profile(at).description == "" and session_profile(at).current_mode is None


def test_your_own_feature_then_a_name_is_the_users_record(at: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = captured_downloads(monkeypatch)
    at.button(key="own_feature").click().run()
    at.text_input(key="q_name").set_value("Invoice extractor").run()
    ok(at)
    assert not [i for i in at.info if "cleared" in i.value]  # nothing of an example's to clear
    record = _record(seen)
    assert record.count("Invoice extractor") >= 2 and "Support reply draft" not in record


# -- the picker names an example only while the answers are its own --------------------------------


def test_changing_an_answer_leaves_the_example_and_keeps_its_words_under_its_name(at: AppTest) -> None:
    assert at.selectbox(key="scenario").value == "support-reply-draft"
    at.number_input(key="q_requests_per_month").set_value(300_000).run()
    ok(at)
    assert at.selectbox(key="scenario").value is None  # "Your own answers", not "Support reply draft"
    # Still named as the example: the same feature, its description and current mode stay.
    profile = session_profile(at)
    assert profile.description == EXAMPLE.description and profile.current_mode == "sync"
    assert not [i for i in at.info if "cleared" in i.value]
    # Choosing the example again gives it back whole.
    at.selectbox(key="scenario").set_value("support-reply-draft").run()
    ok(at)
    assert session_profile(at) == EXAMPLE and at.selectbox(key="scenario").value == "support-reply-draft"


# -- a rename clears the example's own words, visibly -----------------------------------------------


def test_a_renamed_example_drops_its_description_and_current_mode_with_a_note(
    at: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = captured_downloads(monkeypatch)
    # Who waits: a chat. Under the example's name, the move from today's sync call is priced.
    at.selectbox(key="q_interaction").set_value("chat").run()
    ok(at)
    assert at.selectbox(key="scenario").value is None
    assert _cost_delta(at).startswith("an extra cost of $")
    at.text_input(key="q_name").set_value("Refund drafting agent").run()
    ok(at)
    assert at.selectbox(key="scenario").value is None
    assert at.text_area(key="q_description").value == ""
    assert at.selectbox(key="q_current_mode").value == "not_built"
    (note,) = [i.value for i in block(at, "q_feature").info if "cleared" in i.value]
    assert note == (
        "A new name, so the example's description and *How it runs today* (Synchronous call) were cleared: "
        "they described *Support reply draft*, not your feature."
    )
    # Nothing of the example's in the record, and no move priced from a mode it does not run in.
    record = _record(seen)
    assert "Refund drafting agent" in record and EXAMPLE_WORDS not in record
    assert _cost_delta(at) == "" and "an extra cost of" not in texts(at)

    # "Put them back": the example's words again, and the note goes.
    block(at, "q_feature").button(key="put_example_back").click().run()
    ok(at)
    profile = session_profile(at)
    assert profile.name == "Refund drafting agent"
    assert (profile.description, profile.current_mode) == (EXAMPLE.description, "sync")
    assert not [i for i in at.info if "cleared" in i.value]
    # Put back by choice: a later answer does not clear them again.
    at.number_input(key="q_requests_per_month").set_value(300_000).run()
    assert session_profile(at).description == EXAMPLE.description


def test_a_rename_keeps_a_description_the_user_wrote(at: AppTest) -> None:
    at.text_area(key="q_description").set_value("Drafts refunds for the billing team.").run()
    at.text_input(key="q_name").set_value("Refund drafting agent").run()
    ok(at)
    profile = session_profile(at)
    assert profile.description == "Drafts refunds for the billing team."  # the user's, kept
    assert profile.current_mode is None  # the example's, cleared
    (note,) = [i.value for i in block(at, "q_feature").info if "cleared" in i.value]
    assert note.startswith("A new name, so the example's *How it runs today* (Synchronous call) was cleared: it ")
    assert block(at, "q_feature").button(key="put_example_back").label == "Put it back"
    # Answering the cleared question takes the note away.
    at.selectbox(key="q_current_mode").set_value("async").run()
    ok(at)
    assert not [i for i in at.info if "cleared" in i.value]


def test_a_rename_after_try_it_still_drops_the_examples_words_and_undo_still_works(at: AppTest) -> None:
    at.button(key="try_0").click().run()
    ok(at)
    assert at.selectbox(key="scenario").value is None
    at.text_input(key="q_name").set_value("Refund drafting agent").run()
    ok(at)
    assert session_profile(at).description == "" and session_profile(at).current_mode is None
    at.button(key="undo").click().run()
    ok(at)
    assert session_profile(at) == EXAMPLE and at.selectbox(key="scenario").value == "support-reply-draft"
    assert not [i for i in at.info if "cleared" in i.value]


def test_an_uploaded_file_keeps_its_own_description_when_renamed(at: AppTest) -> None:
    content = DEFAULT.read_bytes().replace(b"name: Support reply draft", b"name: Draft reply v1")
    at.file_uploader[0].set_value(("draft.yaml", content, "application/yaml"))
    at.run()
    at.text_input(key="q_name").set_value("Draft reply v2").run()
    ok(at)
    profile = session_profile(at)
    assert profile.description == EXAMPLE.description and profile.current_mode == "sync"  # the file's, the user's


# -- the peak the month cannot hold, in the product's figures ---------------------------------------


def test_a_peak_the_month_cannot_hold_is_said_with_separators_and_units(at: AppTest) -> None:
    at.number_input(key="q_requests_per_month").set_value(1000).run()
    assert not at.exception
    (message,) = [e.value for e in at.error] or [m.value for m in at.markdown if "whole month" in m.value]
    said = message.replace("\\", "")
    assert "for the peak length (60 minutes, the default) it makes 2,400 requests" in said, said
    assert "more than the requests per month (1,000)" in said
