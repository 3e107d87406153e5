"""What would change the decision: every entry is checked by re-running the engine."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, given, settings

from advisor import assess, load_profile, load_rules, parse_profile
from advisor.core.profile import Pricing, RateLimits
from advisor.core.variables import CHOICE_FACTS, NUMERIC_FACTS, VARIABLE_FACTS, current_value, field_range
from advisor.core.whatif import what_would_change

from .conftest import PRICE_DATE, ROOT
from .strategies import profile_dicts

RULES = load_rules()


def modified(profile, fact: str, value) -> dict:
    data = profile.model_dump()
    data[fact] = value
    return data


def verify(profile, changes, *, rules=RULES, weights=None) -> None:
    """Each entry: setting the fact really gives the new mode, on a valid profile."""
    current = assess(profile, rules, weights=weights, price_date=PRICE_DATE, what_if=False)
    for change in changes:
        assert change.fact in VARIABLE_FACTS
        data = modified(profile, change.fact, change.value)
        parse_profile(data)  # a valid profile, never a flip that exists only because it is invalid
        result = assess(data, rules, weights=weights, price_date=PRICE_DATE, what_if=False)
        assert (result.recommendation, result.feasible) == (change.new_recommendation, change.feasible), change
        assert (change.new_recommendation, change.feasible) != (current.recommendation, current.feasible)
        # The reason names the rule the new mode misses when it is not feasible; else the rule that
        # rules out (or that today's mode misses), else, for today's mode now meeting its
        # contract, the rule it no longer misses; for a new mode held back as specified, the rule
        # that held it back; else the most decisive rule that favours the new mode.
        names = rules.header.modes
        held_back = {
            **{e.mode: ("now meets its contract", e.rules[0]) for e in current.unmet},
            **{e.mode: ("is no longer ruled out", e.rules[0]) for e in current.excluded},
        }
        ruled_out = next((e.rules[0] for e in result.excluded if e.mode == current.recommendation), None)
        missed = next((e.rules[0] for e in result.unmet if e.mode == current.recommendation), None)
        if not result.feasible:
            own = next(e.rules[0] for e in result.unmet if e.mode == result.recommendation)
            assert change.because.startswith(f"{names[result.recommendation].label} misses its contract")
            assert f"({own})" in change.because
        elif ruled_out:
            assert change.because.startswith(f"{names[current.recommendation].label} is ruled out")
            assert f"({ruled_out})" in change.because
        elif missed:
            assert change.because.startswith(f"{names[current.recommendation].label} misses its contract")
            assert f"({missed})" in change.because
        elif result.recommendation == current.recommendation:
            # The same mode, now feasible: the rule it missed as specified and misses no more.
            gone = next(e.rules[0] for e in current.unmet if e.mode == current.recommendation)
            assert change.because.startswith(f"{names[current.recommendation].label} now meets its contract")
            assert f"({gone})" in change.because
        elif result.recommendation in held_back:
            # The new mode was ruled out, or missed its contract, as specified: no longer.
            words, rule_id = held_back[result.recommendation]
            assert change.because.startswith(f"{names[result.recommendation].label} {words}"), change
            assert f"({rule_id})" in change.because
        elif result.decided_by:
            # The first decisive rule that favours the new mode over today's: one that held as
            # specified too says nothing about the change.
            favouring = [
                rule_id for rule_id in result.decided_by
                if (scores := rules.rule(rule_id).spec.effect.scores).get(result.recommendation, 0.0)
                > scores.get(current.recommendation, 0.0)
            ]
            assert f"({(favouring or result.decided_by)[0]})" in change.because
        assert change.because.endswith(".")


def ordered(profile, changes) -> None:
    """Facts in the schema's order, numbers first; per number at most one below and one above."""
    facts = [c.fact for c in changes]
    positions = [VARIABLE_FACTS.index(f) for f in facts]
    assert positions == sorted(positions)
    own = {f: current_value(f, profile) for f in NUMERIC_FACTS}
    for fact in NUMERIC_FACTS:
        values = [c.value for c in changes if c.fact == fact]
        assert len(values) <= 2
        sides = [v > own[fact] for v in values]
        assert sides == sorted(sides) and len(set(sides)) == len(sides)  # below, then above
        for v in values:
            assert field_range(fact).contains(v)
            assert isinstance(v, int) == field_range(fact).integer
    for fact in CHOICE_FACTS:
        values = [c.value for c in changes if c.fact == fact]
        assert getattr(profile, fact) not in values
        assert len(set(values)) == len(values)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile_dicts())
