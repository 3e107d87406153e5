"""A trace export opened in the questionnaire: the measured answers filled in, the others kept.

The same reading and calibration as ``advisor calibrate`` (``parse_export``, ``calibrate_spans``,
``Calibration.into``): the answers traces can't give (who waits, the budget, who consumes the
output) and every other answer stay as the person gave them; the steps, volume, peak and
retry rate are replaced by what the traces measured.

The evidence (how many traces, from when to when) goes with the answers for as long as the
measured answers are the ones measured: change one by hand and the verdict no longer says
it was measured.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, MutableMapping
from typing import Any

import streamlit as st

from advisor.core.calibration import MEASURED_FIELDS, calibrate_spans
from advisor.core.errors import AdvisorError
from advisor.core.genai import KEPT_ATTRIBUTES
from advisor.core.otlp import parse_export
from advisor.core.profile import SHORTHAND_FIELDS, WorkloadProfile, parse_profile
from advisor.views.formatting import measured_sentence
from questionnaire.session import apply_profile
from questionnaire.state import answers_from_state, md

EVIDENCE = "q_evidence"  # (evidence, fingerprint of the measured answers) in st.session_state
UPLOAD_GENERATION = "trace_upload_gen"
# An upload is held in memory whole: a day of one feature's traces, gzipped, fits.
MAX_UPLOAD_MB = 200


def measured_profile(name: str, content: bytes, answers: Mapping[str, Any]) -> WorkloadProfile:
    """The workload ``answers`` describe, with what the trace export ``content`` measured
    in place of their measured fields. Raises an AdvisorError naming the file."""
    spans = parse_export(content, name, attributes=KEPT_ATTRIBUTES)
    calibration = calibrate_spans(spans, sources=[name])
    merged = calibration.into(answers)
    # A measured figure below the profile's bounds (an instant span) is the file's problem.
    return parse_profile(merged, source=name)


def _fingerprint(answers: Mapping[str, Any]) -> str:
    measured = {key: answers.get(key) for key in (*MEASURED_FIELDS, *SHORTHAND_FIELDS) if key != "evidence"}
    return json.dumps(measured, sort_keys=True, default=str)


def with_evidence(answers: Mapping[str, Any], state: MutableMapping[Any, Any]) -> dict[str, Any]:
    """``answers`` with the evidence they came with, while the measured answers are those it
    measured: from a trace upload, or from a workload file that carried it (recorded the
    first time it is seen, when the answers are still the file's)."""
    given = answers.get("evidence")
    kept = state.get(EVIDENCE)
    if given is not None and (kept is None or kept[0] != given):
        kept = state[EVIDENCE] = (given, _fingerprint(answers))
    rest = {key: value for key, value in answers.items() if key != "evidence"}
    if kept is None:
        return rest
    evidence, fingerprint = kept
    return {**rest, "evidence": evidence} if _fingerprint(rest) == fingerprint else rest


def on_trace_upload(key: str) -> None:
    upload = st.session_state.get(key)
    if upload is None:
        return
    try:
        profile = measured_profile(upload.name, upload.getvalue(), answers_from_state(st.session_state))
    except AdvisorError as exc:
        st.session_state["load_errors"] = [str(exc)]
        return
    apply_profile(profile)
    evidence = profile.evidence.model_dump(mode="json") if profile.evidence else None
    st.session_state[EVIDENCE] = (evidence, _fingerprint(answers_from_state(st.session_state)))
    st.session_state.pop("load_errors", None)
    st.session_state.pop("undo_answers", None)
    st.session_state["scenario"] = None
    st.session_state[UPLOAD_GENERATION] = st.session_state.get(UPLOAD_GENERATION, 0) + 1
    st.toast(f"Measured from {md(upload.name)}")


def trace_uploader() -> None:
    """The upload widget: an OTLP/JSON export, gzip or not."""
    gen = st.session_state.get(UPLOAD_GENERATION, 0)
    st.file_uploader(
        "OpenTelemetry traces (OTLP/JSON)",
        type=["json", "jsonl", "gz"],
        key=f"trace_upload_{gen}",
        max_upload_size=MAX_UPLOAD_MB,
        on_change=on_trace_upload,
        args=(f"trace_upload_{gen}",),
        help="A trace export of the feature as the OpenTelemetry Collector's file exporter writes it (one request "
        "per line; gzip or not), its model calls instrumented with the GenAI semantic conventions. It fills in "
        "the steps, tokens, latencies, volume, peak and retry rate it measures, as `advisor calibrate` does, and "
        "keeps your other answers.",
    )


def measured_note(profile: WorkloadProfile | None) -> None:
    """One line under the start row when the answers were measured from traces."""
    if profile is not None and profile.evidence is not None:
        st.caption(md(measured_sentence(profile.evidence)))
