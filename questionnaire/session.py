"""What one browser session owns in ``st.session_state``, and the callbacks that change it."""

from __future__ import annotations

from typing import Any

import streamlit as st

from advisor.core.errors import AdvisorError
from advisor.core.profile import WorkloadProfile, parse_profile
from advisor.core.rules import RuleSet
from questionnaire.scenarios import DEFAULT_SCENARIO, Scenario
from questionnaire.state import profile_to_state, read_upload, upload_problems

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
        st.session_state.pop("load_errors", None)
        st.session_state.pop("undo_answers", None)
        st.toast(f"Loaded the scenario: {scenarios[stem].name}")


def on_upload(key: str) -> None:
    upload = st.session_state.get(key)
    if upload is None:
        return
    try:
        profile = read_upload(upload.name, upload.getvalue())
    except AdvisorError:
        # Every problem, not just the first: the file is fixed in one go.
        st.session_state["load_errors"] = [str(e) for e in upload_problems(upload.name, upload.getvalue())]
        return
    apply_profile(profile)
    st.session_state.pop("load_errors", None)
    st.session_state.pop("undo_answers", None)
    st.session_state["scenario"] = None
    st.session_state["upload_gen"] = st.session_state.get("upload_gen", 0) + 1
    st.toast(f"Loaded {upload.name}")


def on_provider(catalogue: dict[str, tuple[str, ...]]) -> None:
    """A model the new provider does not list is cleared rather than silently kept; the
    tiers go back to the new provider's defaults."""
    models = catalogue.get(st.session_state.get("q_provider") or "")
    if models is not None and st.session_state.get("q_model") not in models:
        st.session_state["q_model"] = None
    st.session_state["q_tier"] = ""
    st.session_state["q_service_tier"] = "standard"


def try_change(profile: WorkloadProfile, changes: dict[str, Any], label: str) -> None:
    """"Try it": the answers with one change applied (None: back to the catalogue's figure);
    the answers before it are kept for "Undo"."""
    data = profile.model_dump(mode="json")
    data.update(changes)
    try:
        changed = parse_profile(data)
    except AdvisorError as exc:  # the engine found it valid; a rule set of one's own might not
        st.toast(f"That change could not be applied: {exc}", icon=":material/error:")
        return
    apply_profile(changed)
    scenario = st.session_state.get("scenario")
    st.session_state["undo_answers"] = {"profile": profile, "label": label, "scenario": scenario}
    st.session_state["scenario"] = None  # the answers are no longer the scenario's


def undo_change() -> None:
    undo = st.session_state.pop("undo_answers", None)
    if undo is not None:
        apply_profile(undo["profile"])
        st.session_state["scenario"] = undo["scenario"]


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
