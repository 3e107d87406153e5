"""Starting a workload: `advisor init` writes a commented starter that recommend accepts,
`advisor schema` prints the JSON Schema editors check a workload file with."""

from __future__ import annotations

import json

import jsonschema  # Altair's, which the app installs
import pytest

import advisor
from advisor.core.profile import STARTER_FILE, WorkloadProfile, workload_schema
from advisor.core.yamlio import parse_yaml, read_yaml_file

from .conftest import EXAMPLES, ROOT, run_cli

SCHEMA = workload_schema()
WORKLOADS = sorted(EXAMPLES.rglob("*.yaml"))
WORKLOADS = [p for p in WORKLOADS if p.parent.name != "rules-cost-first"]


def test_schema_prints_the_profile_models_schema(capsys):
    code, out, err = run_cli(capsys, "schema")
    assert code == 0 and err == ""
    printed = json.loads(out)
    assert printed == SCHEMA
    assert printed["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert set(printed["properties"]) == set(WorkloadProfile.model_fields)
    assert printed["additionalProperties"] is False
    assert all(spec.get("description") for spec in printed["properties"].values())
    jsonschema.Draft7Validator.check_schema(printed)
    assert advisor.workload_schema() == printed


@pytest.mark.parametrize("path", [*WORKLOADS, STARTER_FILE], ids=lambda p: p.name)
def test_every_example_and_the_starter_satisfy_the_schema(path):
    jsonschema.validate(read_yaml_file(path), SCHEMA)


@pytest.mark.parametrize(
    "change",
    [{"interaction": "chatbot"}, {"latency_budget": 3}, {"input_tokens": -1}, {"latency_budget_s": 0},
     {"rate_limits": {"rpm": 0.5, "tpm": 10}}, {"name": ""}],
)
def test_the_schema_refuses_what_the_profile_refuses(change):
    data = {**read_yaml_file(EXAMPLES / "chatbot.yaml"), **change}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA)
    with pytest.raises(advisor.InputError):
        advisor.parse_profile(data)


def test_the_starter_is_valid_commented_and_documents_the_limits():
    text = advisor.starter_workload()
    profile = advisor.parse_profile(parse_yaml(text, "starter"))
    assert profile.model == "gpt-5.4"
    assert "# yaml-language-server: $schema=workload.schema.json" in text
    assert "At most 1 MB" in text and "aliases" in text
    # Every field of the profile is named in the starter, set or commented out.
    for field in WorkloadProfile.model_fields:
        if field not in ("costs", "attempts_per_layer", "retry_layers"):
            assert field in text, field
    assert advisor.assess(profile).recommendation in advisor.MODES


def test_the_readme_shows_the_modeline_and_how_to_start():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "# yaml-language-server: $schema=workload.schema.json" in readme
    assert "advisor init my-feature.yaml" in readme and "advisor schema > workload.schema.json" in readme
    assert "at most 1 MB" in readme and "no YAML aliases" in readme
