"""The quicker paths of the perf review say exactly what the plain ones said.

- ``Reasons`` (advisor.core.engine) writes each rule's reason once an assessment: the same
  text as ``reason_text``.
- ``_RiskFigures`` (advisor.views.review) works a risk's figures out when a detail names them:
  every figure a review risk may name, and nothing else.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

import advisor
from advisor.core.engine import Reasons, reason_text
from advisor.core.policy import REVIEW_RISK_FIGURES
from advisor.core.situation import situate
from advisor.views.review import _RiskFigures


def _situations() -> list[Any]:
    rules = advisor.load_rules()
    profiles = [advisor.load_profile(f"examples/{name}.yaml") for name in (
        "chatbot", "code-completion", "voice-assistant", "gray-zone-30s", "nightly-ticket-triage",
        "support-agent-tools", "claims-triage-compliance",
    )]
    return [situate(profile, rules, "2026-11-01") for profile in profiles]


def test_reasons_are_the_reason_texts() -> None:
    rules = advisor.load_rules()
    lines = rules.thresholds("latency_budget_s")
    for situation in _situations():
        reasons = Reasons(situation.facts, lines)
        for rule in rules.rules:
            first = reasons(rule)
            assert first == reason_text(rule, situation.facts, lines)
            assert reasons(rule) is first  # written once


def test_risk_figures_name_every_figure_and_only_those() -> None:
    rules = advisor.load_rules()
    lines = rules.thresholds("latency_budget_s")
    for situation in _situations():
        said = _RiskFigures(
            situation.capacity, situation.latency, situation.profile.current_mode, situation.facts,
            datetime.date(2026, 11, 1), lines,
        )
        for name in REVIEW_RISK_FIGURES:
            assert isinstance(said[name], str)
        assert set(said) == REVIEW_RISK_FIGURES
        with pytest.raises(KeyError):
            said["no such figure"]
