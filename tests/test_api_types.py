"""The Python API refuses arguments of the wrong type or value with advisor's own errors,
naming the parameter and what it takes: never a TypeError or AttributeError from inside,
never a silently wrong result (red team 2, F6 and F7)."""

from __future__ import annotations

import contextlib
import datetime
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import advisor
from advisor import AdvisorError, InputError
from advisor.core.errors import check_paths
from advisor.core.facts import FACTS

from .conftest import EXAMPLES

PRICE_DATE = datetime.date(2026, 11, 1)
TRACES = EXAMPLES / "traces" / "rag-chat.jsonl.gz"


@pytest.fixture(scope="module")
def profile() -> advisor.WorkloadProfile:
    return advisor.load_profile(EXAMPLES / "chatbot.yaml")


@pytest.fixture(scope="module")
def assessment(profile: advisor.WorkloadProfile) -> advisor.Assessment:
    return advisor.assess(profile, price_date=PRICE_DATE, what_if=False)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda a, p, r: advisor.calibrate(123),
         "field 'paths': must be the path of a trace export or a list of them (got int)"),
        (lambda a, p, r: advisor.calibrate([TRACES, 5]),
         "field 'paths': must be the path of a trace export or a list of them (got a list holding a int)"),
        (lambda a, p, r: advisor.calibrate(TRACES, root=5),
         "field 'root': must be the name of the root span, as text (got int)"),
        (lambda a, p, r: advisor.calibrated_workload(None),
         "field 'calibration': must be a Calibration, as advisor.calibrate(...) returns (got NoneType)"),
        (lambda a, p, r: advisor.write_adr(a, 123),
         "field 'directory': must be the path of the decisions folder (got int)"),
        (lambda a, p, r: advisor.review(None),
         "field 'paths': must be the path of a workload file or folder or a list of them (got NoneType)"),
        (lambda a, p, r: advisor.review([123]),
         "field 'paths': must be the path of a workload file or folder or a list of them (got a list holding a int)"),
        (lambda a, p, r: advisor.review([EXAMPLES / "chatbot.yaml"], decisions_dir=5),
         "field 'decisions_dir': must be the path of a decisions folder or a list of them (got int)"),
        (lambda a, p, r: advisor.render_review(None),
         "field 'r': must be a Review, as advisor.review(...) returns (got NoneType)"),
        (lambda a, p, r: advisor.verify(None),
         "field 'paths': must be the path of a decision record or folder or a list of them (got NoneType)"),
        (lambda a, p, r: advisor.what_would_change(p, None, "streaming"),
         "field 'ruleset': must be a RuleSet, as advisor.load_rules() returns (got NoneType)"),
        (lambda a, p, r: advisor.what_would_change(None, r, "streaming"),
         "field 'profile': must be a WorkloadProfile, as advisor.load_profile(...) returns (got NoneType)"),
        # F7: an unknown mode "flipped" to the workload's own recommendation, 25 times.
        (lambda a, p, r: advisor.what_would_change(p, r, "bogus"),
         "field 'current': must be one of sync, streaming, async, batch (got 'bogus')"),
    ],
)
def test_a_wrong_argument_is_an_input_error_naming_the_parameter(call, message, assessment, profile, tmp_path):
    with pytest.raises(InputError) as caught:
        call(assessment, profile, advisor.load_rules())
    assert str(caught.value) == message
    assert list(tmp_path.iterdir()) == []


def test_decision_makers_given_as_text_are_names_split_at_commas_as_the_cli_takes_them(assessment, tmp_path):
    # "Ana Lima, Ben Okafor" was written as decision-makers: ["A", "n", "a", "L", ...].
    record = advisor.write_adr(assessment, tmp_path, date="2026-11-27", decision_makers="Ana Lima, Ben Okafor",
                               consulted="Chen Wei", informed=["Dana, Eve"])
    text = record.read_text(encoding="utf-8")
    assert 'decision-makers: ["Ana Lima", "Ben Okafor"]\n' in text
    assert 'consulted: ["Chen Wei"]\n' in text and 'informed: ["Dana", "Eve"]\n' in text
    assert advisor.render_adr(assessment, date="2026-11-27", decision_makers="Ana Lima, Ben Okafor") == (
        advisor.render_adr(assessment, date="2026-11-27", decision_makers=["Ana Lima", "Ben Okafor"])
    )


def test_facts_left_out_are_named_not_read_as_false(profile):
    # evaluate({}) recommended sync with no rule fired.
    rules = advisor.load_rules()
    with pytest.raises(InputError) as caught:
        rules.evaluate({})
    assert str(caught.value).startswith("field 'facts': facts missing: interaction, latency_budget_s, ")
    facts = advisor.facts(profile)
    left_out = {name: value for name, value in facts.items() if name != "output_format"}
    with pytest.raises(InputError, match=r"facts missing: output_format; advisor\.facts"):
        rules.evaluate({**left_out, "an_extra_key": 1, "another": 2})
    with pytest.raises(InputError, match=r"facts missing: output_format; advisor\.facts"):
        rules.evaluate(left_out)
    # An absent fact is there as None; extra keys are no concern of the rules.
    assert rules.evaluate({**facts, "an_extra_key": 1}).recommendation == rules.evaluate(facts).recommendation
    assert len(facts) == len(FACTS)