def test_every_change_is_real(data):
    profile = parse_profile(data)
    result = assess(profile, RULES, price_date=PRICE_DATE)
    verify(profile, result.what_would_change)
    ordered(profile, result.what_would_change)
    # Whole numbers are exact: one step back towards today's value keeps today's mode.
    for change in result.what_would_change:
        if change.fact == "chained_calls":
            back = change.value + (1 if change.value < profile.chained_calls else -1)
            if back != profile.chained_calls:
                again = assess(modified(profile, "chained_calls", back), RULES, price_date=PRICE_DATE, what_if=False)
                assert again.recommendation == result.recommendation


def test_gray_zone_flips_at_five_seconds():
    """Seed 000's 30-second case is async; at a 5 s p95 the user can wait for the answer."""
    profile = load_profile(ROOT / "examples/gray-zone-30s.yaml")
    result = assess(profile, RULES, price_date=PRICE_DATE)
    assert result.recommendation == "async"
    p95 = [c for c in result.what_would_change if c.fact == "model_p95_s"]
    below = [c for c in p95 if c.value < 30]
    assert below, result.what_would_change
    assert 4.9 <= below[0].value <= 5.0
    assert below[0].new_recommendation in ("sync", "streaming")
    verify(profile, result.what_would_change)


def test_chatbot_compliance_goes_async():
    profile = load_profile(ROOT / "examples/chatbot.yaml")
    result = assess(profile, RULES, price_date=PRICE_DATE)
    assert result.recommendation == "streaming"
    entry = [c for c in result.what_would_change if c.fact == "downstream" and c.value == "compliance_critical"]
    assert [c.new_recommendation for c in entry] == ["async"]
    # A job does not make the 3.5 s answer fit the 2.5 s budget: async, not feasible.
    assert not entry[0].feasible and "(latency-async-misses-budget)" in entry[0].because
    compliant = assess(modified(profile, "downstream", "compliance_critical"), RULES, price_date=PRICE_DATE)
    assert "failure-compliance-audit-trail" in compliant.decided_by
    verify(profile, result.what_would_change)


def test_estimated_p95_is_the_starting_point():
    """Without a measured model_p95_s the search starts from the latency model's estimate."""
    profile = load_profile(ROOT / "examples/support-reply-draft.yaml")
    assert profile.model_p95_s is None
    changes = what_would_change(profile, RULES, "sync", price_date=PRICE_DATE)
    verify(profile, changes)
    estimate = assess(profile, RULES, price_date=PRICE_DATE, what_if=False).latency.per_call_p95_s
    p95 = [c for c in changes if c.fact == "model_p95_s"]
    assert p95 and all(c.value > estimate for c in p95)


def test_nice_values_when_the_boundary_is_round():
    """Batch needs a budget over an hour: the entry is the round value at the line (an hour,
    where batch is ruled out), not 3600.2341..."""
    profile = load_profile(ROOT / "examples/nightly-content-audit.yaml")
    changes = what_would_change(profile, RULES, "batch", price_date=PRICE_DATE)
    budget = [c for c in changes if c.fact == "latency_budget_s"]
    assert [c.value for c in budget][:1] == [3600.0]
    verify(profile, changes)


