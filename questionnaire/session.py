"""What one browser session owns in ``st.session_state``, and the callbacks that change it."""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from advisor.core.errors import AdvisorError
from advisor.core.profile import WorkloadProfile, parse_profile, starter_workload
from advisor.core.rules import RuleSet
from advisor.core.steps import with_changes
from advisor.core.yamlio import parse_yaml
from advisor.views.formatting import count, seconds
from questionnaire.scenarios import DEFAULT_SCENARIO, Scenario
from questionnaire.state import (
    STEPS_GENERATION,
    STEPS_ROWS,
    answers_from_state,
    md,
    profile_to_state,
    read_upload,
    step_rows,
    steps_editor_key,
    upload_problems,
)
from questionnaire.steps import apply_edits, replaced_measurements, shorthand_rows
from questionnaire.vocabulary import NOT_BUILT

# Widgets of the results tabs are not drawn while their tab is closed; their keys are
# re-assigned every run so Streamlit keeps the choice.
TAB_WIDGET_KEYS = (
    "map_x", "map_y", "map_n", "adr_template", "adr_status", "adr_date", "adr_view",
    "adr_decision_makers", "adr_consulted", "adr_informed",
)
# The single-call answers are not drawn while the calls are described as steps: kept the
# same way, for the switch back.
SINGLE_CALL_KEYS = (
    "q_chained_calls", "q_tool_latency_s", "q_input_tokens", "q_output_tokens", "q_reasoning_tokens",
    "q_cached_input_fraction", "q_model_p50_s", "q_model_p95_s", "q_ttft_s", "q_output_tokens_per_s",
)
# The worked example the answers started from (its stem), until the feature is renamed.
ORIGIN = "origin_example"
# The example's own words cleared when the feature was renamed: {"example": name, "was": {key: value}}.
EXAMPLE_CLEARED = "example_cleared"
# What an answer cleared of the example's words holds instead.
CLEARED = {"q_description": "", "q_current_mode": NOT_BUILT}
OWN_FEATURE_NAME = "New feature"


def apply_profile(profile: WorkloadProfile) -> None:
    for key, value in profile_to_state(profile).items():
        st.session_state[key] = value
    _new_step_editor()


def _new_step_editor() -> None:
    """The step editor starts afresh on the rows just loaded (its edits were of the old ones)."""
    st.session_state[STEPS_GENERATION] = st.session_state.get(STEPS_GENERATION, 0) + 1


# What the step editor last set aside: (the editor's generation it is about, the note in words).
STEPS_NOTE = "q_steps_note"
_TIMES_IN_WORDS = {
    "model_p50_s": "median {}", "model_p95_s": "p95 {}", "ttft_s": "first token {}",
    "output_tokens_per_s": "{} tokens/s",
}


def set_aside_replaced_times(catalogue: dict[str, tuple[str, ...]]) -> None:
    """Before the answers are read. A step given another model in the grid keeps no call times
    measured on the model it replaced (a trace's): the new model would be timed at them, and
    the verdict would say its p95 was measured. They are cleared, as a model lever clears them
    (advisor.core.levers), the editor starts afresh on the rows, and a note under it says what
    was set aside, so a person can type them back."""
    state = st.session_state
    rows = state.get(STEPS_ROWS) or []
    edits = state.get(steps_editor_key(state))
    edited = {int(k): dict(v) for k, v in (edits or {}).get("edited_rows", {}).items()}
    notes = []
    for index, kept in replaced_measurements(rows, edits).items():
        row, changes = rows[index], edited[index]
        was = row.get("model") or state.get("q_model")
        now = changes.get("model", row.get("model")) or state.get("q_model")
        provider = changes.get("provider", row.get("provider")) or state.get("q_provider")
        if now not in catalogue.get(str(provider), ()):
            continue  # a model mistyped is marked as such; its fix may be the model measured
        edited[index] = changes | dict.fromkeys(kept)
        times = ", ".join(
            _TIMES_IN_WORDS[f].format(count(v) if f == "output_tokens_per_s" else seconds(v)) for f, v in kept.items()
        )
        notes.append(
            f"Step “{md(str(changes.get('name', row.get('name'))))}” now calls {md(str(now))}: the times measured on "
            f"{md(str(was))} ({times}) are set aside, and it is timed at {md(str(now))}'s own speed until you give "
            "its measured times in the step's columns."
        )
    if not notes:
        return
    state[STEPS_ROWS] = apply_edits(rows, {**(edits or {}), "edited_rows": edited})
    _new_step_editor()
    state[STEPS_NOTE] = (state[STEPS_GENERATION], " ".join(notes))


