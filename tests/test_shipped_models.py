"""What the product ships never names a model its provider has announced it will shut down:
the examples (the built-in default among them), `advisor init`'s starter, the questionnaire's
fallback, the rule sets' examples, and every file a documented command reads or a documented
YAML block shows. The suite pins today, so a shutdown recorded in the catalogue would
otherwise first show in a user's terminal, as a refusal, on the day it happens."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor import calibrate, calibrated_workload, load_rules, parse_profile
from advisor.core.rules_check import example_profile
from advisor.core.steps import work_steps
from questionnaire.scenarios import DEFAULT_SCENARIO

from .conftest import EXAMPLES, ROOT
from .test_cli_help import shown_runs

RULES = load_rules()
CATALOGUE = RULES.catalogue
STARTER = ROOT / "advisor" / "core" / "starter.yaml"
RULE_SETS = (None, EXAMPLES / "rules-cost-first")
DOCS = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))
# `model: gpt-5.4` in YAML (a step's too, or in a flow mapping: a rule's examples) or
# `"model": "gpt-5.4"` in Python.
MODEL_IN_BLOCK = re.compile(
    r'^\s*(?:-\s*)?model:\s*([\w.:@/-]+)|"model":\s*"([^"]+)"|[{,]\s*model:\s*([\w.:@/-]+)', re.MULTILINE)


def _retiring(provider: str, model: str) -> str | None:
    """'openai/gpt-4o-mini shuts down on 2027-01-14' for a model with an announced shutdown."""
    entry = CATALOGUE.resolve(provider, model).model
    if entry is None or entry.shutdown is None:
        return None
    return f"{provider}/{model} shuts down on {entry.shutdown.date}"


def _calls(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    profile = parse_profile(data)
    for step in work_steps(profile):
        yield step.provider, step.model


def _workload(path: Path) -> dict[str, Any] | None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) and "interaction" in data else None


def shipped_workloads() -> list[Path]:
    return sorted(p for p in EXAMPLES.rglob("*.yaml") if _workload(p) is not None)


@pytest.mark.parametrize("path", shipped_workloads(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_shipped_example_uses_a_model_being_shut_down(path):
    data = _workload(path)
    assert data is not None
    found = [r for provider, model in _calls(data) if (r := _retiring(provider, model))]
    assert not found, f"{path.relative_to(ROOT)}: {found}"


def test_the_default_example_is_one_of_them_and_uses_a_current_model():
    # The README's first command (make run) and make recommend open it.
    default = EXAMPLES / f"{DEFAULT_SCENARIO}.yaml"
    assert default in shipped_workloads()
    assert "examples/support-reply-draft.yaml" in (ROOT / "Makefile").read_text(encoding="utf-8")
    data = _workload(default)
    assert data is not None and not [r for p, m in _calls(data) if (r := _retiring(p, m))]


def test_the_starter_and_the_questionnaires_fallback_suggest_a_current_model():
    text = STARTER.read_text(encoding="utf-8")
    suggested = re.findall(r"^#?\s*model:\s*([\w.:@/-]+)", text, re.MULTILINE)  # its commented step too
    assert suggested
    assert not [r for model in suggested if (r := _retiring("openai", model))]
    from questionnaire.session import own_feature_profile  # the fallback, and "Your own feature"

    fallback = own_feature_profile()
    assert _retiring(fallback.provider, fallback.model) is None


@pytest.mark.parametrize("folder", RULE_SETS, ids=lambda f: "default" if f is None else f.name)
def test_no_rule_example_uses_a_model_being_shut_down(folder):
    ruleset = load_rules(folder)
    found = []
    for rule in ruleset.rules:
        for overrides in (*rule.spec.examples.fires, *rule.spec.examples.does_not_fire):
            data = example_profile(ruleset, overrides)
            found += [f"{rule.id}: {r}" for p, m in _calls(data) if (r := _retiring(p, m))]
    assert not found


def test_no_documented_command_reads_a_workload_on_a_model_being_shut_down():
    read = set()
    for block in shown_runs():
        command = block.split("\n", 1)[0].removeprefix("$ ")
        read |= {ROOT / word for word in shlex.split(command) if word.endswith((".yaml", ".yml"))}
    assert read, "no documented command reads a workload"
    found = []
    for path in sorted(read):
        data = _workload(path) if path.is_file() else None
        if data is not None:
            found += [f"{path.relative_to(ROOT)}: {r}" for p, m in _calls(data) if (r := _retiring(p, m))]
    assert not found


@pytest.mark.parametrize("trace", sorted((EXAMPLES / "traces").glob("*.jsonl.gz")), ids=lambda p: p.name)
def test_a_shipped_trace_calibrates_to_models_not_being_shut_down(trace):
    # The README calibrates the shipped trace, then recommends and records the workload it writes.
    written = calibrated_workload(calibrate([trace], root="rag.chat"), EXAMPLES / "rag-chat-rewrite.yaml")
    data = yaml.safe_load(written)
    found = [r for p, m in _calls(data) if (r := _retiring(p, m))]
    assert not found


def test_no_documented_workload_or_call_suggests_a_model_being_shut_down():
    # The YAML a reader copies, and the Python API's example.
    found = []
    for page in DOCS:
        for block in re.findall(r"```(?:ya?ml|python)\n(.*?)```", page.read_text(encoding="utf-8"), re.DOTALL):
            for named in MODEL_IN_BLOCK.findall(block):
                # A block may not say its provider on the model's line: any provider's retiring
                # model of that name counts (claude-sonnet-4-5 is Anthropic's, not OpenAI's).
                for provider in CATALOGUE.data.providers:
                    if (r := _retiring(provider, "".join(named))) is not None:
                        found.append(f"{page.relative_to(ROOT)}: {r}")
    assert not found


def test_the_guard_sees_a_shutdown_the_catalogue_records():
    # The examples' models are current today; a model being retired is caught.
    assert _retiring("openai", "gpt-4o-mini") == "openai/gpt-4o-mini shuts down on 2027-01-14"
    assert _retiring("openai", "gpt-5.4") is None
