"""The questionnaire's follow-ups from the ninth pass: a manager returns to a decision.

An engineering manager opened last month's answers file, edited by hand (ten times the volume,
a smaller model, a classifying step first), loaded it back into the app in a browser and walked
the form again. Three faults, each something a person sees:

- The budget's unit box offered seconds to days. A real-time budget is said in milliseconds (a
  voice turn's 500 ms): typed into the box, "milliseconds" matched nothing, the box stayed on
  seconds, and the 800 typed beside it was judged as 800 s. The box now offers milliseconds.
- A volume out of bounds (a trillion requests a month) was marked in red, and beneath the red
  the helper line still read it back, "1 trillion requests a month, 23,148,148 a minute", as if
  it had been taken.
- In the single-call token fields Tab went input, reasoning, output: the reasoning field sat in
  the input's column, under it, while the output field stood to the input's right.
"""

from __future__ import annotations

import pytest
import yaml
from streamlit.testing.v1 import AppTest

import advisor
from questionnaire import state

from .test_app import block, ok, open_tab, session_profile, texts

pytestmark = pytest.mark.slow


def _budget(at: AppTest, value: float, unit: str) -> AppTest:
    at.number_input(key="q_budget").set_value(value).run()
    at.selectbox(key="q_budget_unit").set_value(unit).run()
    return ok(at)


def test_a_budget_in_milliseconds_is_judged_in_milliseconds(at: AppTest) -> None:
    assert "milliseconds" in at.selectbox(key="q_budget_unit").options
    _budget(at, 800, "milliseconds")
    profile = session_profile(at)
    assert profile.latency_budget_s == 0.8
    assert "budget 0.80 s" in texts(block(at, "verdict"))
    # 700 ms is 0.7 s in the answers file, not 0.7000000000000001.
    _budget(at, 700, "milliseconds")
    assert yaml.safe_load(state.answers_yaml(session_profile(at)))["latency_budget_s"] == 0.7


def test_a_budget_under_the_profiles_least_is_marked_not_taken(at: AppTest) -> None:
    _budget(at, 800, "milliseconds")
    at.number_input(key="q_budget").set_value(5).run()  # 5 ms: under the profile's 10 ms
    assert [e.value for e in at.error] == ["**Latency budget at p95**: must be between 0.01 s and 30 days"]
    assert "budget 0.80 s" in texts(block(at, "verdict"))  # the last good verdict, marked stale


def test_a_volume_out_of_bounds_is_not_read_back_under_its_error(at: AppTest) -> None:
    at.number_input(key="q_requests_per_month").set_value(1_200_000).run()
    ok(at)
    assert "1,200,000 requests a month, 28 a minute on average." in texts(at)
    at.number_input(key="q_requests_per_month").set_value(10**12).run()
    page = texts(at)
    assert "**Requests per month**: must be a whole number between 0 and 100,000,000,000" in [e.value for e in at.error]
    assert "requests a month" not in page and "a minute on average" not in page


def test_tab_goes_from_the_input_tokens_to_the_output_tokens_beside_them(at: AppTest) -> None:
    # Tab follows the page's order: the fields' keys as the page lists them.
    keys = [n.key for n in at.number_input]
    assert keys.index("q_input_tokens") + 1 == keys.index("q_output_tokens")
    assert keys.index("q_output_tokens") + 1 == keys.index("q_reasoning_tokens")


# The manager's answers file of last month, edited by hand: ten times the volume, a smaller
# model, a classifying step first. Neither model has a measured speed, and the peak is 1.6x
# gpt-5.4-mini's tier-1 token limit: no change within reach meets the contract.
EDITED = {
    "name": "Support reply draft", "interaction": "request_response", "latency_budget_s": 4.0,
    "requests_per_month": 1_200_000, "peak_requests_per_minute": 400.0, "model": "gpt-5.4-mini",
    "current_mode": "sync",
    "steps": [
        {"name": "classify", "model": "gpt-5.4-nano", "input_tokens": 1500, "output_tokens": 10},
        {"name": "draft", "input_tokens": 1800, "output_tokens": 180},
    ],
}


def _load(at: AppTest, workload: dict[str, object]) -> AppTest:
    """The workload as "Open a file" leaves it: every answer set from the profile."""
    for key, value in state.profile_to_state(advisor.parse_profile(workload)).items():
        at.session_state[key] = value
    at.session_state[state.STEPS_GENERATION] = at.session_state[state.STEPS_GENERATION] + 1
    return at.run()


def test_with_no_change_to_try_the_next_step_does_not_point_at_one(at: AppTest) -> None:
    card = texts(block(_load(at, EDITED), "verdict"))
    assert "Not feasible as specified" in card
    assert "No change within reach meets the contract" in card
    # It said "try a change below that meets the contract", above the line saying there is none.
    assert "try a change below" not in card
    assert "Next: record the decision as not feasible as specified." in card


def test_a_change_that_meets_the_contract_is_still_offered_as_the_next_step(at: AppTest) -> None:
    # The old answers at ten times the volume: a higher tier or another model would meet it.
    card = texts(block(_load(at, EDITED | {"peak_requests_per_minute": 400.0, "model": "gpt-5.4", "steps": None,
                                             "input_tokens": 1800, "output_tokens": 180}), "verdict"))
    assert "Not feasible as specified" in card
    assert "Next: try a change below that meets the contract" in card


def test_the_record_tab_says_how_to_supersede_last_months_record(at: AppTest) -> None:
    # The page downloads a record with no number and no link to the one it replaces: the
    # manager returning to a decision looked for a way to supersede it and found none.
    tab = texts(block(open_tab(_load(at, EDITED), "Decision record"), "result_tab"))
    assert "`advisor adr <answers file> --supersedes N`" in tab
    assert "marks record N superseded by it and says what has changed since" in tab


def test_a_file_loaded_with_a_wrong_answer_shows_no_verdict_of_the_answers_it_replaced(at: AppTest) -> None:
    # Last month's file with the model mistyped: it loads (the model is checked against the
    # prices, not the file's form), the model question is marked, and the card showed the
    # example's verdict it had replaced, "$864, meets its contract", as the file's stale one.
    before = texts(block(at, "verdict"))
    assert "$864" in before
    text = yaml.safe_dump(EDITED | {"model": "gpt5.4-mini"}, sort_keys=False)
    at.file_uploader[0].set_value(("support-reply-draft.yaml", text.encode(), "application/yaml")).run()
    assert not at.exception
    assert "**Model**: unknown model 'gpt5.4-mini' for provider 'openai'" in texts(at)
    card = texts(block(at, "verdict"))
    assert "$864" not in card and "Stale" not in card
    assert "The verdict appears once the answers marked in red are complete." in card
    # Fixed, the file's own verdict appears.
    at.selectbox(key="q_model").set_value("gpt-5.4-mini").run()
    assert "$2,967" in texts(block(ok(at), "verdict"))