def on_model(catalogue: dict[str, tuple[str, ...]]) -> None:
    """Another model picked for the single call: the call times measured on the one it
    replaces are set aside, as in the step editor (``set_aside_replaced_times``)."""
    state = st.session_state
    before = state.get("last_good")
    was, now = (before.profile.model if before else None), state.get("q_model")
    kept: dict[str, Any] = {f: state.get(f"q_{f}") for f in _TIMES_IN_WORDS if state.get(f"q_{f}") is not None}
    known = now in catalogue.get(str(state.get("q_provider")), ())  # a mistyped model is marked as such
    if not was or not known or was == now or not kept or state.get("q_use_steps"):
        return
    for field in kept:
        state[f"q_{field}"] = None
    times = ", ".join(
        _TIMES_IN_WORDS[f].format(count(v) if f == "output_tokens_per_s" else seconds(v)) for f, v in kept.items()
    )
    st.toast(f"The times measured on {md(str(was))} ({times}) are set aside: {md(str(now))} is timed at its own "
             "speed until you give its measured times under *Measured model speed*.")


def on_use_steps() -> None:
    """Switched to steps with none yet: the single call becomes the first step (the same
    request, so the verdict does not move until a step is changed). Switched back: the steps
    as edited are kept for the next switch (a data editor not drawn forgets its edits)."""
    rows = step_rows(st.session_state)
    if st.session_state.get("q_use_steps") and not rows:
        rows = shorthand_rows(st.session_state)
    st.session_state[STEPS_ROWS] = rows
    _new_step_editor()


def on_scenario(scenarios: dict[str, Scenario]) -> None:
    stem = st.session_state.get("scenario")
    if stem in scenarios:
        apply_profile(scenarios[stem].profile)
        st.session_state.pop("load_errors", None)
        st.session_state.pop("undo_answers", None)
        st.session_state.pop(EXAMPLE_CLEARED, None)
        st.session_state[ORIGIN] = stem
        st.toast(f"Loaded the scenario: {md(scenarios[stem].name)}")


def own_feature_profile() -> WorkloadProfile:
    """A feature of one's own, to start from: the starter workload ``advisor init`` writes (its
    figures are a typical click-and-wait feature's), under no example's name or description, and
    not built yet."""
    data = parse_yaml(starter_workload(), "the starter workload")
    data.pop("current_mode", None)
    return parse_profile({**data, "name": OWN_FEATURE_NAME, "description": ""})


def on_own_feature() -> None:
    """"Your own feature": every answer starts again from the starter workload; the answers
    before it are kept for "Undo" (the last ones that gave a verdict)."""
    state = st.session_state
    before = state.get("last_good")
    if before is not None:
        state["undo_answers"] = {
            "profile": before.profile, "label": f"Your own feature (was {before.profile.name})",
            "scenario": state.get("scenario"), "origin": state.get(ORIGIN),
        }
    else:
        state.pop("undo_answers", None)
    apply_profile(own_feature_profile())
    for key in ("load_errors", EXAMPLE_CLEARED, ORIGIN):
        state.pop(key, None)
    state["scenario"] = None
    st.toast("Started your own feature: name it and describe it under *The feature*, then answer for it.")


def follow_example(scenarios: dict[str, Scenario]) -> None:
    """Before the answers are read. The picker names an example only while the answers are
    still its own. A feature renamed away from the example it started from is another feature:
    the example's description and how it runs today, where they are still the example's, are
    cleared (a note says so and can put them back), not carried into the new feature's record."""
    state = st.session_state
    picked = scenarios.get(state.get("scenario") or "")
    if picked is not None and _answers() != picked.profile:
        state["scenario"] = None
    origin = scenarios.get(state.get(ORIGIN) or "")
    if origin is None or str(state.get("q_name") or "").strip() == origin.profile.name.strip():
        return
    state.pop(ORIGIN, None)
    example = profile_to_state(origin.profile)
    was = {key: example[key] for key, blank in CLEARED.items() if state.get(key) == example[key] != blank}
    for key in was:
        state[key] = CLEARED[key]
    if was:
        state[EXAMPLE_CLEARED] = {"example": origin.name, "was": was}


def example_cleared() -> dict[str, Any] | None:
    """The example's words cleared at a rename, while an answer they were cleared from is still blank."""
    cleared: dict[str, Any] | None = st.session_state.get(EXAMPLE_CLEARED)
    if cleared and any(st.session_state.get(key) == CLEARED[key] for key in cleared["was"]):
        return cleared
    st.session_state.pop(EXAMPLE_CLEARED, None)
    return None


