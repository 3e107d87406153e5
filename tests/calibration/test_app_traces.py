"""The questionnaire's trace upload: the same reading and calibration as `advisor calibrate`,
the measured answers filled in, the person's other answers kept, the verdict marked measured."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

import advisor
from advisor.core.calibration import calibrate
from advisor.views.workload_file import calibrated_workload
from questionnaire.state import answers_from_state
from questionnaire.trace_upload import with_evidence
from tests.conftest import ROOT
from tests.test_app import ok, texts, upload

pytestmark = pytest.mark.slow

EXPORT = ROOT / "examples" / "traces" / "rag-chat.jsonl.gz"


def session_profile(test: AppTest) -> advisor.WorkloadProfile:
    """The workload the app assesses: the answers, and the evidence while they stand."""
    return advisor.parse_profile(with_evidence(answers_from_state(test.session_state), test.session_state))


def upload_traces(at: AppTest, name: str, content: bytes) -> AppTest:
    (uploader,) = [u for u in at.file_uploader if u.label.startswith("OpenTelemetry traces")]
    uploader.set_value((name, content, "application/gzip"))
    return at.run()


def test_a_trace_export_fills_the_measured_answers(at: AppTest) -> None:
    before = session_profile(at)
    upload_traces(at, "rag-chat.jsonl.gz", EXPORT.read_bytes())
    ok(at)
    profile = session_profile(at)
    measured = calibrate([EXPORT]).workload
    assert [s.name for s in profile.steps or []] == [s["name"] for s in measured["steps"]]
    assert profile.requests_per_month == measured["requests_per_month"]
    assert profile.peak_requests_per_minute == measured["peak_requests_per_minute"]
    # The answers traces can't give are the person's, as they were.
    assert (profile.interaction, profile.latency_budget_s, profile.downstream) == (
        before.interaction, before.latency_budget_s, before.downstream,
    )
    assert profile.evidence is not None and profile.evidence.traces == 353
    assert "were measured from 353 OpenTelemetry traces between 2025-03-04T10:00:03Z" in texts(at)


def test_a_measured_answer_changed_by_hand_is_no_longer_called_measured(at: AppTest) -> None:
    upload_traces(at, "rag-chat.jsonl.gz", EXPORT.read_bytes())
    # (measured: 508,408 a month, a peak of 49 a minute, which an hour's peak of 2,940 must fit in)
    at.number_input(key="q_requests_per_month").set_value(100_000).run()
    ok(at)
    assert session_profile(at).evidence is None
    assert "OpenTelemetry traces" not in texts(at)


def test_a_bad_export_is_one_message_and_the_answers_stay(at: AppTest, tmp_path: Path) -> None:
    before = session_profile(at)
    upload_traces(at, "metrics.json", b'{"resourceMetrics": []}')
    assert not at.exception
    (error,) = at.error
    assert "metrics.json: line 1: is an OTLP metrics export, not traces" in error.value.replace("\\", "")
    assert session_profile(at) == before


def test_a_calibrated_workload_file_is_measured_until_a_measured_answer_changes(at: AppTest) -> None:
    base = yaml.safe_load((ROOT / "examples" / "rag-chat-rewrite.yaml").read_text(encoding="utf-8"))
    text = calibrated_workload(calibrate([EXPORT], root="rag.chat"), base)
    upload(at, "measured.yaml", text.encode("utf-8"))
    ok(at)
    evidence = session_profile(at).evidence
    assert evidence is not None and (evidence.traces, evidence.root) == (353, "rag.chat")
    assert "were measured from 353 OpenTelemetry traces whose root span is 'rag.chat'" in texts(at)
    at.number_input(key="q_requests_per_month").set_value(100_000).run()  # a month that holds the peak hour
    assert session_profile(at).evidence is None