def test_weights_are_used_when_reevaluating():
    profile = load_profile(ROOT / "examples/nightly-ticket-triage.yaml")
    weights = {"cost_burst": 10.0}
    result = assess(profile, RULES, weights=weights, price_date=PRICE_DATE)
    assert result.what_would_change
    verify(profile, result.what_would_change, weights=weights)


def test_points_where_every_mode_is_excluded_are_not_flips(tmp_path):
    """A rule set that contradicts itself at a billion requests: no flip is reported there."""
    rules_dir = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules_dir)
    (rules_dir / "zz_contradiction.yaml").write_text(
        """\
rules:
  - id: test-huge-volume-sync
    axis: cost_burst
    title: Test rule that contradicts the chain rule
    when:
      all:
        - {fact: requests_per_month, op: ge, value: 1000000000}
    effect:
      require: sync
    because: Exists only to make every mode excluded for long chains at huge volume.
    source: 004_5230b8ac56ced4ba.txt § test
""",
        encoding="utf-8",
    )
    rules = load_rules(rules_dir)
    # Limits that hold any volume: the only thing that changes at a billion requests is the contradiction.
    limits = RateLimits(rpm=10_000_000, input_tpm=100_000_000_000, output_tpm=100_000_000_000)
    # Someone waits on the chain (the chain rule leaves a chain no one waits on, within its
    # budget, to the other rules).
    profile = load_profile(ROOT / "examples/contract-risk-review.yaml").model_copy(
        update={"chained_calls": 3, "rate_limits": limits, "interaction": "request_response"}
    )
    before = assess(profile, rules, price_date=PRICE_DATE)
    assert before.recommendation == "async"
    volume = [c for c in before.what_would_change if c.fact == "requests_per_month" and c.value > 10_000]
    assert volume == []
    verify(profile, before.what_would_change, rules=rules)


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.yaml")), ids=lambda p: p.stem)
def test_examples(path):
    profile = load_profile(path)
    result = assess(profile, RULES, price_date=PRICE_DATE)
    verify(profile, result.what_would_change)
    ordered(profile, result.what_would_change)
    # Same input, same answer.
    assert assess(profile, RULES, price_date=PRICE_DATE).what_would_change == result.what_would_change


def test_estimate_above_the_fields_maximum_reports_only_valid_values():
    """1M output tokens at 50 tokens/s is an estimated p95 of 20,000 s; model_p95_s allows 3,600.
    (Its own prices: a million-token answer is more than gpt-4o's window in the price data,
    which the advisor does not check where the workload prices the model itself.)"""
    profile = load_profile(ROOT / "examples/contract-risk-review.yaml").model_copy(
        update={"output_tokens": 1_000_000, "model": "gpt-4o", "provider": "openai", "interaction": "request_response",
                "pricing": Pricing(input_per_mtok=2.5, output_per_mtok=10.0)}
    )
    result = assess(profile, RULES, price_date=PRICE_DATE)
    assert result.latency.per_call_p95_s > field_range("model_p95_s").high
    p95 = [c for c in result.what_would_change if c.fact == "model_p95_s"]
    assert p95, result.what_would_change  # at a few seconds the user can wait again
    verify(profile, result.what_would_change)
    ordered(profile, result.what_would_change)


@pytest.mark.parametrize("example", sorted((ROOT / "examples").glob("*.yaml")), ids=lambda p: p.stem)
def test_no_change_asks_for_a_request_the_model_cannot_hold(example):
    """A request's input, output and reasoning share the model's context window: no change
    suggests a size that does not fit in it (gpt-4o holds 128,000 tokens, not a million)."""
    from advisor.core.situation import situate

    profile = load_profile(example)
    window = situate(profile, RULES, PRICE_DATE).card.context_window
    sizes = ("input_tokens", "output_tokens", "reasoning_tokens")
    for change in assess(profile, RULES, price_date=PRICE_DATE).what_would_change:
        if window is not None and change.fact in sizes:
            request = {name: getattr(profile, name) or 0 for name in sizes} | {change.fact: change.value}
            assert sum(request.values()) <= window, change


