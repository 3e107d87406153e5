"""The CTO's questionnaire: describe one LLM feature, see how it should call its model, leave with an ADR.

The app decides nothing. It turns the answers into a WorkloadProfile (``advisor.parse_profile``)
and renders the Assessment that ``advisor.assess`` returns: the same call the CLI and the
decision records use. Everything a session owns lives in ``st.session_state``; the rule set,
the scenarios and the price catalogue are loaded once per server and never mutated.
This file is the page; its parts live in the ``questionnaire`` package beside it.

    streamlit run app.py
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

import advisor
from advisor.core.errors import AdvisorError
from advisor.core.profile import WorkloadProfile, parse_profile
from advisor.core.rules import RuleSet
from advisor.views.markdown import slug
from questionnaire.form import questions
from questionnaire.scenarios import Scenario, read_scenarios
from questionnaire.session import init_session, on_scenario, on_upload, reset_weights, weights_from_state
from questionnaire.state import answers_from_state, answers_yaml, md
from questionnaire.views import results

ROOT = Path(__file__).resolve().parent
EXAMPLES_DIR = ROOT / "examples"

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


# -- the sidebar: scenarios, files, priorities ------------------------------------------------------


def sidebar(
    ruleset: RuleSet, scenarios: dict[str, Scenario], problems: tuple[str, ...], profile: WorkloadProfile | None
) -> None:
    with st.sidebar:
        st.markdown("### Start from")
        st.selectbox(
            "Scenario",
            list(scenarios),
            key="scenario",
            format_func=lambda s: scenarios[s].name,
            placeholder="Your own answers",
            on_change=on_scenario,
            args=(scenarios,),
            help="Worked cases from the source documents. Choosing one replaces every answer.",
        )
        chosen = scenarios.get(st.session_state.get("scenario") or "")
        if chosen and chosen.seed_note:
            st.caption(md(chosen.seed_note))
        for problem in problems:
            st.warning(f"An example could not be loaded: {md(problem)}")

        gen = st.session_state.get("upload_gen", 0)
        st.file_uploader(
            "Open a workload file",
            type=["yaml", "yml"],
            key=f"upload_{gen}",
            max_upload_size=1,
            on_change=on_upload,
            args=(f"upload_{gen}",),
            help="A workload YAML file as `advisor recommend` reads it. It replaces every answer.",
        )
        if error := st.session_state.get("load_error"):
            st.error(f"That file was not loaded: {md(error)}")
        st.download_button(
            "Download answers (YAML)",
            data=(lambda: answers_yaml(profile)) if profile else "",
            file_name=f"{slug(profile.name) if profile else 'workload'}.yaml",
            mime="application/yaml",
            key="download_answers",
            on_click="ignore",
            icon=":material/download:",
            disabled=profile is None,
            width="stretch",
            help="Your answers as a workload file: open it here later, or run `advisor recommend` on it."
            if profile
            else "Fix the answers marked in red first.",
        )

        st.markdown("### Axis priority")
        st.caption("How much each axis counts. The ranking follows; the rule set's defaults come from its authors.")
        for axis in ruleset.header.axes:
            top = max(10.0, float(axis.weight) * 2)
            st.slider(
                md(axis.name),
                min_value=0.0,
                max_value=top,
                step=0.5,
                format="%g",
                key=f"q_w_{axis.id}",
                help=md(axis.question),
            )
        st.button(
            "Reset priorities",
            on_click=reset_weights,
            args=(ruleset,),
            key="reset_weights",
            icon=":material/restart_alt:",
        )


# -- the page ---------------------------------------------------------------------------------------

# Less empty space above the title than Streamlit's default; the record preview's headings
# sized for a panel, not a page.
PAGE_STYLE = """<style>
[data-testid='stMainBlockContainer'] { padding-top: 2.5rem; }
.st-key-adr_preview h1 { font-size: 1.6rem; }
.st-key-adr_preview h2 { font-size: 1.25rem; }
.st-key-adr_preview h3 { font-size: 1.05rem; }
</style>"""


def main() -> None:
    st.set_page_config(page_title="Execution-mode advisor", page_icon=":material/alt_route:", layout="wide")
    st.html(PAGE_STYLE)
    try:
        ruleset = load_ruleset()
    except AdvisorError as exc:
        st.error(f"The rule set could not be loaded: {md(str(exc))}")
        st.stop()
    scenarios, problems = load_scenarios()
    catalogue = load_catalogue()
    init_session(scenarios, ruleset)

    profile: WorkloadProfile | None = None
    error: AdvisorError | None = None
    try:
        profile = parse_profile(answers_from_state(st.session_state), source="")
    except AdvisorError as exc:
        error = exc
    weights = weights_from_state(ruleset)
    sidebar(ruleset, scenarios, problems, profile)

    st.markdown("## Execution-mode advisor")
    st.caption(
        "Should this LLM feature call its model synchronously, stream, run as an async job or go through a "
        "batch API? Answer for one feature; the recommendation, the money and the reasons follow every answer."
    )
    left, right = st.columns([5, 7], gap="large")
    with left:
        questions(ruleset, catalogue)
    with right:
        results(profile, error, ruleset, weights)


if __name__ == "__main__":
    main()
