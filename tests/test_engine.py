"""Properties of the engine and the default rule set, over generated workloads."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from advisor import MODES, assess, load_rules, parse_profile
from advisor.core.assessment import speaks_for
from advisor.core.engine import evaluate, evaluate_rule
from advisor.core.situation import situate

from .conftest import PRICE_DATE
from .strategies import batchable_profile_dicts, profile_dicts

RULES = load_rules()
# The batch tests keep the workloads recommended batch (assume): many are filtered out by design.
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def recommend(profile: dict) -> str:
    facts = situate(parse_profile(profile), RULES, PRICE_DATE).facts
    return evaluate(RULES, facts).recommendation


@FAST
@given(profile_dicts())
def test_every_valid_profile_gets_exactly_one_allowed_recommendation(profile):
    result = assess(profile, RULES, price_date=PRICE_DATE, what_if=False)
    assert result.recommendation in MODES
    assert sorted(r.mode for r in result.ranking) == sorted(MODES)
    assert result.ranking[0].mode == result.recommendation
    excluded = {e.mode for e in result.excluded}
    # An excluded mode is never recommended, and excluded modes rank last.
    assert result.recommendation not in excluded
    assert [r.excluded for r in result.ranking] == sorted(r.excluded for r in result.ranking)
    # The headline names its reason: the first sentence of the most decisive rule that argues
    # for the mode chosen (of the most decisive, where none does), or that nothing spoke against it.
    fired = {r.id: r for r in result.fired_rules}
    assert set(result.decided_by) <= set(fired)
    if result.decided_by:
        winner = result.recommendation
        arguing = [i for i in result.decided_by if speaks_for(RULES, RULES.rule(i), winner)]
        lead = arguing[0] if arguing else result.decided_by[0]
        because = " ".join(fired[lead].because.split())
        assert because.startswith(result.reason) and result.reason.endswith((".", "!", "?"))
    else:
        assert result.reason == f"{RULES.header.modes[result.recommendation].name} scores highest with no rule against it."


@settings(max_examples=60, deadline=None)
@given(profile_dicts())
def test_same_input_same_output(profile):
    first = assess(profile, RULES, price_date=PRICE_DATE, what_if=False).model_dump(mode="json")
    second = assess(dict(profile), RULES, price_date=PRICE_DATE, what_if=False).model_dump(mode="json")
    assert json.dumps(first) == json.dumps(second)


@FAST
@given(batchable_profile_dicts(), st.floats(min_value=1.0, max_value=1000.0))
def test_batch_stays_batch_with_a_longer_budget(profile, factor):
    assume(recommend(profile) == "batch")
    longer = {**profile, "latency_budget_s": min(profile["latency_budget_s"] * factor, 30 * 86400)}
    if situate(parse_profile(profile), RULES, PRICE_DATE).facts["over_rate_limit"]:
        # Batch chosen because the peak's backlog cannot drain in real time within the budget
        # (the real-time modes miss their contract there) may give way to a queue that drains in time,
        # and, once the backlog drains within a tenth of the longer budget, to the simple script
        # the rate-limit rules no longer score down (cost-peak-drains-within-budget).
        drains = situate(parse_profile(longer), RULES, PRICE_DATE).facts["drain_budget_ratio"]
        allowed = ("batch", "async", "sync") if drains is not None and drains <= 0.1 else ("batch", "async")
        assert recommend(longer) in allowed
    else:
        assert recommend(longer) == "batch"


@FAST
@given(batchable_profile_dicts(), st.floats(min_value=1.0, max_value=1000.0))
def test_batch_stays_batch_with_more_requests(profile, factor):
    assume(recommend(profile) == "batch")
    more = {**profile, "requests_per_month": min(int(profile["requests_per_month"] * factor), 100_000_000_000)}
    assert recommend(more) == "batch"


@FAST
@given(profile_dicts())
def test_compliance_critical_never_stays_on_sync_or_streaming(profile):
    assert recommend({**profile, "downstream": "compliance_critical"}) in ("async", "batch")


@settings(max_examples=100, deadline=None)
@given(profile_dicts(), st.dictionaries(st.sampled_from([a.id for a in RULES.header.axes]),
                                         st.floats(min_value=0, max_value=10), min_size=1))
def test_reweighting_never_recommends_an_excluded_mode(profile, weights):
    facts = situate(parse_profile(profile), RULES, PRICE_DATE).facts
    evaluation = evaluate(RULES, facts, weights)
    assert evaluation.recommendation not in evaluation.excluded
    # Totals are the weighted sums of the axis scores.
    for mode in MODES:
        expected = sum(evaluation.weights[a] * s for a, s in evaluation.axis_scores[mode].items())
        assert abs(evaluation.totals[mode] - expected) < 1e-9


@settings(max_examples=150, deadline=None)
@given(profile_dicts())
def test_shared_condition_plan_agrees_with_each_rules_own_closure(profile):
    # The engine tests each distinct condition once; each rule's compiled closure is the
    # reference: same fired flag, same trace, condition by condition.
    facts = situate(parse_profile(profile), RULES, PRICE_DATE).facts
    evaluation = evaluate(RULES, facts)
    for outcome in evaluation.outcomes:
        reference = evaluate_rule(outcome.rule, facts)
        assert outcome.fired == reference.fired
        assert list(outcome.conditions) == list(reference.conditions)


# The compiled rule set (the fast path) against each rule's own traced closure.
_AXES = RULES.axis_ids


@pytest.mark.slow  # 10,000 workloads: about a minute
@settings(max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile_dicts(), st.one_of(st.none(), st.fixed_dictionaries({a: st.sampled_from([0, 0.5, 1, 3, 7.25])
                                                                     for a in _AXES})))
def test_the_compiled_rule_set_agrees_with_the_traced_rules(profile, weights):
    assume(weights is None or any(weights.values()))
    facts = situate(parse_profile(profile), RULES, PRICE_DATE).facts
    fast = RULES.evaluate(facts, weights)
    traced = [rule.check(facts, []) for rule in RULES.rules]
    assert list(fast.fired_flags) == traced
    assert [o.fired for o in fast.outcomes] == traced
    # The same scores, float for float, as adding each fired rule's scores to a table of zeros,
    # and the same totals as weighting them axis by axis.
    scores = {mode: dict.fromkeys(_AXES, 0.0) for mode in MODES}
    excluded: set[str] = set()
    unmet: set[str] = set()
    for rule, fired in zip(RULES.rules, traced, strict=True):
        if fired:
            for mode, score in rule.scores:
                scores[mode][rule.axis] += score
            excluded.update(rule.excludes)
            unmet.update(rule.unmets)
    assert fast.axis_scores == scores
    w = {**RULES.weights, **(weights or {})}
    assert fast.totals == {mode: sum(w[a] * scores[mode][a] for a in _AXES) for mode in MODES}
    assert set(fast.unmet) == unmet
    assert set(fast.excluded) >= excluded
    assert fast.recommendation not in fast.excluded
    assert fast.feasible == (fast.recommendation not in unmet)


def test_the_engine_is_public_and_says_what_assess_says():
    import advisor

    profile = advisor.load_profile("examples/chatbot.yaml")
    rules = advisor.load_rules()
    facts = advisor.facts(profile, price_date=PRICE_DATE)
    assert facts == situate(profile, rules, PRICE_DATE).facts
    evaluation = rules.evaluate(facts)
    result = assess(profile, rules, price_date=PRICE_DATE, what_if=False)
    assert evaluation.recommendation == result.recommendation
    assert list(evaluation.ranking) == [r.mode for r in result.ranking]
    assert list(evaluation.fired_ids) == [r.id for r in result.fired_rules]
    assert [(o.rule.id, o.fired, len(o.conditions)) for o in evaluation.trace] == [
        (t.rule, t.fired, len(t.conditions)) for t in result.trace
    ]
    # Weights reorder the modes as they do in assess().
    cost_first = {axis: (10 if axis == "cost_burst" else 1) for axis in rules.axis_ids}
    reweighted = rules.evaluate(facts, cost_first)
    assert reweighted.weights == cost_first
    assert reweighted.totals != evaluation.totals
    assert reweighted.recommendation == assess(
        profile, rules, weights=cost_first, price_date=PRICE_DATE, what_if=False
    ).recommendation


def test_text_in_a_rule_stays_data_in_the_compiled_rule_set(tmp_path):
    from advisor.core.compiler import compile_ruleset, decide_source
    from advisor.core.conditions import compile_condition
    from advisor.core.rule import Rule, RuleSpec

    marker = tmp_path / "pwned"
    hostile = f"x'); open({str(marker)!r}, 'w'); ('"
    when = {"all": [
        {"fact": "model", "op": "eq", "value": hostile},
        {"fact": "provider", "op": "in", "value": ['a"b', "}{", "\\n__import__('os')"]},
    ]}
    spec = RuleSpec.model_validate({
        "id": "hostile-text", "axis": "latency", "title": "t", "when": when,
        "effect": {"scores": {"sync": 1}}, "because": "b", "source": "s",
    })
    rules = [Rule.compiled(spec, compile_condition(spec.when), "rules.yaml")]
    decide = compile_ruleset(rules, ["latency"])
    assert decide.__globals__ == {"__builtins__": {}}  # the function can reach nothing
    fired, scores, *_ = decide({"model": hostile, "provider": "}{"}, (1.0,))
    assert fired == (True,) and scores[0] == 1.0  # sync's latency score
    assert decide({"model": "gpt-4o", "provider": "}{"}, (1.0,))[0] == (False,)
    assert not marker.exists()
    # The text sits in the function as a constant, quoted.
    assert repr(hostile) in decide_source(rules, ["latency"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"latency_budget_s": "fast"}, "fact 'latency_budget_s' is a number (got 'fast')"),
        ({"interaction": ["chat"]}, "fact 'interaction' allows chat, "),
        ({"requests_per_month": "5"}, "fact 'requests_per_month' is an integer (got '5')"),
    ],
)
def test_evaluating_facts_of_the_wrong_type_names_the_fact(change, message):
    import advisor

    rules = advisor.load_rules()
    facts = {**advisor.facts(advisor.load_profile("examples/chatbot.yaml"), price_date=PRICE_DATE), **change}
    with pytest.raises(advisor.InputError) as info:
        rules.evaluate(facts)
    assert message in str(info.value) and "advisor.facts(profile)" in str(info.value)


@pytest.mark.parametrize("facts", [None, ["interaction"], "chat"])
def test_evaluating_what_is_not_a_mapping_of_facts_says_what_evaluate_takes(facts):
    import advisor

    with pytest.raises(advisor.InputError, match=r"field 'facts': expected a mapping of fact name to value"):
        advisor.load_rules().evaluate(facts)  # type: ignore[arg-type]
    profile = advisor.load_profile("examples/chatbot.yaml")
    with pytest.raises(advisor.InputError, match="field 'facts': expected a mapping"):
        advisor.load_rules().evaluate(profile)  # type: ignore[arg-type]


def test_the_documented_examples_of_the_library_run_as_written(monkeypatch):
    import doctest

    import advisor

    from .conftest import ROOT

    monkeypatch.chdir(ROOT)  # the examples open examples/chatbot.yaml
    for name, doc in (("advisor", advisor.__doc__), ("advisor.facts", advisor.facts.__doc__)):
        test = doctest.DocTestParser().get_doctest(doc or "", {}, name, None, 0)
        assert test.examples, f"{name} shows an example"
        runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
        runner.run(test, out=lambda _: None)
        assert runner.summarize(verbose=False).failed == 0, name
