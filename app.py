"""The CTO's questionnaire: describe one LLM feature, see how it should call its model, leave with an ADR.

The app decides nothing. It turns the answers into a WorkloadProfile (``advisor.parse_profile``)
and renders the Assessment that ``advisor.assess`` returns: the same call the CLI and the
decision records use. Everything a session owns lives in ``st.session_state``; the rule set,
the scenarios and the price catalogue are loaded once per server and never mutated.
This file is the page; its parts live in the ``questionnaire`` package beside it.

The page: a start row (a worked example, a feature of your own, a workload file, the answers as
a file), then the form beside the verdict card, which stays in view while the form scrolls (on
a phone the verdict comes first and a one-line verdict bar follows the form), then the details.
Nothing is fetched from anywhere but this server: no web fonts, no scripts from a CDN.

    streamlit run app.py      # in a checkout (make run)
    advisor app               # from a packaged install with the app extra (pip install '.[app]')
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

import advisor
from advisor.core.errors import AdvisorError
from advisor.core.profile import WorkloadProfile, parse_profile
from advisor.core.rules import RuleSet
from advisor.views.markdown import slug
from advisor.views.sources import cite
from questionnaire.form import questions
from questionnaire.scenarios import Scenario, example_note, read_scenarios
from questionnaire.session import (
    follow_example,
    init_session,
    on_own_feature,
    on_scenario,
    on_upload,
    set_aside_replaced_times,
    weights_from_state,
)
from questionnaire.state import (
    answer_problems,
    answers_from_state,
    answers_yaml,
    load_errors_text,
    md,
    problems_by_question,
)
from questionnaire.trace_upload import measured_note, trace_uploader, with_evidence
from questionnaire.verdict import Shown, verdict_bar, verdict_card
from questionnaire.views import details, sanity_notes

ROOT = Path(__file__).resolve().parent
EXAMPLES_DIR = ROOT / "examples"
PAGE_CSS = ROOT / "questionnaire" / "page.css"
# The page icon, drawn here: a named Material icon would be fetched from Google's servers.
PAGE_ICON = (
    "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24'><rect width='24' height='24' rx='5' fill='#0072B2'/>"
    "<path d='M6 18V12a4 4 0 0 1 4-4h8M14 4l4 4-4 4M6 18' fill='none' stroke='#fff' stroke-width='2.2'"
    " stroke-linecap='round' stroke-linejoin='round'/></svg>"
)

# -- loaded once per server, never mutated ---------------------------------------------------


@st.cache_resource(show_spinner=False)
def load_ruleset() -> RuleSet:
    return advisor.load_rules()


@st.cache_resource(show_spinner=False)
def load_scenarios() -> tuple[dict[str, Scenario], tuple[str, ...]]:
    """The example workloads by file stem, and the messages of any that failed to load."""
    return read_scenarios(EXAMPLES_DIR)


@st.cache_resource(show_spinner=False)
def load_catalogue() -> dict[str, tuple[str, ...]]:
    """Provider id -> model ids of the genai-prices catalogue (what the pickers offer)."""
    from genai_prices import data_snapshot

    snapshot = data_snapshot.get_snapshot()
    return {p.id: tuple(m.id for m in p.models) for p in snapshot.providers}


@st.cache_resource(show_spinner=False)
def load_css() -> str:
    return PAGE_CSS.read_text(encoding="utf-8")


# -- the start row: a worked example, a file, the answers as a file ------------------------------


def start_row(
    ruleset: RuleSet, scenarios: dict[str, Scenario], problems: tuple[str, ...], profile: WorkloadProfile | None
) -> None:
    with st.container(horizontal=True, vertical_alignment="bottom", key="start"):
        st.selectbox(
            "Start from a worked example",
            list(scenarios),
            key="scenario",
            format_func=lambda s: scenarios[s].name,
            placeholder="Your own answers",
            on_change=on_scenario,
            args=(scenarios,),
            width=340,
            help="Worked cases from the source documents. Choosing one replaces every answer. Once an answer"
            " changes, the answers are your own and the picker says so.",
        )
        st.button(
            "Your own feature",
            key="own_feature",
            on_click=on_own_feature,
            icon=":material/add:",
            help="Start a feature of your own: every answer starts again from the starter workload `advisor init`"
            " writes (typical figures for a feature someone clicks and waits for), with no example's name or"
            " description, not built yet. Undo on the verdict card brings the answers before it back.",
        )
        with st.popover("Open a file", icon=":material/upload_file:", key="open_file"):
            gen = st.session_state.get("upload_gen", 0)
            st.file_uploader(
                "A workload YAML file",
                type=["yaml", "yml"],
                key=f"upload_{gen}",
                max_upload_size=1,
                on_change=on_upload,
                args=(f"upload_{gen}",),
                help="A workload file as `advisor recommend` reads it. It replaces every answer.",
            )
            trace_uploader()
        st.download_button(
            "Download answers",
            data=(lambda: answers_yaml(profile)) if profile else "",
            file_name=f"{slug(profile.name) if profile else 'workload'}.yaml",
            mime="application/yaml",
            key="download_answers",
            on_click="ignore",
            icon=":material/download:",
            disabled=profile is None,
            # The answers live in this browser session only: a reload or Back opens the example again.
            help="Your answers as a workload file (YAML): open it here later, or run `advisor recommend` on it."
            " A reload of the page starts again from the example, so download them to keep them."
            if profile
            else "Fix the answers marked in red first.",
        )
    chosen = scenarios.get(st.session_state.get("scenario") or "")
    # Drawn even empty: the note goes once an answer leaves the example, and the page below
    # keeps its place in Streamlit's tree (else the verdict was drawn twice while it reran).
    with st.container(key="example_about"):
        if chosen and chosen.seed_note:
            # A long note (the ticket agent's runs to 1,100 characters, 17 lines on a phone, where it
            # pushed the verdict below the first screen) shows its first sentence; the rest folds away.
            first, rest = example_note(chosen.seed_note)
            st.caption(md(cite(first, ruleset.header.sources)))
            if rest:
                with st.expander("More about this example", key="example_note"):
                    st.caption(md(cite(rest, ruleset.header.sources)))
    for problem in problems:
        st.warning(f"An example could not be loaded: {md(problem)}")
    if errors := current_load_errors():
        st.error(load_errors_text(errors), icon=":material/error:")


def current_load_errors() -> list[str]:
    """The problems of the file that failed to load, while the answers are still those it left
    on the page: once an answer changes, they describe a file no longer in question and go (the
    red box stayed at the top, above the verdict on a phone, for the rest of the session)."""
    state = st.session_state
    errors: list[str] = state.get("load_errors") or []
    answers = answers_from_state(state)
    if not errors:
        state.pop("load_errors_answers", None)
    elif "load_errors_answers" not in state:
        state["load_errors_answers"] = answers  # the run of the failed load: the answers it left
    elif state["load_errors_answers"] != answers:
        state.pop("load_errors", None)
        state.pop("load_errors_answers", None)
        return []
    return errors


# -- the page ---------------------------------------------------------------------------------------


def main() -> None:
    st.set_page_config(page_title="Execution-mode advisor", page_icon=PAGE_ICON, layout="wide")
    st.html(f"<style>{load_css()}</style>")
    try:
        ruleset = load_ruleset()
    except AdvisorError as exc:
        st.error(f"The rule set could not be loaded: {md(str(exc))}")
        st.stop()
    scenarios, scenario_problems = load_scenarios()
    catalogue = load_catalogue()
    init_session(scenarios, ruleset)
    follow_example(scenarios)
    set_aside_replaced_times(catalogue)

    answers_ok, problems = assess_answers(ruleset)
    shown = answers_ok or st.session_state.get("last_good")
    if answers_ok is None and shown is not None:
        shown = Shown(shown.assessment, shown.profile, stale=True, custom_weights=shown.custom_weights)
    by_question = problems_by_question(problems)

    st.markdown("# Execution-mode advisor")  # the page's one h1; the form's groups, the verdict and the details are h2
    st.caption(
        "Should this LLM feature call its model synchronously, stream, run as an async job or use a batch API? "
        "Answer for one feature; the verdict follows every answer."
    )
    start_row(ruleset, scenarios, scenario_problems, answers_ok.profile if answers_ok else None)
    measured_note(answers_ok.profile if answers_ok else None)
    form, verdict = st.columns([5, 7], gap="large")
    with verdict:
        if shown is not None:
            verdict_card(shown)
        else:
            with st.container(border=True, key="verdict"):
                st.info("The verdict appears once the answers marked in red are complete.")
    with form:
        if shown is not None:
            verdict_bar(shown)
        questions(ruleset, catalogue, by_question, sanity_notes(answers_ok.profile) if answers_ok else {}, shown)
    if shown is not None:
        details(shown, ruleset, weights_from_state(ruleset))


def assess_answers(ruleset: RuleSet) -> tuple[Shown | None, list[AdvisorError]]:
    """The verdict on the answers as they stand, or every problem with them. The last good
    verdict is kept, so a wrong answer never wipes the result off the page."""
    answers = with_evidence(answers_from_state(st.session_state), st.session_state)
    try:
        profile = parse_profile(answers, source="")
    except AdvisorError as exc:
        return None, answer_problems(answers) or [exc]
    weights = weights_from_state(ruleset)
    try:
        assessment = advisor.assess(profile, ruleset, weights=weights)
    except AdvisorError as exc:
        return None, [exc]
    shown = Shown(assessment, profile, stale=False, custom_weights=weights != ruleset.weights)
    st.session_state["last_good"] = shown
    return shown, []


if __name__ == "__main__":
    main()
