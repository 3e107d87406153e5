"""Monthly cost per mode: seed 003's cost-by-volume table, real prices, invariants."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic_core import to_jsonable_python

from advisor.core.cost import (
    AMORTISATION_MONTHS,
    ENGINEERING_PERSON_WEEKS,
    INFRA_USD_PER_MONTH,
    USD_PER_PERSON_WEEK,
    CostEstimate,
    estimate_costs,
)
from advisor.core.errors import InputError
from advisor.core.prices import price_card
from advisor.core.profile import MODES, parse_profile

from .conftest import PRICE_DATE

# Seed 003, Cost Math: 1K tokens per request at $2.50 per 1M, batch 50% off.
SEED_003_PRICING = {"input_per_mtok": 2.5, "output_per_mtok": 0.0, "batch_discount": 0.5}
SEED_003_TABLE = [  # monthly volume, direct = streaming cost, batch cost
    (1_000, 2.50, 1.25),
    (10_000, 25.0, 12.50),
    (100_000, 250.0, 125.0),
    (1_000_000, 2_500.0, 1_250.0),
    (10_000_000, 25_000.0, 12_500.0),
]


def _profile(**fields: Any):
    data = {
        "name": "feature",
        "interaction": "pipeline",
        "latency_budget_s": 3600,
        "input_tokens": 1000,
        "output_tokens": 0,
        "requests_per_month": 100_000,
        "model": "gpt-4o",
    }
    data.update(fields)
    return parse_profile(data)


def _estimate(**fields: Any) -> CostEstimate:
    profile = _profile(**fields)
    return estimate_costs(profile, price_card(profile.provider, profile.model, PRICE_DATE, profile.pricing))


@pytest.mark.parametrize(("requests", "direct", "batch"), SEED_003_TABLE)
def test_seed_003_cost_by_volume_table_with_override(requests: int, direct: float, batch: float) -> None:
    estimate = _estimate(requests_per_month=requests, pricing=SEED_003_PRICING)
    tokens = {mode: cost.tokens_usd for mode, cost in estimate.modes.items()}
    assert tokens["sync"] == pytest.approx(direct)
    assert tokens["streaming"] == pytest.approx(direct)
    assert tokens["async"] == pytest.approx(direct)
    assert tokens["batch"] == pytest.approx(batch)
    assert estimate.batch_token_saving_usd_per_month == pytest.approx(direct - batch)
    assert estimate.batch_token_saving_fraction == pytest.approx(0.5)


@pytest.mark.parametrize(("requests", "direct", "batch"), SEED_003_TABLE)
def test_seed_003_cost_by_volume_table_with_catalogue_gpt_4o(requests: int, direct: float, batch: float) -> None:
    estimate = _estimate(requests_per_month=requests)
    assert estimate.modes["sync"].tokens_usd == pytest.approx(direct)
    assert estimate.modes["streaming"].tokens_usd == pytest.approx(direct)
    assert estimate.modes["batch"].tokens_usd == pytest.approx(batch)
    assert estimate.data_version.startswith("genai-prices")


def test_seed_003_batch_breakeven_is_near_100k_requests() -> None:
    estimate = _estimate(pricing=SEED_003_PRICING)
    breakeven = estimate.batch_breakeven_requests_per_month
    assert breakeven is not None and 50_000 <= breakeven <= 200_000
    # At the break-even volume sync and batch cost the same in total.
    at = _estimate(pricing=SEED_003_PRICING, requests_per_month=round(breakeven))
    assert at.modes["batch"].total_usd == pytest.approx(at.modes["sync"].total_usd, rel=1e-4)


def test_breakeven_is_none_when_batch_never_saves() -> None:
    free = {"input_per_mtok": 0.0, "output_per_mtok": 0.0}
    assert _estimate(pricing=free).batch_breakeven_requests_per_month is None
    no_discount = {"input_per_mtok": 2.0, "output_per_mtok": 1.0, "batch_discount": 0.0}
    assert _estimate(pricing=no_discount).batch_breakeven_requests_per_month is None


def test_claude_sonnet_prices_with_caching_in_batch() -> None:
    estimate = _estimate(
        provider="anthropic", model="claude-sonnet-4-5", input_tokens=10_000, output_tokens=1_000,
        cached_input_fraction=0.9, requests_per_month=1,
    )
    sync = (1_000 * 3.0 + 9_000 * 0.3 + 1_000 * 15.0) / 1e6
    batch = (1_000 * 1.5 + 9_000 * 0.15 + 1_000 * 7.5) / 1e6
    assert estimate.request_tokens_usd["sync"] == pytest.approx(sync)
    assert estimate.request_tokens_usd["batch"] == pytest.approx(batch)
    assert "prompt cache writes" in [a.name for a in estimate.assumptions]


def test_long_context_tier_is_chosen_by_the_request_input() -> None:
    estimate = _estimate(provider="anthropic", model="claude-sonnet-4-5", input_tokens=250_000, output_tokens=1_000)
    assert estimate.request_tokens_usd["sync"] == pytest.approx((250_000 * 6.0 + 1_000 * 22.5) / 1e6)


def test_retries_multiply_tokens_but_not_the_per_request_price() -> None:
    plain = _estimate(pricing=SEED_003_PRICING)
    retried = _estimate(pricing=SEED_003_PRICING, retry_rate=0.2)
    assert retried.modes["sync"].tokens_usd == pytest.approx(plain.modes["sync"].tokens_usd * 1.2)
    assert retried.request_tokens_usd == plain.request_tokens_usd
    # Retries save batch money too, so break-even comes sooner.
    assert retried.batch_breakeven_requests_per_month < plain.batch_breakeven_requests_per_month


def test_defaults_are_assumptions_and_overrides_replace_them() -> None:
    default = _estimate()
    names = {a.name for a in default.assumptions}
    assert {"engineering cost", "amortisation", "batch infrastructure", "async engineering"} <= names
    assert default.usd_per_person_week == USD_PER_PERSON_WEEK
    assert default.amortisation_months == AMORTISATION_MONTHS
    assert default.modes["async"].infra_usd == INFRA_USD_PER_MONTH["async"]
    assert default.modes["batch"].engineering_person_weeks == ENGINEERING_PERSON_WEEKS["batch"]

    costs = {
        "usd_per_person_week": 1_000,
        "amortisation_months": 10,
        "infra_usd_per_month": {"batch": 7},
        "engineering_person_weeks": {"batch": 5},
    }
    custom = _estimate(costs=costs)
    names = {a.name for a in custom.assumptions}
    assert not {"engineering cost", "amortisation", "batch infrastructure", "batch engineering"} & names
    assert {"sync infrastructure", "sync engineering"} <= names
    assert custom.modes["batch"].infra_usd == 7
    assert custom.modes["batch"].engineering_usd == pytest.approx(5 * 1_000 / 10)


def test_negative_cost_override_is_an_input_error() -> None:
    with pytest.raises(InputError) as info:
        _estimate(costs={"infra_usd_per_month": {"sync": -5}})
    assert info.value.field == "costs.infra_usd_per_month.sync"
    with pytest.raises(InputError) as info:
        _estimate(costs={"engineering_person_weeks": {"async": 1e6}})
    assert info.value.field == "costs.engineering_person_weeks.async"


def test_saving_vs_current_mode() -> None:
    estimate = _estimate(pricing=SEED_003_PRICING, requests_per_month=10_000_000, current_mode="sync")
    sync = estimate.modes["sync"]
    # Today's build is paid: its monthly cost ("today") is its tokens and infrastructure.
    running_today = sync.tokens_usd + sync.infra_usd
    assert sync.engineering_usd == 0 and sync.total_usd == running_today
    assert sync.engineering_person_weeks == 1.0  # what it took to build, recorded, not charged
    assert sync.saving_vs_current_usd == 0
    for mode, cost in estimate.modes.items():
        if mode != "sync":
            assert cost.saving_vs_current_usd == pytest.approx(running_today - cost.total_usd)
    assert estimate.modes["batch"].saving_vs_current_usd > 0
    assert _estimate().modes["batch"].saving_vs_current_usd is None


def test_zero_requests() -> None:
    estimate = _estimate(requests_per_month=0)
    for cost in estimate.modes.values():
        assert cost.tokens_usd == 0 and cost.per_1k_requests_usd is None  # no requests: no cost per request
    assert estimate.batch_token_saving_fraction == 0


def test_modes_in_order_and_json_friendly() -> None:
    estimate = _estimate()
    assert tuple(estimate.modes) == MODES
    assert tuple(estimate.request_tokens_usd) == MODES
    assert json.loads(json.dumps(to_jsonable_python(estimate)))["modes"]["sync"]["mode"] == "sync"


# -- properties -----------------------------------------------------------------------

_CATALOGUE = [("openai", "gpt-4o"), ("openai", "gpt-4o-mini"), ("openai", "text-embedding-3-small"),
              ("anthropic", "claude-sonnet-4-5"), ("anthropic", "claude-haiku-4-5"), ("google", "gemini-2.5-flash")]
# A price is 0 or at least $0.0001 per 1M tokens (the profile refuses the noise between).
_price = st.one_of(st.just(0.0), st.floats(min_value=0.0001, max_value=10_000, allow_nan=False))
_pricing = st.fixed_dictionaries(
    {"input_per_mtok": _price, "output_per_mtok": _price},
    optional={"cached_input_per_mtok": _price, "batch_discount": st.floats(min_value=0, max_value=0.99)},
).map(  # a cached read is never dearer than an uncached one (the profile refuses it)
    lambda p: {**p, "cached_input_per_mtok": min(p["cached_input_per_mtok"], p["input_per_mtok"])}
    if "cached_input_per_mtok" in p else p
)
_costs = st.fixed_dictionaries(
    {},
    optional={
        "usd_per_person_week": st.floats(min_value=0, max_value=100_000),
        "amortisation_months": st.integers(min_value=1, max_value=120),
        "infra_usd_per_month": st.dictionaries(st.sampled_from(MODES), st.floats(min_value=0, max_value=1e9)),
        "engineering_person_weeks": st.dictionaries(st.sampled_from(MODES), st.floats(min_value=0, max_value=10_000)),
    },
)


@st.composite
def _profiles(draw: st.DrawFn) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "input_tokens": draw(st.integers(0, 10_000_000)),
        "output_tokens": draw(st.integers(0, 1_000_000)),
        "cached_input_fraction": draw(st.floats(0, 1)),
        "requests_per_month": draw(st.integers(0, 100_000_000_000)),
        "retry_rate": draw(st.floats(0, 1)),
        "current_mode": draw(st.none() | st.sampled_from(MODES)),
        "costs": draw(st.none() | _costs),
    }
    if draw(st.booleans()):
        fields["pricing"] = draw(_pricing)
    else:
        fields["provider"], fields["model"] = draw(st.sampled_from(_CATALOGUE))
    return fields


@settings(max_examples=300, deadline=None)
@given(_profiles())
def test_cost_invariants(fields: dict[str, Any]) -> None:
    estimate = _estimate(**fields)
    requests = fields["requests_per_month"]
    for mode, cost in estimate.modes.items():
        assert cost.mode == mode
        values = [cost.tokens_usd, cost.infra_usd, cost.engineering_usd, cost.total_usd,
                  cost.engineering_person_weeks]
        if requests:
            values.append(cost.per_1k_requests_usd)
        assert all(isinstance(v, float) and math.isfinite(v) and v >= 0 for v in values), cost
        assert cost.total_usd == pytest.approx(cost.tokens_usd + cost.infra_usd + cost.engineering_usd)
        if requests:
            assert cost.per_1k_requests_usd == pytest.approx(cost.total_usd / requests * 1000)
        else:
            assert cost.per_1k_requests_usd is None
        if mode == fields.get("current_mode"):
            assert cost.engineering_usd == 0 and cost.saving_vs_current_usd == 0
        if cost.saving_vs_current_usd is not None:
            assert math.isfinite(cost.saving_vs_current_usd)
    assert estimate.modes["batch"].tokens_usd <= estimate.modes["sync"].tokens_usd
    assert estimate.request_tokens_usd["batch"] <= estimate.request_tokens_usd["sync"]
    assert 0 <= estimate.batch_token_saving_fraction <= 1
    assert estimate.batch_token_saving_usd_per_month >= 0
    breakeven = estimate.batch_breakeven_requests_per_month
    assert breakeven is None or (math.isfinite(breakeven) and breakeven >= 0)


@settings(max_examples=100, deadline=None)
@given(_profiles(), st.integers(1, 1000))
def test_token_cost_is_linear_in_volume(fields: dict[str, Any], factor: int) -> None:
    fields["requests_per_month"] = min(fields["requests_per_month"], 100_000_000)
    one = _estimate(**fields)
    many = _estimate(**{**fields, "requests_per_month": fields["requests_per_month"] * factor})
    for mode in MODES:
        assert many.modes[mode].tokens_usd == pytest.approx(one.modes[mode].tokens_usd * factor)
        assert many.modes[mode].engineering_usd == one.modes[mode].engineering_usd


def test_a_model_priced_twice_is_one_set_of_assumptions() -> None:
    # The questionnaire serves each person from its own thread: two threads pricing one model
    # at once each build its card, and a step's card is then equal to the shown step's without
    # being the same object. The record must not list that model's prices twice.
    profile = parse_profile({
        "name": "feature", "interaction": "pipeline", "latency_budget_s": 3600, "requests_per_month": 100_000,
        "model": "gpt-4o",
        "steps": [
            {"name": "draft", "model": "gpt-4o-mini", "input_tokens": 800, "output_tokens": 200},
            {"name": "answer", "input_tokens": 1000, "output_tokens": 300},
        ],
    })
    shown = price_card(profile.provider, "gpt-4o", PRICE_DATE)
    alone = estimate_costs(profile, shown)
    twice = estimate_costs(profile, shown.model_copy())
    assert [a.name for a in twice.assumptions] == [a.name for a in alone.assumptions]
    names = [a.name for a in alone.assumptions]
    assert len(names) == len(set(names)) and "prices (gpt-4o-mini)" in names


# -- reasoning the latency times but the bill leaves out (board M2) -----------------------


def _assess_example(name: str, **changes: Any):
    import yaml

    from advisor import assess

    from .conftest import EXAMPLES

    data = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
    return assess(parse_profile({**data, **changes}), price_date=PRICE_DATE, what_if=False)


def test_unpriced_reasoning_is_what_the_latency_assumes_at_the_output_price():
    """deepseek-flash reasons, and the workload gives no reasoning_tokens: its first token is timed
    at o3's median, 22.99 s with reasoning, where a call without reasoning starts at 1.8 s (the
    slowest measured start, as DeepSeek has none measured); at 50 tokens/s that is (22.99 - 1.8) x
    50 = 1,059.5, 1,060 tokens a call, and at $1.20 per million output tokens, 600,000 requests a
    month, $763.20. The priced figures stay as they are; the JSON says both figures."""
    a = _assess_example("deepseek-catalogue-enrichment")
    (step,) = a.latency.steps
    assert step.implied_reasoning is not None
    assert (step.implied_reasoning.tokens_per_call, step.implied_reasoning.first_token_p50_s,
            step.implied_reasoning.start_p50_s, step.implied_reasoning.output_tokens_per_s) == (1060, 22.99, 1.8, 50)
    (unpriced,) = a.pricing.unpriced_reasoning
    assert unpriced.implied_reasoning_tokens_per_call == 1060 and unpriced.output_usd_per_mtok == pytest.approx(1.2)
    assert unpriced.usd_per_month == pytest.approx(dict.fromkeys(MODES, 1060 * 600_000 * 1.2 / 1e6))  # no batch API
    assert a.pricing.unpriced_reasoning_usd_per_month == pytest.approx(dict.fromkeys(MODES, 763.2))
    assert a.costs["sync"].tokens_usd == pytest.approx(396)  # not in the bill: no golden cost changes
    data = json.loads(a.model_dump_json())
    assert data["latency"]["steps"][0]["implied_reasoning"]["tokens_per_call"] == 1060
    assert data["pricing"]["unpriced_reasoning"][0]["implied_reasoning_tokens_per_call"] == 1060
    assert data["pricing"]["unpriced_reasoning_usd_per_month"]["async"] == pytest.approx(763.2)
    # What it would add is what the cost model bills for that many reasoning tokens given.
    given = _assess_example("deepseek-catalogue-enrichment", reasoning_tokens=1060)
    for mode in MODES:
        assert given.costs[mode].tokens_usd - a.costs[mode].tokens_usd == pytest.approx(unpriced.usd_per_month[mode])


@pytest.mark.parametrize(("example", "changes"), [
    ("reasoning-contract-check", {}),  # gpt-5.5's reasoning_tokens given: priced
    ("deepseek-catalogue-enrichment", {"reasoning_tokens": 0}),  # thinking off
    ("chatbot", {}),  # a model that does not reason
    # A measured first token or call includes the reasoning at this workload: no count is
    # worked back from it through a start nobody measured.
    ("deepseek-catalogue-enrichment", {"ttft_s": 30}),
    ("deepseek-catalogue-enrichment", {"model_p95_s": 40}),
])
def test_no_implied_reasoning_where_it_is_priced_absent_or_measured(example, changes):
    a = _assess_example(example, **changes)
    assert all(step.implied_reasoning is None for step in a.latency.steps)
    assert a.pricing.unpriced_reasoning == [] and a.pricing.unpriced_reasoning_usd_per_month is None
    data = json.loads(a.model_dump_json())
    assert data["pricing"]["unpriced_reasoning"] == [] and data["pricing"]["unpriced_reasoning_usd_per_month"] is None


def test_unpriced_reasoning_of_several_steps_sums_per_step():
    """Two steps of two reasoning models, neither given reasoning_tokens: each step's at its own
    model's speed and prices, its runs counted; the month's is their sum, each mode's (o3 has a
    batch price, DeepSeek none)."""
    from advisor import assess

    a = assess(parse_profile({
        "name": "two reasoners", "interaction": "pipeline", "latency_budget_s": 28800,
        "requests_per_month": 100_000, "provider": "openai", "model": "o3", "downstream": "internal_service",
        "steps": [
            {"name": "plan", "provider": "deepseek", "model": "deepseek-flash", "input_tokens": 1000,
             "output_tokens": 200, "repeat": 2},
            {"name": "answer", "input_tokens": 2000, "output_tokens": 300},
        ],
    }), price_date=PRICE_DATE, what_if=False)
    plan, answer = a.pricing.unpriced_reasoning
    # plan: (22.99 - 1.8) x 50 = 1,059.5 -> 1,060 a call, 2 calls, $1.20: $254.40.
    # answer: o3, measured: (22.99 - 0.93) x 108.1 = 2,384.7 -> 2,385 a call, $8.00: $1,908.
    assert (plan.step, plan.calls, plan.implied_reasoning_tokens_per_call) == ("plan", 2, 1060)
    assert (answer.step, answer.calls, answer.implied_reasoning_tokens_per_call) == ("answer", 1, 2385)
    assert plan.usd_per_month["sync"] == pytest.approx(1060 * 2 * 100_000 * 1.2 / 1e6)
    assert answer.usd_per_month["sync"] == pytest.approx(2385 * 100_000 * 8 / 1e6)
    total = a.pricing.unpriced_reasoning_usd_per_month
    assert total is not None
    assert total["sync"] == pytest.approx(254.4 + 1908)
    assert total["batch"] == pytest.approx(254.4 + 2385 * 100_000 * answer.batch_output_usd_per_mtok / 1e6)
    assert answer.batch_output_usd_per_mtok < answer.output_usd_per_mtok
