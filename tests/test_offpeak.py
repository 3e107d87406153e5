"""Off-peak hours (N9): a model priced by the time of day (DeepSeek) is billed at its peak
hour, an upper bound; its off-peak hours and what a job scheduled into them would cost are
read from the genai-prices data (never hard-coded), and said as a lever where the
recommended mode can be scheduled (a job no one waits on), never for a chat."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from advisor import assess
from advisor.core.cost import request_cost_usd
from advisor.core.prices import DAY_S, price_card
from advisor.core.profile import load_profile, parse_profile
from advisor.views.adr import render_adr
from advisor.views.json_output import dump_json
from advisor.views.text import render_text


def to_json(a) -> str:
    """The JSON ``advisor recommend --format json`` prints."""
    return dump_json(a.model_dump(mode="json"))

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DEEPSEEK = EXAMPLES / "deepseek-catalogue-enrichment.yaml"
DATE = datetime.date(2026, 11, 23)

NIGHTLY = {
    "name": "Nightly forum thread digests",
    "interaction": "pipeline",
    "latency_budget_s": 28800,
    "input_tokens": 8000,
    "output_tokens": 400,
    "requests_per_month": 1_000_000,
    "provider": "deepseek",
    "model": "deepseek-flash",
    "downstream": "internal_service",
    "side_effects": "idempotent",
}


def _cheapest_minutes(model_id: str, day: datetime.date) -> tuple[set[int], object, object]:
    """Every minute of the day at the cheapest price the price data lists for the model, read
    minute by minute from genai-prices itself; and that price and the price at 02:00."""
    from genai_prices.data_snapshot import get_snapshot

    model = next(m for p in get_snapshot().providers if p.id == "deepseek" for m in p.models if m.id == model_id)
    midnight = datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)
    prices = [model.get_prices(midnight + datetime.timedelta(minutes=i)) for i in range(DAY_S // 60)]
    key = [(p.input_mtok, p.cache_read_mtok, p.output_mtok) for p in prices]
    low = min(key)
    return {i for i, k in enumerate(key) if k == low}, low, key[2 * 60]


def _minutes_of(windows: list[str] | tuple[str, ...]) -> set[int]:
    minutes = set()
    for window in windows:
        start, end = (int(t[:2]) * 60 + int(t[3:5]) for t in window.split("-"))
        span = (end - start) % (24 * 60)
        minutes |= {(start + i) % (24 * 60) for i in range(span)}
    return minutes


def test_the_off_peak_hours_and_prices_are_the_price_datas():
    """The windows cover exactly the minutes of the day the price data bills cheapest, and the
    card's prices there are those minutes' prices, below the 02:00 price the bill is at."""
    a = assess(parse_profile(NIGHTLY), price_date=DATE)
    hours = a.pricing.off_peak
    assert hours is not None
    cheap, low, peak = _cheapest_minutes("deepseek-flash", DATE)
    assert low < peak
    assert _minutes_of(hours.windows_utc) == cheap
    rates = a.pricing.off_peak_rates
    assert rates is not None
    assert (rates.input.base, rates.cached_input.base, rates.output.base) == tuple(float(x) for x in low)
    standard = a.pricing.standard
    assert (standard.input.base, standard.cached_input.base, standard.output.base) == tuple(float(x) for x in peak)
    # The longest stretch outside them is the most a piece of work waits for them.
    outside = sorted(set(range(24 * 60)) - cheap)
    longest = run = 0
    for i in range(2 * 24 * 60):  # round the day twice: a stretch may cross midnight
        run = run + 1 if i % (24 * 60) in outside else 0
        longest = max(longest, min(run, 24 * 60))
    assert hours.longest_wait_s == longest * 60


def test_the_nightly_digests_get_the_off_peak_lever_priced_by_the_same_cost_model():
    """The board's N9: the record's biggest saving was an assumption. The lever names the hours
    and the month there: the tokens at the off-peak prices, the build and infrastructure as they are."""
    a = assess(parse_profile(NIGHTLY), price_date=DATE)
    assert a.recommendation == "async"
    lever = a.off_peak
    assert lever is not None and lever.mode == "async" and lever.providers == ["DeepSeek"]
    cost = a.costs["async"]
    rates = a.pricing.off_peak_rates
    assert rates is not None
    tokens = request_cost_usd(rates, 8000, 0.0, 400) * 1_000_000
    assert lever.total_usd == pytest.approx(tokens + cost.infra_usd + cost.engineering_usd)
    assert lever.cost_change_usd_per_month == pytest.approx(tokens - cost.tokens_usd)
    assert cost.tokens_usd == pytest.approx(2880) and tokens == pytest.approx(1440)  # half price, as the data has it
    hours = " and ".join(lever.windows_utc)
    said = f"Run in DeepSeek's off-peak hours ({hours} UTC): $1,440 a month less than at the peak rate ($1,823 a month"
    assert lever.because.startswith(said)
    text = " ".join(render_text(a).split())
    assert said in text
    record = " ".join(render_adr(a, template="madr", date=DATE).split())
    assert said in record
    # Before the re-run levers, and the cost section names the hours' prices and the job's month.
    assert record.index(said) < record.index("What would make it cheaper")
    assert (f"DeepSeek's off-peak hours ({hours} UTC) bill deepseek-flash at input $0.15, cached input"
            " $0.003, output $0.6 per 1M tokens; the figures above are at the peak rate, an upper bound."
            " Scheduled into them: synchronous call $1,551 a month, asynchronous job $1,823 a month") in record
    # The priced figures stay at the peak rate, an upper bound.
    assert "| $2,880 | $50.00 | $333 | $3,263 |" in record
    nygard = " ".join(render_adr(a, template="nygard", date=DATE).split())
    assert said in nygard


def test_the_example_on_deepseek_says_its_off_peak_hours():
    a = assess(load_profile(DEEPSEEK), price_date=DATE)
    assert a.off_peak is not None and a.off_peak.mode == a.recommendation == "async"
    assert a.off_peak.cost_change_usd_per_month < 0
    data = json.loads(to_json(a))
    assert data["off_peak"]["windows_utc"] == list(a.pricing.off_peak.windows_utc)
    assert data["costs"]["async"]["off_peak_total_usd"] == pytest.approx(a.off_peak.total_usd)
    # No one waits: a sync script can be started in the hours too (board read 4, P3); a stream serves a person.
    assert data["costs"]["sync"]["off_peak_total_usd"] is not None
    assert data["costs"]["streaming"]["off_peak_total_usd"] is None
    assert data["pricing"]["off_peak"]["tokens_usd_per_month"] < data["costs"]["async"]["tokens_usd"]


def test_the_hours_wrap_midnight_where_the_data_says_so():
    """deepseek-chat (before its shutdown) was dear from 00:30 to 16:30 UTC: its off-peak hours
    run over midnight, one window, as the price data draws them."""
    day = datetime.date(2026, 6, 1)
    a = assess(parse_profile({**NIGHTLY, "model": "deepseek-chat", "latency_budget_s": 86400}), price_date=day)
    cheap, _, _ = _cheapest_minutes("deepseek-chat", day)
    assert a.pricing.off_peak is not None
    assert _minutes_of(a.pricing.off_peak.windows_utc) == cheap
    assert a.pricing.off_peak.windows_utc == ("16:30-00:30",)


def test_a_flat_price_gets_nothing():
    a = assess(parse_profile({**NIGHTLY, "provider": "openai", "model": "gpt-5.4"}), price_date=DATE)
    assert price_card("openai", "gpt-5.4", DATE).hourly is None
    assert a.off_peak is None and a.pricing.off_peak is None and a.pricing.off_peak_rates is None
    assert all(c.off_peak_total_usd is None for c in a.costs.values())
    assert "off-peak" not in render_text(a).lower()
    assert "off-peak" not in render_adr(a, template="madr", date=DATE).lower()
    assert json.loads(to_json(a))["off_peak"] is None


def test_a_chat_a_person_waits_on_gets_no_off_peak_lever():
    """A chat is answered when it is asked: no job to schedule, so no lever; the cost section
    still says the hours and that the month lies between the two."""
    chat = {**NIGHTLY, "interaction": "chat", "latency_budget_s": 120, "downstream": "own_ui",
            "requests_per_month": 100_000, "input_tokens": 2000}
    a = assess(parse_profile(chat), price_date=DATE)
    assert a.facts["someone_waiting"] is True
    assert a.off_peak is None  # whatever the mode: a person waiting is answered at the hour they ask
    assert a.pricing.off_peak is not None
    text = " ".join(render_text(a).split())
    assert "Run in DeepSeek's off-peak hours" not in text
    assert "Calls a person or a service waits on run when they are asked" in text
    record = " ".join(render_adr(a, template="madr", date=DATE).split())
    assert "Run in DeepSeek's off-peak hours" not in record


def test_no_lever_where_the_budget_cannot_wait_for_the_hours():
    """A pipeline that must finish within the hour cannot wait 4 h for the off-peak hours."""
    a = assess(parse_profile({**NIGHTLY, "latency_budget_s": 3600}), price_date=DATE)
    assert a.pricing.off_peak is not None and a.pricing.off_peak.longest_wait_s > 3600
    assert a.off_peak is None


def test_a_pricing_override_has_no_hours():
    own = {**NIGHTLY, "pricing": {"input_per_mtok": 0.3, "output_per_mtok": 1.2}}
    a = assess(parse_profile(own), price_date=DATE)
    assert a.off_peak is None and a.pricing.off_peak is None


def test_the_same_input_gives_the_same_output():
    first = assess(parse_profile(NIGHTLY), price_date=DATE)
    again = assess(parse_profile(NIGHTLY), price_date=DATE)
    assert to_json(first) == to_json(again)
    assert render_adr(first, template="madr", date=DATE) == render_adr(again, template="madr", date=DATE)