@pytest.mark.parametrize("example", sorted((ROOT / "examples").glob("*.yaml")), ids=lambda p: p.stem)
def test_no_change_turns_prose_into_an_embedding_or_back(example):
    """An IDE completion is never told what it would be as an embedding vector, nor a corpus
    embedding what it would be as prose: that is another product, not another answer."""
    profile = load_profile(example)
    formats = {c.value for c in assess(profile, RULES, price_date=PRICE_DATE).what_would_change
               if c.fact == "output_format"}
    assert formats <= ({"embedding"} if profile.output_format == "embedding" else {"text", "json"}) - {
        profile.output_format}


def test_a_prose_workload_is_still_asked_about_json():
    profile = load_profile(ROOT / "examples/code-completion.yaml")
    changes = assess(profile, RULES, price_date=PRICE_DATE).what_would_change
    assert [c.value for c in changes if c.fact == "output_format"] == ["json"]


def test_the_context_window_bounds_a_size_but_never_below_the_workload_own():
    from advisor.core.variables import realistic_range

    profile = load_profile(ROOT / "examples/monthly-cron-report.yaml")
    free = realistic_range("input_tokens", profile)
    bounded = realistic_range("input_tokens", profile, 128_000)
    assert free is not None and bounded is not None
    assert bounded.high == 128_000 - profile.output_tokens - (profile.reasoning_tokens or 0) < free.high
    assert not bounded.contains(bounded.high + 1) and bounded.contains(profile.input_tokens)
    # A workload already larger than the window keeps its own value in range (it is what it says).
    tight = realistic_range("input_tokens", profile, 1_000)
    assert tight is not None and tight.high == profile.input_tokens
    # Counts and times are not sizes of a request.
    assert realistic_range("requests_per_month", profile, 1_000) == realistic_range("requests_per_month", profile)


def test_a_change_is_explained_by_what_changed_not_by_what_held_already():
    # DeepSeek has no batch API, so batch is ruled out as specified and at 990 requests a
    # month alike; what makes 990 a synchronous call is the small-script rule.
    profile = load_profile(ROOT / "examples" / "deepseek-catalogue-enrichment.yaml")
    result = assess(profile, RULES, price_date=PRICE_DATE)
    assert result.recommendation == "async"
    small = [c for c in result.what_would_change if c.fact == "requests_per_month" and c.new_recommendation == "sync"]
    assert small, result.what_would_change
    assert all(c.because.endswith("(ux-simple-script).") for c in small), small
    levers = [lever for lever in result.levers if lever.recommendation == "sync"]
    assert all("cost-batch-needs-a-batch-api" not in lever.because for lever in levers), levers


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.yaml")), ids=lambda p: p.stem)
def test_a_budget_lever_and_a_budget_change_to_the_same_mode_name_the_same_budget(path):
    # Both are found by a bisection to 1% and rounded; the same rounding gives one figure,
    # not "a budget of 18.6 s" in Levers and "latency_budget_s = 18.5" below it.
    result = assess(load_profile(path), RULES, price_date=PRICE_DATE)
    changes = {(c.new_recommendation, c.feasible): c.value for c in result.what_would_change
               if c.fact == "latency_budget_s"}
    for lever in result.levers:
        if set(lever.changes) == {"latency_budget_s"} and (lever.recommendation, lever.feasible) in changes:
            assert lever.changes["latency_budget_s"] == changes[lever.recommendation, lever.feasible], lever


LIVE_AGENT_ASSIST = {
    # Review 5's Y02: 9,000 requests a minute at peak, over tier-4's 4M tokens a minute, which
    # let about 2,128 a minute through.
    "name": "Live agent assist", "interaction": "request_response", "latency_budget_s": 2.0,
    "input_tokens": 1800, "output_tokens": 80, "output_format": "json", "requests_per_month": 15_000_000,
    "peak_requests_per_minute": 9000, "provider": "openai", "model": "gpt-5.4", "tier": "tier-4",
    "downstream": "own_ui",
}