_PATHLIKE = st.one_of(st.text(max_size=5), st.builds(Path, st.sampled_from(["a", "b/c", "."])))
_JUNK = st.one_of(st.none(), st.integers(), st.floats(), st.booleans(), st.binary(max_size=4),
                  st.dictionaries(st.text(max_size=2), st.integers(), max_size=2))


@settings(max_examples=200, deadline=None)
@given(st.one_of(_PATHLIKE, _JUNK, st.lists(st.one_of(_PATHLIKE, _JUNK), max_size=4),
                 st.tuples(_PATHLIKE, _PATHLIKE), st.frozensets(st.text(max_size=3), max_size=3)))
def test_paths_are_one_path_or_a_collection_of_them_or_an_input_error(value):
    try:
        got = check_paths(value, "paths", "a path")
    except InputError as exc:
        assert exc.field == "paths" and str(exc).startswith("field 'paths': must be a path or a list of them (got ")
        single = isinstance(value, (str, os.PathLike))
        assert not single
        return
    if isinstance(value, (str, os.PathLike)):
        assert got is value
    else:
        assert got == list(value) and all(isinstance(p, (str, os.PathLike)) for p in got)


@settings(max_examples=60, deadline=None)
@given(value=_JUNK)
def test_any_junk_as_a_path_argument_is_an_advisor_error(value, tmp_path_factory):
    folder = tmp_path_factory.mktemp("junk")
    for call in (lambda: advisor.verify(value), lambda: advisor.review(value), lambda: advisor.calibrate(value),
                 lambda: advisor.review([folder], decisions_dir=value)):
        with contextlib.suppress(AdvisorError):
            call()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        # Red team 2, F10: the message was three lines ("x", "```", "# injected: no such file").
        (lambda a, d: advisor.write_adr(a, d, workload_file="x\n```\n# injected"),
         "x\\n```\\n# injected: no such file"),
        (lambda a, d: advisor.load_profile("a\rb\x1b[2J.yaml"), "a\\rb\\x1b[2J.yaml: no such file"),
        (lambda a, d: advisor.review([d / "w\nx.yaml"]), None),
        (lambda a, d: advisor.load_rules(d / "rules\n# x"), None),
    ],
)
def test_a_value_quoted_in_an_error_is_shown_on_one_line(call, message, assessment, tmp_path):
    with pytest.raises(AdvisorError) as caught:
        call(assessment, tmp_path)
    text = str(caught.value)
    assert text.isprintable(), text  # no line break, no escape sequence a terminal or log would obey
    assert message is None or text == message
    assert str(caught.value.args[0]) == text  # the same one line, however the error is printed


_PUBLIC = {
    "assess": lambda p: advisor.assess(p, price_date=PRICE_DATE, what_if=False),
    "facts": lambda p: advisor.facts(p, price_date=PRICE_DATE),
    "decision_map": lambda p: advisor.decision_map(p, "latency_budget_s", [1.0, 10.0], "interaction", ["chat"],
                                                  price_date=PRICE_DATE),
    "what_would_change": lambda p: advisor.what_would_change(p, advisor.load_rules(), "streaming",
                                                             price_date=PRICE_DATE),
}


@pytest.mark.parametrize("call", _PUBLIC.values(), ids=_PUBLIC.keys())
@pytest.mark.parametrize(
    ("update", "field", "words"),
    [
        ({"ttft_s": 10.0, "model_p95_s": 1.0}, "ttft_s", "must be at most model_p95_s (1 s)"),
        ({"peak_requests_per_minute": 1e6, "requests_per_month": 1000}, "peak_requests_per_minute",
         "is more than the whole month holds"),
        ({"requests_per_month": -5}, "requests_per_month", "greater than or equal to 0 (got -5)"),
    ],
)
def test_a_profile_changed_with_model_copy_is_read_again_by_the_public_functions(profile, call, update, field, words):
    # model_copy validates nothing: a first token ten times the call's p95, a peak no month
    # holds, a negative volume were assessed as if they made sense.
    with pytest.raises(InputError) as caught:
        call(profile.model_copy(update=update))
    assert caught.value.field == field and words in caught.value.message
    assert "model_copy(update=...) validates nothing" in str(caught.value)


def test_a_cached_price_above_the_input_price_set_by_model_copy_is_refused(profile):
    pricing = advisor.parse_profile(
        {**profile.model_dump(exclude_unset=True), "pricing": {"input_per_mtok": 1.0, "output_per_mtok": 2.0}}
    ).pricing
    assert pricing is not None
    dearer = profile.model_copy(update={"pricing": pricing.model_copy(update={"cached_input_per_mtok": 5.0})})
    with pytest.raises(InputError, match=r"field 'pricing\.cached_input_per_mtok': must be at most input_per_mtok"):
        advisor.assess(dearer, price_date=PRICE_DATE, what_if=False)
    # A copy that agrees with itself is assessed as the same workload read from a file.
    changed = profile.model_copy(update={"requests_per_month": 12_345})
    again = advisor.parse_profile({**profile.model_dump(exclude_unset=True), "requests_per_month": 12_345})
    assert changed == again
    assert advisor.assess(changed, price_date=PRICE_DATE, what_if=False).model_dump() == (
        advisor.assess(again, price_date=PRICE_DATE, what_if=False).model_dump()
    )