def put_example_back() -> None:
    """The note's "Put them back": the cleared answers that are still blank get the example's words again."""
    cleared = st.session_state.pop(EXAMPLE_CLEARED, None)
    for key, value in (cleared or {}).get("was", {}).items():
        if st.session_state.get(key) == CLEARED[key]:
            st.session_state[key] = value


def _answers() -> WorkloadProfile | None:
    try:
        return parse_profile(answers_from_state(st.session_state), source="")
    except AdvisorError:
        return None


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
    # The file's words are its writer's; and the last good verdict was of the answers the file
    # replaced: shown "stale" while a file's answer is wrong, it passed for the file's verdict.
    for key in ("load_errors", "undo_answers", EXAMPLE_CLEARED, ORIGIN, "last_good"):
        st.session_state.pop(key, None)
    st.session_state["scenario"] = None
    st.session_state["upload_gen"] = st.session_state.get("upload_gen", 0) + 1
    st.toast(f"Loaded {md(upload.name)}")  # the name is the user's text


def on_provider(catalogue: dict[str, tuple[str, ...]], ruleset: RuleSet) -> None:
    """A provider typed by another name of the same service ("gemini", "bedrock", "Anthropic")
    becomes the id the provider catalogue lists it under (its aliases): the model list is
    under the id, and the assessment reads the alias as the id too, so the picker would
    otherwise offer no models. A model the new provider does not list is cleared rather than
    silently kept; the tiers go back to the new provider's defaults."""
    typed = str(st.session_state.get("q_provider") or "").strip()
    known = ruleset.catalogue.provider_key(typed) if typed else None
    if known is not None and known != typed and known in catalogue:
        st.session_state["q_provider"] = known
        st.toast(f"Provider \u201c{md(typed)}\u201d is listed as {md(known)}: its models, rate limits and "
                 "speeds are listed there.")
    models = catalogue.get(st.session_state.get("q_provider") or "")
    if models is not None and st.session_state.get("q_model") not in models:
        st.session_state["q_model"] = None
    st.session_state["q_tier"] = ""
    st.session_state["q_service_tier"] = "standard"


def try_change(profile: WorkloadProfile, changes: dict[str, Any], label: str) -> None:
    """"Try it": the answers with one change applied (None: back to the catalogue's figure);
    the answers before it are kept for "Undo"."""
    try:  # a step's field is named steps.<name>.<field>
        changed = parse_profile(with_changes(profile, changes).model_dump(mode="json"))
    except AdvisorError as exc:  # the engine found it valid; a rule set of one's own might not
        st.toast(f"That change could not be applied: {md(str(exc))}", icon=":material/error:")
        return
    apply_profile(changed)
    scenario = st.session_state.get("scenario")
    st.session_state["undo_answers"] = {
        "profile": profile, "label": undo_label(label), "scenario": scenario, "origin": st.session_state.get(ORIGIN),
    }
    st.session_state["scenario"] = None  # the answers are no longer the scenario's


def undo_label(label: str) -> str:
    """A change tried, said once it is applied: its label gave the answer before it as
    "(now ...)", which is what the answer was ("Who waits for the answer: Chat (was Click and
    wait)"). A step's name, in quotes, is the user's text and stays as typed."""
    return re.sub(r"\u201c[^\u201d]*\u201d|\(now ", lambda m: "(was " if m.group(0) == "(now " else m.group(0), label)


def undo_change() -> None:
    undo = st.session_state.pop("undo_answers", None)
    if undo is not None:
        apply_profile(undo["profile"])
        st.session_state["scenario"] = undo["scenario"]
        st.session_state[ORIGIN] = undo.get("origin")
        st.session_state.pop(EXAMPLE_CLEARED, None)


def reset_weights(ruleset: RuleSet) -> None:
    for axis in ruleset.header.axes:
        st.session_state[f"q_w_{axis.id}"] = float(axis.weight)


def init_session(scenarios: dict[str, Scenario], ruleset: RuleSet) -> None:
    if "q_name" not in st.session_state:
        if DEFAULT_SCENARIO in scenarios:
            apply_profile(scenarios[DEFAULT_SCENARIO].profile)
            st.session_state["scenario"] = st.session_state[ORIGIN] = DEFAULT_SCENARIO
        else:  # an install without examples opens on a feature of one's own
            apply_profile(own_feature_profile())
            st.session_state["scenario"] = None
    for axis in ruleset.header.axes:
        st.session_state.setdefault(f"q_w_{axis.id}", float(axis.weight))
    for key in (*TAB_WIDGET_KEYS, *SINGLE_CALL_KEYS):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def weights_from_state(ruleset: RuleSet) -> dict[str, float]:
    return {axis.id: float(st.session_state[f"q_w_{axis.id}"]) for axis in ruleset.header.axes}
