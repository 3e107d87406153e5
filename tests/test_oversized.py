"""A request too large for its limit or its model (red team, judgement 9, D2 and D3).

D3: one request whose tokens, as a per-minute token limit counts them, are more than that
limit is refused by the provider at that tier (a token bucket never holds more than its
per-minute figure; OpenAI answers "Request too large ... tokens per min (TPM): Limit ...,
Requested ..."): no request is served, the queue never drains, and no smoother peak or
longer budget gets async its contract; a higher tier whose limit holds the request does.

D2: a call larger than its own model's context window (in the price data) is an input error
naming the file, the field, the call's tokens and the window.
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import advisor
from advisor.core.errors import InputError

from .conftest import run_cli

DAY = datetime.date(2026, 11, 27)

# P7: L03 at tier-1, 600,000 input tokens against gpt-5.4's 500,000 TPM.
P7: dict[str, Any] = {
    "name": "Data room at tier-1, 600K",
    "interaction": "submit_and_notify",
    "latency_budget_s": 600,
    "input_tokens": 600000,
    "output_tokens": 3000,
    "requests_per_month": 3000,
    "peak_requests_per_minute": 2,
    "provider": "openai",
    "model": "gpt-5.4",
    "tier": "tier-1",
    "downstream": "own_ui",
    "side_effects": "none",
}
REFUSED = (
    "one request's 603,000 tokens are more than the 500,000 tokens/min tier-1 allows: the provider refuses every "
    "request at this tier, however the peak is spread"
)

# P8: a 353,000-token call on claude-haiku-4-5, whose window the price data gives as 200,000.
P8: dict[str, Any] = {
    **P7, "name": "Data room on Haiku (200K window)", "input_tokens": 350000, "provider": "anthropic",
    "model": "claude-haiku-4-5", "tier": "scale",
}


def assess(profile: dict[str, Any], **kwargs: Any) -> advisor.Assessment:
    return advisor.assess(advisor.parse_profile(profile), price_date=DAY, **kwargs)


def write(tmp_path: Path, profile: dict[str, Any], name: str = "workload.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(profile, sort_keys=False), encoding="utf-8")
    return path


# -- D3: one request larger than the per-minute token limit ----------------------------------------


def test_a_request_over_the_tpm_limit_is_refused_and_its_queue_never_drains() -> None:
    cap = assess(P7, what_if=False).capacity
    assert cap.refused_call_tokens == 603_000 and cap.refused_limit == "tpm" and cap.refused_step == ""
    assert cap.refused_limit_value == 500_000
    assert cap.sustainable_rpm == 0.0
    assert cap.backlog_requests == pytest.approx(2 * 60)  # the whole peak queues
    assert cap.drain_time_s is None and cap.peak_worst_wait_s is None  # as a queue that never drains says it
    assert cap.over_limit
    size = next(x for x in cap.assumptions if x.name == "request size")
    assert size.value.startswith(REFUSED)
    assert "openai_request_too_large" in size.source_ids and "Request too large" in size.source


def test_the_verdict_says_plainly_that_no_request_is_served_at_the_tier() -> None:
    a = assess(P7, what_if=False)
    assert a.recommendation == "async" and not a.feasible
    assert a.infeasible_reason is not None
    assert a.infeasible_reason.startswith(
        "One request's 603,000 tokens are more than the 500,000 tokens/min tier-1 allows on gpt-5.4: the provider "
        "refuses every request at this tier, however the peak is spread"
    )
    missed = {u.mode: u.rules for u in a.unmet}
    assert missed["async"] == ["cost-request-over-token-limit"]  # not also "the queue never drains" twice over
    assert a.facts["request_refused"] is True and a.facts["backlog_drains"] is False


def test_no_smoother_peak_or_longer_budget_claims_async_meets_its_contract() -> None:
    a = assess(P7)
    changed = [next(iter(lever.changes)) for lever in a.levers]
    assert "peak_requests_per_minute" not in changed
    for lever in a.levers:
        if "latency_budget_s" in lever.changes:
            assert lever.recommendation == "batch"  # the Batch API runs under limits of its own; async never
    # A tier whose limit holds one request still does.
    tier = next(lever for lever in a.levers if "tier" in lever.changes)
    assert tier.feasible and tier.recommendation == "async"
    assert tier.changes["tier"] in ("tier-2", "tier-3", "tier-4", "tier-5")
    for change in a.what_would_change:
        assert change.fact != "peak_requests_per_minute"


def test_the_text_summary_says_why_the_backlog_never_drains(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run_cli(capsys, "recommend", write(tmp_path, P7), "--price-date", "2026-11-27")
    assert code == 0, err
    flat = " ".join(out.split())
    assert f"never drains: {REFUSED}" in flat
    assert "the limits let 0 requests/min through" in flat
    assert "waits 1.41 h" not in flat and "peak_requests_per_minute =" not in flat
    assert "NOT FEASIBLE as specified: One request's 603,000 tokens" in flat


def test_the_json_keeps_its_keys_and_adds_the_refused_call(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run_cli(capsys, "recommend", write(tmp_path, P7), "--price-date", "2026-11-27", "--format", "json")
    assert code == 0
    data = json.loads(out)
    cap = data["capacity"]
    assert cap["sustainable_rpm"] == 0.0 and cap["drain_time_s"] is None and cap["peak_worst_wait_s"] is None
    assert cap["refused_call_tokens"] == 603000 and cap["refused_limit"] == "tpm"
    assert {"peak_rpm", "peak_tpm", "over_limit", "backlog_requests"} <= set(cap)
    assert not any("peak_requests_per_minute" in lever["changes"] for lever in data["levers"])


def test_the_decision_record_says_why(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "decisions"
    code, _, err = run_cli(capsys, "adr", write(tmp_path, P7), "--price-date", "2026-11-27", "--dir", folder)
    assert code == 0, err
    (record,) = folder.glob("*.md")
    flat = " ".join(record.read_text(encoding="utf-8").split())
    assert "One request's 603,000 tokens are more than the 500,000 tokens/min tier-1 allows on gpt-5.4" in flat
    assert "rises at each peak and never returns to zero (one request's 603,000 tokens" in flat
    assert "a smoother peak" not in flat.split("treat the budget as unmet until", 1)[1].split(".")[0]


def test_a_slow_peak_is_refused_as_surely_as_a_fast_one() -> None:
    # 0.5 requests a minute is 301,500 tokens a minute, within the 500,000: still no request fits.
    cap = assess({**P7, "peak_requests_per_minute": 0.5}, what_if=False).capacity
    assert cap.refused_call_tokens == 603_000 and cap.over_limit and cap.drain_time_s is None


def test_a_request_within_the_limit_is_queued_as_before() -> None:
    cap = assess({**P7, "input_tokens": 400_000}, what_if=False).capacity
    assert cap.refused_call_tokens is None and cap.refused_words is None
    assert cap.sustainable_rpm is not None and cap.sustainable_rpm > 0


def test_a_tier_whose_limit_holds_the_request_serves_it() -> None:
    cap = assess({**P7, "tier": "tier-2"}, what_if=False).capacity  # 1,000,000 TPM
    assert cap.refused_call_tokens is None and cap.sustainable_rpm


@pytest.mark.parametrize(
    ("cached", "refused"),
    [(0.0, 150_000), (0.5, None)],  # Anthropic does not count cache reads toward its input limit
)
def test_an_input_limit_counts_the_input_as_the_provider_does(cached: float, refused: float | None) -> None:
    profile = {
        **P7, "provider": "anthropic", "model": "claude-sonnet-4-5", "tier": "start", "input_tokens": 150_000,
        "cached_input_fraction": cached, "rate_limits": {"rpm": 50, "input_tpm": 100_000, "output_tpm": 20_000},
    }
    cap = assess(profile, what_if=False).capacity
    assert cap.refused_call_tokens == refused
    if refused is not None:
        assert cap.refused_limit == "input_tpm"
        assert cap.refused_words == (
            "one request's 150,000 input tokens are more than the 100,000 input tokens/min the workload's "
            "rate_limits allow"
        )


def test_cached_input_counts_where_the_provider_counts_it() -> None:
    # OpenAI counts cached prompts toward TPM: a cache does not make the request fit.
    cap = assess({**P7, "cached_input_fraction": 0.9}, what_if=False).capacity
    assert cap.refused_call_tokens == 603_000


def test_an_output_limit_refuses_a_longer_answer() -> None:
    profile = {
        **P7, "provider": "anthropic", "model": "claude-sonnet-4-5", "tier": "start", "input_tokens": 1_000,
        "output_tokens": 30_000, "rate_limits": {"rpm": 50, "input_tpm": 100_000, "output_tpm": 20_000},
    }
    cap = assess(profile, what_if=False).capacity
    assert cap.refused_limit == "output_tpm" and cap.refused_call_tokens == 30_000


def test_a_step_too_large_for_its_limit_is_named() -> None:
    profile = {
        key: value for key, value in P7.items() if key not in ("input_tokens", "output_tokens")
    } | {
        "steps": [
            {"name": "route", "input_tokens": 2_000, "output_tokens": 100},
            {"name": "read", "input_tokens": 600_000, "output_tokens": 3_000, "shown": True},
        ],
    }
    a = assess(profile, what_if=False)
    assert a.capacity.refused_step == "read"
    assert a.infeasible_reason is not None
    assert a.infeasible_reason.startswith("One call of step 'read''s 603,000 tokens are more than")


# -- D2: a call larger than its own model's context window -------------------------------------------


def test_a_call_over_the_models_context_window_is_an_input_error() -> None:
    with pytest.raises(InputError) as caught:
        assess(P8)
    error = caught.value
    assert error.field == "input_tokens"
    assert "353,000 tokens (350,000 input + 3,000 output)" in error.message
    assert "context window of 200,000 tokens (genai-prices" in error.message
    assert "price data" in error.message


def test_the_cli_refuses_it_with_exit_2_and_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write(tmp_path, P8, "haiku.yaml")
    for extra in ([], ["--dir", tmp_path / "decisions"]):
        command = "adr" if extra else "recommend"
        code, out, err = run_cli(capsys, command, path, "--price-date", "2026-11-27", *extra)
        assert code == 2, (command, out)
        assert "Traceback" not in err
        assert re.search(rf"{re.escape(str(path))}: field 'input_tokens': one call of claude-haiku-4-5 holds 353,000 "
                         r"tokens .* context window of 200,000 tokens", err), err
        assert len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == [path]  # no record written


def test_reasoning_kept_counts_toward_the_window() -> None:
    with pytest.raises(InputError, match=r"150,000 input \+ 3,000 output \+ 60,000 reasoning"):
        assess({**P8, "input_tokens": 150_000, "reasoning_tokens": 60_000})
    assess({**P8, "input_tokens": 150_000, "reasoning_tokens": 0}, what_if=False)  # 153,000 fits


def test_a_step_over_its_window_names_the_steps_field() -> None:
    profile = {
        key: value for key, value in P8.items() if key not in ("input_tokens", "output_tokens")
    } | {
        "steps": [
            {"name": "route", "input_tokens": 2_000, "output_tokens": 100, "provider": "openai", "model": "gpt-5.4"},
            {"name": "read", "input_tokens": 350_000, "output_tokens": 3_000, "shown": True},
        ],
    }
    with pytest.raises(InputError) as caught:
        assess(profile)
    assert caught.value.field == "steps.read.input_tokens"


def test_a_workload_with_its_own_prices_is_not_checked() -> None:
    # The advisor does not know the window of a model priced by the workload itself.
    profile = {**P8, "pricing": {"input_per_mtok": 1.0, "output_per_mtok": 5.0}}
    assert assess(profile, what_if=False).recommendation == "async"


def test_review_lists_the_file_as_an_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    write(tmp_path, P7, "p7.yaml")
    bad = write(tmp_path, P8, "p8.yaml")
    code, out, err = run_cli(capsys, "review", tmp_path, "--price-date", "2026-11-27")
    assert "Traceback" not in err
    assert code in (0, 2)
    row = next(line for line in out.splitlines() if str(bad) in line and "field 'input_tokens'" in line)
    assert "context window of 200,000 tokens" in row
    assert "Data room at tier-1, 600K" in out  # the other file is reviewed


@pytest.mark.slow
def test_the_questionnaire_marks_it_at_the_tokens_question(at: Any) -> None:
    from .test_app import block

    at.selectbox(key="scenario").set_value("contract-risk-review").run()
    at.selectbox(key="q_model").set_value("claude-haiku-4-5").run()
    at.number_input(key="q_input_tokens").set_value(350_000).run()
    assert not at.exception
    marked = re.sub(r"\\(.)", r"\1", " ".join(e.value for e in block(at, "q_axis_cost").error))
    assert "**Input tokens per call**: one call of claude-haiku-4-5 holds 352,500 tokens" in marked, marked
    assert "context window of 200,000 tokens" in marked, marked


def test_an_answer_alone_larger_than_the_window_names_its_own_field() -> None:
    with pytest.raises(InputError) as caught:
        assess({**P8, "input_tokens": 1_000, "output_tokens": 4_000, "reasoning_tokens": 250_000})
    assert caught.value.field == "reasoning_tokens"
    # Haiku 4.5 answers at most 64K tokens (its model page): the answer is refused on that
    # limit, its own field named, before the 200K window is reached.
    assert "give at most 64,000 output and reasoning tokens a call" in caught.value.message


def test_an_embedding_counts_its_input_alone() -> None:
    profile = {**P7, "model": "text-embedding-3-small", "output_format": "embedding", "input_tokens": 8_000,
               "output_tokens": 0, "interaction": "pipeline", "latency_budget_s": 86_400}
    assess(profile, what_if=False)  # 8,000 of 8,192
    with pytest.raises(InputError, match=r"9,000 tokens \(9,000 input\)"):
        assess({**profile, "input_tokens": 9_000}, what_if=False)
