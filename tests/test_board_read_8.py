"""Board read 8: what a board member and a staff engineer reading the records would notice.

- A chat far over its account's rate limits, whose month's average rate the limits cannot even
  carry (the queue a peak builds never drains), was listed "Streaming response: first token
  0.67 s, within the budget of 10.0 s; **chosen**", its one consequence "Good, because its first
  token comes ... within the budget", beside "Not feasible as specified: ... 3.9x its rate
  limit". Board read 7 said a draining backlog's wait next to such an option; the backlog that
  never drains was left "within the budget". It now says the retries never clear.
- Where such a real-time option misses its budget only at the rate limits, the confirmation told
  the team to "treat the budget as unmet until the latency is cut", though the latency is well
  within it and the levers (a higher tier, a smoother peak) say the limits are the cause.
- The async confirmation of a queue that never drains read "Queue age ... rises at each peak
  and is back to zero never: ...": no sentence.
- "At least 16 batches a month (50,000 requests or 200 MB each)" for 250,000 requests: the
  engineer divides and gets 5. The count packs files to 200 MB at an assumed size per request,
  which the record did not say.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import yaml

from advisor import assess, load_profile, load_rules, render_adr

RULES = load_rules()
PRICE_DATE = datetime.date(2026, 11, 1)
DATE = "2026-11-01"
TEMPLATES = ("madr", "nygard")

# A chat on gpt-5.4 at OpenAI tier 1 (500 requests, 500,000 tokens a minute): a peak of 1,500
# requests a minute of 1,300 tokens each is 3.9x the token limit.
CHAT = {
    "name": "Busy chat", "description": "A chat assistant far over its account's rate limits.",
    "interaction": "chat", "latency_budget_s": 10, "input_tokens": 1000, "output_tokens": 300,
    "peak_requests_per_minute": 1500, "provider": "openai", "model": "gpt-5.4", "downstream": "own_ui",
}
NEVER_DRAINS = {**CHAT, "requests_per_month": 30_000_000}  # 694 a minute on average: 902,000 tokens/min
DRAINS = {**CHAT, "requests_per_month": 3_000_000}  # 69 a minute on average: the backlog drains


def _record(tmp_path: Path, data: dict, template: str = "madr") -> str:
    path = tmp_path / "workload.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    a = assess(load_profile(path), RULES, price_date=PRICE_DATE)
    return render_adr(a, template=template, date=DATE)


def _considered(record: str, label: str) -> str:
    (line,) = [x for x in record.splitlines() if x.startswith(f"- {label} (`")]
    return line


def _confirmation(record: str) -> str:
    return record.split("### Confirmation", 1)[1].split("\n## ", 1)[0] if "### Confirmation" in record else ""


def test_an_option_whose_peak_never_clears_at_the_rate_limits_is_not_within_its_budget(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(yaml.safe_dump(NEVER_DRAINS), encoding="utf-8")
    a = assess(load_profile(path), RULES, price_date=PRICE_DATE)
    assert a.recommendation == "streaming" and a.capacity.over_limit and a.capacity.peak_worst_wait_s is None
    for template in TEMPLATES:
        record = _record(tmp_path, NEVER_DRAINS, template)
        # The options, their cases and the consequences (the latency driver judges the model's
        # own worst case, and the cost driver beside it says the peak is over the limits).
        assert "within the budget of" not in record, template
        stream = _considered(record, "Streaming response")
        assert ("first token 0.67 s, but a peak's retries at the rate limits never clear, over the budget of 10.0 s;"
                " whole answer 4.08 s") in stream
        sync = _considered(record, "Synchronous call")
        assert "answer after 4.08 s, but a peak's retries at the rate limits never clear, over the budget" in sync
    madr = _record(tmp_path, NEVER_DRAINS)
    consequences = madr.split("### Consequences", 1)[1].split("###", 1)[0]
    assert ("Bad, because its first token comes after 0.67 s at p95, but a peak's retries at the rate limits never"
            " clear (the limits are below even the monthly average rate), over the budget of 10.0 s") in consequences


def test_a_real_time_option_held_back_by_the_limits_is_told_the_limits_are_the_cause(tmp_path: Path) -> None:
    for data, ways in ((DRAINS, "a higher account tier or a smoother peak"), (NEVER_DRAINS, "a higher account tier")):
        confirmation = _confirmation(_record(tmp_path, data))
        assert "until the latency is cut" not in confirmation
        assert (f"treat the budget as unmet until the peak fits the rate limits ({ways}): the rate limits, not the"
                " model's speed, are the cause.") in confirmation


def test_a_slow_call_over_the_limits_is_told_both_are_the_cause(tmp_path: Path) -> None:
    # A service waits 1.5 s for 400 tokens (5.22 s at p95) and peaks at 13x the limits.
    data = {"name": "Fraud alert explainer", "interaction": "service_call", "latency_budget_s": 1.5,
            "input_tokens": 1800, "output_tokens": 400, "requests_per_month": 2_000_000,
            "peak_requests_per_minute": 3000, "provider": "openai", "model": "gpt-5.4",
            "downstream": "internal_service", "current_mode": "sync"}
    confirmation = _confirmation(_record(tmp_path, data))
    assert "treat the budget as unmet until the latency is cut and the peak fits the rate limits" in confirmation
    assert "both are the cause" in confirmation


def test_a_slow_call_within_the_limits_is_told_to_cut_the_latency_as_before(tmp_path: Path) -> None:
    data = {**CHAT, "latency_budget_s": 0.5, "requests_per_month": 100_000, "peak_requests_per_minute": 100}
    confirmation = _confirmation(_record(tmp_path, data))
    assert "treat the budget as unmet until the latency is cut." in confirmation
    assert "rate limits, not the model's speed" not in confirmation


def test_a_queue_that_never_drains_is_said_in_a_sentence(tmp_path: Path) -> None:
    # A person clicks and waits 10 s for a 2,000-token summary of 40,000 tokens, 700,000 a month.
    data = {"name": "Long summary", "interaction": "request_response", "latency_budget_s": 10,
            "input_tokens": 40000, "output_tokens": 2000, "requests_per_month": 700_000,
            "peak_requests_per_minute": 900, "provider": "openai", "model": "gpt-5.4", "downstream": "own_ui"}
    record = _record(tmp_path, data)
    assert "back to zero never" not in record
    assert ("Queue age (the oldest waiting job) rises at each peak and never returns to zero (the limits are below"
            " even the monthly average rate), as estimated") in _confirmation(record)


def test_a_queue_that_drains_says_when_as_before(tmp_path: Path) -> None:
    data = {**DRAINS, "interaction": "submit_and_notify", "latency_budget_s": 600}
    record = _record(tmp_path, data)
    assert "Queue age (the oldest waiting job) rises at each peak and is back to zero " in record
    assert " after the peak, as estimated" in record


MONTHLY = {"name": "Monthly statement narrative", "interaction": "pipeline", "latency_budget_s": 86400,
           "input_tokens": 3000, "output_tokens": 400, "requests_per_month": 250_000, "provider": "openai",
           "model": "gpt-5.4", "downstream": "internal_service", "side_effects": "idempotent"}


def test_a_batch_count_packed_to_the_file_size_says_the_size_it_assumes(tmp_path: Path) -> None:
    for template in TEMPLATES:
        record = _record(tmp_path, MONTHLY, template)
        # 250,000 / 50,000 is 5 batches; the 200 MB cap makes it 16, and the record says why.
        assert "at least 16 batches a month (50,000 requests or 200 MB each" in record
        assert ("Batch file size: 4 bytes per input token + 300 bytes of JSONL envelope per request; a request of"
                " 3,000 input tokens takes about 12,300 bytes, so 200 MB holds 16,260 of them, fewer than the 50,000"
                " requests a batch may hold") in record, template
    assert -(-250_000 // (200_000_000 // (3000 * 4 + 300))) == 16  # the reader's sum comes out


def test_a_batch_count_of_whole_request_caps_needs_no_file_size(tmp_path: Path) -> None:
    # 5,000,000 embeddings of 600 tokens: 100 batches of 50,000 requests, each file well under 200 MB.
    data = {"name": "RAG corpus embedding", "interaction": "pipeline", "latency_budget_s": 172800,
            "input_tokens": 600, "output_tokens": 0, "output_format": "embedding",
            "requests_per_month": 5_000_000, "provider": "openai", "model": "text-embedding-3-small",
            "downstream": "internal_service", "side_effects": "idempotent"}
    record = _record(tmp_path, data)
    assert "at least 100 batches a month" in record
    assert "Batch file size" not in record


def test_what_would_change_names_each_option_as_the_record_lists_it(tmp_path: Path) -> None:
    # The voice assistant's first token misses its 0.5 s budget: a measured p95 of 0.5 s would
    # meet it, and a click-and-wait would make it a synchronous call that misses it.
    data = {"name": "In-car voice assistant", "interaction": "chat", "latency_budget_s": 0.5,
            "input_tokens": 900, "output_tokens": 120, "requests_per_month": 1_500_000,
            "peak_requests_per_minute": 300, "provider": "openai", "model": "gpt-5.4", "tier": "tier-4",
            "downstream": "own_ui"}
    for template in TEMPLATES:
        record = _record(tmp_path, data, template)
        lines = [x for x in record.split("What would change the decision", 1)[1].splitlines() if x.startswith("- `")]
        assert any("a streaming response. Streaming response now meets its contract, which it missed as specified"
                   in x for x in lines), lines
        assert any("a synchronous call, not feasible. Synchronous call misses its contract" in x for x in lines)
        # The options are "Synchronous call" and "Streaming response" everywhere else in the record.
        assert "Streaming (sync contract)" not in record and "Synchronous misses" not in record


def test_the_review_says_the_moves_builds_a_month_once() -> None:
    from advisor import render_review, review

    examples = Path(__file__).resolve().parent.parent / "examples"
    text = render_review(review([examples], rules=RULES, price_date=PRICE_DATE))
    # "... because the new builds of the moves, amortised, add $556 a month, ..." then the
    # engineering behind them, not "That includes $556 a month of new builds" again.
    assert "the new builds of the moves, amortised, add $556 a month" in text
    assert text.count("$556") == 1
    assert "Those builds are $20,000 of engineering up front amortised over 36 months at $4,000 a person-week." in text
