"""What one browser session owns in ``st.session_state``, and the callbacks that change it."""

from __future__ import annotations

import streamlit as st

from advisor.core.errors import AdvisorError
from advisor.core.profile import WorkloadProfile, parse_profile
from advisor.core.rules import RuleSet
from questionnaire.scenarios import DEFAULT_SCENARIO, Scenario
from questionnaire.state import profile_to_state, read_upload

# Widgets of the results tabs are not drawn while their tab is closed; their keys are
# re-assigned every run so Streamlit keeps the choice.
TAB_WIDGET_KEYS = ("map_x", "map_y", "map_n", "adr_template", "adr_status", "adr_date", "adr_view")


def apply_profile(profile: WorkloadProfile) -> None:
    for key, value in profile_to_state(profile).items():
        st.session_state[key] = value


def on_scenario(scenarios: dict[str, Scenario]) -> None:
    stem = st.session_state.get("scenario")
    if stem in scenarios:
        apply_profile(scenarios[stem].profile)
        st.session_state.pop("load_error", None)
        st.toast(f"Loaded the scenario: {scenarios[stem].name}")


def on_upload(key: str) -> None:
    upload = st.session_state.get(key)
    if upload is None:
        return
    try:
        profile = read_upload(upload.name, upload.getvalue())
    except AdvisorError as exc:
        st.session_state["load_error"] = str(exc)
        return
    apply_profile(profile)
    st.session_state.pop("load_error", None)
    st.session_state["scenario"] = None
    st.session_state["upload_gen"] = st.session_state.get("upload_gen", 0) + 1
    st.toast(f"Loaded {upload.name}")


def on_provider(catalogue: dict[str, tuple[str, ...]]) -> None:
    """A model the new provider does not list is cleared rather than silently kept."""
    models = catalogue.get(st.session_state.get("q_provider") or "")
    if models is not None and st.session_state.get("q_model") not in models:
        st.session_state["q_model"] = None


def reset_weights(ruleset: RuleSet) -> None:
    for axis in ruleset.header.axes:
        st.session_state[f"q_w_{axis.id}"] = float(axis.weight)


def init_session(scenarios: dict[str, Scenario], ruleset: RuleSet) -> None:
    if "q_name" not in st.session_state:
        if DEFAULT_SCENARIO in scenarios:
            apply_profile(scenarios[DEFAULT_SCENARIO].profile)
            st.session_state["scenario"] = DEFAULT_SCENARIO
        else:  # an install without examples still opens on a valid workload
            apply_profile(_fallback_profile())
            st.session_state["scenario"] = None
    for axis in ruleset.header.axes:
        st.session_state.setdefault(f"q_w_{axis.id}", float(axis.weight))
    for key in TAB_WIDGET_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def _fallback_profile() -> WorkloadProfile:
    return parse_profile(
        {
            "name": "New feature",
            "interaction": "request_response",
            "latency_budget_s": 5,
            "input_tokens": 1000,
            "output_tokens": 200,
            "requests_per_month": 10_000,
            "model": "gpt-4o-mini",
        }
    )


def weights_from_state(ruleset: RuleSet) -> dict[str, float]:
    return {axis.id: float(st.session_state[f"q_w_{axis.id}"]) for axis in ruleset.header.axes}