def test_a_peak_lever_and_a_peak_change_to_the_same_mode_name_the_same_peak():
    """F10 (review 5): the lever said 2,100 (rounded down to two digits) where "what would
    change" said 2,120 for the same flip; one search gives one figure."""
    result = assess(parse_profile(LIVE_AGENT_ASSIST), RULES, price_date=PRICE_DATE)
    assert (result.recommendation, result.feasible) == ("sync", False)
    change = next(c for c in result.what_would_change
                  if c.fact == "peak_requests_per_minute" and (c.new_recommendation, c.feasible) == ("sync", True))
    lever = next(lv for lv in result.levers if set(lv.changes) == {"peak_requests_per_minute"})
    assert lever.changes["peak_requests_per_minute"] == change.value == 2120
    # A person waits on it: the rest of the peak is turned away at the door, not queued (judgement 11).
    assert lever.because.startswith("With a peak held to 2,120 requests a minute (rate-limit users at the door: "
                                    "the requests over it are turned away, not queued while someone waits): "
                                    "sync meets its contract")


SEO_REWRITE = {
    # Review 5's Y04: a batch that meets its contract, with a real-time peak over tier-3.
    "name": "SEO rewrite", "interaction": "pipeline", "latency_budget_s": 86400, "input_tokens": 1500,
    "output_tokens": 250, "output_format": "json", "requests_per_month": 2_000_000,
    "peak_requests_per_minute": 20_000, "peak_minutes": 100, "provider": "openai", "model": "gpt-5.4-mini",
    "tier": "tier-3", "downstream": "internal_service", "side_effects": "idempotent",
}
TRANSLATION = {
    # Review 5's Y11: async meets its 4-h contract, its peak's backlog draining in 52.6 min.
    "name": "Translation", "interaction": "submit_and_notify", "latency_budget_s": 14400, "input_tokens": 3000,
    "output_tokens": 3200, "requests_per_month": 300_000, "peak_requests_per_minute": 600, "provider": "openai",
    "model": "gpt-5.4", "tier": "tier-3", "downstream": "external_api", "side_effects": "idempotent",
}


def test_a_tier_lever_that_changes_nothing_is_not_offered_and_one_that_removes_a_backlog_says_so():
    """F7 (review 5): a higher tier for a batch that meets its contract at the same cost
    changed nothing (a batch runs under limits of its own); for async it removes the
    peak's backlog, which the lever now says."""
    batch = assess(parse_profile(SEO_REWRITE), RULES, price_date=PRICE_DATE)
    assert (batch.recommendation, batch.feasible) == ("batch", True) and batch.capacity.over_limit
    assert not [lv for lv in batch.levers if "tier" in lv.changes], batch.levers
    queue = assess(parse_profile(TRANSLATION), RULES, price_date=PRICE_DATE)
    assert (queue.recommendation, queue.feasible) == ("async", True) and queue.capacity.backlog_requests > 0
    lever = next(lv for lv in queue.levers if set(lv.changes) == {"tier"})
    assert lever.because.startswith(
        "With account tier 'tier-4', whose limits hold the peak (no backlog at peak, where 16,645 requests queue and"
        " drain in 52.6 min as specified): async meets its contract")
    for result in (batch, queue):  # every lever changes the mode, the verdict or the cost, or says what it removes
        for lv in result.levers:
            assert (lv.recommendation != result.recommendation or lv.feasible != result.feasible
                    or abs(lv.cost_change_usd_per_month) >= 0.005 or "no backlog" in lv.because), lv


