"""The shipped rule set parsed ahead (advisor/core/preparsed.jsonl): current, used only for the
exact bytes it was made from, and never a second source of the policy."""

from __future__ import annotations

import datetime
import hashlib
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import advisor
from advisor.core import preparsed
from advisor.core.preparsed import PREPARSED_FILE, decode, encode, read_rule_file, render
from advisor.core.rules import default_rules_dir, load_rules
from advisor.core.yamlio import parse_yaml

from .conftest import EXAMPLES, PRICE_DATE

SHIPPED_FILES = sorted(default_rules_dir().glob("*.yaml"))


def identical(a, b) -> bool:
    return preparsed._identical(a, b)


@pytest.fixture
def fresh_copy(monkeypatch):
    """Forget the copy read so far, so that a test's own PREPARSED_FILE is read."""
    monkeypatch.setattr(preparsed, "_lines", None)


def test_the_preparsed_copy_matches_the_shipped_yaml():
    assert PREPARSED_FILE.read_text(encoding="utf-8") == render(), (
        "advisor/core/preparsed.jsonl is out of date with rules/: run `make preparsed`"
    )


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.name)
def test_a_shipped_file_is_read_from_the_copy_as_its_yaml_reads(path, monkeypatch):
    expected = parse_yaml(path.read_text(encoding="utf-8"), str(path))

    def not_parsed(text, source):
        raise AssertionError(f"{source} was parsed from YAML")

    monkeypatch.setattr(preparsed, "parse_yaml", not_parsed)
    assert identical(read_rule_file(path), expected)


def test_each_read_is_a_new_copy():
    path = default_rules_dir() / "latency.yaml"
    first = read_rule_file(path)
    first["rules"].clear()
    assert read_rule_file(path)["rules"]


def test_an_edited_copy_of_the_shipped_rules_decides_by_its_edit(tmp_path):
    # A team copies the shipped rule set and raises one threshold: the edited file is parsed
    # from its YAML, the untouched ones may come from the copy, and the edit decides.
    folder = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), folder)
    latency = folder / "latency.yaml"
    text = latency.read_text(encoding="utf-8")
    shipped = "- {fact: end_to_end_p95_s, op: gt, value: 5}"
    assert text.index(shipped) < text.index("- id: latency-sync-misses-budget")  # the first rule's
    latency.write_text(text.replace(shipped, "- {fact: end_to_end_p95_s, op: gt, value: 30}", 1), encoding="utf-8")

    def condition(ruleset):
        (rule,) = [r for r in ruleset.rules if r.id == "latency-sync-over-5s"]
        return rule.spec.when["all"][1]["value"]

    assert condition(load_rules()) == 5
    assert condition(load_rules(folder)) == 30
    profile = advisor.load_profile(EXAMPLES / "support-reply-draft.yaml")
    slow = profile.model_copy(update={"model_p95_s": 12.0, "latency_budget_s": 60.0})

    def fired(*rules):
        return {rule.id for rule in advisor.assess(slow, *rules, price_date=PRICE_DATE).fired_rules}

    assert "latency-sync-over-5s" in fired()
    assert "latency-sync-over-5s" not in fired(folder)


@pytest.mark.parametrize("content", ["", "not a line of the copy\n", "0" * 64 + " ruleset.yaml {broken\n"])
def test_without_a_usable_copy_the_rule_set_is_the_same(tmp_path, monkeypatch, fresh_copy, content):
    folder = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), folder)
    with_copy = load_rules(folder)
    other = tmp_path / "other"
    shutil.copytree(default_rules_dir(), other)
    missing_or_bad = tmp_path / "preparsed.jsonl"
    if content:
        missing_or_bad.write_text(content, encoding="utf-8")
    monkeypatch.setattr(preparsed, "PREPARSED_FILE", missing_or_bad)
    if content.startswith("0" * 64):  # a damaged line, for the bytes of a file read
        digest = hashlib.sha256((other / "ruleset.yaml").read_bytes()).hexdigest()
        missing_or_bad.write_text(content.replace("0" * 64, digest), encoding="utf-8")
    without = load_rules(other)
    assert without.content_hash == with_copy.content_hash
    assert [rule.spec for rule in without.rules] == [rule.spec for rule in with_copy.rules]
    assert without.catalogue_layers[0][0] == with_copy.catalogue_layers[0][0]


yaml_plain = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text() | st.dates(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=30,
)


@given(yaml_plain)
def test_data_comes_back_from_the_copy_exactly_or_is_refused(data):
    try:
        text = encode(data)
    except ValueError:
        return  # left out of the copy: such a file is parsed from its YAML
    assert "\n" not in text  # one line per file
    assert identical(decode(text), data)


@pytest.mark.parametrize("data", [
    {"$date": "2026-11-20"},  # text that would come back as a date
    {"when": [{"$date": "2026-11-20"}]},
    float("nan"),
    datetime.datetime(2026, 11, 20, 12, 0),  # a timestamp with a time has no form here
    {"a": (1, 2)},
])
def test_data_the_copy_cannot_hold_is_refused(data):
    with pytest.raises(ValueError):
        encode(data)


def test_a_folder_of_rules_no_copy_can_hold_is_rendered_without_it(tmp_path):
    (tmp_path / "a.yaml").write_text("when: {$date: '2026-11-20'}\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("when: 2026-11-20\n", encoding="utf-8")
    lines = render(tmp_path).splitlines()
    assert [line.split(" ")[1] for line in lines] == ["b.yaml"]
    assert lines[0].endswith(' {"when":{"$date":"2026-11-20"}}')


def test_the_copy_is_package_data_beside_its_module():
    assert Path(preparsed.__file__).with_name("preparsed.jsonl") == PREPARSED_FILE
    assert PREPARSED_FILE.is_file()
