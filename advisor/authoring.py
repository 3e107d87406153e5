"""Rule authoring: run every rule's examples (like semgrep's ruleid:/ok: tests)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from .engine import evaluate_rule
from .errors import AdvisorError
from .profile import parse_profile
from .rules import Rule, RuleSet

# Examples are priced on a fixed date so that a rule's examples never drift with the calendar.
EXAMPLE_PRICE_DATE = datetime.date(2026, 11, 1)


@dataclass(frozen=True)
class ExampleResult:
    rule: str
    file: str
    kind: str  # "fires" or "does_not_fire"
    index: int
    passed: bool
    message: str  # why it failed (empty when it passed)


def example_profile(ruleset: RuleSet, overrides: dict[str, Any]) -> dict[str, Any]:
    """A rule example: the rule set's example_base with the example's fields on top."""
    return {**ruleset.header.example_base, **overrides}


def run_rule_examples(ruleset: RuleSet, rule: Rule) -> list[ExampleResult]:
    from .assessment import situate

    results = []
    for kind, expect in (("fires", True), ("does_not_fire", False)):
        for index, overrides in enumerate(getattr(rule.spec.examples, kind)):
            label = f"examples.{kind}[{index}]"
            try:
                profile = parse_profile(example_profile(ruleset, overrides), source=f"{rule.file}: rule '{rule.id}' {label}")
                facts = situate(profile, EXAMPLE_PRICE_DATE).facts
            except AdvisorError as exc:
                results.append(ExampleResult(rule.id, rule.file, kind, index, False, f"invalid example: {exc}"))
                continue
            outcome = evaluate_rule(rule, facts)
            if outcome.fired == expect:
                results.append(ExampleResult(rule.id, rule.file, kind, index, True, ""))
                continue
            detail = "; ".join(
                f"{fact} {op} {threshold!r}: actual {actual!r} -> {'pass' if passed else 'fail'}"
                for fact, op, actual, threshold, passed in outcome.conditions
            )
            verb = "should fire but did not" if expect else "fired but should not"
            results.append(ExampleResult(rule.id, rule.file, kind, index, False, f"{label} {verb} ({detail})"))
    return results


def run_examples(ruleset: RuleSet) -> list[ExampleResult]:
    """Every example of every rule, in rule-set order."""
    return [result for rule in ruleset.rules for result in run_rule_examples(ruleset, rule)]