def test_a_duration_is_rounded_in_the_unit_it_is_read_in():
    # The ticket agent's batch needs 4 days (4 dependent calls, each through a 24-hour
    # window): "a budget of 4 days" is 345,600 s, rounder than 350,000 s (4.05 days). At
    # tier-3, where its peak's backlog drains within its budget and batch is what a larger
    # budget buys (at its shipped tier-2 the budget that matters is async's, 19.17 min), with
    # replies safe to repeat (the shipped agent emails them, which keeps it a job).
    agent = load_profile(ROOT / "examples" / "support-agent-tools.yaml")
    result = assess(agent.model_copy(update={"tier": "tier-3", "side_effects": "idempotent"}), RULES, price_date=PRICE_DATE)
    assert result.feasible
    budgets = [c.value for c in result.what_would_change if c.fact == "latency_budget_s" and c.new_recommendation == "batch"]
    assert budgets == [345_600.0]
    lever = next(lv for lv in result.levers if set(lv.changes) == {"latency_budget_s"})
    assert lever.changes == {"latency_budget_s": 345_600.0}
    assert lever.because.startswith("With a budget of 4 days: the recommendation becomes batch, which meets its contract")


def test_a_mode_no_longer_ruled_out_is_explained_by_the_rule_that_ruled_it_out():
    # The monthly cron job is a simple script because batch does not pay its way at 100
    # requests; at 1,000 it does. "Background work with no one waiting belongs in batch" held
    # all along and says nothing of the change.
    result = assess(load_profile(ROOT / "examples" / "monthly-cron-report.yaml"), RULES, price_date=PRICE_DATE)
    assert result.recommendation == "sync"
    volume = next(c for c in result.what_would_change if c.fact == "requests_per_month" and c.value > 100)
    assert volume.new_recommendation == "batch"
    assert volume.because == (
        "Batch API is no longer ruled out: Batch must cost less than the mode it replaces (cost-batch-pays-its-way),"
        " the one the rules would choose without it; here that is Asynchronous job, at $397 a month against Batch"
        " API's $249 (Synchronous call, recommended as specified, costs $125 there)."
    )


HOURLY_EMBEDDING = {
    # An hourly job: each run embeds the previous hour's documents before the next run starts.
    "name": "Hourly incremental embedding", "interaction": "pipeline", "latency_budget_s": 3600,
    "input_tokens": 700, "output_tokens": 0, "output_format": "embedding", "requests_per_month": 3_000_000,
    "provider": "openai", "model": "text-embedding-3-small", "downstream": "internal_service",
    "side_effects": "idempotent",
}


def test_an_hour_is_minutes_to_an_hour_not_a_batch_window():
    # Seed 002's categories: "Minutes to an hour ... Async is correct"; batch starts above it.
    # At exactly an hour batch was "Feasible" against a 24-hour guarantee, and a second less
    # gave async: one second of budget flipped the mode.
    at_hour = assess(HOURLY_EMBEDDING, RULES, price_date=PRICE_DATE)
    under = assess({**HOURLY_EMBEDDING, "latency_budget_s": 3599}, RULES, price_date=PRICE_DATE, what_if=False)
    assert at_hour.recommendation == under.recommendation == "async"
    assert {e.mode: e.rules for e in at_hour.excluded}["batch"] == ["latency-batch-window-too-short"]
    # The flip to batch is just over an hour, and says so: never "a budget of 1 h"; the lever
    # to batch asks for the window the provider guarantees.
    flip = next(c for c in at_hour.what_would_change if c.fact == "latency_budget_s" and c.new_recommendation == "batch")
    assert 3600 < flip.value < 3700
    lever = next(lv for lv in at_hour.levers if lv.recommendation == "batch")
    assert lever.changes["latency_budget_s"] == 86_400
    assert lever.because.startswith("With a budget of 24 h: the recommendation becomes batch, which meets its contract")
    two_hours = assess({**HOURLY_EMBEDDING, "latency_budget_s": 7200}, RULES, price_date=PRICE_DATE, what_if=False)
    assert two_hours.recommendation == "batch"
